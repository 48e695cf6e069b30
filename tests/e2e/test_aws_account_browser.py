"""Provider staff open the AWS account readiness page in a real browser, read the account
from AWS (the sandbox, in its SMS sandbox tier), and verify a destination number with the
code AWS texted it; the page fits a phone's width and a desktop's."""

from __future__ import annotations

import boto3
import pytest

from registrations.models import AccountReadiness, SupportCase
from tests.e2e.test_foundation_browser import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NUMBER = "+447700900123"


@pytest.fixture
def sandbox_tier(sandbox):
    sandbox.request("PATCH", "/_sandbox/config", {"account_tier": "SANDBOX"})
    boto3.client(
        "pinpoint-sms-voice-v2", endpoint_url=sandbox.base_url, region_name="us-east-1",
        aws_access_key_id="sandbox", aws_secret_access_key="sandbox",
    ).request_phone_number(
        IsoCountryCode="GB", MessageType="TRANSACTIONAL", NumberCapabilities=["SMS"],
        NumberType="LONG_CODE",
    )  # fmt: skip
    yield sandbox
    sandbox.request("PATCH", "/_sandbox/config", {"account_tier": "PRODUCTION"})


def _no_overflow(page, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"the page is {scroll}px wide in a {width}px window"


def test_staff_open_the_readiness_page_and_verify_a_number(
    browser, page, live_server, sandbox_tier, sam, tenant_a, tmp_path
):
    base = live_server.url
    sign_in(page, base, "sam@provider.example")
    page.wait_for_url(f"{base}/staff/")
    page.get_by_role("link", name="AWS account").click()
    page.wait_for_url(f"{base}/staff/aws/")
    assert page.get_by_role("heading", name="AWS account readiness").is_visible()
    assert page.get_by_text("Not read from AWS yet.").is_visible()
    page.get_by_role("button", name="Read from AWS now").click()
    page.wait_for_url(f"{base}/staff/aws/")
    assert page.locator("[data-tier=SANDBOX]").is_visible()
    assert page.get_by_text("Read from AWS", exact=False).first.is_visible()
    assert page.locator("tr[data-limit=POOLS]").is_visible()

    page.get_by_label("Phone number").fill(NUMBER)
    page.get_by_role("button", name="Add and text a code").click()
    page.wait_for_url(f"{base}/staff/aws/")
    assert page.get_by_text("AWS texted the number a code").is_visible()
    row = page.locator(f'tr[data-verified="{NUMBER}"]')
    assert row.get_attribute("data-status") == "PENDING"
    code = [
        m["VerificationCode"]
        for m in sandbox_tier.request("GET", "/_sandbox/messages")["messages"]
        if m.get("VerificationCode")
    ][-1]
    row.get_by_label(f"Code sent to {NUMBER}").fill(code)
    row.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"{base}/staff/aws/")
    assert page.get_by_text("Verified: the account may now send to this number.").is_visible()
    assert page.locator(f'tr[data-verified="{NUMBER}"]').get_attribute("data-status") == (
        "VERIFIED"
    )
    (stored,) = AccountReadiness.objects.get(scope="provider").verified_numbers
    assert stored["status"] == "VERIFIED"
    _no_overflow(page, 1280)
    page.screenshot(path=str(tmp_path / "aws-account-1280.png"), full_page=True)

    phone = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        small = phone.new_page()
        sign_in(small, base, "sam@provider.example")
        small.wait_for_url(f"{base}/staff/")
        small.goto(f"{base}/staff/aws/")
        assert small.locator("[data-tier=SANDBOX]").is_visible()
        _no_overflow(small, 390)
        small.screenshot(path=str(tmp_path / "aws-account-390.png"), full_page=True)
        small.goto(f"{base}/staff/aws/tenants/acme/")
        assert small.get_by_role("heading", name="AWS account of Acme Anvils").is_visible()
        _no_overflow(small, 390)
    finally:
        phone.close()


def test_staff_request_a_spend_limit_increase_from_the_readiness_page(
    page, live_server, sandbox, sam
):
    """From the readiness page's spend limit to an AWS Support case opened at the sandbox's
    Support API over HTTP; the case is then listed among the account's open cases on the
    readiness page and leads to the case page."""
    base = live_server.url
    sign_in(page, base, "sam@provider.example")
    page.wait_for_url(f"{base}/staff/")
    page.get_by_role("link", name="AWS account").click()
    page.wait_for_url(f"{base}/staff/aws/")
    page.get_by_role("button", name="Read from AWS now").click()
    page.wait_for_url(f"{base}/staff/aws/")
    assert page.locator("[data-spend-limit]").get_attribute("data-spend-limit") == "100"
    assert page.locator("#support-cases").get_by_text("No open case.").is_visible()

    page.get_by_role("link", name="Request a spend limit increase").click()
    page.wait_for_url(f"{base}/staff/aws-accounts/provider/support/?kind=SPEND_LIMIT#request")
    assert page.get_by_label("Increase").input_value() == "SPEND_LIMIT"
    page.get_by_label("New value").fill("2500")
    page.get_by_label("Use case and expected volume").fill(
        "Order and delivery alerts for 40 tenants, about 300,000 messages a month in the US."
    )
    page.get_by_role("button", name="Request the increase").click()
    page.wait_for_url(f"{base}/staff/support-cases/*/")
    case = SupportCase.objects.get()
    assert page.url == f"{base}/staff/support-cases/{case.pk}/"
    assert page.locator("[data-case-state]").inner_text() == "Open at AWS Support"
    (at_aws,) = sandbox.request("GET", "/_sandbox/support/cases")["cases"]
    assert at_aws["caseId"] == case.aws_case_id
    assert at_aws["subject"] == case.subject
    assert case.subject.startswith("Monthly SMS spend limit increase to 2500 USD")
    assert "300,000 messages a month" in at_aws["communications"][0]["body"]

    page.get_by_role("link", name="AWS account", exact=True).click()
    page.wait_for_url(f"{base}/staff/aws/")
    row = page.locator(f'#support-cases tr[data-support-case="{case.pk}"]')
    assert row.get_attribute("data-state") == "OPEN"
    assert row.get_by_text("Monthly SMS spend limit · 2500").is_visible()
    row.get_by_role("link", name=case.display_id).click()
    page.wait_for_url(f"{base}/staff/support-cases/{case.pk}/")
    assert page.get_by_role("heading", name=case.subject).is_visible()
