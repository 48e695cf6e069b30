"""One truth for opt-outs: every way a number opts out or back in (the public pages, inbound
STOP/START, the API, AWS refusing a send, AWS's own list, staff, the tenant's opt-out page in the
portal) goes through `opt_out` and `opt_in`. Each changes the opt-out list that the sending
checks read (`OptOut`) and appends the consent log (`ConsentRecord`) in one transaction, then,
once committed, queues the task that makes the tenant's AWS opt-out list agree.

Kinds: a row with an empty `message_type` stops every message to the number (STOP by text, as
carriers enforce it); a row with a type stops that kind only. Kind-specific opt-outs are taken
only where the tenant collects consent per kind (`SmsProgram.kind_opt_outs`). AWS's list knows
no kinds, so only number-wide opt-outs are sent to it.

AWS sync (`aws_sync`, outside any transaction): the task reads the portal's state at the time
it runs and calls `PutOptedOutNumber` or `DeleteOptedOutNumber`, so that retries and reordered
tasks converge. `reconcile` compares the whole AWS list with the portal's:

- a number AWS has and the portal lacks is recorded as opted out (source "aws") unless the
  portal's newest number-wide opt-in is later than AWS's entry, in which case the opt-in has
  not reached AWS yet and the delete is sent again;
- a number-wide opt-out the portal has and AWS lacks is put on AWS's list.

A send that AWS refuses as opted out follows the same rule (`aws_refused_send`): recorded as an
opt-out, unless the portal's opt-in is newer than AWS's entry; then the delete is sent and the
message goes again.

AWS lets a number be removed from a list only once every 30 days (DeleteOptedOutNumber). When
AWS refuses the removal, AWS would keep refusing every send to the number, so the portal records
the number as opted out again (source "aws", with AWS's reason in the consent log): both lists
then say what really happens, and the tenant can opt the number in again later.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from compliance.models import ConsentRecord, SmsProgram
from compliance.services import consent_log_append
from messaging.models import MessageType, OptOut
from portal import phones
from portal.enqueue import enqueue
from registrations.aws import operations as aws
from registrations.aws.errors import AwsError, NotFoundError, ValidationFailed
from registrations.aws.gateway import Gateway
from registrations.models import SendingSetup
from tenants.models import Tenant

log = logging.getLogger(__name__)

Source = OptOut.Source
ALL = None  # `opt_in(message_type=ALL)`: lift the number-wide opt-out and every kind
_AWS_NUMBER = re.compile(r"\+[1-9][0-9]{1,18}")
# The consent log's source for each way of opting out (the log has no widget opt-outs).
_CONSENT_SOURCE = {
    Source.API: ConsentRecord.Source.API,
    Source.KEYWORD: ConsentRecord.Source.KEYWORD,
    Source.AWS: ConsentRecord.Source.AWS,
    Source.HOSTED_PAGE: ConsentRecord.Source.HOSTED_PAGE,
    Source.WIDGET: ConsentRecord.Source.WIDGET,
    Source.STAFF: ConsentRecord.Source.STAFF,
    Source.PORTAL: ConsentRecord.Source.PORTAL,
}


def phone_normalize(phone: str, *, source: str = "") -> str:
    """E.164 of a valid number; raises ValidationError saying what to fix. Numbers that AWS
    itself wrote (its list, an inbound message) are taken as written when they have AWS's
    E.164 shape."""
    value = (phone or "").strip() if isinstance(phone, str) else ""
    if source in (Source.AWS, Source.KEYWORD) and _AWS_NUMBER.fullmatch(value):
        return value
    if source in (Source.HOSTED_PAGE, Source.WIDGET, Source.STAFF, Source.PORTAL):
        # Typed by a person: any common way of writing a number (portal/phones.py).
        try:
            return phones.phone_e164(value)
        except phones.PhoneFormatError as exc:
            raise ValidationError({"phone": str(exc)}) from exc
    if not value.startswith("+"):
        raise ValidationError({"phone": "Write the number in E.164 (+ and digits)."})
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError({"phone": f"{value} is not a valid phone number."})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def kinds_collected(tenant: Tenant) -> bool:
    """Whether the tenant collects consent per kind of message."""
    return SmsProgram.objects.filter(tenant=tenant, kind_opt_outs=True).exists()


def _kind_check(tenant: Tenant, message_type: str | None) -> None:
    if not message_type:
        return
    if message_type not in MessageType.values:
        raise ValidationError(
            {"type": f"Use {' or '.join(MessageType.values)}, or leave it out for every message."}
        )
    if not kinds_collected(tenant):
        raise ValidationError(
            {
                "type": "This account does not collect consent per kind of message: an opt-out "
                "stops every message. Leave the type out, or turn on opt-outs per kind in the "
                "SMS program first."
            }
        )


def _source_check(source: str) -> None:
    if source not in Source.values:
        raise ValueError(f"unknown opt-out source {source!r}")


def _sync_on_commit(tenant_id: int, phone: str) -> None:
    enqueue("messaging.tasks.opt_out_sync_task", tenant_id, phone)


@transaction.atomic
def opt_out(
    *,
    tenant: Tenant,
    phone: str,
    source: str,
    message_type: str = "",
    text_shown: str = "",
    ip_address: str | None = None,
    user_agent: str = "",
    note: str = "",
) -> tuple[OptOut, ConsentRecord | None]:
    """Opts the number out (of one kind, or of everything when `message_type` is empty).
    Returns the list's row and the new consent record (None when nothing changed)."""
    _source_check(source)
    phone = phone_normalize(phone, source=source)
    message_type = message_type or ""
    _kind_check(tenant, message_type)
    lookup = {"tenant": tenant, "phone": phone, "message_type": message_type}
    row = OptOut.objects.filter(**lookup).first()
    if row is not None:
        return row, None
    try:
        with transaction.atomic():
            row = OptOut.objects.create(source=source, **lookup)
    except IntegrityError:  # another request recorded the same opt-out a moment ago
        return OptOut.objects.get(**lookup), None
    record = consent_log_append(
        tenant=tenant, phone=phone, action=ConsentRecord.Action.OPT_OUT,
        source=_CONSENT_SOURCE[source], message_type=message_type, text_shown=text_shown,
        ip_address=ip_address, user_agent=user_agent, note=note,
    )  # fmt: skip
    if not message_type and source != Source.AWS:  # AWS's list has it already
        _sync_on_commit(tenant.pk, phone)
    return row, record


