"""SendTextMessage: the checks AWS makes, simulator numbers and delivery events."""

from __future__ import annotations

import json

import pytest

from sandbox.sending import segments
from tests.sandbox import forms

SIMULATOR = dict(
    IsoCountryCode="US",
    MessageType="TRANSACTIONAL",
    NumberCapabilities=["SMS"],
    NumberType="SIMULATOR",
)
SUCCESS, FAILURE = "+14254147755", "+14254147167"
DELIVERY_TOPIC = "arn:aws:sns:us-east-1:123456789012:delivery-events"


def _reason(err) -> str:
    return err.value.response["Reason"]


@pytest.fixture
def sim(client) -> dict:
    return client.request_phone_number(**SIMULATOR)


def _events(control, message_id: str) -> list[dict]:
    for message in control.get("/_sandbox/messages")["messages"]:
        if message["MessageId"] == message_id:
            return message["Events"]
    raise AssertionError(f"no message {message_id}")


def test_segments():
    assert segments("hello") == ("GSM", 1)
    assert segments("a" * 160) == ("GSM", 1)
    assert segments("a" * 161) == ("GSM", 2)
    assert segments("€" * 80) == ("GSM", 1)
    assert segments("€" * 81) == ("GSM", 2)
    assert segments("héllo ✓") == ("UNICODE", 1)
    assert segments("✓" * 71) == ("UNICODE", 2)


@pytest.mark.parametrize(
    ("destination", "expected"),
    [
        (SUCCESS, [("TEXT_SUCCESSFUL", False), ("TEXT_DELIVERED", True)]),
        (FAILURE, [("TEXT_BLOCKED", True)]),
        ("+12065550101", [("TEXT_CARRIER_UNREACHABLE", True)]),
        ("+12065550102", [("TEXT_BLOCKED", True)]),
        ("+12065550103", [("TEXT_TTL_EXPIRED", True)]),
        ("+12065550100", [("TEXT_SUCCESSFUL", False), ("TEXT_DELIVERED", True)]),
    ],
)
def test_simulator_destinations_give_fixed_outcomes(client, control, sim, destination, expected):
    sent = client.send_text_message(
        DestinationPhoneNumber=destination,
        MessageBody="Hello",
        OriginationIdentity=sim["PhoneNumberId"],
        TimeToLive=60,
    )
    events = _events(control, sent["MessageId"])
    assert [(e["eventType"], e["isFinal"]) for e in events] == expected
    assert all(e["messageStatus"] == e["eventType"].removeprefix("TEXT_") for e in events)


def test_simulator_origination_reaches_simulator_destinations_only(client, sim):
    with pytest.raises(client.exceptions.ValidationException) as err:
        client.send_text_message(
            DestinationPhoneNumber="+12025550123",
            MessageBody="Hi",
            OriginationIdentity=sim["PhoneNumberArn"],
        )
    assert _reason(err) == "INVALID_IDENTITY_FOR_DESTINATION_COUNTRY"
    with pytest.raises(client.exceptions.ValidationException) as err:
        client.send_text_message(
            DestinationPhoneNumber="+447860019066",
            MessageBody="Hi",
            OriginationIdentity=sim["PhoneNumberId"],
        )
    assert _reason(err) == "INVALID_IDENTITY_FOR_DESTINATION_COUNTRY"


