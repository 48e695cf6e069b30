"""The tenant's sending policy page (/t/<slug>/sending-policy/): members see it, owners and
admins change it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from messaging import selectors, services
from messaging.checks import STATE_SECONDS
from messaging.forms import SendingPolicyForm
from messaging.spend import month_spend
from tenants.models import Role
from tenants.permissions import tenant_view


def _page(request: HttpRequest, policy, form: SendingPolicyForm, can_edit: bool, status=200):
    spend = month_spend(request.tenant)
    cap = policy.monthly_spend_cap
    context = {
        "policy": policy,
        "form": form,
        "can_edit": can_edit,
        "month_spend": spend,
        "spend_percent": min(100, int(spend * 100 / cap)) if cap else None,
        "sender_countries": selectors.sender_countries(tenant=request.tenant),
        "applies_within": int(STATE_SECONDS),
    }
    return render(request, "messaging/sendingpolicy_edit.html", context, status=status)


@tenant_view()
@require_http_methods(["GET", "POST"])
def sending_policy_edit(request: HttpRequest) -> HttpResponse:
    can_edit = Role.at_least(request.membership.role, Role.ADMIN)
    policy = selectors.sending_policy_get(tenant=request.tenant)  # as stored, also on errors
    if request.method == "GET":
        return _page(request, policy, SendingPolicyForm.for_policy(policy), can_edit)
    if not can_edit:
        raise PermissionDenied("Only owners and admins can change the sending policy.")
    form = SendingPolicyForm(request.POST)
    if form.is_valid():
        try:
            services.sending_policy_set(
                tenant=request.tenant, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                known = name != NON_FIELD_ERRORS and name in form.fields
                form.add_error(name if known else None, errors)
        else:
            messages.success(
                request,
                f"Sending policy saved. New messages follow it within {int(STATE_SECONDS)} "
                "seconds.",
            )
            return redirect("sending_policy", request.tenant.slug)
    messages.error(request, "The sending policy was not saved. Fix the fields marked below.")
    return _page(request, policy, form, can_edit, status=400)


tenant_patterns = [
    path("", sending_policy_edit, name="sending_policy"),
]
