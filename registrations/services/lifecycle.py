"""Registration lifecycle on the portal's side: create, edit, submit for review, staff
approve / return, cancel, new versions. Every status change goes through
`registration_transition`, a conditional UPDATE guarded by the transition table."""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from portal import upload_policy
from registrations import overlay
from registrations.models import (
    Attachment,
    FieldComment,
    FieldValue,
    Registration,
    RegistrationTypeDef,
    RegistrationVersion,
    StatusEvent,
)
from registrations.schema import TypeSchema, Value
from registrations.services.catalog import catalog_latest
from registrations.states import EDITABLE, Status, can_transition
from tenants.models import Membership, Role, Tenant, User
from tenants.selectors import business_profile_get, provider_profile_get
from tenants.services import audit_record

ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024  # the API's limit for registration attachments


class TransitionRefused(ValidationError):
    pass


def registration_transition(
    *,
    registration: Registration,
    to: str,
    actor: User | None = None,
    reason: str = "",
    expected: str | None = None,
) -> Registration:
    """Moves the registration to `to` if the table allows it and nobody moved it meanwhile."""
    current = expected or registration.status
    if not can_transition(current, to):
        raise TransitionRefused(
            f"A registration that is {Status(current).label.lower()} cannot become "
            f"{Status(to).label.lower()}."
        )
    changes = {"status": to, "updated_at": timezone.now()}
    if to == Status.SUBMITTED:
        changes["submitted_at"] = timezone.now()
    moved = Registration.objects.filter(pk=registration.pk, status=current).update(**changes)
    if moved != 1:
        raise TransitionRefused("Someone else changed this registration just now; reload it.")
    StatusEvent.objects.create(
        tenant_id=registration.tenant_id,
        registration=registration,
        from_status=current,
        to_status=to,
        actor=actor,
        actor_label=actor.email if actor else "system",
        reason=reason,
    )
    audit_record(
        tenant=registration.tenant,
        actor=actor,
        action="registration.status",
        obj=registration,
        before={"status": current},
        after={"status": to},
    )
    for key, value in changes.items():
        setattr(registration, key, value)
    return registration


def _require_role(tenant: Tenant, actor: User, role: str) -> None:
    membership = Membership.objects.filter(tenant=tenant, user=actor).first()
    if membership is None or not Role.at_least(membership.role, role):
        raise PermissionDenied(f"This needs the {role} role in {tenant.name}.")


def _require_reviewer(actor: User) -> None:
    if not actor.can_act_as_staff:
        raise PermissionDenied("Only provider staff with the reviewer role can review.")


def schema_for(registration: Registration) -> TypeSchema:
    typedef = RegistrationTypeDef.objects.get(
        catalog=registration.catalog, registration_type=registration.registration_type
    )
    return TypeSchema.from_typedef(typedef)


def version_values(version: RegistrationVersion) -> dict[str, Value]:
    values: dict[str, Value] = {}
    for value in version.values.all():
        if value.attachment_id:
            values[value.field_path] = f"attachment:{value.attachment_id}"
        elif value.select_choices:
            values[value.field_path] = list(value.select_choices)
        else:
            values[value.field_path] = value.text_value
    return values


def _write_values(version: RegistrationVersion, schema: TypeSchema, values: dict[str, Value]):
    for path, value in values.items():
        fdef = schema.field(path)
        if value in (None, "", []):
            FieldValue.objects.filter(version=version, field_path=path).delete()
            continue
        defaults = {
            "tenant_id": version.tenant_id,
            "text_value": "",
            "select_choices": [],
            "attachment": None,
            "needs_change": False,
        }
        if fdef.type == "SELECT":
            defaults["select_choices"] = list(value)
        elif fdef.type == "ATTACHMENT":
            defaults["attachment"] = Attachment.objects.get(
                pk=int(str(value).removeprefix("attachment:")), tenant_id=version.tenant_id
            )
        else:
            defaults["text_value"] = value
        FieldValue.objects.update_or_create(version=version, field_path=path, defaults=defaults)


