"""Registration and version lifecycles: approve, deny, resubmit, discard, review delay."""

from __future__ import annotations

import pytest

from tests.sandbox import forms
from tests.waiting import wait_until


def _statuses(control, rid: str) -> list[str]:
    events = control.get("/_sandbox/events")["events"]
    return [
        e["Message"]["detail"]["registrationDetails"]["currentStatus"]
        for e in events
        if e["Message"].get("detail-type") == "Registration Status Change"
        and e["Message"]["detail"]["registrationDetails"]["registrationId"] == rid
    ]


def _version(client, rid: str, number: int | None = None) -> dict:
    versions = client.describe_registration_versions(RegistrationId=rid)["RegistrationVersions"]
    return (
        versions[0] if number is None else next(v for v in versions if v["VersionNumber"] == number)
    )


def test_careful_toll_free_form_is_approved_and_number_turns_active(client, control):
    made = forms.tfn_registration(client)
    rid = made["id"]
    assert made["number"]["Status"] == "PENDING"
    answer = client.submit_registration_version(RegistrationId=rid)
    assert answer["RegistrationVersionStatus"] == "SUBMITTED"
    assert answer["AwsReview"] is False
    version = _version(client, rid)
    assert version["RegistrationVersionStatus"] == "APPROVED"
    history = version["RegistrationVersionStatusHistory"]
    assert {
        "DraftTimestamp",
        "SubmittedTimestamp",
        "ReviewingTimestamp",
        "ApprovedTimestamp",
    } <= set(history)
    reg = client.describe_registrations(RegistrationIds=[rid])["Registrations"][0]
    assert reg["RegistrationStatus"] == "COMPLETE"
    assert reg["ApprovedVersionNumber"] == 1
    number = client.describe_phone_numbers(PhoneNumberIds=[made["number"]["PhoneNumberId"]])[
        "PhoneNumbers"
    ][0]
    assert number["Status"] == "ACTIVE"
    assert number["RegistrationId"] == rid
    assert _statuses(control, rid) == [
        "CREATED",
        "SUBMITTED",
        "REVIEWING",
        "PROVISIONING",
        "COMPLETE",
    ]


def test_number_stays_pending_until_registration_complete(client, control):
    control.call("PATCH", "/_sandbox/config", {"review_mode": "manual"})
    made = forms.tfn_registration(client)
    client.submit_registration_version(RegistrationId=made["id"])
    pid = made["number"]["PhoneNumberId"]
    assert (
        client.describe_phone_numbers(PhoneNumberIds=[pid])["PhoneNumbers"][0]["Status"]
        == "PENDING"
    )
    assert _version(client, made["id"])["RegistrationVersionStatus"] == "REVIEWING"
    control.post(f"/_sandbox/registrations/{made['id']}/versions/1/approve")
    assert (
        client.describe_phone_numbers(PhoneNumberIds=[pid])["PhoneNumbers"][0]["Status"] == "ACTIVE"
    )


def test_careless_form_is_denied_with_documented_reasons_at_the_fields(client):
    rid = forms.tfn_registration(client, forms.TFN_CARELESS)["id"]
    client.submit_registration_version(RegistrationId=rid)
    version = _version(client, rid)
    assert version["RegistrationVersionStatus"] == "DENIED"
    reasons = {r["Reason"] for r in version["DeniedReasons"]}
    assert reasons == {
        "Invalid Overall",
        "Non Compliant Opt In",
        "Invalid Business Connection",
        "Use case and message samples are inconsistent.",
    }
    for reason in version["DeniedReasons"]:
        assert reason["ShortDescription"] == reason["Reason"]
        assert reason["DocumentationLink"].startswith("https://docs.aws.amazon.com/")
    values = {
        v["FieldPath"]: v
        for v in client.describe_registration_field_values(RegistrationId=rid)[
            "RegistrationFieldValues"
        ]
    }
    assert values["messageSamples.messageSample1"]["DeniedReason"] == "SAMPLE_MISSING_BRAND_NAME"
    assert values["contactInfo.supportEmail"]["DeniedReason"] == "UNOFFICIAL_EMAIL_DOMAIN"
    assert values["messagingUseCase.optInDescription"]["DeniedReason"] == "NON_COMPLIANT_OPT_IN"
    assert (
        "'Message and data rates may apply'"
        in values["messagingUseCase.optInDescription"]["Feedback"]
    )
    assert "companyInfo.companyName" not in {p for p, v in values.items() if "DeniedReason" in v}
    reg = client.describe_registrations(RegistrationIds=[rid])["Registrations"][0]
    assert reg["RegistrationStatus"] == "REQUIRES_UPDATES"
    assert reg["LatestDeniedVersionNumber"] == 1


