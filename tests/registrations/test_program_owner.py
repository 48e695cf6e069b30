"""Whose program is it: the tenant's own brand, or the provider's (ISV) program. A provider-
branded registration carries the provider's own business details and is allowed on the start
page only when the provider collects the opt-in, writes every message and sends as itself."""

from __future__ import annotations

import pytest

from registrations import overlay
from registrations.models import Registration
from registrations.selectors import version_values
from registrations.services.guided import registrations_start
from tenants.models import AuditEntry, ProviderProfile
from tests.conftest import client_for
from tests.registrations.test_engine import _profile

pytestmark = pytest.mark.django_db

COMPANY = "companyInfo.companyName"
CONFIRMED = {"confirm_optin": "on", "confirm_content": "on", "confirm_sender": "on"}


def _provider_profile():
    ProviderProfile.objects.create(
        legal_name="Textly Inc",
        website="https://textly.example.net",
        city="Austin",
    )


def test_tenant_program_is_the_default_and_carries_the_tenant_profile(catalog, tenant_a, alice):
    _profile(tenant_a)
    _provider_profile()
    [registration] = registrations_start(tenant=tenant_a, actor=alice, goal="toll_free")
    assert registration.program_owner == Registration.ProgramOwner.TENANT
    values = version_values(registration.current_version)
    assert values[COMPANY] == "Example Corp"
    entry = AuditEntry.objects.get(action="registration.create", object_id=str(registration.pk))
    assert entry.after["program_owner"] == "TENANT"


def test_provider_program_carries_the_provider_profile_on_every_draft(catalog, tenant_a, alice):
    _profile(tenant_a)
    _provider_profile()
    created = registrations_start(
        tenant=tenant_a,
        actor=alice,
        goal="ten_dlc",
        program_owner=Registration.ProgramOwner.PROVIDER,
    )
    assert [r.registration_type for r in created] == [overlay.BRAND, overlay.CAMPAIGN]
    assert {r.program_owner for r in created} == {"PROVIDER"}
    brand_values = version_values(created[0].current_version)
    assert brand_values[COMPANY] == "Textly Inc"
    assert "Example Corp" not in str(brand_values)
    entry = AuditEntry.objects.get(action="registration.create", object_id=str(created[0].pk))
    assert entry.after["program_owner"] == "PROVIDER"


def test_an_unknown_program_owner_is_refused(catalog, tenant_a, alice):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        registrations_start(tenant=tenant_a, actor=alice, goal="toll_free", program_owner="ISV")
    assert refused.value.message_dict == {"program_owner": ["Choose whose program it is."]}
    assert Registration.objects.count() == 0


@pytest.mark.parametrize("missing", ["confirm_optin", "confirm_content", "confirm_sender"])
def test_start_page_refuses_the_provider_program_without_all_three_confirmations(
    catalog, tenant_a, alice, missing
):
    client = client_for(alice)
    data = {"goal": "toll_free", "program": "provider", **CONFIRMED}
    del data[missing]
    response = client.post(f"/t/{tenant_a.slug}/registrations/start/", data)
    assert response.status_code == 200
    assert response.context["form"].errors["program"] == [
        "The provider's program can be registered only when the provider collects the opt-in, "
        "writes every message and the messages clearly come from the provider. Confirm all "
        "three, or register your own brand."
    ]
    assert b'id="program_error"' in response.content
    assert Registration.objects.count() == 0


def test_start_page_stores_the_confirmed_provider_program_and_shows_it(catalog, tenant_a, alice):
    _provider_profile()
    client = client_for(alice)
    base = f"/t/{tenant_a.slug}/registrations/"
    response = client.post(
        base + "start/", {"goal": "toll_free", "program": "provider", "name": "ISV", **CONFIRMED}
    )
    registration = Registration.objects.get(tenant=tenant_a)
    assert response.status_code == 302
    assert registration.program_owner == Registration.ProgramOwner.PROVIDER
    assert version_values(registration.current_version)[COMPANY] == "Textly Inc"
    detail = client.get(f"{base}{registration.pk}/")
    assert (
        '<p class="small muted" id="program-owner">Whose program: The provider&#x27;s program '
        "(carries the provider's business details)</p>"
    ) in detail.content.decode()
    listing = client.get(base).content.decode()
    assert '<span class="program-owner">The provider&#x27;s program</span>' in listing


def test_own_program_needs_no_confirmation(catalog, tenant_a, alice):
    client = client_for(alice)
    client.post(f"/t/{tenant_a.slug}/registrations/start/", {"goal": "toll_free", "program": "own"})
    assert Registration.objects.get(tenant=tenant_a).program_owner == "TENANT"