@transaction.atomic
def registration_create(
    *,
    tenant: Tenant,
    actor: User,
    registration_type: str,
    name: str = "",
    depends_on: Registration | None = None,
    program_owner: str = Registration.ProgramOwner.TENANT,
) -> Registration:
    """Starts a draft. A provider-branded program (`program_owner=PROVIDER`) carries the
    provider's own business details; every other registration carries the tenant's."""
    _require_role(tenant, actor, Role.ADMIN)
    if program_owner not in Registration.ProgramOwner.values:
        raise ValidationError({"program_owner": "Choose whose program it is."})
    catalog = catalog_latest()
    if catalog is None:
        raise ValidationError("The registration forms have not been loaded from AWS yet.")
    if not catalog.types.filter(registration_type=registration_type).exists():
        raise ValidationError(
            {"registration_type": f"Unknown registration type {registration_type}."}
        )
    needed = overlay.DEPENDENCIES.get(registration_type)
    if needed and (
        depends_on is None
        or depends_on.tenant_id != tenant.pk
        or depends_on.registration_type != needed[0]
    ):
        raise ValidationError({"depends_on": f"{needed[1]} Choose the brand it belongs to."})
    if depends_on is not None and not needed:
        raise ValidationError({"depends_on": "This type does not depend on another registration."})
    registration = Registration.objects.create(
        tenant=tenant,
        registration_type=registration_type,
        catalog=catalog,
        name=name.strip() or registration_type.replace("_", " ").title(),
        depends_on=depends_on,
        program_owner=program_owner,
        created_by=actor,
    )
    version = RegistrationVersion.objects.create(tenant=tenant, registration=registration, number=1)
    schema = schema_for(registration)
    paths = [f.path for f in schema.fields]
    if program_owner == Registration.ProgramOwner.PROVIDER:
        # The provider's business and nothing of the tenant's (its hosted opt-in pages included).
        prefill = overlay.profile_values(provider_profile_get(), paths)
    else:
        prefill = {
            **overlay.profile_values(business_profile_get(tenant=tenant), paths),
            **overlay.hosted_page_values(tenant, registration_type),
        }
    # Only values that pass the field's own validation are prefilled.
    errors = schema.validate(prefill, complete=False)
    _write_values(version, schema, {k: v for k, v in prefill.items() if k not in errors})
    StatusEvent.objects.create(
        tenant=tenant,
        registration=registration,
        from_status="",
        to_status=Status.DRAFT,
        actor=actor,
        actor_label=actor.email,
        reason="Draft started",
    )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="registration.create",
        obj=registration,
        after={
            "type": registration_type,
            "name": registration.name,
            "program_owner": program_owner,
        },
    )
    return registration


def version_preflight(version: RegistrationVersion) -> list:
    """Runs the compliance preflight over the version and stores its findings on it."""
    from compliance.preflight import AttachmentInfo, draft_for_tenant, preflight_run

    registration = version.registration
    attachments = {
        v.field_path: AttachmentInfo(
            content_type=v.attachment.content_type, size_bytes=v.attachment.size
        )
        for v in version.values.select_related("attachment").exclude(attachment=None)
    }
    values = {p: v for p, v in version_values(version).items() if p not in attachments}
    # A campaign or vetting goes by the names of the brand registration it belongs to.
    brand = registration.depends_on
    brand_names = ()
    if brand is not None:
        brand_values = version_values(brand.versions.order_by("-number").first())
        brand_names = tuple(
            str(brand_values[p])
            for p in ("companyInfo.companyName", "contactInfo.dbaName")
            if brand_values.get(p)
        )
    findings = preflight_run(
        draft_for_tenant(
            tenant=registration.tenant,
            registration_type=registration.registration_type,
            values=values,
            attachments=attachments,
            extra_brand_names=brand_names,
        )
    )
    version.preflight_findings = [f.as_dict() for f in findings]
    version.save(update_fields=["preflight_findings"])
    return findings


def _editable_version(registration: Registration) -> RegistrationVersion:
    version = registration.versions.select_for_update().order_by("-number").first()
    if registration.status not in EDITABLE or version is None or not version.is_editable:
        raise ValidationError(
            f"This registration is {Status(registration.status).label.lower()} "
            "and cannot be edited."
        )
    return version


@transaction.atomic
def registration_values_save(
    *, tenant: Tenant, actor: User, registration: Registration, values: dict[str, Value]
) -> RegistrationVersion:
    """Saves some values of the draft. All or nothing: one invalid value saves none."""
    _require_role(tenant, actor, Role.MEMBER)
    registration = Registration.objects.select_for_update().get(pk=registration.pk, tenant=tenant)
    version = _editable_version(registration)
    schema = schema_for(registration)
    merged = {**version_values(version), **values}
    errors = {
        path: problems
        for path, problems in schema.validate(merged, complete=False).items()
        if path in values
    }
    if errors:
        raise ValidationError({path: problems for path, problems in errors.items()})
    before = {p: v for p, v in version_values(version).items() if p in values}
    _write_values(version, schema, values)
    version_preflight(version)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="registration.values",
        obj=registration,
        before=before,
        after={p: v for p, v in values.items()},
    )
    return version