@pytest.mark.parametrize(
    ("changes", "reason", "field"),
    [
        ({"companyInfo.website": "http://localhost"}, "Invalid URL", "companyInfo.website"),
        (
            {"contactInfo.supportEmail": "ada@other-company.com"},
            "Invalid Business Connection",
            "contactInfo.supportEmail",
        ),
        (
            {"messageSamples.messageSample1": "Example Corp: buy cannabis today, reply STOP"},
            "Non Compliant Use Case",
            "messageSamples.messageSample1",
        ),
        (
            {
                "messagingUseCase.optInDescription": forms.OPT_IN.replace(
                    "Opt-in data is never shared with third parties.",
                    "We share numbers with third parties.",
                )
            },
            "Non Compliant Opt In Third Party",
            "messagingUseCase.optInDescription",
        ),
    ],
)
def test_each_documented_rejection(client, changes, reason, field):
    rid = forms.tfn_registration(client, {**forms.TFN_GOOD, **changes})["id"]
    client.submit_registration_version(RegistrationId=rid)
    version = _version(client, rid)
    assert [r["Reason"] for r in version["DeniedReasons"]] == [reason]
    values = {
        v["FieldPath"]: v
        for v in client.describe_registration_field_values(RegistrationId=rid)[
            "RegistrationFieldValues"
        ]
    }
    assert values[field]["DeniedReason"]


def test_missing_required_and_conditional_fields_are_denied(client):
    values = {
        k: v
        for k, v in forms.TFN_GOOD.items()
        if k not in ("companyInfo.city", "companyInfo.taxId")
    }
    rid = forms.tfn_registration(client, values)["id"]
    client.submit_registration_version(RegistrationId=rid)
    version = _version(client, rid)
    assert version["RegistrationVersionStatus"] == "DENIED"
    assert version["DeniedReasons"][0]["Reason"] == "Missing required field"
    denied = {
        v["FieldPath"]: v["DeniedReason"]
        for v in client.describe_registration_field_values(RegistrationId=rid)[
            "RegistrationFieldValues"
        ]
        if v.get("DeniedReason")
    }
    assert denied == {
        "companyInfo.city": "MISSING_REQUIRED_FIELD",
        "companyInfo.taxId": "MISSING_REQUIRED_FIELD",
    }


def test_conditional_field_not_required_for_sole_proprietor(client):
    values = {k: v for k, v in forms.TFN_GOOD.items() if not k.startswith("companyInfo.taxId")}
    values["companyInfo.businessType"] = ["SOLE_PROPRIETOR"]
    rid = forms.tfn_registration(client, values)["id"]
    client.submit_registration_version(RegistrationId=rid)
    assert _version(client, rid)["RegistrationVersionStatus"] == "APPROVED"


