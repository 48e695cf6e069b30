"""Dashboard figures over time, per calendar month (UTC), from the same timelines as stats.py.

- time in a stage per month: a stay counts in the month the stage was left (median and
  nearest-rank 90th percentile, as in stats.stage_times).
- denial reasons per month: the k-th version of a registration that carries AWS's reasons is
  the k-th time its timeline entered REQUIRES_UPDATES; the reasons count in that month (a
  version without such an event counts in the month the version was created).
- registrations created per month, by type (counted by the database).
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import UTC, timedelta

from django.db.models import Count
from django.db.models.functions import ExtractMonth, ExtractYear

from registrations.models import Registration, RegistrationVersion
from registrations.states import Status
from staff.timeline import Timeline, human, percentile, scoped

# Colours of the stacked bars (denial reasons, types); the rest share the last one.
PALETTE = ["#4f5bd5", "#e07a5f", "#3d9970", "#c9a227", "#8e6bbf", "#9aa0b4"]
TOP = len(PALETTE) - 1


def _month(when) -> str:
    return when.strftime("%Y-%m")


def stays_by_month(timelines: Timeline) -> dict[tuple[str, str], list[float]]:
    """(month left, status) -> the seconds of each stay, from whole timelines."""
    by_key: dict[tuple[int, int, str], list[float]] = defaultdict(list)
    for events in timelines.values():
        for (_, status, entered), (_, _, left) in zip(events, events[1:], strict=False):
            by_key[(left.year, left.month, status)].append((left - entered).total_seconds())
    return {(f"{y:04d}-{m:02d}", status): v for (y, m, status), v in by_key.items()}


def stage_times_by_month(timelines: Timeline) -> dict:
    return stage_cells(stays_by_month(timelines))


def stage_cells(stays: dict[tuple[str, str], list[float]]) -> dict:
    """{"stages": [(status, label)], "months": [(month, [cell or None per stage])]}.

    A cell is {"count", "median", "p90", "median_text", "p90_text", "wm", "wp"}; the widths are
    in percent of that stage's largest 90th percentile over the months shown.
    """
    order = {status.value: i for i, status in enumerate(Status)}
    statuses = sorted({s for _, s in stays}, key=lambda s: order.get(s, 99))
    months = sorted({m for m, _ in stays})
    cells: dict[tuple[str, str], dict] = {}
    for key, seconds in stays.items():
        median = timedelta(seconds=statistics.median(seconds))
        p90 = timedelta(seconds=percentile(seconds, 0.9))
        cells[key] = {"count": len(seconds), "median": median, "p90": p90}
    for status in statuses:
        top = max(c["p90"].total_seconds() for (_, s), c in cells.items() if s == status) or 1
        for (_, s), cell in cells.items():
            if s == status:
                cell["median_text"] = human(cell["median"])
                cell["p90_text"] = human(cell["p90"])
                cell["wm"] = round(100 * cell["median"].total_seconds() / top, 1)
                cell["wp"] = round(100 * cell["p90"].total_seconds() / top, 1)
    return {
        "stages": [(s, Status(s).label if s in order else s) for s in statuses],
        "months": [(m, [cells.get((m, s)) for s in statuses]) for m in months],
    }


def _stacked(per_month: dict[str, Counter], top_labels: list[str]) -> list[dict]:
    """Months with their segments [(label, n, width %, colour)], widths against the busiest."""
    busiest = max((sum(c.values()) for c in per_month.values()), default=0) or 1
    rows = []
    for month in sorted(per_month):
        counter = per_month[month]
        other = sum(n for label, n in counter.items() if label not in top_labels)
        parts = [(label, counter[label], PALETTE[i]) for i, label in enumerate(top_labels)]
        if other:
            parts.append(("Other", other, PALETTE[-1]))
        total = sum(counter.values())
        rows.append(
            {
                "month": month,
                "total": total,
                "width": round(100 * total / busiest, 1),
                "parts": [
                    (label, n, round(100 * n / total, 1), colour) for label, n, colour in parts if n
                ],
            }
        )
    return rows


def _legend(top_labels: list[str], more: bool) -> list[tuple[str, str]]:
    legend = [(label, PALETTE[i]) for i, label in enumerate(top_labels)]
    return legend + ([("Other", PALETTE[-1])] if more else [])


def denials_per_month(timelines: Timeline, tenant=None) -> dict[str, Counter]:
    versions = (
        scoped(RegistrationVersion.objects.exclude(denied_reasons=[]), tenant)
        .order_by("registration_id", "number")
        .values_list("registration_id", "created_at", "denied_reasons")
    )
    per_month: dict[str, Counter] = defaultdict(Counter)
    seen: Counter[int] = Counter()
    for registration_id, created_at, reasons in versions:
        if not reasons:
            continue
        k = seen[registration_id]
        seen[registration_id] += 1
        events = timelines.get(registration_id, ())
        times = [w for _, s, w in events if s == Status.REQUIRES_UPDATES]
        month = _month(times[k] if k < len(times) else created_at)
        for reason in reasons:
            label = reason.get("short") or reason.get("reason") or "Unspecified"
            per_month[month][label] += 1
    return per_month


def denial_reasons_by_month(timelines: Timeline, tenant=None) -> dict:
    return ranked_months(denials_per_month(timelines, tenant))


def ranked_months(per_month: dict[str, Counter]) -> dict:
    """Stacked monthly bars of labelled counts: the most frequent labels get their own colour,
    the rest are "Other"."""
    overall: Counter[str] = Counter()
    for counter in per_month.values():
        overall.update(counter)
    ranked = [label for label, _ in sorted(overall.items(), key=lambda i: (-i[1], i[0]))]
    top = ranked[:TOP] if len(ranked) > TOP + 1 else ranked[: TOP + 1]
    return {
        "months": _stacked(per_month, top),
        "legend": _legend(top, len(ranked) > len(top)),
    }


def created_by_month(tenant=None) -> dict:
    per_month: dict[str, Counter] = defaultdict(Counter)
    rows = (
        scoped(Registration.objects.all(), tenant)
        .order_by()
        .annotate(
            year=ExtractYear("created_at", tzinfo=UTC), month=ExtractMonth("created_at", tzinfo=UTC)
        )
        .values_list("year", "month", "registration_type")
        .annotate(n=Count("pk"))
    )
    for year, month, kind, n in rows:
        per_month[f"{year:04d}-{month:02d}"][kind] += n
    return ranked_months(per_month)


def over_time(tenant, timelines: Timeline) -> dict:
    return {
        "stages": stage_times_by_month(timelines),
        "denials": denial_reasons_by_month(timelines, tenant),
        "created": created_by_month(tenant),
    }
