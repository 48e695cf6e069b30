"""Tenant pages of the compliance kit: the happy path, another tenant (404), a missing role
(403), anonymous (login), and that a refused request leaves nothing behind."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from compliance.models import HostedPageVersion, OptInEvidence, SmsProgram
from tenants.models import AuditEntry
from tests.compliance.conftest import PROGRAM
from tests.compliance.htmlparse import read
from tests.conftest import client_for

PROGRAM_POST = {
    "program_name": "Acme Order Alerts",
    "description": "order confirmations and delivery updates",
    "message_frequency": "Up to 4 messages per order",
    "sending_number": "",
    "alternative_channel": "Or follow your order by e-mail.",
    "use_cases_text": "order updates\ndelivery notices\n",
    "embed_origins_text": "https://shop.partner.example",
}


@pytest.mark.django_db
def test_admin_describes_the_program(tenant_a, profile_a, alice):
    response = client_for(alice).post("/t/acme/compliance/program/", PROGRAM_POST)
    assert response.status_code == 302
    assert response["Location"] == "/t/acme/compliance/"
    program = SmsProgram.objects.get(tenant=tenant_a)
    assert program.use_cases == [
        {"key": "order_updates", "label": "order updates"},
        {"key": "delivery_notices", "label": "delivery notices"},
    ]
    assert program.embed_origins == ["https://shop.partner.example"]
    entry = AuditEntry.objects.get(action="sms_program.save")
    assert (entry.tenant, entry.actor) == (tenant_a, alice)


@pytest.mark.django_db
def test_a_bad_embed_origin_is_shown_at_the_form(tenant_a, profile_a, alice):
    data = {**PROGRAM_POST, "embed_origins_text": "http://insecure.example"}
    response = client_for(alice).post("/t/acme/compliance/program/", data)
    assert response.status_code == 200
    assert "“http://insecure.example” is not an https origin like https://example.com." in (
        read(response.content).text
    )
    assert SmsProgram.objects.count() == 0


@pytest.mark.django_db
def test_refused_program_edits_leave_nothing(tenant_a, profile_a, bob, carol):
    assert client_for(bob).post("/t/acme/compliance/program/", PROGRAM_POST).status_code == 403
    assert client_for(carol).post("/t/acme/compliance/program/", PROGRAM_POST).status_code == 404
    anonymous = client_for(None).post("/t/acme/compliance/program/", PROGRAM_POST)
    assert anonymous["Location"].startswith("/accounts/login/")
    assert SmsProgram.objects.count() == 0
    assert AuditEntry.objects.count() == 0


@pytest.mark.django_db
def test_admin_publishes_a_page_from_the_editor(program_a, alice):
    client = client_for(alice)
    editor = client.get("/t/acme/compliance/pages/terms/")
    assert editor.status_code == 200
    assert "All present" in read(editor.content).text
    body = editor.context["form"]["body_html"].value()
    response = client.post("/t/acme/compliance/pages/terms/", {"body_html": body})
    assert response.status_code == 302
    version = HostedPageVersion.objects.get()
    assert (version.kind, version.number, version.created_by) == ("terms", 1, alice)


@pytest.mark.django_db
def test_the_editor_refuses_a_page_without_its_clauses(program_a, alice):
    response = client_for(alice).post(
        "/t/acme/compliance/pages/privacy/", {"body_html": "<p>We care about privacy.</p>"}
    )
    assert response.status_code == 200
    text = read(response.content).text
    assert "The page must keep the statement" in text
    assert HostedPageVersion.objects.count() == 0


@pytest.mark.django_db
def test_refused_publishing_leaves_nothing(program_a, bob, carol):
    for user, status in ((bob, 403), (carol, 404)):
        response = client_for(user).post("/t/acme/compliance/pages/terms/", {"body_html": "x"})
        assert response.status_code == status
    assert HostedPageVersion.objects.count() == 0
    assert AuditEntry.objects.filter(action="hosted_page.publish").count() == 0


@pytest.mark.django_db
def test_overview_for_members_and_the_widget_snippet(published_a, bob):
    response = client_for(bob).get("/t/acme/compliance/")
    assert response.status_code == 200
    page = read(response.content)
    assert "https://portal.example/p/acme/terms/" in page.links
    assert '<script src="https://portal.example/p/acme/widget.js" async></script>' in page.text
    assert "Render the opt-in page" not in page.text  # members look, admins act


@pytest.mark.django_db
def test_evidence_render_queues_one_task(published_a, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_for(alice).post("/t/acme/compliance/evidence/render/")
    assert response.status_code == 302
    item = OptInEvidence.objects.get()
    assert (item.status, item.page_version, item.created_by) == (
        "pending",
        published_a["opt_in"],
        alice,
    )
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_refused_evidence_render_leaves_nothing(
    published_a, bob, carol, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert client_for(bob).post("/t/acme/compliance/evidence/render/").status_code == 403
        assert client_for(carol).post("/t/acme/compliance/evidence/render/").status_code == 404
    assert OptInEvidence.objects.count() == 0
    assert callbacks == []


@pytest.mark.django_db
def test_evidence_is_served_only_to_its_tenant(published_a, tenant_a, bob, carol):
    name = default_storage.save("tenants/acme/compliance/x.png", ContentFile(b"\x89PNG..."))
    item = OptInEvidence.objects.create(
        tenant=tenant_a,
        page_version=published_a["opt_in"],
        status=OptInEvidence.Status.DONE,
        file_name=name,
    )
    url = f"/t/acme/compliance/evidence/{item.pk}/"
    response = client_for(bob).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\x89PNG..."
    assert client_for(carol).get(url).status_code == 404
    assert client_for(carol).get(f"/t/bravo/compliance/evidence/{item.pk}/").status_code == 404


@pytest.mark.django_db
def test_consent_list_finds_a_number(published_a, alice):
    from tests.compliance.test_consent import _submit

    _submit(client_for(None))
    client = client_for(alice)
    found = read(client.get("/t/acme/compliance/consents/?phone=206-555-0123").content).text
    assert "+12065550123" in found
    none = read(client.get("/t/acme/compliance/consents/?phone=+12065559999").content).text
    assert "No consent recorded for this number." in none


def test_program_fixture_matches_the_form():
    assert PROGRAM["program_name"] == PROGRAM_POST["program_name"]
