"""Reads of a registration that services and pages share: its form's schema, the values of a
version, and the version staff judge. The newest version itself is `versions.newest()` (the
versions' queryset, in `registrations/models/registration.py`)."""

from __future__ import annotations

from registrations.models import Registration, RegistrationTypeDef, RegistrationVersion
from registrations.schema import TypeSchema, Value


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
