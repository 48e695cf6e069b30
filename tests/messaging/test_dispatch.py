"""Dispatch through the sandbox over HTTP: per-sender parts per second, retries on throttling,
final statuses when AWS refuses, delivery events back through a signed SNS subscription."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from messaging import dispatch
from messaging.dispatch import message_dispatch, sender_drain, senders_wake_all
from messaging.models import Message, MessageEvent, OptOut
from messaging.services import message_send
from registrations.aws import operations as aws
from registrations.aws.gateway import Gateway
from registrations.models import Sender, SendingSetup
from tests.messaging.conftest import US_OK
from tests.registrations.conftest import SandboxControl
from tests.registrations.test_sns import _Capture
from tests.waiting import wait_until

TOPIC = "arn:aws:sns:us-east-1:123456789012:portal-sms-events"


@pytest.fixture(autouse=True)
def _workers_by_hand(monkeypatch):
    """These tests play the workers themselves: accepting a message wakes no drain."""
    monkeypatch.setattr("messaging.services._enqueue", lambda ids, tenant_id: None)


def _simulator_sender(tenant, token: str) -> Sender:
    number = aws.phone_number_request(
        Gateway(), country="US", number_type="SIMULATOR", client_token=token
    )
    return Sender.objects.create(
        tenant=tenant, kind="PHONE_NUMBER", value=number.number, iso_country="US",
        number_type="SIMULATOR", aws_id=number.id, aws_arn=number.arn, status="ACTIVE",
    )  # fmt: skip


def _accept(tenant, n: int, body: str = "Your code is 1234") -> list[int]:
    return [
        message_send(
            tenant=tenant, api_key=None, item={"to": US_OK, "body": body, "type": "TRANSACTIONAL"}
        ).pk
        for _ in range(n)
    ]


def _sent(sandbox: SandboxControl) -> list[dict]:
    return [m for m in sandbox.request("GET", "/_sandbox/messages")["messages"]]


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_keep_to_the_senders_parts_per_second(sandbox, tenant_a):
    sender = _simulator_sender(tenant_a, "t-mps")
    ids = _accept(tenant_a, 44)
    started = time.monotonic()

    def work(share: list[int]) -> None:
        try:
            for pk in share:
                assert message_dispatch(tenant_id=tenant_a.pk, message_id=pk).status == "sent"
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(ids[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    assert Message.objects.filter(status="SENT").count() == 44
    # 20 parts per second for a simulator number: 44 messages need at least 43 / 20 seconds.
    assert elapsed >= 43 / 20
    calls = sandbox.calls("SendTextMessage")
    assert len(calls) == 44
    assert [c["Error"] for c in calls if c.get("Error")] == []
    sent = _sent(sandbox)
    assert len(sent) == 44
    assert {m["OriginationIdentity"] for m in sent} == {sender.value}
    contexts = sorted(int(m["Events"][0]["context"]["portal_message_id"]) for m in sent)
    assert contexts == sorted(ids)


@pytest.mark.django_db(transaction=True)
def test_workers_that_stall_together_do_not_leave_together(sandbox, tenant_a, monkeypatch):
    """A process-wide stall (CPU, GC) freezes every thread that holds a slot; when they wake
    together, the departure bucket (10 parts for a simulator number) lets only some of them go
    at once, and never a burst larger than AWS's one-second bucket of parts (20)."""
    _simulator_sender(tenant_a, "t-stall")
    ids = _accept(tenant_a, 32)
    real = dispatch._wait_for_slot
    wake_at = time.monotonic() + 1.6
    stalled: set[int] = set()

    def slot_then_stall(message, rate):
        real(message, rate)
        if message.pk not in stalled:
            stalled.add(message.pk)
            # The stall under test (not a wait for something): everyone wakes at once.
            time.sleep(max(0.0, wake_at - time.monotonic()))

    monkeypatch.setattr(dispatch, "_wait_for_slot", slot_then_stall)

    def work(pk: int) -> None:
        try:
            message_dispatch(tenant_id=tenant_a.pk, message_id=pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(pk,)) for pk in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Message.objects.filter(status="SENT").count() == 32
    calls = sandbox.calls("SendTextMessage")
    assert [c.get("Error") for c in calls if c.get("Error")] == []
    assert len(calls) == 32


