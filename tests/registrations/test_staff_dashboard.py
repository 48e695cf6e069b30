"""Dashboard figures from a known timeline, to the exact number (definitions in
registrations/staff/stats.py)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from registrations.models import RegistrationVersion
from registrations.staff import stats
from registrations.states import Status as S
from tests.conftest import client_for
from tests.registrations.test_staff_queue import BRAND, IN_SID, TFN, make

pytestmark = pytest.mark.django_db

JAN = datetime(2026, 1, 5, tzinfo=UTC)
FEB = datetime(2026, 2, 2, tzinfo=UTC)


def at(start, *steps):
    return [(status, start + timedelta(hours=h)) for status, h in steps]


@pytest.fixture
def history(tenant_a, tenant_b):
    # Acme: a toll-free number approved at the first try …
    make(
        tenant_a,
        TFN,
        "R1",
        S.COMPLETE,
        at(JAN, (S.DRAFT, 0), (S.IN_REVIEW, 1), (S.QUEUED, 3), (S.SUBMITTED, 4), (S.COMPLETE, 28)),
    )
    # … and a brand denied once, then approved.
    r2 = make(
        tenant_a,
        BRAND,
        "R2",
        S.COMPLETE,
        at(
            JAN,
            (S.DRAFT, 0),
            (S.IN_REVIEW, 2),
            (S.QUEUED, 6),
            (S.SUBMITTED, 7),
            (S.REQUIRES_UPDATES, 31),
            (S.IN_REVIEW, 40),
            (S.QUEUED, 41),
            (S.SUBMITTED, 42),
            (S.COMPLETE, 66),
        ),
    )
    RegistrationVersion.objects.filter(registration=r2).update(
        denied_reasons=[
            {"reason": "Invalid Sample Message", "short": "Sample message"},
            {"reason": "Opt-in workflow", "short": "Opt-in"},
        ]
    )
    # Bravo: a toll-free number denied in February, and a sender ID in review.
    r3 = make(
        tenant_b,
        TFN,
        "R3",
        S.REQUIRES_UPDATES,
        at(
            FEB,
            (S.DRAFT, 0),
            (S.IN_REVIEW, 1),
            (S.QUEUED, 2),
            (S.SUBMITTED, 3),
            (S.REQUIRES_UPDATES, 13),
        ),
    )
    RegistrationVersion.objects.filter(registration=r3).update(
        denied_reasons=[{"reason": "Invalid Sample Message", "short": "Sample message"}]
    )
    make(tenant_b, IN_SID, "R4", S.IN_REVIEW, at(FEB, (S.DRAFT, 0), (S.IN_REVIEW, 4)))


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


def test_counts_by_status_and_type(history):
    assert stats.counts_by("status") == [("COMPLETE", 2), ("IN_REVIEW", 1), ("REQUIRES_UPDATES", 1)]
    assert stats.counts_by("registration_type") == [
        (TFN, 2),
        (IN_SID, 1),
        (BRAND, 1),
    ]


def test_time_in_each_stage_median_and_90th_percentile(history):
    figures = [(s.status, s.count, s.median, s.p90) for s in stats.stage_times()]
    assert figures == [
        # DRAFT left after 1, 2, 1, 4 hours; IN_REVIEW after 2, 4, 1, 1; and so on.
        ("DRAFT", 4, hours(1.5), hours(4)),
        ("IN_REVIEW", 4, hours(1.5), hours(4)),
        ("QUEUED", 4, hours(1), hours(1)),
        ("SUBMITTED", 4, hours(24), hours(24)),
        ("REQUIRES_UPDATES", 1, hours(9), hours(9)),
    ]


def test_denial_reasons_by_frequency(history, tenant_a):
    assert stats.denial_reasons() == [("Sample message", 2), ("Opt-in", 1)]
    assert stats.denial_reasons(tenant_a) == [("Opt-in", 1), ("Sample message", 1)]


def test_first_time_approval_overall_per_tenant_and_month(history, tenant_a):
    approval = stats.first_time_approval()
    assert (approval["overall"].first_time, approval["overall"].decided) == (1, 3)
    assert approval["overall"].percent == 33.3
    assert [(name, r.first_time, r.decided, r.percent) for name, r in approval["per_tenant"]] == [
        ("Acme Anvils", 1, 2, 50.0),
        ("Bravo Bakery", 0, 1, 0.0),
    ]
    assert [(month, r.percent) for month, r in approval["per_month"]] == [
        ("2026-01", 50.0),
        ("2026-02", 0.0),
    ]
    assert stats.first_time_approval(tenant_a)["overall"].percent == 50.0


def test_durations_read_like_a_person_writes_them():
    assert [stats.human(timedelta(seconds=s)) for s in (90, 5400, 172800, 302400)] == [
        "2 min",
        "1.5 h",
        "2.0 d",
        "3.5 d",
    ]


def test_percentile_is_nearest_rank():
    assert stats.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) == 9
    assert stats.percentile([5], 0.9) == 5
    assert stats.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.9) == 10


def test_dashboard_page_draws_the_figures(history, vic):
    html = client_for(vic).get("/staff/registrations/dashboard/").content.decode()
    assert '<div class="stat" data-kpi="first-time">33.3%</div>' in html
    status_chart = html.split('data-chart="status"')[1].split("</ul>")[0]
    assert re.findall(r'aria-label="([^"]+)"', status_chart) == [
        "Complete: 2",
        "In provider review: 1",
        "Needs updates: 1",
    ]
    assert 'style="width:100.0%"' in status_chart and 'style="width:50.0%"' in status_chart
    stage = html.split('data-stage="SUBMITTED"')[1].split("</tr>")[0]
    assert '<td class="median">24.0 h</td><td class="p90">24.0 h</td>' in stage
    draft = html.split('data-stage="DRAFT"')[1].split("</tr>")[0]
    assert '<td class="median">1.5 h</td><td class="p90">4.0 h</td>' in draft
    denials = html.split('data-chart="denials"')[1].split("</ul>")[0]
    assert re.findall(r'aria-label="([^"]+)"', denials) == ["Sample message: 2", "Opt-in: 1"]
    scoped = client_for(vic).get("/staff/registrations/dashboard/?tenant=bravo").content.decode()
    assert '<div class="stat" data-kpi="first-time">0.0%</div>' in scoped
    assert "2 registrations." in scoped
