"""The go-live check of one sender (seed 000, step 12 "Validate production readiness and
send"): before the provider calls a sender ready for production traffic, it confirms that

- the configuration set's event destination sends to the portal and a delivery event of a
  test message actually arrived (the portal's delivery hook is receiving);
- the tenant's opt-out list is attached to what the sender sends from;
- the protect configuration blocks every country outside the tenant's;
- HELP and STOP answer with the registered replies (STOP opts out);
- a test message reached a simulator or verified destination number.

`go_live_check_start` (staff) sends the test message through the tenant's own sending path and
queues the check; `go_live_check_run` (the task) asks AWS outside any transaction and records,
per check, the time it passed or what failed.
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from messaging.checks import ApiRefusal
from messaging.models import GoLiveCheck, Message, MessageEvent, MessageType
from messaging.services import message_send
from portal.enqueue import enqueue
from registrations.aws import account as aws_account
from registrations.aws import operations as aws
from registrations.aws.errors import AwsError, RetryableError
from registrations.aws.gateway import Gateway
from registrations.models import Sender, SendingSetup
from registrations.services.accounts import events_topic_of
from registrations.services.sending_setup import EVENT_DESTINATION, registration_keywords
from tenants.models import Tenant, User
from tenants.services import audit_record

# AWS's destination simulator numbers the portal offers by default (messages to them are
# delivered without reaching a handset; see the seeds' "Simulator phone numbers").
SIMULATOR_DESTINATIONS = {"US": "+14254147755"}
E164 = re.compile(r"^\+[1-9]\d{6,14}$")


@transaction.atomic
def go_live_check_start(
    *, tenant: Tenant, actor: User, sender: Sender, destination: str = ""
) -> GoLiveCheck:
    """Sends the test message from `sender` and queues the check."""
    if not actor.can_act_as_staff:
        raise PermissionDenied("Only provider staff who can act run the go-live check.")
    sender = Sender.objects.get(pk=sender.pk, tenant=tenant)
    if sender.status != "ACTIVE":
        raise ValidationError(f"{sender.value} is {sender.status}, not active: nothing to check.")
    destination = destination.strip().replace(" ", "") or SIMULATOR_DESTINATIONS.get(
        sender.iso_country, ""
    )
    if not E164.match(destination):
        raise ValidationError(
            {
                "destination": "Enter a verified destination number in E.164 form (AWS offers no "
                f"simulator number for {sender.iso_country} here)."
            }
        )
    body = f"{tenant.name}: go-live test message from {sender.value}. Reply STOP to opt out."
    try:
        message = message_send(
            tenant=tenant,
            api_key=None,
            item={
                "to": destination,
                "body": body,
                "type": MessageType.TRANSACTIONAL,
                "from": sender.value,
            },
        )
    except ApiRefusal as refusal:
        raise ValidationError({"destination": refusal.message}) from refusal
    check, _ = GoLiveCheck.objects.select_for_update().get_or_create(tenant=tenant, sender=sender)
    check.test_message = message
    check.save(update_fields=["test_message", "updated_at"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="sender.go_live_check",
        obj=sender,
        after={"destination": destination, "message": message.pk},
    )
    enqueue("messaging.tasks.go_live_check_task", tenant.pk, sender.pk)
    return check


@transaction.atomic
def go_live_check_again(*, tenant: Tenant, actor: User, sender: Sender) -> None:
    """Runs the checks again without a new test message."""
    if not actor.can_act_as_staff:
        raise PermissionDenied("Only provider staff who can act run the go-live check.")
    sender = Sender.objects.get(pk=sender.pk, tenant=tenant)
    enqueue("messaging.tasks.go_live_check_task", tenant.pk, sender.pk)


def _result(passed: bool, detail: str) -> tuple[bool, str]:
    return passed, detail


def _events(gw: Gateway, setup: SendingSetup, message: Message | None) -> tuple[bool, str]:
    if not setup.configuration_set_name:
        return _result(False, "The tenant has no configuration set yet.")
    destinations = aws_account.event_destinations_enabled(
        gw, configuration_set=setup.configuration_set_name
    )
    topic = destinations.get(EVENT_DESTINATION)
    if topic is None:
        return _result(False, f"{setup.configuration_set_name} has no enabled {EVENT_DESTINATION}.")
    wanted = events_topic_of(setup.tenant)
    if wanted and topic != wanted:
        return _result(False, f"The events go to {topic}, not to the portal's topic {wanted}.")
    if message is None or not MessageEvent.objects.filter(message=message).exists():
        return _result(False, "No delivery event of the test message has reached the portal yet.")
    first = MessageEvent.objects.filter(message=message).order_by("received_at").first()
    return _result(True, f"{first.event_type} received from {setup.configuration_set_name}.")


def _opt_out_list(gw: Gateway, setup: SendingSetup, sender: Sender) -> tuple[bool, str]:
    wanted = setup.opt_out_list_name
    if not wanted:
        return _result(False, "The tenant has no opt-out list yet.")
    if sender.kind == Sender.Kind.PHONE_NUMBER:
        own = aws.phone_number_settings(gw, phone_number_id=sender.aws_id)
        if own is not None and own.opt_out_list == wanted:
            return _result(True, f"{sender.value} uses {wanted}.")
    pool = aws.pool_settings(gw, pool_id=setup.pool_id) if setup.pool_id else None
    if pool is not None and pool.opt_out_list == wanted:
        return _result(True, f"The pool {setup.pool_id} of {sender.value} uses {wanted}.")
    return _result(False, f"Neither {sender.value} nor its pool uses the opt-out list {wanted}.")


def _protect(gw: Gateway, setup: SendingSetup) -> tuple[bool, str]:
    if not setup.protect_configuration_id:
        return _result(False, "The tenant has no protect configuration yet.")
    rules = aws.protect_configuration_rules(
        gw, protect_configuration_id=setup.protect_configuration_id
    )
    own = set(setup.countries)
    refused = sorted(c for c in own if rules.get(c) == "BLOCK")
    open_ = sorted(c for c, rule in rules.items() if c not in own and rule != "BLOCK")
    if refused:
        return _result(False, f"The tenant's own countries are blocked: {', '.join(refused)}.")
    if open_:
        shown = ", ".join(open_[:10]) + (" …" if len(open_) > 10 else "")
        return _result(False, f"{len(open_)} countries outside the tenant's are open: {shown}.")
    blocked = sum(1 for c, rule in rules.items() if rule == "BLOCK")
    return _result(True, f"{blocked} other countries blocked; {', '.join(sorted(own))} allowed.")


def _keywords(gw: Gateway, setup: SendingSetup, sender: Sender) -> tuple[bool, str]:
    """The registration's own keywords answer on the pool the sender sends from (or on the
    sender itself outside a pool). A type whose form states no replies (toll-free, sender
    IDs) keeps AWS's: then HELP and STOP must simply be there. A sender ID has none: it is
    one-way ("Sender IDs do not support two-way SMS messaging")."""
    if sender.kind == Sender.Kind.SENDER_ID:
        return _result(True, "A sender ID is one-way: recipients cannot text keywords to it.")
    identity = setup.pool_id or sender.aws_id
    found = aws.keywords_describe(gw, origination_identity=identity)
    wanted = registration_keywords(sender.registration) if sender.registration_id else []
    problems = []
    for keyword in wanted:
        have = found.get(keyword.keyword.upper())
        if have is None:
            problems.append(f"{keyword.keyword} is missing")
        elif (have.message, have.action) != (keyword.message, keyword.action):
            problems.append(f"{keyword.keyword} answers differently from the registration")
    for word in ("HELP", "STOP"):
        if word not in found and not any(k.keyword == word for k in wanted):
            problems.append(f"{word} is missing")
    if problems:
        return _result(False, "; ".join(problems) + ".")
    if wanted:
        return _result(True, "The keywords answer with the registration's own replies.")
    return _result(True, "HELP and STOP answer with AWS's replies (the form states none).")


def _test_message(message: Message | None) -> tuple[bool, str]:
    if message is None:
        return _result(False, "No test message sent yet.")
    if message.status == Message.Status.DELIVERED:
        return _result(True, f"Delivered to {message.destination}.")
    reason = f" ({message.status_reason})" if message.status_reason else ""
    return _result(False, f"The test message to {message.destination} is {message.status}{reason}.")


def go_live_check_run(*, tenant_id: int, sender_id: int) -> GoLiveCheck:
    """Asks AWS (outside any transaction) and records each check's outcome."""
    tenant = Tenant.objects.get(pk=tenant_id)
    sender = Sender.objects.get(pk=sender_id, tenant=tenant)
    check, _ = GoLiveCheck.objects.get_or_create(tenant=tenant, sender=sender)
    message = Message.objects.filter(pk=check.test_message_id).first()
    setup = SendingSetup.objects.filter(tenant=tenant).first() or SendingSetup(tenant=tenant)
    gw = Gateway.for_tenant(tenant)
    outcomes: dict[str, tuple[bool, str]] = {}
    for key, run in (
        ("events", lambda: _events(gw, setup, message)),
        ("opt_out_list", lambda: _opt_out_list(gw, setup, sender)),
        ("protect", lambda: _protect(gw, setup)),
        ("keywords", lambda: _keywords(gw, setup, sender)),
        ("test_message", lambda: _test_message(message)),
    ):
        try:
            outcomes[key] = run()
        except RetryableError:
            raise
        except AwsError as exc:
            outcomes[key] = (False, f"AWS answered {exc.code}: {exc.message}")
    now = timezone.now().isoformat()
    with transaction.atomic():
        check = GoLiveCheck.objects.select_for_update().get(pk=check.pk)
        checks = {}
        for key, (passed, detail) in outcomes.items():
            earlier = check.checks.get(key, {}).get("passed_at")
            checks[key] = {"passed_at": (earlier or now) if passed else None, "detail": detail}
        check.checks = checks
        check.ran_at = timezone.now()
        check.save(update_fields=["checks", "ran_at", "updated_at"])
    return check


def go_live_check_waiting(check: GoLiveCheck) -> bool:
    """Whether the test message may still change the outcome (not final yet)."""
    message = check.test_message
    return message is not None and message.status not in Message.FINAL
