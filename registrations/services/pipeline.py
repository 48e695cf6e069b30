"""The submission pipeline (DESIGN.md §4): idempotent, resumable steps with progress stored on
the version. A worker killed anywhere resumes without a second AWS registration, a lost value
or a double submit:

- CreateRegistration carries a ClientToken derived from our registration id (AWS replays the
  first result); a new AWS version is created only when AWS has no open DRAFT version;
- numbers are requested with a deterministic ClientToken and associations are listed first;
- attachments carry a ClientToken from our attachment id;
- values are compared with what AWS holds before and after writing;
- the AWS version status is read before submitting.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.enqueue import enqueue
from registrations import sender_ids, shortcode
from registrations.aws import operations as aws
from registrations.aws.errors import AwsError, ConflictError, RetryableError
from registrations.aws.gateway import Gateway
from registrations.aws.types import RemoteValue
from registrations.models import (
    FieldValue,
    Registration,
    RegistrationVersion,
    Sender,
    SupportCase,
)
from registrations.selectors import schema_for
from registrations.services import support
from registrations.services.provisioning import sender_record_number
from registrations.services.transitions import registration_transition
from registrations.states import PIPELINE_ORDER, Status, VersionPipelineStep

Step = VersionPipelineStep
ATTACHMENT_POLLS = 10


class PipelineBusy(Exception):
    """Another worker holds this version's lease."""


def _reached(version: RegistrationVersion, step: str) -> bool:
    return PIPELINE_ORDER.index(version.pipeline_step) >= PIPELINE_ORDER.index(step)


def _advance(version: RegistrationVersion, step: str, **extra) -> None:
    version.pipeline_step = step
    for key, value in extra.items():
        setattr(version, key, value)
    version.save(update_fields=["pipeline_step", *extra])


def _claim(registration: Registration) -> RegistrationVersion:
    """QUEUED → SUBMITTING (or resume SUBMITTING) and a lease on the version."""
    with transaction.atomic():
        if registration.status == Status.QUEUED:
            registration_transition(
                registration=registration,
                to=Status.SUBMITTING,
                reason="Submission pipeline started",
            )
        version = registration.versions.newest()
        now = timezone.now()
        lease = timedelta(seconds=settings.EUM_PIPELINE_LEASE_SECONDS)
        claimed = (
            RegistrationVersion.objects.filter(pk=version.pk)
            .filter(pipeline_lease_until__isnull=True)
            .update(pipeline_lease_until=now + lease)
        ) or (
            RegistrationVersion.objects.filter(pk=version.pk, pipeline_lease_until__lt=now).update(
                pipeline_lease_until=now + lease
            )
        )
        if not claimed:
            raise PipelineBusy(f"{version} is being submitted by another worker.")
        RegistrationVersion.objects.filter(pk=version.pk).update(
            pipeline_attempts=version.pipeline_attempts + 1
        )
        version.refresh_from_db()
        return version


def _release(version: RegistrationVersion) -> None:
    RegistrationVersion.objects.filter(pk=version.pk).update(pipeline_lease_until=None)


def _step_create(
    gw: Gateway, registration: Registration, version: RegistrationVersion, fresh: bool
) -> None:
    if not registration.aws_registration_id:
        created = aws.registration_create(
            gw,
            registration_type=registration.registration_type,
            client_token=f"portal-registration-{registration.pk}",
            name=registration.name,
        )
        registration.aws_registration_id = created.id
        registration.aws_registration_arn = created.arn
        registration.save(update_fields=["aws_registration_id", "aws_registration_arn"])
        earlier = registration.versions.exclude(pk=version.pk).exclude(aws_version_number=None)
        if not earlier.exists():
            _advance(version, Step.CREATED, aws_version_number=created.version, aws_status="DRAFT")
            return
    if fresh:  # a first attempt: nothing of this version exists at AWS yet
        number = aws.registration_version_create(
            gw, registration_id=registration.aws_registration_id
        )
        _advance(version, Step.CREATED, aws_version_number=number, aws_status="DRAFT")
        return
    # A resumed resubmission: reuse an open DRAFT version at AWS (a crash after creating it).
    versions = aws.registration_versions_describe(
        gw, registration_id=registration.aws_registration_id
    )
    newest = max(versions, key=lambda v: v.number) if versions else None
    taken = set(
        registration.versions.exclude(pk=version.pk)
        .exclude(aws_version_number=None)
        .values_list("aws_version_number", flat=True)
    )
    if newest and newest.status == "DRAFT" and newest.number not in taken:
        number = newest.number
    else:
        number = aws.registration_version_create(
            gw, registration_id=registration.aws_registration_id
        )
    _advance(version, Step.CREATED, aws_version_number=number, aws_status="DRAFT")


