"""The SNS endpoint behind both hooks: only the provider's own topics, only fresh messages, only
well-formed bodies; the handling goes through a task, and old message ids are pruned.

Messages are signed with the sandbox's own signing key and certificate (an in-process sandbox's
SNS emulation), exactly as SNS signs any topic's messages, including a topic of another AWS
account: that is what an attacker with their own topic can make SNS send to the portal.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client
from django.utils import timezone

from registrations.models import Registration, SnsMessage, StatusEvent
from registrations.states import Status
from sandbox.events import sns_timestamp
from sandbox.server import start_in_thread, stop
from sandbox.settings import Settings as SandboxSettings
from tests.waiting import wait_until

REG_TOPIC = "arn:aws:sns:us-east-1:123456789012:eum-registration-events"
EVENTS_TOPIC = "arn:aws:sns:us-east-1:123456789012:portal-sms-events"
# The same topic names in an AWS account that is not the provider's.
FOREIGN_REG_TOPIC = "arn:aws:sns:us-east-1:999999999999:eum-registration-events"
FOREIGN_EVENTS_TOPIC = "arn:aws:sns:us-east-1:999999999999:portal-sms-events"
REG_HOOK = "/hooks/sns/registrations/"
DELIVERY_HOOK = "/hooks/sns/delivery/"


class Signer:
    """Builds SNS envelopes signed by a sandbox's SNS emulation."""

    def __init__(self, app) -> None:
        self.app = app
        self.origin = app.settings.base_url

    def notification(self, topic: str, message, *, at: float | None = None, **extra) -> dict:
        text = message if isinstance(message, str) else json.dumps(message)
        envelope = {
            "Type": "Notification",
            "MessageId": str(uuid.uuid4()),
            "TopicArn": topic,
            "Message": text,
            "Timestamp": sns_timestamp(at),
            **extra,
        }
        return self.app.events.sign(envelope, "1")


@pytest.fixture(scope="module")
def sandbox_signer():
    server, app, _ = start_in_thread(SandboxSettings(port=0, review_delay=0))
    yield Signer(app)
    stop(server, app)


@pytest.fixture
def signer(sandbox_signer, settings) -> Signer:
    settings.SNS_TRUSTED_CERT_ORIGINS = [sandbox_signer.origin]
    return sandbox_signer


def _post(path: str, body, *, kind: str | None = "Notification"):
    data = body if isinstance(body, bytes) else json.dumps(body)
    headers = {"HTTP_X_AMZ_SNS_MESSAGE_TYPE": kind} if kind else {}
    return Client(raise_request_exception=False).post(
        path, data=data, content_type="text/plain", **headers
    )


def _status_change(registration: Registration, status: str) -> dict:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Registration Status Change",
        "source": "aws.sms-voice",
        "account": "123456789012",
        "region": "us-east-1",
        "resources": [registration.aws_registration_arn],
        "detail": {
            "registrationDetails": {
                "registrationId": registration.aws_registration_id,
                "registrationVersionNumber": 1,
                "registrationType": registration.registration_type,
                "registrationStatusChangeTimestamp": int(time.time() * 1000),
                "currentStatus": status,
            },
            "registrationArn": registration.aws_registration_arn,
        },
    }


@pytest.fixture
def complete_registration(catalog, tenant_a, alice) -> Registration:
    return Registration.objects.create(
        tenant=tenant_a,
        registration_type="US_TOLL_FREE_REGISTRATION",
        name="Acme toll-free",
        status=Status.COMPLETE,
        catalog=catalog,
        aws_registration_id="registration-0123456789abcdef0123456789abcdef",
        aws_registration_arn="arn:aws:sms-voice:us-east-1:123456789012:registration/"
        "registration-0123456789abcdef0123456789abcdef",
        created_by=alice,
    )


