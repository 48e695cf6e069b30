"""The account tier per account, the SMS sandbox tier's $1.00 spend limit, what a verification
code needs, and STS AssumeRole into another account (seed 001, "SMS sandbox")."""

from __future__ import annotations

import boto3
import pytest

from tests.sandbox.conftest import make_client

ROLE = "arn:aws:iam::210987654321:role/sms-portal"


def _sts(base_url: str):
    return boto3.client(
        "sts",
        endpoint_url=base_url,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )


def _assumed(base_url: str, external_id: str):
    credentials = _sts(base_url).assume_role(
        RoleArn=ROLE, RoleSessionName="sms-portal", ExternalId=external_id
    )["Credentials"]
    return boto3.client(
        "pinpoint-sms-voice-v2",
        endpoint_url=base_url,
        region_name="us-east-1",
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def test_assume_role_needs_the_declared_role_and_its_external_id(control, base_url):
    sts = _sts(base_url)
    with pytest.raises(sts.exceptions.ClientError) as err:
        sts.assume_role(RoleArn=ROLE, RoleSessionName="sess", ExternalId="abc")
    assert err.value.response["Error"]["Code"] == "AccessDenied"
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    status, declared = control.call(
        "PUT", "/_sandbox/roles", {"RoleArn": ROLE, "ExternalId": "right-id"}
    )
    assert (status, declared["Account"], declared["AccountTier"]) == (
        200,
        "210987654321",
        "SANDBOX",
    )
    with pytest.raises(sts.exceptions.ClientError) as err:
        sts.assume_role(RoleArn=ROLE, RoleSessionName="sess", ExternalId="wrong-id")
    assert err.value.response["Error"]["Code"] == "AccessDenied"
    answer = sts.assume_role(RoleArn=ROLE, RoleSessionName="sess", ExternalId="right-id")
    assert answer["AssumedRoleUser"]["Arn"] == (
        "arn:aws:sts::210987654321:assumed-role/sms-portal/sess"
    )
    assert answer["Credentials"]["AccessKeyId"].startswith("ASIA")


def test_an_assumed_role_acts_in_its_own_account_which_starts_in_the_sandbox_tier(
    control, base_url, client
):
    control.call("PUT", "/_sandbox/roles", {"RoleArn": ROLE, "ExternalId": "ext-e"})
    tenant_client = _assumed(base_url, "ext-e")
    tenant_client.create_configuration_set(ConfigurationSetName="only-here")
    names = [
        c["ConfigurationSetName"]
        for c in tenant_client.describe_configuration_sets()["ConfigurationSets"]
    ]
    assert names == ["only-here"]
    assert client.describe_configuration_sets()["ConfigurationSets"] == []
    assert tenant_client.describe_account_attributes()["AccountAttributes"] == [
        {"Name": "ACCOUNT_TIER", "Value": "SANDBOX"}
    ]
    assert client.describe_account_attributes()["AccountAttributes"] == [
        {"Name": "ACCOUNT_TIER", "Value": "PRODUCTION"}
    ]
    text = tenant_client.describe_spend_limits()["SpendLimits"][0]
    assert text == {
        "Name": "TEXT_MESSAGE_MONTHLY_SPEND_LIMIT",
        "EnforcedLimit": 1,
        "MaxLimit": 1,
        "Overridden": False,
    }
    with pytest.raises(tenant_client.exceptions.ValidationException) as err:
        tenant_client.set_text_message_spend_limit_override(MonthlyLimit=2)
    assert err.value.response["Reason"] == "REQUESTED_SPEND_LIMIT_HIGHER_THAN_SERVICE_LIMIT"
    status, body = control.call(
        "PATCH", "/_sandbox/accounts/210987654321", {"account_tier": "PRODUCTION"}
    )
    assert (status, body["account_tier"]) == (200, "PRODUCTION")
    assert tenant_client.describe_spend_limits()["SpendLimits"][0]["MaxLimit"] == 100
    status, body = control.call("PATCH", "/_sandbox/accounts/210987654321", {"account_tier": "x"})
    assert status == 400


def test_the_sandbox_tier_stops_sending_at_one_dollar(control, base_url):
    control.call("PATCH", "/_sandbox/accounts/111111111111", {"account_tier": "SANDBOX"})
    own = make_client(base_url, key="111111111111")
    sim = own.request_phone_number(
        IsoCountryCode="US",
        MessageType="TRANSACTIONAL",
        NumberCapabilities=["SMS"],
        NumberType="SIMULATOR",
    )["PhoneNumberId"]
    sent = 0
    with pytest.raises(own.exceptions.ServiceQuotaExceededException) as err:
        for _ in range(1000):
            own.send_text_message(
                DestinationPhoneNumber="+14254147755", MessageBody="Hi", OriginationIdentity=sim
            )
            sent += 1
    assert err.value.response["Reason"] == "MONTHLY_SPEND_LIMIT_REACHED_FOR_TEXT"
    assert 0 < sent < 1000


def test_a_verification_code_needs_an_active_number_of_the_destination_country(control, client):
    vid = client.create_verified_destination_number(DestinationPhoneNumber="+12065550142")[
        "VerifiedDestinationNumberId"
    ]
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.send_destination_number_verification_code(
            VerifiedDestinationNumberId=vid, VerificationChannel="TEXT"
        )
    assert err.value.response["Reason"] == "NO_ORIGINATION_IDENTITIES_FOUND"
    client.request_phone_number(
        IsoCountryCode="US",
        MessageType="TRANSACTIONAL",
        NumberCapabilities=["SMS"],
        NumberType="SIMULATOR",
    )
    sent = client.send_destination_number_verification_code(
        VerifiedDestinationNumberId=vid, VerificationChannel="TEXT"
    )
    assert sent["MessageId"]


def test_a_temporary_key_the_sandbox_did_not_issue_is_refused(control, base_url):
    control.call("PUT", "/_sandbox/roles", {"RoleArn": ROLE, "ExternalId": "ext-e"})
    tenant_client = _assumed(base_url, "ext-e")
    assert tenant_client.describe_account_attributes()["AccountAttributes"]
    control.call("POST", "/_sandbox/reset")  # forgets the credentials it issued
    with pytest.raises(tenant_client.exceptions.ClientError) as err:
        tenant_client.describe_account_attributes()
    assert err.value.response["Error"]["Code"] == "UnrecognizedClientException"
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
