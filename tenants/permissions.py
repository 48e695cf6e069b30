"""Access decorators for HTML views. Each one marks the view with the access it demands, so
that a test can walk every URL pattern and check that no view is left unguarded.

Order of checks: signed in (else the login page), then the tenant or staff scope (else 404,
so that nobody learns what exists elsewhere), then the tenant's standing (a suspended or closed
tenant's members get a 403 page that says why and whom to contact; provider staff keep their
own pages under /staff/), then the role (else 403).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from tenants.models import Role, Tenant
from tenants.selectors import membership_get_any, provider_profile_get

View = Callable[..., HttpResponse]


def tenant_view(min_role: str = Role.MEMBER) -> Callable[[View], View]:
    """For `/t/<tenant_slug>/…`: sets `request.tenant` and `request.membership`."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, tenant_slug: str, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = membership_get_any(user=request.user, tenant_slug=tenant_slug)
            if membership is None:
                raise Http404("No such tenant.")
            if membership.tenant.status != Tenant.Status.ACTIVE:
                return tenant_unavailable(request, membership.tenant)
            if not Role.at_least(membership.role, min_role):
                raise PermissionDenied(
                    f"This page needs the {Role(min_role).label.lower()} role "
                    f"in {membership.tenant}."
                )
            request.tenant = membership.tenant
            request.membership = membership
            request.session["current_tenant"] = tenant_slug
            return view(request, *args, **kwargs)

        wrapper.access = ("tenant", min_role)
        return wrapper

    return decorator


def tenant_unavailable(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    """The page a member of a suspended or closed tenant gets instead of any tenant page."""
    provider = provider_profile_get()
    return render(
        request,
        "tenants/tenant_unavailable.html",
        {
            "unavailable_tenant": tenant,
            "closed": tenant.status == Tenant.Status.CLOSED,
            "provider_name": provider.dba_name or provider.legal_name,
            "provider_email": provider.support_email or provider.contact_email,
            "provider_phone": provider.support_phone,
        },
        status=403,
    )


def staff_view(*, act: bool = False) -> Callable[[View], View]:
    """For `/staff/…`: provider staff only (others get 404); `act=True` needs the reviewer role."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.is_provider_staff:
                raise Http404("No such page.")
            if act and not request.user.can_act_as_staff:
                raise PermissionDenied("Your staff role can look but not act.")
            return view(request, *args, **kwargs)

        wrapper.access = ("staff", "act" if act else "view")
        return wrapper

    return decorator


def user_view(view: View) -> View:
    """Any signed-in person, outside a tenant (the tenant chooser, password change)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapper.access = ("user",)
    return wrapper


def public_view(view: View) -> View:
    """Reachable without signing in (login, password reset, invitation links, health)."""
    view.access = ("public",)
    return view
