"""Message statuses: one table of the moves between them, and the one function that writes one.

    ACCEPTED ──claim──▶ SENDING ──send_accepted──▶ SENT ──TEXT_DELIVERED──▶ DELIVERED
    SENDING ──send_retry, lease_expired──▶ ACCEPTED      (back to the queue)
    ACCEPTED ──opted_out──▶ FAILED     SENDING ──send_refused──▶ FAILED
    SENT ──final_failure──▶ FAILED

Delivery events (`TEXT_SUCCESSFUL`, `TEXT_DELIVERED`, any other final event) may also arrive
while the portal still has the message as ACCEPTED or SENDING: AWS took it before the worker
recorded its answer, or the worker died and the lease gave it back. They move it forward from
wherever it is; nothing moves a message out of DELIVERED or FAILED, and no event moves it back
(a late `TEXT_SUCCESSFUL` after `TEXT_DELIVERED` is kept on the message and changes nothing).
The one move back, SENDING → ACCEPTED, is the portal's own: a transient AWS error or an
expired lease puts the message back in the queue.

`message_transition` applies a move with a conditional UPDATE (the row's status must be one the
move may leave, checked in the same statement), so that of two workers, or a worker and a late
event, only one moves a message. `messages_claim` is its batch form for the outbox: a dispatch
worker claims a sender's messages (`claim`; for a SENDING message whose lease ran out,
`lease_expired` then `claim` in the same statement). These two are the only writers of
`Message.status`.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import F, Q

from messaging.models import Message

Status = Message.Status
S = Status


class Event(StrEnum):
    """What moves a message: the portal's own steps, then AWS's delivery events."""

    CLAIM = "claim"  # a worker takes the message to call SendTextMessage
    OPTED_OUT = "opted_out"  # the recipient opted out after the message was accepted
    # the sender's registration left COMPLETE at AWS after the message was accepted
    SENDER_PAUSED = "sender_paused"
    SEND_RETRY = "send_retry"  # throttling, 5xx, or an opt-in not yet at AWS: again later
    LEASE_EXPIRED = "lease_expired"  # the claiming worker died before AWS answered
    SEND_ACCEPTED = "send_accepted"  # SendTextMessage returned AWS's message id
    SEND_REFUSED = "send_refused"  # AWS refused the message for good
    TEXT_SUCCESSFUL = "TEXT_SUCCESSFUL"  # delivery event: the carrier accepted it
    TEXT_DELIVERED = "TEXT_DELIVERED"  # delivery event: the handset received it
    FINAL_FAILURE = "final_failure"  # any other delivery event with isFinal (TEXT_BLOCKED, …)


class Move(NamedTuple):
    sources: frozenset[str]  # the statuses the event may move a message out of
    target: str  # the status it moves it to


TRANSITIONS: dict[Event, Move] = {
    Event.CLAIM: Move(frozenset({S.ACCEPTED}), S.SENDING),
    Event.OPTED_OUT: Move(frozenset({S.ACCEPTED}), S.FAILED),
    Event.SENDER_PAUSED: Move(frozenset({S.ACCEPTED}), S.FAILED),
    Event.SEND_RETRY: Move(frozenset({S.SENDING}), S.ACCEPTED),
    Event.LEASE_EXPIRED: Move(frozenset({S.SENDING}), S.ACCEPTED),
    Event.SEND_ACCEPTED: Move(frozenset({S.SENDING}), S.SENT),
    Event.SEND_REFUSED: Move(frozenset({S.SENDING}), S.FAILED),
    Event.TEXT_SUCCESSFUL: Move(frozenset({S.ACCEPTED, S.SENDING}), S.SENT),
    Event.TEXT_DELIVERED: Move(frozenset({S.ACCEPTED, S.SENDING, S.SENT}), S.DELIVERED),
    Event.FINAL_FAILURE: Move(frozenset({S.ACCEPTED, S.SENDING, S.SENT}), S.FAILED),
}

# Every (from, to) pair some event allows.
EDGES: frozenset[tuple[str, str]] = frozenset(
    (source, target) for sources, target in TRANSITIONS.values() for source in sources
)


def can_transition(current: str, new: str) -> bool:
    return (current, new) in EDGES


def delivery_event(event_type: str, *, is_final: bool) -> Event | None:
    """The move an SMS delivery event makes: `TEXT_SUCCESSFUL` → SENT (final or not: a carrier
    without handset receipts ends there), `TEXT_DELIVERED` → DELIVERED, any other final event →
    FAILED; an intermediate one (`TEXT_QUEUED`, `TEXT_PENDING`, …) moves nothing."""
    if event_type == Event.TEXT_SUCCESSFUL:
        return Event.TEXT_SUCCESSFUL
    if event_type == Event.TEXT_DELIVERED:
        return Event.TEXT_DELIVERED
    return Event.FINAL_FAILURE if is_final else None


def message_transition(
    message_id: int, event: Event, *, where: dict[str, Any] | None = None, **fields: Any
) -> bool:
    """Moves the message as `event` says, writing `fields` with the status, if its status is
    one the event may leave (and the extra conditions `where` hold); returns whether it did.
    `updated_at` is left alone."""
    sources, target = TRANSITIONS[event]
    moved = Message.objects.filter(pk=message_id, status__in=sources, **(where or {})).update(
        status=target, **fields
    )
    return bool(moved)


def _claimable(sender_id: int, stale_before: datetime) -> Q:
    """A sender's messages a worker may claim: accepted ones, and those whose claiming worker
    died (SENDING, lease over, and no AWS event recorded that AWS took them)."""
    claim, expired = TRANSITIONS[Event.CLAIM], TRANSITIONS[Event.LEASE_EXPIRED]
    assert claim.target in expired.sources and expired.target in claim.sources
    return Q(sender_id=sender_id) & (
        Q(status__in=claim.sources)
        | Q(status__in=expired.sources, claimed_at__lt=stale_before, aws_message_id="")
    )


def messages_claim(
    *, sender_id: int, limit: int, token: str, now: datetime, stale_before: datetime
) -> list[int]:
    """Claims up to `limit` of the sender's claimable messages, oldest first, for the worker
    holding `token`: they become SENDING with that token, `claimed_at` now and one more
    attempt. Returns their ids. Two claimers never get the same message:

    - PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED` picks rows no other claimer holds, and the
      UPDATE writes them in the same transaction;
    - SQLite (one writer at a time, transactions IMMEDIATE): one UPDATE whose WHERE repeats
      the condition, so a row another claimer took is no longer claimable when this one
      writes; the claimed rows are read back by token.
    """
    claimable = _claimable(sender_id, stale_before)
    fields = {
        "status": TRANSITIONS[Event.CLAIM].target, "claim_token": token, "claimed_at": now,
        "attempts": F("attempts") + 1,
    }  # fmt: skip
    with transaction.atomic():
        if connection.vendor == "postgresql":
            ids = list(
                Message.objects.filter(claimable)
                .order_by("id")
                .select_for_update(skip_locked=True)
                .values_list("id", flat=True)[:limit]
            )
            if ids:
                Message.objects.filter(claimable, id__in=ids).update(**fields)
        else:
            picked = Message.objects.filter(claimable).order_by("id").values("id")[:limit]
            Message.objects.filter(claimable, id__in=picked).update(**fields)
        return list(
            Message.objects.filter(claim_token=token, status=fields["status"], sender_id=sender_id)
            .order_by("id")
            .values_list("id", flat=True)
        )
