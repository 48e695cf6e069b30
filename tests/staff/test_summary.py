"""The dashboard page reads a daily summary plus the days after it; its figures must be the
ones of the exact computation from every timeline (`stats.dashboard_exact`), whenever the
summary was last refreshed and whatever changed since."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from portal.celery import app
from registrations.models import (
    DashboardDay,
    DashboardSummaryState,
    Registration,
    RegistrationVersion,
    StatusEvent,
)
from registrations.states import Status as S
from staff import stats, summary
from staff.tasks import dashboard_summary_task
from tests.staff.test_dashboard import FEB, JAN
from tests.staff.test_dashboard import history as history  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("history")]


def _same(tenants) -> None:
    for tenant in (None, *tenants):
        assert summary.dashboard(tenant) == stats.dashboard_exact(tenant), tenant


def _forget() -> None:
    DashboardDay.objects.all().delete()
    DashboardSummaryState.objects.all().delete()


def test_without_a_summary_the_figures_are_computed_live(tenant_a, tenant_b):
    assert not DashboardDay.objects.exists()
    _same([tenant_a, tenant_b])
    figures = stats.dashboard_exact()
    assert figures["approval"]["overall"].percent == 33.3  # a figure the page shows, not empty
    assert figures["over_time"]["denials"]["months"]


@pytest.mark.parametrize(
    "today",
    [JAN.date(), JAN.date() + timedelta(days=1), JAN.date() + timedelta(days=2),
     FEB.date(), FEB.date() + timedelta(days=1), None],
    ids=str,
)  # fmt: skip
def test_a_refresh_on_any_day_gives_the_exact_figures(tenant_a, tenant_b, today):
    """Days up to the day before `today` come from the summary, later ones live."""
    summary.summary_refresh(today=today)
    assert DashboardSummaryState.objects.get().refreshed_through == (
        (today or timezone.now().date()) - timedelta(days=1)
    )
    _same([tenant_a, tenant_b])


def test_nightly_refreshes_day_after_day_stay_exact(tenant_a, tenant_b):
    day = JAN.date() - timedelta(days=1)
    while day <= FEB.date() + timedelta(days=3):
        summary.summary_refresh(today=day)
        _same([tenant_a, tenant_b])
        day += timedelta(days=1)


def test_a_late_event_and_late_reasons_are_summarised_again(tenant_a, tenant_b):
    summary.summary_refresh()
    _same([tenant_a, tenant_b])
    # AWS's decision on R4, recorded now but dated in February (an event that arrived late),
    # and its denial reasons written the way the engine writes them.
    r4 = Registration.objects.get(name="R4")
    StatusEvent.objects.create(
        tenant=tenant_b, registration=r4, from_status=S.IN_REVIEW, to_status=S.REQUIRES_UPDATES,
        actor_label="aws", created_at=FEB + timedelta(days=3),
    )  # fmt: skip
    version = r4.versions.get()
    version.denied_reasons = [{"reason": "Opt-in workflow", "short": "Opt-in"}]
    version.save(update_fields=["denied_reasons", "updated_at"])
    changed = summary.summary_refresh()
    assert changed["from"] <= (FEB + timedelta(days=3)).date().isoformat()
    _same([tenant_a, tenant_b])
    assert stats.dashboard_exact()["approval"]["overall"].decided == 4


def test_once_summarised_a_load_reads_no_timeline_of_past_days():
    summary.summary_refresh(today=date(2027, 1, 1))
    # Nothing happened after the summary: the load reads the summary's rows and no timeline.
    after = DashboardSummaryState.objects.get().refreshed_through + timedelta(days=1)
    assert summary._active_registrations(after, None) == set()
    assert DashboardDay.objects.count() >= 4
    # A registration created today is read live, alone.
    today_created = Registration.objects.create(
        tenant=Registration.objects.first().tenant, registration_type="US_TOLL_FREE_REGISTRATION",
        name="today", catalog=Registration.objects.first().catalog,
        created_at=datetime(2027, 1, 1, 9, tzinfo=UTC),
    )  # fmt: skip
    assert summary._active_registrations(after, None) == {today_created.pk}


def test_the_refresh_is_scheduled_and_cheap_when_nothing_changed():
    entry = next(e for e in app.conf.beat_schedule.values() if "dashboard" in e["task"])
    assert entry["task"] == dashboard_summary_task.name
    assert app.amqp.router.route({}, entry["task"])["queue"].name == "default"
    assert dashboard_summary_task.apply().get()["days"] > 0
    assert dashboard_summary_task.apply().get()["days"] == 0  # nothing new: no day rewritten


def test_versions_remember_when_they_changed():
    version = RegistrationVersion.objects.first()
    before = version.updated_at
    version.denied_reasons = [{"reason": "x"}]
    version.save(update_fields=["denied_reasons", "updated_at"])
    version.refresh_from_db()
    assert version.updated_at > before