@pytest.mark.django_db(transaction=True)
def test_a_foreign_topic_cannot_close_a_complete_registration(signer, complete_registration):
    registration = complete_registration
    events_before = StatusEvent.objects.count()
    foreign = signer.notification(FOREIGN_REG_TOPIC, _status_change(registration, "CLOSED"))
    answer = _post(REG_HOOK, foreign)
    assert answer.status_code == 403
    assert Registration.objects.get(pk=registration.pk).status == Status.COMPLETE
    assert StatusEvent.objects.count() == events_before
    assert not SnsMessage.objects.exists()
    # The same event from the provider's own topic is applied (the message itself is fine).
    own = signer.notification(REG_TOPIC, _status_change(registration, "CLOSED"))
    assert _post(REG_HOOK, own).status_code == 200
    assert Registration.objects.get(pk=registration.pk).status == Status.CLOSED


@pytest.mark.django_db(transaction=True)
def test_the_delivery_hook_refuses_the_registration_topic_and_foreign_ones(
    signer, complete_registration
):
    """Each hook has its own topics: a genuine registration event is no delivery event."""
    event = _status_change(complete_registration, "CLOSED")
    for topic in (REG_TOPIC, FOREIGN_EVENTS_TOPIC):
        assert _post(DELIVERY_HOOK, signer.notification(topic, event)).status_code == 403
    payload = {"eventType": "TEXT_DELIVERED", "messageId": "unknown", "isFinal": True}
    assert _post(REG_HOOK, signer.notification(EVENTS_TOPIC, payload)).status_code == 403
    assert not SnsMessage.objects.exists()
    assert Registration.objects.get(pk=complete_registration.pk).status == Status.COMPLETE


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("hook", [REG_HOOK, DELIVERY_HOOK])
def test_a_foreign_topic_subscription_is_not_confirmed(
    hook, sandbox, sandbox_process, live_server, settings
):
    settings.SNS_TRUSTED_CERT_ORIGINS = [sandbox_process]
    endpoint = live_server.url + hook
    foreign = FOREIGN_REG_TOPIC if hook == REG_HOOK else FOREIGN_EVENTS_TOPIC
    sandbox.request("POST", "/_sandbox/subscriptions", {"TopicArn": foreign, "Endpoint": endpoint})

    def answered():
        deliveries = sandbox.request("GET", "/_sandbox/deliveries")["deliveries"]
        return [d for d in deliveries if d["Endpoint"] == endpoint]

    wait_until(answered, timeout=15, message="the sandbox to deliver the SubscriptionConfirmation")
    (delivery,) = answered()
    assert (delivery["Type"], delivery["Status"]) == ("SubscriptionConfirmation", 403)
    (subscription,) = sandbox.request("GET", "/_sandbox/subscriptions")["subscriptions"]
    assert subscription["Confirmed"] is False  # the SubscribeURL was never visited
    assert not SnsMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_messages_from_the_future_or_the_past_are_refused(signer, complete_registration):
    event = _status_change(complete_registration, "CLOSED")
    for moved in (timedelta(minutes=10), timedelta(days=30), timedelta(hours=-1, minutes=-1)):
        at = (timezone.now() + moved).timestamp()
        answer = _post(REG_HOOK, signer.notification(REG_TOPIC, event, at=at))
        assert answer.status_code == 403, moved
    assert not SnsMessage.objects.exists()
    assert Registration.objects.get(pk=complete_registration.pk).status == Status.COMPLETE
    # A sender's clock a little ahead is tolerated.
    slightly_ahead = (timezone.now() + timedelta(minutes=2)).timestamp()
    answer = _post(REG_HOOK, signer.notification(REG_TOPIC, event, at=slightly_ahead))
    assert answer.status_code == 200
    assert Registration.objects.get(pk=complete_registration.pk).status == Status.CLOSED


def _envelope(**fields) -> dict:
    base = {
        "Type": "Notification",
        "MessageId": "5d6f1c1e-0000-4000-8000-000000000001",
        "TopicArn": REG_TOPIC,
        "Message": "{}",
        "Timestamp": sns_timestamp(),
        "SignatureVersion": "1",
        "Signature": "AAAA",
        "SigningCertURL": "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-x.pem",
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v is not ...}


