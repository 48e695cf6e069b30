from __future__ import annotations

from django.http import HttpRequest

from tenants.models import Role
from tenants.selectors import membership_list_for_user, notice_unread_count


def navigation(request: HttpRequest) -> dict:
    """The tenant switcher and role flags the layout needs."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    membership = getattr(request, "membership", None)
    return {
        "nav_memberships": membership_list_for_user(user=user),
        "current_tenant": getattr(request, "tenant", None),
        "current_membership": membership,
        "is_tenant_admin": membership is not None and Role.at_least(membership.role, Role.ADMIN),
        "is_tenant_owner": membership is not None and membership.role == Role.OWNER,
        "unread_notices": notice_unread_count(tenant=membership.tenant) if membership else 0,
    }
