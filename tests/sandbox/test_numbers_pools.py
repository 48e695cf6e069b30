"""Phone numbers, sender IDs and pools."""

from __future__ import annotations

import pytest

from sandbox.server import start_in_thread, stop
from sandbox.settings import Settings, parse_limits
from tests.sandbox.conftest import make_client

LONG_CODE = dict(
    IsoCountryCode="GB",
    MessageType="TRANSACTIONAL",
    NumberCapabilities=["SMS"],
    NumberType="LONG_CODE",
)
SIMULATOR = dict(
    IsoCountryCode="US",
    MessageType="TRANSACTIONAL",
    NumberCapabilities=["SMS"],
    NumberType="SIMULATOR",
)


def _reason(err) -> str:
    return err.value.response["Reason"]


def test_request_describe_update_release_numbers(client):
    gb = client.request_phone_number(**LONG_CODE, Tags=[{"Key": "tenant", "Value": "a"}])
    assert (gb["Status"], gb["NumberType"], gb["IsoCountryCode"], gb["OptOutListName"]) == (
        "ACTIVE",
        "LONG_CODE",
        "GB",
        "Default",
    )
    assert gb["PhoneNumber"].startswith("+44")
    sim = client.request_phone_number(**SIMULATOR)
    found = client.describe_phone_numbers(Filters=[{"Name": "iso-country-code", "Values": ["GB"]}])[
        "PhoneNumbers"
    ]
    assert [n["PhoneNumberId"] for n in found] == [gb["PhoneNumberId"]]
    by_number = client.describe_phone_numbers(PhoneNumberIds=[sim["PhoneNumberArn"]])
    assert by_number["PhoneNumbers"][0]["PhoneNumberId"] == sim["PhoneNumberId"]
    assert client.describe_phone_numbers(Owner="SHARED")["PhoneNumbers"] == []
    assert len(client.describe_phone_numbers(Owner="SELF")["PhoneNumbers"]) == 2
    with pytest.raises(client.exceptions.ValidationException) as err:
        client.update_phone_number(PhoneNumberId=gb["PhoneNumberId"], TwoWayEnabled=True)
    assert _reason(err) == "TWO_WAY_CHANNEL_NOT_PRESENT"
    client.create_opt_out_list(OptOutListName="tenant-a")
    updated = client.update_phone_number(
        PhoneNumberId=gb["PhoneNumberArn"],
        TwoWayEnabled=True,
        TwoWayChannelArn="arn:aws:sns:us-east-1:123456789012:inbound",
        SelfManagedOptOutsEnabled=True,
        OptOutListName="tenant-a",
        DeletionProtectionEnabled=True,
    )
    assert (
        updated["TwoWayEnabled"],
        updated["SelfManagedOptOutsEnabled"],
        updated["OptOutListName"],
    ) == (True, True, "tenant-a")
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.release_phone_number(PhoneNumberId=gb["PhoneNumberId"])
    assert _reason(err) == "DELETION_PROTECTION_ENABLED"
    client.update_phone_number(PhoneNumberId=gb["PhoneNumberId"], DeletionProtectionEnabled=False)
    assert client.release_phone_number(PhoneNumberId=gb["PhoneNumberId"])["Status"] == "DELETED"
    with pytest.raises(client.exceptions.ResourceNotFoundException) as err:
        client.describe_phone_numbers(PhoneNumberIds=[gb["PhoneNumberId"]])
    assert err.value.response["ResourceType"] == "phone-number"
    with pytest.raises(client.exceptions.ValidationException) as err:
        client.request_phone_number(
            **{**SIMULATOR, "NumberType": "TOLL_FREE", "IsoCountryCode": "GB"}
        )
    assert _reason(err) == "INVALID_PARAMETER"
    with pytest.raises(client.exceptions.ResourceNotFoundException) as err:
        client.request_phone_number(**SIMULATOR, OptOutListName="missing")
    assert err.value.response["ResourceType"] == "opt-out-list"