def test_resubmit_after_denial_needs_a_new_empty_version(client):
    made = forms.tfn_registration(client, forms.TFN_CARELESS)
    rid = made["id"]
    client.submit_registration_version(RegistrationId=rid)
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.put_registration_field_value(
            RegistrationId=rid, FieldPath="companyInfo.companyName", TextValue="X"
        )
    assert err.value.response["Reason"] == "EDIT_REGISTRATION_FIELD_VALUES_NOT_ALLOWED"
    created = client.create_registration_version(RegistrationId=rid)
    assert created["VersionNumber"] == 2
    assert created["RegistrationVersionStatus"] == "DRAFT"
    assert (
        client.describe_registration_field_values(RegistrationId=rid)["RegistrationFieldValues"]
        == []
    )
    image = client.create_registration_attachment(AttachmentBody=forms.PNG)
    forms.fill(
        client,
        rid,
        forms.TFN_GOOD,
        {"messagingUseCase.optInImage": image["RegistrationAttachmentId"]},
    )
    client.submit_registration_version(RegistrationId=rid)
    assert _version(client, rid, 2)["RegistrationVersionStatus"] == "APPROVED"
    assert _version(client, rid, 1)["RegistrationVersionStatus"] == "DENIED"
    reg = client.describe_registrations(RegistrationIds=[rid])["Registrations"][0]
    assert (
        reg["RegistrationStatus"],
        reg["CurrentVersionNumber"],
        reg["ApprovedVersionNumber"],
        reg["LatestDeniedVersionNumber"],
    ) == ("COMPLETE", 2, 2, 1)
    old = client.describe_registration_field_values(RegistrationId=rid, VersionNumber=1)
    assert old["VersionNumber"] == 1
    assert len(old["RegistrationFieldValues"]) == len(forms.TFN_CARELESS) + 1


def test_inherit_values_switch_copies_the_previous_version(client, control):
    control.call("PATCH", "/_sandbox/config", {"inherit_values": True})
    rid = forms.tfn_registration(client, forms.TFN_CARELESS)["id"]
    client.submit_registration_version(RegistrationId=rid)
    client.create_registration_version(RegistrationId=rid)
    values = client.describe_registration_field_values(RegistrationId=rid)
    assert values["VersionNumber"] == 2
    assert len(values["RegistrationFieldValues"]) == len(forms.TFN_CARELESS) + 1
    assert all("DeniedReason" not in v for v in values["RegistrationFieldValues"])


def test_version_rules(client, control):
    control.call("PATCH", "/_sandbox/config", {"review_mode": "manual"})
    rid = forms.tfn_registration(client)["id"]
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.create_registration_version(RegistrationId=rid)
    assert err.value.response["Reason"] == "CREATE_REGISTRATION_VERSION_NOT_ALLOWED"
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.discard_registration_version(RegistrationId=rid)
    assert err.value.response["Reason"] == "DISCARD_REGISTRATION_VERSION_NOT_ALLOWED"
    client.submit_registration_version(RegistrationId=rid)
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.submit_registration_version(RegistrationId=rid)
    assert err.value.response["Reason"] == "REGISTRATION_ALREADY_SUBMITTED"
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.delete_registration_field_value(
            RegistrationId=rid, FieldPath="companyInfo.companyName"
        )
    assert err.value.response["Reason"] == "EDIT_REGISTRATION_FIELD_VALUES_NOT_ALLOWED"
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.delete_registration(RegistrationId=rid)
    assert err.value.response["Reason"] == "RESOURCE_DELETION_NOT_ALLOWED"
    control.post(
        f"/_sandbox/registrations/{rid}/versions/1/deny",
        {"DeniedReasons": [{"Reason": "Invalid Company Info"}]},
    )
    client.create_registration_version(RegistrationId=rid)
    # The user guide: a version can be discarded only while it is Submitted, not as a draft.
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.discard_registration_version(RegistrationId=rid)
    assert err.value.response["Reason"] == "DISCARD_REGISTRATION_VERSION_NOT_ALLOWED"
    control.call("PATCH", "/_sandbox/config", {"review_delay": 600})  # stays SUBMITTED
    image = client.create_registration_attachment(AttachmentBody=forms.PNG)
    forms.fill(
        client,
        rid,
        forms.TFN_GOOD,
        {"messagingUseCase.optInImage": image["RegistrationAttachmentId"]},
    )
    client.submit_registration_version(RegistrationId=rid)
    discarded = client.discard_registration_version(RegistrationId=rid)
    assert discarded["VersionNumber"] == 2
    assert discarded["RegistrationVersionStatus"] == "DISCARDED"
    assert "DiscardedTimestamp" in discarded["RegistrationVersionStatusHistory"]
    registration = client.describe_registrations(RegistrationIds=[rid])["Registrations"][0]
    assert registration["RegistrationStatus"] == "REQUIRES_UPDATES"  # back to before the submit
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.submit_registration_version(RegistrationId=rid)
    assert err.value.response["Reason"] == "SUBMIT_REGISTRATION_VERSION_NOT_ALLOWED"
    third = client.create_registration_version(RegistrationId=rid)
    assert third["VersionNumber"] == 3
    filtered = client.describe_registration_versions(
        RegistrationId=rid,
        Filters=[{"Name": "registration-version-status", "Values": ["DISCARDED", "DENIED"]}],
    )["RegistrationVersions"]
    assert [v["VersionNumber"] for v in filtered] == [2, 1]


