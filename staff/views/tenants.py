"""Staff pages of tenants (/staff/, /staff/tenants/…): the list with each tenant's
registrations and senders, creating a tenant with its first owner's invitation, one tenant's
page, its status; the audit log of every tenant and the provider's own business profile."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from portal.paging import page_of
from registrations.services import provisioning, sending_setup
from staff import selectors as staff_selectors
from staff.forms import (
    ProviderProfileForm,
    SenderThroughputForm,
    TenantCreateForm,
    TenantStatusForm,
)
from tenants import selectors as tenant_selectors
from tenants import services as tenant_services
from tenants.forms import InvitationForm
from tenants.models import Role
from tenants.permissions import staff_view


@staff_view(act=True)
@require_http_methods(["GET", "POST"])
def staff_provider_profile(request: HttpRequest) -> HttpResponse:
    """The provider's own business details, which prefill provider-branded programs."""
    form = ProviderProfileForm(
        request.POST or None, instance=tenant_selectors.provider_profile_get()
    )
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.fields}
        try:
            tenant_services.provider_profile_update(actor=request.user, data=data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Provider's business profile saved.")
            return redirect("staff_provider_profile")
    return render(request, "staff/providerprofile_edit.html", {"form": form})


@staff_view()
def staff_tenant_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    tenants = list(tenant_selectors.tenant_list_for_staff(search=search, status=status))
    summaries = staff_selectors.tenant_summaries([t.pk for t in tenants])
    for tenant in tenants:
        tenant.summary = summaries[tenant.pk]
    context = {
        "tenants": tenants,
        "search": search,
        "status": status,
        "status_choices": TenantStatusForm.base_fields["status"].choices,
    }
    return render(request, "staff/tenant_list.html", context)


@staff_view(act=True)
@require_http_methods(["GET", "POST"])
def staff_tenant_create(request: HttpRequest) -> HttpResponse:
    form = TenantCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tenant = tenant_services.tenant_create(
                actor=request.user, name=form.cleaned_data["name"], slug=form.cleaned_data["slug"]
            )
            tenant_services.invitation_create(
                tenant=tenant,
                actor=request.user,
                email=form.cleaned_data["owner_email"],
                role=Role.OWNER,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"{tenant.name} created; an invitation went to {form.cleaned_data['owner_email']}.",
            )
            return redirect("staff_tenant_detail", slug=tenant.slug)
    return render(request, "staff/tenant_create.html", {"form": form})


@staff_view()
def staff_tenant_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tenant = tenant_selectors.tenant_get_for_staff(slug=slug)
    if tenant is None:
        raise Http404("No such tenant.")
    sending = staff_selectors.tenant_registrations_for_staff(tenant=tenant)
    context = {
        **sending,
        "registrations": page_of(
            request, sending["registrations"], per_page=25, param="registrations_page"
        ),
        "senders": page_of(request, sending["senders"], per_page=25, param="senders_page"),
        "tenant": tenant,
        "profile": getattr(tenant, "profile", None),
        "members": tenant_selectors.membership_list(tenant=tenant),
        "invitations": tenant_selectors.invitation_list_pending(tenant=tenant),
        "entries": page_of(
            request,
            tenant_selectors.audit_entry_list(tenant=tenant),
            per_page=25,
            param="audit_page",
        ),
        "invite_form": InvitationForm(allowed_roles=[Role.OWNER, Role.ADMIN, Role.MEMBER]),
        "status_form": TenantStatusForm(initial={"status": tenant.status}),
    }
    return render(request, "staff/tenant_detail.html", context)


@staff_view(act=True)
@require_POST
def staff_tenant_invite(request: HttpRequest, slug: str) -> HttpResponse:
    tenant = tenant_selectors.tenant_get_for_staff(slug=slug)
    if tenant is None:
        raise Http404("No such tenant.")
    form = InvitationForm(request.POST, allowed_roles=[Role.OWNER, Role.ADMIN, Role.MEMBER])
    if form.is_valid():
        try:
            tenant_services.invitation_create(
                tenant=tenant,
                actor=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
    else:
        messages.error(request, "Enter a valid e-mail address and role.")
    return redirect("staff_tenant_detail", slug=tenant.slug)


@staff_view(act=True)
@require_POST
def staff_tenant_status(request: HttpRequest, slug: str) -> HttpResponse:
    tenant = tenant_selectors.tenant_get_for_staff(slug=slug)
    if tenant is None:
        raise Http404("No such tenant.")
    form = TenantStatusForm(request.POST)
    if form.is_valid():
        tenant_services.tenant_status_set(
            actor=request.user, tenant=tenant, status=form.cleaned_data["status"]
        )
        messages.success(request, f"{tenant.name} is now {tenant.get_status_display().lower()}.")
    else:
        messages.error(request, "Choose one of the listed statuses.")
    return redirect("staff_tenant_detail", slug=tenant.slug)


@staff_view()
def staff_audit_log(request: HttpRequest) -> HttpResponse:
    page = page_of(request, tenant_selectors.audit_entry_list())
    return render(request, "staff/auditentry_list.html", {"entries": page, "page": page})


@staff_view(act=True)
@require_POST
def staff_sender_throughput(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Records the limit AWS raised for one of the tenant's senders."""
    tenant = tenant_selectors.tenant_get_for_staff(slug=slug)
    sender = staff_selectors.sender_get_for_staff(tenant=tenant, pk=pk) if tenant else None
    if sender is None:
        raise Http404("No such sender.")
    form = SenderThroughputForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            "Give the parts per second (0.01 to 1000, empty for AWS's default) and where AWS "
            "raised it.",
        )
        return redirect("staff_tenant_detail", slug=tenant.slug)
    try:
        provisioning.sender_throughput_set(
            tenant=tenant,
            actor=request.user,
            sender=sender,
            parts_per_second=form.cleaned_data["parts_per_second"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Throughput of {sender.value} recorded.")
    return redirect("staff_tenant_detail", slug=tenant.slug)


@staff_view(act=True)
@require_POST
def staff_sending_setup_run(request: HttpRequest, slug: str) -> HttpResponse:
    """Runs the tenant's sending setup again (after a quota was raised)."""
    tenant = tenant_selectors.tenant_get_for_staff(slug=slug)
    if tenant is None:
        raise Http404("No such tenant.")
    try:
        sending_setup.sending_setup_rerun(tenant=tenant, actor=request.user)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, "Running the setup again; the page shows the result in a moment.")
    return redirect(f"{reverse('staff_tenant_detail', args=[tenant.slug])}#sending-setup")