@pytest.mark.django_db(transaction=True)
def test_throttling_is_retried_and_refusals_are_final(sandbox, tenant_a, settings):
    _simulator_sender(tenant_a, "t-retry")
    sandbox.request(
        "POST", "/_sandbox/faults", {"operation": "SendTextMessage", "throttle_rate": 1, "count": 1}
    )
    (pk,) = _accept(tenant_a, 1)
    first = message_dispatch(tenant_id=tenant_a.pk, message_id=pk)
    assert first.status == "retry"
    assert Message.objects.get(pk=pk).status == "ACCEPTED"
    assert message_dispatch(tenant_id=tenant_a.pk, message_id=pk).status == "sent"
    message = Message.objects.get(pk=pk)
    assert (message.status, message.attempts) == ("SENT", 2)
    errors = [c.get("Error") for c in sandbox.calls("SendTextMessage")]
    assert errors == ["ThrottlingException", None]

    aws.opted_out_number_put(Gateway(), opt_out_list="Default", number=US_OK)
    (refused,) = _accept(tenant_a, 1)
    assert message_dispatch(tenant_id=tenant_a.pk, message_id=refused).status == "failed"
    message = Message.objects.get(pk=refused)
    assert message.status == "FAILED"
    assert message.status_reason.startswith("opted_out: ")
    opt_out = OptOut.objects.get()
    assert (opt_out.tenant, opt_out.phone, opt_out.source) == (tenant_a, US_OK, "aws")


@pytest.mark.django_db(transaction=True)
def test_a_message_claimed_by_a_dead_worker_is_claimed_again_after_its_lease(
    sandbox, tenant_a, settings
):
    _simulator_sender(tenant_a, "t-once")
    (pk,) = _accept(tenant_a, 1)
    # A worker claimed it and died before AWS answered.
    Message.objects.filter(pk=pk).update(status="SENDING", claimed_at=timezone.now(), attempts=1)
    sender_id = Message.objects.get(pk=pk).sender_id
    assert message_dispatch(tenant_id=tenant_a.pk, message_id=pk).status == "skipped"
    assert sender_drain(sender_id) == {}  # within its lease: nobody takes it
    assert senders_wake_all() == 0
    settings.MESSAGING_SEND_LEASE_SECONDS = 1
    Message.objects.filter(pk=pk).update(claimed_at=timezone.now() - timedelta(seconds=2))
    assert senders_wake_all() == 1  # the eager drain claims it again and sends it
    message = Message.objects.get(pk=pk)
    assert (message.status, message.attempts) == ("SENT", 2)
    assert senders_wake_all() == 0
    assert len(_sent(sandbox)) == 1


@pytest.mark.django_db(transaction=True)
def test_a_sent_message_whose_event_came_is_not_claimed_again(sandbox, tenant_a, settings):
    _simulator_sender(tenant_a, "t-event")
    (pk,) = _accept(tenant_a, 1)
    settings.MESSAGING_SEND_LEASE_SECONDS = 1
    # Claimed long ago by a dead worker, but AWS's event recorded that AWS took it.
    Message.objects.filter(pk=pk).update(
        status="SENDING", aws_message_id="aws-1", claimed_at=timezone.now() - timedelta(hours=1)
    )
    assert senders_wake_all() == 0
    assert _sent(sandbox) == []


