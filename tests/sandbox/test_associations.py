"""Registration associations and what approval provisions, per association behaviour."""

from __future__ import annotations

import pytest

from tests.sandbox import forms

TEN_DLC = dict(
    IsoCountryCode="US",
    MessageType="TRANSACTIONAL",
    NumberCapabilities=["SMS"],
    NumberType="TEN_DLC",
)
TOLL_FREE = {**TEN_DLC, "NumberType": "TOLL_FREE"}


def _reason(err) -> str:
    return err.value.response["Reason"]


def test_campaign_needs_a_complete_brand_before_submit(client, control):
    campaign = client.create_registration(RegistrationType="US_TEN_DLC_CAMPAIGN_REGISTRATION")
    cid = campaign["RegistrationId"]
    forms.fill(client, cid, forms.CAMPAIGN_GOOD)
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.submit_registration_version(RegistrationId=cid)
    assert _reason(err) == "SUBMIT_REGISTRATION_VERSION_NOT_ALLOWED"
    control.call("PATCH", "/_sandbox/config", {"review_mode": "manual"})
    brand = forms.approved_brand(client)
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.create_registration_association(RegistrationId=cid, ResourceId=brand)
    assert _reason(err) == "REGISTRATION_NOT_COMPLETE"
    control.post(f"/_sandbox/registrations/{brand}/versions/1/approve")
    control.call("PATCH", "/_sandbox/config", {"review_mode": "auto"})
    assoc = client.create_registration_association(RegistrationId=cid, ResourceId=brand)
    assert (assoc["ResourceType"], assoc["ResourceId"], assoc["RegistrationType"]) == (
        "US_TEN_DLC_BRAND_REGISTRATION",
        brand,
        "US_TEN_DLC_CAMPAIGN_REGISTRATION",
    )
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.create_registration_association(RegistrationId=cid, ResourceId=brand)
    assert _reason(err) == "RESOURCE_ALREADY_ASSOCIATED"
    client.submit_registration_version(RegistrationId=cid)
    reg = client.describe_registrations(RegistrationIds=[cid])["Registrations"][0]
    assert reg["RegistrationStatus"] == "COMPLETE"


def test_campaign_samples_are_checked_against_the_brand(client):
    brand = forms.approved_brand(client)
    cid = client.create_registration(RegistrationType="US_TEN_DLC_CAMPAIGN_REGISTRATION")[
        "RegistrationId"
    ]
    client.create_registration_association(RegistrationId=cid, ResourceId=brand)
    forms.fill(
        client,
        cid,
        {
            **forms.CAMPAIGN_GOOD,
            "messageSamples.messageSample1": "Your order shipped! Track it at www.shipfast.com/t/1",
        },
    )
    client.submit_registration_version(RegistrationId=cid)
    version = client.describe_registration_versions(RegistrationId=cid)["RegistrationVersions"][0]
    assert sorted(r["Reason"] for r in version["DeniedReasons"]) == [
        "Campaign Attributes don't match the website, sample message content, or both.",
        "Company and message samples are inconsistent or missing message samples.",
        "Use case and message samples are inconsistent.",
    ]
    fields = {
        v["FieldPath"]: v.get("DeniedReason")
        for v in client.describe_registration_field_values(RegistrationId=cid)[
            "RegistrationFieldValues"
        ]
    }
    assert fields["campaignUseCase.embeddedLink"] == "ATTESTATION_MISMATCH"
    assert fields["messageSamples.messageSample1"] == "SAMPLE_MISSING_BRAND_NAME"


