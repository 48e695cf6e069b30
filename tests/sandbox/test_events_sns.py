"""SNS-style delivery: confirmation, signatures (v1 and v2), retries, registration events."""

from __future__ import annotations

import json
import urllib.request

import pytest
from cryptography.exceptions import InvalidSignature

from sandbox.server import start_in_thread, stop
from sandbox.settings import Settings, settings_from
from tests.sandbox import forms, sns_verify
from tests.sandbox.conftest import Control, Receiver, make_client
from tests.waiting import wait_until

TOPIC = "arn:aws:sns:us-east-1:123456789012:eum-registration-events"


def _confirm(envelope: dict) -> str:
    with urllib.request.urlopen(envelope["SubscribeURL"], timeout=5) as answer:
        return answer.read().decode()


@pytest.mark.parametrize("version", ["1", "2"])
def test_subscription_confirmation_then_signed_notifications(
    client, control, receiver, base_url, version
):
    sub = control.post(
        "/_sandbox/subscriptions",
        {"TopicArn": TOPIC, "Endpoint": receiver.url, "SignatureVersion": version},
        expect=201,
    )
    first = receiver.wait_for(1)[0]
    envelope = first["body"]
    assert envelope["Type"] == "SubscriptionConfirmation"
    assert first["headers"]["x-amz-sns-message-type"] == "SubscriptionConfirmation"
    assert "x-amz-sns-subscription-arn" not in first["headers"]
    assert first["headers"]["user-agent"] == "Amazon Simple Notification Service Agent"
    assert envelope["SignatureVersion"] == version
    assert envelope["SigningCertURL"].startswith(base_url + "/SimpleNotificationService-")
    sns_verify.verify(envelope, trusted_prefix=base_url + "/")
    # events published before confirmation wait for it
    rid = client.create_registration(RegistrationType="US_TOLL_FREE_REGISTRATION")["RegistrationId"]
    # The sandbox publishes while it answers the call: the event now waits on the subscription
    # and nothing is on its way (the only delivery is the confirmation).
    (listed,) = control.get("/_sandbox/subscriptions")["subscriptions"]
    assert listed["Pending"] == 1
    wait_until(
        lambda: len(control.get("/_sandbox/deliveries")["deliveries"]) == 1,
        message="the confirmation's delivery to be recorded",
    )
    assert control.get("/_sandbox/deliveries")["queued"] == 0
    assert len(receiver.requests) == 1
    xml = _confirm(envelope)
    assert f"<SubscriptionArn>{sub['SubscriptionArn']}</SubscriptionArn>" in xml
    note = receiver.wait_for(2)[1]
    body = note["body"]
    assert body["Type"] == "Notification"
    assert note["headers"]["x-amz-sns-subscription-arn"] == sub["SubscriptionArn"]
    assert note["headers"]["x-amz-sns-message-id"] == body["MessageId"]
    assert "Subject" not in body
    assert body["UnsubscribeURL"].startswith(base_url + "/?Action=Unsubscribe")
    sns_verify.verify(body, trusted_prefix=base_url + "/")
    event = json.loads(body["Message"])
    assert event["detail-type"] == "Registration Status Change"
    assert event["source"] == "aws.sms-voice"
    assert event["resources"] == [event["detail"]["registrationArn"]]
    assert event["detail"]["registrationDetails"]["registrationId"] == rid
    assert event["detail"]["registrationDetails"]["currentStatus"] == "CREATED"
    assert isinstance(
        event["detail"]["registrationDetails"]["registrationStatusChangeTimestamp"], int
    )
    tampered = dict(body, Message=body["Message"].replace("CREATED", "COMPLETE"))
    with pytest.raises(InvalidSignature):
        sns_verify.verify(tampered, trusted_prefix=base_url + "/")
    with pytest.raises(ValueError):
        sns_verify.verify(body, trusted_prefix="https://sns.us-east-1.amazonaws.com/")


def test_lifecycle_events_arrive_in_order(client, control, receiver):
    control.post(
        "/_sandbox/subscriptions",
        {"TopicArn": TOPIC, "Endpoint": receiver.url, "AutoConfirm": True},
        expect=201,
    )
    rid = forms.tfn_registration(client)["id"]
    client.submit_registration_version(RegistrationId=rid)
    receiver.wait_for(5)
    statuses = [
        json.loads(b["Message"])["detail"]["registrationDetails"]["currentStatus"]
        for b in receiver.bodies("Notification")
    ]
    assert statuses == ["CREATED", "SUBMITTED", "REVIEWING", "PROVISIONING", "COMPLETE"]


