"""The tenant's sending pages under /t/<slug>/: its senders, the message log with each
message's events, the opt-out list, and webhook endpoints. Members see senders, messages and
opt-outs and may record an opt-out; owners and admins lift opt-outs, import them, and manage
webhooks (their secrets are shown to them once)."""

from __future__ import annotations

from decimal import Decimal

import pycountry
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from messaging import optouts, selectors, services
from messaging.checks import DEFAULT_PRICE_PER_PART, PRICE_PER_PART, parts_per_second
from messaging.models import WebhookEndpoint
from messaging.web.forms import (
    EVENT_LABELS,
    MessageSearchForm,
    OptOutAddForm,
    OptOutImportForm,
    OptOutRemoveForm,
    OptOutSearchForm,
    WebhookForm,
)
from portal import csv_safe
from portal.paging import page_of
from registrations import throughput
from registrations.services.sending_setup import registration_keywords
from tenants.models import Role
from tenants.permissions import tenant_view
from tenants.selectors import business_profile_get

NUMBER_TYPES = {
    "TOLL_FREE": "Toll-free number",
    "TEN_DLC": "10DLC number",
    "SHORT_CODE": "Short code",
    "LONG_CODE": "Long code",
    "SIMULATOR": "Simulator number (tests only)",
}
SENDER_STATUS = {
    "ACTIVE": ("Active", ""),
    "PENDING": ("Pending", "AWS and the carriers are still setting it up."),
    "ASSOCIATING": ("Pending", "The carriers are linking it to the campaign."),
}

# AWS's SMS event types in plain words (reference: AWS's event destination documentation); the
# code stays beside them for whoever compares with AWS's logs.
EVENT_WORDS = {
    "TEXT_QUEUED": "Queued at AWS",
    "TEXT_PENDING": "Waiting at the carrier",
    "TEXT_SENT": "Sent to the carrier",
    "TEXT_SUCCESSFUL": "Accepted by the carrier",
    "TEXT_DELIVERED": "Delivered to the phone",
    "TEXT_INVALID": "Not a valid number",
    "TEXT_INVALID_MESSAGE": "The message was not valid",
    "TEXT_UNREACHABLE": "The phone was unreachable",
    "TEXT_CARRIER_UNREACHABLE": "The carrier was unreachable",
    "TEXT_BLOCKED": "Blocked by the carrier",
    "TEXT_CARRIER_BLOCKED": "Blocked by the carrier",
    "TEXT_SPAM": "Blocked as spam",
    "TEXT_PROTECT_BLOCKED": "Blocked by your country rules (protect configuration)",
    "TEXT_TTL_EXPIRED": "Not delivered in time",
    "TEXT_UNKNOWN": "Unknown outcome",
}


def _country(code: str) -> str:
    found = pycountry.countries.get(alpha_2=code or "")
    return f"{found.name} ({code})" if found else code


def _profile_country(request: HttpRequest) -> str:
    return business_profile_get(tenant=request.tenant).country or "US"


def _can_admin(request: HttpRequest) -> bool:
    return Role.at_least(request.membership.role, Role.ADMIN)


def _errors_to_form(form, exc: ValidationError, rename: dict[str, str] | None = None) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, errors in exc.message_dict.items():
        name = (rename or {}).get(name, name)
        form.add_error(name if name != NON_FIELD_ERRORS and name in form.fields else None, errors)


# --- Senders -------------------------------------------------------------------------------


@tenant_view()
@require_GET
def sender_list(request: HttpRequest) -> HttpResponse:
    rows = []
    keywords_of: dict[int, list] = {}
    for sender in selectors.sender_list_with_registrations(tenant=request.tenant):
        registration = sender.registration
        if registration is not None and registration.pk not in keywords_of:
            keywords_of[registration.pk] = registration_keywords(registration)
        rows.append(
            {
                "sender": sender,
                "type": "Sender ID"
                if sender.kind == sender.Kind.SENDER_ID
                else NUMBER_TYPES.get(sender.number_type, sender.number_type or "Phone number"),
                "country": _country(sender.iso_country),
                "status": SENDER_STATUS.get(sender.status, (sender.status.title(), "")),
                "active": sender.status == "ACTIVE",
                "throughput": parts_per_second(sender),
                "raised": bool(sender.parts_per_second_override),
                "qualification": throughput.qualification(sender),
                "keywords": keywords_of.get(registration.pk, []) if registration else [],
            }
        )
    active = sum(1 for r in rows if r["active"])
    return render(request, "messaging/sender_list.html", {"rows": rows, "active_count": active})


