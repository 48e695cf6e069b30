"""The checks a message passes before it is accepted (DESIGN.md §6). Each refusal is an
`ApiRefusal` with a stable code, a message for people and the field it concerns."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import phonenumbers
from django.core.cache import cache
from django.db.models import Sum
from django.utils import timezone
from phonenumbers import timezone as phone_timezone

from compliance.selectors import sending_restricted_to_templates, template_match
from messaging.models import Message, MessageType, OptOut, SendingPolicy
from messaging.selectors import sending_policy_get
from messaging.text import MAX_PARTS, encoding_and_parts
from registrations.models import Registration, Sender
from registrations.selectors import registrations_paused
from tenants.models import Tenant


class ApiRefusal(Exception):
    def __init__(self, code: str, message: str, field: str | None = None, status: int = 422):
        super().__init__(message)
        self.code, self.message, self.field, self.status = code, message, field, status

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "field": self.field}


# Message parts per second of each kind of origination identity (AWS's defaults; the
# sandbox enforces the same).
PARTS_PER_SECOND = {
    "SHORT_CODE": 100.0,
    "TOLL_FREE": 3.0,
    "TEN_DLC": 1.0,
    "LONG_CODE": 10.0,
    "SIMULATOR": 20.0,
    "SENDER_ID": 10.0,
}
# Estimated price per part (USD) for the spend cap; AWS's bill is the authority.
PRICE_PER_PART = {"US": Decimal("0.00581"), "CA": Decimal("0.00750")}
DEFAULT_PRICE_PER_PART = Decimal("0.04")
# What to register, per destination country, when the tenant has no active sender there.
NEEDED_REGISTRATION = {
    "US": "a US toll-free registration (US_TOLL_FREE_REGISTRATION), a 10DLC campaign "
    "(US_TEN_DLC_CAMPAIGN_REGISTRATION) or a short code (PORTAL_SHORT_CODE_APPLICATION)",
    "GB": "a sender ID registration (GB_SENDER_ID_REGISTRATION)",
    "IN": "a sender ID registration (IN_SENDER_ID_REGISTRATION)",
    "SG": "a sender ID registration (SG_SENDER_ID_REGISTRATION)",
    "ID": "a sender ID registration (ID_SENDER_ID_REGISTRATION)",
}


def parts_per_second(sender: Sender) -> float:
    """The sender's own limit where AWS raised it (staff record it on the sender), otherwise
    AWS's default for its type (a 10DLC number: 1 part per second until a limit increase)."""
    if sender.parts_per_second_override:
        return sender.parts_per_second_override
    kind = "SENDER_ID" if sender.kind == Sender.Kind.SENDER_ID else sender.number_type
    return PARTS_PER_SECOND.get(kind, 1.0)


@dataclass
class Checked:
    destination: str
    iso_country: str
    sender: Sender
    encoding: str
    parts: int
    price: Decimal


def destination_parse(value: str) -> tuple[str, str]:
    if not isinstance(value, str) or not value.startswith("+"):
        raise ApiRefusal("invalid_destination", "Write the number in E.164 (+ and digits).", "to")
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ApiRefusal("invalid_destination", f"{value} is not a valid phone number.", "to")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return e164, phonenumbers.region_code_for_number(number) or ""


def paused_refusal(registration: Registration, field: str) -> ApiRefusal:
    status = registration.aws_status or registration.status
    return ApiRefusal(
        "sender_paused",
        f"Sending is paused: the registration “{registration.name}” "
        f"({registration.registration_type}) is {status} at AWS, not COMPLETE. Its senders "
        "send again once AWS reports it COMPLETE.",
        field,
        status=409,
    )


def _sender_for(tenant: Tenant, country: str, message_type: str, origin: str) -> Sender:
    senders = [s for s in _active_senders(tenant) if s.iso_country == country]
    if origin:
        senders = [s for s in senders if origin in (s.value, s.aws_id)]
        if not senders:
            raise ApiRefusal(
                "sender_not_active",
                f"{origin} is not an active sender of this account for {country}.",
                "sender",
            )
    # The moment a registration leaves COMPLETE at AWS its senders stop (issue 19).
    paused = tenant_state(tenant).paused
    usable = [s for s in senders if s.registration_id not in paused]
    if senders and not usable:
        raise paused_refusal(paused[senders[0].registration_id], "sender" if origin else "to")
    senders = usable
    if not senders:
        pending = (
            Registration.objects.filter(tenant=tenant, senders__iso_country=country)
            .exclude(status="COMPLETE")
            .first()
        )
        if pending is not None:
            message = (
                f"No active sender for {country}: the registration “{pending.name}” "
                f"({pending.registration_type}) is {pending.status}, not complete."
            )
        else:
            needed = NEEDED_REGISTRATION.get(country, f"a sender registration for {country}")
            message = f"No registered sender for {country}: complete {needed} first."
        raise ApiRefusal("no_registered_sender", message, "to")
    return min(senders, key=lambda s: s.pk)


@dataclass
class TenantState:
    """What every check of a tenant's message reads: kept per process for STATE_SECONDS, so
    that a change (a sender turning active, a new policy) applies within that time."""

    senders: list[Sender]
    # The tenant's registrations whose senders must not send now, by id.
    paused: dict[int, Registration]
    policy: SendingPolicy
    templates_only: bool
    loaded_at: float


