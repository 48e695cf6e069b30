"""Review: the tenant hands a draft to provider staff, staff approve it (it goes to the
submission pipeline) or return it with comments, retry a failed submission, or cancel; each
staff decision is recorded in the audit log with what was decided (overrides and their
reasons, the comments of a return)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from compliance.preflight import blocking
from portal.enqueue import enqueue
from registrations import overlay
from registrations.models import FieldComment, Registration
from registrations.selectors import schema_for, version_under_review, version_values
from registrations.services.drafts import version_editable_get, version_next, version_preflight
from registrations.services.notifications import notify_status
from registrations.services.transitions import (
    registration_transition,
    require_reviewer,
    require_role,
)
from registrations.states import Status
from tenants.models import Role, Tenant, User
from tenants.services import audit_record


@transaction.atomic
def registration_submit_for_review(
    *, tenant: Tenant, actor: User, registration: Registration
) -> Registration:
    """The tenant hands the draft to provider staff: checks it is complete, then locks it."""
    require_role(tenant, actor, Role.ADMIN)
    registration = Registration.objects.select_for_update().get(pk=registration.pk, tenant=tenant)
    version = version_editable_get(registration)
    errors = schema_for(registration).validate(version_values(version), complete=True)
    if errors:
        raise ValidationError(errors)
    needed = overlay.DEPENDENCIES.get(registration.registration_type)
    if needed and registration.depends_on.status != Status.COMPLETE:
        raise ValidationError(
            f"“{registration.depends_on.name}” must be complete before this can be reviewed "
            f"(it is {Status(registration.depends_on.status).label.lower()})."
        )
    version_preflight(version)  # staff see fresh findings; errors block approval, not review
    version.locked_at = timezone.now()
    version.save(update_fields=["locked_at"])
    registration.schema_outdated = False
    registration.save(update_fields=["schema_outdated"])
    return registration_transition(
        registration=registration,
        to=Status.IN_REVIEW,
        actor=actor,
        reason=f"Version {version.number} submitted for review",
    )


@transaction.atomic
def version_approve(
    *, actor: User, registration: Registration, overrides: dict[str, str] | None = None
) -> Registration:
    """Staff approve the version in review: it goes to the submission pipeline.

    The conditional UPDATE in the transition makes a second, concurrent approval fail.
    """
    require_reviewer(actor)
    version = registration.versions.newest()
    overrides = {k: v for k, v in (overrides or {}).items() if v and v.strip()}
    still = blocking(version_preflight(version), overrides)
    if still:
        raise ValidationError(
            "Preflight errors block this submission; fix them or override each with a reason: "
            + "; ".join(f"{f.rule_id} ({f.message})" for f in still)
        )
    registration_transition(
        registration=registration,
        to=Status.QUEUED,
        actor=actor,
        expected=Status.IN_REVIEW,
        reason=f"Version {version.number} approved",
    )
    version.reviewed_by, version.reviewed_at = actor, timezone.now()
    version.preflight_overrides = overrides or {}
    version.save(update_fields=["reviewed_by", "reviewed_at", "preflight_overrides"])
    enqueue("registrations.tasks.registration_submit_task", registration.pk)
    return registration


@transaction.atomic
def version_return(
    *, actor: User, registration: Registration, comments: dict[str, str], message: str = ""
) -> Registration:
    """Staff send the version back with comments at the fields that must change."""
    require_reviewer(actor)
    comments = {path: text.strip() for path, text in comments.items() if text.strip()}
    if not comments and not message.strip():
        raise ValidationError("Say what must change: a comment at a field or a message.")
    registration_transition(
        registration=registration,
        to=Status.CHANGES_REQUESTED,
        actor=actor,
        expected=Status.IN_REVIEW,
        reason=message.strip() or "Changes requested",
    )
    version = registration.versions.newest()
    for path, text in comments.items():
        FieldComment.objects.create(
            tenant_id=registration.tenant_id,
            version=version,
            field_path=path,
            author=actor,
            body=text,
        )
    version_next(registration, set(comments))
    notify_status(
        registration=registration, headline="The provider asked for changes", detail=message
    )
    return registration


@transaction.atomic
def registration_cancel(*, tenant: Tenant, actor: User, registration: Registration) -> Registration:
    require_role(tenant, actor, Role.ADMIN)
    return registration_transition(
        registration=registration, to=Status.CANCELLED, actor=actor, reason="Cancelled"
    )


@transaction.atomic
def registration_retry(*, actor: User, registration: Registration) -> Registration:
    """Staff send a failed submission through the pipeline again."""
    require_reviewer(actor)
    registration_transition(
        registration=registration,
        to=Status.QUEUED,
        actor=actor,
        expected=Status.SUBMISSION_FAILED,
        reason="Retry",
    )
    enqueue("registrations.tasks.registration_submit_task", registration.pk)
    return registration


def _version_number(registration: Registration) -> int:
    return registration.versions.newest().number


@transaction.atomic
def version_review_approve(
    *, actor: User, registration: Registration, overrides: dict[str, str] | None = None
) -> Registration:
    """Approves the version in review (preflight errors need an override with a reason) and
    records the decision with the overrides."""
    version = registration.versions.newest()
    # Only rules the version was found to break can be overridden; anything else is noise.
    found = {f["rule_id"] for f in version.preflight_findings}
    overrides = {
        k: v.strip() for k, v in (overrides or {}).items() if k in found and v and v.strip()
    }
    version_approve(actor=actor, registration=registration, overrides=overrides)
    number = version.number
    audit_record(
        tenant=registration.tenant,
        actor=actor,
        action="registration.approve",
        obj=registration,
        after={"version": number, "overrides": overrides},
    )
    return registration


@transaction.atomic
def version_review_return(
    *, actor: User, registration: Registration, comments: dict[str, str], message: str = ""
) -> Registration:
    """Returns the version in review with comments at its fields, and records them."""
    number = _version_number(registration)
    version_return(actor=actor, registration=registration, comments=comments, message=message)
    audit_record(
        tenant=registration.tenant,
        actor=actor,
        action="registration.return",
        obj=registration,
        after={
            "version": number,
            "message": message.strip(),
            "comments": {p: t.strip() for p, t in comments.items() if t.strip()},
        },
    )
    return registration


@transaction.atomic
def registration_staff_cancel(
    *, actor: User, registration: Registration, reason: str
) -> Registration:
    """Staff stop a registration that has not reached AWS's review (e.g. a failed submission
    the tenant no longer wants). The reason is shown in the tenant's timeline."""
    require_reviewer(actor)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": ["Say why it is cancelled; the tenant sees this."]})
    before = registration.status
    registration_transition(
        registration=registration,
        to=Status.CANCELLED,
        actor=actor,
        expected=before,
        reason=f"Cancelled by the provider: {reason}",
    )
    audit_record(
        tenant=registration.tenant,
        actor=actor,
        action="registration.cancel",
        obj=registration,
        before={"status": before},
        after={"status": Status.CANCELLED, "reason": reason},
    )
    return registration


@transaction.atomic
def version_preflight_rerun(*, actor: User, registration: Registration) -> list:
    """Staff run the preflight again over the version in review (rules may have changed)."""
    require_reviewer(actor)
    version = version_under_review(registration)
    before = sorted({f["rule_id"] for f in version.preflight_findings})
    findings = version_preflight(version)
    audit_record(
        tenant=registration.tenant,
        actor=actor,
        action="registration.preflight",
        obj=registration,
        before={"rules": before},
        after={"rules": sorted({f.rule_id for f in findings})},
    )
    return findings
