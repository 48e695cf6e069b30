"""SNS ``Subscribe`` through an unmodified boto3 ``sns`` client: the endpoint gets a signed
SubscriptionConfirmation and the answer is ``pending confirmation`` (or the ARN when asked);
subscribing again resends the confirmation while pending and returns the same subscription
once confirmed; a topic of another account, a bad topic, protocol or endpoint are refused with
SNS's own errors."""

from __future__ import annotations

import urllib.request

import boto3
import pytest
from botocore.exceptions import ClientError

TOPIC = "arn:aws:sns:us-east-1:210987654321:sms-events"


def _sns(base_url: str, key: str = "210987654321"):
    return boto3.client(
        "sns",
        endpoint_url=base_url,
        region_name="us-east-1",
        aws_access_key_id=key,
        aws_secret_access_key="x",
    )


def test_subscribe_confirm_and_subscribe_again(base_url, control, receiver):
    sns = _sns(base_url)
    answer = sns.subscribe(TopicArn=TOPIC, Protocol="http", Endpoint=receiver.url)
    assert answer["SubscriptionArn"] == "pending confirmation"
    first = receiver.wait_for(1)[0]["body"]
    assert (first["Type"], first["TopicArn"]) == ("SubscriptionConfirmation", TOPIC)

    again = sns.subscribe(
        TopicArn=TOPIC, Protocol="http", Endpoint=receiver.url, ReturnSubscriptionArn=True
    )
    assert again["SubscriptionArn"].startswith(TOPIC + ":")
    second = receiver.wait_for(2)[1]["body"]
    assert second["Type"] == "SubscriptionConfirmation"  # sent again while pending
    with urllib.request.urlopen(second["SubscribeURL"], timeout=5) as confirmed:
        assert confirmed.status == 200
    (sub,) = control.get("/_sandbox/subscriptions")["subscriptions"]
    assert sub["Confirmed"] is True
    third = sns.subscribe(TopicArn=TOPIC, Protocol="http", Endpoint=receiver.url)
    assert third["SubscriptionArn"] == sub["SubscriptionArn"]
    assert len(control.get("/_sandbox/subscriptions")["subscriptions"]) == 1


@pytest.mark.parametrize(
    ("params", "code", "status"),
    [
        (
            {"TopicArn": "arn:aws:sns:us-east-1:123456789012:sms-events"},
            "AuthorizationError",
            403,
        ),
        ({"TopicArn": "sms-events"}, "InvalidParameter", 400),
        ({"Protocol": "email"}, "InvalidParameter", 400),
        ({"Endpoint": "ftp://portal.example/hook"}, "InvalidParameter", 400),
    ],
)
def test_subscribe_refusals(base_url, control, params, code, status):
    wanted = {"TopicArn": TOPIC, "Protocol": "https", "Endpoint": "https://portal.example/h"}
    with pytest.raises(ClientError) as refused:
        _sns(base_url).subscribe(**{**wanted, **params})
    assert refused.value.response["Error"]["Code"] == code
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert control.get("/_sandbox/subscriptions")["subscriptions"] == []


def test_unsubscribe(base_url, control):
    sns = _sns(base_url)
    arn = sns.subscribe(
        TopicArn=TOPIC,
        Protocol="https",
        Endpoint="https://portal.example/h",
        ReturnSubscriptionArn=True,
    )["SubscriptionArn"]
    with pytest.raises(ClientError) as foreign:
        _sns(base_url, key="123456789012").unsubscribe(SubscriptionArn=arn)
    assert foreign.value.response["Error"]["Code"] == "AuthorizationError"
    sns.unsubscribe(SubscriptionArn=arn)
    assert control.get("/_sandbox/subscriptions")["subscriptions"] == []
    with pytest.raises(ClientError) as gone:
        sns.unsubscribe(SubscriptionArn=arn)
    assert gone.value.response["Error"]["Code"] == "NotFound"
