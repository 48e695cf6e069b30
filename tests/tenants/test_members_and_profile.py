from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from tenants import services
from tenants.models import AuditEntry, BusinessProfile, Membership, Role
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db

VALID_PROFILE = {
    "legal_name": "Acme Anvils Incorporated",
    "dba_name": "Acme",
    "business_type": "PRIVATE_PROFIT",
    "vertical": "MANUFACTURING",
    "tax_id": "123456789",
    "tax_id_type": "EIN",
    "tax_id_country": "US",
    "stock_symbol": "",
    "stock_exchange": "",
    "address_line1": "1 Main Street",
    "address_line2": "",
    "city": "Seattle",
    "state": "WA",
    "postal_code": "98101",
    "country": "US",
    "website": "https://acme.example",
    "support_email": "help@acme.example",
    "support_phone": "(206) 555-0100",
    "contact_first_name": "Alice",
    "contact_last_name": "Adams",
    "contact_title": "COO",
    "contact_email": "alice@acme.example",
    "contact_phone": "+1 206 555 0101",
}


def test_role_change_takes_effect_on_the_next_request(tenant_a, owen, bob):
    bob_client = client_for(bob)
    assert bob_client.get(f"/t/{tenant_a.slug}/profile/edit/").status_code == 403
    response = client_for(owen).post(
        f"/t/{tenant_a.slug}/members/{Membership.objects.get(user=bob).pk}/role/", {"role": "admin"}
    )
    assert response.status_code == 302
    assert bob_client.get(f"/t/{tenant_a.slug}/profile/edit/").status_code == 200
    entry = AuditEntry.objects.get(action="membership.role_change")
    assert (entry.actor, entry.before, entry.after) == (owen, {"role": "member"}, {"role": "admin"})


def test_removed_member_loses_access_at_once(tenant_a, alice, bob):
    bob_client = client_for(bob)
    assert bob_client.get(f"/t/{tenant_a.slug}/").status_code == 200
    client_for(alice).post(
        f"/t/{tenant_a.slug}/members/{Membership.objects.get(user=bob).pk}/remove/"
    )
    assert bob_client.get(f"/t/{tenant_a.slug}/").status_code == 404
    assert AuditEntry.objects.get(action="membership.remove").before == {
        "email": "bob@acme.example",
        "role": "member",
    }


def test_admin_cannot_touch_owners(tenant_a, alice, owen, bob):
    owner_membership = Membership.objects.get(user=owen)
    with pytest.raises(PermissionDenied, match="Only an owner"):
        services.membership_role_change(
            tenant=tenant_a, actor=alice, membership=owner_membership, role="member"
        )
    with pytest.raises(PermissionDenied, match="Only an owner"):
        services.membership_role_change(
            tenant=tenant_a, actor=alice, membership=Membership.objects.get(user=bob), role="owner"
        )
    with pytest.raises(PermissionDenied):
        services.membership_remove(tenant=tenant_a, actor=bob, membership=owner_membership)
    assert Membership.objects.get(user=owen).role == Role.OWNER
    assert AuditEntry.objects.count() == 0


def test_the_last_owner_stays(tenant_a, owen):
    membership = Membership.objects.get(user=owen)
    with pytest.raises(ValidationError, match="Acme Anvils needs at least one owner"):
        services.membership_role_change(
            tenant=tenant_a, actor=owen, membership=membership, role="admin"
        )
    with pytest.raises(ValidationError, match="at least one owner"):
        services.membership_remove(tenant=tenant_a, actor=owen, membership=membership)
    second = make_user("second@acme.example")
    Membership.objects.create(tenant=tenant_a, user=second, role=Role.OWNER)
    services.membership_role_change(
        tenant=tenant_a, actor=owen, membership=membership, role="admin"
    )
    assert Membership.objects.get(user=owen).role == Role.ADMIN


def test_membership_of_another_tenant_is_404(tenant_a, tenant_b, alice, carol):
    carol_membership = Membership.objects.get(user=carol)
    response = client_for(alice).post(
        f"/t/{tenant_a.slug}/members/{carol_membership.pk}/role/", {"role": "member"}
    )
    assert response.status_code == 404
    assert Membership.objects.get(user=carol).role == Role.ADMIN


