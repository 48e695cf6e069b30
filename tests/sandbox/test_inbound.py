"""Simulated inbound SMS: keywords, automatic opt-outs, two-way topic payloads."""

from __future__ import annotations

import json

import pytest

SIMULATOR = dict(
    IsoCountryCode="US",
    MessageType="TRANSACTIONAL",
    NumberCapabilities=["SMS"],
    NumberType="SIMULATOR",
)
INBOUND_TOPIC = "arn:aws:sns:us-east-1:123456789012:inbound-sms"
CUSTOMER = "+14254147755"


def test_stop_opts_out_when_aws_manages_opt_outs(client, control):
    number = client.request_phone_number(**SIMULATOR)
    answer = control.post(
        "/_sandbox/inbound",
        {
            "OriginationNumber": CUSTOMER,
            "DestinationNumber": number["PhoneNumber"],
            "MessageBody": "stop please",
        },
    )
    assert {k: answer[k] for k in ("Keyword", "Action", "OptedOut", "Published")} == {
        "Keyword": "STOP",
        "Action": "OPT_OUT",
        "OptedOut": True,
        "Published": False,
    }
    assert answer["AutoReply"].startswith("You have been unsubscribed")
    opted = client.describe_opted_out_numbers(OptOutListName="Default")["OptedOutNumbers"]
    assert [(o["OptedOutNumber"], o["EndUserOptedOut"]) for o in opted] == [(CUSTOMER, True)]
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.send_text_message(
            DestinationPhoneNumber=CUSTOMER,
            MessageBody="Hi",
            OriginationIdentity=number["PhoneNumberId"],
        )
    assert err.value.response["Reason"] == "DESTINATION_PHONE_NUMBER_OPTED_OUT"
    client.put_keyword(
        OriginationIdentity=number["PhoneNumberId"],
        Keyword="JOIN",
        KeywordAction="OPT_IN",
        KeywordMessage="Welcome back.",
    )
    answer = control.post(
        "/_sandbox/inbound",
        {
            "OriginationNumber": CUSTOMER,
            "DestinationNumber": number["PhoneNumber"],
            "MessageBody": "JOIN",
        },
    )
    assert (answer["Action"], answer["AutoReply"]) == ("OPT_IN", "Welcome back.")
    assert client.describe_opted_out_numbers(OptOutListName="Default")["OptedOutNumbers"] == []


def test_self_managed_numbers_publish_everything(client, control, receiver):
    control.post(
        "/_sandbox/subscriptions",
        {"TopicArn": INBOUND_TOPIC, "Endpoint": receiver.url, "AutoConfirm": True},
        expect=201,
    )
    number = client.request_phone_number(**SIMULATOR)
    client.update_phone_number(
        PhoneNumberId=number["PhoneNumberId"],
        TwoWayEnabled=True,
        TwoWayChannelArn=INBOUND_TOPIC,
        SelfManagedOptOutsEnabled=True,
    )
    sent = client.send_text_message(
        DestinationPhoneNumber=CUSTOMER,
        MessageBody="Hi",
        OriginationIdentity=number["PhoneNumberId"],
    )
    answer = control.post(
        "/_sandbox/inbound",
        {
            "OriginationNumber": CUSTOMER,
            "DestinationNumber": number["PhoneNumber"],
            "MessageBody": "STOP",
        },
    )
    assert (answer["OptedOut"], answer["Published"], answer["AutoReply"]) == (False, True, None)
    payload = json.loads(receiver.wait_for(1)[0]["body"]["Message"])
    assert payload == {
        "originationNumber": CUSTOMER,
        "destinationNumber": number["PhoneNumber"],
        "messageKeyword": "STOP",
        "messageBody": "STOP",
        "inboundMessageId": answer["InboundMessageId"],
        "previousPublishedMessageId": sent["MessageId"],
    }
    control.post(
        "/_sandbox/inbound",
        {
            "OriginationNumber": CUSTOMER,
            "DestinationNumber": number["PhoneNumber"],
            "MessageBody": "What time do you open?",
        },
    )
    second = json.loads(receiver.wait_for(2)[1]["body"]["Message"])
    assert second["messageKeyword"] == "KEYWORD_123456789012"
    assert client.describe_opted_out_numbers(OptOutListName="Default")["OptedOutNumbers"] == []
    status, body = control.call(
        "POST",
        "/_sandbox/inbound",
        {"OriginationNumber": CUSTOMER, "DestinationNumber": "+19999999999", "MessageBody": "x"},
    )
    assert status == 404
