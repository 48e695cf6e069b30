"""Following registrations at AWS: applying observed statuses (from events or the poll), pulling
denial reasons back to the fields, and the reconciliation poll."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from portal.enqueue import enqueue
from registrations import overlay
from registrations.aws import operations as aws
from registrations.aws.clients import account_for
from registrations.aws.gateway import Gateway
from registrations.aws.types import RegistrationState, RemoteValue
from registrations.models import FieldValue, Registration, RegistrationVersion
from registrations.overlay import DEFAULT_REVIEW, TYPICAL_REVIEW
from registrations.services.drafts import version_after_denial
from registrations.services.notifications import notify_status
from registrations.services.review import registrations_waiting_release
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
    Status.SUBMITTED: "Sent to AWS",
    Status.AWS_REVIEWING: "In AWS's review",
    Status.REVIEWING: "In carrier review",
    Status.REQUIRES_AUTHENTICATION: "Needs e-mail authentication",
    Status.REQUIRES_UPDATES: "Needs updates before it can be approved",
    Status.PROVISIONING: "Approved; provisioning",
    Status.COMPLETE: "Approved and complete",
    Status.CLOSED: "Closed",
    Status.DELETED: "Deleted at AWS",
}


# Changes that need the tenant or end the review: always e-mailed, even inside a coalesced notice.
NEEDS_TENANT_OR_FINAL = frozenset(
    {
        Status.REQUIRES_UPDATES,
        Status.REQUIRES_AUTHENTICATION,
        Status.COMPLETE,
        Status.CLOSED,
        Status.DELETED,
    }
)


def poll_interval(age: timedelta) -> timedelta:
    return next((interval for limit, interval in POLL_INTERVALS if age < limit), OLD_POLL_INTERVAL)


@dataclass(frozen=True)
class Denial:
    """What AWS says about a denied version: its status, its reasons, and the fields it noted."""

    status: str
    reasons: list[dict]
    fields: dict[str, RemoteValue]


def _denial_fetch(gw: Gateway, registration: Registration, denied_version: int) -> Denial | None:
    """Asks AWS why `denied_version` was denied (outside any transaction)."""
    if not registration.versions.filter(aws_version_number=denied_version).exists():
        return None
    rid = registration.aws_registration_id
    info = next(
        iter(aws.registration_versions_describe(gw, registration_id=rid, numbers=[denied_version])),
        None,
    )
    values = aws.field_values_describe(gw, registration_id=rid, version=denied_version)
    return Denial(
        status=info.status if info else "DENIED",
        reasons=[asdict(reason) for reason in info.denied_reasons] if info else [],
        fields={path: v for path, v in values.items() if v.denied_reason or v.feedback},
    )


def _denial_store(
    registration: Registration, denied_version: int, denial: Denial | None
) -> set[str]:
    """Stores AWS's reasons on our version and its fields; returns the denied field paths."""
    version = registration.versions.filter(aws_version_number=denied_version).first()
    if version is None or denial is None:
        return set()
    version.aws_status = denial.status
    version.denied_reasons = denial.reasons
    version.save(update_fields=["aws_status", "denied_reasons", "updated_at"])
    for path, remote in denial.fields.items():
        FieldValue.objects.filter(version=version, field_path=path).update(
            aws_denied_reason=remote.denied_reason,
            aws_feedback=remote.feedback,
            needs_change=True,
        )
    return set(denial.fields)


def _observable(registration: Registration, aws_status: str) -> bool:
    if aws_status not in AWS_STATUSES or aws_status == registration.status:
        return False
    return can_transition(registration.status, aws_status)  # out of order or stale: no


def registration_observe(
    *,
    registration: Registration,
    aws_status: str,
    denied_version: int | None = None,
    gw: Gateway | None = None,
    source: str = "poll",
) -> bool:
    """Applies a status seen at AWS. Returns True when it changed something.

    AWS is asked first, outside any transaction (a denial's reasons and field notes); what it
    said is then applied in one short transaction that re-reads the row and checks again."""
    current = Registration.objects.select_related("tenant").get(pk=registration.pk)
    if not _observable(current, aws_status):
        return False
    denial = None
    if aws_status == Status.REQUIRES_UPDATES and denied_version:
        denial = _denial_fetch(gw or Gateway.for_registration(current), current, denied_version)
    return _observed_apply(
        registration_id=current.pk,
        aws_status=aws_status,
        denied_version=denied_version,
        denial=denial,
        source=source,
    )


@transaction.atomic
def _observed_apply(
    *,
    registration_id: int,
    aws_status: str,
    denied_version: int | None,
    denial: Denial | None,
    source: str,
) -> bool:
    registration = Registration.objects.select_for_update().get(pk=registration_id)
    if not _observable(registration, aws_status):
        return False  # another worker applied it (or something newer) meanwhile
    registration_transition(
        registration=registration, to=aws_status, reason=f"Seen at AWS ({source})"
    )
    latest = registration.versions.newest()
    if latest is not None and aws_status in (Status.PROVISIONING, Status.COMPLETE):
        RegistrationVersion.objects.filter(pk=latest.pk).update(aws_status="APPROVED")
    detail = ""
    if aws_status == Status.REQUIRES_UPDATES and denied_version:
        denied = _denial_store(registration, denied_version, denial)
        version_after_denial(registration, denied)
        reasons = registration.versions.get(aws_version_number=denied_version).denied_reasons
        detail = "\n".join(f"- {r['short'] or r['reason']}" for r in reasons)
    if aws_status == Status.COMPLETE:
        enqueue("registrations.tasks.registration_provision_task", registration.pk)
        # A campaign sent while its brand (or the brand's vetting) was not complete waits for
        # it, and goes to provider review now if nothing else holds it.
        if registration.registration_type == overlay.BRAND:
            registrations_waiting_release(brand_id=registration.pk)
        elif registration.registration_type == overlay.VETTING:
            registrations_waiting_release(brand_id=registration.depends_on_id)
    notify_status(
        registration=registration,
        headline=HEADLINES.get(aws_status) or Status(aws_status).label,
        detail=detail,
        important=aws_status in NEEDS_TENANT_OR_FINAL,
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


def _observed(gw: Gateway, index: dict[str, Registration]) -> list[RegistrationState]:
    """AWS's view of the registrations in `index`, with as few calls as possible."""
    if len(index) <= LIST_THRESHOLD:
        return aws.registrations_describe(gw, registration_ids=list(index))
    listed = {item.id: item for item in aws.registrations_list(gw, statuses=sorted(TRACKED))}
    unchanged_or_moved = [listed[rid] for rid in index if rid in listed]
    gone = [rid for rid in index if rid not in listed]  # left the tracked states: look closer
    return unchanged_or_moved + aws.registrations_describe(gw, registration_ids=gone)


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
            registration = index[item.id]
            if item.status != registration.status:
                reg_gw = Gateway.for_registration(registration)
                if registration_observe(
                    registration=registration,
                    aws_status=item.status,
                    denied_version=item.denied_version,
                    gw=reg_gw,
                ):
                    changed += 1
        Registration.objects.filter(pk__in=[r.pk for r in group]).update(last_polled_at=now)
    return {"polled": len(registrations), "changed": changed, "accounts": len(by_account)}


def registrations_stuck(now=None) -> QuerySet[Registration]:
    """Registrations waiting at AWS longer than is typical for their type, oldest first. The
    comparison runs in the database, so only the stuck rows are read."""

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