@transaction.atomic
def registration_attachment_add(
    *,
    tenant: Tenant,
    actor: User,
    registration: Registration,
    field_path: str,
    upload: UploadedFile,
    max_bytes: int = ATTACHMENT_MAX_BYTES,
) -> Attachment:
    """Stores an upload for an ATTACHMENT field after checking its real type and size."""
    _require_role(tenant, actor, Role.MEMBER)
    registration = Registration.objects.select_for_update().get(pk=registration.pk, tenant=tenant)
    version = _editable_version(registration)
    fdef = schema_for(registration).field(field_path)
    if fdef is None or fdef.type != "ATTACHMENT":
        raise ValidationError({field_path: ["This field does not take a file."]})
    if upload.size is not None and upload.size > max_bytes:  # refused before it is read
        raise ValidationError(
            {
                field_path: [
                    f"The file is {upload.size // 1024} KB; the limit is {max_bytes // 1024} KB."
                ]
            }
        )
    data = upload.read(max_bytes + 1)
    inspection = upload_policy.inspect(data)
    if not inspection.content_type:
        raise ValidationError({field_path: [inspection.problem]})
    if len(data) > max_bytes:
        raise ValidationError(
            {
                field_path: [
                    f"The file is over {max_bytes // 1024} KB; the limit is {max_bytes // 1024} KB."
                ]
            }
        )
    if not inspection.ok:
        raise ValidationError({field_path: [inspection.problem]})
    attachment = Attachment(
        tenant=tenant,
        original_name=upload.name[:255],
        content_type=inspection.content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    from django.core.files.base import ContentFile

    # The stored name's extension and S3's Content-Type come from the sniffed type, never
    # from the client's file name.
    stored = ContentFile(data)
    stored.content_type = inspection.content_type
    attachment.file.save(f"upload.{inspection.extension}", stored, save=False)
    attachment.save()
    _write_values(version, schema_for(registration), {field_path: f"attachment:{attachment.pk}"})
    version_preflight(version)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="registration.attachment",
        obj=registration,
        after={field_path: attachment.original_name, "sha256": attachment.sha256},
    )
    return attachment


@transaction.atomic
def registration_submit_for_review(
    *, tenant: Tenant, actor: User, registration: Registration
) -> Registration:
    """The tenant hands the draft to provider staff: checks it is complete, then locks it."""
    _require_role(tenant, actor, Role.ADMIN)
    registration = Registration.objects.select_for_update().get(pk=registration.pk, tenant=tenant)
    version = _editable_version(registration)
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
    _require_reviewer(actor)
    version = registration.versions.order_by("-number").first()
    from compliance.preflight import blocking

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
    from registrations.tasks import registration_submit_task

    transaction.on_commit(lambda: registration_submit_task.delay(registration.pk))
    return registration


def _next_version(registration: Registration, flagged: set[str]) -> RegistrationVersion:
    """A new editable version carrying the values forward; `flagged` fields need a change."""
    previous = registration.versions.order_by("-number").first()
    version = RegistrationVersion.objects.create(
        tenant_id=registration.tenant_id, registration=registration, number=previous.number + 1
    )
    for value in previous.values.all():
        FieldValue.objects.create(
            tenant_id=registration.tenant_id,
            version=version,
            field_path=value.field_path,
            text_value=value.text_value,
            select_choices=value.select_choices,
            attachment=value.attachment,
            needs_change=value.field_path in flagged,
            aws_denied_reason=value.aws_denied_reason if value.field_path in flagged else "",
            aws_feedback=value.aws_feedback if value.field_path in flagged else "",
        )
    return version


@transaction.atomic
def version_return(
    *, actor: User, registration: Registration, comments: dict[str, str], message: str = ""
) -> Registration:
    """Staff send the version back with comments at the fields that must change."""
    _require_reviewer(actor)
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
    version = registration.versions.order_by("-number").first()
    for path, text in comments.items():
        FieldComment.objects.create(
            tenant_id=registration.tenant_id,
            version=version,
            field_path=path,
            author=actor,
            body=text,
        )
    _next_version(registration, set(comments))
    from registrations.services.notifications import notify_status

    notify_status(
        registration=registration, headline="The provider asked for changes", detail=message
    )
    return registration


@transaction.atomic
def registration_cancel(*, tenant: Tenant, actor: User, registration: Registration) -> Registration:
    _require_role(tenant, actor, Role.ADMIN)
    return registration_transition(
        registration=registration, to=Status.CANCELLED, actor=actor, reason="Cancelled"
    )


@transaction.atomic
def registration_retry(*, actor: User, registration: Registration) -> Registration:
    """Staff send a failed submission through the pipeline again."""
    _require_reviewer(actor)
    registration_transition(
        registration=registration,
        to=Status.QUEUED,
        actor=actor,
        expected=Status.SUBMISSION_FAILED,
        reason="Retry",
    )
    from registrations.tasks import registration_submit_task

    transaction.on_commit(lambda: registration_submit_task.delay(registration.pk))
    return registration


def version_after_denial(
    registration: Registration, denied_fields: set[str]
) -> RegistrationVersion:
    """After REQUIRES_UPDATES: an editable version with the denied fields flagged."""
    return _next_version(registration, denied_fields)
