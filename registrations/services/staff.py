"""Provider staff actions that add to the lifecycle services: an audit entry that says what
staff decided (overrides and their reasons, the comments of a return), and a staff cancel."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from registrations.models import Registration
from registrations.selectors import version_under_review
from registrations.services.lifecycle import (
    _require_reviewer,
    registration_transition,
    version_approve,
    version_return,
)
from registrations.states import Status
from tenants.models import User
from tenants.services import audit_record


def _version_number(registration: Registration) -> int:
    return registration.versions.order_by("-number").values_list("number", flat=True).first()


@transaction.atomic
def version_review_approve(
    *, actor: User, registration: Registration, overrides: dict[str, str] | None = None
) -> Registration:
    """Approves the version in review (preflight errors need an override with a reason) and
    records the decision with the overrides."""
    version = registration.versions.order_by("-number").first()
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
    _require_reviewer(actor)
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
    _require_reviewer(actor)
    from registrations.services.lifecycle import version_preflight

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
