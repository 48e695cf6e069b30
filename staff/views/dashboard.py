"""The staff dashboard (/staff/registrations/dashboard/): registration figures of every tenant
or of one, read from the daily summary."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from staff import selectors, summary
from tenants import selectors as tenant_selectors
from tenants.permissions import staff_view


@staff_view()
def dashboard(request: HttpRequest) -> HttpResponse:
    slug = request.GET.get("tenant", "")
    tenant = tenant_selectors.tenant_get_for_staff(slug=slug) if slug else None
    context = {
        "figures": summary.dashboard(tenant),
        "tenant": tenant,
        "tenants": selectors.tenant_choices(),
    }
    return render(request, "staff/dashboard.html", context)
