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
from registrations.aws.errors import AwsError
from registrations.aws.gateway import Gateway
from registrations.aws.types import RegistrationState, RemoteValue, VersionState
from registrations.models import FieldValue, Registration, RegistrationVersion, StatusEvent
from registrations.overlay import DEFAULT_REVIEW, TYPICAL_REVIEW
from registrations.selectors import registration_sending_allowed
from registrations.services.drafts import version_after_denial
from registrations.services.notifications import notify_staff, notify_status
from registrations.services.review import registrations_waiting_release
from registrations.services.transitions import registration_transition
from registrations.states import (
    AWS_REGISTRATION_WORDS,
    AWS_STATUSES,
    TRACKED,
    WATCHED,
    Status,
    can_transition,
)
from tenants.models import AuditEntry
from tenants.services import audit_record

# Young submissions are polled often, old ones rarely (events do most of the work).
POLL_INTERVALS = (
    (timedelta(hours=1), timedelta(minutes=2)),
    (timedelta(days=1), timedelta(minutes=15)),
    (timedelta(days=7), timedelta(hours=1)),
)
OLD_POLL_INTERVAL = timedelta(hours=6)
# Approved registrations are asked about on a slow cadence: events do most of the work, the
# poll catches a carrier's revocation or closure whose event was lost.
APPROVED_POLL_INTERVAL = timedelta(hours=1)

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
# What the tenant must do, where AWS waits for them.
DETAILS = {
    Status.REQUIRES_AUTHENTICATION: (
        "AWS's partner (for a 10DLC brand of a publicly traded company: The Campaign Registry, "
        "from noreply@auth.campaignregistry.com) sent a verification e-mail to the contact "
        "address of the registration. Open it and follow its link to confirm the company; "
        "the review goes on by itself afterwards. Nothing has to change in the portal."
    ),
    Status.CLOSED: (
        "Its phone number or sender ID no longer exists at AWS. Delete the registration (from "
        "its page) and register again if you still need a sender."
    ),
}
# A version status AWS reports that asks the tenant (or the provider) to act.
VERSION_DETAILS = {
    "REQUIRES_OFFLINE_REVIEW": (
        "AWS needs an offline review of this version: your provider opens an AWS Support case."
    ),
    "REVOKED": "A carrier revoked the approved version after approval.",
}
# Version statuses after which AWS no longer reviews a version (botocore model).
_VERSION_OVER = ("DENIED", "DISCARDED", "REVOKED", "ARCHIVED")


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


def _versions_fetch(gw: Gateway, registration: Registration) -> list[VersionState] | None:
    """Every version of the registration as AWS reports it (None when AWS cannot say)."""
    try:
        return aws.registration_versions_describe(
            gw, registration_id=registration.aws_registration_id
        )
    except AwsError:
        return None  # the next poll asks again; the registration's own status is recorded


def registration_observe(
    *,
    registration: Registration,
    aws_status: str,
    denied_version: int | None = None,
    gw: Gateway | None = None,
    source: str = "poll",
    versions: list[VersionState] | None = None,
) -> bool:
    """Applies a status seen at AWS. Returns True when it changed something.

    Whatever AWS reports is recorded (`aws_status`, the timeline, the versions' statuses) even
    when the transition table has no move for it; the table decides only what the portal does.
    AWS is asked first, outside any transaction (a denial's reasons and field notes, the
    versions); what it said is then applied in one short transaction that re-reads the row and
    checks again."""
    current = Registration.objects.select_related("tenant").get(pk=registration.pk)
    moves = _observable(current, aws_status)
    if not moves and aws_status == current.aws_status and versions is None:
        return False
    gw = gw or Gateway.for_registration(current)
    denial = None
    if aws_status == Status.REQUIRES_UPDATES and moves and denied_version:
        denial = _denial_fetch(gw, current, denied_version)
    if versions is None and aws_status in (Status.PROVISIONING, Status.COMPLETE):
        versions = _versions_fetch(gw, current)  # which version is approved, which archived
    return _observed_apply(
        registration_id=current.pk,
        aws_status=aws_status,
        denied_version=denied_version,
        denial=denial,
        source=source,
        versions=versions,
    )


def _versions_store(registration: Registration, versions: list[VersionState]) -> bool:
    """Records each version's status as AWS reports it; True when one changed."""
    changed = 0
    for state in versions:
        changed += (
            RegistrationVersion.objects.filter(
                registration=registration, aws_version_number=state.number
            )
            .exclude(aws_status=state.status)
            .update(aws_status=state.status)
        )
    return changed > 0


