"""The provider's own business profile: reviewer staff edit it at /staff/provider-profile/."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from tenants.models import AuditEntry, ProviderProfile
from tenants.services import provider_profile_update
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

URL = "/staff/provider-profile/"


def test_reviewer_saves_the_provider_profile_and_it_is_audited(sam):
    client = client_for(sam)
    page = client.get(URL)
    assert page.status_code == 200
    assert b"<h1>Provider's business profile</h1>" in page.content
    response = client.post(
        URL, {"legal_name": "Textly Inc", "website": "https://textly.example.net"}
    )
    assert response.status_code == 302
    assert response["Location"] == URL
    profile = ProviderProfile.objects.get()
    assert (profile.legal_name, profile.website) == ("Textly Inc", "https://textly.example.net")
    entry = AuditEntry.objects.get(action="provider_profile.update")
    assert entry.tenant is None
    assert entry.actor == sam
    assert entry.after["legal_name"] == "Textly Inc"
    # A second save edits the same single row.
    client.post(URL, {"legal_name": "Textly LLC"})
    assert list(ProviderProfile.objects.values_list("legal_name", flat=True)) == ["Textly LLC"]


def test_invalid_values_are_shown_and_nothing_is_saved(sam):
    response = client_for(sam).post(URL, {"legal_name": "Textly", "website": "not a url"})
    assert response.status_code == 200
    assert response.context["form"].errors["website"] == ["Enter a valid URL."]
    assert ProviderProfile.objects.count() == 0


def test_viewer_staff_and_tenant_people_cannot_edit(vic, alice):
    assert client_for(vic).get(URL).status_code == 403
    assert client_for(vic).post(URL, {"legal_name": "X"}).status_code == 403
    assert client_for(alice).get(URL).status_code == 404
    with pytest.raises(PermissionDenied):
        provider_profile_update(actor=vic, data={"legal_name": "X"})
    assert ProviderProfile.objects.count() == 0