def test_retries_on_5xx_but_not_on_4xx(client, control, receiver):
    control.post(
        "/_sandbox/subscriptions",
        {"TopicArn": TOPIC, "Endpoint": receiver.url, "AutoConfirm": True},
        expect=201,
    )
    receiver.statuses = [500, 503]
    rid = client.create_registration(RegistrationType="US_TOLL_FREE_REGISTRATION")["RegistrationId"]
    arrived = receiver.wait_for(3)
    assert [r["status"] for r in arrived] == [500, 503, 200]
    assert len({r["body"]["MessageId"] for r in arrived}) == 1
    receiver.statuses = [400]
    client.delete_registration(RegistrationId=rid)
    receiver.wait_for(4)
    # The sandbox records a delivery once it has read the answer, a moment after the receiver
    # saw the request, and queues a retry right then: with the fourth recorded and nothing
    # queued, no retry of the 400 is coming.
    wait_until(
        lambda: len(control.get("/_sandbox/deliveries")["deliveries"]) == 4,
        message=lambda: f"the fourth delivery record: {control.get('/_sandbox/deliveries')}",
    )
    assert control.get("/_sandbox/deliveries")["queued"] == 0
    assert len(receiver.requests) == 4
    attempts = [
        (d["Attempt"], d["Status"]) for d in control.get("/_sandbox/deliveries")["deliveries"]
    ]
    assert attempts == [(1, 500), (2, 503), (3, 200), (1, 400)]


def test_unsubscribe_and_listing(control, receiver, client):
    sub = control.post(
        "/_sandbox/subscriptions",
        {"TopicArn": "arn:aws:sns:*:*:other", "Endpoint": receiver.url, "AutoConfirm": True},
        expect=201,
    )
    listed = control.get("/_sandbox/subscriptions")["subscriptions"]
    assert [(s["TopicArn"], s["Confirmed"]) for s in listed] == [("arn:aws:sns:*:*:other", True)]
    status, _ = control.call("DELETE", "/_sandbox/subscriptions/" + sub["SubscriptionArn"])
    assert status == 200
    assert control.get("/_sandbox/subscriptions")["subscriptions"] == []
    client.create_registration(RegistrationType="US_TOLL_FREE_REGISTRATION")
    # Published while the sandbox answered the call, to nobody: nothing queued or delivered.
    assert [e["Message"]["detail-type"] for e in control.get("/_sandbox/events")["events"]] == [
        "Registration Status Change"
    ]
    assert control.get("/_sandbox/deliveries") == {"deliveries": [], "queued": 0}
    assert receiver.requests == []


def test_default_registration_subscription_from_settings():
    hook = Receiver()
    settings = Settings(
        port=0,
        quotas=False,
        review_delay=0,
        registration_events_url=hook.url,
        signature_version="2",
    )
    server, app, _ = start_in_thread(settings)
    try:
        confirmation = hook.wait_for(1)[0]["body"]
        assert confirmation["TopicArn"] == TOPIC
        assert confirmation["SignatureVersion"] == "2"
        sns_verify.verify(confirmation, trusted_prefix=settings.base_url + "/")
        _confirm(confirmation)
        make_client(settings.base_url).create_registration(
            RegistrationType="US_TEN_DLC_BRAND_REGISTRATION"
        )
        note = hook.wait_for(2)[1]["body"]
        assert (
            json.loads(note["Message"])["detail"]["registrationDetails"]["registrationType"]
            == "US_TEN_DLC_BRAND_REGISTRATION"
        )
        assert Control(settings.base_url).get("/_sandbox/cert")["url"] == note["SigningCertURL"]
    finally:
        stop(server, app)
        hook.close()


def test_unconfirmed_subscription_is_asked_again_after_a_restart(tmp_path, receiver):
    state = str(tmp_path / "state.sqlite3")
    receiver.statuses = [500]
    options = dict(
        port=0, quotas=False, state=state, registration_events_url=receiver.url, delivery_retries=0
    )
    server, app, _ = start_in_thread(Settings(**options))
    try:
        receiver.wait_for(1)
    finally:
        stop(server, app)
    server, app, _ = start_in_thread(Settings(**options))
    try:
        arrived = receiver.wait_for(2)
        assert [(r["status"], r["body"]["Type"]) for r in arrived] == [
            (500, "SubscriptionConfirmation"),
            (200, "SubscriptionConfirmation"),
        ]
        assert arrived[0]["body"]["Token"] == arrived[1]["body"]["Token"]
        assert (
            len(Control(app.settings.base_url).get("/_sandbox/subscriptions")["subscriptions"]) == 1
        )
    finally:
        stop(server, app)


def test_extra_subscriptions_from_settings(receiver):
    topic = "arn:aws:sns:us-east-1:123456789012:eum-delivery-events"
    settings = Settings(port=0, quotas=False, subscribe=f"{topic}={receiver.url}")
    server, app, _ = start_in_thread(settings)
    try:
        confirmation = receiver.wait_for(1)[0]["body"]
        assert (confirmation["Type"], confirmation["TopicArn"]) == (
            "SubscriptionConfirmation",
            topic,
        )
    finally:
        stop(server, app)
    with pytest.raises(ValueError):
        settings_from({"subscribe": "not-an-arn=http://x"}, {})
