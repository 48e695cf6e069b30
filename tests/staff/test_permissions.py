"""Who may do what in the staff console, on real objects (the URL walk in
tests/test_url_access.py covers every route with made-up ids): tenant people get 404
everywhere, a viewer reads every page and is refused every action (nothing changes, nothing
is recorded), a reviewer acts. Registrations of every tenant are visible to staff."""

from __future__ import annotations

import pytest

from registrations.models import RegistrationVersion
from registrations.states import Status
from tenants.models import AuditEntry
from tests.conftest import client_for
from tests.staff.test_queue import TFN, make

pytestmark = pytest.mark.django_db

PAGES = ["", "{pk}/", "{pk}/aws-calls/", "pipeline/", "dashboard/"]
ACTIONS = ["approve", "return", "preflight", "retry", "cancel"]


@pytest.fixture
def registrations(catalog, tenant_a, tenant_b):
    return [
        make(tenant_a, TFN, "Acme alerts", Status.SUBMISSION_FAILED),
        make(tenant_b, TFN, "Bravo alerts", Status.SUBMISSION_FAILED),
    ]


def test_tenant_people_get_404_on_every_staff_url(registrations, alice, owen, carol, bob):
    for user in (alice, owen, carol, bob):
        client = client_for(user)
        for registration in registrations:
            for page in PAGES:
                path = "/staff/registrations/" + page.format(pk=registration.pk)
                assert client.get(path).status_code == 404, (user.email, path)
            for action in ACTIONS:
                path = f"/staff/registrations/{registration.pk}/{action}/"
                assert client.post(path, {"reason": "x"}).status_code == 404, (user.email, path)


def test_a_viewer_reads_every_tenant_but_cannot_act(registrations, vic):
    client = client_for(vic)
    audit = AuditEntry.objects.count()
    for registration in registrations:
        for page in PAGES:
            path = "/staff/registrations/" + page.format(pk=registration.pk)
            assert client.get(path).status_code == 200, path
        for action in ACTIONS:
            response = client.post(
                f"/staff/registrations/{registration.pk}/{action}/", {"reason": "x"}
            )
            assert response.status_code == 403
            assert response.content.decode().count("Your staff role can look but not act.") == 1
        registration.refresh_from_db()
        assert registration.status == Status.SUBMISSION_FAILED
    assert AuditEntry.objects.count() == audit


def test_a_reviewer_acts_on_any_tenant(registrations, sam):
    client = client_for(sam)
    for registration in registrations:
        assert client.post(f"/staff/registrations/{registration.pk}/retry/").status_code == 302
        registration.refresh_from_db()
        assert registration.status == Status.QUEUED
    assert AuditEntry.objects.filter(action="registration.status", actor=sam).count() == 2
    assert client.get(f"/staff/registrations/{registrations[0].pk}/approve/").status_code == 405


def test_staff_may_preflight_again_and_it_is_recorded(registrations, sam):
    registration = registrations[0]
    RegistrationVersion.objects.filter(registration=registration).update(
        preflight_findings=[{"rule_id": "OLD_RULE", "severity": "warning", "field_paths": []}]
    )
    assert client_for(sam).post(f"/staff/registrations/{registration.pk}/preflight/").status_code
    entry = AuditEntry.objects.get(action="registration.preflight")
    assert (entry.actor, entry.before, entry.after["rules"][:0]) == (
        sam,
        {"rules": ["OLD_RULE"]},
        [],
    )
    assert "OLD_RULE" not in entry.after["rules"]


def test_review_of_a_failed_submission_offers_retry_and_the_hosted_pages(
    registrations, tenant_a, sam, settings
):
    from compliance.models import HostedPageVersion

    settings.PORTAL_BASE_URL = "https://portal.example"
    for number in (1, 2):
        HostedPageVersion.objects.create(
            tenant=tenant_a, kind="terms", number=number, title="SMS terms", body_html="<p>t</p>"
        )
    registration = registrations[0]
    html = client_for(sam).get(f"/staff/registrations/{registration.pk}/").content.decode()
    assert html.count('<input type="hidden" name="next" value="review">') == 1
    assert 'href="https://portal.example/p/acme/terms/v2/"' in html
    assert 'data-hosted="terms-1"' in html and 'data-hosted="opt_in-1"' not in html
    response = client_for(sam).post(
        f"/staff/registrations/{registration.pk}/retry/", {"next": "review"}
    )
    assert response["Location"] == f"/staff/registrations/{registration.pk}/"
    registration.refresh_from_db()
    assert registration.status == Status.QUEUED
