"""Keys and senders for the sending API tests: tenant A (acme) and tenant B (bravo)."""

from __future__ import annotations

import json
import time

import pytest
from django.core.cache import cache
from django.test import Client

from messaging.api import auth
from messaging.checks import tenant_state_forget
from registrations.models import Sender
from tenants.api_keys import api_key_cache_forget, api_key_create

ALL_SCOPES = ["send", "read", "opt_outs", "webhooks"]
US_OK = "+14254147755"  # the AWS simulator's US success number


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    tenant_state_forget()
    api_key_cache_forget()
    yield
    cache.clear()
    tenant_state_forget()
    api_key_cache_forget()


@pytest.fixture
def one_minute(monkeypatch):
    """Holds the API's rate-limit clock in the middle of one minute, so that a test counting
    requests against a per-minute limit never sees its window roll over halfway."""
    still = (time.time() // 60) * 60 + 30
    monkeypatch.setattr(auth, "_now", lambda: still)
    return still


@pytest.fixture
def key_a(tenant_a, alice):
    return api_key_create(tenant=tenant_a, actor=alice, name="app", scopes=ALL_SCOPES)


@pytest.fixture
def key_b(tenant_b, carol):
    return api_key_create(tenant=tenant_b, actor=carol, name="app", scopes=ALL_SCOPES)


@pytest.fixture
def sender_a(tenant_a):
    return Sender.objects.create(
        tenant=tenant_a, kind="PHONE_NUMBER", value="+18335550100", iso_country="US",
        number_type="TOLL_FREE", aws_id="phone-a", status="ACTIVE",
    )  # fmt: skip


@pytest.fixture
def sender_b(tenant_b):
    return Sender.objects.create(
        tenant=tenant_b, kind="PHONE_NUMBER", value="+18335550200", iso_country="US",
        number_type="TOLL_FREE", aws_id="phone-b", status="ACTIVE",
    )  # fmt: skip


class Api:
    def __init__(self, issued) -> None:
        self.client = Client()
        self.token = issued.plaintext if issued is not None else None

    def _headers(self, extra: dict | None) -> dict:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}
        return {**headers, **(extra or {})}

    def get(self, path: str, **extra):
        return self.client.get("/api/v1/" + path, **self._headers(extra))

    def post(self, path: str, body=None, **extra):
        return self.client.post(
            "/api/v1/" + path, data=json.dumps(body or {}), content_type="application/json",
            **self._headers(extra),
        )  # fmt: skip

    def delete(self, path: str, **extra):
        return self.client.delete("/api/v1/" + path, **self._headers(extra))


@pytest.fixture
def api_a(key_a):
    return Api(key_a)


@pytest.fixture
def api_b(key_b):
    return Api(key_b)


def pytest_terminal_summary(terminalreporter):
    """The API fuzz's numbers (cases, time, statuses) when it ran in this session."""
    import sys

    fuzz = sys.modules.get("tests.messaging.test_api_fuzz")
    line = fuzz.summary() if fuzz is not None else None
    if line:
        terminalreporter.write_line(line)


# The sandbox's control, shared with the registration engine's tests (the process itself is the
# session's, in tests/conftest.py).
from tests.registrations.conftest import sandbox  # noqa: E402, F401
