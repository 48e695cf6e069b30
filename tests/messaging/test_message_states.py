"""The message status table against the lifecycle as documented, written out by hand here; late
and repeated delivery events never move a message back; only one of two claims wins; and no
code in messaging writes a message's status but the transition function."""

from __future__ import annotations

import ast
import threading
from pathlib import Path

import pytest
from django.db import connection

from messaging import states
from messaging.events import delivery_event_apply
from messaging.models import Message, MessageEvent, WebhookDelivery, WebhookEndpoint
from messaging.states import Event, message_transition

ROOT = Path(__file__).resolve().parents[2]

# The lifecycle as the sending API's documentation describes it (dispatch, delivery events:
# docs/sending-api.md, formerly the README; opt-outs: docs/security.md), one edge per line;
# deliberately not derived from messaging/states.py.
DOCUMENTED_EDGES = {
    ("ACCEPTED", "SENDING"),  # a worker claims it with a conditional update
    ("ACCEPTED", "FAILED"),  # the recipient opted out after acceptance; or a final event
    ("ACCEPTED", "SENT"),  # TEXT_SUCCESSFUL for a message the lease gave back
    ("ACCEPTED", "DELIVERED"),  # TEXT_DELIVERED likewise
    ("SENDING", "ACCEPTED"),  # throttling or 5xx, or the claiming worker died (lease)
    ("SENDING", "SENT"),  # SendTextMessage answered with a message id
    ("SENDING", "FAILED"),  # AWS's final refusal; or a final event
    ("SENDING", "DELIVERED"),  # TEXT_DELIVERED before the worker recorded AWS's answer
    ("SENT", "DELIVERED"),  # TEXT_DELIVERED
    ("SENT", "FAILED"),  # any other final event (TEXT_BLOCKED, TEXT_TTL_EXPIRED, …)
}
STATUSES = ["ACCEPTED", "SENDING", "SENT", "DELIVERED", "FAILED"]
# How far along a message is; DELIVERED and FAILED are both the end.
PROGRESS = {"ACCEPTED": 0, "SENDING": 1, "SENT": 2, "DELIVERED": 3, "FAILED": 3}
# SMS event types AWS defines (EventType in the pinpoint-sms-voice-v2 model; TEXT_SENT cannot
# be subscribed to and TEXT_ALL is a filter, so neither arrives as an event).
AWS_TEXT_EVENTS = [
    "TEXT_PENDING", "TEXT_QUEUED", "TEXT_SUCCESSFUL", "TEXT_DELIVERED", "TEXT_INVALID",
    "TEXT_INVALID_MESSAGE", "TEXT_UNREACHABLE", "TEXT_CARRIER_UNREACHABLE", "TEXT_BLOCKED",
    "TEXT_CARRIER_BLOCKED", "TEXT_SPAM", "TEXT_UNKNOWN", "TEXT_TTL_EXPIRED", "TEXT_PROTECT_BLOCKED",
]  # fmt: skip


def test_the_table_allows_exactly_the_documented_edges():
    assert set(states.EDGES) == DOCUMENTED_EDGES
    assert set(Message.Status.values) == set(STATUSES)


def test_delivered_and_failed_are_final_and_only_a_retry_goes_back():
    leaving = {source for source, _ in states.EDGES}
    assert leaving == {"ACCEPTED", "SENDING", "SENT"}
    backwards = {(a, b) for a, b in states.EDGES if PROGRESS[b] < PROGRESS[a]}
    assert backwards == {("SENDING", "ACCEPTED")}
    back_events = {e for e, move in states.TRANSITIONS.items() if move.target == "ACCEPTED"}
    assert back_events == {Event.SEND_RETRY, Event.LEASE_EXPIRED}


def test_can_transition_answers_from_the_table():
    for current in STATUSES:
        for new in STATUSES:
            assert states.can_transition(current, new) == ((current, new) in DOCUMENTED_EDGES)


@pytest.mark.parametrize("event_type", AWS_TEXT_EVENTS)
@pytest.mark.parametrize("is_final", [True, False], ids=["final", "intermediate"])
def test_each_aws_event_type_leads_where_the_readme_says(event_type, is_final):
    """TEXT_SUCCESSFUL → SENT, TEXT_DELIVERED → DELIVERED, any other final event → FAILED."""
    move = states.delivery_event(event_type, is_final=is_final)
    target = states.TRANSITIONS[move].target if move else None
    if event_type == "TEXT_SUCCESSFUL":
        assert target == "SENT"
    elif event_type == "TEXT_DELIVERED":
        assert target == "DELIVERED"
    else:
        assert target == ("FAILED" if is_final else None)


def _message(tenant, sender, status: str) -> Message:
    return Message.objects.create(
        tenant=tenant, sender=sender, destination="+14254147755", iso_country="US",
        body="Your code is 1234", message_type="TRANSACTIONAL", encoding="GSM", parts=1,
        status=status,
    )  # fmt: skip


