"""The go-live check of a sender (seed 000, validation step) against the sandbox over HTTP:
staff send a test message to AWS's simulator from the sender's page; its delivery events come
back through the portal's signed SNS hook; each check shows the time it passed."""

from __future__ import annotations

import json
import threading
from http.server import ThreadingHTTPServer

import boto3
import pytest
from django.test import Client

from messaging.models import GoLiveCheck, Message
from registrations.models import Sender, SendingSetup
from registrations.services import tracking
from tests.conftest import client_for
from tests.registrations.test_engine import _submit_and_approve, _tfn_ready
from tests.registrations.test_sns import _Capture
from tests.waiting import wait_until

TOPIC = "arn:aws:sns:us-east-1:123456789012:portal-sms-events"


@pytest.fixture
def capture():
    _Capture.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Capture)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server, _Capture.received
    server.shutdown()


@pytest.mark.django_db(transaction=True)
def test_staff_run_the_go_live_check_of_a_sender(
    catalog, sandbox, sandbox_process, tenant_a, alice, sam, vic, settings, capture,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    settings.SNS_TRUSTED_CERT_ORIGINS = [sandbox_process]
    settings.EUM_EVENTS_TOPIC_ARN = TOPIC
    server, received = capture
    sandbox.request(
        "POST", "/_sandbox/subscriptions",
        {"TopicArn": TOPIC, "AutoConfirm": True, "Endpoint": f"http://127.0.0.1:{server.server_port}/"},
    )  # fmt: skip
    registration = _submit_and_approve(
        _tfn_ready(tenant_a, alice), tenant_a, alice, sam, django_capture_on_commit_callbacks
    )
    sandbox.decide(registration.aws_registration_id, 1, "approve")
    with django_capture_on_commit_callbacks(execute=True):
        tracking.reconcile_pass(force=True)
    setup = SendingSetup.objects.get(tenant=tenant_a)
    assert setup.complete
    sender = Sender.objects.get(registration=registration)

    # The setup blocks every country AWS lists but the tenant's own.
    client = boto3.client(
        "pinpoint-sms-voice-v2", endpoint_url=sandbox.base_url, region_name="us-east-1",
        aws_access_key_id="sandbox", aws_secret_access_key="sandbox",
    )  # fmt: skip
    rules = client.get_protect_configuration_country_rule_set(
        ProtectConfigurationId=setup.protect_configuration_id, NumberCapability="SMS"
    )["CountryRuleSet"]
    assert rules["US"]["ProtectStatus"] == "ALLOW"
    assert {r["ProtectStatus"] for c, r in rules.items() if c != "US"} == {"BLOCK"}

    staff = client_for(sam)
    url = f"/staff/tenants/acme/senders/{sender.pk}/"
    page = staff.get(url).content.decode()
    assert page.count('data-passed="no"') == 5
    response = staff.post(url + "go-live/", {"action": "send", "destination": ""})
    assert response.status_code == 302
    check = GoLiveCheck.objects.get(sender=sender)
    message = Message.objects.get(pk=check.test_message_id)
    assert (message.destination, message.status) == ("+14254147755", "SENT")
    assert check.checks["test_message"]["passed_at"] is None
    assert check.checks["keywords"]["passed_at"] is not None
    assert check.checks["protect"]["detail"].endswith("other countries blocked; US allowed.")

    wait_until(
        lambda: len([m for m in received if m["Type"] == "Notification"]) >= 2,
        timeout=15,
        message="the test message's delivery events",
    )
    hook = Client()
    for m in received:
        answer = hook.post(
            "/hooks/sns/delivery/", data=json.dumps(m), content_type="text/plain",
            HTTP_X_AMZ_SNS_MESSAGE_TYPE=m["Type"],
        )  # fmt: skip
        assert answer.status_code == 200
    assert Message.objects.get(pk=message.pk).status == "DELIVERED"

    staff.post(url + "go-live/", {"action": "check"})
    check = GoLiveCheck.objects.get(sender=sender)
    assert {key: bool(v["passed_at"]) for key, v in check.checks.items()} == {
        "events": True,
        "opt_out_list": True,
        "protect": True,
        "keywords": True,
        "test_message": True,
    }
    assert check.checks["opt_out_list"]["detail"].endswith("uses portal-acme.")
    page = staff.get(url).content.decode()
    assert page.count('data-passed="yes"') == 5
    assert "TEXT_SUCCESSFUL received from portal-acme." in page

    # A viewer sees the checklist but cannot send.
    viewer = client_for(vic)
    assert viewer.get(url).status_code == 200
    assert viewer.post(url + "go-live/", {"action": "send"}).status_code == 403
    assert Message.objects.count() == 1


@pytest.mark.django_db
def test_a_sender_of_another_tenant_is_not_found(tenant_a, tenant_b, sam):
    other = Sender.objects.create(
        tenant=tenant_b, kind="PHONE_NUMBER", value="+18335550200", iso_country="US",
        number_type="TOLL_FREE", aws_id="phone-b", status="ACTIVE",
    )  # fmt: skip
    staff = client_for(sam)
    assert staff.get(f"/staff/tenants/acme/senders/{other.pk}/").status_code == 404
    assert staff.post(f"/staff/tenants/acme/senders/{other.pk}/go-live/").status_code == 404
    assert GoLiveCheck.objects.count() == 0
