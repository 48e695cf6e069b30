"""API keys managed in the browser by owners and admins; members and other tenants cannot."""

from __future__ import annotations

import re

import pytest

from tenants.models import ApiKey, AuditEntry
from tests.conftest import client_for
from tests.messaging.conftest import Api

pytestmark = pytest.mark.django_db


def test_admin_creates_a_key_shown_once_and_it_works(tenant_a, alice):
    url = f"/t/{tenant_a.slug}/api-keys/"
    response = client_for(alice).post(url, {"name": "checkout", "scopes": ["send", "read"]})
    assert response.status_code == 201
    shown = re.search(r'value="(smsk_[^"]+)"', response.content.decode()).group(1)
    key = ApiKey.objects.get()
    assert (key.name, key.scopes, key.created_by) == ("checkout", ["send", "read"], alice)
    page = client_for(alice).get(url).content.decode()
    assert shown not in page and f"smsk_{key.prefix}" in page
    token = Api(None)
    token.token = shown
    assert token.get("senders").status_code == 200


def test_form_errors_store_nothing(tenant_a, alice):
    response = client_for(alice).post(f"/t/{tenant_a.slug}/api-keys/", {"name": ""})
    assert response.status_code == 400
    assert ApiKey.objects.count() == 0
    assert AuditEntry.objects.filter(action="api_key.create").count() == 0


def test_rotate_and_revoke_from_the_page(tenant_a, owen, key_a):
    base = f"/t/{tenant_a.slug}/api-keys/{key_a.key.pk}"
    rotated = client_for(owen).post(f"{base}/rotate/", {"overlap_hours": "0"})
    assert rotated.status_code == 201
    new_token = re.search(r'value="(smsk_[^"]+)"', rotated.content.decode()).group(1)
    assert Api(key_a).get("senders").status_code == 401  # no overlap asked for
    new = ApiKey.objects.get(rotated_from=key_a.key)
    assert client_for(owen).post(f"/t/{tenant_a.slug}/api-keys/{new.pk}/revoke/").status_code == 302
    fresh = Api(None)
    fresh.token = new_token
    assert fresh.get("senders").status_code == 401
    assert AuditEntry.objects.filter(action="api_key.revoke").count() == 1


def test_members_and_other_tenants_cannot(tenant_a, bob, carol, key_a):
    url = f"/t/{tenant_a.slug}/api-keys/"
    assert client_for(bob).get(url).status_code == 403
    assert client_for(carol).get(url).status_code == 404
    assert client_for(bob).post(f"{url}{key_a.key.pk}/revoke/").status_code == 403
    assert ApiKey.objects.get().revoked_at is None
