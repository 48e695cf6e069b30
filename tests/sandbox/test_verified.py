"""The SMS sandbox account tier and verified destination numbers."""

from __future__ import annotations

import pytest

SIM = dict(
    IsoCountryCode="US",
    MessageType="TRANSACTIONAL",
    NumberCapabilities=["SMS"],
    NumberType="SIMULATOR",
)
GB = dict(
    IsoCountryCode="GB",
    MessageType="TRANSACTIONAL",
    NumberCapabilities=["SMS"],
    NumberType="LONG_CODE",
)
CUSTOMER = "+447700900123"


def test_sandbox_tier_sends_only_to_verified_numbers(client, control, app):
    control.call("PATCH", "/_sandbox/config", {"account_tier": "SANDBOX"})
    try:
        attributes = client.describe_account_attributes()["AccountAttributes"]
        assert attributes == [{"Name": "ACCOUNT_TIER", "Value": "SANDBOX"}]
        sim = client.request_phone_number(**SIM)
        client.send_text_message(
            DestinationPhoneNumber="+14254147755",
            MessageBody="Hi",
            OriginationIdentity=sim["PhoneNumberId"],
        )
        origin = client.request_phone_number(**GB)["PhoneNumberId"]
        with pytest.raises(client.exceptions.ConflictException) as err:
            client.send_text_message(
                DestinationPhoneNumber=CUSTOMER, MessageBody="Hi", OriginationIdentity=origin
            )
        assert err.value.response["Reason"] == "DESTINATION_PHONE_NUMBER_NOT_VERIFIED"
        made = client.create_verified_destination_number(DestinationPhoneNumber=CUSTOMER)
        vid = made["VerifiedDestinationNumberId"]
        assert made["Status"] == "PENDING"
        with pytest.raises(client.exceptions.ConflictException) as err:
            client.create_verified_destination_number(DestinationPhoneNumber=CUSTOMER)
        assert err.value.response["Reason"] == "RESOURCE_ALREADY_EXISTS"
        with pytest.raises(client.exceptions.ValidationException) as err:
            client.verify_destination_number(
                VerifiedDestinationNumberId=vid, VerificationCode="000000"
            )
        assert err.value.response["Reason"] == "VERIFICATION_CODE_MISMATCH"
        sent = client.send_destination_number_verification_code(
            VerifiedDestinationNumberId=vid, VerificationChannel="TEXT"
        )
        message = next(
            m
            for m in control.get("/_sandbox/messages")["messages"]
            if m["MessageId"] == sent["MessageId"]
        )
        code = message["VerificationCode"]
        assert message["MessageBody"] == f"Your verification code is {code}"
        verified = client.verify_destination_number(
            VerifiedDestinationNumberId=vid, VerificationCode=code
        )
        assert verified["Status"] == "VERIFIED"
        with pytest.raises(client.exceptions.ConflictException) as err:
            client.verify_destination_number(VerifiedDestinationNumberId=vid, VerificationCode=code)
        assert err.value.response["Reason"] == "VERIFICATION_ALREADY_COMPLETE"
        client.send_text_message(
            DestinationPhoneNumber=CUSTOMER, MessageBody="Hi", OriginationIdentity=origin
        )
        listed = client.describe_verified_destination_numbers(
            Filters=[{"Name": "status", "Values": ["VERIFIED"]}]
        )["VerifiedDestinationNumbers"]
        assert [v["DestinationPhoneNumber"] for v in listed] == [CUSTOMER]
        # AWS: a number can be deleted only 24 hours after it was added.
        with pytest.raises(client.exceptions.ConflictException) as err:
            client.delete_verified_destination_number(VerifiedDestinationNumberId=vid)
        assert err.value.response["Reason"] == "RESOURCE_DELETION_NOT_ALLOWED"
        assert "24 hours" in err.value.response["Message"]
        with app.store.lock:  # a day passes
            app.store.get("verified-destination-number", "123456789012", vid)[
                "CreatedTimestamp"
            ] -= 24 * 3600
        client.delete_verified_destination_number(VerifiedDestinationNumberId=vid)
        assert client.describe_verified_destination_numbers()["VerifiedDestinationNumbers"] == []
        for i in range(10):
            client.create_verified_destination_number(DestinationPhoneNumber=f"+4477009001{i:02d}")
        with pytest.raises(client.exceptions.ServiceQuotaExceededException) as err:
            client.create_verified_destination_number(DestinationPhoneNumber="+447700900199")
        assert err.value.response["Reason"] == "VERIFIED_DESTINATION_NUMBERS_PER_ACCOUNT"
    finally:
        app.settings.account_tier = "PRODUCTION"
