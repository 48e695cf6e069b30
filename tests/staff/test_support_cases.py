"""The staff AWS Support pages: a limit increase request and the actions on a case refuse bad
input with a 400 that says what to fix and leave nothing behind; a viewer cannot act; console
filing offers the case's files; the tenant sees only the replies staff chose to show."""

from __future__ import annotations

import re

import pytest

from registrations.models import AccountReadiness, Sender, SupportCase, SupportMessage
from registrations.services import support_text, support_tracking
from tenants.models import AuditEntry
from tests.conftest import client_for
from tests.registrations.test_short_code import _application, _approve

pytestmark = pytest.mark.django_db

PROVIDER = "/staff/aws-accounts/provider/support/"


def test_a_bad_increase_request_is_refused_at_its_field_and_stores_nothing(sandbox, sam):
    cases = [
        ({"kind": "SPEND_LIMIT", "value": "lots", "justification": "x" * 30}, b"positive number"),
        ({"kind": "QUOTA", "value": "20", "justification": "x" * 30}, b"Name the quota"),
        (
            {"kind": "MPS", "value": "20", "number": "+12065550142", "justification": "short"},
            b"20+ characters",
        ),
        (
            {"kind": "MPS", "value": "20", "number": "call me", "justification": "x" * 30},
            b"Name the number whose throughput to raise",
        ),
        ({"kind": "BANANAS", "value": "20", "justification": "x" * 30}, b"Select a valid choice"),
    ]
    for body, said in cases:
        response = client_for(sam).post(PROVIDER + "request/", body)
        assert response.status_code == 400, body
        assert said in response.content, body
    assert SupportCase.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="support_case").exists()


def test_a_viewer_cannot_request_or_act(sandbox, vic, sam):
    body = {"kind": "SPEND_LIMIT", "value": "50", "justification": "x" * 30}
    assert client_for(vic).post(PROVIDER + "request/", body).status_code == 403
    assert SupportCase.objects.count() == 0
    assert client_for(vic).get(PROVIDER).status_code == 200


