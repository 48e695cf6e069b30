"""Writes for tenants, people, invitations, business profiles; each records an audit entry."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.text import slugify

from portal.enqueue import enqueue
from tenants.models import (
    AuditEntry,
    BusinessProfile,
    Invitation,
    Membership,
    Notice,
    ProviderProfile,
    Role,
    Tenant,
    User,
)

# Fields never copied into the audit log.
_AUDIT_EXCLUDE = {"password", "token_hash", "updated_at", "last_login"}


def _snapshot(obj: Model, fields: list[str] | None = None) -> dict:
    data = model_to_dict(obj, fields=fields)
    return {
        key: (value if isinstance(value, str | int | float | bool | type(None)) else str(value))
        for key, value in data.items()
        if key not in _AUDIT_EXCLUDE
    }


def audit_record(
    *,
    tenant: Tenant | None,
    actor: User | None,
    action: str,
    obj: Model | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    """Writes one audit entry. `actor=None` means the system (a task, a webhook)."""
    return AuditEntry.objects.create(
        tenant=tenant,
        actor=actor,
        actor_label=actor.email if actor else "system",
        action=action,
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        before=before or {},
        after=after or {},
    )


def _require_staff_actor(actor: User) -> None:
    if not actor.can_act_as_staff:
        raise PermissionDenied("Only provider staff with the reviewer role can do this.")


def _unique_slug(name: str) -> str:
    base = slugify(name)[:40] or "tenant"
    slug, n = base, 2
    while Tenant.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def tenant_create(*, actor: User, name: str, slug: str = "") -> Tenant:
    """Creates a tenant with an empty business profile (provider staff only)."""
    _require_staff_actor(actor)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the tenant a name."})
    slug = slugify(slug) if slug else _unique_slug(name)
    if Tenant.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": f"The address /t/{slug}/ is taken; choose another."})
    try:  # the check above can race another creation of the same address
        with transaction.atomic():
            tenant = Tenant.objects.create(name=name, slug=slug)
    except IntegrityError as exc:
        raise ValidationError(
            {"slug": f"The address /t/{slug}/ is taken; choose another."}
        ) from exc
    BusinessProfile.objects.create(tenant=tenant, legal_name=name)
    audit_record(
        tenant=tenant, actor=actor, action="tenant.create", obj=tenant, after=_snapshot(tenant)
    )
    return tenant


@transaction.atomic
def tenant_status_set(*, actor: User, tenant: Tenant, status: str) -> Tenant:
    _require_staff_actor(actor)
    if status not in Tenant.Status.values:
        raise ValidationError({"status": f"Unknown status {status!r}."})
    before = _snapshot(tenant, ["status"])
    tenant.status = status
    tenant.save(update_fields=["status"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="tenant.status",
        obj=tenant,
        before=before,
        after=_snapshot(tenant, ["status"]),
    )
    return tenant


# --- Invitations ---------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    token: str  # shown only in the e-mail link; only its hash is stored

    @property
    def path(self) -> str:
        return f"/invitations/{self.token}/"


def _can_invite(*, tenant: Tenant, actor: User, role: str) -> bool:
    if actor.can_act_as_staff:
        return True  # staff invite a tenant's first owner (and may help later)
    membership = Membership.objects.filter(tenant=tenant, user=actor).first()
    if membership is None or not Role.at_least(membership.role, Role.ADMIN):
        return False
    # Owners may invite any role; admins may invite admins and members, not owners.
    return Role.at_least(membership.role, role)


@transaction.atomic
def invitation_create(*, tenant: Tenant, actor: User, email: str, role: str) -> IssuedInvitation:
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    if not _can_invite(tenant=tenant, actor=actor, role=role):
        raise PermissionDenied("You cannot invite people with this role.")
    email = email.strip().lower()
    if Membership.objects.filter(tenant=tenant, user__email__iexact=email).exists():
        raise ValidationError({"email": f"{email} is already a member of {tenant.name}."})
    # A new invitation replaces a pending one to the same address (its old link stops working).
    Invitation.objects.filter(
        tenant=tenant, email__iexact=email, status=Invitation.Status.PENDING
    ).update(status=Invitation.Status.REVOKED)
    token = secrets.token_urlsafe(32)
    try:  # one pending invitation per address: another one may be made at the same moment
        with transaction.atomic():
            invitation = Invitation.objects.create(
                tenant=tenant,
                email=email,
                role=role,
                token_hash=_token_hash(token),
                invited_by=actor,
                expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
            )
    except IntegrityError as exc:
        raise ValidationError(
            {"email": f"An invitation to {email} was sent at this same moment; that one stands."}
        ) from exc
    audit_record(
        tenant=tenant,
        actor=actor,
        action="invitation.create",
        obj=invitation,
        after={"email": email, "role": role},
    )
    issued = IssuedInvitation(invitation=invitation, token=token)
    enqueue("tenants.tasks.invitation_send_mail_task", invitation.pk, token)
    return issued


class InvitationUsed(ValidationError):
    """Another accept of the same link won (the answer to the loser of a race)."""


def invitation_get_by_token(token: str) -> Invitation:
    """The invitation behind a link, or a ValidationError that says why it cannot be used."""
    invitation = (
        Invitation.objects.select_related("tenant").filter(token_hash=_token_hash(token)).first()
    )
    if invitation is None:
        raise ValidationError("This invitation link is not valid. Ask for a new invitation.")
    if invitation.status == Invitation.Status.ACCEPTED:
        raise InvitationUsed("This invitation has already been used. Sign in to continue.")
    if invitation.status == Invitation.Status.REVOKED:
        raise ValidationError("This invitation was withdrawn or replaced by a newer one.")
    if invitation.is_expired:
        raise ValidationError("This invitation has expired. Ask for a new invitation.")
    if not invitation.tenant.is_open:
        raise ValidationError("This invitation is for an account that is closed.")
    return invitation


@transaction.atomic
def invitation_accept(
    *, token: str, user: User | None, full_name: str = "", password: str = ""
) -> Membership:
    """Accepts an invitation as the signed-in `user`, or creates the account when `user` is None.

    The claim, a conditional UPDATE, comes before anything is created: it holds the row, so of
    several accepts at once exactly one goes on and the others find the invitation used (they
    wait for the first to commit or roll back, then read its outcome).
    """
    invitation = invitation_get_by_token(token)
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(_account_exists(invitation.email))
        if not password:
            raise ValidationError({"password": "Choose a password."})
    elif user.email.lower() != invitation.email.lower():
        raise ValidationError(
            f"This invitation was sent to {invitation.email}, but you are signed in as "
            f"{user.email}. Sign out and open the link again."
        )
    claimed = Invitation.objects.filter(pk=invitation.pk, status=Invitation.Status.PENDING).update(
        status=Invitation.Status.ACCEPTED, accepted_at=timezone.now(), accepted_by=user
    )
    if claimed != 1:
        raise InvitationUsed("This invitation has already been used. Sign in to continue.")
    if user is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=invitation.email, password=password, full_name=full_name
                )
        except IntegrityError as exc:  # the account was made meanwhile (another link, sign-up)
            raise ValidationError(_account_exists(invitation.email)) from exc
        Invitation.objects.filter(pk=invitation.pk).update(accepted_by=user)
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                tenant=invitation.tenant, user=user, role=invitation.role
            )
    except IntegrityError as exc:
        raise ValidationError(f"You are already a member of {invitation.tenant.name}.") from exc
    audit_record(
        tenant=invitation.tenant,
        actor=user,
        action="invitation.accept",
        obj=membership,
        after={"email": user.email, "role": membership.role},
    )
    return membership


def _account_exists(email: str) -> str:
    return f"An account for {email} exists already: sign in, then open the link again."


@transaction.atomic
def invitation_revoke(*, tenant: Tenant, actor: User, invitation: Invitation) -> Invitation:
    if invitation.tenant_id != tenant.pk:
        raise ValidationError("This invitation belongs to another tenant.")
    if not _can_invite(tenant=tenant, actor=actor, role=invitation.role):
        raise PermissionDenied("You cannot withdraw this invitation.")
    updated = Invitation.objects.filter(pk=invitation.pk, status=Invitation.Status.PENDING).update(
        status=Invitation.Status.REVOKED
    )
    if updated != 1:
        raise ValidationError("Only a pending invitation can be withdrawn.")
    invitation.refresh_from_db()
    audit_record(
        tenant=tenant,
        actor=actor,
        action="invitation.revoke",
        obj=invitation,
        before={"status": "pending"},
        after={"status": "revoked"},
    )
    return invitation


def invitation_expire_due() -> int:
    """Marks pending invitations past their expiry as expired; returns how many."""
    return Invitation.objects.filter(
        status=Invitation.Status.PENDING, expires_at__lte=timezone.now()
    ).update(status=Invitation.Status.EXPIRED)


# --- Memberships ---------------------------------------------------------------------------


def _membership_locked(tenant: Tenant, membership: Membership) -> Membership:
    """The membership as it is now, for a change. Changes to a tenant's members take the
    tenant's row first, one at a time, so two owners cannot each remove the other (the "at
    least one owner" check would pass for both) and no two lock orders can deadlock."""
    Tenant.objects.select_for_update().filter(pk=tenant.pk).first()
    current = (
        Membership.objects.select_for_update()
        .select_related("user")
        .filter(pk=membership.pk, tenant=tenant)
        .first()
    )
    if current is None:
        raise ValidationError(f"{membership.user.email} is no longer a member of {tenant.name}.")
    return current


