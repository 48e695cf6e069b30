"""Sending accepted messages through `SendTextMessage`, no faster than each sender's message
parts per second (a limiter shared by every worker, counted in parts).

A message is claimed with a conditional UPDATE (ACCEPTED → SENDING), so two workers never both
send it. A worker killed after claiming leaves it SENDING; `messages_resume` gives it back to
the queue once its lease ran out, unless a delivery event (matched through the `Context` sent
with the message) shows that AWS took it. Every status change is a move of the table in
`messaging/states.py`; the tasks are queued by name (`portal.enqueue`).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
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
from messaging.states import Event, message_transition
from portal import backoff
from portal.enqueue import enqueue_now
from registrations.aws import limits
from registrations.aws import operations as aws
from registrations.aws.clients import account_for
from registrations.aws.errors import AwsError, RetryableError
from registrations.aws.gateway import Gateway
from registrations.models import SendingSetup
from registrations.sender_ids import india_sending_parameters

log = logging.getLogger(__name__)

DISPATCH_TASK = "messaging.tasks.message_dispatch_task"

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


def _opted_out_since(message: Message) -> Outcome | None:
    """A message accepted before its recipient opted out is not sent: it fails as the check
    would refuse it now."""
    kinds = optouts.opted_out_kinds(tenant=message.tenant, phones=[message.destination])
    try:
        opt_out_check(
            message.destination, message.message_type, kinds.get(message.destination, set())
        )
    except ApiRefusal as refusal:
        if message_transition(
            message.pk,
            Event.OPTED_OUT,
            status_reason=f"{refusal.code}: {refusal.message}"[:200],
        ):
            webhook_event_emit(
                tenant=message.tenant,
                event_type="message.failed",
                data={"id": message.pk, "reason": refusal.code},
            )
        return Outcome("failed")
    return None


def _paused_since(message: Message) -> Outcome | None:
    """A message accepted before its sender's registration left COMPLETE at AWS is not sent:
    it fails as the check would refuse it now (issue 19)."""
    registration = tenant_state(message.tenant).paused.get(message.sender.registration_id)
    if registration is None:
        return None
    refusal = paused_refusal(registration, "sender")
    if message_transition(
        message.pk, Event.SENDER_PAUSED, status_reason=f"{refusal.code}: {refusal.message}"[:200]
    ):
        webhook_event_emit(
            tenant=message.tenant,
            event_type="message.failed",
            data={"id": message.pk, "reason": refusal.code},
        )
    return Outcome("failed")


def message_dispatch(*, tenant_id: int, message_id: int, attempt: int = 0) -> Outcome:
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
    setup = SendingSetup.objects.filter(tenant_id=tenant_id).first()
    india = india_sending_parameters(message.sender) if message.iso_country == "IN" else {}
    gateway = Gateway(context=account_for(message.tenant))
    # The slot first, the claim right before the call: a long wait for a slow sender never
    # eats into the lease of a claimed message.
    rate = parts_per_second(message.sender)
    _wait_for_slot(message, rate)
    claimed = message_transition(
        message_id, Event.CLAIM, where={"tenant_id": tenant_id},
        claimed_at=timezone.now(), attempts=F("attempts") + 1,
    )  # fmt: skip
    if not claimed:
        return Outcome("skipped")
    _no_burst(message, rate)
    sender = message.sender
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
        message_transition(message.pk, Event.SEND_RETRY, claimed_at=None, status_reason=exc.code)
        return Outcome("retry", retry_in=backoff.delay(attempt, base=0.5, cap=30.0))
    except AwsError as exc:
        reason = exc.reason or exc.code
        code = FINAL_REASONS.get(reason, "refused_by_aws")
        # AWS's opt-out list knew first (a STOP handled by AWS): ours learns it too, unless
        # the portal's newer opt-in had not reached AWS yet (then the message goes again).
        if code == "opted_out" and not optouts.aws_refused_send(
            tenant=message.tenant, phone=message.destination, message_id=message.pk
        ):
            message_transition(message.pk, Event.SEND_RETRY, claimed_at=None, status_reason=reason)
            return Outcome("retry", retry_in=1.0)
        message_transition(
            message.pk, Event.SEND_REFUSED, status_reason=f"{code}: {exc.message}"[:200]
        )
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


def messages_resume() -> list[int]:
    """Messages whose worker died after claiming them: back to the queue after the lease,
    unless AWS's events already told us it took them."""
    stale = timezone.now() - _lease()
    ids = list(
        Message.objects.filter(
            status=Message.Status.SENDING, claimed_at__lt=stale, aws_message_id=""
        ).values_list("pk", "tenant_id")[:1000]
    )
    resumed = []
    for pk, tenant_id in ids:
        if message_transition(
            pk, Event.LEASE_EXPIRED, where={"aws_message_id": ""}, claimed_at=None
        ):
            enqueue_now(DISPATCH_TASK, tenant_id, pk)
            resumed.append(pk)
    return resumed


def messages_requeue_accepted(older_than_seconds: int | None = None) -> int:
    """Accepted messages whose task was lost (a broker outage, a killed worker's prefetched
    task) are queued again, at most once per period each (`updated_at` marks the requeue). A
    duplicate task is harmless: only one claim of a message can win."""
    seconds = older_than_seconds or settings.MESSAGING_REQUEUE_SECONDS
    stale = timezone.now() - timedelta(seconds=seconds)
    rows = list(
        Message.objects.filter(status=Message.Status.ACCEPTED, updated_at__lt=stale).values_list(
            "pk", "tenant_id"
        )[:1000]
    )
    Message.objects.filter(pk__in=[pk for pk, _ in rows], status=Message.Status.ACCEPTED).update(
        updated_at=timezone.now()
    )
    for pk, tenant_id in rows:
        enqueue_now(DISPATCH_TASK, tenant_id, pk)
    return len(rows)