def _toll_free_number(gw: Gateway, registration: Registration) -> Sender:
    sender = Sender.objects.filter(registration=registration, number_type="TOLL_FREE").first()
    if sender is not None:
        return sender
    number = aws.phone_number_request(
        gw, country="US", number_type="TOLL_FREE", client_token=f"portal-tfn-{registration.pk}"
    )
    return sender_record_number(registration=registration, number=number, number_type="TOLL_FREE")


def _step_associate(
    gw: Gateway, registration: Registration, version: RegistrationVersion, fresh: bool
) -> None:
    schema = schema_for(registration)
    earlier = registration.versions.exclude(pk=version.pk).filter(
        pipeline_step__in=[Step.ASSOCIATED, Step.ATTACHED, Step.WRITTEN, Step.SUBMITTED]
    )
    if fresh and earlier.exists():  # associations outlive versions: done for an earlier one
        _advance(version, Step.ASSOCIATED)
        return
    existing = (
        set()
        if fresh
        else {
            a.resource_id
            for a in aws.registration_associations_list(
                gw, registration_id=registration.aws_registration_id
            )
        }
    )
    for association in schema.associations_before_submit():
        resource_type = association.resource_type
        if resource_type == "TOLL_FREE":
            sender = _toll_free_number(gw, registration)
            resource_ids = {sender.aws_id, sender.aws_arn, sender.value}
            target = sender.aws_id
        elif (
            registration.depends_on is not None
            and resource_type == registration.depends_on.registration_type
        ):
            target = registration.depends_on.aws_registration_id
            resource_ids = {target, registration.depends_on.aws_registration_arn}
        else:
            raise AwsError(
                "CreateRegistrationAssociation",
                "UnsupportedPrerequisite",
                f"The portal cannot provide a {resource_type} before submitting.",
            )
        if not (existing & resource_ids):
            aws.registration_association_create(
                gw, registration_id=registration.aws_registration_id, resource_id=target
            )
    _advance(version, Step.ASSOCIATED)


def _step_attach(gw: Gateway, version: RegistrationVersion) -> None:
    for value in version.values.select_related("attachment").exclude(attachment=None):
        attachment = value.attachment
        if not attachment.aws_attachment_id:
            with attachment.file.open("rb") as handle:
                created = aws.attachment_create(
                    gw, body=handle.read(), client_token=f"portal-attachment-{attachment.pk}"
                )
            attachment.aws_attachment_id, attachment.aws_status = created.id, created.status
            attachment.save(update_fields=["aws_attachment_id", "aws_status"])
        for _ in range(ATTACHMENT_POLLS):
            if attachment.aws_status == "UPLOAD_COMPLETE":
                break
            if attachment.aws_status == "UPLOAD_FAILED":
                raise AwsError(
                    "CreateRegistrationAttachment",
                    "UPLOAD_FAILED",
                    f"AWS could not process {attachment.original_name}.",
                )
            attachment.aws_status = aws.attachment_status(
                gw, attachment_id=attachment.aws_attachment_id
            )
            attachment.save(update_fields=["aws_status"])
        if attachment.aws_status != "UPLOAD_COMPLETE":
            raise RetryableError(
                "DescribeRegistrationAttachments",
                "UPLOAD_IN_PROGRESS",
                f"{attachment.original_name} is still uploading.",
            )
    _advance(version, Step.ATTACHED)


def _wire(value: FieldValue) -> dict:
    if value.attachment_id:
        return {"attachment_id": value.attachment.aws_attachment_id}
    if value.select_choices:
        return {"choices": list(value.select_choices)}
    return {"text": value.text_value}


def _matches(local: dict, remote: RemoteValue | None) -> bool:
    if remote is None:
        return False
    if "attachment_id" in local:
        return remote.attachment == local["attachment_id"]
    if "choices" in local:
        return sorted(remote.choices or []) == sorted(local["choices"])
    return remote.text == local["text"]


def _step_write(
    gw: Gateway, registration: Registration, version: RegistrationVersion, fresh: bool
) -> None:
    rid, number = registration.aws_registration_id, version.aws_version_number
    local = {
        v.field_path: _wire(v)
        for v in version.values.select_related("attachment")
        if not sender_ids.is_portal_field(v.field_path)  # kept by the portal, not AWS's field
    }
    # A new AWS version starts empty.
    remote = {} if fresh else aws.field_values_describe(gw, registration_id=rid, version=number)
    for path, wire in local.items():
        if not _matches(wire, remote.get(path)):
            aws.field_value_put(gw, registration_id=rid, field_path=path, **wire)
    remote = aws.field_values_describe(gw, registration_id=rid, version=number)
    wrong = sorted(p for p, wire in local.items() if not _matches(wire, remote.get(p)))
    if wrong:
        raise RetryableError(
            "DescribeRegistrationFieldValues",
            "READ_BACK_MISMATCH",
            f"AWS holds different values for: {', '.join(wrong)}.",
        )
    _advance(version, Step.WRITTEN)