def test_manual_deny_with_given_reasons_and_field_feedback(client, control):
    control.call("PATCH", "/_sandbox/config", {"review_mode": "manual"})
    rid = forms.tfn_registration(client)["id"]
    client.submit_registration_version(RegistrationId=rid)
    answer = control.post(
        f"/_sandbox/registrations/{rid}/versions/1/deny",
        {
            "DeniedReasons": [
                {
                    "Reason": "Invalid Company Info",
                    "ShortDescription": "Company info",
                    "LongDescription": "The address does not match.",
                    "DocumentationTitle": "Rejection reasons",
                    "DocumentationLink": "https://docs.aws.amazon.com/sms-voice/",
                }
            ],
            "Fields": [
                {
                    "FieldPath": "companyInfo.address1",
                    "DeniedReason": "INVALID_ADDRESS",
                    "Feedback": "Use the registered address.",
                }
            ],
            "Feedback": "Please fix the address.",
        },
    )
    assert answer == {
        "RegistrationStatus": "REQUIRES_UPDATES",
        "RegistrationVersionStatus": "DENIED",
    }
    version = _version(client, rid)
    assert version["DeniedReasons"] == [
        {
            "Reason": "Invalid Company Info",
            "ShortDescription": "Company info",
            "LongDescription": "The address does not match.",
            "DocumentationTitle": "Rejection reasons",
            "DocumentationLink": "https://docs.aws.amazon.com/sms-voice/",
        }
    ]
    assert version["Feedback"] == "Please fix the address."
    field = client.describe_registration_field_values(
        RegistrationId=rid, FieldPaths=["companyInfo.address1"]
    )["RegistrationFieldValues"][0]
    assert field == {
        "FieldPath": "companyInfo.address1",
        "TextValue": "1 Main Street",
        "DeniedReason": "INVALID_ADDRESS",
        "Feedback": "Use the registered address.",
    }
    status, body = control.call("POST", f"/_sandbox/registrations/{rid}/versions/1/approve")
    assert status == 409
    status, body = control.call("POST", "/_sandbox/registrations/registration-x/versions/1/deny")
    assert status == 404


def test_require_authentication_then_approve(client, control):
    control.call("PATCH", "/_sandbox/config", {"review_mode": "manual"})
    rid = forms.approved_brand(client)  # manual mode: stays REVIEWING
    control.post(f"/_sandbox/registrations/{rid}/versions/1/require-authentication")
    reg = client.describe_registrations(RegistrationIds=[rid])["Registrations"][0]
    assert reg["RegistrationStatus"] == "REQUIRES_AUTHENTICATION"
    control.post(f"/_sandbox/registrations/{rid}/versions/1/approve")
    assert _statuses(control, rid) == [
        "CREATED",
        "SUBMITTED",
        "REVIEWING",
        "REQUIRES_AUTHENTICATION",
        "PROVISIONING",
        "COMPLETE",
    ]


def test_aws_review_goes_through_aws_reviewing(client, control):
    rid = forms.tfn_registration(client)["id"]
    answer = client.submit_registration_version(RegistrationId=rid, AwsReview=True)
    assert answer["AwsReview"] is True
    history = _version(client, rid)["RegistrationVersionStatusHistory"]
    assert "AwsReviewingTimestamp" in history
    assert _statuses(control, rid) == [
        "CREATED",
        "SUBMITTED",
        "AWS_REVIEWING",
        "REVIEWING",
        "PROVISIONING",
        "COMPLETE",
    ]