def _owners_after(tenant: Tenant, membership: Membership, new_role: str | None) -> int:
    owners = Membership.objects.filter(tenant=tenant, role=Role.OWNER).exclude(pk=membership.pk)
    return owners.count() + (1 if new_role == Role.OWNER else 0)


def _check_manage(*, tenant: Tenant, actor: User, membership: Membership, new_role: str | None):
    if membership.tenant_id != tenant.pk:
        raise ValidationError("This member belongs to another tenant.")
    actor_membership = Membership.objects.filter(tenant=tenant, user=actor).first()
    actor_role = actor_membership.role if actor_membership else None
    if actor.can_act_as_staff and actor_role is None:
        actor_role = Role.OWNER
    if actor_role is None or not Role.at_least(actor_role, Role.ADMIN):
        raise PermissionDenied("Only owners and admins can manage members.")
    touches_owner = membership.role == Role.OWNER or new_role == Role.OWNER
    if touches_owner and actor_role != Role.OWNER:
        raise PermissionDenied("Only an owner can grant or take away the owner role.")
    if membership.role == Role.OWNER and _owners_after(tenant, membership, new_role) == 0:
        raise ValidationError(
            f"{tenant.name} needs at least one owner. Make someone else owner first."
        )


@transaction.atomic
def membership_role_change(
    *, tenant: Tenant, actor: User, membership: Membership, role: str
) -> Membership:
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    membership = _membership_locked(tenant, membership)
    _check_manage(tenant=tenant, actor=actor, membership=membership, new_role=role)
    before = {"role": membership.role}
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="membership.role_change",
        obj=membership,
        before=before,
        after={"role": role},
    )
    return membership


