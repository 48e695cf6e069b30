"""Registration states: the portal's own first, then AWS's mirrored exactly (DESIGN.md §4).

One transition table; `registration_transition` (registrations/services/transitions.py) is
the only writer of a registration's status and refuses any move this table does not list.
"""

from __future__ import annotations

from django.db import models


class Status(models.TextChoices):
    # The portal's own states.
    DRAFT = "DRAFT", "Draft"
    IN_REVIEW = "IN_REVIEW", "In provider review"
    # A 10DLC campaign (or vetting) sent for review before its brand, or the brand's chosen
    # vetting, is complete: it goes to provider review by itself when they are.
    WAITING_FOR_BRAND = "WAITING_FOR_BRAND", "Waiting for brand"
    CHANGES_REQUESTED = "CHANGES_REQUESTED", "Changes requested"
    QUEUED = "QUEUED", "Queued for AWS"
    SUBMITTING = "SUBMITTING", "Submitting to AWS"
    SUBMISSION_FAILED = "SUBMISSION_FAILED", "Submission failed"
    CANCELLED = "CANCELLED", "Cancelled"
    # AWS RegistrationStatus, mirrored.
    SUBMITTED = "SUBMITTED", "Submitted"
    AWS_REVIEWING = "AWS_REVIEWING", "AWS pre-review"
    REVIEWING = "REVIEWING", "Carrier review"
    REQUIRES_AUTHENTICATION = "REQUIRES_AUTHENTICATION", "Needs e-mail authentication"
    REQUIRES_UPDATES = "REQUIRES_UPDATES", "Needs updates"
    PROVISIONING = "PROVISIONING", "Approved, provisioning"
    COMPLETE = "COMPLETE", "Complete"
    CLOSED = "CLOSED", "Closed"
    DELETED = "DELETED", "Deleted"


S = Status

# AWS statuses, in the order a registration normally passes them. An observation may skip
# ahead (a poll can miss a short-lived state) but never goes back, except the documented
# cycles listed in TRANSITIONS.
AWS_STATUSES = (
    S.SUBMITTED,
    S.AWS_REVIEWING,
    S.REVIEWING,
    S.REQUIRES_AUTHENTICATION,
    S.REQUIRES_UPDATES,
    S.PROVISIONING,
    S.COMPLETE,
    S.CLOSED,
    S.DELETED,
)
_AWS_IN_REVIEW = (S.SUBMITTED, S.AWS_REVIEWING, S.REVIEWING, S.REQUIRES_AUTHENTICATION)
_AWS_OUTCOMES = (S.REQUIRES_UPDATES, S.PROVISIONING, S.COMPLETE)

TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.IN_REVIEW, S.WAITING_FOR_BRAND, S.CANCELLED}),
    S.WAITING_FOR_BRAND: frozenset({S.IN_REVIEW, S.CANCELLED}),
    S.IN_REVIEW: frozenset({S.QUEUED, S.CHANGES_REQUESTED, S.CANCELLED}),
    S.CHANGES_REQUESTED: frozenset({S.IN_REVIEW, S.WAITING_FOR_BRAND, S.CANCELLED}),
    S.QUEUED: frozenset({S.SUBMITTING, S.CANCELLED}),
    S.SUBMITTING: frozenset({S.SUBMITTED, S.SUBMISSION_FAILED, *_AWS_IN_REVIEW, *_AWS_OUTCOMES}),
    S.SUBMISSION_FAILED: frozenset({S.QUEUED, S.CANCELLED}),
    S.CANCELLED: frozenset(),
    S.SUBMITTED: frozenset(
        {
            S.AWS_REVIEWING,
            S.REVIEWING,
            S.REQUIRES_AUTHENTICATION,
            *_AWS_OUTCOMES,
            S.CLOSED,
            S.DELETED,
        }
    ),
    S.AWS_REVIEWING: frozenset(
        {S.REVIEWING, S.REQUIRES_AUTHENTICATION, *_AWS_OUTCOMES, S.CLOSED, S.DELETED}
    ),
    S.REVIEWING: frozenset({S.REQUIRES_AUTHENTICATION, *_AWS_OUTCOMES, S.CLOSED, S.DELETED}),
    S.REQUIRES_AUTHENTICATION: frozenset({S.REVIEWING, *_AWS_OUTCOMES, S.CLOSED, S.DELETED}),
    # "Your move": the tenant edits a new version, which goes through provider review again.
    S.REQUIRES_UPDATES: frozenset({S.IN_REVIEW, S.WAITING_FOR_BRAND, S.CLOSED, S.DELETED}),
    S.PROVISIONING: frozenset({S.COMPLETE, S.REQUIRES_UPDATES, S.CLOSED, S.DELETED}),
    # After approval (issue 19): the tenant amends it (a new version through provider review,
    # then a new AWS version), or a carrier revokes the approved version / asks for updates.
    S.COMPLETE: frozenset({S.IN_REVIEW, S.REQUIRES_UPDATES, S.CLOSED, S.DELETED}),
    S.CLOSED: frozenset({S.DELETED}),
    S.DELETED: frozenset(),
}

