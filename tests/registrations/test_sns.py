"""AWS registration events reach the portal through a real SNS-style subscription to the
sandbox, signed the way SNS signs; forged, misdirected and replayed messages change nothing."""

from __future__ import annotations

import json
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client

from registrations.models import Registration, SnsMessage, StatusEvent
from registrations.services import review
from registrations.services.catalog import catalog_sync
from registrations.sns import string_to_sign, url_trusted
from registrations.states import Status
from tests.registrations.test_engine import _tfn_ready
from tests.waiting import wait_until

TOPIC = "arn:aws:sns:us-east-1:123456789012:eum-registration-events"
HOOK = "/hooks/sns/registrations/"


class _Capture(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        return


@pytest.fixture
def capture():
    _Capture.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Capture)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server, _Capture.received
    server.shutdown()


@pytest.mark.django_db(transaction=True)
def test_events_move_registrations_and_forgeries_are_refused(
    sandbox,
    sandbox_process,
    live_server,
    settings,
    capture,
    tenant_a,
    alice,
    sam,
):
    settings.SNS_TRUSTED_CERT_ORIGINS = [sandbox_process]
    catalog_sync()
    sandbox.request(
        "POST", "/_sandbox/subscriptions", {"TopicArn": TOPIC, "Endpoint": live_server.url + HOOK}
    )
    wait_until(
        lambda: all(
            s["Confirmed"]
            for s in sandbox.request("GET", "/_sandbox/subscriptions")["subscriptions"]
        ),
        timeout=15,
        message="the portal to confirm the subscription",
    )
    assert SnsMessage.objects.get().kind == "SubscriptionConfirmation"
    server, received = capture
    sandbox.request(
        "POST",
        "/_sandbox/subscriptions",
        {
            "TopicArn": TOPIC,
            "AutoConfirm": True,
            "Endpoint": f"http://127.0.0.1:{server.server_port}/",
        },
    )

    registration = _tfn_ready(tenant_a, alice)
    review.registration_submit_for_review(tenant=tenant_a, actor=alice, registration=registration)
    review.version_approve(actor=sam, registration=registration)
    from registrations.services.pipeline import pipeline_run

    pipeline_run(registration.pk)
    registration.refresh_from_db()
    sandbox.decide(registration.aws_registration_id, 1, "approve")
    wait_until(
        lambda: Registration.objects.get(pk=registration.pk).status == Status.COMPLETE,
        timeout=15,
        message="the event to complete the registration",
    )
    assert StatusEvent.objects.filter(
        registration=registration, reason="Seen at AWS (event)"
    ).exists()

    wait_until(
        lambda: any(m["Type"] == "Notification" and "COMPLETE" in m["Message"] for m in received),
        timeout=15,
        message="the captured copy",
    )
    genuine = next(
        m for m in received if m["Type"] == "Notification" and "COMPLETE" in m["Message"]
    )
    client = Client()
    events_before = StatusEvent.objects.count()
    handled_before = SnsMessage.objects.count()

    def post(message: dict):
        return client.post(
            HOOK,
            data=json.dumps(message),
            content_type="text/plain",
            HTTP_X_AMZ_SNS_MESSAGE_TYPE=message["Type"],
        )

    forged = dict(genuine, Message=genuine["Message"].replace("COMPLETE", "REQUIRES_UPDATES"))
    assert post(forged).status_code == 403
    wrong_host = dict(
        genuine, SigningCertURL="https://sns.us-east-1.amazonaws.com@evil.example/cert.pem"
    )
    assert post(wrong_host).status_code == 403
    unsigned = {k: v for k, v in genuine.items() if k != "Signature"}
    answer = post(unsigned)  # no SNS message without its Signature field: malformed
    assert (answer.status_code, answer.content) == (
        400, b"not an SNS message: Signature must be a non-empty string in a Notification message",
    )  # fmt: skip
    assert SnsMessage.objects.count() == handled_before

    first = post(genuine)
    assert (first.status_code, first.content) == (200, b"ok")
    again = post(genuine)
    assert (again.status_code, again.content) == (200, b"already handled")
    assert SnsMessage.objects.count() == handled_before + 1
    assert StatusEvent.objects.count() == events_before
    assert Registration.objects.get(pk=registration.pk).status == Status.COMPLETE


def test_certificate_urls():
    assert url_trusted("https://sns.us-east-1.amazonaws.com/SimpleNotificationService-ab12.pem", [])
    assert url_trusted("https://sns.cn-north-1.amazonaws.com.cn/x.pem", [])
    for bad in (
        "http://sns.us-east-1.amazonaws.com/x.pem",
        "https://sns.us-east-1.amazonaws.com@evil.example/x.pem",
        "https://sns.us-east-1.amazonaws.com.evil.example/x.pem",
        "https://sns.us-east-1.amazonaws.com:8443/x.pem",
        "https://s3.amazonaws.com/bucket/x.pem",
    ):
        assert not url_trusted(bad, []), bad
    assert url_trusted("http://127.0.0.1:4599/_sandbox/cert", ["http://127.0.0.1:4599"])
    assert not url_trusted("http://127.0.0.1:4600/_sandbox/cert", ["http://127.0.0.1:4599"])


def test_string_to_sign_follows_the_documented_key_order():
    message = {
        "Type": "Notification",
        "MessageId": "a",
        "Message": "m",
        "Timestamp": "t",
        "TopicArn": "arn",
        "SigningCertURL": "ignored",
        "UnsubscribeURL": "ignored",
    }
    assert (
        string_to_sign(message)
        == b"Message\nm\nMessageId\na\nTimestamp\nt\nTopicArn\narn\nType\nNotification\n"
    )
    assert string_to_sign({**message, "Subject": "s"}).startswith(
        b"Message\nm\nMessageId\na\nSubject\ns\nTimestamp\n"
    )


def test_cert_is_served_by_the_sandbox(sandbox_process):
    with urllib.request.urlopen(sandbox_process + "/_sandbox/cert", timeout=5) as response:
        url = json.loads(response.read())["url"]
    assert url.startswith(sandbox_process + "/SimpleNotificationService-")
    assert url_trusted(url, [sandbox_process])
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.read().startswith(b"-----BEGIN CERTIFICATE-----")
