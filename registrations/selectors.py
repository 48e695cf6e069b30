"""Reads of a registration that services and pages share: its form's schema, the values of a
version, and the version staff judge. The newest version itself is `versions.newest()` (the
versions' queryset, in `registrations/models/registration.py`)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from registrations.models import Registration, RegistrationTypeDef, RegistrationVersion
from registrations.schema import TypeSchema, Value
from registrations.states import sending_allowed


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


def version_under_review(registration: Registration) -> RegistrationVersion | None:
    """The newest version that left the tenant's hands (the one staff judge)."""
    return registration.versions.exclude(locked_at=None).newest() or registration.versions.newest()


def registration_sending_allowed(registration: Registration) -> bool:
    """Whether the registration's senders may send now (`states.sending_allowed`)."""
    return sending_allowed(
        aws_status=registration.aws_status,
        status=registration.status,
        has_approved_version=registration.versions.filter(aws_status="APPROVED").exists(),
    )


def registrations_paused(*, tenant_id: int) -> dict[int, Registration]:
    """The tenant's registrations that provide senders and whose senders must not send now
    (AWS reports them out of COMPLETE), by id: one query."""
    rows = (
        Registration.objects.filter(tenant_id=tenant_id, senders__isnull=False)
        .annotate(
            approved=Exists(
                RegistrationVersion.objects.filter(
                    registration=OuterRef("pk"), aws_status="APPROVED"
                )
            )
        )
        .distinct()
    )
    return {
        r.pk: r
        for r in rows
        if not sending_allowed(
            aws_status=r.aws_status, status=r.status, has_approved_version=r.approved
        )
    }
