"""A reviewer records a brand vetting's score in the browser (AWS's API has none; the console
shows it), a mistake refused at its field; the 10DLC number of a campaign created after the
vetting then shows its class, and the MPS increase request opens prefilled (issue 19)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from registrations.models import Registration, Sender
from tests.e2e.registration_helpers import sign_in
from tests.registrations.test_ten_dlc_order import _complete_brand, _complete_campaign
from tests.staff.test_vetting_score import _complete_vetting

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_reviewer_records_the_vetting_score_and_requests_the_increase(
    page, live_server, catalog, sandbox, tenant_a, alice, sam, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    brand = _complete_brand(tenant_a, alice, sam, sandbox, capture)
    vetting = _complete_vetting(tenant_a, alice, sam, sandbox, capture, brand)
    base = live_server.url
    sign_in(page, base, sam.email)
    page.goto(f"{base}/staff/registrations/{vetting.pk}/")
    section = page.locator("#vetting-score")
    expect(section).to_contain_text("No score recorded yet.")
    section.get_by_label("Vetting score (0–100)").fill("120")
    section.get_by_label("Where you read it").fill("AWS console, 2026-12-05")
    section.get_by_role("button", name="Record the score").click()
    expect(page.locator("#vetting-score")).to_contain_text("less than or equal to 100")
    assert Registration.objects.get(pk=vetting.pk).vetting_score is None

    page.locator("#vetting-score").get_by_label("Vetting score (0–100)").fill("62")
    page.locator("#vetting-score").get_by_role("button", name="Record the score").click()
    expect(page.locator("[data-ten-dlc-class]")).to_have_text("Medium-High")
    assert Registration.objects.get(pk=vetting.pk).vetting_score == 62

    campaign = _complete_campaign(tenant_a, alice, sam, sandbox, capture, brand)
    number = Sender.objects.get(registration=campaign)
    page.goto(f"{base}/staff/tenants/{tenant_a.slug}/senders/{number.pk}/")
    throughput = page.locator("#throughput")
    expect(throughput).to_contain_text("qualifies for Medium-High")
    expect(throughput).to_contain_text("40 MPS at AT&T")
    link = f"Request a messages-per-second increase for {number.value}"
    throughput.get_by_role("link", name=link).click()
    expect(page.get_by_label("Increase")).to_have_value("MPS")
    expect(page.get_by_label("New value")).to_have_value("40")
    expect(page.get_by_label("Number (for messages per second)")).to_have_value(number.value)
    expect(page.get_by_label("Use case and expected volume")).to_contain_text(
        "qualifies for the Medium-High class"
    )

    page.context.clear_cookies()  # the tenant's admin, in the same browser
    sign_in(page, base, alice.email)
    page.goto(f"{base}/t/{tenant_a.slug}/senders/")
    row = page.locator(f"tr[data-sender='{number.value}']")
    expect(row).to_contain_text("Campaign qualifies for Medium-High")
    expect(row).to_contain_text("1 message part per second")