def test_console_filing_offers_the_files_and_refuses_bad_actions(
    catalog, sandbox, tenant_a, alice, sam, django_capture_on_commit_callbacks
):
    sandbox.request("PATCH", "/_sandbox/config", {"support_plan": "BASIC"})
    registration = _approve(
        _application(tenant_a, alice), tenant_a, alice, sam, django_capture_on_commit_callbacks
    )
    case = SupportCase.objects.get(registration=registration)
    page = client_for(sam).get(f"/staff/support-cases/{case.pk}/")
    assert page.status_code == 200
    assert b"File this case in the AWS console" in page.content
    assert b"SubscriptionRequiredException" in page.content
    document = client_for(sam).get(f"/staff/support-cases/{case.pk}/files/0/")
    assert document.status_code == 200
    assert document.content == support_text.application_document(registration)
    assert client_for(sam).get(f"/staff/support-cases/{case.pk}/files/9/").status_code == 404

    act = f"/staff/support-cases/{case.pk}/act/"
    refused = [
        ({"action": "explode"}, b"Select a valid choice"),
        ({"action": "filed", "aws_case_id": ""}, b"Enter the case ID AWS Support shows."),
        ({"action": "filed", "aws_case_id": "case-1", "display_id": "12a"}, b"digits only"),
        ({"action": "paste", "body": "AWS says hi"}, b"Record the case ID first"),
        ({"action": "share", "message": "999999"}, b"No such message on this case."),
        ({"action": "short_code", "short_code": "12ab"}, b"A short code has 3 to 8 digits."),
    ]
    for body, said in refused:
        response = client_for(sam).post(act, body)
        assert response.status_code == 400, body
        assert said in response.content, body
    case.refresh_from_db()
    assert (case.state, case.aws_case_id, case.short_code) == ("FILE_IN_CONSOLE", "", "")
    assert SupportMessage.objects.count() == 0

    response = client_for(sam).post(
        act, {"action": "filed", "aws_case_id": "case-123456789012-muen-2026-0123456789abcdef"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.state, case.filing) == ("OPEN", "CONSOLE")


def test_the_tenant_sees_only_the_replies_staff_shared(
    catalog, sandbox, tenant_a, alice, sam, django_capture_on_commit_callbacks
):
    registration = _approve(
        _application(tenant_a, alice), tenant_a, alice, sam, django_capture_on_commit_callbacks
    )
    case = SupportCase.objects.get(registration=registration)
    for text in ("Internal: pricing confirmed.", "Your form needs a clearer opt-in mock-up."):
        sandbox.request("POST", f"/_sandbox/support/cases/{case.aws_case_id}/reply", {"body": text})
        support_tracking.support_cases_poll()
    shown = SupportMessage.objects.get(body__startswith="Your form")
    response = client_for(sam).post(
        f"/staff/support-cases/{case.pk}/act/", {"action": "share", "message": shown.pk}
    )
    assert response.status_code == 302
    staff_page = client_for(sam).get(f"/staff/registrations/{registration.pk}/")
    assert b"Internal: pricing confirmed." in staff_page.content  # staff see every reply
    assert b"Your form needs a clearer opt-in mock-up." in staff_page.content
    page = client_for(alice).get(f"/t/{tenant_a.slug}/registrations/{registration.pk}/")
    assert page.status_code == 200
    assert b"Your form needs a clearer opt-in mock-up." in page.content
    assert b"Internal: pricing confirmed." not in page.content
    # What the status means for a short code, in its own words: AWS Support, then the carriers.
    text = page.content.decode()
    assert "AWS Support is working on the request with your provider" in text
    assert "8–12 weeks for a short code to become active on all carrier networks" in text
    assert "Wait for AWS Support and the carriers (8–12 weeks, no guaranteed date)" in text
    assert "AWS checks the form before the carriers see it" not in text  # a registration's
    listed = client_for(alice).get(f"/t/{tenant_a.slug}/registrations/").content.decode()
    assert "Wait for AWS Support and the carriers (8–12 weeks, no guaranteed date)" in listed


@pytest.mark.parametrize("count", [2, 20])
def test_the_account_page_costs_the_same_with_more_cases(
    count, tenant_a, sam, django_assert_max_num_queries
):
    for n in range(count):
        SupportCase.objects.create(
            tenant=tenant_a if n % 2 else None,
            kind="MPS",
            reference=f"ref-{n}",
            subject=f"MPS increase {n}",
            body="b",
        )
    with django_assert_max_num_queries(22):
        response = client_for(sam).get(PROVIDER)
    assert response.status_code == 200
    assert response.content.count(b"data-support-case=") == count


def test_staff_resolve_a_console_case_and_a_case_resolved_at_aws_shows_resolved(
    sandbox, sam, django_capture_on_commit_callbacks
):
    """Without the Support API staff record the outcome themselves (with an audit entry); a
    case opened through the API takes AWS's own status, read by the poll."""
    body = {
        "kind": "MPS",
        "value": "20",
        "number": "+12065550142",
        "justification": "Order alerts, 3,000 an hour at peak.",
    }
    sandbox.request("PATCH", "/_sandbox/config", {"support_plan": "BASIC"})
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(sam).post(PROVIDER + "request/", body).status_code == 302
    console = SupportCase.objects.get()
    assert console.state == "FILE_IN_CONSOLE"
    act = f"/staff/support-cases/{console.pk}/act/"
    refused = client_for(sam).post(act, {"action": "resolve"})
    assert refused.status_code == 400  # not filed yet: nothing to resolve
    assert b"Only a case filed in the console is resolved here" in refused.content
    filed = client_for(sam).post(act, {"action": "filed", "aws_case_id": "case-77"})
    assert filed.status_code == 302
    page = client_for(sam).get(f"/staff/support-cases/{console.pk}/")
    assert b"Mark resolved" in page.content

    assert client_for(sam).post(act, {"action": "resolve"}).status_code == 302
    console.refresh_from_db()
    assert (console.state, console.aws_status) == ("RESOLVED", "resolved")
    entry = AuditEntry.objects.get(action="support_case.resolve")
    assert (entry.actor, entry.after["state"]) == (sam, "RESOLVED")
    page = client_for(sam).get(f"/staff/support-cases/{console.pk}/")
    assert b"<strong data-case-state>Resolved</strong>" in page.content
    again = client_for(sam).post(act, {"action": "resolve"})
    assert again.status_code == 400
    assert b"already resolved" in again.content
    assert AuditEntry.objects.filter(action="support_case.resolve").count() == 1
    assert client_for(sam).post(act, {"action": "reopen"}).status_code == 302
    console.refresh_from_db()
    assert console.state == "OPEN"
    assert AuditEntry.objects.filter(action="support_case.reopen").count() == 1

    sandbox.request("PATCH", "/_sandbox/config", {"support_plan": "BUSINESS"})
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(sam).post(PROVIDER + "request/", body).status_code == 302
    api = SupportCase.objects.exclude(pk=console.pk).get()
    assert (api.state, api.filing) == ("OPEN", "API")
    api_act = f"/staff/support-cases/{api.pk}/act/"
    staff_resolve = client_for(sam).post(api_act, {"action": "resolve"})
    assert staff_resolve.status_code == 400  # AWS says when an API case is resolved
    sandbox.request("POST", f"/_sandbox/support/cases/{api.aws_case_id}/resolve")
    support_tracking.support_cases_poll()
    api.refresh_from_db()
    assert (api.state, api.aws_status) == ("RESOLVED", "resolved")
    page = client_for(sam).get(f"/staff/support-cases/{api.pk}/")
    assert b"<strong data-case-state>Resolved</strong>" in page.content
    assert b"AWS status: resolved" in page.content
    assert b"Mark resolved" not in page.content
    readiness = client_for(sam).get("/staff/aws/")
    assert f'data-support-case="{api.pk}"'.encode() not in readiness.content  # no longer open


def test_the_readiness_page_links_a_full_quota_to_a_prefilled_increase_request(sam, vic):
    AccountReadiness.objects.create(
        scope="provider",
        tier="PRODUCTION",
        limits=[
            {"name": "POOLS", "used": 25, "maximum": 25},
            {"name": "CONFIGURATION_SETS", "used": 2, "maximum": 25},
        ],
    )
    page = client_for(sam).get("/staff/aws/").content.decode()
    links = re.findall(r'href="([^"]+)" data-request="QUOTA"', page)
    assert links == [PROVIDER + "?kind=QUOTA&amp;quota=Phone%20pools#request"]  # only the full one
    assert 'data-request="QUOTA"' not in client_for(vic).get("/staff/aws/").content.decode()

    form = client_for(sam).get(PROVIDER, {"kind": "QUOTA", "quota": "Phone pools"})
    assert '<option value="QUOTA" selected>' in form.content.decode()
    assert 'value="Phone pools"' in form.content.decode()
    ignored = client_for(sam).get(PROVIDER, {"kind": "BANANAS", "quota": "x" * 200})
    assert ignored.status_code == 200
    assert "selected>" not in ignored.content.decode().split('name="kind"')[1].split("</select>")[0]
    assert "x" * 81 not in ignored.content.decode()


def test_staff_request_production_access_for_a_sandbox_tier_account(
    sandbox, sam, settings, django_capture_on_commit_callbacks
):
    """Moving out of the SMS sandbox is a service limit increase (seed 001): quota SMS
    Production Access, resource type General Limits, new value 1, for the Region."""
    AccountReadiness.objects.create(scope="provider", tier="SANDBOX")
    page = client_for(sam).get("/staff/aws/").content.decode()
    assert f'href="{PROVIDER}?kind=PRODUCTION_ACCESS#request"' in page
    no_value = {"kind": "MPS", "value": "", "number": "56789", "justification": "x" * 30}
    refused = client_for(sam).post(PROVIDER + "request/", no_value)
    assert refused.status_code == 400
    assert b"Enter the new limit as a positive number." in refused.content

    body = {
        "kind": "PRODUCTION_ACCESS",
        "value": "",
        "justification": "Transactional order alerts for 40 tenants, tested in the sandbox.",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(sam).post(PROVIDER + "request/", body).status_code == 302
    case = SupportCase.objects.get()
    assert (case.kind, case.requested_value, case.state) == ("PRODUCTION_ACCESS", "1", "OPEN")
    assert case.subject.startswith(f"SMS production access in {settings.AWS_REGION} [")
    assert (
        "Resource type: General Limits\nQuota: SMS Production Access\nNew quota value: 1"
        in case.body
    )
    (at_aws,) = sandbox.request("GET", "/_sandbox/support/cases")["cases"]
    assert at_aws["subject"] == case.subject


def test_an_mps_increase_names_the_number_from_the_senders_page(
    sandbox, tenant_a, sam, settings, django_capture_on_commit_callbacks
):
    sender = Sender.objects.create(
        tenant=tenant_a,
        kind=Sender.Kind.PHONE_NUMBER,
        value="56789",
        iso_country="US",
        number_type="SHORT_CODE",
        aws_id="phone-1",
        status="ACTIVE",
    )
    page = client_for(sam).get(f"/staff/tenants/acme/senders/{sender.pk}/").content.decode()
    assert f'href="{PROVIDER}?kind=MPS&amp;number=56789#request" data-request="MPS"' in page
    form = client_for(sam).get(PROVIDER, {"kind": "MPS", "number": "56789"}).content.decode()
    assert '<option value="MPS" selected>' in form and 'value="56789"' in form
    body = {
        "kind": "MPS",
        "value": "300",
        "number": "56789",
        "justification": "Launch of order alerts: 250 messages per second at peak.",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(sam).post(PROVIDER + "request/", body).status_code == 302
    case = SupportCase.objects.get()
    assert case.subject.startswith("SMS messages per second increase to 300 for 56789 [")
    assert (
        f"Region: {settings.AWS_REGION}\nPhone number: 56789\nQuota: Message parts per second"
        in case.body
    )
    (at_aws,) = sandbox.request("GET", "/_sandbox/support/cases")["cases"]
    assert "Phone number: 56789" in at_aws["communications"][0]["body"]
