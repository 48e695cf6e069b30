"""Following registrations at AWS: applying observed statuses (from events or the poll), pulling
denial reasons back to the fields, and the reconciliation poll."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from registrations.aws import Gateway, account_for
from registrations.models import FieldValue, Registration, RegistrationVersion
from registrations.services.drafts import version_after_denial
from registrations.services.notifications import notify_status
from registrations.services.transitions import registration_transition
from registrations.states import AWS_STATUSES, TRACKED, Status, can_transition

# Young submissions are polled often, old ones rarely (events do most of the work).
POLL_INTERVALS = (
    (timedelta(hours=1), timedelta(minutes=2)),
    (timedelta(days=1), timedelta(minutes=15)),
    (timedelta(days=7), timedelta(hours=1)),
)
OLD_POLL_INTERVAL = timedelta(hours=6)

HEADLINES = {
    Status.REVIEWING: "In carrier review",
    Status.REQUIRES_AUTHENTICATION: "Needs e-mail authentication",
    Status.REQUIRES_UPDATES: "Needs updates before it can be approved",
    Status.PROVISIONING: "Approved; provisioning",
    Status.COMPLETE: "Approved and complete",
    Status.CLOSED: "Closed",
    Status.DELETED: "Deleted at AWS",
}


def poll_interval(age: timedelta) -> timedelta:
    return next((interval for limit, interval in POLL_INTERVALS if age < limit), OLD_POLL_INTERVAL)


def _pull_denial(gw: Gateway, registration: Registration, denied_version: int) -> set[str]:
    """Stores AWS's reasons on our version and its fields; returns the denied field paths."""
    version = registration.versions.filter(aws_version_number=denied_version).first()
    if version is None:
        return set()
    info = next(
        iter(gw.describe_versions(registration.aws_registration_id, [denied_version])), None
    )
    version.aws_status = info["status"] if info else "DENIED"
    version.denied_reasons = info["denied_reasons"] if info else []
    version.save(update_fields=["aws_status", "denied_reasons", "updated_at"])
    denied = set()
    for path, remote in gw.field_values(registration.aws_registration_id, denied_version).items():
        if remote["denied_reason"] or remote["feedback"]:
            denied.add(path)
            FieldValue.objects.filter(version=version, field_path=path).update(
                aws_denied_reason=remote["denied_reason"],
                aws_feedback=remote["feedback"],
                needs_change=True,
            )
    return denied


@transaction.atomic
def registration_observe(
    *,
    registration: Registration,
    aws_status: str,
    denied_version: int | None = None,
    gw: Gateway | None = None,
    source: str = "poll",
) -> bool:
    """Applies a status seen at AWS. Returns True when it changed something."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if aws_status not in AWS_STATUSES or aws_status == registration.status:
        return False
    if not can_transition(registration.status, aws_status):
        return False  # out of order or stale: the table decides, nothing changes
    gw = gw or Gateway.for_registration(registration)
    registration_transition(
        registration=registration, to=aws_status, reason=f"Seen at AWS ({source})"
    )
    latest = registration.versions.newest()
    if latest is not None and aws_status in (Status.PROVISIONING, Status.COMPLETE):
        RegistrationVersion.objects.filter(pk=latest.pk).update(aws_status="APPROVED")
    detail = ""
    if aws_status == Status.REQUIRES_UPDATES and denied_version:
        denied = _pull_denial(gw, registration, denied_version)
        version_after_denial(registration, denied)
        reasons = registration.versions.get(aws_version_number=denied_version).denied_reasons
        detail = "\n".join(f"- {r['short'] or r['reason']}" for r in reasons)
    if aws_status == Status.COMPLETE:
        from registrations.tasks import registration_provision_task

        transaction.on_commit(lambda: registration_provision_task.delay(registration.pk))
    notify_status(
        registration=registration, headline=HEADLINES.get(aws_status, aws_status), detail=detail
    )
    return True


def registration_event_apply(event: dict) -> bool:
    """Applies an EventBridge "Registration Status Change" event (delivered through SNS)."""
    if event.get("detail-type") != "Registration Status Change":
        return False
    details = (event.get("detail") or {}).get("registrationDetails") or {}
    registration = Registration.objects.filter(
        aws_registration_id=details.get("registrationId", "")
    ).first()
    if registration is None:
        return False
    status = details.get("currentStatus", "")
    version = details.get("registrationVersionNumber")
    return registration_observe(
        registration=registration,
        aws_status=status,
        source="event",
        denied_version=version if status == Status.REQUIRES_UPDATES else None,
    )


# Past this many registrations of one account, listing every tracked registration (100 a call)
# and describing only those that left the list is cheaper than describing each (5 a call).
LIST_THRESHOLD = 25


def _observed(gw: Gateway, index: dict[str, Registration]) -> list[dict]:
    """AWS's view of the registrations in `index`, with as few calls as possible."""
    if len(index) <= LIST_THRESHOLD:
        return gw.describe_registrations(list(index))
    listed = {item["id"]: item for item in gw.list_registrations(sorted(TRACKED))}
    unchanged_or_moved = [listed[rid] for rid in index if rid in listed]
    gone = [rid for rid in index if rid not in listed]  # left the tracked states: look closer
    return unchanged_or_moved + gw.describe_registrations(gone)


