"""Tenant webhooks (signed, retried, logged), inbound STOP through the sandbox, and the
OpenAPI document."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import yaml
from django.test import Client

from compliance.models import ConsentRecord
from messaging.models import InboundMessage, OptOut, WebhookDelivery, WebhookEndpoint
from messaging.outbound import (
    MAX_ATTEMPTS,
    signature_header,
    signature_verify,
    webhook_event_emit,
)
from messaging.services import webhook_endpoint_create, webhook_endpoint_rotate
from registrations.aws import operations as aws
from registrations.aws.clients import AccountContext, client_for
from registrations.aws.gateway import Gateway
from registrations.models import Sender
from tests.messaging.conftest import US_OK
from tests.registrations.test_sns import _Capture
from tests.waiting import wait_until

TOPIC = "arn:aws:sns:us-east-1:123456789012:portal-sms-events"


class _Receiver(BaseHTTPRequestHandler):
    answers: list[int] = []
    got: list[tuple[dict, bytes]] = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.got.append((dict(self.headers), body))
        code = self.answers.pop(0) if self.answers else 200
        self.send_response(code)
        self.end_headers()

    def log_message(self, *args):
        return


@pytest.fixture
def receiver(settings):
    # A local receiver, allowed the way a development machine allows one: explicitly.
    settings.OUTBOUND_ALLOW_HTTP = True
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    _Receiver.answers, _Receiver.got = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hook", _Receiver
    server.shutdown()


def test_signature_verifies_and_refuses_tampering():
    body = b'{"type":"message.sent"}'
    now = int(time.time())
    header = signature_header(body, ["whsec_one"], now)
    assert signature_verify(body, header, "whsec_one")
    assert not signature_verify(body + b" ", header, "whsec_one")
    assert not signature_verify(body, header, "whsec_two")
    old = signature_header(body, ["whsec_one"], now - 301)
    assert not signature_verify(body, old, "whsec_one")


@pytest.mark.django_db
def test_deliveries_are_signed_retried_and_logged(
    receiver, tenant_a, django_capture_on_commit_callbacks
):
    url, handler = receiver
    endpoint = webhook_endpoint_create(tenant=tenant_a, actor=None, url=url, event_types=[])
    handler.answers = [500, 503]
    with django_capture_on_commit_callbacks(execute=True):
        webhook_event_emit(tenant=tenant_a, event_type="message.sent", data={"id": 7})
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("SUCCEEDED", 3, 200)
    assert len(handler.got) == 3
    headers, body = handler.got[-1]
    assert signature_verify(body, headers["X-Portal-Signature"], endpoint.secret)
    assert json.loads(body) == {
        "id": delivery.pk, "type": "message.sent", "created": delivery.payload["created"],
        "data": {"id": 7},
    }  # fmt: skip


@pytest.mark.django_db
def test_rotation_signs_with_both_secrets_and_failures_end(
    receiver, tenant_a, django_capture_on_commit_callbacks
):
    url, handler = receiver
    endpoint = webhook_endpoint_create(tenant=tenant_a, actor=None, url=url, event_types=[])
    old_secret = endpoint.secret
    endpoint = webhook_endpoint_rotate(tenant=tenant_a, actor=None, endpoint=endpoint)
    handler.answers = [500] * MAX_ATTEMPTS
    with django_capture_on_commit_callbacks(execute=True):
        webhook_event_emit(tenant=tenant_a, event_type="message.failed", data={"id": 1})
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_result) == (
        "FAILED", MAX_ATTEMPTS, "5xx",
    )  # fmt: skip
    headers, body = handler.got[0]
    assert signature_verify(body, headers["X-Portal-Signature"], endpoint.secret)
    assert signature_verify(body, headers["X-Portal-Signature"], old_secret)


@pytest.mark.django_db
def test_event_types_filter_endpoints(tenant_a, tenant_b):
    WebhookEndpoint.objects.create(
        tenant=tenant_a, url="https://a.example/h", secret="s", event_types=["message.inbound"]
    )
    WebhookEndpoint.objects.create(tenant=tenant_b, url="https://b.example/h", secret="s")
    assert webhook_event_emit(tenant=tenant_a, event_type="message.sent", data={}) == []
    assert len(webhook_event_emit(tenant=tenant_a, event_type="message.inbound", data={})) == 1


@pytest.fixture
def capture():
    _Capture.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Capture)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server, _Capture.received
    server.shutdown()


@pytest.mark.django_db(transaction=True)
def test_inbound_stop_updates_opt_outs_and_the_consent_log(
    sandbox, sandbox_process, tenant_a, settings, capture
):
    settings.SNS_TRUSTED_CERT_ORIGINS = [sandbox_process]
    server, received = capture
    sandbox.request(
        "POST", "/_sandbox/subscriptions",
        {"TopicArn": TOPIC, "AutoConfirm": True, "Endpoint": f"http://127.0.0.1:{server.server_port}/"},
    )  # fmt: skip
    gw = Gateway()
    number = aws.phone_number_request(gw, country="US", number_type="SIMULATOR", client_token="in")
    client_for(AccountContext()).update_phone_number(
        PhoneNumberId=number.id, TwoWayEnabled=True,
        TwoWayChannelArn=TOPIC, SelfManagedOptOutsEnabled=True,
    )  # fmt: skip
    Sender.objects.create(
        tenant=tenant_a, kind="PHONE_NUMBER", value=number.number, iso_country="US",
        number_type="SIMULATOR", aws_id=number.id, status="ACTIVE",
    )  # fmt: skip
    sandbox.request(
        "POST", "/_sandbox/inbound",
        {"OriginationNumber": US_OK, "DestinationNumber": number.number, "MessageBody": "STOP"},
    )  # fmt: skip
    wait_until(
        lambda: any(m["Type"] == "Notification" for m in received), timeout=15, message="inbound"
    )
    message = next(m for m in received if m["Type"] == "Notification")
    response = Client().post(
        "/hooks/sns/delivery/", data=json.dumps(message), content_type="text/plain",
        HTTP_X_AMZ_SNS_MESSAGE_TYPE="Notification",
    )  # fmt: skip
    assert response.status_code == 200
    assert OptOut.objects.get().phone == US_OK
    assert OptOut.objects.get().source == "keyword"
    record = ConsentRecord.objects.get()
    assert (record.phone_e164, record.action, record.source) == (US_OK, "opt_out", "keyword")


@pytest.mark.django_db
def test_openapi_document_is_valid_and_matches_responses(tenant_a, sender_a, api_a):
    from drf_spectacular.validation import validate_schema

    response = Client().get("/api/v1/schema")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate_schema(schema)
    paths = schema["paths"]
    assert set(paths) >= {
        "/api/v1/messages", "/api/v1/messages/batch", "/api/v1/messages/{id}",
        "/api/v1/opt-outs", "/api/v1/opt-outs/{phone}", "/api/v1/senders",
        "/api/v1/registrations", "/api/v1/webhooks", "/api/v1/webhooks/{id}/rotate-secret",
        "/api/v1/webhooks/{id}/deliveries", "/api/v1/policy",
    }  # fmt: skip
    assert schema["components"]["securitySchemes"]["ApiKey"]["scheme"] == "bearer"
    # A real answer carries exactly the properties the document promises.
    sent = api_a.post("messages", {"to": US_OK, "body": "hi"}).json()
    promised = schema["components"]["schemas"]["MessageOut"]["properties"]
    assert set(sent) == set(promised)
    refused = api_a.post("messages", {"to": "+1555", "body": "hi"}).json()
    error_props = schema["components"]["schemas"]["ErrorOut"]["properties"]
    assert set(refused) == set(error_props)
    detail = schema["components"]["schemas"]["ErrorDetail"]["properties"]
    assert set(refused["error"]) == set(detail)
    senders = api_a.get("senders").json()
    assert set(senders[0]) == set(schema["components"]["schemas"]["SenderOut"]["properties"])


@pytest.mark.django_db
def test_docs_page_uses_local_assets():
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


@pytest.mark.django_db(transaction=True)
def test_a_start_from_a_foreign_topic_keeps_the_stop_opt_out(
    sandbox, sandbox_process, tenant_a, settings, capture
):
    """An inbound START sent to a topic of another AWS account is signed by SNS like any other,
    but it is not the provider's topic: the STOP opt-out stays."""
    foreign = "arn:aws:sns:us-east-1:999999999999:portal-sms-events"
    settings.SNS_TRUSTED_CERT_ORIGINS = [sandbox_process]
    server, received = capture
    for topic in (TOPIC, foreign):
        sandbox.request(
            "POST", "/_sandbox/subscriptions",
            {"TopicArn": topic, "AutoConfirm": True, "Endpoint": f"http://127.0.0.1:{server.server_port}/"},
        )  # fmt: skip
    gw = Gateway()
    number = aws.phone_number_request(gw, country="US", number_type="SIMULATOR", client_token="in")
    Sender.objects.create(
        tenant=tenant_a, kind="PHONE_NUMBER", value=number.number, iso_country="US",
        number_type="SIMULATOR", aws_id=number.id, status="ACTIVE",
    )  # fmt: skip

    def inbound_through(topic: str, word: str) -> dict:
        client_for(AccountContext()).update_phone_number(
            PhoneNumberId=number.id, TwoWayEnabled=True,
            TwoWayChannelArn=topic, SelfManagedOptOutsEnabled=True,
        )  # fmt: skip
        inbound = {"OriginationNumber": US_OK, "DestinationNumber": number.number}
        sandbox.request("POST", "/_sandbox/inbound", {**inbound, "MessageBody": word})

        def arrived():
            return [
                m for m in received
                if m["Type"] == "Notification" and m["TopicArn"] == topic
                and json.loads(m["Message"])["messageBody"] == word
            ]  # fmt: skip

        wait_until(arrived, timeout=15, message=f"{word} on {topic}")
        return arrived()[0]

    def post(message: dict):
        return Client().post(
            "/hooks/sns/delivery/", data=json.dumps(message), content_type="text/plain",
            HTTP_X_AMZ_SNS_MESSAGE_TYPE="Notification",
        )  # fmt: skip

    assert post(inbound_through(TOPIC, "STOP")).status_code == 200
    assert OptOut.objects.filter(tenant=tenant_a, phone=US_OK).exists()
    inbound_before = InboundMessage.objects.count()
    assert post(inbound_through(foreign, "START")).status_code == 403
    assert OptOut.objects.filter(tenant=tenant_a, phone=US_OK).exists()
    assert InboundMessage.objects.count() == inbound_before
