"""Definitions, registrations, field values and attachments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sandbox import build_catalog
from tests.sandbox import forms
from tests.waiting import wait_until


def _walk_keys(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _walk_keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk_keys(item)


def test_type_definitions_cover_the_portal_types(client):
    types = client.describe_registration_type_definitions()["RegistrationTypeDefinitions"]
    names = [t["RegistrationType"] for t in types]
    assert names == [
        "US_TOLL_FREE_REGISTRATION",
        "US_TEN_DLC_BRAND_REGISTRATION",
        "US_TEN_DLC_BRAND_VETTING",
        "US_TEN_DLC_CAMPAIGN_REGISTRATION",
        "GB_SENDER_ID_REGISTRATION",
        "ID_SENDER_ID_REGISTRATION",
        "IN_SENDER_ID_REGISTRATION",
        "SG_SENDER_ID_REGISTRATION",
        "TEST_RCS_LAUNCH_REGISTRATION",
    ]
    tfn = types[0]
    assert tfn["SupportedAssociations"] == [
        {
            "ResourceType": "TOLL_FREE",
            "IsoCountryCode": "US",
            "AssociationBehavior": "ASSOCIATE_BEFORE_SUBMIT",
            "DisassociationBehavior": "DISASSOCIATE_ALL_CLOSES_REGISTRATION",
        }
    ]
    assert not [t for t in types if "SHORT_CODE" in t["RegistrationType"]]


def test_definitions_never_serve_provenance_keys(client):
    for name in ("US_TOLL_FREE_REGISTRATION", "US_TEN_DLC_CAMPAIGN_REGISTRATION"):
        fields = client.describe_registration_field_definitions(RegistrationType=name)
        sections = client.describe_registration_section_definitions(RegistrationType=name)
        keys = set(_walk_keys(fields)) | set(_walk_keys(sections))
        assert not [k for k in keys if k.startswith("_")]
    with open(build_catalog.DEFAULT_OUTPUT, encoding="utf-8") as handle:
        assert not [k for k in _walk_keys(json.load(handle)) if k.startswith("_")]


def test_build_catalog_converts_and_strips():
    source = {
        "_meta": {"description": "x"},
        "X_TYPE": {
            "displayName": "X",
            "_displayNameSource": "S1",
            "supportedAssociations": [
                {
                    "resourceType": "TEN_DLC",
                    "isoCountryCode": "US",
                    "associationBehavior": "ASSOCIATE_AFTER_COMPLETE",
                    "_sources": ["S3"],
                }
            ],
            "sections": [{"path": "a", "displayName": "A", "_inferred": ["displayName"]}],
            "fields": [
                {
                    "fieldPath": "a.b",
                    "sectionPath": "a",
                    "fieldType": "TEXT",
                    "fieldRequirement": "REQUIRED",
                    "_confidence": "low",
                    "textValidation": {"minLength": 1, "maxLength": None},
                    "displayHints": {"title": "B", "shortDescription": "b"},
                }
            ],
        },
    }
    built = build_catalog.build(source)["RegistrationTypes"]
    assert built[0] == {
        "RegistrationType": "X_TYPE",
        "SupportedAssociations": [
            {
                "ResourceType": "TEN_DLC",
                "IsoCountryCode": "US",
                "AssociationBehavior": "ASSOCIATE_AFTER_COMPLETE",
                "DisassociationBehavior": "DISASSOCIATE_ALL_ALLOWS_DELETE_REGISTRATION",
            }
        ],
        "DisplayHints": {"Title": "X"},
        "Sections": [{"SectionPath": "a", "DisplayHints": {"Title": "A", "ShortDescription": "A"}}],
        "Fields": [
            {
                "FieldPath": "a.b",
                "SectionPath": "a",
                "FieldType": "TEXT",
                "FieldRequirement": "REQUIRED",
                "TextValidation": {
                    "MinLength": 1,
                    "MaxLength": 2048,
                    "Pattern": "^(?=\\s*\\S)[\\s\\S]+$",
                },
                "DisplayHints": {"Title": "B", "ShortDescription": "b"},
            }
        ],
    }
    # AWS publishes no short code registration type: the built catalog invents none.
    assert len(built) == 1


def test_type_filters_and_pagination(client):
    found = client.describe_registration_type_definitions(
        Filters=[{"Name": "supported-association-resource-type", "Values": ["SENDER_ID"]}]
    )
    assert [t["RegistrationType"] for t in found["RegistrationTypeDefinitions"]] == [
        "GB_SENDER_ID_REGISTRATION",
        "ID_SENDER_ID_REGISTRATION",
        "IN_SENDER_ID_REGISTRATION",
    ]
    first = client.describe_registration_type_definitions(MaxResults=4)
    assert len(first["RegistrationTypeDefinitions"]) == 4
    second = client.describe_registration_type_definitions(
        MaxResults=4, NextToken=first["NextToken"]
    )
    assert (
        second["RegistrationTypeDefinitions"][0]["RegistrationType"] == "GB_SENDER_ID_REGISTRATION"
    )
    paginator = client.get_paginator("describe_registration_field_definitions")
    full = paginator.paginate(
        RegistrationType="US_TOLL_FREE_REGISTRATION", PaginationConfig={"PageSize": 5}
    ).build_full_result()
    assert len(full["RegistrationFieldDefinitions"]) == 27
    assert full["RegistrationType"] == "US_TOLL_FREE_REGISTRATION"
    with pytest.raises(client.exceptions.ValidationException) as err:
        client.describe_registrations(NextToken="garbage")
    assert err.value.response["Reason"] == "INVALID_NEXT_TOKEN"


def test_section_and_field_lookups(client):
    sections = client.describe_registration_section_definitions(
        RegistrationType="US_TOLL_FREE_REGISTRATION", SectionPaths=["contactInfo"]
    )
    assert [s["SectionPath"] for s in sections["RegistrationSectionDefinitions"]] == ["contactInfo"]
    fields = client.describe_registration_field_definitions(
        RegistrationType="US_TOLL_FREE_REGISTRATION", SectionPath="contactInfo"
    )
    assert [f["FieldPath"] for f in fields["RegistrationFieldDefinitions"]] == [
        "contactInfo.firstName",
        "contactInfo.lastName",
        "contactInfo.supportEmail",
        "contactInfo.supportPhoneNumber",
    ]
    tax = client.describe_registration_field_definitions(
        RegistrationType="US_TOLL_FREE_REGISTRATION", FieldPaths=["companyInfo.taxId"]
    )
    assert tax["RegistrationFieldDefinitions"][0]["ConditionalBehavior"] == {
        "Rules": [
            {
                "Conditions": [
                    {
                        "DependsOnFieldPath": "companyInfo.businessType",
                        "Operator": "NOT_EQUALS",
                        "Values": ["SOLE_PROPRIETOR"],
                    }
                ],
                "RuleBehavior": "REQUIRED",
            }
        ],
        "DefaultBehavior": "OPTIONAL",
    }
    cases = [
        (
            lambda: client.describe_registration_field_definitions(RegistrationType="NOPE"),
            "UNKNOWN_REGISTRATION_TYPE",
        ),
        (
            lambda: client.describe_registration_section_definitions(
                RegistrationType="US_TOLL_FREE_REGISTRATION", SectionPaths=["nope"]
            ),
            "UNKNOWN_REGISTRATION_SECTION",
        ),
        (
            lambda: client.describe_registration_field_definitions(
                RegistrationType="US_TOLL_FREE_REGISTRATION", SectionPath="nope"
            ),
            "UNKNOWN_REGISTRATION_SECTION",
        ),
        (
            lambda: client.describe_registration_field_definitions(
                RegistrationType="US_TOLL_FREE_REGISTRATION", FieldPaths=["a.b"]
            ),
            "UNKNOWN_REGISTRATION_FIELD",
        ),
        (lambda: client.create_registration(RegistrationType="NOPE"), "UNKNOWN_REGISTRATION_TYPE"),
    ]
    for call, reason in cases:
        with pytest.raises(client.exceptions.ValidationException) as err:
            call()
        assert err.value.response["Reason"] == reason


def test_changed_catalog_changes_the_form(client, control, app, tmp_path):
    catalog = json.loads(Path(app.settings.catalog).read_text(encoding="utf-8"))
    tfn = catalog["RegistrationTypes"][0]
    extra = {
        "SectionPath": "companyInfo",
        "FieldPath": "companyInfo.dunsNumber",
        "FieldType": "TEXT",
        "FieldRequirement": "REQUIRED",
        "TextValidation": {"MinLength": 9, "MaxLength": 9, "Pattern": "^[0-9]{9}$"},
        "DisplayHints": {"Title": "DUNS number", "ShortDescription": "D-U-N-S"},
    }
    tfn["Fields"].append(extra)
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(catalog))
    original = app.settings.catalog
    try:
        control.post("/_sandbox/catalog/reload", {"path": str(path)})
        fields = client.describe_registration_field_definitions(
            RegistrationType="US_TOLL_FREE_REGISTRATION", MaxResults=100
        )["RegistrationFieldDefinitions"]
        assert fields[-1]["FieldPath"] == "companyInfo.dunsNumber"
        rid = forms.tfn_registration(client)["id"]
        with pytest.raises(client.exceptions.ValidationException) as err:
            client.put_registration_field_value(
                RegistrationId=rid, FieldPath="companyInfo.dunsNumber", TextValue="12345678"
            )
        assert err.value.response["Reason"] == "FIELD_VALIDATION_FAILED"
        client.submit_registration_version(RegistrationId=rid)
        denied = client.describe_registration_field_values(
            RegistrationId=rid, FieldPaths=["companyInfo.dunsNumber"]
        )["RegistrationFieldValues"]
        assert denied == [
            {
                "FieldPath": "companyInfo.dunsNumber",
                "DeniedReason": "MISSING_REQUIRED_FIELD",
                "Feedback": "DUNS number is required.",
            }
        ]
    finally:
        control.post("/_sandbox/catalog/reload", {"path": original})
    catalog["RegistrationTypes"] = catalog["RegistrationTypes"][:1]
    status, body = control.call("PUT", "/_sandbox/catalog", catalog)
    assert (status, body) == (200, {"types": ["US_TOLL_FREE_REGISTRATION"]})


def test_create_describe_delete_registrations(client, control):
    tags = [{"Key": "Name", "Value": "demo"}]
    made = client.create_registration(RegistrationType="US_TOLL_FREE_REGISTRATION", Tags=tags)
    assert (made["RegistrationStatus"], made["CurrentVersionNumber"], made["Tags"]) == (
        "CREATED",
        1,
        tags,
    )
    brand = client.create_registration(RegistrationType="US_TEN_DLC_BRAND_REGISTRATION")
    found = client.describe_registrations(
        Filters=[{"Name": "registration-type", "Values": ["US_TEN_DLC_BRAND_REGISTRATION"]}]
    )
    assert [r["RegistrationId"] for r in found["Registrations"]] == [brand["RegistrationId"]]
    found = client.describe_registrations(
        Filters=[{"Name": "registration-status", "Values": ["CREATED"]}], MaxResults=1
    )
    assert len(found["Registrations"]) == 1 and "NextToken" in found
    deleted = client.delete_registration(RegistrationId=made["RegistrationArn"])
    assert deleted["RegistrationStatus"] == "DELETED"
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_registrations(RegistrationIds=[made["RegistrationId"]])
    events = [
        e["Message"]["detail"]["registrationDetails"]["currentStatus"]
        for e in control.get("/_sandbox/events")["events"]
        if e["Message"]["detail"]["registrationDetails"]["registrationId"] == made["RegistrationId"]
    ]
    assert events == ["CREATED", "DELETED"]


def test_field_value_validation(client):
    rid = client.create_registration(RegistrationType="US_TOLL_FREE_REGISTRATION")["RegistrationId"]
    put = client.put_registration_field_value
    answer = put(
        RegistrationId=rid, FieldPath="companyInfo.businessType", SelectChoices=["NON_PROFIT"]
    )
    assert (answer["VersionNumber"], answer["SelectChoices"]) == (1, ["NON_PROFIT"])
    cases = [
        (dict(FieldPath="companyInfo.companyName", TextValue="x" * 101), "FIELD_VALIDATION_FAILED"),
        (dict(FieldPath="companyInfo.companyName", TextValue="   "), "FIELD_VALIDATION_FAILED"),
        (
            dict(FieldPath="companyInfo.businessType", SelectChoices=["CHARITY"]),
            "FIELD_VALIDATION_FAILED",
        ),
        (
            dict(FieldPath="companyInfo.businessType", SelectChoices=["NON_PROFIT", "GOVERNMENT"]),
            "FIELD_VALIDATION_FAILED",
        ),
        (dict(FieldPath="companyInfo.businessType", TextValue="NON_PROFIT"), "INVALID_PARAMETER"),
        (dict(FieldPath="companyInfo.nope", TextValue="x"), "UNKNOWN_REGISTRATION_FIELD"),
    ]
    for kwargs, reason in cases:
        with pytest.raises(client.exceptions.ValidationException) as err:
            put(RegistrationId=rid, **kwargs)
        assert err.value.response["Reason"] == reason, kwargs
        if reason == "FIELD_VALIDATION_FAILED":
            assert err.value.response["Fields"][0]["Name"] == kwargs["FieldPath"]
    deleted = client.delete_registration_field_value(
        RegistrationId=rid, FieldPath="companyInfo.businessType"
    )
    assert deleted["SelectChoices"] == ["NON_PROFIT"]
    with pytest.raises(client.exceptions.ValidationException) as err:
        client.delete_registration_field_value(
            RegistrationId=rid, FieldPath="companyInfo.businessType"
        )
    assert err.value.response["Reason"] == "REGISTRATION_FIELD_CANNOT_BE_DELETED"
    with pytest.raises(client.exceptions.ValidationException) as err:
        client.describe_registration_field_values(RegistrationId=rid, VersionNumber=7)
    assert err.value.response["Reason"] == "UNKNOWN_REGISTRATION_VERSION"
    with pytest.raises(client.exceptions.ResourceNotFoundException) as err:
        put(RegistrationId="registration-" + "1" * 32, FieldPath="a.b", TextValue="x")
    assert err.value.response["ResourceType"] == "registration"


def test_field_values_sections_and_pages(client):
    rid = forms.tfn_registration(client)["id"]
    section = client.describe_registration_field_values(
        RegistrationId=rid, SectionPath="contactInfo"
    )
    assert [v["FieldPath"] for v in section["RegistrationFieldValues"]] == [
        "contactInfo.firstName",
        "contactInfo.lastName",
        "contactInfo.supportEmail",
        "contactInfo.supportPhoneNumber",
    ]
    paginator = client.get_paginator("describe_registration_field_values")
    full = paginator.paginate(
        RegistrationId=rid, PaginationConfig={"PageSize": 4}
    ).build_full_result()
    assert len(full["RegistrationFieldValues"]) == len(forms.TFN_GOOD) + 1
    assert full["VersionNumber"] == 1


def test_attachments(client, control):
    made = client.create_registration_attachment(
        AttachmentBody=forms.PNG, Tags=[{"Key": "k", "Value": "v"}]
    )
    assert made["AttachmentStatus"] == "UPLOAD_IN_PROGRESS"
    assert made["RegistrationAttachmentId"].startswith("attachment-")
    described = client.describe_registration_attachments(
        RegistrationAttachmentIds=[made["RegistrationAttachmentId"]]
    )["RegistrationAttachments"]
    assert described[0]["AttachmentStatus"] == "UPLOAD_COMPLETE"
    url = client.create_registration_attachment(AttachmentUrl="s3://my-bucket/optin/shot.pdf")
    assert (
        client.describe_registration_attachments(
            RegistrationAttachmentIds=[url["RegistrationAttachmentId"]]
        )["RegistrationAttachments"][0]["AttachmentUrl"]
        == "s3://my-bucket/optin/shot.pdf"
    )
    pdf = client.create_registration_attachment(AttachmentBody=forms.PDF)
    complete = client.describe_registration_attachments(
        Filters=[{"Name": "attachment-status", "Values": ["UPLOAD_COMPLETE"]}]
    )["RegistrationAttachments"]
    assert len(complete) == 3
    cases = [
        (
            dict(AttachmentBody=forms.PNG, AttachmentUrl="s3://b/k.png"),
            "PARAMETERS_CANNOT_BE_USED_TOGETHER",
        ),
        ({}, "MISSING_PARAMETER"),
        (dict(AttachmentBody=b"GIF89a...."), "ATTACHMENT_TYPE_NOT_SUPPORTED"),
        (dict(AttachmentUrl="s3://my-bucket/optin/shot.gif"), "ATTACHMENT_TYPE_NOT_SUPPORTED"),
        (dict(AttachmentUrl="https://example.com/shot.png"), "INVALID_PARAMETER"),
    ]
    for kwargs, reason in cases:
        with pytest.raises(client.exceptions.ValidationException) as err:
            client.create_registration_attachment(**kwargs)
        assert err.value.response["Reason"] == reason, kwargs
    control.call("PATCH", "/_sandbox/config", {"max_attachment_bytes": 100})
    with pytest.raises(client.exceptions.ValidationException) as err:
        client.create_registration_attachment(AttachmentBody=forms.PNG + b"\x00" * 100)
    assert err.value.response["Reason"] == "MAXIMUM_SIZE_EXCEEDED"
    gone = client.delete_registration_attachment(
        RegistrationAttachmentId=pdf["RegistrationAttachmentArn"]
    )
    assert gone["RegistrationAttachmentId"] == pdf["RegistrationAttachmentId"]
    with pytest.raises(client.exceptions.ResourceNotFoundException) as err:
        client.describe_registration_attachments(
            RegistrationAttachmentIds=[pdf["RegistrationAttachmentId"]]
        )
    assert err.value.response["ResourceType"] == "registration-attachment"


def test_attachment_upload_takes_time(client, control):
    control.call("PATCH", "/_sandbox/config", {"attachment_delay": 1.0})
    rid = client.create_registration(RegistrationType="US_TOLL_FREE_REGISTRATION")["RegistrationId"]
    made = client.create_registration_attachment(AttachmentBody=forms.PNG)
    aid = made["RegistrationAttachmentId"]
    listed = client.describe_registration_attachments(RegistrationAttachmentIds=[aid])
    assert listed["RegistrationAttachments"][0]["AttachmentStatus"] == "UPLOAD_IN_PROGRESS"
    with pytest.raises(client.exceptions.ValidationException) as err:
        client.put_registration_field_value(
            RegistrationId=rid,
            FieldPath="messagingUseCase.optInImage",
            RegistrationAttachmentId=aid,
        )
    assert err.value.response["Reason"] == "FIELD_VALIDATION_FAILED"
    wait_until(
        lambda: (
            client.describe_registration_attachments(RegistrationAttachmentIds=[aid])[
                "RegistrationAttachments"
            ][0]["AttachmentStatus"]
            == "UPLOAD_COMPLETE"
        ),
        message="the attachment's upload to complete",
    )
    answer = client.put_registration_field_value(
        RegistrationId=rid, FieldPath="messagingUseCase.optInImage", RegistrationAttachmentId=aid
    )
    assert answer["RegistrationAttachmentId"] == aid