def _due(now) -> list[Registration]:
    candidates = Registration.objects.filter(status__in=TRACKED).exclude(aws_registration_id="")
    due = []
    for registration in candidates.select_related("tenant").only(
        "id", "tenant", "status", "aws_registration_id", "submitted_at", "last_polled_at"
    ):
        age = now - (registration.submitted_at or now)
        if registration.last_polled_at is None or (
            now - registration.last_polled_at >= poll_interval(age)
        ):
            due.append(registration)
    return due


def reconcile_pass(*, force: bool = False) -> dict:
    """One reconciliation pass: batch DescribeRegistrations per AWS account for the
    registrations due, and fetch details only for those whose status changed."""
    now = timezone.now()
    registrations = (
        list(Registration.objects.filter(status__in=TRACKED).exclude(aws_registration_id=""))
        if force
        else _due(now)
    )
    by_account: dict = defaultdict(list)
    for registration in registrations:
        by_account[account_for(registration.tenant)].append(registration)
    changed = 0
    for context, group in by_account.items():
        gw = Gateway(context=context)
        index = {r.aws_registration_id: r for r in group}
        for item in _observed(gw, index):
            registration = index[item["id"]]
            if item["status"] != registration.status:
                reg_gw = Gateway.for_registration(registration)
                if registration_observe(
                    registration=registration,
                    aws_status=item["status"],
                    denied_version=item["denied_version"],
                    gw=reg_gw,
                ):
                    changed += 1
        Registration.objects.filter(pk__in=[r.pk for r in group]).update(last_polled_at=now)
    return {"polled": len(registrations), "changed": changed, "accounts": len(by_account)}


def registrations_stuck(now=None) -> QuerySet[Registration]:
    """Registrations waiting at AWS longer than is typical for their type, oldest first. The
    comparison runs in the database, so only the stuck rows are read."""
    from registrations.overlay import DEFAULT_REVIEW, TYPICAL_REVIEW

    now = now or timezone.now()
    overdue = Q(submitted_at__lt=now - DEFAULT_REVIEW) & ~Q(registration_type__in=TYPICAL_REVIEW)
    for registration_type, typical in TYPICAL_REVIEW.items():
        overdue |= Q(registration_type=registration_type, submitted_at__lt=now - typical)
    return (
        Registration.objects.filter(status__in=TRACKED)
        .filter(overdue)
        .select_related("tenant")
        .prefetch_related("versions")
        .order_by("submitted_at", "pk")
    )
