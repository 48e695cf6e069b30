"""The dashboard's figures from a daily summary, so that a load reads one row per day and
tenant plus the days not yet summarised, instead of every timeline ever recorded.

Each registration contributes to the figures on known UTC days (the definitions are those of
`stats` and `trends`, which compute the same figures from the whole timeline):
- a stay in a stage, on the day the stage was left;
- its first AWS decision (approval or not), on the day of that decision;
- the denial reasons of a version, on the day of the k-th REQUIRES_UPDATES of its timeline for
  the k-th version with reasons (the version's creation day while there is no such event);
- its creation, on the day it was created.

`summary_refresh` (a scheduled task) writes what each closed day contributed into
`DashboardDay` rows, per tenant; `dashboard` adds the live contributions of the days after the
last refresh. A refresh recomputes every day from the earliest one that anything seen since
the last refresh can change: the day of a new timeline event, or the creation day of a
registration that got a new event or new denial reasons (a new REQUIRES_UPDATES can move the
reasons of an older version from its creation day to the event's day).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from registrations.models import (
    DashboardDay,
    DashboardSummaryState,
    Registration,
    RegistrationVersion,
    StatusEvent,
)
from registrations.states import Status
from staff import stats, trends
from staff.stats import Rate, StageTime
from staff.timeline import APPROVALS, DECISIONS
from tenants.models import Tenant


def _day(when: datetime) -> date:
    return when.astimezone(UTC).date()


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


@dataclass
class Figures:
    """Contributions of some days, keyed by (day, tenant id)."""

    stays: dict[tuple[date, int], dict[str, list[float]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    decisions: dict[tuple[date, int], list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0])
    )
    denials: dict[tuple[date, int], Counter] = field(default_factory=lambda: defaultdict(Counter))
    created: dict[tuple[date, int], Counter] = field(default_factory=lambda: defaultdict(Counter))

    def day_keys(self) -> set[tuple[date, int]]:
        return set(self.stays) | set(self.decisions) | set(self.denials) | set(self.created)

    def as_json(self, day: date, tenant_id: int | None) -> dict:
        """One day's figures of one tenant, or of every tenant (None). First decisions keep
        their tenant, for the approval rates per tenant."""
        if tenant_id is not None:
            keys = [(day, tenant_id)]
        else:
            keys = [k for k in self.day_keys() if k[0] == day]
        stays: dict[str, list[float]] = defaultdict(list)
        denials: Counter[str] = Counter()
        created: Counter[str] = Counter()
        decisions: dict[str, list[int]] = {}
        for key in keys:
            for status, seconds in self.stays.get(key, {}).items():
                stays[status].extend(seconds)
            denials.update(self.denials.get(key, {}))
            created.update(self.created.get(key, {}))
            if key in self.decisions:
                decisions[str(key[1])] = list(self.decisions[key])
        return {
            "stays": dict(stays),
            "decisions": decisions,
            "denials": dict(denials),
            "created": dict(created),
        }

    def add_json(self, day: date, tenant_id: int | None, figures: dict) -> None:
        key = (day, tenant_id)
        for status, seconds in figures.get("stays", {}).items():
            self.stays[key][status].extend(seconds)
        for decider, (decided, first_time) in figures.get("decisions", {}).items():
            counts = self.decisions[(day, int(decider))]
            counts[0] += decided
            counts[1] += first_time
        if figures.get("denials"):
            self.denials[key].update(figures["denials"])
        if figures.get("created"):
            self.created[key].update(figures["created"])


def _active_registrations(start: date, end: date | None, tenant=None) -> set[int]:
    """Registrations that may contribute to a day from `start` to `end` (None: up to now)."""
    since, until = _start_of(start), _start_of(end + timedelta(days=1)) if end else None

    def within(queryset, field_name: str):
        queryset = queryset.filter(**{f"{field_name}__gte": since})
        if until is not None:
            queryset = queryset.filter(**{f"{field_name}__lt": until})
        return queryset.filter(tenant=tenant) if tenant is not None else queryset

    ids = set(
        within(StatusEvent.objects.all(), "created_at").values_list("registration_id", flat=True)
    )
    versions = RegistrationVersion.objects.exclude(denied_reasons=[])
    ids |= set(within(versions, "created_at").values_list("registration_id", flat=True))
    ids |= set(within(Registration.objects.all(), "created_at").values_list("pk", flat=True))
    return ids


def contributions(registration_ids: set[int], start: date, end: date | None) -> Figures:
    """What these registrations contribute to the days from `start` to `end` (None: no end)."""
    figures = Figures()

    def wanted(day: date) -> bool:
        return day >= start and (end is None or day <= end)

    timelines: dict[int, list[tuple[int, str, datetime]]] = defaultdict(list)
    events = (
        StatusEvent.objects.filter(registration_id__in=registration_ids)
        .order_by("registration_id", "created_at", "id")
        .values_list("registration_id", "tenant_id", "to_status", "created_at")
    )
    for registration_id, tenant_id, status, when in events.iterator(chunk_size=5000):
        timelines[registration_id].append((tenant_id, status, when))
    for timeline in timelines.values():
        for (tenant_id, status, entered), (_, _, left) in zip(timeline, timeline[1:], strict=False):
            if wanted(_day(left)):
                figures.stays[(_day(left), tenant_id)][status].append(
                    (left - entered).total_seconds()
                )
        first = next((e for e in timeline if e[1] in DECISIONS), None)
        if first is not None and wanted(_day(first[2])):
            counts = figures.decisions[(_day(first[2]), first[0])]
            counts[0] += 1
            counts[1] += int(first[1] in APPROVALS)
    versions = (
        RegistrationVersion.objects.filter(registration_id__in=registration_ids)
        .exclude(denied_reasons=[])
        .order_by("registration_id", "number")
        .values_list("registration_id", "tenant_id", "created_at", "denied_reasons")
    )
    seen: Counter[int] = Counter()
    for registration_id, tenant_id, created_at, reasons in versions:
        if not reasons:
            continue
        k = seen[registration_id]
        seen[registration_id] += 1
        denials = [
            w for _, s, w in timelines.get(registration_id, ()) if s == Status.REQUIRES_UPDATES
        ]
        day = _day(denials[k] if k < len(denials) else created_at)
        if wanted(day):
            for reason in reasons:
                label = reason.get("short") or reason.get("reason") or "Unspecified"
                figures.denials[(day, tenant_id)][label] += 1
    created = Registration.objects.filter(pk__in=registration_ids).values_list(
        "tenant_id", "created_at", "registration_type"
    )
    for tenant_id, created_at, kind in created:
        if wanted(_day(created_at)):
            figures.created[(_day(created_at), tenant_id)][kind] += 1
    return figures


def _state() -> DashboardSummaryState | None:
    return DashboardSummaryState.objects.filter(pk=1).first()


def summary_refresh(today: date | None = None) -> dict:
    """Writes the closed days (up to yesterday, UTC) that changed since the last refresh."""
    today = today or timezone.now().astimezone(UTC).date()
    yesterday = today - timedelta(days=1)
    state = _state()
    newest_event = StatusEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    checked_at = timezone.now()
    if state is None:
        first = StatusEvent.objects.aggregate(first=Min("created_at"))["first"]
        created = Registration.objects.aggregate(first=Min("created_at"))["first"]
        starts = [_day(w) for w in (first, created) if w is not None]
        start = min(starts) if starts else today
    else:
        start = state.refreshed_through + timedelta(days=1)
        new_events = StatusEvent.objects.filter(id__gt=state.last_event_id)
        changed_versions = RegistrationVersion.objects.exclude(denied_reasons=[])
        if state.versions_seen_at is not None:
            changed_versions = changed_versions.filter(updated_at__gt=state.versions_seen_at)
        touched = set(new_events.values_list("registration_id", flat=True))
        touched |= set(changed_versions.values_list("registration_id", flat=True))
        earliest = [
            new_events.aggregate(first=Min("created_at"))["first"],
            Registration.objects.filter(pk__in=touched).aggregate(first=Min("created_at"))["first"],
        ]
        start = min([start, *(_day(w) for w in earliest if w is not None)])
    days = 0
    if start <= yesterday:
        figures = contributions(_active_registrations(start, yesterday), start, yesterday)
        rows = [
            DashboardDay(day=day, tenant_id=tenant_id, figures=figures.as_json(day, tenant_id))
            for day, tenant_id in sorted(figures.day_keys())
        ]
        # The same days for every tenant at once: the overall dashboard reads one row a day.
        tenants_by_day: dict[date, list[int]] = defaultdict(list)
        for day, tenant_id in figures.day_keys():
            tenants_by_day[day].append(tenant_id)
        for day in sorted(tenants_by_day):
            merged = Figures()
            for tenant_id in tenants_by_day[day]:
                merged.add_json(day, None, figures.as_json(day, tenant_id))
            rows.append(DashboardDay(day=day, tenant=None, figures=merged.as_json(day, None)))
        with transaction.atomic():
            DashboardDay.objects.filter(day__gte=start, day__lte=yesterday).delete()
            DashboardDay.objects.bulk_create(rows, batch_size=1000)
        days = (yesterday - start).days + 1
    DashboardSummaryState.objects.update_or_create(
        pk=1,
        defaults={
            "refreshed_through": max(yesterday, state.refreshed_through) if state else yesterday,
            "last_event_id": newest_event,
            "versions_seen_at": checked_at,
        },
    )
    return {"from": start.isoformat(), "through": yesterday.isoformat(), "days": days}


def figures_for(tenant=None) -> Figures:
    """The summary's rows plus the live contributions of the days after it."""
    state = _state()
    merged = Figures()
    if state is not None:
        rows = DashboardDay.objects.filter(day__lte=state.refreshed_through, tenant=tenant)
        for day, day_figures in rows.values_list("day", "figures"):
            merged.add_json(day, None, day_figures)
        start = state.refreshed_through + timedelta(days=1)
        live = contributions(_active_registrations(start, None, tenant), start, None)
    else:
        live = contributions(_all_registrations(tenant), date.min, None)
    for day, tenant_id in live.day_keys():
        merged.add_json(day, tenant_id, live.as_json(day, tenant_id))
    return merged


