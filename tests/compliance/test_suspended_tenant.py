"""A suspended or closed tenant is stopped everywhere: its members get a page that says why
(staff keep their console), it cannot issue API keys, its public sign-up takes nobody and no
confirmation SMS goes out. Its terms, privacy and opt-out pages stay up (see the README)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from compliance import services
from compliance.models import ConsentRecord
from tenants import services as tenant_services
from tenants.api_keys import api_key_create
from tenants.models import ApiKey, ProviderProfile
from tests.compliance import fake_sender
from tests.compliance.conftest import optin_post_data
from tests.compliance.htmlparse import read
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def sender(settings):
    settings.COMPLIANCE_CONFIRMATION_SENDER = "tests.compliance.fake_sender.active_sender"
    fake_sender.SENT.clear()
    return fake_sender.SENT


def _suspend(tenant, sam, status="suspended"):
    tenant_services.tenant_status_set(actor=sam, tenant=tenant, status=status)


def test_owner_of_a_suspended_tenant_gets_a_clear_page_and_cannot_create_a_key(tenant_a, owen, sam):
    ProviderProfile.objects.create(dba_name="Provider Co", support_email="help@provider.example")
    _suspend(tenant_a, sam)
    client = client_for(owen)
    page = client.get(f"/t/{tenant_a.slug}/")
    assert page.status_code == 403
    text = read(page.content).text
    assert "Acme Anvils is suspended" in text
    assert "help@provider.example" in text
    response = client.post(f"/t/{tenant_a.slug}/api-keys/", {"name": "x", "scopes": ["send"]})
    assert response.status_code == 403
    assert ApiKey.objects.count() == 0
    # The service refuses too, whoever calls it.
    with pytest.raises(ValidationError, match="suspended or closed"):
        api_key_create(tenant=tenant_a, actor=owen, name="x", scopes=["send"])
    assert ApiKey.objects.count() == 0
    # Provider staff still see the tenant in their console.
    assert client_for(sam).get(f"/staff/tenants/{tenant_a.slug}/").status_code == 200


def test_members_of_a_closed_tenant_are_told_it_is_closed(tenant_a, alice, sam):
    _suspend(tenant_a, sam, "closed")
    page = client_for(alice).get(f"/t/{tenant_a.slug}/registrations/")
    assert page.status_code == 403
    assert "Acme Anvils is closed" in read(page.content).text


def test_suspended_tenant_public_opt_in_sends_no_sms(
    published_a, tenant_a, sam, sender, django_capture_on_commit_callbacks
):
    client = client_for(None)
    url = "/p/acme/opt-in/"
    data = optin_post_data(client, url)  # the form was shown while the tenant was active
    _suspend(tenant_a, sam)
    for target in (url, "/p/acme/widget/"):
        page = client.get(target)
        assert page.status_code == 404
        assert "Sign-up not available" in read(page.content).text
        with django_capture_on_commit_callbacks(execute=True):
            refused = client.post(target, data, REMOTE_ADDR="203.0.113.9")
        assert refused.status_code == 404
    assert ConsentRecord.objects.count() == 0
    assert sender == []
    # The service itself refuses as well.
    with pytest.raises(services.TenantUnavailable):
        services.consent_capture(
            tenant=tenant_a,
            version=published_a["opt_in"],
            submission=services.Submission(phone="+12065550123", use_cases=["order_updates"],
                                           token=data["token"]),
        )  # fmt: skip
    # Terms, privacy and the opt-out page stay reachable for people already signed up.
    assert client.get("/p/acme/terms/").status_code == 200
    assert client.get("/p/acme/privacy/").status_code == 200
    assert client.get("/p/acme/opt-out/").status_code == 200


def test_a_confirmation_queued_before_the_suspension_is_not_sent(
    published_a, tenant_a, sam, sender, django_capture_on_commit_callbacks
):
    client = client_for(None)
    data = optin_post_data(client, "/p/acme/opt-in/")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert client.post("/p/acme/opt-in/", data).status_code == 200
    _suspend(tenant_a, sam)
    for callback in callbacks:
        callback()
    record = ConsentRecord.objects.get()
    assert sender == []
    assert record.confirmation == ConsentRecord.Confirmation.NO_SENDER
    assert record.confirmation_note == "No confirmation sent: the account is suspended."
