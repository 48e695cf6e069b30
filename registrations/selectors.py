"""Reads of registrations that the engine's own services need as well as the staff console."""

from __future__ import annotations

from registrations.models import Registration, RegistrationVersion


def version_under_review(registration: Registration) -> RegistrationVersion | None:
    """The newest version that left the tenant's hands (the one staff judge)."""
    return (
        registration.versions.exclude(locked_at=None).order_by("-number").first()
        or registration.versions.order_by("-number").first()
    )
