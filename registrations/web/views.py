"""Tenant pages for registrations: the list with status and next action, "Get registered",
the detail page (timeline, reasons at their fields, diff, resubmit) and file previews."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.paging import page_of
from registrations import overlay, shortcode
from registrations.aws.errors import RetryableError
from registrations.models import AccountReadiness, AwsAccount, FieldValue
from registrations.selectors import schema_for
from registrations.services import accounts, changes, sender_requests
from registrations.services.guided import registrations_start
from registrations.states import Status
from registrations.web import selectors
from registrations.web.forms import AwsAccountConnectForm, SenderRequestForm, StartForm
from tenants.models import Role
from tenants.permissions import tenant_view

# What each option means, from the reference material (AWS and carrier documentation).
OPTIONS = {
    "toll_free": {
        "throughput": "3 message parts per second per number",
        "cost": "No registration fee at AWS; the number is leased monthly",
        "needs": "Business details, how people opt in (with a screenshot), sample messages",
        "types": [overlay.TOLL_FREE],
    },
    "ten_dlc": {
        "throughput": "From about 1 message per second per number (unvetted) upwards; "
        "vetting ($40) can raise it",
        "cost": "A one-time brand fee, an optional $40 vetting, a monthly campaign fee",
        "needs": "A brand (your company, with its tax ID), then a campaign per use case",
        "types": [overlay.BRAND, overlay.CAMPAIGN],
    },
    "short_code": {
        "throughput": "100 messages per second, more on request",
        "cost": "The highest: the code is leased monthly (up to $1,000 or more)",
        "needs": "Everything for toll-free, plus the call-to-action and message flows; your "
        "provider requests it from AWS Support and carriers provision it one by one (8-12 weeks)",
        "types": [shortcode.NAME],
    },
    "sender_id": {
        "throughput": "10 messages per second per country by default",
        "cost": "Depends on the country; some charge a registration fee",
        "needs": "Company documents and a use case per country; one registration each",
        "types": [],
    },
}


def _review_time(types: list[str]) -> str:
    if not types:
        return f"about {overlay.DEFAULT_REVIEW.days} days, by country"
    days = sum(overlay.typical_review(t).days for t in types)
    return f"typically up to {days} days"


@tenant_view()
@require_GET
def registration_list(request: HttpRequest) -> HttpResponse:
    page = page_of(request, selectors.registration_list(tenant=request.tenant))
    registrations = selectors.registration_rows(page.object_list)
    types = selectors.catalog_types()
    for r in registrations:
        r.type_title = types[r.registration_type].title if r.registration_type in types else ""
    return render(
        request,
        "registrations/registration_list.html",
        {"registrations": registrations, "page": page, "Status": Status},
    )


@tenant_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def registration_start(request: HttpRequest) -> HttpResponse:
    types = selectors.catalog_types()
    country_types = sorted(
        (t, typedef.title) for t, typedef in types.items() if t.endswith("_SENDER_ID_REGISTRATION")
    )
    form = StartForm(request.POST or None, country_types=country_types)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = registrations_start(
                tenant=request.tenant,
                actor=request.user,
                goal=data["goal"],
                name=data["name"],
                vetting=data["vetting"],
                sender_id_types=data["sender_id_types"],
                program_owner=form.program_owner,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                "Started: " + ", ".join(r.name for r in created) + ". Fill in the first one now.",
            )
            return redirect(
                "registration_step", tenant_slug=request.tenant.slug, pk=created[0].pk, step=1
            )
    options = []
    for value, label in StartForm.GOALS:
        info = OPTIONS[value]
        available = not info["types"] or all(t in types for t in info["types"])
        if value == "sender_id":
            available = bool(country_types)
        options.append(
            {
                "value": value,
                "label": label,
                "review": _review_time(info["types"]),
                "available": available,
                **info,
            }
        )
    return render(
        request,
        "registrations/registration_start.html",
        {"form": form, "options": options, "catalog_loaded": bool(types)},
    )


@tenant_view()
@require_GET
def registration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    registration = selectors.registration_get(tenant=request.tenant, pk=pk)
    version = selectors.latest_version(registration)
    schema = schema_for(registration)
    states = selectors.field_states(registration, version)
    sections = selectors.section_list(schema)
    blocks = [
        {
            "index": i,
            "section": s,
            "states": [states[f.path] for f in s["fields"] if states[f.path].rule != "DISALLOWED"],
        }
        for i, s in enumerate(sections, start=1)
    ]
    previous = registration.versions.filter(number__lt=version.number).newest()
    flagged = [s for s in states.values() if s.needs_change or s.comments]
    changed = [
        s
        for s in states.values()
        if previous is not None and (s.previous_display or "") != (s.display or "")
    ]
    plain, who, what = selectors.status_words(registration)
    step_of = {f.path: i for i, s in enumerate(sections, start=1) for f in s["fields"]}
    for state in states.values():
        state.step = step_of.get(state.fdef.path, 1)
    denied = previous.denied_reasons if previous is not None and previous.denied_reasons else []
    denied = version.denied_reasons or denied
    history = []
    if registration.status in selectors.RESOLVED:
        # A later version was approved: what AWS or the provider asked of earlier versions is
        # history now, not something to change.
        history = selectors.earlier_requests(registration, version, states)
        denied, flagged = [], []
        for state in states.values():
            state.denied_reason = state.feedback = ""
            state.needs_change, state.comments = False, []
    types = selectors.catalog_types()
    type_title = types.get(registration.registration_type)
    return render(
        request,
        "registrations/registration_detail.html",
        {
            "registration": registration,
            "type_title": type_title.title if type_title else registration.registration_type,
            "version": version,
            "previous": previous,
            "blocks": blocks,
            "flagged": flagged,
            "changed": changed,
            "denied_reasons": denied,
            "history": history,
            "timeline": [
                {
                    "event": e,
                    "plain": selectors.plain_status(e.to_status, registration.registration_type),
                }
                for e in registration.timeline.all()
            ],
            "plain": plain,
            "next_who": who,
            "next_what": what,
            "expected": selectors.expected_by(registration),
            "typical_days": overlay.typical_review(registration.registration_type).days,
            "review_words": overlay.review_time(registration.registration_type).words,
            "editable": selectors.is_editable(registration),
            "can_edit": request.membership.role in (Role.ADMIN, Role.OWNER),
            "dependents": list(registration.dependents.all()),
            "counts": selectors.findings_summary(version),
            "support_messages": selectors.support_messages_shared(registration=registration),
            "Status": Status,
            **selectors.aws_view(registration),
        },
    )


def _refusal_text(exc: Exception) -> str:
    if isinstance(exc, RetryableError):
        return f"AWS is busy ({exc.message}); try again in a minute."
    return " ".join(exc.messages)


@tenant_view(Role.ADMIN)
@require_POST
def registration_amend(request: HttpRequest, pk: int) -> HttpResponse:
    """Starts an amendment of an approved registration (a new version to edit)."""
    registration = selectors.registration_get(tenant=request.tenant, pk=pk)
    try:
        version = changes.registration_amend(actor=request.user, registration=registration)
    except ValidationError as exc:
        messages.error(request, _refusal_text(exc))
        return redirect("registration_detail", tenant_slug=request.tenant.slug, pk=pk)
    messages.success(
        request,
        f"Version {version.number} started from the approved one. Your senders keep sending "
        "until AWS approves it.",
    )
    return redirect("registration_step", tenant_slug=request.tenant.slug, pk=pk, step=1)


@tenant_view(Role.ADMIN)
@require_POST
def registration_discard(request: HttpRequest, pk: int) -> HttpResponse:
    """Discards the version AWS holds as Submitted (typed confirmation, as AWS's console)."""
    registration = selectors.registration_get(tenant=request.tenant, pk=pk)
    if request.POST.get("confirm", "").strip().lower() != "discard":
        messages.error(request, "Type discard to confirm.")
        return redirect("registration_detail", tenant_slug=request.tenant.slug, pk=pk)
    try:
        changes.registration_version_discard(actor=request.user, registration=registration)
    except (ValidationError, RetryableError) as exc:
        messages.error(request, _refusal_text(exc))
    else:
        messages.success(request, "The submitted version is discarded at AWS.")
    return redirect("registration_detail", tenant_slug=request.tenant.slug, pk=pk)


@tenant_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def registration_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """What deleting means, then the deletion once the person typed "delete"."""
    registration = selectors.registration_get(tenant=request.tenant, pk=pk)
    error = ""
    if request.method == "POST":
        try:
            changes.registration_delete(
                actor=request.user,
                registration=registration,
                confirm=request.POST.get("confirm", ""),
            )
        except (ValidationError, RetryableError) as exc:
            error = _refusal_text(exc)
        else:
            messages.success(request, f"“{registration.name}” is deleted at AWS.")
            return redirect("registration_detail", tenant_slug=request.tenant.slug, pk=pk)
    return render(
        request,
        "registrations/registration_delete.html",
        {
            "registration": registration,
            "senders": list(registration.senders.all()),
            "deletable": changes.is_deletable(registration),
            "error": error,
        },
        status=400 if error else 200,
    )


@tenant_view()
@require_GET
def registration_file(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    """A file of this registration, for the preview beside its field."""
    registration = selectors.registration_get(tenant=request.tenant, pk=pk)
    value = (
        FieldValue.objects.filter(
            tenant=request.tenant,
            version__registration=registration,
            attachment_id=attachment_id,
        )
        .select_related("attachment")
        .first()
    )
    if value is None:
        raise Http404("No such file.")
    attachment = value.attachment
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@tenant_view(min_role=Role.OWNER)
@require_http_methods(["GET", "POST"])
def aws_account_connect(request: HttpRequest) -> HttpResponse:
    """The owner connects the tenant's own AWS account, where the provider allows it."""
    allowed = accounts.may_connect_account(tenant=request.tenant, actor=request.user)
    account = AwsAccount.objects.filter(tenant=request.tenant).first()
    initial = (
        {"role_arn": account.role_arn, "external_id": account.external_id, "region": account.region,
         "registration_topic_arn": account.registration_topic_arn,
         "events_topic_arn": account.events_topic_arn}
        if account else {"external_id": AwsAccount._meta.get_field("external_id").default()}
    )  # fmt: skip
    form = AwsAccountConnectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.aws_account_connect(
                tenant=request.tenant, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "Connected: your registrations and messages now use it.")
            return redirect("aws_account_connect", request.tenant.slug)
    context = {
        "form": form,
        "allowed": allowed,
        "account": account,
        "readiness": AccountReadiness.objects.filter(tenant=request.tenant).first(),
    }
    return render(
        request,
        "registrations/aws_account.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@tenant_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def sender_request(request: HttpRequest) -> HttpResponse:
    """A sender ID (or a Canadian long code) for a country that needs no registration, with
    each country's rules; the tenant's senders without a registration below."""
    countries = selectors.requestable_countries()
    form = SenderRequestForm(request.POST or None, countries=countries)
    if request.method == "POST" and form.is_valid():
        try:
            sender = sender_requests.sender_request(
                tenant=request.tenant, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            what = sender.value or "A long code"
            messages.success(
                request,
                f"{what} ({sender.iso_country}) is requested from AWS; it sends once active.",
            )
            return redirect("sender_request", request.tenant.slug)
    return render(
        request,
        "registrations/sender_request.html",
        {"form": form, **selectors.sender_request_context(tenant=request.tenant)},
        status=400 if request.method == "POST" else 200,
    )