def test_identity_checks(client, control):
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.send_text_message(DestinationPhoneNumber=SUCCESS, MessageBody="Hi")
    assert _reason(err) == "NO_ORIGINATION_IDENTITIES_FOUND"
    made = forms.tfn_registration(client, forms.TFN_CARELESS)
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.send_text_message(
            DestinationPhoneNumber="+12025550123",
            MessageBody="Hi",
            OriginationIdentity=made["number"]["PhoneNumber"],
        )
    assert _reason(err) == "RESOURCE_NOT_ACTIVE"
    unregistered = client.request_sender_id(SenderId="EXMPLE", IsoCountryCode="IN")
    with pytest.raises(client.exceptions.ValidationException) as err:
        client.send_text_message(
            DestinationPhoneNumber="+919800000000",
            MessageBody="Hi",
            OriginationIdentity=unregistered["SenderIdArn"],
        )
    assert _reason(err) == "SENDER_ID_NOT_REGISTERED"
    gb = client.request_sender_id(SenderId="EXAMPLE", IsoCountryCode="GB")
    sent = client.send_text_message(
        DestinationPhoneNumber="+447700900123", MessageBody="Hi", OriginationIdentity="EXAMPLE"
    )
    assert _events(control, sent["MessageId"])[0]["originationPhoneNumber"] == "EXAMPLE"
    with pytest.raises(client.exceptions.ValidationException) as err:
        client.send_text_message(
            DestinationPhoneNumber="+33612345678",
            MessageBody="Hi",
            OriginationIdentity=gb["SenderIdArn"],
        )
    assert _reason(err) == "INVALID_IDENTITY_FOR_DESTINATION_COUNTRY"
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.send_text_message(
            DestinationPhoneNumber=SUCCESS,
            MessageBody="Hi",
            OriginationIdentity="phone-" + "0" * 32,
        )


def test_pool_picks_a_member_that_reaches_the_country(client, control, sim):
    gb = client.request_phone_number(
        IsoCountryCode="GB",
        MessageType="TRANSACTIONAL",
        NumberCapabilities=["SMS"],
        NumberType="LONG_CODE",
    )
    pool = client.create_pool(
        OriginationIdentity=sim["PhoneNumberId"], IsoCountryCode="US", MessageType="TRANSACTIONAL"
    )
    client.associate_origination_identity(
        PoolId=pool["PoolId"], IsoCountryCode="GB", OriginationIdentity=gb["PhoneNumberId"]
    )
    sent = client.send_text_message(
        DestinationPhoneNumber="+447700900123",
        MessageBody="Hi",
        OriginationIdentity=pool["PoolArn"],
    )
    assert _events(control, sent["MessageId"])[0]["originationPhoneNumber"] == gb["PhoneNumber"]


def test_opt_outs_protect_rules_price_and_spend(client, control, sim):
    origin = sim["PhoneNumberId"]
    client.put_opted_out_number(OptOutListName="Default", OptedOutNumber=SUCCESS)
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.send_text_message(
            DestinationPhoneNumber=SUCCESS, MessageBody="Hi", OriginationIdentity=origin
        )
    assert _reason(err) == "DESTINATION_PHONE_NUMBER_OPTED_OUT"
    protect = client.create_protect_configuration()["ProtectConfigurationId"]
    client.update_protect_configuration_country_rule_set(
        ProtectConfigurationId=protect,
        NumberCapability="SMS",
        CountryRuleSetUpdates={"US": {"ProtectStatus": "BLOCK"}},
    )
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.send_text_message(
            DestinationPhoneNumber=FAILURE,
            MessageBody="Hi",
            OriginationIdentity=origin,
            ProtectConfigurationId=protect,
        )
    assert _reason(err) == "DESTINATION_COUNTRY_BLOCKED_BY_PROTECT_CONFIGURATION"
    client.update_protect_configuration_country_rule_set(
        ProtectConfigurationId=protect,
        NumberCapability="SMS",
        CountryRuleSetUpdates={"US": {"ProtectStatus": "MONITOR"}},
    )
    sent = client.send_text_message(
        DestinationPhoneNumber=FAILURE,
        MessageBody="Hi",
        OriginationIdentity=origin,
        ProtectConfigurationId=protect,
    )
    assert _events(control, sent["MessageId"])[0]["protectConfiguration"] == {
        "protectConfigurationId": protect,
        "protectStatus": "MONITOR",
    }
    with pytest.raises(client.exceptions.ValidationException) as err:
        client.send_text_message(
            DestinationPhoneNumber=FAILURE,
            MessageBody="x" * 400,
            OriginationIdentity=origin,
            MaxPrice="0.01",
        )
    assert _reason(err) == "PRICE_OVER_THRESHOLD"
    control.call("PATCH", "/_sandbox/config", {"spend_limit": 0.02})
    client.send_text_message(
        DestinationPhoneNumber=FAILURE, MessageBody="x" * 300, OriginationIdentity=origin
    )
    with pytest.raises(client.exceptions.ServiceQuotaExceededException) as err:
        client.send_text_message(
            DestinationPhoneNumber=FAILURE, MessageBody="x" * 300, OriginationIdentity=origin
        )
    assert _reason(err) == "MONTHLY_SPEND_LIMIT_REACHED_FOR_TEXT"


