"""Sending accepted messages through `SendTextMessage`, no faster than each sender's message
parts per second (a limiter shared by every worker, counted in parts).

The messages table is the outbox. Acceptance inserts a message and wakes its sender's dispatch
(`sender_wake`: one Celery task per sender while none runs, not one per message). The dispatch
task of a sender (`sender_drain`) claims the sender's messages in batches of about a second of
its parts (`states.messages_claim`: `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, a
conditional UPDATE on SQLite; two claimers never get the same message) and sends them from a
few threads, each waiting for its slot in the shared limiter. When nothing is left it lets go
of the sender's flag and looks once more, so a message committed meanwhile is never stranded.

A worker killed after claiming leaves its messages SENDING; once their lease ran out
(`MESSAGING_SEND_LEASE_SECONDS`) the next claim takes them again, unless a delivery event
(matched through the `Context` sent with the message) shows that AWS took them. A killed
worker's drain flag lapses within `DRAIN_FLAG_SECONDS`: its partner drain (two per sender, in
slots 0 and 1, each keeping the other running) goes on meanwhile and restarts it; when both
were on the killed worker, the next acceptance or the periodic `senders_wake_all` does. Every
status change is a move of the table in `messaging/states.py`.
"""

from __future__ import annotations

import logging
import math
import threading
import time
import uuid
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from messaging import optouts
from messaging.checks import (
    ApiRefusal,
    opt_out_check,
    parts_per_second,
    paused_refusal,
    tenant_state,
)
from messaging.models import Message
from messaging.outbound import webhook_event_emit
from messaging.spend import spend_release
from messaging.states import Event, message_transition, messages_claim
from portal import backoff
from portal.enqueue import enqueue_now
from registrations.aws import limits
from registrations.aws import operations as aws
from registrations.aws.clients import account_for
from registrations.aws.errors import AwsError, RetryableError
from registrations.aws.gateway import Gateway
from registrations.models import Sender, SendingSetup
from registrations.sender_ids import india_sending_parameters

log = logging.getLogger(__name__)

DRAIN_TASK = "messaging.tasks.sender_drain_task"
# A drain refreshes its flag at least every half second; a killed worker's flag lapses after
# this.
DRAIN_FLAG_SECONDS = 2.0
# A drain hands over to a new task after this long, so no task runs for ever.
DRAIN_SECONDS = 60.0
# Each claim takes about this much of the sender's parts per second (well inside the lease).
CLAIM_SECONDS = 1.0
# Threads sending one sender's messages: enough to keep the sender busy over AWS's round trips.
MAX_THREADS = 16
# A drain pauses after this many transient failures in a row (beat's wake starts it again).
FAILING_IN_A_ROW = 3

# Spacing of sends: the sandbox and AWS keep a bucket of one second's parts, so a little
# jitter is absorbed; 0.98 keeps the long-run rate just under the limit.
SEND_HEADROOM = 0.98

# AWS refusals that end a message, with the code the tenant sees.
FINAL_REASONS = {
    "DESTINATION_PHONE_NUMBER_OPTED_OUT": "opted_out",
    "MONTHLY_SPEND_LIMIT_REACHED_FOR_TEXT": "spend_limit_reached",
    "DESTINATION_COUNTRY_BLOCKED_BY_PROTECT_CONFIGURATION": "country_blocked",
    "RESOURCE_NOT_ACTIVE": "sender_not_active",
    "INVALID_IDENTITY_FOR_DESTINATION_COUNTRY": "sender_cannot_reach_country",
    "SENDER_ID_NOT_REGISTERED": "sender_not_registered",
}


@dataclass
class Outcome:
    status: str
    retry_in: float | None = None


def _lease() -> timedelta:
    return timedelta(seconds=settings.MESSAGING_SEND_LEASE_SECONDS)


# Departures are also kept to a token bucket half the size of AWS's (one second of parts):
# threads of a worker that stalled (CPU, GC, a slow query) wake past their slots together, and
# without it would leave in one burst larger than AWS's bucket holds.
BURST_SECONDS = 0.5
# A worker's threads take the sender's slots at most this far ahead (see limits.reserve).
HORIZON_SECONDS = 0.25


