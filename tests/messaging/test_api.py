"""Every endpoint of /api/v1/ with the personas: tenant A's key never sees B's data."""

from __future__ import annotations

import pytest

from messaging.models import Message, OptOut, WebhookEndpoint
from registrations.models import Registration, Sender
from tests.messaging.conftest import US_OK, Api

pytestmark = pytest.mark.django_db


def _send(api, to=US_OK, body="Your code is 123456", **extra):
    return api.post("messages", {"to": to, "body": body}, **extra)


def test_send_accepts_and_stores_the_message(api_a, sender_a, tenant_a, key_a):
    response = _send(api_a)
    assert response.status_code == 202
    body = response.json()
    message = Message.objects.get()
    assert body["id"] == message.pk
    assert (body["to"], body["sender"], body["type"], body["encoding"], body["parts"]) == (
        US_OK, "+18335550100", "TRANSACTIONAL", "GSM", 1,
    )  # fmt: skip
    assert (message.tenant, message.api_key, message.sender) == (tenant_a, key_a.key, sender_a)


def test_message_read_list_and_cross_tenant(api_a, api_b, sender_a, sender_b):
    mine = _send(api_a).json()["id"]
    theirs = _send(api_b).json()["id"]
    assert api_a.get(f"messages/{mine}").status_code == 200
    assert api_a.get(f"messages/{mine}").json()["events"] == []
    assert api_a.get(f"messages/{theirs}").status_code == 404
    assert api_b.get(f"messages/{mine}").status_code == 404
    listed = api_a.get("messages").json()
    assert [m["id"] for m in listed["results"]] == [mine]
    assert api_a.get("messages?status=DELIVERED").json()["results"] == []


def test_cursor_pagination(api_a, sender_a):
    ids = [_send(api_a).json()["id"] for _ in range(3)]
    page = api_a.get("messages?limit=2").json()
    assert [m["id"] for m in page["results"]] == [ids[2], ids[1]]
    nxt = page["next"].split("/api/v1/")[1]
    assert [m["id"] for m in api_a.get(nxt).json()["results"]] == [ids[0]]


def test_batch_reports_each_message(api_a, sender_a):
    response = api_a.post(
        "messages/batch",
        {"messages": [{"to": US_OK, "body": "one"}, {"to": "+1555", "body": "two"}]},
    )
    assert response.status_code == 202
    body = response.json()
    assert (body["accepted"], body["refused"]) == (1, 1)
    assert body["results"][1]["error"] == {
        "code": "invalid_destination", "message": "+1555 is not a valid phone number.",
        "field": "to",
    }  # fmt: skip
    assert Message.objects.get().batch_id == body["batch_id"]


def test_batch_over_100_is_refused(api_a, sender_a):
    response = api_a.post("messages/batch", {"messages": [{"to": US_OK, "body": "x"}] * 101})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "messages"
    assert Message.objects.count() == 0


def test_opt_outs_add_check_list_remove_per_tenant(api_a, api_b):
    assert api_a.post("opt-outs", {"phone": US_OK}).status_code == 201
    assert api_a.get(f"opt-outs/{US_OK}").json() == {
        "phone": US_OK, "opted_out": True, "opted_out_types": ["PROMOTIONAL", "TRANSACTIONAL"]
    }  # fmt: skip
    assert api_b.get(f"opt-outs/{US_OK}").json() == {
        "phone": US_OK, "opted_out": False, "opted_out_types": []
    }  # fmt: skip
    assert [o["phone"] for o in api_a.get("opt-outs").json()["results"]] == [US_OK]
    assert api_b.get("opt-outs").json()["results"] == []
    assert api_b.delete(f"opt-outs/{US_OK}").status_code == 404
    assert api_a.delete(f"opt-outs/{US_OK}").status_code == 204
    assert OptOut.objects.count() == 0


def test_senders_and_registrations_are_the_tenants_own(api_a, api_b, sender_a, sender_b, tenant_a):
    senders = api_a.get("senders").json()
    assert [(s["value"], s["parts_per_second"], s["status"]) for s in senders] == [
        ("+18335550100", 3.0, "ACTIVE")
    ]
    assert api_a.get("registrations").json()["results"] == []
    assert Registration.objects.count() == 0
    assert api_b.get("registrations/1").status_code == 404


def test_webhooks_create_rotate_deliveries_delete(api_a, api_b):
    created = api_a.post("webhooks", {"url": "https://hooks.acme.example/sms"})
    assert created.status_code == 201
    endpoint = created.json()
    assert endpoint["secret"].startswith("whsec_")
    pk = endpoint["id"]
    assert api_b.get(f"webhooks/{pk}").status_code == 404
    assert api_b.post(f"webhooks/{pk}/rotate-secret").status_code == 404
    rotated = api_a.post(f"webhooks/{pk}/rotate-secret").json()
    assert rotated["secret"] != endpoint["secret"]
    assert WebhookEndpoint.objects.get().previous_secret == endpoint["secret"]
    assert api_a.get(f"webhooks/{pk}/deliveries").json() == []
    assert api_b.delete(f"webhooks/{pk}").status_code == 404
    assert api_a.delete(f"webhooks/{pk}").status_code == 204
    assert WebhookEndpoint.objects.count() == 0


def test_webhook_url_must_be_https(api_a):
    response = api_a.post("webhooks", {"url": "http://hooks.acme.example/sms"})
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "invalid_field",
            "message": "Use an https:// address (http:// is not accepted).",
            "field": "url",
        }
    }


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "messages"), ("post", "messages"), ("post", "messages/batch"),
        ("get", "messages/1"), ("get", "opt-outs"), ("get", "senders"),
        ("get", "registrations"), ("get", "webhooks"),
    ],
)  # fmt: skip
def test_anonymous_is_401(method, path):
    response = getattr(Api(None), method)(path)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json()["error"]["code"] == "unauthenticated"


def test_wrong_method_is_405(api_a):
    assert api_a.delete("senders").status_code == 405
    assert api_a.get("webhooks/1/rotate-secret").status_code == 405


def test_india_from_a_sender_id_needs_the_dlt_template_id(api_a, tenant_a):
    """AWS's DestinationCountryParameters: India's sends from a sender ID carry the template id
    of the registered DLT template; without it the API refuses, naming the field."""
    Sender.objects.create(
        tenant=tenant_a, kind="SENDER_ID", value="EXMPLE", iso_country="IN",
        aws_id="arn:aws:sms-voice:us-east-1:1:sender-id/EXMPLE/IN", status="ACTIVE",
    )  # fmt: skip
    message = {"to": "+919812345678", "body": "Example: code 123456", "type": "TRANSACTIONAL"}
    refused = api_a.post("messages", message, HTTP_IDEMPOTENCY_KEY="in-1")
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "dlt_template_required"
    assert refused.json()["error"]["field"] == "dlt_template_id"
    spaced = api_a.post(
        "messages", {**message, "dlt_template_id": "11 07"}, HTTP_IDEMPOTENCY_KEY="in-2"
    )
    assert spaced.status_code == 400 and spaced.json()["error"]["field"] == "dlt_template_id"
    accepted = api_a.post(
        "messages", {**message, "dlt_template_id": "1107161234567890"}, HTTP_IDEMPOTENCY_KEY="in-3"
    )
    assert accepted.status_code == 202, accepted.json()
    assert accepted.json()["dlt_template_id"] == "1107161234567890"
    assert Message.objects.get(pk=accepted.json()["id"]).dlt_template_id == "1107161234567890"
