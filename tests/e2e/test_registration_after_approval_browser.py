"""After approval, in the browser (issue 19): a carrier closes a toll-free registration; its
owner sees that sending is paused and why, and deletes the registration through the typed
confirmation (a wrong word deletes nothing)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from registrations.models import Registration
from registrations.services import review, tracking
from registrations.states import Status
from tests.e2e.registration_helpers import Shots, sign_in
from tests.registrations.test_engine import _tfn_ready

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_owner_sees_the_pause_and_deletes_a_closed_registration(
    page, live_server, catalog, sandbox, tenant_a, alice, sam
):
    registration = _tfn_ready(tenant_a, alice)
    review.registration_submit_for_review(tenant=tenant_a, actor=alice, registration=registration)
    review.version_approve(actor=sam, registration=registration)  # eager: the pipeline runs here
    registration.refresh_from_db()
    sandbox.decide(registration.aws_registration_id, 1, "approve")
    tracking.reconcile_pass(force=True)
    sandbox.request("POST", f"/_sandbox/registrations/{registration.aws_registration_id}/close")
    tracking.reconcile_pass(force=True)
    registration.refresh_from_db()
    assert (registration.status, registration.aws_status) == ("CLOSED", "CLOSED")
    number = registration.senders.get().value

    base = live_server.url
    shot = Shots(page, "registration_after_approval")
    sign_in(page, base, alice.email)
    page.goto(f"{base}/t/{tenant_a.slug}/registrations/{registration.pk}/")
    expect(page.locator("#sending-paused")).to_contain_text(
        "AWS reports this registration as closed"
    )
    expect(page.locator("#aws-state")).to_contain_text("delete the registration too")
    shot("closed registration, sending paused")

    page.get_by_role("link", name="Delete this registration…").click()
    expect(page.get_by_text(number)).to_be_visible()  # what stops sending
    page.get_by_label("Type delete to confirm").fill("remove")
    page.get_by_role("button", name="Delete registration").click()
    expect(page.locator("#delete-error")).to_have_text("Type delete to confirm the deletion.")
    assert Registration.objects.get(pk=registration.pk).status == Status.CLOSED
    assert sandbox.calls("DeleteRegistration") == []

    page.get_by_label("Type delete to confirm").fill("delete")
    page.get_by_role("button", name="Delete registration").click()
    expect(page.locator("#status")).to_have_text("Deleted")
    expect(page.locator("#aws-state [data-aws-status=DELETED]")).to_have_text("Deleted")
    shot("deleted")
    assert len(sandbox.calls("DeleteRegistration")) == 1