def test_sender_ids(client):
    made = client.request_sender_id(
        SenderId="EXAMPLE", IsoCountryCode="GB", MessageTypes=["TRANSACTIONAL"]
    )
    assert (made["Registered"], made["MonthlyLeasingPrice"]) == (True, "0.00")
    assert made["SenderIdArn"].endswith(":sender-id/EXAMPLE/GB")
    india = client.request_sender_id(SenderId="EXMPLE", IsoCountryCode="IN")
    assert india["Registered"] is False
    # Registration required (the country table's note 1) vs a sender ID as it is (Germany).
    assert client.request_sender_id(SenderId="EXAMPLE", IsoCountryCode="AU")["Registered"] is False
    assert client.request_sender_id(SenderId="EXAMPLE", IsoCountryCode="DE")["Registered"] is True
    cases = [
        (
            dict(SenderId="EXAMPLE", IsoCountryCode="US"),
            "SENDER_ID_NOT_SUPPORTED",
            client.exceptions.ValidationException,
        ),
        (
            dict(SenderId="EXAMPLE", IsoCountryCode="GB"),
            "RESOURCE_ALREADY_EXISTS",
            client.exceptions.ConflictException,
        ),
        # RequestSenderId's documentation: "must contain at least one letter and cannot start
        # or end with a hyphen"; the user guide's country table: no sender IDs in Mexico, and
        # none in South Africa.
        (
            dict(SenderId="12345", IsoCountryCode="GB"),
            "INVALID_PARAMETER",
            client.exceptions.ValidationException,
        ),
        (
            dict(SenderId="-EXAMPLE", IsoCountryCode="GB"),
            "INVALID_PARAMETER",
            client.exceptions.ValidationException,
        ),
        (
            dict(SenderId="EXAMPLE-", IsoCountryCode="GB"),
            "INVALID_PARAMETER",
            client.exceptions.ValidationException,
        ),
        (
            dict(SenderId="EXAMPLE", IsoCountryCode="MX"),
            "SENDER_ID_NOT_SUPPORTED",
            client.exceptions.ValidationException,
        ),
        (
            dict(SenderId="EXAMPLE", IsoCountryCode="ZA"),
            "SENDER_ID_NOT_SUPPORTED",
            client.exceptions.ValidationException,
        ),
    ]
    for kwargs, reason, error in cases:
        with pytest.raises(error) as err:
            client.request_sender_id(**kwargs)
        assert _reason(err) == reason
    unregistered = client.describe_sender_ids(
        Filters=[{"Name": "registered", "Values": ["false"]}]
    )["SenderIds"]
    assert sorted((s["SenderId"], s["IsoCountryCode"]) for s in unregistered) == [
        ("EXAMPLE", "AU"),
        ("EXMPLE", "IN"),
    ]
    one = client.describe_sender_ids(SenderIds=[{"SenderId": "EXAMPLE", "IsoCountryCode": "GB"}])
    assert one["SenderIds"][0]["SenderId"] == "EXAMPLE"
    client.update_sender_id(SenderId="EXAMPLE", IsoCountryCode="GB", DeletionProtectionEnabled=True)
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.release_sender_id(SenderId="EXAMPLE", IsoCountryCode="GB")
    assert _reason(err) == "DELETION_PROTECTION_ENABLED"
    released = client.release_sender_id(SenderId="EXMPLE", IsoCountryCode="IN")
    assert released["SenderId"] == "EXMPLE"
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_sender_ids(SenderIds=[{"SenderId": "EXMPLE", "IsoCountryCode": "IN"}])


