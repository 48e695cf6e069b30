"""Consent capture: opt-ins and opt-outs with what was shown, abuse limits, confirmations."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from compliance import content
from compliance.confirmation import active_sender_get, confirmation_text
from compliance.models import ConsentRecord, ConsentThrottle, HostedPageVersion, PageKind
from compliance.opt_out_hook import opt_out_service
from portal import phones
from portal.enqueue import enqueue
from tenants.models import Tenant

TOKEN_SALT = "compliance.optin-form"


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


class ConsentLimitExceeded(ValidationError):
    """Too many sign-ups from one address or for one number: try later."""


class ConsentRejected(ValidationError):
    """The submission looks automated (honeypot filled, token missing, too fast or too old)."""


class TenantUnavailable(ValidationError):
    """The tenant is suspended or closed: it takes no new sign-ups and sends nothing."""


def _require_active(tenant: Tenant) -> None:
    """Reads the tenant's status fresh: a suspension applies from the next request on."""
    if not Tenant.objects.filter(pk=tenant.pk, status=Tenant.Status.ACTIVE).exists():
        raise TenantUnavailable("Sign-up is not available for this program right now.")


def form_token_issue(*, tenant: Tenant, version: HostedPageVersion) -> str:
    """A signed token carrying the time the form was shown; the submit must come back with it
    after a human delay and before it expires."""
    return signing.dumps({"t": tenant.pk, "v": version.pk, "at": time.time()}, salt=TOKEN_SALT)


def _token_check(token: str, *, tenant: Tenant, version: HostedPageVersion) -> None:
    try:
        data = signing.loads(token or "", salt=TOKEN_SALT, max_age=2 * 60 * 60)
    except signing.BadSignature as exc:
        raise ConsentRejected("This form has expired. Reload the page and try again.") from exc
    if data.get("t") != tenant.pk or data.get("v") != version.pk:
        raise ConsentRejected("This form belongs to another page. Reload the page.")
    if time.time() - float(data.get("at", 0)) < _limit("COMPLIANCE_OPTIN_MIN_SECONDS", 3):
        raise ConsentRejected("That was quick. Check the boxes you want and send the form again.")


def phone_e164(value: str) -> str:
    try:
        return phones.phone_e164(value, label="mobile number")
    except phones.PhoneFormatError as exc:
        raise ValidationError({"phone": str(exc)}) from exc