@pytest.mark.django_db
@pytest.mark.parametrize("hook", [REG_HOOK, DELIVERY_HOOK])
@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"[]", b"JSON object"),
        (b"1", b"JSON object"),
        (b"null", b"JSON object"),
        (b'"x"', b"JSON object"),
        (b"\xff\xfe{\x00}\x00", b"UTF-8"),
        (b'{"Type": "Notif', b"not JSON"),
        (b"", b"not JSON"),
        (_envelope(Type=7), b"Type"),
        (_envelope(Type="Advertisement"), b"Type"),
        (_envelope(MessageId=...), b"MessageId"),
        (_envelope(MessageId=12), b"MessageId"),
        (_envelope(MessageId="x" * 101), b"MessageId"),
        (_envelope(TopicArn=["a"]), b"TopicArn"),
        (_envelope(Message=None), b"Message"),
        (_envelope(Timestamp="yesterday"), b"Timestamp"),
        (_envelope(Timestamp="2026-01-01T00:00:00"), b"Timestamp"),
        (_envelope(Signature=...), b"Signature"),
        (_envelope(SigningCertURL={"u": 1}), b"SigningCertURL"),
        (_envelope(Subject=3), b"Subject"),
        (_envelope(Type="SubscriptionConfirmation", Token="t"), b"SubscribeURL"),
        (_envelope(MessageId="a\x00b"), b"NUL character"),
        (_envelope(Message='{"detail": "\\ud800"}'), b"lone surrogate"),
        (_envelope(Message='{"eventTimestamp": NaN}'), b"Message is not JSON"),
        (b"[" * 100_000 + b"]" * 100_000, b"body is not JSON"),
    ],
)
def test_malformed_bodies_get_400_and_nothing_is_stored(hook, body, says):
    answer = _post(hook, body, kind=None)
    assert answer.status_code == 400, answer.content
    assert says in answer.content
    assert not SnsMessage.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("hook", [REG_HOOK, DELIVERY_HOOK])
@pytest.mark.parametrize("message", ["[1]", "null", "not json", '"COMPLETE"', "7"])
def test_a_signed_notification_whose_message_is_no_object_gets_400(signer, hook, message):
    topic = REG_TOPIC if hook == REG_HOOK else EVENTS_TOPIC
    answer = _post(hook, signer.notification(topic, message))
    assert answer.status_code == 400, answer.content
    assert b"Message" in answer.content
    assert not SnsMessage.objects.exists()


@pytest.mark.django_db
def test_the_hook_records_and_queues_instead_of_applying_in_the_request(
    signer, complete_registration, django_capture_on_commit_callbacks
):
    message = signer.notification(REG_TOPIC, _status_change(complete_registration, "CLOSED"))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert _post(REG_HOOK, message).status_code == 200
    recorded = SnsMessage.objects.get()
    assert (recorded.message_id, recorded.hook, recorded.status) == (
        message["MessageId"], "registrations", SnsMessage.Status.QUEUED,
    )  # fmt: skip
    assert Registration.objects.get(pk=complete_registration.pk).status == Status.COMPLETE
    assert len(callbacks) == 1
    callbacks[0]()  # the commit's callback queues the task (run eagerly in tests)
    assert Registration.objects.get(pk=complete_registration.pk).status == Status.CLOSED
    recorded.refresh_from_db()
    assert recorded.status == SnsMessage.Status.DONE
    assert recorded.handled_at is not None