def test_ten_dlc_numbers_after_the_campaign_is_complete(client):
    brand = forms.approved_brand(client)
    cid = client.create_registration(RegistrationType="US_TEN_DLC_CAMPAIGN_REGISTRATION")[
        "RegistrationId"
    ]
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.request_phone_number(**TEN_DLC, RegistrationId=cid)
    assert _reason(err) == "REGISTRATION_NOT_COMPLETE"
    assert client.describe_phone_numbers()["PhoneNumbers"] == []
    client.create_registration_association(RegistrationId=cid, ResourceId=brand)
    forms.fill(client, cid, forms.CAMPAIGN_GOOD)
    client.submit_registration_version(RegistrationId=cid)
    number = client.request_phone_number(**TEN_DLC, RegistrationId=cid)
    assert (number["Status"], number["RegistrationId"]) == ("ACTIVE", cid)
    loose = client.request_phone_number(**TEN_DLC)
    assert loose["Status"] == "PENDING"
    client.create_registration_association(RegistrationId=cid, ResourceId=loose["PhoneNumberArn"])
    assert (
        client.describe_phone_numbers(PhoneNumberIds=[loose["PhoneNumberId"]])["PhoneNumbers"][0][
            "Status"
        ]
        == "ACTIVE"
    )
    listed = client.list_registration_associations(
        RegistrationId=cid, Filters=[{"Name": "resource-type", "Values": ["TEN_DLC"]}]
    )
    assert sorted(a["PhoneNumber"] for a in listed["RegistrationAssociations"]) == sorted(
        [number["PhoneNumber"], loose["PhoneNumber"]]
    )
    assert listed["RegistrationType"] == "US_TEN_DLC_CAMPAIGN_REGISTRATION"
    released = client.release_phone_number(PhoneNumberId=loose["PhoneNumberId"])
    assert released["Status"] == "DELETED"
    assert (
        len(client.list_registration_associations(RegistrationId=cid)["RegistrationAssociations"])
        == 2
    )  # brand + remaining number


def test_association_rules(client, control):
    rid = client.create_registration(RegistrationType="US_TOLL_FREE_REGISTRATION")["RegistrationId"]
    ten_dlc = client.request_phone_number(**TEN_DLC)
    with pytest.raises(client.exceptions.ValidationException) as err:
        client.create_registration_association(
            RegistrationId=rid, ResourceId=ten_dlc["PhoneNumberId"]
        )
    assert _reason(err) == "INVALID_REGISTRATION_ASSOCIATION"
    first = client.request_phone_number(**TOLL_FREE, RegistrationId=rid)
    with pytest.raises(client.exceptions.ServiceQuotaExceededException) as err:
        client.request_phone_number(**TOLL_FREE, RegistrationId=rid)
    assert _reason(err) == "ASSOCIATIONS_PER_REGISTRATION"
    assert len(client.describe_phone_numbers()["PhoneNumbers"]) == 2
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.create_registration_association(RegistrationId=rid, ResourceId="phone-" + "0" * 32)
    control.call("PATCH", "/_sandbox/config", {"review_mode": "manual"})
    forms.fill(client, rid, forms.TFN_GOOD)
    image = client.create_registration_attachment(AttachmentBody=forms.PNG)
    forms.fill(client, rid, {}, {"messagingUseCase.optInImage": image["RegistrationAttachmentId"]})
    client.submit_registration_version(RegistrationId=rid)
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.release_phone_number(PhoneNumberId=first["PhoneNumberId"])
    assert _reason(err) == "DISASSOCIATE_REGISTRATION_NOT_ALLOWED"
    other = client.request_phone_number(**TOLL_FREE)
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.create_registration_association(
            RegistrationId=rid, ResourceId=other["PhoneNumberId"]
        )
    assert _reason(err) == "REGISTRATION_ALREADY_SUBMITTED"