@pytest.mark.django_db(transaction=True)
def test_accepted_messages_wait_in_the_outbox_until_a_drain_runs(sandbox, tenant_a):
    """No task per message: the periodic wake starts the sender's drain, which sends each
    accepted message once; a second wake finds nothing."""
    _simulator_sender(tenant_a, "t-lost")
    ids = _accept(tenant_a, 3)  # the autouse fixture woke nobody
    assert senders_wake_all() == 1
    assert sorted(Message.objects.filter(status="SENT").values_list("pk", flat=True)) == ids
    assert senders_wake_all() == 0
    assert len(_sent(sandbox)) == 3


@pytest.mark.django_db(transaction=True)
def test_two_drains_of_one_sender_send_each_message_once_at_its_rate(sandbox, tenant_a):
    sender = _simulator_sender(tenant_a, "t-drains")
    ids = _accept(tenant_a, 44)
    started = time.monotonic()
    results: list[dict] = []

    def drain() -> None:
        try:
            results.append(sender_drain(sender.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=drain) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    # (Each drain also starts its partner, which here runs inside it: the counts are split.)
    assert len(results) == 2
    assert Message.objects.filter(status="SENT").count() == 44
    assert elapsed >= 43 / 20  # 20 parts per second for a simulator number
    calls = sandbox.calls("SendTextMessage")
    assert [c["Error"] for c in calls if c.get("Error")] == []
    sent = _sent(sandbox)
    contexts = sorted(int(m["Events"][0]["context"]["portal_message_id"]) for m in sent)
    assert contexts == sorted(ids)  # each once


@pytest.fixture
def capture():
    from http.server import ThreadingHTTPServer

    _Capture.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Capture)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server, _Capture.received
    server.shutdown()


@pytest.mark.django_db(transaction=True)
def test_delivery_events_arrive_signed_and_update_the_message(
    sandbox, sandbox_process, tenant_a, settings, capture
):
    settings.SNS_TRUSTED_CERT_ORIGINS = [sandbox_process]
    server, received = capture
    sandbox.request(
        "POST", "/_sandbox/subscriptions",
        {"TopicArn": TOPIC, "AutoConfirm": True, "Endpoint": f"http://127.0.0.1:{server.server_port}/"},
    )  # fmt: skip
    gw = Gateway()
    aws.configuration_set_create(gw, name="cs-acme")
    aws.event_destination_create(gw, configuration_set="cs-acme", name="portal", topic_arn=TOPIC)
    SendingSetup.objects.create(tenant=tenant_a, configuration_set_name="cs-acme")
    _simulator_sender(tenant_a, "t-events")
    (pk,) = _accept(tenant_a, 1)
    assert message_dispatch(tenant_id=tenant_a.pk, message_id=pk).status == "sent"
    wait_until(
        lambda: len([m for m in received if m["Type"] == "Notification"]) >= 2,
        timeout=15,
        message="events",
    )
    client = Client()
    answers = [
        client.post(
            "/hooks/sns/delivery/", data=json.dumps(m), content_type="text/plain",
            HTTP_X_AMZ_SNS_MESSAGE_TYPE=m["Type"],
        ).status_code
        for m in received
    ]  # fmt: skip
    assert answers == [200, 200]
    message = Message.objects.get(pk=pk)
    assert message.status == "DELIVERED"
    assert list(MessageEvent.objects.values_list("event_type", flat=True)) == [
        "TEXT_SUCCESSFUL",
        "TEXT_DELIVERED",
    ]
    forged = dict(received[-1], Message=received[-1]["Message"].replace("DELIVERED", "BLOCKED"))
    forged["MessageId"] = "forged-1"
    response = client.post(
        "/hooks/sns/delivery/", data=json.dumps(forged), content_type="text/plain",
        HTTP_X_AMZ_SNS_MESSAGE_TYPE="Notification",
    )  # fmt: skip
    assert response.status_code == 403
    replay = client.post(
        "/hooks/sns/delivery/", data=json.dumps(received[-1]), content_type="text/plain",
        HTTP_X_AMZ_SNS_MESSAGE_TYPE="Notification",
    )  # fmt: skip
    assert replay.content == b"already handled"
    assert MessageEvent.objects.count() == 2
