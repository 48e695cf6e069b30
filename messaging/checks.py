"""The checks a message passes before it is accepted (DESIGN.md §6). Each refusal is an
`ApiRefusal` with a stable code, a message for people and the field it concerns."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import phonenumbers
from django.db import connection
from django.utils import timezone
from phonenumbers import timezone as phone_timezone

from compliance.selectors import sending_restricted_to_templates, template_match
from messaging.models import MessageType, OptOut, SendingPolicy
from messaging.selectors import sending_policy_get
from messaging.text import MAX_UNITS, encoding_and_parts
from registrations.models import FieldValue, Registration, Sender
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


# What a registration says about the kinds of message its senders carry (the registration's own
# answers; seed 001: a promotional message goes through a number registered for marketing).
USE_CASE_PATHS = (
    "messagingUseCase.useCaseCategory",  # toll-free; ID sender ID
    "campaignCapabilities.messageType",  # 10DLC campaign
    "campaignUseCase.useCase",
    "campaignUseCase.subUseCases",
    "shortCodeService.messageType",  # short code application
    "useCase.messageTypes",
)
_T, _P = MessageType.TRANSACTIONAL.value, MessageType.PROMOTIONAL.value


def registration_message_types(registration_type: str, values: dict[str, list[str]]):
    """The kinds of message (TRANSACTIONAL, PROMOTIONAL) a registration is for, from its
    answers; None when its type asks nothing about it (GB and SG sender IDs): not restricted."""

    def first(path: str) -> str:
        return (values.get(path) or [""])[0]

    if registration_type == "US_TOLL_FREE_REGISTRATION":
        marketing = first("messagingUseCase.useCaseCategory") == "PROMOTIONS_AND_MARKETING"
        return frozenset({_P} if marketing else {_T})
    if registration_type == "US_TEN_DLC_CAMPAIGN_REGISTRATION":
        use_case = first("campaignUseCase.useCase")
        kinds = set()
        declared = first("campaignCapabilities.messageType").upper()
        if declared in (_T, _P):
            kinds.add(declared)
        if use_case == "MARKETING" or "MARKETING" in values.get("campaignUseCase.subUseCases", []):
            kinds.add(_P)
        if use_case and use_case != "MARKETING":
            kinds.add(_T)
        return frozenset(kinds or {_T})
    if registration_type == "PORTAL_SHORT_CODE_APPLICATION":
        kinds = {_P if first("shortCodeService.messageType") == _P else _T}
        if _P in values.get("useCase.messageTypes", []):
            kinds.add(_P)
        return frozenset(kinds)
    if registration_type in ("ID_SENDER_ID_REGISTRATION", "IN_SENDER_ID_REGISTRATION"):
        marketing = first("messagingUseCase.useCaseCategory") == "Promotions and marketing"
        return frozenset({_P} if marketing else {_T})
    return None


def _use_cases(senders: list[Sender]) -> dict[int, frozenset[str] | None]:
    """Per sender id: the kinds its registration's newest version is for (one query)."""
    registrations = {s.registration_id: s for s in senders if s.registration_id}
    answers: dict[int, tuple[int, dict[str, list[str]]]] = {}
    rows = FieldValue.objects.filter(
        version__registration_id__in=list(registrations), field_path__in=USE_CASE_PATHS
    ).values_list(
        "version__registration_id", "version__number", "field_path", "text_value",
        "select_choices",
    )  # fmt: skip
    for registration_id, number, path, text, choices in rows:
        newest, values = answers.get(registration_id, (-1, {}))
        if number > newest:
            newest, values = number, {}
        if number == newest:
            values[path] = list(choices) if choices else [text]
            answers[registration_id] = (newest, values)
    kinds: dict[int, frozenset[str] | None] = {}
    for sender in senders:
        registration = sender.registration if sender.registration_id else None
        kinds[sender.pk] = (
            None
            if registration is None
            else registration_message_types(
                registration.registration_type, answers.get(sender.registration_id, (0, {}))[1]
            )
        )
    return kinds