@pytest.mark.django_db
def test_pruning_removes_ids_past_the_replay_window_and_keeps_the_rest():
    from registrations.sns import MAX_AGE
    from registrations.sns_endpoint import sns_messages_prune

    now = timezone.now()

    def row(name: str, sent_ago: timedelta, status: str) -> SnsMessage:
        return SnsMessage.objects.create(
            message_id=name, kind="Notification", topic_arn=REG_TOPIC, hook="registrations",
            status=status, sent_at=now - sent_ago, received_at=now - sent_ago,
        )  # fmt: skip

    row("old-done", MAX_AGE + timedelta(hours=1), SnsMessage.Status.DONE)
    row("old-queued", MAX_AGE + timedelta(hours=1), SnsMessage.Status.QUEUED)  # not handled yet
    row("old-failed", MAX_AGE + timedelta(hours=1), SnsMessage.Status.FAILED)  # kept for a look
    row("long-failed", timedelta(days=31), SnsMessage.Status.FAILED)
    row("recent-done", MAX_AGE - timedelta(minutes=10), SnsMessage.Status.DONE)
    row("at-the-edge", MAX_AGE, SnsMessage.Status.DONE)  # still inside the safety margin
    assert sns_messages_prune(now=now) == 2
    assert set(SnsMessage.objects.values_list("message_id", flat=True)) == {
        "old-queued", "old-failed", "recent-done", "at-the-edge",
    }  # fmt: skip


class _Confirmations(BaseHTTPRequestHandler):
    visited: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's naming
        self.visited.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        return


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_a_confirmation_that_fails_for_a_while_is_retried_then_queued_again(signer, settings):
    """The SubscribeURL's server is down: the task retries, gives up for now and leaves the
    message queued; once the server is back, the periodic sweep gets it done."""
    from registrations.sns_endpoint import REQUEUE_AFTER, sns_messages_sweep

    port = _free_port()  # nothing listens there yet: connection refused
    settings.SNS_TRUSTED_CERT_ORIGINS = [signer.origin, f"http://127.0.0.1:{port}"]
    confirmation = signer.app.events.sign(
        {
            "Type": "SubscriptionConfirmation",
            "MessageId": str(uuid.uuid4()),
            "Token": "token-1",
            "TopicArn": REG_TOPIC,
            "Message": "You have chosen to subscribe to the topic.",
            "SubscribeURL": f"http://127.0.0.1:{port}/?Action=ConfirmSubscription&Token=token-1",
            "Timestamp": sns_timestamp(),
        },
        "2",
    )
    assert _post(REG_HOOK, confirmation, kind="SubscriptionConfirmation").status_code == 200
    row = SnsMessage.objects.get()
    assert row.status == SnsMessage.Status.QUEUED
    assert row.attempts > 1  # the first run and its retries
    assert "ConnectionRefusedError" in row.last_error or "URLError" in row.last_error

    _Confirmations.visited = []
    server = ThreadingHTTPServer(("127.0.0.1", port), _Confirmations)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert sns_messages_sweep(now=row.received_at + REQUEUE_AFTER / 2) == 0  # too early
        assert sns_messages_sweep(now=row.received_at + REQUEUE_AFTER * 2) == 1
    finally:
        server.shutdown()
        server.server_close()
    assert _Confirmations.visited == ["/?Action=ConfirmSubscription&Token=token-1"]
    row.refresh_from_db()
    assert (row.status, row.last_error) == (SnsMessage.Status.DONE, "")


@pytest.mark.django_db
def test_a_message_whose_task_never_left_is_queued_again_by_the_sweep(
    signer, complete_registration, django_capture_on_commit_callbacks
):
    from registrations.sns_endpoint import REQUEUE_AFTER, sns_messages_sweep

    message = signer.notification(REG_TOPIC, _status_change(complete_registration, "CLOSED"))
    with django_capture_on_commit_callbacks(execute=False):  # the broker never got the task
        assert _post(REG_HOOK, message).status_code == 200
    assert _post(REG_HOOK, message).content == b"already handled"  # SNS's redelivery
    row = SnsMessage.objects.get()
    assert row.status == SnsMessage.Status.QUEUED
    assert Registration.objects.get(pk=complete_registration.pk).status == Status.COMPLETE
    assert sns_messages_sweep(now=row.received_at + REQUEUE_AFTER * 2) == 1
    assert Registration.objects.get(pk=complete_registration.pk).status == Status.CLOSED
    row.refresh_from_db()
    assert row.status == SnsMessage.Status.DONE
