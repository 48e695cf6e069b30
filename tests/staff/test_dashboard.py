"""Dashboard figures from a known timeline, to the exact number (definitions in
staff/stats.py and staff/timeline.py)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from registrations.models import Registration, RegistrationVersion, StatusEvent
from registrations.states import Status as S
from staff import stats, timeline, trends
from tests.conftest import client_for
from tests.staff.test_queue import BRAND, IN_SID, TFN, make

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
    assert [timeline.human(timedelta(seconds=s)) for s in (90, 5400, 172800, 302400)] == [
        "2 min",
        "1.5 h",
        "2.0 d",
        "3.5 d",
    ]


def test_percentile_is_nearest_rank():
    assert timeline.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) == 9
    assert timeline.percentile([5], 0.9) == 5
    assert timeline.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.9) == 10


def test_dashboard_page_draws_the_figures(history, vic):
    html = client_for(vic).get("/staff/registrations/dashboard/").content.decode()
    assert '<div class="stat" data-kpi="first-time">33.3%</div>' in html
    status_chart = html.split('data-chart="status"')[1].split("</ul>")[0]
    assert re.findall(r'aria-label="([^"]+)"', status_chart) == [
        "Complete: 2",
        "In provider review: 1",
        "Needs updates: 1",
    ]
    assert 'data-width="100.0"' in status_chart and 'data-width="50.0"' in status_chart
    stage = html.split('data-stage="SUBMITTED"')[1].split("</tr>")[0]
    assert '<td class="median">24.0 h</td><td class="p90">24.0 h</td>' in stage
    draft = html.split('data-stage="DRAFT"')[1].split("</tr>")[0]
    assert '<td class="median">1.5 h</td><td class="p90">4.0 h</td>' in draft
    denials = html.split('data-chart="denials"')[1].split("</ul>")[0]
    assert re.findall(r'aria-label="([^"]+)"', denials) == ["Sample message: 2", "Opt-in: 1"]
    scoped = client_for(vic).get("/staff/registrations/dashboard/?tenant=bravo").content.decode()
    assert '<div class="stat" data-kpi="first-time">0.0%</div>' in scoped
    assert "2 registrations." in scoped


# Over time: per calendar month (UTC).

C0, C1, C2 = trends.PALETTE[:3]


def _stage_cells(figures):
    """{month: {status: (count, median, p90)}} from stage_times_by_month."""
    statuses = [s for s, _ in figures["stages"]]
    return {
        month: {
            s: (c["count"], c["median"], c["p90"])
            for s, c in zip(statuses, cells, strict=True)
            if c
        }
        for month, cells in figures["months"]
    }


def test_time_in_each_stage_per_month_left(history, tenant_b):
    figures = trends.stage_times_by_month(timeline.timelines_for())
    assert figures["stages"] == [
        ("DRAFT", "Draft"),
        ("IN_REVIEW", "In provider review"),
        ("QUEUED", "Queued for AWS"),
        ("SUBMITTED", "Submitted"),
        ("REQUIRES_UPDATES", "Needs updates"),
    ]
    assert _stage_cells(figures) == {
        # January: R1 and R2 (R2's second review took 1 hour).
        "2026-01": {
            "DRAFT": (2, hours(1.5), hours(2)),
            "IN_REVIEW": (3, hours(2), hours(4)),
            "QUEUED": (3, hours(1), hours(1)),
            "SUBMITTED": (3, hours(24), hours(24)),
            "REQUIRES_UPDATES": (1, hours(9), hours(9)),
        },
        # February: R3 and R4 (R4 is still in review: not counted there).
        "2026-02": {
            "DRAFT": (2, hours(2.5), hours(4)),
            "IN_REVIEW": (1, hours(1), hours(1)),
            "QUEUED": (1, hours(1), hours(1)),
            "SUBMITTED": (1, hours(10), hours(10)),
        },
    }
    # A stay entered on 31 January and left on 1 February counts in February.
    late = datetime(2026, 1, 31, 22, tzinfo=UTC)
    make(tenant_b, TFN, "R5", S.IN_REVIEW, at(late, (S.DRAFT, 0), (S.IN_REVIEW, 10)))
    cells = _stage_cells(trends.stage_times_by_month(timeline.timelines_for()))
    assert cells["2026-01"]["DRAFT"] == (2, hours(1.5), hours(2))
    assert cells["2026-02"]["DRAFT"] == (3, hours(4), hours(10))
    # One tenant only.
    bravo = _stage_cells(trends.stage_times_by_month(timeline.timelines_for(tenant_b)))
    assert sorted(bravo) == ["2026-02"]
    assert bravo["2026-02"]["DRAFT"] == (3, hours(4), hours(10))


def test_stage_bars_compare_the_months_of_one_stage(history):
    figures = trends.stage_times_by_month(timeline.timelines_for())
    months = dict(figures["months"])
    # SUBMITTED: 24 h in January is the longest 90th percentile; February's 10 h is 41.7 %.
    assert (months["2026-01"][3]["wp"], months["2026-02"][3]["wp"]) == (100.0, 41.7)
    assert (months["2026-02"][0]["median_text"], months["2026-02"][0]["p90_text"]) == (
        "2.5 h",
        "4.0 h",
    )
    assert months["2026-02"][4] is None  # nothing left REQUIRES_UPDATES in February


def test_denial_reasons_per_month_of_the_denial(history, tenant_a):
    figures = trends.denial_reasons_by_month(timeline.timelines_for())
    assert figures["legend"] == [("Sample message", C0), ("Opt-in", C1)]
    assert figures["months"] == [
        {
            "month": "2026-01",
            "total": 2,
            "width": 100.0,
            "parts": [("Sample message", 1, 50.0, C0), ("Opt-in", 1, 50.0, C1)],
        },
        {
            "month": "2026-02",
            "total": 1,
            "width": 50.0,
            "parts": [("Sample message", 1, 100.0, C0)],
        },
    ]
    # R2 denied a second time in March: its version 2 counts there, not in January.
    r2 = Registration.objects.get(name="R2")
    events = at(datetime(2026, 3, 3, tzinfo=UTC), (S.SUBMITTED, 0), (S.REQUIRES_UPDATES, 5))
    for status, when in events:
        StatusEvent.objects.create(
            tenant=tenant_a, registration=r2, to_status=status, actor_label="test", created_at=when
        )
    RegistrationVersion.objects.create(
        tenant=tenant_a,
        registration=r2,
        number=2,
        denied_reasons=[{"reason": "Opt-in workflow", "short": "Opt-in"}],
    )
    scoped = trends.denial_reasons_by_month(timeline.timelines_for(tenant_a), tenant_a)
    assert [(m["month"], m["parts"]) for m in scoped["months"]] == [
        ("2026-01", [("Opt-in", 1, 50.0, C0), ("Sample message", 1, 50.0, C1)]),
        ("2026-03", [("Opt-in", 1, 100.0, C0)]),
    ]


def test_many_reasons_fold_into_other(tenant_a):
    reasons = [{"short": f"Reason {i}"} for i in range(7)]
    r = make(tenant_a, TFN, "Many", S.REQUIRES_UPDATES, at(FEB, (S.REQUIRES_UPDATES, 0)))
    RegistrationVersion.objects.filter(registration=r).update(denied_reasons=reasons)
    figures = trends.denial_reasons_by_month(timeline.timelines_for())
    assert [label for label, _ in figures["legend"]] == [
        "Reason 0",
        "Reason 1",
        "Reason 2",
        "Reason 3",
        "Reason 4",
        "Other",
    ]
    assert figures["months"][0]["parts"][-1] == ("Other", 2, 28.6, trends.PALETTE[-1])


def test_registrations_created_per_month_by_type(history, tenant_a):
    for name, when in (("R1", JAN), ("R2", FEB), ("R3", FEB), ("R4", FEB)):
        Registration.objects.filter(name=name).update(created_at=when)
    figures = trends.created_by_month()
    assert figures["legend"] == [(TFN, C0), (IN_SID, C1), (BRAND, C2)]
    assert figures["months"] == [
        {"month": "2026-01", "total": 1, "width": 33.3, "parts": [(TFN, 1, 100.0, C0)]},
        {
            "month": "2026-02",
            "total": 3,
            "width": 100.0,
            "parts": [(TFN, 1, 33.3, C0), (IN_SID, 1, 33.3, C1), (BRAND, 1, 33.3, C2)],
        },
    ]
    assert [m["total"] for m in trends.created_by_month(tenant_a)["months"]] == [1, 1]


def test_dashboard_page_draws_the_figures_over_time(history, vic):
    html = client_for(vic).get("/staff/registrations/dashboard/").content.decode()
    table = html.split('data-chart="stages-month"')[1].split("</table>")[0]
    feb = table.split('data-month="2026-02"')[1].split("</tr>")[0]
    assert re.findall(r'<span class="figures">([^<]+)</span>', feb) == [
        "2.5 h / 4.0 h",
        "1.0 h / 1.0 h",
        "1.0 h / 1.0 h",
        "10.0 h / 10.0 h",
    ]
    assert feb.count('<span class="muted">—</span>') == 1
    denials = html.split('data-chart="denials-month"')[1].split("</ul>")[0]
    assert re.findall(r'role="img" aria-label="([^"]+)"', denials) == [
        "2026-01: Sample message 1, Opt-in 1",
        "2026-02: Sample message 1",
    ]
    scoped = client_for(vic).get("/staff/registrations/dashboard/?tenant=acme").content.decode()
    table = scoped.split('data-chart="stages-month"')[1].split("</table>")[0]
    assert re.findall(r'data-month="([^"]+)"', table) == ["2026-01"]