def _all_registrations(tenant=None) -> set[int]:
    registrations = Registration.objects.all()
    if tenant is not None:
        registrations = registrations.filter(tenant=tenant)
    return set(registrations.values_list("pk", flat=True))


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def stays_by_month(figures: Figures) -> dict[tuple[str, str], list[float]]:
    stays: dict[tuple[str, str], list[float]] = defaultdict(list)
    for (day, _), by_status in figures.stays.items():
        for status, seconds in by_status.items():
            stays[(_month(day), status)].extend(seconds)
    return stays


def stage_times(figures: Figures) -> list[StageTime]:
    durations: dict[str, list[float]] = defaultdict(list)
    for by_status in figures.stays.values():
        for status, seconds in by_status.items():
            durations[status].extend(seconds)
    return stats.stage_times_of(durations)


def first_time_approval(figures: Figures) -> dict:
    overall = Rate(0, 0)
    per_tenant: dict[int, Rate] = defaultdict(lambda: Rate(0, 0))
    per_month: dict[str, Rate] = defaultdict(lambda: Rate(0, 0))
    for (day, tenant_id), (decided, first_time) in figures.decisions.items():
        for rate in (overall, per_tenant[tenant_id], per_month[_month(day)]):
            rate.decided += decided
            rate.first_time += first_time
    names = dict(Tenant.objects.filter(pk__in=per_tenant).values_list("pk", "name"))
    return {
        "overall": overall,
        "per_tenant": sorted(
            ((names[pk], rate) for pk, rate in per_tenant.items()), key=lambda item: item[0]
        ),
        "per_month": sorted(per_month.items()),
    }


def by_month(counters: dict[tuple[date, int], Counter]) -> dict[str, Counter]:
    months: dict[str, Counter] = defaultdict(Counter)
    for (day, _), counter in counters.items():
        months[_month(day)].update(counter)
    return {month: counter for month, counter in months.items() if +counter}


def dashboard(tenant=None) -> dict:
    """The dashboard page's figures, from the daily summary and the days after it."""
    figures = figures_for(tenant)
    denials = by_month(figures.denials)
    overall: Counter[str] = Counter()
    for counter in denials.values():
        overall.update(counter)
    return stats.dashboard_from(
        tenant=tenant,
        stages=stage_times(figures),
        denials=sorted(overall.items(), key=lambda item: (-item[1], item[0])),
        approval=first_time_approval(figures),
        over_time={
            "stages": trends.stage_cells(stays_by_month(figures)),
            "denials": trends.ranked_months(denials),
            "created": trends.ranked_months(by_month(figures.created)),
        },
    )