def _wait_for_slot(message: Message, rate: float) -> None:
    wait = limits.reserve(
        f"send:{message.sender_id}", rate, weight=message.parts, headroom=SEND_HEADROOM,
        horizon=HORIZON_SECONDS,
    )  # fmt: skip
    if wait > 0:
        time.sleep(wait)


def _no_burst(message: Message, rate: float) -> None:
    limits.bucket_take(
        f"send:{message.sender_id}",
        rate * SEND_HEADROOM,
        capacity=max(1.0, rate * BURST_SECONDS),
        amount=message.parts,
    )


def _fail(message: Message, event: str, refusal: ApiRefusal) -> Outcome:
    """A message that must not go out any more fails with the check's refusal: its price is
    given back and the tenant's webhook told (once, by whoever moved it)."""
    with transaction.atomic():
        moved = message_transition(
            message.pk, event, status_reason=f"{refusal.code}: {refusal.message}"[:200]
        )
        if moved:
            spend_release(message)
    if moved:
        webhook_event_emit(
            tenant=message.tenant,
            event_type="message.failed",
            data={"id": message.pk, "reason": refusal.code},
        )
    return Outcome("failed")


def _opted_out_since(message: Message, *, claimed: bool = False) -> Outcome | None:
    """A message accepted before its recipient opted out is not sent: it fails as the check
    would refuse it now. A message this worker claimed (SENDING) fails with a refusal of its
    own."""
    kinds = optouts.opted_out_kinds(tenant=message.tenant, phones=[message.destination])
    try:
        opt_out_check(
            message.destination, message.message_type, kinds.get(message.destination, set())
        )
    except ApiRefusal as refusal:
        return _fail(message, Event.SEND_REFUSED if claimed else Event.OPTED_OUT, refusal)
    return None


def _paused_since(message: Message, *, claimed: bool = False) -> Outcome | None:
    """A message accepted before its sender's registration left COMPLETE at AWS is not sent:
    it fails as the check would refuse it now (issue 19)."""
    registration = tenant_state(message.tenant).paused.get(message.sender.registration_id)
    if registration is None:
        return None
    refusal = paused_refusal(registration, "sender")
    return _fail(message, Event.SEND_REFUSED if claimed else Event.SENDER_PAUSED, refusal)


def _setup(tenant_id: int) -> SendingSetup | None:
    return SendingSetup.objects.filter(tenant_id=tenant_id).first()


def _send(
    message: Message, *, rate: float, setup: SendingSetup | None, gateway: Gateway,
    attempt: int, hold_on_retry: bool = False,
) -> Outcome:  # fmt: skip
    """Sends a message this worker claimed (SENDING); the slot was waited for already. With
    `hold_on_retry`, a transient failure keeps the message claimed for its backoff before
    giving it back, so that the next claim does not take it again at once."""
    # India's sends from a sender ID carry the registration's DLT entity id and the message's
    # template id (issue 19).
    india = india_sending_parameters(message.sender) if message.iso_country == "IN" else {}
    _no_burst(message, rate)
    sender = message.sender
    tenant_id = message.tenant_id
    try:
        aws_id = aws.text_message_send(
            gateway,
            destination=message.destination,
            body=message.body,
            origination_identity=sender.aws_arn or sender.aws_id or sender.value,
            message_type=message.message_type,
            configuration_set=setup.configuration_set_name if setup else "",
            context={"portal_message_id": str(message.pk), "tenant_id": str(tenant_id)},
            india_entity_id=india.get("entity_id", ""),
            india_template_id=message.dlt_template_id if india else "",
        )
    except RetryableError as exc:
        delay = backoff.delay(attempt, base=0.5, cap=30.0)
        if hold_on_retry:
            time.sleep(min(delay, _lease().total_seconds() / 4))
        message_transition(message.pk, Event.SEND_RETRY, claimed_at=None, status_reason=exc.code)
        return Outcome("retry", retry_in=delay)
    except AwsError as exc:
        reason = exc.reason or exc.code
        code = FINAL_REASONS.get(reason, "refused_by_aws")
        # AWS's opt-out list knew first (a STOP handled by AWS): ours learns it too, unless
        # the portal's newer opt-in had not reached AWS yet (then the message goes again).
        if code == "opted_out" and not optouts.aws_refused_send(
            tenant=message.tenant, phone=message.destination, message_id=message.pk
        ):
            if hold_on_retry:
                time.sleep(1.0)
            message_transition(message.pk, Event.SEND_RETRY, claimed_at=None, status_reason=reason)
            return Outcome("retry", retry_in=1.0)
        with transaction.atomic():
            if message_transition(
                message.pk, Event.SEND_REFUSED, status_reason=f"{code}: {exc.message}"[:200]
            ):
                spend_release(message)  # AWS did not take it: nothing to pay
        webhook_event_emit(
            tenant=message.tenant,
            event_type="message.failed",
            data={"id": message.pk, "reason": code, "aws_reason": reason},
        )
        return Outcome("failed")
    # The webhook goes out even when a delivery event moved the message first (it records no
    # `message.sent` of its own).
    message_transition(
        message.pk, Event.SEND_ACCEPTED, aws_message_id=aws_id, sent_at=timezone.now(),
        status_reason="",
    )  # fmt: skip
    webhook_event_emit(
        tenant=message.tenant,
        event_type="message.sent",
        data={"id": message.pk, "aws_message_id": aws_id},
    )
    return Outcome("sent")