@transaction.atomic
def opt_in(
    *,
    tenant: Tenant,
    phone: str,
    source: str,
    message_type: str | None = ALL,
    text_shown: str = "",
    ip_address: str | None = None,
    user_agent: str = "",
    consent_logged: bool = False,
) -> int:
    """Lifts opt-outs of the number: every one (`ALL`, what START does), the number-wide one
    (`""`) or one kind's. Returns how many were lifted; the consent log gets one record when any
    was, unless the caller has written its own in this transaction (`consent_logged`, the opt-in
    page with the text it showed)."""
    _source_check(source)
    phone = phone_normalize(phone, source=source)
    if message_type and message_type not in MessageType.values:
        _kind_check(tenant, message_type)  # raises: lifting a kind needs no setting
    rows = OptOut.objects.filter(tenant=tenant, phone=phone)
    if message_type is not ALL:
        rows = rows.filter(message_type=message_type)
    number_wide = rows.filter(message_type="").exists()
    deleted, _ = rows.delete()
    if not deleted:
        return 0
    if not consent_logged:
        consent_log_append(
            tenant=tenant, phone=phone, action=ConsentRecord.Action.OPT_IN,
            source=_CONSENT_SOURCE[source], message_type=message_type or "",
            text_shown=text_shown, ip_address=ip_address, user_agent=user_agent,
        )  # fmt: skip
    if number_wide:
        _sync_on_commit(tenant.pk, phone)
    return deleted


# --- The compliance kit's hook (`COMPLIANCE_OPT_OUT_SERVICE`) ------------------------------


def recipient_opt_out(
    *,
    tenant: Tenant,
    phone: str,
    source: str,
    message_type: str = "",
    ip_address: str | None = None,
    user_agent: str = "",
) -> ConsentRecord | None:
    _, record = opt_out(
        tenant=tenant, phone=phone, source=source, message_type=message_type,
        ip_address=ip_address, user_agent=user_agent,
    )  # fmt: skip
    return record


def recipient_opted_in(*, tenant: Tenant, phone: str, source: str) -> int:
    return opt_in(tenant=tenant, phone=phone, source=source, message_type="", consent_logged=True)


# --- Reads --------------------------------------------------------------------------------


def opted_out_kinds(*, tenant: Tenant, phones: list[str]) -> dict[str, set[str]]:
    """For each number with an opt-out: the kinds it stopped ("" for every kind)."""
    found: dict[str, set[str]] = {}
    for phone, kind in OptOut.objects.filter(tenant=tenant, phone__in=phones).values_list(
        "phone", "message_type"
    ):
        found.setdefault(phone, set()).add(kind)
    return found


# --- AWS ------------------------------------------------------------------------------------


def _list_name(tenant_id: int) -> str:
    setup = SendingSetup.objects.filter(tenant_id=tenant_id).first()
    return setup.opt_out_list_name if setup else ""


def _number_wide(tenant_id: int, phone: str) -> bool:
    return OptOut.objects.filter(tenant_id=tenant_id, phone=phone, message_type="").exists()


