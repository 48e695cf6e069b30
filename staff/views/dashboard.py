"""The staff dashboard (/staff/registrations/dashboard/): registration figures of every tenant
or of one, read from the daily summary."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from staff import summary
from tenants.models import Tenant
from tenants.permissions import staff_view


@staff_view()
def dashboard(request: HttpRequest) -> HttpResponse:
    slug = request.GET.get("tenant", "")
    tenant = Tenant.objects.filter(slug=slug).first() if slug else None
    context = {
        "figures": summary.dashboard(tenant),
        "tenant": tenant,
        "tenants": Tenant.objects.order_by("name").values_list("slug", "name"),
    }
    return render(request, "staff/dashboard.html", context)