def message_dispatch(*, tenant_id: int, message_id: int, attempt: int = 0) -> Outcome:
    """Sends one given accepted message now (the go-live check's test message, tests): the
    slot first, then the claim of that message alone, then the call."""
    message = (
        Message.objects.select_related("sender", "tenant")
        .filter(pk=message_id, tenant_id=tenant_id, status=Message.Status.ACCEPTED)
        .first()
    )
    if message is None:
        return Outcome("skipped")
    refusal = _opted_out_since(message) or _paused_since(message)
    if refusal is not None:
        return refusal
    rate = parts_per_second(message.sender)
    _wait_for_slot(message, rate)
    claimed = message_transition(
        message_id, Event.CLAIM, where={"tenant_id": tenant_id},
        claimed_at=timezone.now(), claim_token=uuid.uuid4().hex, attempts=F("attempts") + 1,
    )  # fmt: skip
    if not claimed:
        return Outcome("skipped")
    gateway = Gateway(context=account_for(message.tenant))
    return _send(message, rate=rate, setup=_setup(tenant_id), gateway=gateway, attempt=attempt)


# --- The outbox: one drain per sender --------------------------------------------------------


def _flag(sender_id: int, slot: int = 0) -> str:
    return f"messaging:drain:{sender_id}:{slot}"


def sender_wake(sender_id: int, slot: int = 0) -> bool:
    """Starts the sender's drain in `slot` unless one runs there (its flag is set); returns
    whether it did. Acceptance wakes slot 0; each drain keeps its partner's slot running."""
    if not cache.add(_flag(sender_id, slot), "1", DRAIN_FLAG_SECONDS):
        return False
    enqueue_now(DRAIN_TASK, sender_id, slot)
    return True


def senders_wake_all() -> int:
    """Wakes every sender with claimable messages (the periodic backstop: a drain whose worker
    was killed, leases that ran out). Returns how many drains it started."""
    stale = timezone.now() - _lease()
    accepted = Message.objects.filter(status=Message.Status.ACCEPTED)
    expired = Message.objects.filter(
        status=Message.Status.SENDING, claimed_at__lt=stale, aws_message_id=""
    )
    # (order_by() drops the model's ordering, which would otherwise defeat the DISTINCT.)
    senders = set(accepted.order_by().values_list("sender_id", flat=True).distinct()[:10_000])
    senders |= set(expired.order_by().values_list("sender_id", flat=True).distinct()[:10_000])
    return sum(1 for pk in sorted(senders) if sender_wake(pk))