# States in which the tenant may edit the newest version (when it is not locked: a COMPLETE
# registration is edited only once the tenant started an amendment, a new version).
EDITABLE = frozenset({S.DRAFT, S.CHANGES_REQUESTED, S.REQUIRES_UPDATES, S.COMPLETE})
# States the reconciliation poll watches at AWS.
TRACKED = frozenset(
    {S.SUBMITTED, S.AWS_REVIEWING, S.REVIEWING, S.REQUIRES_AUTHENTICATION, S.PROVISIONING}
)
# Registrations AWS decided are watched too, on a slow cadence (a carrier can revoke the
# approved version, send the registration back for updates or close it; a closed registration
# can be deleted; events are best effort).
WATCHED = frozenset({S.COMPLETE, S.REQUIRES_UPDATES, S.CLOSED})

# AWS's RegistrationStatus and RegistrationVersionStatus, every value of the botocore model,
# in plain words for people. The portal records whatever AWS reports (`Registration.aws_status`,
# `RegistrationVersion.aws_status`), also a value the transition table has no move for.
AWS_REGISTRATION_WORDS = {
    "CREATED": "Created at AWS, not submitted",
    "SUBMITTED": "Submitted, waiting for review",
    "AWS_REVIEWING": "AWS pre-review",
    "REVIEWING": "Being reviewed",
    "REQUIRES_AUTHENTICATION": "Waiting for e-mail authentication",
    "PROVISIONING": "Approved; the sender is being created",
    "COMPLETE": "Approved; the sender can be used",
    "REQUIRES_UPDATES": "Needs updates and a new submission",
    "CLOSED": "Closed: its number or sender ID was deleted; delete the registration too",
    "DELETED": "Deleted",
}
AWS_VERSION_WORDS = {
    "DRAFT": "Draft",
    "SUBMITTED": "Submitted (can still be discarded)",
    "AWS_REVIEWING": "AWS pre-review",
    "REVIEWING": "Being reviewed",
    "REQUIRES_AUTHENTICATION": "Waiting for e-mail authentication",
    "REQUIRES_OFFLINE_REVIEW": "Needs an offline review: AWS asks for an AWS Support case",
    "APPROVED": "Approved",
    "DISCARDED": "Discarded",
    "DENIED": "Denied",
    "REVOKED": "Revoked after approval",
    "ARCHIVED": "Replaced by a newer approved version",
}
# While AWS reviews a newer version, the approved one stays in force (AWS archives it only
# when the newer one is approved): these statuses keep sending when an approved version exists.
_REVIEW_OF_AMENDMENT = frozenset(
    {S.SUBMITTED, S.AWS_REVIEWING, S.REVIEWING, S.REQUIRES_AUTHENTICATION, S.PROVISIONING}
)


def sending_allowed(*, aws_status: str, status: str, has_approved_version: bool) -> bool:
    """Whether the senders of a registration may send: AWS reports it COMPLETE (a registration
    AWS does not hold, a short code application, goes by the portal's own status), or it is
    reviewing an amendment while an approved version is still in force."""
    current = aws_status or status
    if current == S.COMPLETE:
        return True
    return current in _REVIEW_OF_AMENDMENT and has_approved_version


def can_transition(current: str, new: str) -> bool:
    return new in TRANSITIONS.get(current, frozenset())


class VersionPipelineStep(models.TextChoices):
    """How far the submission pipeline got for a version; each step is resumable."""

    NOT_STARTED = "NOT_STARTED", "Not started"
    CREATED = "CREATED", "AWS registration or version created"
    ASSOCIATED = "ASSOCIATED", "Prerequisites associated"
    ATTACHED = "ATTACHED", "Attachments uploaded"
    WRITTEN = "WRITTEN", "Values written and verified"
    SUBMITTED = "SUBMITTED", "Submitted to AWS"


PIPELINE_ORDER = [step.value for step in VersionPipelineStep]
