"""A tenant owner and a provider staff member use the portal in a real browser."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tenants.models import BusinessProfile, Membership
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_admin_fixes_profile_errors_shown_next_to_the_fields(
    page, live_server, tenant_a, alice, tmp_path
):
    sign_in(page, live_server.url, "alice@acme.example")
    page.wait_for_url(f"{live_server.url}/t/acme/")
    assert page.get_by_role("heading", name="Acme Anvils").is_visible()

    page.get_by_role("link", name="Business profile").click()
    page.get_by_role("link", name="Edit profile").click()
    page.get_by_label("Brand or DBA name").fill("Acme")
    page.get_by_label("Business type").select_option("PRIVATE_PROFIT")
    page.get_by_label("Website").fill("http://acme.example")
    page.get_by_label("Support phone").fill("call us")
    page.get_by_role("button", name="Save profile").click()

    website_errors = page.locator("#id_website_error")
    assert (
        website_errors.inner_text() == "Use an https:// address; carriers reject sites without TLS."
    )
    assert page.locator("#id_website").get_attribute("aria-invalid") == "true"
    assert page.get_by_role("alert").first.is_visible()
    page.screenshot(path=str(tmp_path / "profile-errors.png"), full_page=True)
    assert BusinessProfile.objects.get(tenant=tenant_a).dba_name == ""

    page.get_by_label("Website").fill("https://acme.example")
    page.get_by_label("Support phone").fill("+1 206 555 0100")
    page.get_by_label("Tax ID", exact=True).fill("12-3456789")
    page.get_by_label("Tax ID type").select_option("EIN")
    page.get_by_label("Tax ID issuing country").select_option("US")
    page.get_by_role("button", name="Save profile").click()
    page.wait_for_url(f"{live_server.url}/t/acme/profile/")
    assert page.get_by_text("Business profile saved.").is_visible()
    profile = BusinessProfile.objects.get(tenant=tenant_a)
    assert (profile.website, profile.support_phone, profile.dba_name) == (
        "https://acme.example",
        "+12065550100",
        "Acme",
    )


def test_staff_onboard_a_tenant_whose_owner_joins_by_the_e_mailed_link(browser, live_server, sam):
    staff = browser.new_context().new_page()
    sign_in(staff, live_server.url, "sam@provider.example")
    staff.wait_for_url(f"{live_server.url}/staff/")
    staff.get_by_role("link", name="New tenant").click()
    staff.get_by_label("Tenant name").fill("Cedar Clinic")
    staff.get_by_label("First owner's e-mail").fill("olga@cedar.example")
    staff.get_by_role("button", name="Create and invite").click()
    staff.wait_for_url(f"{live_server.url}/staff/tenants/cedar-clinic/")
    assert staff.get_by_text(
        "Cedar Clinic created; an invitation went to olga@cedar.example."
    ).is_visible()

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/invitations/\S+/", mail.outbox[0].body).group(0)
    path = link.split("/invitations/", 1)[1]
    owner = browser.new_context().new_page()
    owner.goto(f"{live_server.url}/invitations/{path}")
    owner.get_by_label("Your name").fill("Olga Owner")
    owner.locator("#id_password1").fill(PASSWORD)
    owner.get_by_label("Password again").fill(PASSWORD)
    owner.get_by_role("button", name="Create account and join").click()
    owner.wait_for_url(f"{live_server.url}/t/cedar-clinic/")
    assert owner.get_by_text("Welcome to Cedar Clinic.").is_visible()
    assert Membership.objects.get(tenant__slug="cedar-clinic").role == "owner"

    # The owner sees the audit log; the staff page shows the same history.
    owner.get_by_role("link", name="Audit log", exact=True).click()
    # In words for the tenant; staff also see the action's code.
    assert owner.get_by_text("Invitation accepted").first.is_visible()
    assert owner.get_by_text("invitation.accept").count() == 0
    staff.reload()
    assert staff.get_by_text("invitation.accept").is_visible()


def test_keyboard_only_sign_in_and_phone_width(browser, live_server, alice):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    # The e-mail field has the focus when the page opens.
    assert page.evaluate("document.activeElement.id") == "id_username"
    page.keyboard.type("alice@acme.example")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/t/acme/")
    # Nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