def _send_one(message_id: int, rate: float, setup, gateway: Gateway) -> str:
    try:
        message = Message.objects.select_related("sender", "tenant").get(pk=message_id)
        if message.status != Message.Status.SENDING:
            return "skipped"  # a delivery event moved it meanwhile
        refusal = _opted_out_since(message, claimed=True) or _paused_since(message, claimed=True)
        if refusal is not None:
            return refusal.status
        _wait_for_slot(message, rate)
        outcome = _send(
            message, rate=rate, setup=setup, gateway=gateway,
            attempt=max(0, message.attempts - 1), hold_on_retry=True,
        )  # fmt: skip
        return outcome.status
    except Exception:
        log.exception("sending message %s failed; its lease gives it back", message_id)
        return "error"
    finally:
        connection.close()


def sender_drain(
    sender_id: int, slot: int = 0, *, max_seconds: float = DRAIN_SECONDS
) -> dict[str, int]:
    """Sends the sender's claimable messages until none is left (or `max_seconds` passed, then
    a fresh drain takes over). Returns the count of each outcome.

    Two drains run per sender (slots 0 and 1, each keeping the other's running): when a worker
    is killed, the drain on another worker goes on at the sender's full rate at once, instead
    of the sender waiting for the killed drain's flag to lapse."""
    counts: dict[str, int] = {}
    flag, partner = _flag(sender_id, slot), 1 - slot
    sender = Sender.objects.select_related("tenant").filter(pk=sender_id).first()
    if sender is None:
        cache.delete(flag)
        return counts
    rate = parts_per_second(sender)
    setup = _setup(sender.tenant_id)
    gateway = Gateway(context=account_for(sender.tenant))
    batch = max(1, min(200, math.ceil(rate * CLAIM_SECONDS)))
    threads = max(1, min(MAX_THREADS, batch))
    deadline = time.monotonic() + max_seconds
    pending: set = set()
    lock = threading.Lock()
    failing = [0]  # transient failures in a row (AWS or the network unwell)

    def claim() -> list[int]:
        now = timezone.now()
        return messages_claim(
            sender_id=sender_id, limit=batch, token=uuid.uuid4().hex, now=now,
            stale_before=now - _lease(),
        )  # fmt: skip

    def done(future) -> None:
        with lock:
            status = future.result()
            counts[status] = counts.get(status, 0) + 1
            failing[0] = failing[0] + 1 if status in ("retry", "error") else 0

    def unwell() -> bool:
        return failing[0] >= FAILING_IN_A_ROW

    partner_checked, busy = 0.0, True
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix=f"drain-{sender_id}") as pool:
        while True:
            cache.set(flag, "1", DRAIN_FLAG_SECONDS)
            if busy and time.monotonic() >= partner_checked + 1.0 and not unwell():
                partner_checked = time.monotonic()
                sender_wake(sender_id, partner)  # started, or restarted after its worker died
            # Claim the next second's messages while the last half of this one's are in flight.
            if len(pending) <= batch // 2:
                ids = claim() if time.monotonic() < deadline and not unwell() else []
                busy = bool(ids)  # the partner is only kept running while there is work
                if not ids and not pending:
                    if unwell():
                        # Every recent call failed for a transient reason: stop here and let
                        # beat's wake (every 2 s) start again, instead of spinning.
                        cache.delete(flag)
                        log.warning("sender %s: AWS keeps failing, dispatch paused", sender_id)
                        break
                    if time.monotonic() >= deadline:
                        cache.delete(flag)
                        sender_wake(sender_id, slot)  # a fresh task goes on
                        break
                    # Nothing left: let go of the flag, then look once more, so that a message
                    # committed before an acceptance saw the flag is not left behind.
                    cache.delete(flag)
                    ids = claim()
                    if not ids:
                        break
                    # Found some: go on (if another drain started meanwhile, both do; claims
                    # never overlap and the limiter is shared).
                for message_id in ids:
                    future = pool.submit(_send_one, message_id, rate, setup, gateway)
                    future.add_done_callback(done)
                    pending.add(future)
            if pending:
                _, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
    return counts
