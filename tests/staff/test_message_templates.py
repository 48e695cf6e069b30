"""Staff pages of the provider's message template library: reviewers write, viewers look, and
a tenant may be limited to sending messages that fill in a template."""

from __future__ import annotations

import pytest

from compliance.models import MessageTemplate, TenantTemplatePolicy
from compliance.selectors import sending_restricted_to_templates
from tenants.models import AuditEntry
from tests.conftest import client_for

NEW = {"name": "OTP", "use_case": "TWO_FACTOR_AUTHENTICATION", "is_active": "on"}


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
