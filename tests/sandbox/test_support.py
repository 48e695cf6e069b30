"""The AWS Support API subset, reached by unmodified boto3 (`support`, awsJson 1.1): attachment
sets, cases, communications, AWS's errors, the "no support plan" mode and the control endpoints
that play AWS Support's side (reply with the registration form, resolve, provision the short
code into the account)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from sandbox.support import REGISTRATION_FORM_NAME, service_model
from sandbox.validator import check_output


@pytest.fixture
def support(base_url, app):
    app.settings.support_plan = "BUSINESS"
    yield boto3.client(
        "support",
        endpoint_url=base_url,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
    )
    app.settings.support_plan = "BUSINESS"


def _shape_ok(operation: str, body: dict) -> None:
    body = {k: v for k, v in body.items() if k != "ResponseMetadata"}
    problems = check_output(service_model().operation_model(operation).output_shape, body)
    assert problems == [], problems


def test_case_with_attachments_reply_and_short_code(support, client, control):
    made = support.add_attachments_to_set(
        attachments=[
            {"fileName": "application.txt", "data": b"the application"},
            {"fileName": "mockup.png", "data": b"\x89PNG..."},
        ]
    )
    _shape_ok("AddAttachmentsToSet", made)
    case_id = support.create_case(
        subject="Short code request",
        communicationBody="Please provision a US short code.",
        issueType="customer-service",
        language="en",
        attachmentSetId=made["attachmentSetId"],
    )["caseId"]
    assert case_id.startswith("case-")
    # An attachment set is used once.
    with pytest.raises(ClientError) as used:
        support.create_case(
            subject="again", communicationBody="x", attachmentSetId=made["attachmentSetId"]
        )
    assert used.value.response["Error"]["Code"] == "AttachmentSetExpired"

    cases = support.describe_cases(caseIdList=[case_id])
    _shape_ok("DescribeCases", cases)
    (case,) = cases["cases"]
    assert case["status"] == "opened"
    assert case["subject"] == "Short code request"
    first = case["recentCommunications"]["communications"][0]
    assert [a["fileName"] for a in first["attachmentSet"]] == ["application.txt", "mockup.png"]

    reply = control.post(
        f"/_sandbox/support/cases/{case_id}/reply",
        {"body": "Please complete the attached form.", "registration_form": True},
    )
    assert reply["submittedBy"] == "Amazon Web Services"
    after = support.describe_communications(caseId=case_id, afterTime=first["timeCreated"])
    _shape_ok("DescribeCommunications", after)
    newest = after["communications"][0]
    assert newest["body"] == "Please complete the attached form."
    assert [a["fileName"] for a in newest["attachmentSet"]] == [REGISTRATION_FORM_NAME]
    assert support.describe_cases(caseIdList=[case_id])["cases"][0]["status"] == (
        "pending-customer-action"
    )

    assert (
        support.add_communication_to_case(caseId=case_id, communicationBody="Form attached.")[
            "result"
        ]
        is True
    )
    assert support.describe_cases(caseIdList=[case_id])["cases"][0]["status"] == (
        "customer-action-completed"
    )
    assert len(support.describe_communications(caseId=case_id)["communications"]) == 3

    number = control.post(f"/_sandbox/support/cases/{case_id}/short-code", {"short_code": "45678"})
    assert number["NumberType"] == "SHORT_CODE"
    listed = client.describe_phone_numbers(
        Filters=[{"Name": "number-type", "Values": ["SHORT_CODE"]}]
    )["PhoneNumbers"]
    assert [(n["PhoneNumber"], n["Status"]) for n in listed] == [("45678", "ACTIVE")]

    control.post(f"/_sandbox/support/cases/{case_id}/resolve")
    assert support.describe_cases()["cases"] == []
    resolved = support.describe_cases(includeResolvedCases=True)["cases"]
    assert [c["status"] for c in resolved] == ["resolved"]


def test_errors_as_aws_answers_them(support, control):
    with pytest.raises(ClientError) as missing:
        support.describe_communications(caseId="case-123456789012-muen-2026-0000000000000000")
    assert missing.value.response["Error"]["Code"] == "CaseIdNotFound"
    with pytest.raises(ClientError) as unknown_set:
        support.create_case(subject="s", communicationBody="b", attachmentSetId="as-nope")
    assert unknown_set.value.response["Error"]["Code"] == "AttachmentSetIdNotFound"
    with pytest.raises(ClientError) as too_many:
        support.add_attachments_to_set(
            attachments=[{"fileName": f"{i}.txt", "data": b"x"} for i in range(4)]
        )
    assert too_many.value.response["Error"]["Code"] == "AttachmentLimitExceeded"
    with pytest.raises(ClientError) as big:
        support.add_attachments_to_set(
            attachments=[{"fileName": "big.pdf", "data": b"x" * (5 * 1024 * 1024 + 1)}]
        )
    assert big.value.response["Error"]["Code"] == "AttachmentSetSizeLimitExceeded"
    # botocore checks lengths before sending; a raw request shows what the service answers.
    raw = urllib.request.Request(
        control.base_url + "/",
        data=json.dumps({"subject": "s", "communicationBody": ""}).encode(),
        headers={
            "X-Amz-Target": "AWSSupport_20130415.CreateCase",
            "Content-Type": "application/x-amz-json-1.1",
        },
    )
    with pytest.raises(urllib.error.HTTPError) as empty_body:
        urllib.request.urlopen(raw, timeout=10)
    assert empty_body.value.code == 400
    assert json.loads(empty_body.value.read())["__type"] == "ValidationException"
    assert control.call("POST", "/_sandbox/support/cases/case-none/reply", {"body": "x"})[0] == 404
    assert control.call("POST", "/_sandbox/support/cases/case-none/resolve", {})[0] == 404


def test_no_support_plan_answers_subscription_required(support, control):
    status, _ = control.call("PATCH", "/_sandbox/config", {"support_plan": "BASIC"})
    assert status == 200
    with pytest.raises(ClientError) as refused:
        support.create_case(subject="s", communicationBody="b")
    error = refused.value.response["Error"]
    assert error["Code"] == "SubscriptionRequiredException"
    assert error["Message"] == "AWS Premium Support Subscription is required to use this service."
    assert control.call("PATCH", "/_sandbox/config", {"support_plan": "GOLD"})[0] == 400