def _event(message: Message, event_type: str, *, final: bool, at: int = 1_785_153_895_000):
    return {
        "eventType": event_type, "eventVersion": "1.0", "eventTimestamp": at, "isFinal": final,
        "messageId": f"aws-{message.pk}", "messageStatusDescription": "as the carrier said",
        "context": {"portal_message_id": str(message.pk), "tenant_id": str(message.tenant_id)},
    }  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize(
    ("event_type", "final", "leads_to"),
    [
        ("TEXT_PENDING", False, None),
        ("TEXT_SUCCESSFUL", False, "SENT"),
        ("TEXT_SUCCESSFUL", True, "SENT"),
        ("TEXT_DELIVERED", True, "DELIVERED"),
        ("TEXT_BLOCKED", True, "FAILED"),
        ("TEXT_CARRIER_UNREACHABLE", False, None),
    ],
)
def test_an_event_moves_a_message_forward_or_not_at_all(
    tenant_a, sender_a, status, event_type, final, leads_to
):
    message = _message(tenant_a, sender_a, status)
    recorded = delivery_event_apply(_event(message, event_type, final=final))
    # Forward only: to the event's status if that is further along, and never out of an end.
    moves = leads_to is not None and PROGRESS[leads_to] > PROGRESS[status]
    assert Message.objects.get(pk=message.pk).status == (leads_to if moves else status)
    assert MessageEvent.objects.get() == recorded  # kept whether or not it moved anything
    assert recorded.event_type == event_type


@pytest.mark.django_db
def test_late_events_after_delivery_change_nothing_and_notify_once(tenant_a, sender_a):
    WebhookEndpoint.objects.create(tenant=tenant_a, url="https://hooks.example.com/", secret="s")
    message = _message(tenant_a, sender_a, "SENDING")
    # Delivered first (AWS's events can overtake each other and the worker's own update).
    delivery_event_apply(_event(message, "TEXT_DELIVERED", final=True, at=2_000))
    delivery_event_apply(_event(message, "TEXT_SUCCESSFUL", final=False, at=1_000))
    delivery_event_apply(_event(message, "TEXT_UNKNOWN", final=True, at=3_000))
    delivery_event_apply(_event(message, "TEXT_DELIVERED", final=True, at=2_000))  # repeated
    # The worker's answer from SendTextMessage comes last of all.
    assert not message_transition(message.pk, Event.SEND_ACCEPTED, aws_message_id="late")
    message.refresh_from_db()
    assert (message.status, message.aws_message_id, message.status_reason) == (
        "DELIVERED", f"aws-{message.pk}", ""
    )  # fmt: skip
    assert MessageEvent.objects.filter(message=message).count() == 4
    assert list(WebhookDelivery.objects.values_list("event_type", flat=True)) == [
        "message.delivered"
    ]


@pytest.mark.django_db
def test_a_failure_after_the_carrier_took_it_is_recorded_with_its_reason(tenant_a, sender_a):
    message = _message(tenant_a, sender_a, "SENT")
    delivery_event_apply(_event(message, "TEXT_SUCCESSFUL", final=False))
    assert Message.objects.get(pk=message.pk).status == "SENT"
    delivery_event_apply(_event(message, "TEXT_BLOCKED", final=True))
    message.refresh_from_db()
    assert (message.status, message.status_reason) == (
        "FAILED", "TEXT_BLOCKED: as the carrier said"
    )  # fmt: skip
    delivery_event_apply(_event(message, "TEXT_DELIVERED", final=True))
    assert Message.objects.get(pk=message.pk).status == "FAILED"


@pytest.mark.django_db
def test_each_move_leaves_only_the_statuses_it_names(tenant_a, sender_a):
    for event, move in states.TRANSITIONS.items():
        for status in STATUSES:
            message = _message(tenant_a, sender_a, status)
            moved = message_transition(message.pk, event)
            assert moved == (status in move.sources), (event, status)
            expected = move.target if moved else status
            assert Message.objects.get(pk=message.pk).status == expected, (event, status)


@pytest.mark.django_db
def test_extra_conditions_hold_the_move_back(tenant_a, tenant_b, sender_a):
    message = _message(tenant_a, sender_a, "ACCEPTED")
    assert not message_transition(message.pk, Event.CLAIM, where={"tenant_id": tenant_b.pk})
    assert Message.objects.get(pk=message.pk).status == "ACCEPTED"
    Message.objects.filter(pk=message.pk).update(status="SENDING", aws_message_id="aws-1")
    # AWS took it (its event carried the id): the lease does not give it back.
    assert not message_transition(message.pk, Event.LEASE_EXPIRED, where={"aws_message_id": ""})
    assert Message.objects.get(pk=message.pk).status == "SENDING"


@pytest.mark.django_db(transaction=True)
def test_of_concurrent_claims_exactly_one_wins(tenant_a, sender_a):
    message = _message(tenant_a, sender_a, "ACCEPTED")
    start = threading.Barrier(6)
    wins: list[bool] = []

    def claim() -> None:
        try:
            start.wait(timeout=10)
            wins.append(message_transition(message.pk, Event.CLAIM))
        finally:
            connection.close()

    threads = [threading.Thread(target=claim) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(wins) == [False] * 5 + [True]
    assert Message.objects.get(pk=message.pk).status == "SENDING"


def _status_writes(path: Path) -> list[int]:
    """Lines of `path` where `Message.objects….update(status=…)` sets a message's status."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        if node.func.attr != "update":
            continue
        if not any(k.arg == "status" for k in node.keywords):
            continue
        chain = node.func.value
        while isinstance(chain, ast.Call | ast.Attribute):
            chain = chain.func if isinstance(chain, ast.Call) else chain.value
        if isinstance(chain, ast.Name) and chain.id == "Message":
            found.append(node.lineno)
    return found


def test_only_the_transition_function_writes_a_message_status():
    writers = {
        str(path.relative_to(ROOT)): lines
        for path in sorted((ROOT / "messaging").rglob("*.py"))
        if "migrations" not in path.parts and (lines := _status_writes(path))
    }
    # One write, the conditional UPDATE in message_transition (which also shows that the
    # finder does find such writes).
    assert list(writers) == ["messaging/states.py"]
    assert len(writers["messaging/states.py"]) == 1