def test_dry_run_sends_nothing(client, control, sim):
    answer = client.send_text_message(
        DestinationPhoneNumber=SUCCESS,
        MessageBody="Hi",
        OriginationIdentity=sim["PhoneNumberId"],
        DryRun=True,
    )
    assert len(answer["MessageId"]) == 36
    assert control.get("/_sandbox/messages")["messages"] == []


def test_message_parts_per_second(client, control, sim):
    control.call("PATCH", "/_sandbox/config", {"mps_limits": True})
    tfn = forms.tfn_registration(client)
    client.submit_registration_version(RegistrationId=tfn["id"])
    number = tfn["number"]["PhoneNumberId"]
    for _ in range(3):  # toll-free: 3 message parts per second
        client.send_text_message(
            DestinationPhoneNumber="+12025550123", MessageBody="Hi", OriginationIdentity=number
        )
    with pytest.raises(client.exceptions.ThrottlingException):
        client.send_text_message(
            DestinationPhoneNumber="+12025550123", MessageBody="Hi", OriginationIdentity=number
        )
    client.send_text_message(
        DestinationPhoneNumber=SUCCESS, MessageBody="Hi", OriginationIdentity=sim["PhoneNumberId"]
    )


def test_configuration_set_delivers_events_to_its_topic(client, control, receiver, sim):
    control.post(
        "/_sandbox/subscriptions",
        {"TopicArn": DELIVERY_TOPIC, "Endpoint": receiver.url, "AutoConfirm": True},
        expect=201,
    )
    client.create_configuration_set(ConfigurationSetName="tenant-a")
    client.create_event_destination(
        ConfigurationSetName="tenant-a",
        EventDestinationName="hook",
        MatchingEventTypes=["TEXT_DELIVERED", "TEXT_BLOCKED"],
        SnsDestination={"TopicArn": DELIVERY_TOPIC},
    )
    sent = client.send_text_message(
        DestinationPhoneNumber=SUCCESS,
        MessageBody="Hello there",
        OriginationIdentity=sim["PhoneNumberId"],
        ConfigurationSetName="tenant-a",
        MessageType="TRANSACTIONAL",
        Context={"tenant": "a", "message": "m-1"},
    )
    note = receiver.wait_for(1)[0]["body"]
    event = json.loads(note["Message"])
    assert note["TopicArn"] == DELIVERY_TOPIC
    assert {
        k: event[k]
        for k in (
            "eventType",
            "isFinal",
            "messageId",
            "destinationPhoneNumber",
            "originationPhoneNumber",
            "messageEncoding",
            "messageType",
            "totalMessageParts",
            "context",
            "isoCountryCode",
            "eventVersion",
        )
    } == {
        "eventType": "TEXT_DELIVERED",
        "isFinal": True,
        "messageId": sent["MessageId"],
        "destinationPhoneNumber": SUCCESS,
        "originationPhoneNumber": sim["PhoneNumber"],
        "messageEncoding": "GSM",
        "messageType": "TRANSACTIONAL",
        "totalMessageParts": 1,
        "context": {"tenant": "a", "message": "m-1"},
        "isoCountryCode": "US",
        "eventVersion": "1.0",
    }
    assert event["eventTimestamp"] > event["messageRequestTimestamp"]
    assert len(receiver.requests) == 1  # TEXT_SUCCESSFUL did not match