# --- Messages ------------------------------------------------------------------------------


@tenant_view()
@require_GET
def message_list(request: HttpRequest) -> HttpResponse:
    form = MessageSearchForm(request.GET or None, country=_profile_country(request))
    searched = bool(request.GET) and any(request.GET.get(k) for k in form.fields)
    status = 200
    if form.is_bound and not form.is_valid():
        page, status = None, 400
    else:
        filters = form.filters() if form.is_bound else {}
        page = page_of(request, selectors.message_list(tenant=request.tenant, filters=filters))
    context = {"form": form, "page": page, "searched": searched}
    return render(request, "messaging/message_list.html", context, status=status)


@tenant_view()
@require_GET
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = selectors.message_get(tenant=request.tenant, pk=pk)
    if message is None:
        raise Http404("No such message.")
    # The estimate stored when the message was accepted (the spend cap counted it); a message
    # stored without one is estimated at today's list price.
    per_part = PRICE_PER_PART.get(message.iso_country, DEFAULT_PRICE_PER_PART)
    if message.estimated_price and message.parts:
        per_part = message.estimated_price / message.parts
    context = {
        "message": message,
        "events": [
            {"event": e, "words": EVENT_WORDS.get(e.event_type, e.event_type)}
            for e in message.events.all()
        ],
        "per_part": per_part,
        "estimate": message.estimated_price or per_part * Decimal(message.parts),
    }
    return render(request, "messaging/message_detail.html", context)


# --- Opt-outs ------------------------------------------------------------------------------


def _opt_out_page(request: HttpRequest, *, add=None, upload=None, status: int = 200):
    country = _profile_country(request)
    search = OptOutSearchForm(request.GET)
    digits = search.digits()
    page = page_of(request, selectors.opt_out_list(tenant=request.tenant, digits=digits))
    context = {
        "page": page,
        "search": search,
        "q": request.GET.get("q", ""),
        "add_form": add or OptOutAddForm(country=country),
        "import_form": upload or OptOutImportForm(country=country),
        "remove_form": OptOutRemoveForm(),
        "kinds_collected": optouts.kinds_collected(request.tenant),
        "can_admin": _can_admin(request),
    }
    return render(request, "messaging/optout_list.html", context, status=status)


@tenant_view()
@require_GET
def opt_out_list(request: HttpRequest) -> HttpResponse:
    return _opt_out_page(request)


@tenant_view()
@require_POST
def opt_out_add(request: HttpRequest) -> HttpResponse:
    form = OptOutAddForm(request.POST, country=_profile_country(request))
    if form.is_valid():
        data = form.cleaned_data
        try:
            row, changed = services.opt_out_add(
                tenant=request.tenant, actor=request.user, phone=data["phone"],
                message_type=data["message_type"], reason=data["reason"],
            )  # fmt: skip
        except ValidationError as exc:
            _errors_to_form(form, exc, {"type": "message_type"})
        else:
            if changed:
                messages.success(
                    request,
                    f"{row.phone} is opted out. The portal refuses messages to it, and AWS's "
                    "opt-out list is updated in the background.",
                )
            else:
                messages.info(request, f"{row.phone} was already opted out; nothing changed.")
            return redirect("opt_out_list", request.tenant.slug)
    messages.error(request, "The opt-out was not recorded. Fix the fields marked below.")
    return _opt_out_page(request, add=form, status=400)


@tenant_view(Role.ADMIN)
@require_POST
def opt_out_remove(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.opt_out_get(tenant=request.tenant, pk=pk)
    if row is None:
        raise Http404("No such opt-out.")
    form = OptOutRemoveForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, f"{row.phone} is still opted out: say how the recipient opted back in."
        )
        return redirect("opt_out_list", request.tenant.slug)
    lifted = services.opt_out_remove(
        tenant=request.tenant, actor=request.user, opt_out=row, reason=form.cleaned_data["reason"]
    )
    if lifted:
        messages.success(request, f"{row.phone} may receive messages again.")
    else:
        messages.info(request, f"{row.phone} was opted back in already; nothing changed.")
    return redirect("opt_out_list", request.tenant.slug)


class _Echo:
    def write(self, value: str) -> str:
        return value