def test_pools(client):
    first = client.request_phone_number(**SIMULATOR)
    second = client.request_phone_number(**SIMULATOR)
    client.create_opt_out_list(OptOutListName="tenant-a")
    pool = client.create_pool(
        OriginationIdentity=first["PhoneNumberArn"],
        IsoCountryCode="US",
        MessageType="TRANSACTIONAL",
    )
    assert pool["Status"] == "CREATING"
    assert pool["SharedRoutesEnabled"] is False
    pid = pool["PoolId"]
    assert client.describe_pools(PoolIds=[pid])["Pools"][0]["Status"] == "ACTIVE"
    updated = client.update_pool(
        PoolId=pid,
        OptOutListName="tenant-a",
        SelfManagedOptOutsEnabled=True,
        DeletionProtectionEnabled=True,
    )
    assert (updated["OptOutListName"], updated["SelfManagedOptOutsEnabled"]) == ("tenant-a", True)
    # AssociateOriginationIdentity: "If the origination identity configuration doesn't match
    # the pool's configuration, an error is returned."
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.associate_origination_identity(
            PoolId=pid, IsoCountryCode="US", OriginationIdentity=second["PhoneNumberId"]
        )
    assert _reason(err) == "OPT_OUT_LIST_MISMATCH"
    client.update_phone_number(PhoneNumberId=second["PhoneNumberId"], OptOutListName="tenant-a")
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.associate_origination_identity(
            PoolId=pid, IsoCountryCode="US", OriginationIdentity=second["PhoneNumberId"]
        )
    assert _reason(err) == "SELF_MANAGED_OPT_OUTS_MISMATCH"
    client.update_phone_number(
        PhoneNumberId=second["PhoneNumberId"], SelfManagedOptOutsEnabled=True
    )
    added = client.associate_origination_identity(
        PoolId=pid, IsoCountryCode="US", OriginationIdentity=second["PhoneNumberId"]
    )
    assert added["OriginationIdentity"] == second["PhoneNumberId"]
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.associate_origination_identity(
            PoolId=pid, IsoCountryCode="US", OriginationIdentity=second["PhoneNumberId"]
        )
    assert _reason(err) == "PHONE_NUMBER_ASSOCIATED_TO_POOL"
    # UpdatePhoneNumber: "If the origination phone number is associated with a pool, an error
    # is returned."
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.update_phone_number(PhoneNumberId=second["PhoneNumberId"], TwoWayEnabled=False)
    assert _reason(err) == "PHONE_NUMBER_ASSOCIATED_TO_POOL"
    listed = client.list_pool_origination_identities(PoolId=pid)
    assert sorted(i["PhoneNumber"] for i in listed["OriginationIdentities"]) == sorted(
        [first["PhoneNumber"], second["PhoneNumber"]]
    )
    assert (
        client.describe_phone_numbers(PhoneNumberIds=[second["PhoneNumberId"]])["PhoneNumbers"][0][
            "PoolId"
        ]
        == pid
    )
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.release_phone_number(PhoneNumberId=second["PhoneNumberId"])
    assert _reason(err) == "PHONE_NUMBER_ASSOCIATED_TO_POOL"
    client.disassociate_origination_identity(
        PoolId=pid, IsoCountryCode="US", OriginationIdentity=second["PhoneNumberId"]
    )
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.disassociate_origination_identity(
            PoolId=pid, IsoCountryCode="US", OriginationIdentity=first["PhoneNumberId"]
        )
    assert _reason(err) == "LAST_PHONE_NUMBER"
    filtered = client.describe_pools(
        Filters=[{"Name": "opt-out-list-name", "Values": ["tenant-a"]}]
    )["Pools"]
    assert [p["PoolId"] for p in filtered] == [pid]
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.delete_pool(PoolId=pid)
    assert _reason(err) == "DELETION_PROTECTION_ENABLED"
    client.update_pool(PoolId=pid, DeletionProtectionEnabled=False)
    assert client.delete_pool(PoolId=pool["PoolArn"])["Status"] == "DELETING"
    assert client.describe_pools()["Pools"] == []
    assert (
        "PoolId"
        not in client.describe_phone_numbers(PhoneNumberIds=[first["PhoneNumberId"]])[
            "PhoneNumbers"
        ][0]
    )
    sender = client.request_sender_id(SenderId="EXAMPLE", IsoCountryCode="GB")
    sender_pool = client.create_pool(
        OriginationIdentity=sender["SenderIdArn"], IsoCountryCode="GB", MessageType="TRANSACTIONAL"
    )
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.release_sender_id(SenderId="EXAMPLE", IsoCountryCode="GB")
    assert _reason(err) == "SENDER_ID_ASSOCIATED_TO_POOL"
    assert (
        client.list_pool_origination_identities(PoolId=sender_pool["PoolId"])[
            "OriginationIdentities"
        ][0]["OriginationIdentity"]
        == "EXAMPLE"
    )


