"""Starting what a tenant asked for on the "Get registered" page: the right registrations in
the right order (10DLC: brand, optional vetting, campaign), each through `registration_create`."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from registrations import overlay
from registrations.models import Registration
from registrations.services.catalog import short_code_type_get
from registrations.services.drafts import registration_create
from registrations.states import Status
from tenants.models import Tenant, User


@transaction.atomic
def registrations_start(
    *,
    tenant: Tenant,
    actor: User,
    goal: str,
    name: str = "",
    vetting: bool = False,
    sender_id_types: list[str] | None = None,
    program_owner: str = Registration.ProgramOwner.TENANT,
) -> list[Registration]:
    """Creates the drafts for a goal; returns them in the order they are to be filled in.
    `program_owner` (TENANT or PROVIDER) goes on every draft and decides whose business
    details prefill it."""
    label = name.strip()
    if goal == "toll_free":
        return [
            registration_create(
                tenant=tenant,
                actor=actor,
                program_owner=program_owner,
                registration_type=overlay.TOLL_FREE,
                name=label or "Toll-free number",
            )
        ]
    if goal == "short_code":
        # AWS's own short code type once its catalog has one; until then the portal's form.
        short_code_type = short_code_type_get()
        if short_code_type is None:
            raise ValidationError("The registration forms have not been loaded from AWS yet.")
        return [
            registration_create(
                tenant=tenant,
                actor=actor,
                program_owner=program_owner,
                registration_type=short_code_type,
                name=label or "Short code",
            )
        ]
    if goal == "sender_id":
        if not sender_id_types:
            raise ValidationError({"sender_id_types": "Choose at least one country."})
        return [
            registration_create(
                tenant=tenant,
                actor=actor,
                program_owner=program_owner,
                registration_type=t,
                name=f"{label} ({t[:2]})" if label else f"Sender ID ({t[:2]})",
            )
            for t in sender_id_types
        ]
    if goal == "ten_dlc":
        # One brand per tenant is enough: a new campaign joins the existing brand.
        brand = (
            Registration.objects.filter(tenant=tenant, registration_type=overlay.BRAND)
            .exclude(status=Status.CANCELLED)
            .order_by("id")
            .first()
        )
        created = []
        if brand is None:
            brand = registration_create(
                tenant=tenant,
                actor=actor,
                program_owner=program_owner,
                registration_type=overlay.BRAND,
                name=f"{tenant.name} brand",
            )
            created.append(brand)
        if vetting:
            created.append(
                registration_create(
                    tenant=tenant,
                    actor=actor,
                    program_owner=program_owner,
                    registration_type=overlay.VETTING,
                    name="Brand vetting",
                    depends_on=brand,
                )
            )
        created.append(
            registration_create(
                tenant=tenant,
                actor=actor,
                program_owner=program_owner,
                registration_type=overlay.CAMPAIGN,
                name=label or "10DLC campaign",
                depends_on=brand,
            )
        )
        return created
    raise ValidationError({"goal": "Choose what you want to do."})
