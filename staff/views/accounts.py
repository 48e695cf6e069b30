"""Staff pages of the AWS accounts (/staff/aws/…): the provider's account readiness (tier,
spend, quotas against what tenants use and need, verified destination numbers, the public
address), a tenant's own account (connect it by role, its readiness), and a sender's page with
its go-live check. AWS is asked by the services outside any transaction, or by the `aws`
worker; the pages show what was last read and when."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from messaging import golive
from messaging.checks import parts_per_second
from registrations import throughput
from registrations.models import AwsAccount
from registrations.services import accounts
from registrations.web.forms import AwsAccountConnectForm
from staff import accounts as selectors
from staff.forms import (
    AccountSettingsForm,
    GoLiveForm,
    VerifiedNumberAddForm,
    VerifiedNumberCodeForm,
)
from tenants import selectors as tenant_selectors
from tenants import services as tenant_services
from tenants.models import Tenant
from tenants.permissions import staff_view


def _tenant(slug: str) -> Tenant:
    tenant = tenant_selectors.tenant_get_for_staff(slug=slug)
    if tenant is None:
        raise Http404("No such tenant.")
    return tenant


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for text in exc.messages:
        messages.error(request, text)


def _back(tenant: Tenant | None) -> HttpResponse:
    if tenant is None:
        return redirect("staff_aws_account")
    return redirect("staff_aws_tenant_account", slug=tenant.slug)


@staff_view()
def aws_account(request: HttpRequest) -> HttpResponse:
    """The provider's own AWS account and the list of tenants' own accounts."""
    overview = selectors.provider_account_overview()
    context = {
        **overview,
        "spend_share": selectors.spend_share(overview["readiness"], overview["spend"]),
        "add_form": VerifiedNumberAddForm(),
        "settings_form": AccountSettingsForm(
            initial={
                "tenants_bring_aws_accounts": (
                    tenant_selectors.provider_profile_get().tenants_bring_aws_accounts
                )
            }
        ),
        "now": timezone.now(),
        "tenants": Tenant.objects.exclude(pk__in=AwsAccount.objects.values("tenant_id")).order_by(
            "name"
        ),
    }
    return render(request, "staff/aws_account.html", context)


@staff_view()
def aws_tenant_account(request: HttpRequest, slug: str) -> HttpResponse:
    tenant = _tenant(slug)
    overview = selectors.tenant_account_overview(tenant)
    account = overview["account"]
    initial = (
        {"role_arn": account.role_arn, "external_id": account.external_id, "region": account.region,
         "registration_topic_arn": account.registration_topic_arn,
         "events_topic_arn": account.events_topic_arn}
        if account else {"external_id": AwsAccount._meta.get_field("external_id").default()}
    )  # fmt: skip
    context = {
        **overview,
        "tenant": tenant,
        "spend_share": selectors.spend_share(overview["readiness"], overview["spend"]),
        "connect_form": AwsAccountConnectForm(initial=initial),
        "add_form": VerifiedNumberAddForm(),
        "now": timezone.now(),
    }
    return render(request, "staff/aws_tenant_account.html", context)


@staff_view(act=True)
@require_POST
def aws_account_refresh(request: HttpRequest) -> HttpResponse:
    accounts.account_readiness_request(tenant=None, actor=request.user)
    messages.success(request, "Asked AWS; the page shows the answer once the worker has it.")
    return redirect("staff_aws_account")


@staff_view(act=True)
@require_POST
def aws_tenant_account_refresh(request: HttpRequest, slug: str) -> HttpResponse:
    tenant = _tenant(slug)
    try:
        accounts.account_readiness_request(tenant=tenant, actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, "Asked AWS; the page shows the answer once the worker has it.")
    return _back(tenant)


def _numbers(request: HttpRequest, tenant: Tenant | None) -> HttpResponse:
    """One POST for the verified numbers: add (and text a code), send the code again, verify
    with the code, delete."""
    action = request.POST.get("action", "")
    try:
        if action == "add":
            form = VerifiedNumberAddForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors["number"])
            accounts.verified_number_add(
                tenant=tenant, actor=request.user, number=form.cleaned_data["number"]
            )
            messages.success(request, "Added; AWS texted the number a code. Enter it below.")
        elif action in ("resend", "verify", "delete"):
            form = VerifiedNumberCodeForm(request.POST)
            if not form.is_valid():
                raise ValidationError("Choose a verified number from the list.")
            vid = form.cleaned_data["verified_number_id"]
            if action == "resend":
                accounts.verified_number_code_resend(
                    tenant=tenant, actor=request.user, verified_number_id=vid
                )
                messages.success(request, "AWS texted the number a new code.")
            elif action == "verify":
                accounts.verified_number_confirm(
                    tenant=tenant,
                    actor=request.user,
                    verified_number_id=vid,
                    code=form.cleaned_data["code"],
                )
                messages.success(request, "Verified: the account may now send to this number.")
            else:
                accounts.verified_number_remove(
                    tenant=tenant, actor=request.user, verified_number_id=vid
                )
                messages.success(request, "Deleted from the account's verified numbers.")
        else:
            raise ValidationError("Choose add, resend, verify or delete.")
    except ValidationError as exc:
        _errors(request, exc)
    return _back(tenant)


@staff_view(act=True)
@require_POST
def aws_account_numbers(request: HttpRequest) -> HttpResponse:
    return _numbers(request, None)


@staff_view(act=True)
@require_POST
def aws_tenant_account_numbers(request: HttpRequest, slug: str) -> HttpResponse:
    tenant = _tenant(slug)
    try:
        accounts.account_gateway(tenant)
    except ValidationError as exc:
        _errors(request, exc)
        return _back(tenant)
    return _numbers(request, tenant)


@staff_view(act=True)
@require_POST
def aws_tenant_account_connect(request: HttpRequest, slug: str) -> HttpResponse:
    tenant = _tenant(slug)
    form = AwsAccountConnectForm(request.POST)
    if form.is_valid():
        try:
            accounts.aws_account_connect(tenant=tenant, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"Connected: {tenant.name} now sends from its own account.")
            return _back(tenant)
    overview = selectors.tenant_account_overview(tenant)
    context = {
        **overview,
        "tenant": tenant,
        "spend_share": selectors.spend_share(overview["readiness"], overview["spend"]),
        "connect_form": form,
        "add_form": VerifiedNumberAddForm(),
        "now": timezone.now(),
    }
    return render(request, "staff/aws_tenant_account.html", context, status=400)


@staff_view(act=True)
@require_POST
def aws_account_settings(request: HttpRequest) -> HttpResponse:
    form = AccountSettingsForm(request.POST)
    form.is_valid()  # a missing box is False; nothing else to check
    tenant_services.provider_profile_update(
        actor=request.user,
        data={"tenants_bring_aws_accounts": form.cleaned_data["tenants_bring_aws_accounts"]},
    )
    messages.success(request, "Saved.")
    return redirect("staff_aws_account")


def _mps_justification(sender, qualification) -> str:
    """The use case text of an MPS increase request for a 10DLC number (AWS Support reads it)."""
    if qualification is None:
        return ""
    cls = qualification.ten_dlc_class
    campaign = sender.registration.name if sender.registration else "its campaign"
    return (
        f'10DLC number {sender.value} of the campaign "{campaign}" '
        f"({sender.registration.aws_registration_id if sender.registration else ''}). "
        f"{qualification.reason} The campaign qualifies for the {cls.name} class: "
        f"{cls.att_mps:g} MPS at AT&T, {cls.tmobile_daily} messages a day at T-Mobile. "
        "Please raise the number from the default 1 MPS to what the campaign qualifies for."
    )


@staff_view()
def staff_sender_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    tenant = _tenant(slug)
    sender = selectors.sender_for_staff(tenant=tenant, pk=pk)
    if sender is None:
        raise Http404("No such sender.")
    check = selectors.go_live_check_of(sender)
    qualification = throughput.qualification(sender)
    context = {
        "tenant": tenant,
        "sender": sender,
        "throughput": parts_per_second(sender),
        "qualification": qualification,
        "justification": _mps_justification(sender, qualification),
        "check": check,
        "checklist": selectors.go_live_checklist(check),
        "form": GoLiveForm(),
    }
    return render(request, "staff/sender_detail.html", context)


@staff_view(act=True)
@require_POST
def staff_sender_go_live(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    tenant = _tenant(slug)
    sender = selectors.sender_for_staff(tenant=tenant, pk=pk)
    if sender is None:
        raise Http404("No such sender.")
    form = GoLiveForm(request.POST)
    form.is_valid()
    try:
        if request.POST.get("action") == "check":
            golive.go_live_check_again(tenant=tenant, actor=request.user, sender=sender)
            messages.success(request, "Checking again; reload in a moment.")
        else:
            golive.go_live_check_start(
                tenant=tenant,
                actor=request.user,
                sender=sender,
                destination=form.cleaned_data.get("destination", ""),
            )
            messages.success(request, "Test message sent; the checks run as its events arrive.")
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("staff_sender_detail", slug=tenant.slug, pk=sender.pk)