def test_account_limits_are_enforced_and_reported():
    settings = Settings(port=0, quotas=False, limits=parse_limits("PHONE_NUMBERS=2,POOLS=1"))
    server, app, _ = start_in_thread(settings)
    try:
        client = make_client(settings.base_url)
        client.request_phone_number(**SIMULATOR)
        client.request_phone_number(**SIMULATOR)
        with pytest.raises(client.exceptions.ServiceQuotaExceededException) as err:
            client.request_phone_number(**SIMULATOR)
        assert _reason(err) == "PHONE_NUMBERS_PER_ACCOUNT"
        limits = {
            item["Name"]: (item["Used"], item["Max"])
            for item in client.describe_account_limits()["AccountLimits"]
        }
        assert limits["PHONE_NUMBERS"] == (2, 2)
        assert limits["POOLS"] == (0, 1)
        assert limits["REGISTRATIONS"] == (0, 100)
    finally:
        stop(server, app)


def test_pool_rules_from_the_operation_documentation(client):
    """CreatePool inherits the identity's opt-out list and keywords; a sender ID may sit in
    several pools while a phone number sits in one."""
    client.create_opt_out_list(OptOutListName="tenant-b")
    number = client.request_phone_number(
        IsoCountryCode="US",
        MessageType="TRANSACTIONAL",
        NumberCapabilities=["SMS"],
        NumberType="SIMULATOR",
        OptOutListName="tenant-b",
    )
    client.put_keyword(
        OriginationIdentity=number["PhoneNumberId"],
        Keyword="HELP",
        KeywordMessage="Example Corp: help at example.com. Reply STOP to cancel.",
    )
    pool = client.create_pool(
        OriginationIdentity=number["PhoneNumberId"],
        IsoCountryCode="US",
        MessageType="TRANSACTIONAL",
    )
    assert pool["OptOutListName"] == "tenant-b"
    help_ = client.describe_keywords(OriginationIdentity=pool["PoolId"], Keywords=["HELP"])
    assert help_["Keywords"][0]["KeywordMessage"] == (
        "Example Corp: help at example.com. Reply STOP to cancel."
    )
    client.request_sender_id(SenderId="EXAMPLE", IsoCountryCode="GB")
    first = client.create_pool(
        OriginationIdentity="EXAMPLE", IsoCountryCode="GB", MessageType="TRANSACTIONAL"
    )
    second = client.create_pool(
        OriginationIdentity="EXAMPLE", IsoCountryCode="GB", MessageType="TRANSACTIONAL"
    )
    for pid in (first["PoolId"], second["PoolId"]):
        listed = client.list_pool_origination_identities(PoolId=pid)["OriginationIdentities"]
        assert [i["OriginationIdentity"] for i in listed] == ["EXAMPLE"]
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.associate_origination_identity(
            PoolId=first["PoolId"], OriginationIdentity="EXAMPLE", IsoCountryCode="GB"
        )
    assert _reason(err) == "SENDER_ID_ASSOCIATED_TO_POOL"


def test_pool_two_way_needs_a_channel(client):
    number = client.request_phone_number(
        IsoCountryCode="US",
        MessageType="TRANSACTIONAL",
        NumberCapabilities=["SMS"],
        NumberType="SIMULATOR",
    )
    pool = client.create_pool(
        OriginationIdentity=number["PhoneNumberId"],
        IsoCountryCode="US",
        MessageType="TRANSACTIONAL",
    )["PoolId"]
    with pytest.raises(client.exceptions.ValidationException) as err:
        client.update_pool(PoolId=pool, TwoWayEnabled=True)
    assert err.value.response["Reason"] == "TWO_WAY_CHANNEL_NOT_PRESENT"
    topic = "arn:aws:sns:us-east-1:123456789012:inbound"
    updated = client.update_pool(PoolId=pool, TwoWayEnabled=True, TwoWayChannelArn=topic)
    assert (updated["TwoWayEnabled"], updated["TwoWayChannelArn"]) == (True, topic)
