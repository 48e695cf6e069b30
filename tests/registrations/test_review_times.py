"""Expected review times from the AWS guide drive the tenant's date and the staff stuck list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from registrations import overlay
from registrations.models import Registration
from registrations.services.tracking import registrations_stuck
from registrations.states import Status
from registrations.web.selectors import expected_by
from tests.registrations.test_engine import _draft

pytestmark = pytest.mark.django_db

FRIDAY = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


def test_toll_free_counts_15_business_days():
    assert overlay.review_time(overlay.TOLL_FREE).expected(FRIDAY) == FRIDAY + timedelta(days=21)
    assert overlay.review_time(overlay.BRAND).expected(FRIDAY) == FRIDAY + timedelta(days=4)
    assert overlay.review_time(overlay.CAMPAIGN).expected(FRIDAY) == FRIDAY + timedelta(weeks=6)
    assert overlay.review_time(overlay.SHORT_CODE).words == "8–12 weeks"
    assert overlay.review_time("GB_SENDER_ID_REGISTRATION").words == "2–4 weeks"


@pytest.mark.parametrize(
    ("registration_type", "not_yet", "stuck"),
    [
        (overlay.CAMPAIGN, timedelta(days=8), timedelta(weeks=6, days=1)),
        (overlay.TOLL_FREE, timedelta(days=20), timedelta(days=22)),
        (overlay.BRAND, timedelta(days=1), timedelta(days=5)),
        ("IN_SENDER_ID_REGISTRATION", timedelta(days=6), timedelta(days=8)),
    ],
)
def test_stuck_only_past_the_guides_time(
    registration_type, not_yet, stuck, catalog, tenant_a, alice
):
    registration = _draft(tenant_a, alice)
    now = FRIDAY + timedelta(days=60)
    Registration.objects.filter(pk=registration.pk).update(
        status=Status.REVIEWING, registration_type=registration_type, submitted_at=now - not_yet
    )
    assert list(registrations_stuck(now)) == []
    registration.refresh_from_db()
    assert expected_by(registration) > now
    Registration.objects.filter(pk=registration.pk).update(submitted_at=now - stuck)
    assert [r.pk for r in registrations_stuck(now)] == [registration.pk]
