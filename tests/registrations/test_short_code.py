"""A short code from the application to an active sender, through AWS Support: opened with the
Support API (the sandbox's), with a reply round trip; and the same path without the Support API
(no support plan: staff file the case in the console, record its id and paste AWS's replies)."""

from __future__ import annotations

import json

import boto3
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from compliance.models import SmsProgram
from registrations import shortcode
from registrations.models import Sender, SendingSetup, SupportCase, SupportMessage
from registrations.selectors import version_values
from registrations.services import (
    drafts,
    pipeline,
    review,
    support,
    support_text,
    support_tracking,
)
from registrations.services.catalog import catalog_sync, short_code_type_get
from registrations.services.guided import registrations_start
from registrations.states import Status
from sandbox.build_catalog import DEFAULT_OUTPUT
from tests.registrations.test_engine import _profile
from tests.sandbox.forms import PNG, SHORT_CODE_GOOD

pytestmark = pytest.mark.django_db


def _application(tenant, actor):
    registration = drafts.registration_create(
        tenant=tenant,
        actor=actor,
        registration_type=shortcode.NAME,
        name="Invoice alerts",
    )
    current = version_values(registration.current_version)
    drafts.registration_values_save(
        tenant=tenant,
        actor=actor,
        registration=registration,
        values={k: v for k, v in SHORT_CODE_GOOD.items() if current.get(k) != v},
    )
    drafts.registration_attachment_add(
        tenant=tenant,
        actor=actor,
        registration=registration,
        field_path="optIn.optInMockup",
        upload=SimpleUploadedFile("mockup.png", PNG, content_type="image/png"),
    )
    return registration


def _approve(registration, tenant, actor, staff, capture):
    review.registration_submit_for_review(tenant=tenant, actor=actor, registration=registration)
    with capture(execute=True):
        review.version_approve(actor=staff, registration=registration)
    registration.refresh_from_db()
    return registration


def _sandbox_case(sandbox, case_id: str) -> dict:
    cases = sandbox.request("GET", "/_sandbox/support/cases")["cases"]
    return next(c for c in cases if c["caseId"] == case_id)


def _keywords(sandbox, sender: Sender) -> dict[str, str]:
    client = boto3.client(
        "pinpoint-sms-voice-v2",
        endpoint_url=sandbox.base_url,
        region_name="us-east-1",
        aws_access_key_id="sandbox",
        aws_secret_access_key="sandbox",
    )
    # The keywords live on the tenant's pool, the same for every number in it (AWS's rule).
    setup = SendingSetup.objects.get(tenant=sender.tenant)
    answer = client.describe_keywords(OriginationIdentity=setup.pool_id or sender.aws_id)
    return {k["Keyword"]: k["KeywordMessage"] for k in answer["Keywords"]}


def test_the_catalog_offers_the_portal_application_while_aws_has_no_short_code_type(catalog):
    assert catalog.types.filter(registration_type=shortcode.NAME).count() == 1
    assert (
        not catalog.types.exclude(registration_type=shortcode.NAME)
        .filter(registration_type__contains="SHORT_CODE")
        .exists()
    )
    aws_type = {"definition": {"associations": [{"resource_type": "SHORT_CODE"}]}}
    assert shortcode.short_code_type({"X_SHORT": aws_type, shortcode.NAME: {}}) == "X_SHORT"
    assert shortcode.catalog_with_short_code({"X_SHORT": aws_type}) == {"X_SHORT": aws_type}