def test_review_delay_runs_in_the_background(client, control):
    control.call("PATCH", "/_sandbox/config", {"review_delay": 0.4})
    rid = forms.tfn_registration(client)["id"]
    client.submit_registration_version(RegistrationId=rid)
    assert _version(client, rid)["RegistrationVersionStatus"] == "SUBMITTED"
    wait_until(
        lambda: _version(client, rid)["RegistrationVersionStatus"] == "APPROVED",
        timeout=5,
        message="the background review to approve the version",
    )


def test_reapproval_archives_the_older_approved_version(client, control):
    rid = forms.tfn_registration(client)["id"]
    client.submit_registration_version(RegistrationId=rid)
    client.create_registration_version(RegistrationId=rid)
    image = client.create_registration_attachment(AttachmentBody=forms.PNG)
    forms.fill(
        client,
        rid,
        forms.TFN_GOOD,
        {"messagingUseCase.optInImage": image["RegistrationAttachmentId"]},
    )
    client.submit_registration_version(RegistrationId=rid)
    assert _version(client, rid, 1)["RegistrationVersionStatus"] == "ARCHIVED"
    assert _version(client, rid, 2)["RegistrationVersionStatus"] == "APPROVED"


def test_update_denied_keeps_complete_registration(client):
    rid = forms.tfn_registration(client)["id"]
    client.submit_registration_version(RegistrationId=rid)
    client.create_registration_version(RegistrationId=rid)
    client.submit_registration_version(RegistrationId=rid)  # empty: denied
    reg = client.describe_registrations(RegistrationIds=[rid])["Registrations"][0]
    assert (
        reg["RegistrationStatus"],
        reg["ApprovedVersionNumber"],
        reg["LatestDeniedVersionNumber"],
    ) == ("COMPLETE", 1, 2)


def test_inherited_version_does_not_count_denied_empty_fields_as_values(client, control):
    control.call("PATCH", "/_sandbox/config", {"inherit_values": True})
    values = {k: v for k, v in forms.TFN_GOOD.items() if k != "companyInfo.city"}
    rid = forms.tfn_registration(client, values)["id"]
    client.submit_registration_version(RegistrationId=rid)
    client.create_registration_version(RegistrationId=rid)
    paths = [
        v["FieldPath"]
        for v in client.describe_registration_field_values(RegistrationId=rid, MaxResults=100)[
            "RegistrationFieldValues"
        ]
    ]
    assert "companyInfo.city" not in paths
    client.submit_registration_version(RegistrationId=rid)
    version = _version(client, rid, 2)
    assert version["DeniedReasons"][0]["LongDescription"] == (
        "One or more required fields have no value: companyInfo.city."
    )


def test_public_profit_brand_goes_through_authentication(client, control):
    values = {
        **forms.BRAND_GOOD,
        "companyInfo.legalType": ["PUBLIC_PROFIT"],
        "companyInfo.stockSymbol": "EXMP",
        "companyInfo.stockExchange": ["NASDAQ"],
        "companyInfo.businessContactEmail": "ceo@example.com",
    }
    rid = client.create_registration(RegistrationType="US_TEN_DLC_BRAND_REGISTRATION")[
        "RegistrationId"
    ]
    forms.fill(client, rid, values)
    client.submit_registration_version(RegistrationId=rid)
    assert _statuses(control, rid) == [
        "CREATED",
        "SUBMITTED",
        "REVIEWING",
        "REQUIRES_AUTHENTICATION",
        "PROVISIONING",
        "COMPLETE",
    ]
    history = _version(client, rid)["RegistrationVersionStatusHistory"]
    assert "RequiresAuthenticationTimestamp" in history


def test_live_settings_are_checked(control):
    status, body = control.call("PATCH", "/_sandbox/config", {"review_mode": "sometimes"})
    assert (status, body) == (400, {"error": "ValueError: review_mode must be one of auto, manual"})
    status, body = control.call("PATCH", "/_sandbox/config", {"port": 1})
    assert (status, body) == (400, {"error": "ValueError: port cannot be changed at run time"})
