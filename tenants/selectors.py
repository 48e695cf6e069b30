"""Reads for tenants and people; each owns its joins."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from tenants.models import (
    AuditEntry,
    BusinessProfile,
    Invitation,
    Membership,
    Notice,
    ProviderProfile,
    Tenant,
    User,
)


def membership_get(*, user: User, tenant_slug: str) -> Membership | None:
    """The user's membership in an open tenant, read fresh on every request."""
    return (
        Membership.objects.select_related("tenant")
        .filter(user=user, tenant__slug=tenant_slug)
        .exclude(tenant__status=Tenant.Status.CLOSED)
        .first()
    )


def membership_get_any(*, user: User, tenant_slug: str) -> Membership | None:
    """The user's membership whatever the tenant's status (the caller checks it)."""
    return (
        Membership.objects.select_related("tenant")
        .filter(user=user, tenant__slug=tenant_slug)
        .first()
    )


def membership_list_for_user(*, user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.select_related("tenant")
        .filter(user=user)
        .exclude(tenant__status=Tenant.Status.CLOSED)
        .order_by("tenant__name")
    )


def membership_list(*, tenant: Tenant) -> QuerySet[Membership]:
    return Membership.objects.select_related("user").filter(tenant=tenant).order_by("user__email")


def invitation_list_pending(*, tenant: Tenant) -> QuerySet[Invitation]:
    return Invitation.objects.select_related("invited_by").filter(
        tenant=tenant, status=Invitation.Status.PENDING
    )


def audit_entry_list(
    *, tenant: Tenant | None = None, limit: int | None = None
) -> QuerySet[AuditEntry]:
    """Newest first; pages show it a page at a time (`portal.paging`), `limit` cuts it."""
    entries = AuditEntry.objects.select_related("tenant", "actor")
    if tenant is not None:
        entries = entries.filter(tenant=tenant)
    return entries[:limit] if limit else entries


def tenant_list_for_staff(*, search: str = "", status: str = "") -> QuerySet[Tenant]:
    tenants = Tenant.objects.select_related("profile").annotate(
        member_count=Count("memberships", distinct=True),
        pending_invitations=Count(
            "invitations", filter=Q(invitations__status=Invitation.Status.PENDING), distinct=True
        ),
    )
    if search:
        tenants = tenants.filter(
            Q(name__icontains=search)
            | Q(slug__icontains=search)
            | Q(profile__legal_name__icontains=search)
        )
    if status:
        tenants = tenants.filter(status=status)
    return tenants.order_by("name")


def tenant_get_for_staff(*, slug: str) -> Tenant | None:
    return Tenant.objects.select_related("profile").filter(slug=slug).first()


def business_profile_get(*, tenant: Tenant) -> BusinessProfile:
    """The tenant's profile; an unsaved empty one if none was stored yet."""
    return BusinessProfile.objects.filter(tenant=tenant).first() or BusinessProfile(tenant=tenant)


def provider_profile_get() -> ProviderProfile:
    """The provider's own business profile; an unsaved empty one if none was stored yet."""
    return ProviderProfile.objects.order_by("pk").first() or ProviderProfile()


def notice_list(*, tenant: Tenant) -> QuerySet[Notice]:
    return Notice.objects.filter(tenant=tenant)


def notice_unread_count(*, tenant: Tenant) -> int:
    return Notice.objects.filter(tenant=tenant, read_at=None).count()
