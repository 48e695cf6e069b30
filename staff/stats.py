"""Dashboard figures, computed from the timeline (`StatusEvent`) and the versions.

Definitions (docs/guide.md repeats them):
- time in a stage: from the event that entered a status to the next event of the same
  registration; a stage not yet left is not counted. Median is the usual median; the 90th
  percentile is the nearest-rank one (the ceil(0.9·n)-th smallest).
- first-time approval: of the registrations AWS has decided (their timeline reached
  REQUIRES_UPDATES, PROVISIONING or COMPLETE), the share whose first decision was an approval
  (PROVISIONING or COMPLETE). Counted in the month of that first decision.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count

from registrations.models import Registration, RegistrationVersion
from registrations.states import Status
from staff import trends
from staff.timeline import (
    APPROVALS,
    DECISIONS,
    Timeline,
    human,
    percentile,
    scoped,
    timelines_for,
)
from tenants.models import Tenant


@dataclass
class StageTime:
    status: str
    label: str
    count: int
    median: timedelta
    p90: timedelta

    @property
    def median_text(self) -> str:
        return human(self.median)

    @property
    def p90_text(self) -> str:
        return human(self.p90)


@dataclass
class Rate:
    decided: int
    first_time: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.first_time / self.decided, 1) if self.decided else None


def counts_by(field: str, tenant=None) -> list[tuple[str, int]]:
    rows = (
        scoped(Registration.objects.all(), tenant)
        .values(field)
        .annotate(n=Count("pk"))
        .order_by("-n", field)
    )
    return [(row[field], row["n"]) for row in rows]


def stage_times(tenant=None, timelines: Timeline | None = None) -> list[StageTime]:
    durations: dict[str, list[float]] = defaultdict(list)
    for events in (timelines if timelines is not None else timelines_for(tenant)).values():
        for (_, status, entered), (_, _, left) in zip(events, events[1:], strict=False):
            durations[status].append((left - entered).total_seconds())
    return stage_times_of(durations)


def stage_times_of(durations: dict[str, list[float]]) -> list[StageTime]:
    """One row per status with the seconds registrations stayed in it, in the states' order."""
    order = {status.value: i for i, status in enumerate(Status)}
    return [
        StageTime(
            status=status,
            label=Status(status).label,
            count=len(seconds),
            median=timedelta(seconds=statistics.median(seconds)),
            p90=timedelta(seconds=percentile(seconds, 0.9)),
        )
        for status, seconds in sorted(durations.items(), key=lambda item: order.get(item[0], 99))
    ]


def denial_reasons(tenant=None) -> list[tuple[str, int]]:
    counter: Counter[str] = Counter()
    versions = scoped(RegistrationVersion.objects.exclude(denied_reasons=[]), tenant)
    for reasons in versions.values_list("denied_reasons", flat=True):
        for reason in reasons or []:
            counter[reason.get("short") or reason.get("reason") or "Unspecified"] += 1
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))


def first_time_approval(tenant=None, timelines: Timeline | None = None) -> dict:
    overall = Rate(0, 0)
    per_tenant: dict[int, Rate] = defaultdict(lambda: Rate(0, 0))
    per_month: dict[str, Rate] = defaultdict(lambda: Rate(0, 0))
    for events in (timelines if timelines is not None else timelines_for(tenant)).values():
        first = next((e for e in events if e[1] in DECISIONS), None)
        if first is None:
            continue
        tenant_id, status, when = first
        approved = int(status in APPROVALS)
        for rate in (overall, per_tenant[tenant_id], per_month[when.strftime("%Y-%m")]):
            rate.decided += 1
            rate.first_time += approved
    names = dict(Tenant.objects.filter(pk__in=per_tenant).values_list("pk", "name"))
    return {
        "overall": overall,
        "per_tenant": sorted(
            ((names[pk], rate) for pk, rate in per_tenant.items()), key=lambda item: item[0]
        ),
        "per_month": sorted(per_month.items()),
    }


def bars(rows: list[tuple[str, int]]) -> list[tuple[str, int, float]]:
    """Adds each row's width in percent of the largest, for the CSS bar charts."""
    top = max((n for _, n in rows), default=0)
    return [(label, n, round(100 * n / top, 1) if top else 0.0) for label, n in rows]


def dashboard_from(
    *, tenant, stages: list[StageTime], denials: list, approval: dict, over_time: dict
) -> dict:
    """The dashboard page's figures; the current counts by status and type come from the
    registrations themselves."""
    longest = max((s.p90.total_seconds() for s in stages), default=0) or 1
    by_status = counts_by("status", tenant)
    return {
        "by_status": bars([(Status(s).label, n) for s, n in by_status]),
        "by_type": bars(counts_by("registration_type", tenant)),
        "stages": [
            (
                s,
                round(100 * s.median.total_seconds() / longest, 1),
                round(100 * s.p90.total_seconds() / longest, 1),
            )
            for s in stages
        ],
        "denials": bars(denials),
        "approval": approval,
        "total": sum(n for _, n in by_status),
        "over_time": over_time,
    }


def dashboard_exact(tenant=None) -> dict:
    """The figures computed from every timeline and version: the definition that the daily
    summary (`summary.dashboard`, what the page shows) is tested against."""
    every = timelines_for(tenant)
    return dashboard_from(
        tenant=tenant,
        stages=stage_times(tenant, every),
        denials=denial_reasons(tenant),
        approval=first_time_approval(tenant, every),
        over_time=trends.over_time(tenant, every),
    )
