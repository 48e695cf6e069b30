"""Provider staff request a spend limit increase from the provider account's AWS Support page in
a real browser: a mistake is refused at its field, the request becomes a Support case opened at
the AWS sandbox's Support API, AWS's reply appears on the case page once the poll ran, and staff
answer it from the page."""

from __future__ import annotations

import pytest

from registrations.models import SupportCase, SupportMessage
from registrations.services import support_tracking
from tests.e2e.test_foundation_browser import sign_in
from tests.registrations import conftest as registration_fixtures

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

sandbox_process = registration_fixtures.sandbox_process
sandbox = registration_fixtures.sandbox


def test_staff_request_a_spend_limit_increase(page, live_server, sandbox, sam, tmp_path):
    base = live_server.url
    sign_in(page, base, "sam@provider.example")
    page.goto(f"{base}/staff/")
    page.get_by_role("link", name="AWS Support").click()
    page.wait_for_url(f"{base}/staff/aws-accounts/provider/support/")
    assert page.get_by_text("No Support case yet.").is_visible()

    page.get_by_label("Increase").select_option("SPEND_LIMIT")
    page.get_by_label("New value").fill("-5")
    page.get_by_label("Use case and expected volume").fill(
        "Order alerts for 40 tenants, about 60,000 messages a month in the US."
    )
    page.get_by_role("button", name="Request the increase").click()
    assert page.get_by_text("Enter the new limit as a positive number.", exact=True).is_visible()
    assert SupportCase.objects.count() == 0

    page.get_by_label("New value").fill("500")
    page.get_by_role("button", name="Request the increase").click()
    case = SupportCase.objects.get()
    page.wait_for_url(f"{base}/staff/support-cases/{case.pk}/")
    page.screenshot(path=str(tmp_path / "case.png"), full_page=True)
    case.refresh_from_db()
    assert (case.kind, case.state, case.filing) == ("SPEND_LIMIT", "OPEN", "API")
    assert page.locator("[data-case-state]").inner_text() == "Open at AWS Support"
    at_aws = sandbox.request("GET", "/_sandbox/support/cases")["cases"]
    assert [c["subject"] for c in at_aws] == [case.subject]
    assert case.subject.startswith("Monthly SMS spend limit increase to 500 USD")
    assert "Account Spend Threshold Increase" in at_aws[0]["communications"][0]["body"]

    # AWS Support answers; the poll brings the reply to the case page; staff answer it.
    sandbox.request(
        "POST",
        f"/_sandbox/support/cases/{case.aws_case_id}/reply",
        {"body": "We have raised your monthly spend limit to 500 USD."},
    )
    assert support_tracking.support_cases_poll().replies == 1
    page.reload()
    assert page.get_by_text("We have raised your monthly spend limit to 500 USD.").is_visible()
    page.get_by_label("Text").fill("Thank you, confirmed.")
    page.get_by_role("button", name="Send the answer").click()
    assert page.get_by_text("Sent to AWS Support.").is_visible()
    answer = SupportMessage.objects.get(case=case, source="PORTAL")
    assert answer.sent_at is not None
    at_aws = sandbox.request("GET", "/_sandbox/support/cases")["cases"][0]
    assert at_aws["communications"][-1]["body"] == "Thank you, confirmed."

    page.goto(f"{base}/staff/aws-accounts/provider/support/")
    assert page.locator(f"tr[data-support-case='{case.pk}']").is_visible()
