"""Walks every URL pattern of the portal and checks its guard, so that a new view without a
tenant or staff check fails here. Views declare their access with the decorators of
`tenants.permissions`; a view without a declaration fails the walk."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tenants.models import Role
from tests.conftest import client_for

# Django's admin has its own guard (superusers only here); it is checked in its own test.
SKIPPED_PREFIXES = ("admin/",)


@dataclass(frozen=True)
class Route:
    route: str
    name: str | None
    access: tuple

    def url(self, tenant_slug: str) -> str:
        def fill(match: re.Match) -> str:
            converter, name = match.group(1), match.group(2)
            if name in ("tenant_slug", "slug"):
                return tenant_slug
            if converter == "int":
                return "999999"
            return "not-a-real-token"

        return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, self.route)

    def __str__(self) -> str:
        return f"/{self.route} ({self.name})"


def _walk(patterns, prefix: str = "") -> list[Route]:
    routes: list[Route] = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(pattern, URLResolver):
            routes += _walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            routes.append(Route(route, pattern.name, getattr(pattern.callback, "access", ())))
    return routes


ROUTES = _walk(get_resolver().url_patterns)


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_walk_sees_the_portal():
    names = {r.name for r in ROUTES}
    assert {"tenant_dashboard", "member_list", "staff_tenant_list", "login", "home"} <= names
    assert len(ROUTES) == 97


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_every_view_declares_its_access(route):
    assert route.access, f"{route} has no access declaration (use tenants.permissions)"
    assert route.access[0] in {"public", "user", "tenant", "staff", "api"}


TENANT_ROUTES = [r for r in ROUTES if r.access and r.access[0] == "tenant"]
STAFF_ROUTES = [r for r in ROUTES if r.access and r.access[0] == "staff"]
USER_ROUTES = [r for r in ROUTES if r.access and r.access[0] == "user"]
PUBLIC_ROUTES = [r for r in ROUTES if r.access and r.access[0] == "public"]
API_ROUTES = [r for r in ROUTES if r.access and r.access[0] == "api"]


@pytest.mark.django_db
@pytest.mark.parametrize("route", TENANT_ROUTES + STAFF_ROUTES + USER_ROUTES, ids=str)
def test_anonymous_is_sent_to_login(route, tenant_a):
    for method in ("get", "post"):
        response = getattr(client_for(None), method)(route.url(tenant_a.slug))
        assert _is_login_redirect(response), (method, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("route", TENANT_ROUTES, ids=str)
def test_tenant_pages_hide_from_other_tenants(route, tenant_a, carol):
    for method in ("get", "post"):
        response = getattr(client_for(carol), method)(route.url(tenant_a.slug))
        assert response.status_code == 404, method


@pytest.mark.django_db
@pytest.mark.parametrize("route", TENANT_ROUTES, ids=str)
def test_tenant_pages_refuse_a_missing_role(route, tenant_a, bob, alice, owen):
    min_role = route.access[1]
    below = [
        u
        for u, role in ((bob, Role.MEMBER), (alice, Role.ADMIN))
        if not Role.at_least(role, min_role)
    ]
    enough = [
        u
        for u, role in ((bob, Role.MEMBER), (alice, Role.ADMIN), (owen, Role.OWNER))
        if Role.at_least(role, min_role)
    ]
    for user in below:
        for method in ("get", "post"):
            response = getattr(client_for(user), method)(route.url(tenant_a.slug))
            assert response.status_code == 403, (user.email, method)
    for user in enough:
        response = client_for(user).get(route.url(tenant_a.slug))
        # 200 for pages, 405 for POST-only actions, 404 for a missing object id.
        assert response.status_code in (200, 404, 405), (user.email, response.status_code)
        if "<int:" not in route.route:
            assert response.status_code in (200, 405)


@pytest.mark.django_db
@pytest.mark.parametrize("route", TENANT_ROUTES, ids=str)
def test_a_suspended_tenant_stops_every_page_even_for_its_owner(route, tenant_a, owen):
    tenant_a.status = "suspended"
    tenant_a.save(update_fields=["status"])
    for method in ("get", "post"):
        response = getattr(client_for(owen), method)(route.url(tenant_a.slug))
        assert response.status_code == 403, method
        assert b"Acme Anvils is suspended" in response.content, method


@pytest.mark.django_db
@pytest.mark.parametrize("route", STAFF_ROUTES, ids=str)
def test_staff_pages_hide_from_tenant_people(route, tenant_a, alice, owen, carol):
    for user in (alice, owen, carol):
        for method in ("get", "post"):
            response = getattr(client_for(user), method)(route.url(tenant_a.slug))
            assert response.status_code == 404, (user.email, method)


@pytest.mark.django_db
@pytest.mark.parametrize("route", STAFF_ROUTES, ids=str)
def test_staff_viewer_can_look_but_not_act(route, tenant_a, vic, sam):
    response = client_for(vic).get(route.url(tenant_a.slug))
    # A staff page about one object (`<int:pk>`) answers 404 for the walk's made-up id.
    found = 404 if "<int:" in route.route else 200
    if route.access[1] == "act":
        assert response.status_code == 403
        assert client_for(vic).post(route.url(tenant_a.slug)).status_code == 403
    else:
        assert response.status_code == found
    assert client_for(sam).get(route.url(tenant_a.slug)).status_code in (found, 405)


@pytest.mark.django_db
@pytest.mark.parametrize("route", PUBLIC_ROUTES, ids=str)
def test_public_pages_do_not_ask_for_login(route, tenant_a):
    response = client_for(None).get(route.url(tenant_a.slug))
    assert not _is_login_redirect(response)
    assert response.status_code in (200, 302, 405, 410)


@pytest.mark.django_db
def test_django_admin_is_for_superusers_only(sam, alice):
    for user in (sam, alice):
        response = client_for(user).get("/admin/")
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    sam.is_superuser = True
    sam.save(update_fields=["is_superuser"])
    assert client_for(sam).get("/admin/").status_code == 200


@pytest.mark.django_db
def test_wrong_method_is_405(tenant_a, alice):
    response = client_for(alice).get(f"/t/{tenant_a.slug}/members/invite/")
    assert response.status_code == 405
    response = client_for(alice).put(f"/t/{tenant_a.slug}/profile/edit/")
    assert response.status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("route", API_ROUTES, ids=str)
def test_api_routes_need_a_key(route, tenant_a):
    """The sending API authenticates by API key: without one, 401 (never a login page)."""
    response = client_for(None).get(route.url(tenant_a.slug))
    assert response.status_code == 401
