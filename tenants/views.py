"""HTML views for tenants and people: parse, authorise (decorators), call one service, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.module_loading import import_string
from django.views.decorators.http import require_http_methods, require_POST

from portal.paging import page_of
from tenants import selectors, services
from tenants.forms import (
    AcceptInvitationForm,
    BusinessProfileForm,
    InvitationForm,
    RoleForm,
)
from tenants.models import Invitation, Membership, Role, User
from tenants.permissions import public_view, tenant_view, user_view


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- Entry points --------------------------------------------------------------------------


@user_view
def home(request: HttpRequest) -> HttpResponse:
    """Sends a person where they work: their tenant, the chooser, or the staff console."""
    memberships = list(selectors.membership_list_for_user(user=request.user))
    slugs = {m.tenant.slug for m in memberships}
    last = request.session.get("current_tenant")
    if last in slugs:
        return redirect("tenant_dashboard", tenant_slug=last)
    if len(memberships) == 1:
        return redirect("tenant_dashboard", tenant_slug=memberships[0].tenant.slug)
    if not memberships and request.user.is_provider_staff:
        return redirect("staff_tenant_list")
    return redirect("tenant_choose")


@user_view
def tenant_choose(request: HttpRequest) -> HttpResponse:
    memberships = selectors.membership_list_for_user(user=request.user)
    wanted = request.GET.get("tenant", "")
    if wanted and any(m.tenant.slug == wanted for m in memberships):
        return redirect("tenant_dashboard", tenant_slug=wanted)
    return render(request, "tenants/tenant_choose.html", {"memberships": memberships})


# --- Tenant pages --------------------------------------------------------------------------


@tenant_view()
def tenant_dashboard(request: HttpRequest) -> HttpResponse:
    tenant = request.tenant
    profile = selectors.business_profile_get(tenant=tenant)
    members = selectors.membership_list(tenant=tenant)
    context = {
        "profile": profile,
        "member_count": members.count(),
        "pending_invitations": selectors.invitation_list_pending(tenant=tenant).count(),
        "notices": selectors.notice_list(tenant=tenant)[:5],
        "recent_activity": selectors.audit_entry_list(tenant=tenant, limit=6)
        if request.membership.role == Role.OWNER
        else [],
    }
    # What is live and what is next: the sending app's summary, reached through a setting
    # (tenants sits below messaging; see docs/architecture.md, Boundaries).
    if getattr(settings, "TENANT_DASHBOARD_SENDING", ""):
        context["sending"] = import_string(settings.TENANT_DASHBOARD_SENDING)(
            tenant, is_admin=Role.at_least(request.membership.role, Role.ADMIN)
        )
    return render(request, "tenants/tenant_dashboard.html", context)


@tenant_view()
def business_profile_detail(request: HttpRequest) -> HttpResponse:
    profile = selectors.business_profile_get(tenant=request.tenant)
    form = BusinessProfileForm(instance=profile)
    return render(
        request, "tenants/businessprofile_detail.html", {"profile": profile, "form": form}
    )


@tenant_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def business_profile_edit(request: HttpRequest) -> HttpResponse:
    profile = selectors.business_profile_get(tenant=request.tenant)
    form = BusinessProfileForm(request.POST or None, instance=profile)
    if request.method == "POST":
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in form.fields}
            try:
                services.business_profile_update(
                    tenant=request.tenant, actor=request.user, data=data
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Business profile saved.")
                return redirect("business_profile_detail", tenant_slug=request.tenant.slug)
        # Re-read the stored profile: a rejected form must not show unsaved values as saved.
        if profile.pk:
            profile.refresh_from_db()
        messages.error(request, "The profile was not saved. Fix the fields marked below.")
    return render(request, "tenants/businessprofile_edit.html", {"profile": profile, "form": form})


def _allowed_invite_roles(membership: Membership) -> list[str]:
    return [r for r in (Role.MEMBER, Role.ADMIN, Role.OWNER) if Role.at_least(membership.role, r)]


@tenant_view()
def member_list(request: HttpRequest) -> HttpResponse:
    tenant, membership = request.tenant, request.membership
    can_manage = Role.at_least(membership.role, Role.ADMIN)
    context = {
        "members": selectors.membership_list(tenant=tenant),
        "invitations": selectors.invitation_list_pending(tenant=tenant) if can_manage else [],
        "can_manage": can_manage,
        "invite_form": InvitationForm(allowed_roles=_allowed_invite_roles(membership))
        if can_manage
        else None,
        "role_choices": Role.choices,
    }
    return render(request, "tenants/membership_list.html", context)


@tenant_view(Role.ADMIN)
@require_POST
def invitation_create(request: HttpRequest) -> HttpResponse:
    form = InvitationForm(request.POST, allowed_roles=_allowed_invite_roles(request.membership))
    if form.is_valid():
        try:
            services.invitation_create(
                tenant=request.tenant,
                actor=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
    else:
        messages.error(
            request,
            "Invitation not sent: "
            + " ".join(
                f"{form.fields[k].label if k in form.fields else ''} {' '.join(v)}".strip()
                for k, v in form.errors.items()
            ),
        )
    return redirect("member_list", tenant_slug=request.tenant.slug)


@tenant_view(Role.ADMIN)
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation, pk=pk, tenant=request.tenant)
    try:
        services.invitation_revoke(tenant=request.tenant, actor=request.user, invitation=invitation)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, f"Invitation to {invitation.email} withdrawn.")
    return redirect("member_list", tenant_slug=request.tenant.slug)


@tenant_view(Role.ADMIN)
@require_POST
def membership_role_change(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=pk, tenant=request.tenant
    )
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the listed roles.")
    else:
        try:
            services.membership_role_change(
                tenant=request.tenant,
                actor=request.user,
                membership=membership,
                role=form.cleaned_data["role"],
            )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(
                request,
                f"{membership.user.email} is now {Role(form.cleaned_data['role']).label.lower()}.",
            )
    return redirect("member_list", tenant_slug=request.tenant.slug)


@tenant_view(Role.ADMIN)
@require_POST
def membership_remove(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=pk, tenant=request.tenant
    )
    leaving_self = membership.user_id == request.user.pk
    try:
        services.membership_remove(tenant=request.tenant, actor=request.user, membership=membership)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("member_list", tenant_slug=request.tenant.slug)
    messages.success(request, f"{membership.user.email} was removed from {request.tenant.name}.")
    if leaving_self:
        request.session.pop("current_tenant", None)
        return redirect("home")
    return redirect("member_list", tenant_slug=request.tenant.slug)


@tenant_view()
def notice_list(request: HttpRequest) -> HttpResponse:
    page = page_of(request, selectors.notice_list(tenant=request.tenant))
    return render(request, "tenants/notice_list.html", {"notices": page, "page": page})


@tenant_view()
@require_POST
def notice_mark_read(request: HttpRequest) -> HttpResponse:
    services.notice_mark_all_read(tenant=request.tenant, actor=request.user)
    return redirect("notice_list", tenant_slug=request.tenant.slug)


@tenant_view(Role.OWNER)
def audit_log(request: HttpRequest) -> HttpResponse:
    page = page_of(request, selectors.audit_entry_list(tenant=request.tenant))
    return render(request, "tenants/auditentry_list.html", {"entries": page, "page": page})


# --- Invitations (public link) ---------------------------------------------------------------


@public_view
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.invitation_get_by_token(token)
    except ValidationError as exc:
        return render(
            request, "tenants/invitation_invalid.html", {"reason": _error_text(exc)}, status=410
        )
    user = request.user if request.user.is_authenticated else None
    has_account = user is not None or User.objects.filter(email__iexact=invitation.email).exists()
    form = None
    if user is None and not has_account:
        form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST":
        if user is None and has_account:
            login_url = f"{reverse('login')}?next={request.path}"
            return redirect(login_url)
        if form is None or form.is_valid():
            try:
                membership = services.invitation_accept(
                    token=token,
                    user=user,
                    full_name=form.cleaned_data["full_name"] if form else "",
                    password=form.cleaned_data["password1"] if form else "",
                )
            except services.InvitationUsed as exc:
                # Another accept of this link won just now (a double click, two tabs).
                return render(
                    request, "tenants/invitation_invalid.html", {"reason": _error_text(exc)},
                    status=409,
                )  # fmt: skip
            except ValidationError as exc:
                messages.error(request, _error_text(exc))
            else:
                if user is None:
                    login(
                        request,
                        membership.user,
                        backend="django.contrib.auth.backends.ModelBackend",
                    )
                messages.success(request, f"Welcome to {membership.tenant.name}.")
                return redirect("tenant_dashboard", tenant_slug=membership.tenant.slug)
    context = {"invitation": invitation, "form": form, "has_account": has_account}
    return render(request, "tenants/invitation_accept.html", context)