def test_short_code_through_the_support_api_to_an_active_sender(
    catalog, sandbox, tenant_a, alice, sam, django_capture_on_commit_callbacks
):
    registration = _application(tenant_a, alice)
    assert registration.current_version.preflight_findings is not None
    registration = _approve(registration, tenant_a, alice, sam, django_capture_on_commit_callbacks)
    assert registration.status == Status.SUBMITTED
    case = SupportCase.objects.get(registration=registration)
    assert (case.state, case.filing, case.kind) == ("OPEN", "API", "SHORT_CODE")
    assert sandbox.calls("CreateRegistration") == []  # no invented registration type at AWS
    at_aws = _sandbox_case(sandbox, case.aws_case_id)
    assert at_aws["subject"] == case.subject
    assert case.reference in at_aws["subject"]
    opening = at_aws["communications"][0]
    assert "Resource type: Dedicated SMS Short Codes" in opening["body"]
    assert "Quota type: Pinpoint SMS" in opening["body"]
    assert [a["fileName"] for a in opening["attachmentSet"]] == [
        support_text.APPLICATION_FILE,
        "mockup.png",
    ]
    document = support_text.application_document(registration).decode()
    assert "Company name: Example Corp" in document
    assert "HELP response: Example alerts: help at care@example.com." in document
    assert "Opt-in mockup: mockup.png (attached to the case)" in document

    # AWS Support answers with the registration form; the poll brings it to the portal.
    sandbox.request(
        "POST",
        f"/_sandbox/support/cases/{case.aws_case_id}/reply",
        {"body": "Please complete the attached short code form.", "registration_form": True},
    )
    result = support_tracking.support_cases_poll()
    assert (result.cases, result.replies, result.short_codes) == (1, 1, 0)
    registration.refresh_from_db()
    assert registration.status == Status.AWS_REVIEWING
    reply = SupportMessage.objects.get(case=case, direction="FROM_AWS")
    assert reply.body == "Please complete the attached short code form."
    assert reply.attachment_names == ["US-Short-Code-Registration-Form.txt"]
    assert reply.shared_with_tenant is False
    support.support_message_share(message=reply, actor=sam, shared=True)
    reply.refresh_from_db()
    assert reply.shared_with_tenant is True

    # Staff answer from the portal: AddCommunicationToCase, once.
    with django_capture_on_commit_callbacks(execute=True):
        support.support_case_answer(
            case=case, actor=sam, body="The completed form is the attached application."
        )
    answer = SupportMessage.objects.get(case=case, source="PORTAL")
    assert answer.sent_at is not None
    at_aws = _sandbox_case(sandbox, case.aws_case_id)
    assert at_aws["status"] == "customer-action-completed"
    assert at_aws["communications"][-1]["body"] == answer.body
    assert support_tracking.support_cases_poll().replies == 0
    assert SupportMessage.objects.filter(case=case).count() == 3  # opening, reply, answer

    # The short code appears in the account: the tenant's sender, with the approved keywords.
    sandbox.request(
        "POST", f"/_sandbox/support/cases/{case.aws_case_id}/short-code", {"short_code": "45678"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = support_tracking.support_cases_poll()
    assert (result.replies, result.short_codes) == (1, 1)
    registration.refresh_from_db()
    assert registration.status == Status.COMPLETE
    sender = Sender.objects.get(registration=registration)
    assert (sender.value, sender.number_type, sender.status) == ("45678", "SHORT_CODE", "ACTIVE")
    keywords = _keywords(sandbox, sender)
    assert keywords["HELP"] == SHORT_CODE_GOOD["keywordResponses.helpMessage"]
    assert keywords["STOP"] == SHORT_CODE_GOOD["keywordResponses.stopMessage"]
    assert keywords["YES"] == SHORT_CODE_GOOD["keywordResponses.confirmationMessage"]
    # A second pass binds nothing twice.
    assert support_tracking.support_cases_poll().short_codes == 0
    assert Sender.objects.filter(tenant=tenant_a).count() == 1


def test_short_code_without_the_support_api(
    catalog, sandbox, tenant_a, alice, sam, django_capture_on_commit_callbacks
):
    sandbox.request("PATCH", "/_sandbox/config", {"support_plan": "BASIC"})
    registration = _application(tenant_a, alice)
    registration = _approve(registration, tenant_a, alice, sam, django_capture_on_commit_callbacks)
    case = SupportCase.objects.get(registration=registration)
    assert (case.state, case.filing) == ("FILE_IN_CONSOLE", "CONSOLE")
    assert "SubscriptionRequiredException" in case.api_error
    assert registration.status == Status.SUBMITTING
    # The resume sweep leaves it alone: a person files it.
    assert pipeline.pipeline_resume_stalled() == []
    assert [f.name for f in support_text.case_files(case)] == [
        support_text.APPLICATION_FILE,
        "mockup.png",
    ]

    # Staff file it in the console (the sandbox's console: the same cases) and record its id.
    sandbox.request("PATCH", "/_sandbox/config", {"support_plan": "BUSINESS"})
    filed = boto3.client(
        "support",
        endpoint_url=sandbox.base_url,
        region_name="us-east-1",
        aws_access_key_id="sandbox",
        aws_secret_access_key="sandbox",
    ).create_case(subject=case.subject, communicationBody=case.body)["caseId"]
    sandbox.request("PATCH", "/_sandbox/config", {"support_plan": "BASIC"})
    with pytest.raises(ValidationError) as bad:
        support.support_case_record_filed(case=case, actor=sam, aws_case_id="case 1; drop")
    assert bad.value.message_dict == {
        "aws_case_id": ["A case ID has letters, digits and dashes, like case-1234…"]
    }
    with pytest.raises(ValidationError):
        support.support_reply_paste(case=case, actor=sam, body="too early")
    support.support_case_record_filed(
        case=case, actor=sam, aws_case_id=filed, display_id="17000000001"
    )
    case.refresh_from_db()
    registration.refresh_from_db()
    assert (case.state, case.aws_case_id, case.display_id) == ("OPEN", filed, "17000000001")
    assert registration.status == Status.SUBMITTED

    # AWS's reply, pasted; staff's answer is kept for the console (no API call).
    support.support_reply_paste(
        case=case, actor=sam, body="Please complete the attached form.", shared=True
    )
    registration.refresh_from_db()
    assert registration.status == Status.AWS_REVIEWING
    calls_before = len(sandbox.calls("AddCommunicationToCase"))
    with django_capture_on_commit_callbacks(execute=True):
        answer = support.support_case_answer(case=case, actor=sam, body="Form attached.")
    assert answer.sent_at is None
    assert len(sandbox.calls("AddCommunicationToCase")) == calls_before
    assert support_tracking.support_cases_poll().replies == 0  # nothing is read from the API

    sandbox.request("POST", f"/_sandbox/support/cases/{filed}/short-code", {"short_code": "56789"})
    with django_capture_on_commit_callbacks(execute=True):
        assert support_tracking.support_cases_poll().short_codes == 1
    registration.refresh_from_db()
    assert registration.status == Status.COMPLETE
    sender = Sender.objects.get(registration=registration)
    assert (sender.value, sender.status) == ("56789", "ACTIVE")
    assert (
        _keywords(sandbox, sender)["YES"]
        == (SHORT_CODE_GOOD["keywordResponses.confirmationMessage"])
    )


def test_the_application_is_prefilled_from_the_profile_and_the_sms_program(
    catalog, tenant_a, alice, settings
):
    _profile(tenant_a)
    SmsProgram.objects.create(
        tenant=tenant_a,
        program_name="Example Alerts",
        description="Invoice and payment alerts.",
        message_frequency="Up to 4 messages per month",
    )
    settings.AWS_REGION = "us-west-2"
    registration = drafts.registration_create(
        tenant=tenant_a, actor=alice, registration_type=shortcode.NAME, name="Alerts"
    )
    values = version_values(registration.current_version)
    assert {k: values.get(k) for k in (
        "companyInfo.companyName", "companyInfo.taxId", "primaryContact.firstName",
        "primaryContact.email", "customerCare.careEmail", "customerCare.carePhoneNumber",
        "customerCare.careUrl", "shortCodeService.countryCode", "shortCodeService.awsRegion",
        "useCase.serviceName", "useCase.programDescription", "useCase.messageFrequency",
    )} == {
        "companyInfo.companyName": "Example Corp",
        "companyInfo.taxId": "12-3456789",
        "primaryContact.firstName": "Ada",
        "primaryContact.email": "ada@example.com",
        "customerCare.careEmail": "ada@example.com",
        "customerCare.carePhoneNumber": "+12065550199",
        "customerCare.careUrl": "https://www.example.com",
        "shortCodeService.countryCode": "US",
        "shortCodeService.awsRegion": "us-west-2",
        "useCase.serviceName": "Example Alerts",
        "useCase.programDescription": "Invoice and payment alerts.",
        "useCase.messageFrequency": "Up to 4 messages per month",
    }  # fmt: skip
    # Preflight runs on the application like on every registration.
    drafts.registration_values_save(
        tenant=tenant_a,
        actor=alice,
        registration=registration,
        values={"keywordResponses.helpMessage": "Help"},
    )
    registration.refresh_from_db()
    assert registration.current_version.preflight_findings != []


def test_aws_short_code_type_replaces_the_portal_application(sandbox, db, tenant_a, alice):
    """Should AWS's catalog offer a type providing short codes, the next sync drops the
    portal's application and "Get registered" starts AWS's type."""
    with open(DEFAULT_OUTPUT, encoding="utf-8") as handle:
        wire = json.load(handle)
    offered = json.loads(json.dumps(wire["RegistrationTypes"][0]))
    offered["RegistrationType"] = "US_FUTURE_SHORT_CODE_REGISTRATION"
    offered["SupportedAssociations"] = [
        {
            "ResourceType": "SHORT_CODE",
            "IsoCountryCode": "US",
            "AssociationBehavior": "ASSOCIATE_ON_APPROVAL",
            "DisassociationBehavior": "DISASSOCIATE_ALL_CLOSES_REGISTRATION",
        }
    ]
    sandbox.request(
        "PUT", "/_sandbox/catalog", {"RegistrationTypes": [*wire["RegistrationTypes"], offered]}
    )
    version, _ = catalog_sync()
    assert not version.types.filter(registration_type=shortcode.NAME).exists()
    assert short_code_type_get(version) == "US_FUTURE_SHORT_CODE_REGISTRATION"
    (started,) = registrations_start(tenant=tenant_a, actor=alice, goal="short_code")
    assert started.registration_type == "US_FUTURE_SHORT_CODE_REGISTRATION"