def _approved_mark(registration: Registration) -> None:
    """Without AWS's list of versions: the newest version AWS still reviewed is the approved
    one, and an earlier approved version is archived (as AWS does)."""
    approved = (
        registration.versions.exclude(aws_version_number=None)
        .exclude(aws_status__in=_VERSION_OVER)
        .newest()
    )
    if approved is None:
        return
    RegistrationVersion.objects.filter(pk=approved.pk).update(aws_status="APPROVED")
    registration.versions.filter(aws_status="APPROVED").exclude(pk=approved.pk).update(
        aws_status="ARCHIVED"
    )


def _sending_changed(registration: Registration, allowed: bool, aws_status: str) -> None:
    """Tells the tenant and staff that the registration's senders stopped or resumed."""
    senders = list(registration.senders.values_list("value", flat=True))
    if not senders:
        return
    last = (
        AuditEntry.objects.filter(
            tenant_id=registration.tenant_id,
            object_type="registration",
            object_id=str(registration.pk),
            action__in=("registration.sending_paused", "registration.sending_resumed"),
        )
        .order_by("-created_at", "-pk")
        .values_list("action", flat=True)
        .first()
    )
    if allowed and last != "registration.sending_paused":
        return  # a first approval: nothing was paused, nothing resumes
    words = AWS_REGISTRATION_WORDS.get(aws_status, aws_status)
    said = aws_status.replace("_", " ").lower()  # AWS's status in words, never its code
    if allowed:
        headline = "Sending resumed"
        detail = f"AWS reports it {said} ({words}): {', '.join(senders)} send again."
    else:
        headline = f"Sending paused: AWS reports it {said}"
        detail = (
            f"{words}. Messages from {', '.join(senders)} are refused until AWS reports the "
            "registration complete again."
        )
    # Pausing and resuming always reach the tenant by e-mail, even inside a coalesced notice.
    notify_status(registration=registration, headline=headline, detail=detail, important=True)
    notify_staff(
        subject=f"{registration.tenant.name}: “{registration.name}” {headline.lower()}",
        body=f"{detail}\n\nRegistration {registration.aws_registration_id} "
        f"({registration.registration_type}) of {registration.tenant.name}.",
    )
    audit_record(
        tenant=registration.tenant,
        actor=None,
        action="registration.sending_resumed" if allowed else "registration.sending_paused",
        obj=registration,
        after={"aws_status": aws_status, "senders": senders},
    )


@transaction.atomic
def _observed_apply(
    *,
    registration_id: int,
    aws_status: str,
    denied_version: int | None,
    denial: Denial | None,
    source: str,
    versions: list[VersionState] | None = None,
) -> bool:
    registration = (
        Registration.objects.select_for_update().select_related("tenant").get(pk=registration_id)
    )
    allowed_before = registration_sending_allowed(registration)
    recorded = aws_status != registration.aws_status
    if recorded:
        registration.aws_status, registration.aws_status_at = aws_status, timezone.now()
        Registration.objects.filter(pk=registration.pk).update(
            aws_status=aws_status, aws_status_at=registration.aws_status_at
        )
    moved = _observable(registration, aws_status)
    detail = ""
    if moved:
        registration_transition(
            registration=registration, to=aws_status, reason=f"Seen at AWS ({source})"
        )
        if aws_status in (Status.PROVISIONING, Status.COMPLETE):
            _approved_mark(registration)
        if aws_status == Status.REQUIRES_UPDATES:
            denied = (
                _denial_store(registration, denied_version, denial) if denied_version else set()
            )
            newest = registration.versions.newest()
            if newest is None or not newest.is_editable:
                version_after_denial(registration, denied)
            if (
                denied_version
                and registration.versions.filter(aws_version_number=denied_version).exists()
            ):
                reasons = registration.versions.get(
                    aws_version_number=denied_version
                ).denied_reasons
                detail = "\n".join(f"- {r['short'] or r['reason']}" for r in reasons)
        if aws_status == Status.COMPLETE:
            enqueue("registrations.tasks.registration_provision_task", registration.pk)
            # A campaign sent while its brand (or the brand's vetting) was not complete waits
            # for it, and goes to provider review now if nothing else holds it.
            if registration.registration_type == overlay.BRAND:
                registrations_waiting_release(brand_id=registration.pk)
            elif registration.registration_type == overlay.VETTING:
                registrations_waiting_release(brand_id=registration.depends_on_id)
    elif recorded:
        # AWS said something the table has no move for: recorded, not acted on.
        StatusEvent.objects.create(
            tenant_id=registration.tenant_id,
            registration=registration,
            from_status=registration.status,
            to_status=registration.status,
            actor_label="system",
            reason=f"AWS reports {aws_status} ({source}); the portal keeps it "
            f"{Status(registration.status).label.lower()}",
        )
    versions_changed = versions is not None and _versions_store(registration, versions)
    for state in versions or ():
        if (
            state.status in VERSION_DETAILS
            and registration.versions.filter(
                aws_version_number=state.number, aws_status=state.status
            ).exists()
        ):
            detail = "\n".join(filter(None, [detail, VERSION_DETAILS[state.status]]))
    if moved:
        detail = "\n".join(filter(None, [detail, DETAILS.get(aws_status, "")]))
        notify_status(
            registration=registration,
            headline=HEADLINES.get(aws_status) or Status(aws_status).label,
            detail=detail,
            important=aws_status in NEEDS_TENANT_OR_FINAL,
        )
    allowed_after = registration_sending_allowed(registration)
    if allowed_after != allowed_before:
        _sending_changed(registration, allowed_after, aws_status)
    return moved or recorded or versions_changed


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
    """AWS's view of the registrations in `index`, with as few calls as possible; a
    registration AWS no longer knows is left out."""
    if len(index) <= LIST_THRESHOLD:
        return aws.registrations_describe(gw, registration_ids=list(index))
    statuses = sorted(TRACKED | WATCHED)
    listed = {item.id: item for item in aws.registrations_list(gw, statuses=statuses)}
    unchanged_or_moved = [listed[rid] for rid in index if rid in listed]
    gone = [rid for rid in index if rid not in listed]  # left the watched states: look closer
    return unchanged_or_moved + aws.registrations_describe(gw, registration_ids=gone)


