"""Provider staff's opt-out page of a tenant (/staff/messaging/tenants/<slug>/opt-outs/): staff
see the opt-out list and the consent log of opt-outs; reviewers record an opt-out or an opt-in a
recipient asked for by another way (a call, an e-mail), through the same service as every other
way, with the reason in the consent log and the audit log."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from messaging import optouts
from messaging.models import OptOut
from staff import selectors
from staff.forms import StaffOptOutForm
from tenants.permissions import staff_view
from tenants.selectors import tenant_get_for_staff
from tenants.services import audit_record


def _tenant(slug: str):
    tenant = tenant_get_for_staff(slug=slug)
    if tenant is None:
        raise Http404("No such tenant.")
    return tenant


def _page(request: HttpRequest, tenant, form: StaffOptOutForm, status: int = 200):
    context = {
        "tenant": tenant,
        "form": form,
        "opt_outs": selectors.opt_out_list(tenant=tenant),
        "records": selectors.opt_out_record_list(tenant=tenant),
        "kinds_collected": optouts.kinds_collected(tenant),
    }
    return render(request, "staff/optout_list.html", context, status=status)


@staff_view()
@require_GET
def staff_opt_outs(request: HttpRequest, slug: str) -> HttpResponse:
    return _page(request, _tenant(slug), StaffOptOutForm())


@staff_view(act=True)
@require_POST
def staff_opt_out_change(request: HttpRequest, slug: str) -> HttpResponse:
    tenant = _tenant(slug)
    form = StaffOptOutForm(request.POST)
    if not form.is_valid():
        return _page(request, tenant, form, status=400)
    data = form.cleaned_data
    said = f"Recorded by {request.user.email}: {data['reason']}"
    try:
        if data["action"] == "opt_out":
            _, record = optouts.opt_out(
                tenant=tenant, phone=data["phone"], source=OptOut.Source.STAFF,
                message_type=data["kind"], text_shown=said,
            )  # fmt: skip
            changed = record is not None
        else:
            changed = bool(
                optouts.opt_in(
                    tenant=tenant,
                    phone=data["phone"],
                    source=OptOut.Source.STAFF,
                    message_type=data["kind"] or optouts.ALL,
                    text_shown=said,
                )  # fmt: skip
            )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error("kind" if field == "type" else field, errors)
        return _page(request, tenant, form, status=400)
    if changed:
        audit_record(
            tenant=tenant, actor=request.user, action=f"opt_out.staff_{data['action']}",
            after={"phone": data["phone"], "kind": data["kind"], "reason": data["reason"]},
        )  # fmt: skip
        messages.success(request, "Recorded in the opt-out list and the consent log.")
    else:
        messages.info(request, "Nothing to change: the list already says so.")
    return redirect("staff_opt_outs", slug=tenant.slug)
