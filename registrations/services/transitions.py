"""Applying the registration transition table (`registrations/states.py`): every status change
goes through `registration_transition`, a conditional UPDATE guarded by the table, so that two
workers cannot both win. Also the checks of who may ask for a move, shared by the draft and the
review services."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from registrations.models import Registration, StatusEvent
from registrations.states import Status, can_transition
from tenants.models import Membership, Role, Tenant, User
from tenants.services import audit_record


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


def require_role(tenant: Tenant, actor: User, role: str) -> None:
    """Refuses an actor who is not a member of the tenant with at least `role`."""
    membership = Membership.objects.filter(tenant=tenant, user=actor).first()
    if membership is None or not Role.at_least(membership.role, role):
        raise PermissionDenied(f"This needs the {role} role in {tenant.name}.")


def require_reviewer(actor: User) -> None:
    """Refuses an actor who is not provider staff with the reviewer role."""
    if not actor.can_act_as_staff:
        raise PermissionDenied("Only provider staff with the reviewer role can review.")
