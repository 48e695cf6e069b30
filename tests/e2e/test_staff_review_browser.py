"""A provider reviewer works the review queue in a real browser: approves one registration
(it goes through the pipeline to the AWS sandbox), returns one with a comment at a field, and
lets one through by overriding its preflight error with a reason."""

from __future__ import annotations

import pytest

from registrations.models import FieldComment, Registration
from registrations.states import Status
from tests.e2e.test_foundation_browser import sign_in
from tests.registrations import conftest as registration_fixtures
from tests.sandbox.forms import TFN_GOOD
from tests.staff.test_review import SHORTENED, in_review

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The AWS sandbox fixtures of the registration tests (a sandbox process, a synced catalog).
sandbox_process = registration_fixtures.sandbox_process
sandbox = registration_fixtures.sandbox
catalog = registration_fixtures.catalog


def named(registration, name):
    Registration.objects.filter(pk=registration.pk).update(name=name)
    return registration


def test_reviewer_approves_returns_and_overrides(
    page,
    live_server,
    catalog,
    sandbox,
    tenant_a,
    alice,
    sam,
    tmp_path,  # noqa: F811
):
    clean = named(in_review(tenant_a, alice), "Order alerts")
    to_return = named(in_review(tenant_a, alice), "Account notices")
    shortened = named(
        in_review(tenant_a, alice, values={**TFN_GOOD, "messageSamples.messageSample1": SHORTENED}),
        "Statement links",
    )
    base = live_server.url
    sign_in(page, base, "sam@provider.example")
    page.goto(f"{base}/staff/registrations/")
    rows = page.locator("tbody tr[data-registration]")
    assert rows.count() == 3
    page.screenshot(path=str(tmp_path / "queue.png"), full_page=True)

    # Approve: the pipeline takes it to AWS (the sandbox) before the page comes back.
    page.get_by_role("link", name="Order alerts").click()
    assert page.get_by_role("heading", name="Order alerts").is_visible()
    # The preview loads after the page: wait for it (Playwright's deadline) instead of reading
    # `complete` at once, which fails when the machine is busy.
    page.wait_for_function("() => document.querySelector('img.preview-img').complete")
    page.screenshot(path=str(tmp_path / "review.png"), full_page=True)
    page.get_by_role("button", name="Approve and send to AWS").click()
    page.wait_for_url(f"{base}/staff/registrations/")
    assert page.get_by_text("“Order alerts” approved; it is queued for AWS.").is_visible()
    clean.refresh_from_db()
    assert clean.status == Status.SUBMITTED
    assert len(sandbox.calls("SubmitRegistrationVersion")) == 1

    # Return with a comment at one field.
    page.get_by_role("link", name="Account notices").click()
    field = page.locator('[data-field="messagingUseCase.useCaseDetails"]')
    field.locator("summary").click()
    field.locator("textarea").fill("Say which account events trigger a message.")
    page.get_by_label("Message to the tenant").fill("One field to sharpen.")
    page.get_by_role("button", name="Return with comments").click()
    page.wait_for_url(f"{base}/staff/registrations/")
    assert page.get_by_text("“Account notices” returned to Acme Anvils.").is_visible()
    to_return.refresh_from_db()
    assert to_return.status == Status.CHANGES_REQUESTED
    comment = FieldComment.objects.get(version__registration=to_return)
    assert (comment.field_path, comment.body) == (
        "messagingUseCase.useCaseDetails",
        "Say which account events trigger a message.",
    )
    flagged = to_return.current_version.values.filter(needs_change=True)
    assert [v.field_path for v in flagged] == ["messagingUseCase.useCaseDetails"]

    # Override: refused without a reason, accepted with one.
    page.get_by_role("link", name="Statement links").click()
    page.get_by_role("button", name="Approve and send to AWS").click()
    assert page.get_by_text("LINK_SHORTENER (", exact=False).first.is_visible()
    shortened.refresh_from_db()
    assert shortened.status == Status.IN_REVIEW
    reason = "The short link is the customer's own branded domain; checked by hand."
    page.get_by_label("Override reason").fill(reason)
    page.screenshot(path=str(tmp_path / "override.png"), full_page=True)
    page.get_by_role("button", name="Approve and send to AWS").click()
    page.wait_for_url(f"{base}/staff/registrations/")
    assert page.get_by_text("Nothing is waiting here.").is_visible()
    shortened.refresh_from_db()
    assert shortened.status == Status.SUBMITTED
    assert shortened.current_version.preflight_overrides == {"LINK_SHORTENER": reason}
