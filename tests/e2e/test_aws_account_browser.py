"""Provider staff open the AWS account readiness page in a real browser, read the account
from AWS (the sandbox, in its SMS sandbox tier), and verify a destination number with the
code AWS texted it; the page fits a phone's width and a desktop's."""

from __future__ import annotations

import boto3
import pytest

from registrations.models import AccountReadiness
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
