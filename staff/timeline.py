"""What the dashboard's figures are read from, shared by `stats` (whole periods), `trends` (per
month) and `summary` (per day): the timelines of status events, the decisions that count as
AWS's first answer, and the two ways a duration is summarised and shown."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import timedelta

from registrations.models import StatusEvent
from registrations.states import Status

DECISIONS = {Status.REQUIRES_UPDATES, Status.PROVISIONING, Status.COMPLETE}
APPROVALS = {Status.PROVISIONING, Status.COMPLETE}

# registration id -> [(tenant id, status entered, when)], in order.
Timeline = dict[int, list[tuple[int, str, object]]]


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile: the ceil(fraction·n)-th smallest value."""
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)), 1) - 1]


def human(duration: timedelta) -> str:
    """A duration the way a person reads it: minutes, hours under two days, then days."""
    seconds = duration.total_seconds()
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def scoped(queryset, tenant):
    """The queryset narrowed to one tenant's rows, or every tenant's (None)."""
    return queryset.filter(tenant=tenant) if tenant is not None else queryset


def timelines_for(tenant=None) -> Timeline:
    """Every registration's status events (of one tenant, or of all), in order."""
    events = scoped(StatusEvent.objects.all(), tenant).order_by(
        "registration_id", "created_at", "id"
    )
    by_registration: Timeline = defaultdict(list)
    for registration_id, tenant_id, status, when in events.values_list(
        "registration_id", "tenant_id", "to_status", "created_at"
    ):
        by_registration[registration_id].append((tenant_id, status, when))
    return by_registration
