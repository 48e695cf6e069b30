"""Wire protocol: targets, errors as botocore parses them, and model-driven validation."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.sandbox.conftest import make_client


def raw_call(base_url: str, target: str | None, body: bytes):
    headers = {"Content-Type": "application/x-amz-json-1.0"}
    if target is not None:
        headers["X-Amz-Target"] = target
    request = urllib.request.Request(base_url + "/", data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request) as answer:
            return answer.status, dict(answer.headers), json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), json.loads(exc.read())


def test_unknown_operation_answers_like_aws(base_url):
    status, headers, body = raw_call(base_url, "PinpointSMSVoiceV2.MakeCoffee", b"{}")
    assert status == 400
    assert body["__type"] == "UnknownOperationException"
    assert headers["x-amzn-ErrorType"] == "UnknownOperationException"
    status, _, body = raw_call(base_url, None, b"{}")
    assert (status, body["__type"]) == (400, "UnknownOperationException")


def test_bad_json_is_a_serialization_error(base_url):
    status, _, body = raw_call(base_url, "PinpointSMSVoiceV2.DescribeRegistrations", b"{nope")
    assert (status, body["__type"]) == (400, "SerializationException")
    status, _, body = raw_call(base_url, "PinpointSMSVoiceV2.DescribeRegistrations", b"[1]")
    assert (status, body["__type"]) == (400, "SerializationException")


def test_success_headers(base_url):
    status, headers, body = raw_call(base_url, "PinpointSMSVoiceV2.DescribeRegistrations", b"")
    assert status == 200
    assert headers["Content-Type"] == "application/x-amz-json-1.0"
    assert len(headers["x-amzn-RequestId"]) == 36
    assert body == {"Registrations": []}


def test_missing_required_member_sent_raw(base_url):
    status, _, body = raw_call(base_url, "PinpointSMSVoiceV2.CreateRegistration", b"{}")
    assert status == 400
    assert body["__type"] == "ValidationException"
    assert body["Reason"] == "MISSING_PARAMETER"
    assert body["Fields"] == [{"Name": "registrationType", "Message": "Member must not be null"}]


def test_errors_reach_boto3_with_reason_and_fields(client):
    with pytest.raises(client.exceptions.ValidationException) as err:
        client.create_registration(RegistrationType="bad-type!")
    response = err.value.response
    assert response["Reason"] == "INVALID_PARAMETER"
    assert response["Fields"] == [
        {
            "Name": "registrationType",
            "Message": "Member must satisfy regular expression pattern: [A-Za-z0-9_]+",
        }
    ]
    assert response["Error"]["Code"] == "ValidationException"
    assert response["Message"].startswith("1 validation error detected")
    assert len(response["ResponseMetadata"]["RequestId"]) == 36


@pytest.mark.parametrize(
    ("call", "kwargs", "message"),
    [
        (
            "create_registration",
            {"RegistrationType": "X" * 65},
            "Member must have length less than or equal to 64",
        ),
        (
            "describe_registrations",
            {"MaxResults": 101},
            "Member must have value less than or equal to 100",
        ),
        (
            "describe_registrations",
            {"Filters": [{"Name": "colour", "Values": ["red"]}]},
            "Member must satisfy enum value set: [registration-type, registration-status]",
        ),
        (
            "request_phone_number",
            {
                "IsoCountryCode": "us",
                "MessageType": "TRANSACTIONAL",
                "NumberCapabilities": ["SMS"],
                "NumberType": "TOLL_FREE",
            },
            "Member must satisfy regular expression pattern: [A-Z]{2}",
        ),
        (
            "request_phone_number",
            {
                "IsoCountryCode": "US",
                "MessageType": "BULK",
                "NumberCapabilities": ["SMS"],
                "NumberType": "TOLL_FREE",
            },
            "Member must satisfy enum value set: [TRANSACTIONAL, PROMOTIONAL]",
        ),
        (
            "send_text_message",
            {"DestinationPhoneNumber": "+1425abc"},
            "Member must satisfy regular expression pattern: \\+?[1-9][0-9]{1,18}",
        ),
        (
            "describe_registrations",
            {"RegistrationIds": ["a", "b", "c", "d", "e", "f"]},
            "Member must have length less than or equal to 5",
        ),
        (
            "send_text_message",
            {"DestinationPhoneNumber": "+14254147755", "TimeToLive": 259201},
            "Member must have value less than or equal to 259200",
        ),
    ],
)
def test_model_constraints_botocore_does_not_check(client, call, kwargs, message):
    with pytest.raises(client.exceptions.ValidationException) as err:
        getattr(client, call)(**kwargs)
    assert [f["Message"] for f in err.value.response["Fields"]] == [message]
    assert err.value.response["Reason"] == "INVALID_PARAMETER"


def test_operation_outside_the_emulation(client):
    with pytest.raises(client.exceptions.ValidationException) as err:
        client.describe_rcs_agents()
    assert err.value.response["Reason"] == "UNKNOWN_OPERATION"


def test_not_found_error_shape(client):
    with pytest.raises(client.exceptions.ResourceNotFoundException) as err:
        client.describe_registrations(RegistrationIds=["registration-" + "0" * 32])
    assert err.value.response["ResourceType"] == "registration"
    assert err.value.response["ResourceId"] == "registration-" + "0" * 32


def test_accounts_and_regions_are_isolated(base_url):
    one = make_client(base_url, key="111111111111")
    two = make_client(base_url, key="222222222222", region="eu-west-1")
    reg = one.create_registration(RegistrationType="US_TOLL_FREE_REGISTRATION")
    assert reg["RegistrationArn"].startswith(
        "arn:aws:sms-voice:us-east-1:111111111111:registration/registration-"
    )
    assert len(reg["RegistrationId"]) == len("registration-") + 32
    assert two.describe_registrations()["Registrations"] == []
    other = two.create_registration(RegistrationType="US_TOLL_FREE_REGISTRATION")
    assert other["RegistrationArn"].startswith("arn:aws:sms-voice:eu-west-1:222222222222:")


def test_client_token_replays_return_the_first_result(client):
    first = client.create_registration(
        RegistrationType="US_TOLL_FREE_REGISTRATION", ClientToken="tok-1"
    )
    again = client.create_registration(
        RegistrationType="US_TOLL_FREE_REGISTRATION", ClientToken="tok-1"
    )
    other = client.create_registration(
        RegistrationType="US_TOLL_FREE_REGISTRATION", ClientToken="tok-2"
    )
    assert again["RegistrationId"] == first["RegistrationId"]
    assert again["CreatedTimestamp"] == first["CreatedTimestamp"]
    assert other["RegistrationId"] != first["RegistrationId"]
    assert len(client.describe_registrations()["Registrations"]) == 2
    number = dict(
        IsoCountryCode="US",
        MessageType="TRANSACTIONAL",
        NumberCapabilities=["SMS"],
        NumberType="SIMULATOR",
        ClientToken="num-1",
    )
    assert (
        client.request_phone_number(**number)["PhoneNumberId"]
        == client.request_phone_number(**number)["PhoneNumberId"]
    )
    assert len(client.describe_phone_numbers()["PhoneNumbers"]) == 1


def test_timestamps_are_epoch_numbers_on_the_wire(base_url, client):
    client.create_registration(RegistrationType="US_TOLL_FREE_REGISTRATION")
    _, _, body = raw_call(base_url, "PinpointSMSVoiceV2.DescribeRegistrations", b"{}")
    assert isinstance(body["Registrations"][0]["CreatedTimestamp"], float)
