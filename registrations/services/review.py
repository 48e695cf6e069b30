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
    waiting_for = dependency_wait(registration)
    version_preflight(version)  # staff see fresh findings; errors block approval, not review
    version.locked_at = timezone.now()
    version.save(update_fields=["locked_at"])
    registration.schema_outdated = False
    registration.save(update_fields=["schema_outdated"])
    if waiting_for:
        return registration_transition(
            registration=registration,
            to=Status.WAITING_FOR_BRAND,
            actor=actor,
            reason=f"Version {version.number} sent; it waits for {waiting_for}",
        )
    return registration_transition(
        registration=registration,
        to=Status.IN_REVIEW,
        actor=actor,
        reason=f"Version {version.number} submitted for review",
    )


# A brand or vetting in one of these will never complete: what depends on it cannot wait.
_GONE = (Status.CANCELLED, Status.CLOSED, Status.DELETED)


def dependency_wait(registration: Registration) -> str:
    """What a campaign or vetting still waits for before provider review ("" when nothing):
    its brand, and for a campaign the vetting its tenant chose for that brand (AWS: vetting
    scores are not applied retroactively, so a campaign made before the result keeps the
    unvetted limits). Raises ValidationError when the brand can never complete."""
    needed = overlay.DEPENDENCIES.get(registration.registration_type)
    if not needed:
        return ""
    brand = registration.depends_on
    if brand.status in _GONE:
        raise ValidationError(
            f"“{brand.name}” is {Status(brand.status).label.lower()}; this can only go to "
            "review for a brand that can still be approved."
        )
    waits = []
    if brand.status != Status.COMPLETE:
        waits.append(f"the brand “{brand.name}” to complete")
    if registration.registration_type == overlay.CAMPAIGN:
        vettings = Registration.objects.filter(
            tenant_id=registration.tenant_id,
            registration_type=overlay.VETTING,
            depends_on=brand,
        ).exclude(status__in=_GONE)
        if vettings.exclude(status=Status.COMPLETE).exists():
            waits.append("the brand's vetting result")
    return " and ".join(waits)


@transaction.atomic
def registrations_waiting_release(*, brand_id: int) -> list[int]:
    """Sends to provider review every registration of this brand that was waiting and waits
    for nothing more; called when the brand or its vetting completes or is cancelled. Returns
    the ids released."""
    released = []
    waiting = Registration.objects.select_for_update().filter(
        depends_on_id=brand_id, status=Status.WAITING_FOR_BRAND
    )
    for registration in waiting.select_related("depends_on", "tenant").order_by("pk"):
        try:
            still = dependency_wait(registration)
        except ValidationError:
            continue  # the brand is gone: the tenant sees it on the page and cancels
        if still:
            continue
        registration_transition(
            registration=registration,
            to=Status.IN_REVIEW,
            expected=Status.WAITING_FOR_BRAND,
            reason="The brand is complete: sent to provider review",
        )
        notify_status(
            registration=registration,
            headline="Its brand is complete; it is now in your provider's review",
        )
        released.append(registration.pk)
    return released


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
    # The e-mail carries each comment at its field, by the field's title.
    schema = schema_for(registration)
    at_fields = "\n".join(
        f"- {(schema.field(path).title if schema.field(path) else '') or path}: {text}"
        for path, text in comments.items()
    )
    detail = "\n\n".join(
        part
        for part in (message.strip(), f"At the fields:\n{at_fields}" if at_fields else "")
        if part
    )
    notify_status(
        registration=registration,
        headline="The provider asked for changes",
        detail=detail,
        important=True,
    )
    return registration


def _refuse_cancelling_an_amendment(registration: Registration) -> None:
    """An approved registration being amended stays approved at AWS: cancelling would end a
    registration whose senders still send."""
    if registration.aws_status == Status.COMPLETE:
        raise ValidationError(
            "This is an amendment of a registration AWS approved; cancelling would end the "
            "approved registration. Delete the registration from its page instead, or send the "
            "amendment on."
        )


@transaction.atomic
def registration_cancel(*, tenant: Tenant, actor: User, registration: Registration) -> Registration:
    require_role(tenant, actor, Role.ADMIN)
    _refuse_cancelling_an_amendment(registration)
    registration_transition(
        registration=registration, to=Status.CANCELLED, actor=actor, reason="Cancelled"
    )
    if registration.registration_type == overlay.VETTING:
        registrations_waiting_release(brand_id=registration.depends_on_id)
    return registration


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
    _refuse_cancelling_an_amendment(registration)
    before = registration.status
    registration_transition(
        registration=registration,
        to=Status.CANCELLED,
        actor=actor,
        expected=before,
        reason=f"Cancelled by the provider: {reason}",
    )
    if registration.registration_type == overlay.VETTING:
        registrations_waiting_release(brand_id=registration.depends_on_id)
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
