"""A new tenant admin registers a US toll-free number in the browser, from an empty tenant to
COMPLETE: the wizard, an opt-in screenshot, preflight, review; staff approve (service); the
sandbox denies with reasons; the reasons appear at the fields; the admin fixes and resubmits;
the sandbox approves.

The portal (live server), a real Celery worker process (`celery -A portal worker`, on the live
server's test database, eager mode off) and the sandbox process all run for real: the pipeline
runs in the worker, and the test waits for each state by polling the database."""

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
from tests.sandbox.forms import TFN_GOOD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SAMPLE = "messageSamples.messageSample1"


def test_toll_free_from_empty_tenant_to_complete(
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
    shot = Shots(page, "toll_free_to_complete")
    sign_in(page, base, alice.email)
    page.get_by_role("link", name="Register a sender").click()
    expect(page.get_by_role("heading", name="Get registered")).to_be_visible()
    page.get_by_label(re.compile("from a toll-free number")).check()
    page.get_by_label("A name for this registration").fill("Account alerts")
    shot("get registered")
    page.get_by_role("button", name="Start").click()

    image = optin_png(tmp_path / "optin.png")
    steps = walk_wizard(page, TFN_GOOD, {"messagingUseCase.optInImage": image}, shot, "toll-free")
    assert steps >= 4
    expect(page.get_by_text("All checks pass: no problem found in this form.")).to_be_visible()
    expect(page.locator("#f-messagingUseCase-optInImage dd")).to_contain_text("optin.png")
    shot("review")
    page.get_by_role("button", name="Send for review").click()
    expect(page.locator("#status")).to_have_text("In provider review")
    shot("sent for review")

    registration = Registration.objects.get(tenant=tenant_a)
    review.version_approve(actor=sam, registration=registration)  # the worker runs it
    wait_for(
        lambda: Registration.objects.get(pk=registration.pk).status == Status.SUBMITTED,
        timeout=30,
        log_path=celery_worker,
        what="the worker to submit version 1",
    )
    registration.refresh_from_db()
    sandbox.decide(
        registration.aws_registration_id,
        1,
        "deny",
        {
            "DeniedReasons": [
                {"Reason": "Invalid Sample Message", "ShortDescription": "Name the brand"}
            ],
            "Fields": [
                {
                    "FieldPath": SAMPLE,
                    "DeniedReason": "Brand name missing",
                    "Feedback": "Start the sample with your brand name.",
                }
            ],
        },
    )
    tracking.reconcile_pass(force=True)
    assert Registration.objects.get(pk=registration.pk).status == Status.REQUIRES_UPDATES

    page.goto(f"{base}/t/{tenant_a.slug}/registrations/{registration.pk}/")
    expect(page.locator("#status")).to_have_attribute("data-status", "REQUIRES_UPDATES")
    field = page.locator("#f-messageSamples-messageSample1")
    expect(field).to_have_class(re.compile("flagged"))
    expect(field.locator(".note.bad")).to_have_text(
        "AWS: Brand name missing — Start the sample with your brand name."
    )
    expect(page.locator(".attention")).to_contain_text("Invalid Sample Message")
    shot("denied with reasons at the fields")
    field.get_by_role("link", name="Change this").click()
    step_field = page.locator("#f-messageSamples-messageSample1")
    expect(step_field.locator(".note.bad")).to_contain_text("Brand name missing")
    fixed = "Example Corp: your monthly statement is ready. Reply STOP to opt out."
    step_field.locator("textarea, input").first.fill(fixed)
    shot("fixing the sample")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    page.goto(f"{base}/t/{tenant_a.slug}/registrations/{registration.pk}/")
    expect(page.locator("#f-messageSamples-messageSample1 .diff")).to_contain_text("In version 1:")
    shot("diff against the denied version")
    page.locator("#resubmit").click()
    expect(page.locator("#status")).to_have_text("In provider review")

    review.version_approve(actor=sam, registration=Registration.objects.get(pk=registration.pk))
    wait_for(
        lambda: (
            len(sandbox.calls("SubmitRegistrationVersion")) == 2
            and Registration.objects.get(pk=registration.pk).status == Status.SUBMITTED
        ),
        timeout=30,
        log_path=celery_worker,
        what="the worker to submit version 2",
    )
    sandbox.decide(registration.aws_registration_id, 2, "approve")
    tracking.reconcile_pass(force=True)
    page.reload()
    expect(page.locator("#status")).to_have_attribute("data-status", "COMPLETE")
    expect(page.locator("#status")).to_have_text("Complete")
    shot("complete")
    assert len(sandbox.calls("SubmitRegistrationVersion")) == 2
    # Both submissions ran in the worker process, not in this one.
    assert celery_worker.read_text().count("registration_submit_task") >= 4  # received, succeeded