def _hash(value: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()


def _throttle(*, tenant: Tenant, scope: str, key: str, limit: int, seconds: int) -> None:
    """Counts one accepted submission; raises when the window's count passes `limit`. Called
    inside the submission's transaction, so a refused one leaves no count and no record."""
    now = timezone.now()
    start = now - timedelta(seconds=now.timestamp() % seconds)
    start = start.replace(microsecond=0)
    lookup = {"tenant": tenant, "scope": scope, "key_hash": _hash(key), "window_start": start}
    updated = ConsentThrottle.objects.filter(**lookup).update(count=F("count") + 1)
    if not updated:
        try:
            with transaction.atomic():
                ConsentThrottle.objects.create(count=1, **lookup)
        except IntegrityError:
            ConsentThrottle.objects.filter(**lookup).update(count=F("count") + 1)
    if ConsentThrottle.objects.get(**lookup).count > limit:
        raise ConsentLimitExceeded("Too many sign-ups in a short time. Please try again later.")


@dataclass(frozen=True)
class Submission:
    phone: str
    use_cases: list[str]
    token: str
    honeypot: str = ""
    ip_address: str | None = None
    user_agent: str = ""
    source: str = ConsentRecord.Source.HOSTED_PAGE


@transaction.atomic
def consent_capture(
    *, tenant: Tenant, version: HostedPageVersion, submission: Submission
) -> list[ConsentRecord]:
    """Records one opt-in per chosen use case with the exact text shown, after the bot checks
    and the limits, and queues the confirmation message."""
    if version.tenant_id != tenant.pk or version.kind != PageKind.OPT_IN:
        raise ValidationError("This opt-in page belongs to another account.")
    _require_active(tenant)
    if submission.honeypot:
        raise ConsentRejected("The form could not be accepted.")
    _token_check(submission.token, tenant=tenant, version=version)
    phone = phone_e164(submission.phone)
    offered = {u["key"]: u for u in version.program.get("use_cases", [])}
    chosen = [k for k in dict.fromkeys(submission.use_cases) if k in offered]
    if not chosen:
        raise ValidationError({"use_cases": "Tick at least one box to choose your messages."})
    ip = submission.ip_address or "unknown"
    _throttle(
        tenant=tenant,
        scope="ip",
        key=ip,
        limit=_limit("COMPLIANCE_OPTIN_PER_IP", 5),
        seconds=_limit("COMPLIANCE_OPTIN_IP_WINDOW", 600),
    )
    _throttle(
        tenant=tenant,
        scope="number",
        key=phone,
        limit=_limit("COMPLIANCE_OPTIN_PER_NUMBER", 3),
        seconds=_limit("COMPLIANCE_OPTIN_NUMBER_WINDOW", 3600),
    )
    facts = version.program
    disclosure = content.optin_disclosure(facts)
    now = timezone.now()  # one submission, one time: the confirmation groups by it
    records = [
        ConsentRecord.objects.create(
            tenant=tenant,
            phone_e164=phone,
            action=ConsentRecord.Action.OPT_IN,
            use_case=key,
            use_case_label=offered[key]["label"],
            page_version=version,
            text_shown=f"{content.optin_statement(facts, offered[key])}\n{disclosure}",
            source=submission.source,
            ip_address=submission.ip_address,
            user_agent=submission.user_agent[:400],
            created_at=now,
        )
        for key in chosen
    ]
    service = opt_out_service()
    if service is not None:  # signing up again lifts a number-wide opt-out (STOP)
        service.recipient_opted_in(tenant=tenant, phone=phone, source=submission.source)
    enqueue("compliance.tasks.consent_confirm_task", tenant.pk, records[0].pk)
    return records


OPT_OUT_TEXT = "Stop all text messages from {brand} to this number."
OPT_OUT_KIND_TEXT = (
    "Stop {kind} text messages from {brand} to this number; other messages keep coming."
)
OPT_IN_TEXT = "Send text messages from {brand} to this number again."
OPT_IN_KIND_TEXT = "Send {kind} text messages from {brand} to this number again."


def _brand(tenant: Tenant) -> str:
    return getattr(getattr(tenant, "profile", None), "dba_name", "") or tenant.name


def consent_text(*, tenant: Tenant, action: str, message_type: str = "") -> str:
    """The words of an opt-out or opt-in that has no page text of its own."""
    kind = message_type.lower()
    if action == ConsentRecord.Action.OPT_OUT:
        template = OPT_OUT_KIND_TEXT if kind else OPT_OUT_TEXT
    else:
        template = OPT_IN_KIND_TEXT if kind else OPT_IN_TEXT
    return template.format(brand=_brand(tenant), kind=kind)


def consent_log_append(
    *,
    tenant: Tenant,
    phone: str,
    action: str,
    source: str,
    message_type: str = "",
    text_shown: str = "",
    ip_address: str | None = None,
    user_agent: str = "",
    note: str = "",
) -> ConsentRecord:
    """Appends one record to the consent log. Only the opt-out service (the setting
    `COMPLIANCE_OPT_OUT_SERVICE`) calls it for opt-outs and opt-ins outside the opt-in page, in
    the same transaction as its change of the opt-out list."""
    if action not in ConsentRecord.Action.values:
        raise ValueError(f"unknown consent action {action!r}")
    if source not in ConsentRecord.Source.values:
        raise ValueError(f"unknown consent source {source!r}")
    return ConsentRecord.objects.create(
        tenant=tenant,
        phone_e164=phone,
        action=action,
        message_type=message_type,
        text_shown=text_shown
        or consent_text(tenant=tenant, action=action, message_type=message_type),
        source=source,
        ip_address=ip_address,
        user_agent=user_agent[:400],
        confirmation=ConsentRecord.Confirmation.NOT_NEEDED,
        confirmation_note=(
            note
            or (
                "Opt-out confirmations are sent by the number that receives STOP."
                if action == ConsentRecord.Action.OPT_OUT
                else "No confirmation for an opt-in outside the opt-in page."
            )
        )[:300],
    )


@transaction.atomic
def consent_opt_out(
    *,
    tenant: Tenant,
    phone: str,
    source: str,
    ip_address: str | None = None,
    user_agent: str = "",
    message_type: str = "",
) -> ConsentRecord | None:
    """A recipient's opt-out from a public page: the per-address limit, then the opt-out
    service, which changes the opt-out list and the consent log together. Without a service
    configured (the compliance kit on its own) only the consent log is written. Returns the
    new consent record, or None when the number was already opted out."""
    phone = phone_e164(phone)
    _throttle(
        tenant=tenant,
        scope="optout-ip",
        key=ip_address or "unknown",
        limit=_limit("COMPLIANCE_OPTOUT_PER_IP", 10),
        seconds=600,
    )
    service = opt_out_service()
    if service is None:
        return consent_log_append(
            tenant=tenant, phone=phone, action=ConsentRecord.Action.OPT_OUT, source=source,
            message_type=message_type, ip_address=ip_address, user_agent=user_agent,
        )  # fmt: skip
    return service.recipient_opt_out(
        tenant=tenant, phone=phone, source=source, message_type=message_type,
        ip_address=ip_address, user_agent=user_agent,
    )  # fmt: skip


def consent_confirm(*, tenant_id: int, consent_id: int) -> ConsentRecord | None:
    """Sends the opt-in confirmation through the tenant's active sender, once. Without an
    active sender, records that none was sent and why."""
    claimed = ConsentRecord.objects.filter(
        pk=consent_id, tenant_id=tenant_id, confirmation=ConsentRecord.Confirmation.PENDING
    )
    record = claimed.select_related("tenant", "page_version").first()
    if record is None:
        return None  # done already, or not ours
    siblings = ConsentRecord.objects.filter(
        tenant_id=tenant_id,
        phone_e164=record.phone_e164,
        page_version=record.page_version,
        created_at=record.created_at,
        confirmation=ConsentRecord.Confirmation.PENDING,
    )
    if record.tenant.status != Tenant.Status.ACTIVE:
        siblings.update(
            confirmation=ConsentRecord.Confirmation.NO_SENDER,
            confirmation_note=f"No confirmation sent: the account is {record.tenant.status}.",
        )
        record.refresh_from_db()
        return record
    sender = active_sender_get(tenant=record.tenant)
    if sender is None:
        siblings.update(
            confirmation=ConsentRecord.Confirmation.NO_SENDER,
            confirmation_note="No confirmation sent: the tenant has no active sender yet.",
        )
    else:
        labels = list(siblings.values_list("use_case_label", flat=True))
        body = confirmation_text(record.page_version.program, labels)
        try:
            message_id = sender.send(phone_e164=record.phone_e164, body=body)
        except Exception as exc:  # the sender's own errors are recorded, not raised
            siblings.update(
                confirmation=ConsentRecord.Confirmation.FAILED,
                confirmation_note=f"Sending failed: {exc}"[:300],
            )
        else:
            siblings.update(
                confirmation=ConsentRecord.Confirmation.SENT,
                confirmation_note=body[:300],
                confirmation_message_id=str(message_id)[:100],
            )
    record.refresh_from_db()
    return record


def consent_throttle_prune(*, older_than_seconds: int = 24 * 60 * 60) -> int:
    """Deletes abuse counters whose window ended long ago; returns how many."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    deleted, _ = ConsentThrottle.objects.filter(window_start__lt=cutoff).delete()
    return deleted