def _aws_version_status(gw: Gateway, registration: Registration, version: RegistrationVersion):
    found = aws.registration_versions_describe(
        gw, registration_id=registration.aws_registration_id, numbers=[version.aws_version_number]
    )
    return found[0].status if found else ""


def _step_submit(
    gw: Gateway, registration: Registration, version: RegistrationVersion, fresh: bool
) -> None:
    status = "DRAFT" if fresh else _aws_version_status(gw, registration, version)
    if status == "DRAFT":
        try:
            status = aws.registration_version_submit(
                gw, registration_id=registration.aws_registration_id
            ).status
        except ConflictError:
            # A submit that reached AWS before a crash: confirm from AWS instead of failing.
            status = _aws_version_status(gw, registration, version)
            if status in ("", "DRAFT"):
                raise
    _advance(version, Step.SUBMITTED, aws_status=status)


def pipeline_run(registration_id: int) -> str:
    """Runs (or resumes) the pipeline for a registration; returns the step reached.

    Raises RetryableError for the task to retry with backoff; permanent AWS errors end in
    SUBMISSION_FAILED with AWS's message and the failed operation for staff.
    """
    registration = Registration.objects.select_related("tenant", "depends_on").get(
        pk=registration_id
    )
    if registration.status not in (Status.QUEUED, Status.SUBMITTING):
        return "skipped"
    version = _claim(registration)
    if shortcode.is_application(registration.registration_type):
        # No registration at AWS: the application goes to AWS Support as a case.
        try:
            return support.short_code_submit(registration=registration)
        finally:
            _release(version)
    # The first attempt knows AWS holds nothing of this version yet and skips the reads that
    # a resumed attempt needs to find out how far an earlier one got.
    fresh = version.pipeline_attempts == 1
    gw = Gateway.for_registration(registration)
    try:
        if not _reached(version, Step.CREATED):
            _step_create(gw, registration, version, fresh)
        if not _reached(version, Step.ASSOCIATED):
            _step_associate(gw, registration, version, fresh)
        if not _reached(version, Step.ATTACHED):
            _step_attach(gw, version)
        if not _reached(version, Step.WRITTEN):
            _step_write(gw, registration, version, fresh)
        if not _reached(version, Step.SUBMITTED):
            _step_submit(gw, registration, version, fresh)
        with transaction.atomic():
            current = Registration.objects.select_for_update().get(pk=registration.pk).status
            if current == Status.SUBMITTING:  # an AWS event may have moved it on already
                registration_transition(
                    registration=registration,
                    to=Status.SUBMITTED,
                    expected=Status.SUBMITTING,
                    reason=f"AWS version {version.aws_version_number} submitted",
                )
            RegistrationVersion.objects.filter(pk=version.pk).update(
                pipeline_error="", pipeline_error_operation=""
            )
        return Step.SUBMITTED
    except RetryableError as exc:
        RegistrationVersion.objects.filter(pk=version.pk).update(
            pipeline_error=exc.message, pipeline_error_operation=exc.operation
        )
        raise
    except AwsError as exc:
        pipeline_fail(
            registration_id=registration.pk,
            operation=exc.operation,
            message=f"{exc.code}: {exc.message}",
        )
        return "failed"
    finally:
        _release(version)


@transaction.atomic
def pipeline_fail(*, registration_id: int, operation: str, message: str) -> None:
    """Ends the pipeline in SUBMISSION_FAILED with what AWS said, for staff to act on."""
    registration = Registration.objects.select_for_update().get(pk=registration_id)
    if registration.status != Status.SUBMITTING:
        return
    version = registration.versions.newest()
    RegistrationVersion.objects.filter(pk=version.pk).update(
        pipeline_error=message, pipeline_error_operation=operation
    )
    registration_transition(
        registration=registration,
        to=Status.SUBMISSION_FAILED,
        reason=f"{operation} failed: {message}",
    )


def pipeline_resume_stalled() -> list[int]:
    """Re-enqueues submissions whose worker died: QUEUED or SUBMITTING with no live lease.

    Returns the registration ids sent to the pipeline again.
    """
    now = timezone.now()
    grace = now - timedelta(seconds=settings.EUM_PIPELINE_LEASE_SECONDS)
    stalled = []
    for registration in Registration.objects.filter(
        status__in=(Status.QUEUED, Status.SUBMITTING), updated_at__lt=grace
    ).exclude(support_case__state=SupportCase.State.FILE_IN_CONSOLE):
        version = registration.versions.newest()
        if version.pipeline_lease_until is None or version.pipeline_lease_until < now:
            stalled.append(registration.pk)
            enqueue("registrations.tasks.registration_submit_task", registration.pk)
    return stalled
