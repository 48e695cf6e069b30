"""A tenant admin registers a 10DLC brand, then its campaign, and a sender ID for India, in the
browser; staff approve through the service, a real Celery worker process runs the submission
pipeline, and the sandbox approves each."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from registrations.models import Registration
from registrations.services import review, tracking
from registrations.states import Status
from tests.e2e.conftest import wait_for
from tests.e2e.registration_helpers import Shots, optin_png, sign_in, walk_wizard
from tests.registrations.test_engine import _profile
from tests.sandbox.forms import BRAND_GOOD, CAMPAIGN_GOOD, IN_SENDER_ID_GOOD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _approve_at_aws(registration, sam, sandbox, worker_log):
    review.version_approve(actor=sam, registration=registration)  # the worker runs it
    wait_for(
        lambda: Registration.objects.get(pk=registration.pk).status == Status.SUBMITTED,
        timeout=30,
        log_path=worker_log,
        what=f"the worker to submit {registration.name}",
    )
    assert "registration_submit_task[" in worker_log.read_text()  # ran there, not here
    registration.refresh_from_db()
    sandbox.decide(registration.aws_registration_id, 1, "approve")
    tracking.reconcile_pass(force=True)
    registration.refresh_from_db()
    assert registration.status == Status.COMPLETE


def test_ten_dlc_brand_then_campaign(
    page,
    live_server,
    catalog,
    sandbox,
    tenant_a,
    alice,
    sam,
    tmp_path,
    celery_worker,
):
    _profile(tenant_a)
    base = live_server.url
    shot = Shots(page, "ten_dlc_brand_then_campaign")
    sign_in(page, base, alice.email)
    page.goto(f"{base}/t/{tenant_a.slug}/registrations/start/")
    page.get_by_label(re.compile(r"local \(10DLC\) number")).check()
    expect(page.locator('[data-show-for="ten_dlc"]')).to_be_visible()
    page.get_by_label("A name for this registration").fill("Order alerts")
    shot("get registered 10dlc")
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_text("Started: Acme Anvils brand, Order alerts.")).to_be_visible()
    brand = Registration.objects.get(
        tenant=tenant_a, registration_type="US_TEN_DLC_BRAND_REGISTRATION"
    )
    campaign = Registration.objects.get(tenant=tenant_a, depends_on=brand)
    assert campaign.name == "Order alerts"

    walk_wizard(page, BRAND_GOOD, None, shot, "brand")
    shot("brand review")
    page.get_by_role("button", name="Send for review").click()
    expect(page.locator("#status")).to_have_text("In provider review")
    page.goto(f"{base}/t/{tenant_a.slug}/registrations/")
    rows = page.locator("table.reg-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Acme Anvils brand")
    expect(rows.nth(1)).to_contain_text("for Acme Anvils brand")
    shot("list brand and campaign together")

    _approve_at_aws(brand, sam, sandbox, celery_worker)
    page.reload()
    expect(rows.nth(0).locator(".badge")).to_have_text("Complete")
    page.get_by_role("link", name="Order alerts").click()
    expect(page.locator("#status")).to_have_attribute("data-status", "DRAFT")
    expect(page.get_by_text("Brand: Acme Anvils brand")).to_be_visible()
    page.get_by_role("link", name="Continue the form").click()
    image = optin_png(tmp_path / "optin.png")
    walk_wizard(page, CAMPAIGN_GOOD, {"campaignInfo.optInScreenshot": image}, shot, "campaign")
    shot("campaign review")
    page.get_by_role("button", name="Send for review").click()
    expect(page.locator("#status")).to_have_text("In provider review")

    _approve_at_aws(campaign, sam, sandbox, celery_worker)
    page.reload()
    expect(page.locator("#status")).to_have_attribute("data-status", "COMPLETE")
    shot("campaign complete")


def test_sender_id_for_a_country(
    page, live_server, catalog, sandbox, tenant_a, alice, sam, celery_worker
):
    _profile(tenant_a)
    base = live_server.url
    shot = Shots(page, "sender_id_india")
    sign_in(page, base, alice.email)
    page.goto(f"{base}/t/{tenant_a.slug}/registrations/start/")
    page.get_by_label(re.compile("alphanumeric name")).check()
    page.locator('input[name=sender_id_types][value="IN_SENDER_ID_REGISTRATION"]').check()
    shot("get registered sender id")
    page.get_by_role("button", name="Start").click()
    walk_wizard(page, IN_SENDER_ID_GOOD, None, shot, "sender id")
    shot("sender id review")
    page.get_by_role("button", name="Send for review").click()
    expect(page.locator("#status")).to_have_text("In provider review")
    registration = Registration.objects.get(tenant=tenant_a)
    assert registration.name == "Sender ID (IN)"
    _approve_at_aws(registration, sam, sandbox, celery_worker)
    page.reload()
    expect(page.locator("#status")).to_have_attribute("data-status", "COMPLETE")
    shot("sender id complete")
