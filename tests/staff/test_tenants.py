"""Staff pages of tenants: creating a tenant with its first owner's invitation, the list."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tenants.models import AuditEntry, Invitation, Membership
from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db


def _link_token(message) -> str:
    match = re.search(r"/invitations/([\w-]+)/", message.body)
    assert match, message.body
    return match.group(1)


def test_staff_create_a_tenant_and_invite_its_first_owner(sam, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(sam).post(
            "/staff/tenants/new/",
            {"name": "Cedar Clinic", "slug": "", "owner_email": "o@cedar.example"},
        )
    assert response.status_code == 302
    assert response["Location"] == "/staff/tenants/cedar-clinic/"
    invitation = Invitation.objects.get(tenant__slug="cedar-clinic")
    assert (invitation.email, invitation.role) == ("o@cedar.example", "owner")
    token = _link_token(mail.outbox[0])
    client_for(None).post(
        f"/invitations/{token}/", {"full_name": "O", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert Membership.objects.get(tenant__slug="cedar-clinic").role == "owner"
    actions = list(
        AuditEntry.objects.filter(tenant__slug="cedar-clinic")
        .order_by("id")
        .values_list("action", "actor_label")
    )
    assert actions == [
        ("tenant.create", "sam@provider.example"),
        ("invitation.create", "sam@provider.example"),
        ("invitation.accept", "o@cedar.example"),
    ]


def test_staff_tenant_list_search(tenant_a, tenant_b, vic):
    page = client_for(vic).get("/staff/?q=brav")
    assert [t.slug for t in page.context["tenants"]] == ["bravo"]
    page = client_for(vic).get("/staff/")
    assert [t.slug for t in page.context["tenants"]] == ["acme", "bravo"]
    assert b"New tenant" not in page.content  # a viewer cannot act