@transaction.atomic
def membership_remove(*, tenant: Tenant, actor: User, membership: Membership) -> None:
    membership = _membership_locked(tenant, membership)
    _check_manage(tenant=tenant, actor=actor, membership=membership, new_role=None)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="membership.remove",
        obj=membership,
        before={"email": membership.user.email, "role": membership.role},
    )
    membership.delete()


# --- Business profile ----------------------------------------------------------------------


@transaction.atomic
def business_profile_update(*, tenant: Tenant, actor: User, data: dict) -> BusinessProfile:
    """Saves validated profile values (the form validated them) and records what changed."""
    profile, _ = BusinessProfile.objects.select_for_update().get_or_create(tenant=tenant)
    editable = [
        f.name for f in BusinessProfile._meta.fields if f.name not in ("id", "tenant", "updated_at")
    ]
    unknown = set(data) - set(editable)
    if unknown:
        raise ValidationError(f"Unknown profile fields: {', '.join(sorted(unknown))}.")
    before = _snapshot(profile, editable)
    for key, value in data.items():
        setattr(profile, key, value)
    profile.full_clean()
    profile.save()
    after = _snapshot(profile, editable)
    changed = {k for k in editable if before.get(k) != after.get(k)}
    if changed:
        audit_record(
            tenant=tenant,
            actor=actor,
            action="business_profile.update",
            obj=profile,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return profile


@transaction.atomic
def provider_profile_update(*, actor: User, data: dict) -> ProviderProfile:
    """Saves the provider's own business details (staff, validated by the form); audited."""
    _require_staff_actor(actor)
    profile = ProviderProfile.objects.select_for_update().order_by("pk").first()
    profile = profile or ProviderProfile()
    editable = [f.name for f in ProviderProfile._meta.fields if f.name not in ("id", "updated_at")]
    unknown = set(data) - set(editable)
    if unknown:
        raise ValidationError(f"Unknown profile fields: {', '.join(sorted(unknown))}.")
    before = _snapshot(profile, editable)
    for key, value in data.items():
        setattr(profile, key, value)
    profile.full_clean()
    profile.save()
    after = _snapshot(profile, editable)
    changed = {k for k in editable if before.get(k) != after.get(k)}
    if changed:
        audit_record(
            tenant=None,
            actor=actor,
            action="provider_profile.update",
            obj=profile,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return profile


# --- Notices -------------------------------------------------------------------------------


def notice_create(*, tenant: Tenant, title: str, body: str = "", link: str = "") -> Notice:
    return Notice.objects.create(tenant=tenant, title=title[:200], body=body, link=link[:300])


@transaction.atomic
def notice_coalesce(
    *, tenant: Tenant, title: str, body: str = "", link: str, within: timedelta
) -> bool:
    """Brings the newest unread notice of the same link from the last `within` up to date
    (title, body, time), or adds a notice; True when it added one."""
    since = timezone.now() - within
    recent = (
        Notice.objects.select_for_update()
        .filter(tenant=tenant, link=link[:300], read_at=None, created_at__gte=since)
        .order_by("-created_at", "-id")
        .first()
    )
    if recent is None:
        notice_create(tenant=tenant, title=title, body=body, link=link)
        return True
    recent.title, recent.body, recent.created_at = title[:200], body, timezone.now()
    recent.save(update_fields=["title", "body", "created_at"])
    return False


def notice_mark_all_read(*, tenant: Tenant, actor: User) -> int:
    return Notice.objects.filter(tenant=tenant, read_at=None).update(read_at=timezone.now())