def _polled() -> QuerySet[Registration]:
    """Registrations the poll asks AWS about: in review at AWS, approved (the portal's status,
    or AWS's while the tenant prepares an amendment)."""
    return Registration.objects.filter(
        Q(status__in=TRACKED | WATCHED) | Q(aws_status__in=WATCHED)
    ).exclude(aws_registration_id="")


def _due(now) -> list[Registration]:
    due = []
    for registration in (
        _polled()
        .select_related("tenant")
        .only(
            "id",
            "tenant",
            "status",
            "aws_status",
            "aws_registration_id",
            "submitted_at",
            "last_polled_at",
        )
    ):
        if registration.status in TRACKED:
            interval = poll_interval(now - (registration.submitted_at or now))
        else:
            interval = APPROVED_POLL_INTERVAL
        if registration.last_polled_at is None or now - registration.last_polled_at >= interval:
            due.append(registration)
    return due


def _approved_versions(registrations: list[Registration]) -> dict[int, int]:
    """The AWS version number the portal last knew approved, by registration id (one query)."""
    return dict(
        RegistrationVersion.objects.filter(registration__in=registrations, aws_status="APPROVED")
        .exclude(aws_version_number=None)
        .values_list("registration_id", "aws_version_number")
    )


def reconcile_pass(*, force: bool = False) -> dict:
    """One reconciliation pass: batch DescribeRegistrations per AWS account for the
    registrations due, and fetch details only for those whose status changed. A registration
    AWS no longer knows was deleted there (DeleteRegistration removes it for good)."""
    now = timezone.now()
    registrations = list(_polled()) if force else _due(now)
    by_account: dict = defaultdict(list)
    for registration in registrations:
        by_account[account_for(registration.tenant)].append(registration)
    changed = 0
    for context, group in by_account.items():
        gw = Gateway(context=context)
        index = {r.aws_registration_id: r for r in group}
        observed = _observed(gw, index)
        seen = {item.id for item in observed}
        approved = _approved_versions(group)
        for item in observed:
            registration = index[item.id]
            # The approved version can change without the registration's status (e.g. revoked
            # while AWS reviews an amendment): the versions are read then too.
            if (
                item.status != registration.status
                or item.status != registration.aws_status
                or item.approved_version != approved.get(registration.pk)
            ):
                reg_gw = Gateway.for_registration(registration)
                denied = item.denied_version
                if item.status == Status.REQUIRES_UPDATES and not denied:
                    denied = item.current_version  # revoked or sent back after approval
                if registration_observe(
                    registration=registration,
                    aws_status=item.status,
                    denied_version=denied,
                    gw=reg_gw,
                    versions=_versions_fetch(reg_gw, registration),
                ):
                    changed += 1
        for rid in sorted(set(index) - seen):
            if registration_observe(
                registration=index[rid], aws_status=Status.DELETED, gw=gw, versions=[]
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
