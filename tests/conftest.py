"""Personas shared by the whole suite (CONVENTIONS.md): tenants A and B; alice (admin of A),
bob (member of A), carol (admin of B), owen (owner of A); provider staff sam (reviewer) and
vic (viewer, can look but not act)."""

from __future__ import annotations

import pytest
from django.test import Client

from tenants.models import BusinessProfile, Membership, Role, Tenant, User

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _fast_and_eager(settings):
    """Tasks run in-process during tests unless a test starts a real worker; hashing is cheap."""
    from portal.celery import app

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def make_user(email: str, **extra) -> User:
    return User.objects.create_user(email=email, password=PASSWORD, **extra)


def make_tenant(name: str, slug: str) -> Tenant:
    tenant = Tenant.objects.create(name=name, slug=slug)
    BusinessProfile.objects.create(tenant=tenant, legal_name=name)
    return tenant


@pytest.fixture
def tenant_a(db) -> Tenant:
    return make_tenant("Acme Anvils", "acme")


@pytest.fixture
def tenant_b(db) -> Tenant:
    return make_tenant("Bravo Bakery", "bravo")


@pytest.fixture
def alice(tenant_a) -> User:
    user = make_user("alice@acme.example", full_name="Alice Admin")
    Membership.objects.create(tenant=tenant_a, user=user, role=Role.ADMIN)
    return user


@pytest.fixture
def bob(tenant_a) -> User:
    user = make_user("bob@acme.example", full_name="Bob Member")
    Membership.objects.create(tenant=tenant_a, user=user, role=Role.MEMBER)
    return user


@pytest.fixture
def owen(tenant_a) -> User:
    user = make_user("owen@acme.example", full_name="Owen Owner")
    Membership.objects.create(tenant=tenant_a, user=user, role=Role.OWNER)
    return user


@pytest.fixture
def carol(tenant_b) -> User:
    user = make_user("carol@bravo.example", full_name="Carol Admin")
    Membership.objects.create(tenant=tenant_b, user=user, role=Role.ADMIN)
    return user


@pytest.fixture
def sam(db) -> User:
    return make_user(
        "sam@provider.example",
        full_name="Sam Staff",
        is_staff=True,
        staff_role=User.StaffRole.REVIEWER,
    )


@pytest.fixture
def vic(db) -> User:
    return make_user(
        "vic@provider.example",
        full_name="Vic Viewer",
        is_staff=True,
        staff_role=User.StaffRole.VIEWER,
    )


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