def aws_sync(*, tenant_id: int, phone: str) -> str:
    """Makes the tenant's AWS opt-out list agree with the portal for one number. Raises
    RetryableError for the task to retry. Must not run inside a transaction."""
    name = _list_name(tenant_id)
    if not name:
        return "no list"  # not set up yet: the reconciliation sends it once the list exists
    tenant = Tenant.objects.get(pk=tenant_id)
    gateway = Gateway.for_tenant(tenant)
    if _number_wide(tenant_id, phone):
        try:
            aws.opted_out_number_put(gateway, opt_out_list=name, number=phone)
        except ValidationFailed as exc:  # a number AWS will not take; sends to it fail anyway
            log.warning("AWS refused to put %s on %s: %s", phone, name, exc)
            return "refused"
        return "put"
    try:
        aws.opted_out_number_delete(gateway, opt_out_list=name, number=phone)
    except NotFoundError:
        return "absent"
    except ValidationFailed as exc:
        if _number_wide(tenant_id, phone):  # opted out again meanwhile: AWS keeping it is right
            return "put"
        # AWS keeps the number (it lets a number go once every 30 days): sends to it will be
        # refused at AWS, so the portal says so too.
        opt_out(
            tenant=tenant, phone=phone, source=Source.AWS,
            text_shown=f"AWS kept {phone} on the opt-out list {name}.",
            note=f"AWS refused to remove the number ({exc.reason or exc.code}: {exc.message})",
        )  # fmt: skip
        return "kept by aws"
    return "deleted"


def _last_opt_in(tenant: Tenant, phone: str) -> datetime | None:
    return ConsentRecord.objects.filter(
        tenant=tenant, phone_e164=phone, action=ConsentRecord.Action.OPT_IN, message_type=""
    ).aggregate(at=Max("created_at"))["at"]


def _portal_opt_in_is_newer(tenant: Tenant, phone: str, aws_at: datetime | None) -> bool:
    opted_in = _last_opt_in(tenant, phone)
    return opted_in is not None and aws_at is not None and opted_in > aws_at


def aws_refused_send(*, tenant: Tenant, phone: str, message_id: int) -> bool:
    """AWS refused a send as opted out. Returns True when the portal now records the number
    as opted out; False when the portal's opt-in is newer than AWS's entry and AWS has now
    let the number go (its delete had not reached AWS yet): the message may be sent again."""
    name = _list_name(tenant.pk)
    try:
        found = (
            aws.opted_out_numbers_list(
                Gateway.for_tenant(tenant), opt_out_list=name, numbers=[phone]
            )
            if name
            else []
        )
        aws_at = found[0].at if found else None
        if _portal_opt_in_is_newer(tenant, phone, aws_at) and aws_sync(
            tenant_id=tenant.pk, phone=phone
        ) in ("deleted", "absent"):
            return False
    except AwsError as exc:  # AWS's refusal of the send is evidence enough
        log.warning("could not compare %s with AWS's opt-out list %s: %s", phone, name, exc)
    opt_out(
        tenant=tenant, phone=phone, source=Source.AWS,
        text_shown=f"AWS refused message {message_id}: the number is on its opt-out list.",
    )  # fmt: skip
    return True


def reconcile(*, tenant: Tenant) -> dict[str, int]:
    """Pages `DescribeOptedOutNumbers` for the tenant's list and makes both sides agree (see
    the module's notes). Returns counts of what was done."""
    done = {"recorded": 0, "deleted_again": 0, "put": 0, "skipped": 0}
    name = _list_name(tenant.pk)
    if not name:
        return done
    gateway = Gateway.for_tenant(tenant)
    at_aws = {item.number: item for item in aws.opted_out_numbers_list(gateway, opt_out_list=name)}
    portal = set(
        OptOut.objects.filter(tenant=tenant, message_type="").values_list("phone", flat=True)
    )
    for phone, item in at_aws.items():
        if phone in portal:
            continue
        if _portal_opt_in_is_newer(tenant, phone, item.at):
            aws_sync(tenant_id=tenant.pk, phone=phone)
            done["deleted_again"] += 1
            continue
        how = "replied with an opt-out keyword" if item.end_user else "was added at AWS"
        try:
            _, record = opt_out(
                tenant=tenant, phone=phone, source=Source.AWS,
                text_shown=f"On the AWS opt-out list {name}: the number {how}.",
            )  # fmt: skip
        except ValidationError:
            log.warning("AWS opt-out list %s holds %r, not a phone number", name, phone)
            done["skipped"] += 1
            continue
        done["recorded"] += record is not None
    for phone in sorted(portal - set(at_aws)):
        aws.opted_out_number_put(gateway, opt_out_list=name, number=phone)
        done["put"] += 1
    return done


def tenants_with_opt_out_lists() -> list[int]:
    return list(
        SendingSetup.objects.exclude(opt_out_list_name="").values_list("tenant_id", flat=True)
    )