def test_releasing_the_toll_free_number_closes_the_registration(client, control):
    made = forms.tfn_registration(client)
    rid = made["id"]
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.delete_registration(RegistrationId=rid)
    assert _reason(err) == "RESOURCE_DELETION_NOT_ALLOWED"
    client.submit_registration_version(RegistrationId=rid)
    client.release_phone_number(PhoneNumberId=made["number"]["PhoneNumberId"])
    reg = client.describe_registrations(RegistrationIds=[rid])["Registrations"][0]
    assert reg["RegistrationStatus"] == "CLOSED"
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.create_registration_version(RegistrationId=rid)
    assert _reason(err) == "CREATE_REGISTRATION_VERSION_NOT_ALLOWED"
    assert client.delete_registration(RegistrationId=rid)["RegistrationStatus"] == "DELETED"


def test_deleting_a_campaign_frees_its_brand_association(client):
    brand = forms.approved_brand(client)
    cid = client.create_registration(RegistrationType="US_TEN_DLC_BRAND_VETTING")["RegistrationId"]
    client.create_registration_association(RegistrationId=cid, ResourceId=brand)
    client.submit_registration_version(RegistrationId=cid)  # vetting has no fields
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.delete_registration(RegistrationId=brand)
    assert _reason(err) == "RESOURCE_DELETION_NOT_ALLOWED"
    assert (
        client.describe_registrations(RegistrationIds=[cid])["Registrations"][0][
            "RegistrationStatus"
        ]
        == "COMPLETE"
    )
    assert client.delete_registration(RegistrationId=cid)["RegistrationStatus"] == "DELETED"
    assert client.delete_registration(RegistrationId=brand)["RegistrationStatus"] == "DELETED"


def test_sender_id_registration_provisions_a_registered_sender_id(client):
    rid = client.create_registration(RegistrationType="IN_SENDER_ID_REGISTRATION")["RegistrationId"]
    forms.fill(client, rid, forms.IN_SENDER_ID_GOOD)
    client.submit_registration_version(RegistrationId=rid)
    sender = client.describe_sender_ids(Filters=[{"Name": "registered", "Values": ["true"]}])[
        "SenderIds"
    ]
    assert [(s["SenderId"], s["IsoCountryCode"], s["RegistrationId"]) for s in sender] == [
        ("EXMPLE", "IN", rid)
    ]
    assoc = client.list_registration_associations(RegistrationId=rid)["RegistrationAssociations"]
    assert [(a["ResourceType"], a["ResourceId"]) for a in assoc] == [("SENDER_ID", "EXMPLE")]


def test_generic_sender_id_is_denied(client):
    rid = client.create_registration(RegistrationType="GB_SENDER_ID_REGISTRATION")["RegistrationId"]
    forms.fill(
        client,
        rid,
        {
            "companyInfo.companyName": "Example Corp",
            "messagingUseCase.monthlyMessageVolume": ["100"],
        },
    )
    client.submit_registration_version(RegistrationId=rid)
    assert (
        client.describe_registrations(RegistrationIds=[rid])["Registrations"][0][
            "RegistrationStatus"
        ]
        == "COMPLETE"
    )
    rid2 = client.create_registration(RegistrationType="ID_SENDER_ID_REGISTRATION")[
        "RegistrationId"
    ]
    client.put_registration_field_value(
        RegistrationId=rid2, FieldPath="senderIdInfo.senderId", TextValue="OTP"
    )
    client.submit_registration_version(RegistrationId=rid2)
    version = client.describe_registration_versions(RegistrationId=rid2)["RegistrationVersions"][0]
    assert version["DeniedReasons"][0]["Reason"] == "Missing required field"