@tenant_view()
@require_GET
def opt_out_export(request: HttpRequest) -> StreamingHttpResponse:
    """The opt-out list as CSV (the import reads the same columns)."""
    writer = csv_safe.writer(_Echo())  # formula cells neutralised (portal/csv_safe.py)
    rows = selectors.opt_out_list(tenant=request.tenant).order_by("created_at", "id")

    def lines():
        yield writer.writerow(["phone", "type", "source", "created_at"])
        for row in rows.iterator():
            yield writer.writerow(
                [row.phone, row.message_type, row.source, row.created_at.isoformat()]
            )

    stamp = timezone.now().strftime("%Y%m%d")
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    filename = f"opt-outs-{request.tenant.slug}-{stamp}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@tenant_view(Role.ADMIN)
@require_POST
def opt_out_import(request: HttpRequest) -> HttpResponse:
    form = OptOutImportForm(request.POST, request.FILES, country=_profile_country(request))
    if form.is_valid():
        try:
            added = services.opt_outs_import(
                tenant=request.tenant, actor=request.user, rows=form.cleaned_data["file"],
                reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except ValidationError as exc:
            _errors_to_form(form, exc, {"phone": "file", "type": "file"})
        else:
            total = len(form.cleaned_data["file"])
            messages.success(
                request,
                f"Imported {total} number{'s' if total != 1 else ''}: {added} newly opted out, "
                f"{total - added} already were.",
            )
            return redirect("opt_out_list", request.tenant.slug)
    messages.error(request, "Nothing was imported. Fix the problem marked below.")
    return _opt_out_page(request, upload=form, status=400)


# --- Webhooks ------------------------------------------------------------------------------


def _endpoint(request: HttpRequest, pk: int) -> WebhookEndpoint:
    endpoint = selectors.webhook_get(tenant=request.tenant, pk=pk)
    if endpoint is None:
        raise Http404("No such webhook endpoint.")
    return endpoint


def _webhook_page(request, endpoint, form=None, *, secret: str = "", status: int = 200):
    context = {
        "endpoint": endpoint,
        "form": form
        or WebhookForm(
            initial={
                "url": endpoint.url,
                "event_types": endpoint.event_types,
                "active": endpoint.active,
            }
        ),  # fmt: skip
        "deliveries": selectors.webhook_deliveries(tenant=request.tenant, endpoint=endpoint)[:25],
        "secret": secret,
        "event_labels": EVENT_LABELS,
        "overlap_active": bool(
            endpoint.previous_valid_until and endpoint.previous_valid_until > timezone.now()
        ),
    }
    return render(request, "messaging/webhook_detail.html", context, status=status)


@tenant_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def webhook_list(request: HttpRequest) -> HttpResponse:
    form = WebhookForm(request.POST or None, initial={"active": True})
    if request.method == "POST":
        if form.is_valid():
            try:
                endpoint = services.webhook_endpoint_create(
                    tenant=request.tenant, actor=request.user, url=form.cleaned_data["url"],
                    event_types=form.cleaned_data["event_types"],
                )  # fmt: skip
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                return _webhook_page(request, endpoint, secret=endpoint.secret, status=201)
        messages.error(request, "The endpoint was not added. Fix the fields marked below.")
    endpoints = list(selectors.webhook_list(tenant=request.tenant))
    context = {"endpoints": endpoints, "form": form, "event_labels": EVENT_LABELS}
    status = 400 if form.is_bound else 200
    return render(request, "messaging/webhook_list.html", context, status=status)


@tenant_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def webhook_detail(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    if request.method == "GET":
        return _webhook_page(request, endpoint)
    form = WebhookForm(request.POST)
    if form.is_valid():
        try:
            updated = services.webhook_endpoint_update(
                tenant=request.tenant, actor=request.user, endpoint=endpoint,
                **form.cleaned_data,
            )  # fmt: skip
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            if updated is None:
                raise Http404("No such webhook endpoint.")  # deleted meanwhile
            messages.success(request, "Endpoint saved.")
            return redirect("webhook_detail", request.tenant.slug, endpoint.pk)
    messages.error(request, "The endpoint was not saved. Fix the fields marked below.")
    return _webhook_page(request, endpoint, form, status=400)


@tenant_view(Role.ADMIN)
@require_POST
def webhook_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = services.webhook_endpoint_rotate(
        tenant=request.tenant, actor=request.user, endpoint=_endpoint(request, pk)
    )
    if endpoint is None:
        raise Http404("No such webhook endpoint.")  # deleted meanwhile
    return _webhook_page(request, endpoint, secret=endpoint.secret)


@tenant_view(Role.ADMIN)
@require_POST
def webhook_delete(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    removed = services.webhook_endpoint_delete(
        tenant=request.tenant, actor=request.user, endpoint=endpoint
    )
    if removed:
        messages.success(request, f"Endpoint {endpoint.url} removed; nothing more is sent to it.")
    return redirect("webhook_list", request.tenant.slug)
