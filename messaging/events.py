"""Delivery events from the configuration sets' event destination, and inbound SMS."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from messaging import optouts
from messaging.models import InboundMessage, Message, MessageEvent, OptOut
from messaging.outbound import webhook_event_emit
from messaging.states import TRANSITIONS, Event, delivery_event, message_transition
from registrations.models import Sender

log = logging.getLogger(__name__)

# STOP and its synonyms (AWS's default opt-out keywords and the CTIA list) stop every message
# from the tenant to the number; START and its synonyms lift every opt-out of the number.
STOP_WORDS = {
    "STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "OPT-OUT", "REVOKE",
    "REMOVE", "ARRET", "TD",
}  # fmt: skip
START_WORDS = {"START", "UNSTOP", "YES"}


def _message_for(event: dict) -> Message | None:
    context = event.get("context") or {}
    if context.get("portal_message_id", "").isdigit():
        return (
            Message.objects.select_related("tenant")
            .filter(pk=int(context["portal_message_id"]), tenant_id=context.get("tenant_id"))
            .first()
        )
    if event.get("messageId"):
        return (
            Message.objects.select_related("tenant")
            .filter(aws_message_id=event["messageId"])
            .first()
        )
    return None


@transaction.atomic
def delivery_event_apply(event: dict) -> MessageEvent | None:
    message = _message_for(event)
    if message is None:
        return None
    event_type = event.get("eventType", "")
    occurred = datetime.fromtimestamp(int(event.get("eventTimestamp", 0)) / 1000, tz=UTC)
    recorded = MessageEvent.objects.create(
        tenant=message.tenant,
        message=message,
        event_type=event_type,
        description=str(event.get("messageStatusDescription", ""))[:200],
        is_final=bool(event.get("isFinal")),
        payload=event,
        occurred_at=occurred,
    )
    # Which move the event makes, if any (see messaging/states.py); a late or repeated event
    # finds the message past the statuses it may leave and changes nothing.
    move = delivery_event(event_type, is_final=bool(event.get("isFinal")))
    if move is None:
        return recorded
    fields = {}
    if not message.aws_message_id and event.get("messageId"):
        fields["aws_message_id"] = event["messageId"]
    if move == Event.FINAL_FAILURE:
        fields["status_reason"] = f"{event_type}: {recorded.description}"[:200]
    status = TRANSITIONS[move].target
    # `message.sent` is the worker's (it has AWS's answer); the events add the outcomes.
    if message_transition(message.pk, move, **fields) and status != Message.Status.SENT:
        webhook_event_emit(
            tenant=message.tenant,
            event_type=f"message.{status.lower()}",
            data={"id": message.pk, "event": event_type},
        )
    return recorded


@transaction.atomic
def inbound_apply(payload: dict) -> InboundMessage | None:
    """A two-way inbound message: STOP-like words opt the number out (list and consent log),
    START words opt it back in; everything is kept and sent to the tenant's webhooks."""
    ours = payload.get("destinationNumber", "")
    sender = Sender.objects.select_related("tenant").filter(value=ours).first()
    if sender is None:
        return None
    tenant = sender.tenant
    customer = payload.get("originationNumber", "")
    text = payload.get("messageBody", "")
    word = (text.strip().split() or [""])[0].upper()
    action = ""
    said = f"Texted “{text.strip()[:160]}” to {ours}."
    try:
        if word in STOP_WORDS:
            optouts.opt_out(
                tenant=tenant, phone=customer, source=OptOut.Source.KEYWORD, text_shown=said
            )
            action = "opt_out"
        elif word in START_WORDS:
            optouts.opt_in(
                tenant=tenant, phone=customer, source=OptOut.Source.KEYWORD, text_shown=said
            )
            action = "opt_in"
    except ValidationError:
        log.warning("inbound %s from %r: not a phone number, no opt-out change", word, customer)
    if word == "HELP":
        action = "help"
    inbound = InboundMessage.objects.create(
        tenant=tenant, from_number=customer, to_number=ours, body=text, keyword=word,
        action=action,
    )  # fmt: skip
    webhook_event_emit(
        tenant=tenant,
        event_type="message.inbound",
        data={"from": customer, "to": ours, "body": text, "keyword": word, "action": action},
    )
    return inbound