def test_ten_dlc_number_waits_pending_then_associating_after_the_campaign(client, control):
    """Associating a number with a 10DLC campaign takes time at AWS: the sandbox keeps it
    PENDING, then ASSOCIATING, for `ten_dlc_association_delay` seconds, and refuses to send
    from it until it is ACTIVE."""
    from tests.waiting import wait_until

    brand = forms.approved_brand(client)
    cid = client.create_registration(RegistrationType="US_TEN_DLC_CAMPAIGN_REGISTRATION")[
        "RegistrationId"
    ]
    client.create_registration_association(RegistrationId=cid, ResourceId=brand)
    forms.fill(client, cid, forms.CAMPAIGN_GOOD)
    client.submit_registration_version(RegistrationId=cid)
    control.call("PATCH", "/_sandbox/config", {"ten_dlc_association_delay": 1.0})
    number = client.request_phone_number(**TEN_DLC, RegistrationId=cid)
    assert number["Status"] == "PENDING"

    def status() -> str:
        found = client.describe_phone_numbers(PhoneNumberIds=[number["PhoneNumberId"]])
        return found["PhoneNumbers"][0]["Status"]

    with pytest.raises(client.exceptions.ConflictException) as err:
        client.send_text_message(
            DestinationPhoneNumber="+14254147755",
            OriginationIdentity=number["PhoneNumberId"],
            MessageBody="Example Corp: your code is 1234.",
        )
    assert _reason(err) == "RESOURCE_NOT_ACTIVE"
    seen = {status()}
    wait_until(lambda: seen.add(status()) or "ACTIVE" in seen, timeout=5, message="ACTIVE")
    assert seen <= {"PENDING", "ASSOCIATING", "ACTIVE"}
    sent = client.send_text_message(
        DestinationPhoneNumber="+14254147755",
        OriginationIdentity=number["PhoneNumberId"],
        MessageBody="Example Corp: your code is 1234.",
    )
    assert sent["MessageId"]


def test_a_sender_id_associated_with_a_registration_is_registered_by_its_approval(client, control):
    """The user guide: "Your phone number or sender ID is associated with this registration
    and can't send messages until your registration has been approved" (ASSOCIATE_ON_APPROVAL);
    a sender ID associated with an already approved registration is registered at once."""
    control.call("PATCH", "/_sandbox/config", {"review_mode": "manual"})
    sender = client.request_sender_id(SenderId="EXMPLE", IsoCountryCode="IN")
    assert sender["Registered"] is False
    rid = client.create_registration(RegistrationType="IN_SENDER_ID_REGISTRATION")["RegistrationId"]
    client.create_registration_association(RegistrationId=rid, ResourceId=sender["SenderIdArn"])
    forms.fill(client, rid, forms.IN_SENDER_ID_GOOD)
    client.submit_registration_version(RegistrationId=rid)
    one = [{"SenderId": "EXMPLE", "IsoCountryCode": "IN"}]
    assert client.describe_sender_ids(SenderIds=one)["SenderIds"][0]["Registered"] is False
    control.post(f"/_sandbox/registrations/{rid}/versions/1/approve")
    assert client.describe_sender_ids(SenderIds=one)["SenderIds"][0]["Registered"] is True
    assoc = client.list_registration_associations(RegistrationId=rid)["RegistrationAssociations"]
    assert [(a["ResourceType"], a["ResourceId"]) for a in assoc] == [("SENDER_ID", "EXMPLE")]

    # GB's known form has no sender ID field: the sender ID comes after approval.
    gb = client.create_registration(RegistrationType="GB_SENDER_ID_REGISTRATION")["RegistrationId"]
    forms.fill(
        client,
        gb,
        {
            "companyInfo.companyName": "Example Corp",
            "messagingUseCase.monthlyMessageVolume": ["100"],
        },
    )
    client.submit_registration_version(RegistrationId=gb)
    control.post(f"/_sandbox/registrations/{gb}/versions/1/approve")
    assert (
        client.list_registration_associations(RegistrationId=gb)["RegistrationAssociations"] == []
    )
    made = client.request_sender_id(SenderId="EXAMPLECO", IsoCountryCode="GB")
    client.create_registration_association(RegistrationId=gb, ResourceId=made["SenderIdArn"])
    found = client.describe_sender_ids(
        SenderIds=[{"SenderId": "EXAMPLECO", "IsoCountryCode": "GB"}]
    )
    assert found["SenderIds"][0]["Registered"] is True
