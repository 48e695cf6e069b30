"""Changing a registration that AWS holds (issue 19), from the tenant's and the staff's pages:
amending an approved registration (a new version, through provider review, then a new AWS
version), discarding a submitted version (DiscardRegistrationVersion; the user guide allows it
only while the version is Submitted) and deleting an abandoned registration
(DeleteRegistration, confirmed by typing "delete", as the AWS console asks).

AWS is asked outside any transaction; what it answers is applied through the tracking service
(`registration_observe`), which records AWS's status and moves the registration by the table.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from registrations.aws import operations as aws
from registrations.aws.errors import AwsError, NotFoundError, RetryableError
from registrations.aws.gateway import Gateway
from registrations.models import Registration, RegistrationVersion
from registrations.services.drafts import version_next
from registrations.services.tracking import registration_observe
from registrations.services.transitions import registration_transition, require_role
from registrations.states import Status
from tenants.models import Role, User
from tenants.services import audit_record

# Where AWS holds a registration that is not under review: the ones a tenant may delete.
DELETABLE = (Status.REQUIRES_UPDATES, Status.COMPLETE, Status.CLOSED)


def is_deletable(registration: Registration) -> bool:
    """Whether AWS holds the registration and it is in a state the portal deletes from."""
    return registration.status in DELETABLE and bool(registration.aws_registration_id)


CONFIRM_WORD = "delete"


def _require_actor(registration: Registration, actor: User) -> None:
    """A tenant admin of the registration's tenant, or provider staff with the reviewer role."""
    if actor.can_act_as_staff:
        return
    if actor.is_staff:
        raise PermissionDenied("Only provider staff with the reviewer role can act.")
    require_role(registration.tenant, actor, Role.ADMIN)


def _aws_refusal(exc: AwsError, what: str) -> ValidationError:
    return ValidationError(f"AWS refused to {what}: {exc.message}")


@transaction.atomic
def registration_amend(*, actor: User, registration: Registration) -> RegistrationVersion:
    """Starts an amendment of an approved registration: a new editable version carrying the
    approved values. The approved version stays in force (its senders keep sending) until AWS
    approves the new one; the tenant sends it to review like any version."""
    _require_actor(registration, actor)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Status.COMPLETE:
        raise ValidationError(
            f"Only an approved registration can be amended; “{registration.name}” is "
            f"{Status(registration.status).label.lower()}."
        )
    if not registration.aws_registration_id:
        raise ValidationError(
            "A short code application is changed through its AWS Support case, not here."
        )
    newest = registration.versions.select_for_update().newest()
    if newest is not None and newest.is_editable:
        return newest  # already started
    version = version_next(registration, set())
    audit_record(
        tenant=registration.tenant,
        actor=actor,
        action="registration.amend",
        obj=registration,
        after={"version": version.number, "approved_version": newest.number if newest else None},
    )
    return version


def registration_version_discard(*, actor: User, registration: Registration) -> Registration:
    """Discards the version AWS holds as SUBMITTED (to correct an error instead of waiting for
    a denial). Afterwards the registration is what it was before that submission: COMPLETE
    while an approved version is in force, otherwise it needs a new version, which the tenant
    edits and sends again."""
    _require_actor(registration, actor)
    registration = Registration.objects.select_related("tenant").get(pk=registration.pk)
    version = registration.versions.newest()
    if (
        registration.status != Status.SUBMITTED
        or version is None
        or version.aws_status != "SUBMITTED"
    ):
        aws_version = version.aws_status if version is not None and version.aws_status else "—"
        raise ValidationError(
            "Only a version AWS still holds as Submitted can be discarded (AWS's rule); "
            f"“{registration.name}” is {Status(registration.status).label.lower()} and its "
            f"version {version.number if version else '—'} is {aws_version} at AWS."
        )
    gw = Gateway.for_registration(registration)
    try:
        discarded = aws.registration_version_discard(
            gw, registration_id=registration.aws_registration_id
        )
    except RetryableError:
        raise
    except AwsError as exc:
        raise _aws_refusal(exc, f"discard version {version.aws_version_number}") from exc
    state = next(
        iter(aws.registrations_describe(gw, registration_ids=[registration.aws_registration_id])),
        None,
    )
    versions = aws.registration_versions_describe(
        gw, registration_id=registration.aws_registration_id
    )
    RegistrationVersion.objects.filter(pk=version.pk).update(aws_status=discarded.status)
    aws_status = state.status if state is not None else Status.DELETED
    registration_observe(
        registration=registration,
        aws_status=aws_status,
        source=f"version {discarded.number} discarded by {actor.email}",
        gw=gw,
        versions=versions,
    )
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == Status.SUBMITTED:
            # AWS is back to CREATED (the first version was discarded): the tenant corrects a
            # new version and sends it again, as after a denial.
            registration_transition(
                registration=registration,
                to=Status.REQUIRES_UPDATES,
                actor=actor,
                reason=f"Version {version.number} discarded at AWS; correct it and send it again",
            )
            version_next(registration, set())
        audit_record(
            tenant=registration.tenant,
            actor=actor,
            action="registration.discard",
            obj=registration,
            after={"version": version.number, "aws_version": discarded.number},
        )
    return registration


def registration_delete(*, actor: User, registration: Registration, confirm: str) -> Registration:
    """Deletes an abandoned registration at AWS (DeleteRegistration), once the person typed
    "delete". Its senders stop for good."""
    _require_actor(registration, actor)
    if (confirm or "").strip().lower() != CONFIRM_WORD:
        raise ValidationError({"confirm": [f"Type {CONFIRM_WORD} to confirm the deletion."]})
    registration = Registration.objects.select_related("tenant").get(pk=registration.pk)
    if not is_deletable(registration):
        raise ValidationError(
            f"“{registration.name}” is {Status(registration.status).label.lower()}; only a "
            "registration AWS holds and is not reviewing (needs updates, complete or closed) "
            "can be deleted. Cancel one that never reached AWS instead."
        )
    gw = Gateway.for_registration(registration)
    try:
        aws.registration_delete(gw, registration_id=registration.aws_registration_id)
    except NotFoundError:
        pass  # already gone at AWS: recorded as deleted below
    except RetryableError:
        raise
    except AwsError as exc:
        raise _aws_refusal(exc, "delete the registration") from exc
    registration_observe(
        registration=registration,
        aws_status=Status.DELETED,
        source=f"deleted by {actor.email}",
        gw=gw,
        versions=[],
    )
    registration.refresh_from_db()
    audit_record(
        tenant=registration.tenant,
        actor=actor,
        action="registration.delete",
        obj=registration,
        after={"aws_registration_id": registration.aws_registration_id},
    )
    return registration
