"""The public pages' per-address limits and consent records use the client's real address:
`X-Forwarded-For` only counts behind the configured number of trusted proxies."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from compliance.models import ConsentRecord
from portal.client_ip import client_ip
from tests.compliance import fake_sender
from tests.compliance.conftest import optin_post_data
from tests.conftest import client_for

URL = "/p/acme/opt-in/"


def _submit(client, *, ip: str, forwarded: str | None, phone: str):
    data = optin_post_data(client, URL, phone=phone)
    extra = {"REMOTE_ADDR": ip}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(URL, data, **extra)


@pytest.mark.django_db
def test_a_forged_forwarded_for_does_not_dodge_the_per_address_limit(
    published_a, settings, django_capture_on_commit_callbacks
):
    """The issue's reproduction: 15 opt-ins from one client, each with a new forged header,
    were all accepted (and 15 confirmation SMS sent). Production settings, no proxy."""
    settings.PRODUCTION = True
    settings.TRUSTED_PROXY_COUNT = 0
    settings.COMPLIANCE_CONFIRMATION_SENDER = "tests.compliance.fake_sender.active_sender"
    fake_sender.SENT.clear()
    client = client_for(None)
    statuses = []
    for n in range(15):
        with django_capture_on_commit_callbacks(execute=True):
            response = _submit(
                client,
                ip="203.0.113.50",
                forwarded=f"198.51.100.{n + 1}",
                phone=f"+120655501{n:02d}",
            )
        statuses.append(response.status_code)
    assert statuses.count(200) == 5  # COMPLIANCE_OPTIN_PER_IP's default
    assert statuses.count(429) == 10
    assert len(fake_sender.SENT) == 5
    assert set(ConsentRecord.objects.values_list("ip_address", flat=True)) == {"203.0.113.50"}


@pytest.mark.django_db
def test_without_a_trusted_proxy_the_record_keeps_the_peer_address(published_a, settings):
    settings.PRODUCTION = True
    response = _submit(
        client_for(None), ip="203.0.113.60", forwarded="10.9.8.7", phone="+12065550111"
    )
    assert response.status_code == 200
    assert ConsentRecord.objects.get().ip_address == "203.0.113.60"


@pytest.mark.django_db
def test_behind_one_trusted_proxy_the_address_it_saw_is_used(published_a, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client = client_for(None)
    # The client put its own entry first; the proxy (10.0.0.2) appended the address it saw.
    response = _submit(
        client, ip="10.0.0.2", forwarded="1.2.3.4, 198.51.100.77", phone="+12065550112"
    )
    assert response.status_code == 200
    assert ConsentRecord.objects.get().ip_address == "198.51.100.77"
    # Every other forged first entry is still the same client for the limit.
    settings.COMPLIANCE_OPTIN_PER_IP = 1
    refused = _submit(
        client, ip="10.0.0.2", forwarded="5.6.7.8, 198.51.100.77", phone="+12065550113"
    )
    assert refused.status_code == 429


@pytest.mark.parametrize(
    ("count", "remote", "forwarded", "expected"),
    [
        (0, "203.0.113.1", "9.9.9.9", "203.0.113.1"),
        (1, "10.0.0.2", "9.9.9.9, 198.51.100.1", "198.51.100.1"),
        (2, "10.0.0.3", "9.9.9.9, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
        (2, "10.0.0.3", "198.51.100.1", "10.0.0.3"),  # fewer entries than proxies
        (1, "10.0.0.2", "not-an-address", "10.0.0.2"),  # malformed entry
        (1, "10.0.0.2", "", "10.0.0.2"),  # header missing
        (1, "10.0.0.2", "9.9.9.9, 2001:db8::1", "2001:db8::1"),
        (0, "garbage", "", None),
    ],
)
def test_client_ip_rules(settings, count, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