STATE_SECONDS = 2.0
_state: dict[int, TenantState] = {}


def tenant_state(tenant: Tenant) -> TenantState:
    state = _state.get(tenant.pk)
    if state is None or time.monotonic() - state.loaded_at > STATE_SECONDS:
        state = TenantState(
            senders=list(Sender.objects.filter(tenant=tenant, status="ACTIVE").order_by("pk")),
            paused=registrations_paused(tenant_id=tenant.pk),
            policy=sending_policy_get(tenant=tenant),
            templates_only=sending_restricted_to_templates(tenant=tenant),
            loaded_at=time.monotonic(),
        )
        _state[tenant.pk] = state
    return state


def tenant_state_forget(tenant_id: int | None = None) -> None:
    if tenant_id is None:
        _state.clear()
    else:
        _state.pop(tenant_id, None)


def _active_senders(tenant: Tenant) -> list[Sender]:
    return tenant_state(tenant).senders


def policy_for(tenant: Tenant) -> SendingPolicy:
    return tenant_state(tenant).policy


def month_spend(tenant: Tenant) -> Decimal:
    """This month's estimated spend, refreshed at most every 5 seconds."""
    key = f"messaging:spend:{tenant.pk}"
    value = cache.get(key)
    if value is None:
        start = timezone.now().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        value = Message.objects.filter(tenant=tenant, created_at__gte=start).aggregate(
            total=Sum("estimated_price")
        )["total"] or Decimal(0)
        cache.set(key, value, 5)
    return value


def in_quiet_hours(destination: str, policy: SendingPolicy, now: datetime) -> bool:
    zones = phone_timezone.time_zones_for_number(phonenumbers.parse(destination, None))
    zones = [z for z in zones if z != "Etc/Unknown"]
    start, end = policy.quiet_start_hour, policy.quiet_end_hour
    for zone in zones or ["UTC"]:
        hour = now.astimezone(ZoneInfo(zone)).hour
        quiet = (start <= hour or hour < end) if start > end else (start <= hour < end)
        if quiet:  # several zones (a US area code over two): quiet if quiet in any of them
            return True
    return False


def opt_out_check(destination: str, message_type: str, kinds: set[str]) -> None:
    """Refuses a message to a number opted out of everything ("opted_out") or of this kind of
    message ("opted_out_of_type"); `kinds` are the number's opt-outs ("" for every kind)."""
    if "" in kinds:
        raise ApiRefusal(
            "opted_out", f"{destination} has opted out of every message from this account.", "to"
        )
    if message_type in kinds:
        raise ApiRefusal(
            "opted_out_of_type",
            f"{destination} has opted out of {message_type.lower()} messages from this account "
            "(other kinds still reach it).",
            "to",
        )


def message_check(
    *,
    tenant: Tenant,
    to: str,
    body: str,
    message_type: str,
    origin: str = "",
    now: datetime | None = None,
    opted_out: dict[str, set[str]] | None = None,
) -> Checked:
    now = now or timezone.now()
    if message_type not in MessageType.values:
        raise ApiRefusal("invalid_message_type", "Use TRANSACTIONAL or PROMOTIONAL.", "type")
    if not body or not body.strip():
        raise ApiRefusal("empty_body", "The message has no text.", "body")
    encoding, parts, units = encoding_and_parts(body)
    if parts > MAX_PARTS:
        raise ApiRefusal(
            "body_too_long",
            f"The message needs {parts} parts in {encoding}; at most {MAX_PARTS} are allowed.",
            "body",
        )
    destination, country = destination_parse(to)
    policy = policy_for(tenant)
    if policy.allowed_countries and country not in policy.allowed_countries:
        raise ApiRefusal(
            "country_not_allowed",
            f"{country} is not among this account's sending countries "
            f"({', '.join(policy.allowed_countries)}).",
            "to",
        )
    sender = _sender_for(tenant, country, message_type, origin)
    kinds = (
        opted_out.get(destination, set())
        if opted_out is not None
        else set(
            OptOut.objects.filter(
                tenant=tenant, phone=destination, message_type__in=["", message_type]
            ).values_list("message_type", flat=True)
        )
    )
    opt_out_check(destination, message_type, kinds)
    if tenant_state(tenant).templates_only and template_match(tenant, body) is None:
        raise ApiRefusal(
            "template_required",
            "This account may only send messages that fill in an approved template.",
            "body",
        )
    if message_type == MessageType.PROMOTIONAL and in_quiet_hours(destination, policy, now):
        raise ApiRefusal(
            "quiet_hours",
            f"Promotional messages are not sent between {policy.quiet_start_hour}:00 and "
            f"{policy.quiet_end_hour}:00 in the recipient's time zone.",
            "type",
        )
    price = PRICE_PER_PART.get(country, DEFAULT_PRICE_PER_PART) * parts
    if policy.monthly_spend_cap is not None and month_spend(tenant) + price > (
        policy.monthly_spend_cap
    ):
        raise ApiRefusal(
            "spend_cap_reached",
            f"This month's spend cap of ${policy.monthly_spend_cap} is reached.",
            None,
            status=402,
        )
    return Checked(destination, country, sender, encoding, parts, price)