def test_profile_saves_normalised_values_and_audits_the_change(tenant_a, alice):
    response = client_for(alice).post(f"/t/{tenant_a.slug}/profile/edit/", VALID_PROFILE)
    assert response.status_code == 302, response.content.decode()[:2000]
    profile = BusinessProfile.objects.get(tenant=tenant_a)
    assert profile.tax_id == "12-3456789"
    assert profile.support_phone == "+12065550100"
    assert profile.contact_phone == "+12065550101"
    assert profile.missing_fields == []
    assert profile.completeness == 100
    entry = AuditEntry.objects.get(action="business_profile.update")
    assert entry.before["legal_name"] == "Acme Anvils"
    assert entry.after["legal_name"] == "Acme Anvils Incorporated"
    assert "tenant" not in entry.after


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"tax_id": ""}, "tax_id", "Enter the tax ID; only a sole proprietor may leave it empty."),
        ({"tax_id": "12345"}, "tax_id", "A US EIN has 9 digits, written 12-3456789."),
        (
            {"support_phone": "12"},
            "support_phone",
            "12 is not a valid phone number; check the digits.",
        ),
        (
            {"support_phone": "call us"},
            "support_phone",
            "Enter the support phone with its country code, for example +1 206 555 0100.",
        ),
        (
            {"website": "http://acme.example"},
            "website",
            "Use an https:// address; carriers reject sites without TLS.",
        ),
        (
            {"business_type": "PUBLIC_PROFIT"},
            "stock_symbol",
            "A publicly traded company needs its stock symbol.",
        ),
        (
            {"legal_name": "x" * 101},
            "legal_name",
            "Ensure this value has at most 100 characters (it has 101).",
        ),
    ],
)
def test_profile_errors_say_what_to_fix_and_save_nothing(tenant_a, alice, changes, field, message):
    response = client_for(alice).post(
        f"/t/{tenant_a.slug}/profile/edit/", {**VALID_PROFILE, **changes}
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert BusinessProfile.objects.get(tenant=tenant_a).legal_name == "Acme Anvils"
    assert AuditEntry.objects.count() == 0


def test_sole_proprietor_needs_no_tax_id(tenant_a, alice):
    data = {
        **VALID_PROFILE,
        "business_type": "SOLE_PROPRIETOR",
        "tax_id": "",
        "tax_id_type": "",
        "tax_id_country": "",
    }
    assert client_for(alice).post(f"/t/{tenant_a.slug}/profile/edit/", data).status_code == 302
    assert BusinessProfile.objects.get(tenant=tenant_a).missing_fields == []


def test_members_see_the_profile_but_cannot_edit(tenant_a, bob):
    client = client_for(bob)
    page = client.get(f"/t/{tenant_a.slug}/profile/")
    assert page.status_code == 200
    assert b"Edit profile" not in page.content
    assert client.post(f"/t/{tenant_a.slug}/profile/edit/", VALID_PROFILE).status_code == 403
    assert BusinessProfile.objects.get(tenant=tenant_a).legal_name == "Acme Anvils"


def test_audit_log_is_for_owners_and_staff(tenant_a, tenant_b, owen, alice, sam, carol):
    services.business_profile_update(tenant=tenant_a, actor=owen, data={"dba_name": "Acme!"})
    services.business_profile_update(tenant=tenant_b, actor=carol, data={"dba_name": "Bravo!"})
    page = client_for(owen).get(f"/t/{tenant_a.slug}/audit/")
    assert page.status_code == 200
    assert [e.tenant for e in page.context["entries"]] == [tenant_a]
    assert client_for(alice).get(f"/t/{tenant_a.slug}/audit/").status_code == 403
    staff_page = client_for(sam).get(f"/staff/tenants/{tenant_a.slug}/")
    assert [e.after for e in staff_page.context["entries"]] == [{"dba_name": "Acme!"}]
    assert len(client_for(sam).get("/staff/audit/").context["entries"]) == 2


def test_switcher_and_home_redirects(tenant_a, tenant_b, alice, sam):
    Membership.objects.create(tenant=tenant_b, user=alice, role=Role.MEMBER)
    client = client_for(alice)
    assert client.get("/")["Location"] == "/tenants/"
    assert client.get("/tenants/?tenant=bravo")["Location"] == "/t/bravo/"
    assert client.get("/tenants/?tenant=elsewhere").status_code == 200
    client.get("/t/bravo/")
    assert client.get("/")["Location"] == "/t/bravo/"
    page = client.get("/t/acme/")
    assert [m.tenant.slug for m in page.context["nav_memberships"]] == ["acme", "bravo"]
    assert client_for(sam).get("/")["Location"] == "/staff/"


def test_closed_or_suspended_tenant_is_stopped_for_members(tenant_a, alice, sam):
    services.tenant_status_set(actor=sam, tenant=tenant_a, status="closed")
    page = client_for(alice).get(f"/t/{tenant_a.slug}/")
    assert page.status_code == 403
    assert b"This account was closed by the provider." in page.content
    assert client_for(alice).get("/")["Location"] == "/tenants/"  # no longer offered
    services.tenant_status_set(actor=sam, tenant=tenant_a, status="suspended")
    page = client_for(alice).get(f"/t/{tenant_a.slug}/")
    assert page.status_code == 403
    assert b"This account is suspended by the provider." in page.content
    assert [e.after for e in AuditEntry.objects.filter(action="tenant.status").order_by("id")] == [
        {"status": "closed"},
        {"status": "suspended"},
    ]


def test_password_reset_sends_a_working_link(alice):
    from django.core import mail

    client = client_for(None)
    response = client.post("/accounts/password/reset/", {"email": "alice@acme.example"})
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password/reset/" in line)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"] is True
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-passphrase", "new_password2": "a-brand-new-passphrase"},
    )
    assert done["Location"] == "/accounts/password/reset/complete/"
    assert client.login(
        request=HttpRequest(), email="alice@acme.example", password="a-brand-new-passphrase"
    )


def test_login_and_logout(alice):
    from tests.conftest import PASSWORD

    client = client_for(None)
    bad = client.post("/accounts/login/", {"username": "alice@acme.example", "password": "wrong"})
    assert bad.status_code == 200
    assert b"Please enter a correct e-mail address and password" in bad.content
    ok = client.post("/accounts/login/", {"username": "alice@acme.example", "password": PASSWORD})
    assert ok["Location"] == "/"
    assert client.post("/accounts/logout/")["Location"] == "/accounts/login/"
    assert client.get("/t/acme/")["Location"].startswith("/accounts/login/")
