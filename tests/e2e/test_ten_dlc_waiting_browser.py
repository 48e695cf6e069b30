"""A tenant admin sends the 10DLC brand and, without waiting, its campaign, in the browser: the
campaign reads "Waiting for brand" and reaches the provider's review by itself once AWS
approves the brand (issue 19)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from registrations.models import Registration
from registrations.states import Status
from tests.e2e.registration_helpers import Shots, optin_png, sign_in, walk_wizard
from tests.e2e.test_registration_ten_dlc_and_sender_id import _approve_at_aws
from tests.registrations.test_engine import _profile
from tests.sandbox.forms import BRAND_GOOD, CAMPAIGN_GOOD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_campaign_sent_before_its_brand_waits_then_reaches_review(
    page, live_server, catalog, sandbox, tenant_a, alice, sam, tmp_path, celery_worker
):
    _profile(tenant_a)
    base = live_server.url
    shot = Shots(page, "ten_dlc_campaign_waits_for_brand")
    sign_in(page, base, alice.email)
    page.goto(f"{base}/t/{tenant_a.slug}/registrations/start/")
    page.get_by_label(re.compile(r"local \(10DLC\) number")).check()
    page.get_by_label("A name for this registration").fill("Order alerts")
    page.get_by_role("button", name="Start").click()
    brand = Registration.objects.get(
        tenant=tenant_a, registration_type="US_TEN_DLC_BRAND_REGISTRATION"
    )
    campaign = Registration.objects.get(tenant=tenant_a, depends_on=brand)

    walk_wizard(page, BRAND_GOOD, None, shot, "brand")
    page.get_by_role("button", name="Send for review").click()
    expect(page.locator("#status")).to_have_text("In provider review")

    page.goto(f"{base}/t/{tenant_a.slug}/registrations/{campaign.pk}/")
    page.get_by_role("link", name="Continue the form").click()
    image = optin_png(tmp_path / "optin.png")
    walk_wizard(page, CAMPAIGN_GOOD, {"campaignInfo.optInScreenshot": image}, shot, "campaign")
    page.get_by_role("button", name="Send for review").click()
    expect(page.get_by_text("It waits for its brand")).to_be_visible()
    expect(page.locator("#status")).to_have_text("Waiting for brand")
    shot("campaign waiting for brand")

    _approve_at_aws(brand, sam, sandbox, celery_worker)
    assert Registration.objects.get(pk=campaign.pk).status == Status.IN_REVIEW
    page.reload()
    expect(page.locator("#status")).to_have_text("In provider review")
    shot("campaign in provider review")
