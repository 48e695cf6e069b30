"""Drafts on the tenant's side: starting a registration, saving field values and attachments
(each save refreshes the preflight findings), and the new editable version after a return or
a denial. Status changes go through `transitions.registration_transition`."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from compliance.preflight import AttachmentInfo, draft_for_tenant, preflight_run
from compliance.selectors import EVIDENCE_FIELDS, optin_evidence_current, sms_program_get
from portal import upload_policy
from registrations import formats, overlay, prefill, shortcode
from registrations.models import (
    Attachment,
    FieldValue,
    Registration,
    RegistrationVersion,
    StatusEvent,
)
from registrations.schema import TypeSchema, Value
from registrations.selectors import schema_for, version_values
from registrations.services.catalog import catalog_latest
from registrations.services.transitions import require_role
from registrations.states import EDITABLE, Status
from tenants.models import Role, Tenant, User
from tenants.selectors import business_profile_get, provider_profile_get
from tenants.services import audit_record


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
    require_role(tenant, actor, Role.ADMIN)
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
    if program_owner == Registration.ProgramOwner.PROVIDER:
        # The provider's business and nothing of the tenant's (its hosted opt-in pages included).
        profile, program = provider_profile_get(), None
    else:
        profile, program = business_profile_get(tenant=tenant), sms_program_get(tenant=tenant)
    values = prefill.registration_prefill(
        tenant=tenant,
        profile=profile,
        program=program,
        schema=schema,
        hosted=program_owner != Registration.ProgramOwner.PROVIDER,
    )
    if shortcode.is_application(registration_type):
        values = {
            **shortcode.prefill(profile=profile, program=program, region=settings.AWS_REGION),
            **values,
        }
    # Only values that pass the field's own validation are prefilled.
    errors = schema.validate(values, complete=False)
    _write_values(version, schema, {k: v for k, v in values.items() if k not in errors})
    if program_owner != Registration.ProgramOwner.PROVIDER:
        _evidence_attach(version, schema)
    version_preflight(version)
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


def _evidence_attach(version: RegistrationVersion, schema: TypeSchema) -> None:
    """The rendered image of the live opt-in page, on the field that asks for it."""
    path = EVIDENCE_FIELDS.get(schema.registration_type)
    if path is None or schema.field(path) is None:
        return
    image = optin_evidence_current(tenant=version.tenant)
    if image is None:
        return
    try:
        with default_storage.open(image.file_name, "rb") as fh:
            data = fh.read()
        stored, inspection = upload_policy.read_checked(
            ContentFile(data, name="opt-in-page.png"),
            size=len(data),
            max_bytes=upload_policy.OPTIN_EVIDENCE.max_bytes,
        )
    except (OSError, upload_policy.UploadRefused):
        return  # no image then; the wizard offers to render or upload one
    attachment = _attachment_store(version.tenant, "opt-in-page.png", stored, inspection)
    FieldValue.objects.update_or_create(
        version=version,
        field_path=path,
        defaults={
            "tenant_id": version.tenant_id,
            "text_value": "",
            "select_choices": [],
            "attachment": attachment,
            "needs_change": False,
        },
    )


def _country(tenant: Tenant) -> str:
    profile = business_profile_get(tenant=tenant)
    return (profile.country if profile else "") or "US"


def values_normalised(registration: Registration, values: dict[str, Value]) -> dict[str, Value]:
    """The values with numbers and identifiers in the form the fields' patterns want
    (`registrations/formats.py`); what the wizard checks and shows back."""
    schema = schema_for(registration)
    return formats.normalise_values(schema, values, country=_country(registration.tenant))


def version_preflight(version: RegistrationVersion) -> list:
    """Runs the compliance preflight over the version and stores its findings on it."""
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
        brand_values = version_values(brand.versions.newest())
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
            provider_program=registration.program_owner == Registration.ProgramOwner.PROVIDER,
        )
    )
    version.preflight_findings = [f.as_dict() for f in findings]
    version.save(update_fields=["preflight_findings"])
    return findings


def version_editable_get(registration: Registration) -> RegistrationVersion:
    """The version the tenant may change, locked for this transaction; refused when the
    registration is not editable now."""
    version = registration.versions.select_for_update().newest()
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
    require_role(tenant, actor, Role.MEMBER)
    registration = Registration.objects.select_for_update().get(pk=registration.pk, tenant=tenant)
    version = version_editable_get(registration)
    schema = schema_for(registration)
    # Numbers and identifiers as people write them, in the form AWS's patterns want.
    values = formats.normalise_values(schema, values, country=_country(tenant))
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


def _attachment_store(tenant: Tenant, name: str, data: bytes, inspection) -> Attachment:
    attachment = Attachment(
        tenant=tenant,
        original_name=name[:255],
        content_type=inspection.content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    # The stored name's extension and S3's Content-Type come from the sniffed type, never
    # from the client's file name.
    stored = ContentFile(data)
    stored.content_type = inspection.content_type
    attachment.file.save(f"upload.{inspection.extension}", stored, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def registration_attachment_add(
    *,
    tenant: Tenant,
    actor: User,
    registration: Registration,
    field_path: str,
    upload: UploadedFile,
    max_bytes: int = upload_policy.STORED_MAX_BYTES,
) -> Attachment:
    """Stores an upload for an ATTACHMENT field after checking its real type and size."""
    require_role(tenant, actor, Role.MEMBER)
    registration = Registration.objects.select_for_update().get(pk=registration.pk, tenant=tenant)
    version = version_editable_get(registration)
    fdef = schema_for(registration).field(field_path)
    if fdef is None or fdef.type != "ATTACHMENT":
        raise ValidationError({field_path: ["This field does not take a file."]})
    try:
        data, inspection = upload_policy.read_checked(upload, size=upload.size, max_bytes=max_bytes)
    except upload_policy.UploadRefused as exc:
        raise ValidationError({field_path: [str(exc)]}) from exc
    attachment = _attachment_store(tenant, upload.name, data, inspection)
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


def version_next(registration: Registration, flagged: set[str]) -> RegistrationVersion:
    """A new editable version carrying the values forward; `flagged` fields need a change."""
    previous = registration.versions.newest()
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


def version_after_denial(
    registration: Registration, denied_fields: set[str]
) -> RegistrationVersion:
    """After REQUIRES_UPDATES: an editable version with the denied fields flagged."""
    return version_next(registration, denied_fields)