def _carries(sender: Sender, message_type: str, state: TenantState) -> bool:
    kinds = state.use_cases.get(sender.pk)
    return message_type != _P or kinds is None or _P in kinds


def _rank(sender: Sender, message_type: str, state: TenantState) -> tuple:
    """Registered for this kind first, then not restricted, then the others; then the
    fastest (parts per second); never by age."""
    kinds = state.use_cases.get(sender.pk)
    match = 0 if kinds is not None and message_type in kinds else 1 if kinds is None else 2
    return (match, -parts_per_second(sender))


def _sender_for(tenant: Tenant, country: str, message_type: str, origin: str) -> Sender:
    state = tenant_state(tenant)
    senders = [s for s in state.senders if s.iso_country == country]
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
    allowed = [s for s in senders if _carries(s, message_type, state)]
    if not allowed:
        names = ", ".join(s.value for s in senders)
        raise ApiRefusal(
            "sender_not_registered_for_marketing",
            f"Promotional messages go only through a sender whose registration is for "
            f"marketing; {'the sender' if origin else 'your senders'} for {country} ({names}) "
            "are registered for other use cases. Send it as TRANSACTIONAL if it is, or register "
            "a sender for marketing.",
            "sender" if origin else "type",
        )
    best = min(_rank(s, message_type, state) for s in allowed)
    top = [s for s in allowed if _rank(s, message_type, state) == best]
    # Equal senders share the traffic (so that their combined throughput is used).
    return top[0] if len(top) == 1 else random.choice(top)


@dataclass
class TenantState:
    """What every check of a tenant's message reads: kept per process for STATE_SECONDS, so
    that a change (a sender turning active, a new policy) applies within that time."""

    senders: list[Sender]
    # The tenant's registrations whose senders must not send now, by id.
    paused: dict[int, Registration]
    use_cases: dict[int, frozenset[str] | None]  # sender id → kinds (None: not restricted)
    policy: SendingPolicy
    templates_only: bool
    loaded_at: float


STATE_SECONDS = 2.0
_state: dict[int, TenantState] = {}


def tenant_state(tenant: Tenant) -> TenantState:
    state = _state.get(tenant.pk)
    if state is None or time.monotonic() - state.loaded_at > STATE_SECONDS:
        senders = list(
            Sender.objects.filter(tenant=tenant, status="ACTIVE")
            .select_related("registration")
            .order_by("pk")
        )
        state = TenantState(
            senders=senders,
            use_cases=_use_cases(senders),
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


_OPT_OUTS = (
    f"SELECT message_type FROM {OptOut._meta.db_table} "
    "WHERE tenant_id = %s AND phone = %s AND message_type IN ('', %s)"
)


def _opt_outs_of(tenant_id: int, phone: str, message_type: str) -> set[str]:
    """The number's opt-outs that stop this kind of message, read fresh on every message (one
    statement, written out: this runs on every single send)."""
    with connection.cursor() as cursor:
        cursor.execute(_OPT_OUTS, [tenant_id, phone, message_type])
        return {row[0] for row in cursor.fetchall()}


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


def spend_cap_refusal(cap) -> ApiRefusal:
    return ApiRefusal(
        "spend_cap_reached",
        f"This month's spend cap of ${cap} would be exceeded by this message.",
        None,
        status=402,
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
    if units > MAX_UNITS[encoding]:
        kind = "GSM-7 characters" if encoding == "GSM" else "UCS-2 characters (UTF-16 units)"
        raise ApiRefusal(
            "body_too_long",
            f"The message is {units} {kind}; AWS sends at most {MAX_UNITS[encoding]:,}"
            + (
                " (extension characters such as € [ ] { } count twice)."
                if encoding == "GSM"
                else " (a character outside GSM-7 makes the whole message UCS-2)."
            ),
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
        else _opt_outs_of(tenant.pk, destination, message_type)
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
    return Checked(destination, country, sender, encoding, parts, price)
