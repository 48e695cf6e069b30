"""The provider's message template library, its staff pages, and `template_match`."""

from __future__ import annotations

import pytest

from compliance.models import MessageTemplate, TenantTemplatePolicy
from compliance.selectors import sending_restricted_to_templates, template_match
from tenants.models import AuditEntry
from tests.conftest import client_for

NEW = {"name": "OTP", "use_case": "TWO_FACTOR_AUTHENTICATION", "is_active": "on"}


@pytest.fixture
def otp_template(db):
    return MessageTemplate.objects.create(
        name="Sign-in code", use_case="TWO_FACTOR_AUTHENTICATION",
        body="[Brand]: your sign-in code is [Code]. It expires in 10 minutes.",
    )  # fmt: skip


@pytest.mark.django_db
def test_template_match(otp_template, tenant_a):
    body = "Acme Anvils: your sign-in code is 482913. It expires in 10 minutes."
    assert template_match(tenant_a, body) == otp_template
    assert template_match(tenant_a, "  " + body + "\n") == otp_template
    assert template_match(tenant_a, body.replace("10", "30")) is None
    assert template_match(tenant_a, "Acme: 50% off everything today!") is None
    otp_template.is_active = False
    otp_template.save()
    assert template_match(tenant_a, body) is None


@pytest.mark.django_db
def test_a_placeholder_does_not_swallow_extra_lines(otp_template, tenant_a):
    body = "Acme: your sign-in code is 1\nBuy now at shop.example. It expires in 10 minutes."
    assert template_match(tenant_a, body) is None


@pytest.mark.django_db
def test_staff_reviewer_creates_and_edits_templates(sam):
    client = client_for(sam)
    body = "[Brand]: your code is [Code]."
    assert client.post("/staff/compliance/templates/new/", {**NEW, "body": body}).status_code == 302
    template = MessageTemplate.objects.get()
    assert (template.body, template.created_by) == (body, sam)
    update = {**NEW, "body": "[Brand]: code [Code].", "is_active": ""}
    response = client.post(f"/staff/compliance/templates/{template.pk}/", update)
    assert response.status_code == 302
    template.refresh_from_db()
    assert (template.body, template.is_active) == ("[Brand]: code [Code].", False)
    assert AuditEntry.objects.filter(action="message_template.save").count() == 2
    assert client.get("/staff/compliance/templates/").status_code == 200


@pytest.mark.django_db
def test_template_placeholders_must_use_brackets(sam):
    response = client_for(sam).post(
        "/staff/compliance/templates/new/", {**NEW, "body": "Your code is {code}."}
    )
    assert response.status_code == 400
    assert MessageTemplate.objects.count() == 0


@pytest.mark.django_db
def test_refused_template_writes_leave_nothing(vic, alice):
    assert client_for(vic).get("/staff/compliance/templates/").status_code == 200
    assert (
        client_for(vic).post("/staff/compliance/templates/new/", {**NEW, "body": "x"}).status_code
        == 403
    )
    assert (
        client_for(alice).post("/staff/compliance/templates/new/", {**NEW, "body": "x"}).status_code
        == 404
    )
    anonymous = client_for(None).post("/staff/compliance/templates/new/", {**NEW, "body": "x"})
    assert anonymous["Location"].startswith("/accounts/login/")
    assert MessageTemplate.objects.count() == 0
    assert AuditEntry.objects.count() == 0


@pytest.mark.django_db
def test_staff_limit_a_tenant_to_templates(sam, vic, tenant_a):
    url = "/staff/compliance/tenants/acme/template-policy/"
    assert client_for(vic).post(url, {"templates_only": "on"}).status_code == 403
    assert not sending_restricted_to_templates(tenant=tenant_a)
    assert client_for(sam).post(url, {"templates_only": "on"}).status_code == 302
    assert sending_restricted_to_templates(tenant=tenant_a)
    entry = AuditEntry.objects.get(action="template_policy.set")
    assert (entry.tenant, entry.before, entry.after) == (
        tenant_a,
        {"templates_only": False},
        {"templates_only": True},
    )
    client_for(sam).post(url, {})
    assert TenantTemplatePolicy.objects.get(tenant=tenant_a).templates_only is False
    assert (
        client_for(sam).post("/staff/compliance/tenants/nobody/template-policy/").status_code == 404
    )
