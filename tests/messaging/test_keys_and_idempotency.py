"""API key lifecycle, scopes, rate limits and Idempotency-Key."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from messaging.models import IdempotencyRecord, Message
from tenants import api_keys
from tenants.api_keys import (
    api_key_cache_forget,
    api_key_create,
    api_key_revoke,
    api_key_rotate,
)
from tenants.models import ApiKey, AuditEntry
from tests.messaging.conftest import US_OK, Api

pytestmark = pytest.mark.django_db


def test_only_an_hmac_is_stored(key_a):
    stored = ApiKey.objects.get()
    assert key_a.plaintext.startswith(f"smsk_{stored.prefix}_")
    secret = key_a.plaintext.removeprefix(f"smsk_{stored.prefix}_")
    assert len(secret) == 43
    assert secret not in stored.secret_hmac and len(stored.secret_hmac) == 64
    assert AuditEntry.objects.get(action="api_key.create").after == {
        "name": "app", "prefix": stored.prefix, "scopes": ["send", "read", "opt_outs", "webhooks"],
    }  # fmt: skip


def test_last_use_is_recorded(api_a, key_a):
    assert api_a.get("senders").status_code == 200
    assert ApiKey.objects.get().last_used_at is not None


def test_wrong_secret_revoked_and_expired_keys_are_401(api_a, key_a, tenant_a, alice):
    wrong = Api(None)
    wrong.token = key_a.plaintext[:-2] + "xx"
    assert wrong.get("senders").status_code == 401
    api_key_revoke(tenant=tenant_a, actor=alice, key=key_a.key)
    assert api_a.get("senders").status_code == 401
    expiring = api_key_create(
        tenant=tenant_a, actor=alice, name="short", scopes=["read"],
        expires_at=timezone.now() + timedelta(hours=1),
    )  # fmt: skip
    assert Api(expiring).get("senders").status_code == 200
    ApiKey.objects.filter(pk=expiring.key.pk).update(expires_at=timezone.now())
    api_key_cache_forget()  # what AUTH_CACHE_SECONDS later looks like to every process
    assert Api(expiring).get("senders").status_code == 401


def test_wrong_scope_is_403(tenant_a, alice, sender_a):
    reader = Api(api_key_create(tenant=tenant_a, actor=alice, name="ro", scopes=["read"]))
    response = reader.post("messages", {"to": US_OK, "body": "hi"})
    assert response.status_code == 403
    assert response.json()["error"] == {
        "code": "forbidden", "message": "This API key lacks the “send” scope.", "field": None,
    }  # fmt: skip
    assert reader.get("opt-outs").status_code == 403
    assert reader.get("messages").status_code == 200
    assert Message.objects.count() == 0


def test_rotation_keeps_the_old_key_during_the_overlap(tenant_a, alice, key_a, api_a):
    new = api_key_rotate(tenant=tenant_a, actor=alice, key=key_a.key, overlap=timedelta(hours=1))
    assert Api(new).get("senders").status_code == 200
    assert api_a.get("senders").status_code == 200
    ApiKey.objects.filter(pk=key_a.key.pk).update(valid_until=timezone.now())
    api_key_cache_forget()  # what AUTH_CACHE_SECONDS later looks like to every process
    assert api_a.get("senders").status_code == 401
    assert Api(new).get("senders").status_code == 200
    assert ApiKey.objects.get(pk=new.key.pk).rotated_from_id == key_a.key.pk


def test_key_changes_made_elsewhere_apply_within_the_cache_period(
    api_a, key_a, tenant_a, alice, monkeypatch
):
    """Another process revoking the key (here: a direct update, which this process's cache does
    not hear about) is seen once the cached key is older than AUTH_CACHE_SECONDS."""
    clock = [1000.0]
    monkeypatch.setattr(api_keys.time, "monotonic", lambda: clock[0])
    assert api_a.get("senders").status_code == 200
    ApiKey.objects.filter(pk=key_a.key.pk).update(revoked_at=timezone.now())
    clock[0] += api_keys.AUTH_CACHE_SECONDS / 2
    assert api_a.get("senders").status_code == 200  # still the cached key
    clock[0] += api_keys.AUTH_CACHE_SECONDS
    assert api_a.get("senders").status_code == 401
    # A revocation through the service applies at once in this process.
    fresh = api_key_create(tenant=tenant_a, actor=alice, name="next", scopes=["read"])
    assert Api(fresh).get("senders").status_code == 200
    api_key_revoke(tenant=tenant_a, actor=alice, key=fresh.key)
    assert Api(fresh).get("senders").status_code == 401


def test_rate_limit_answers_429_with_retry_after(api_a, settings, one_minute):
    settings.API_RATE_PER_KEY = 2
    assert [api_a.get("senders").status_code for _ in range(3)] == [200, 200, 429]
    response = api_a.get("senders")
    assert response.status_code == 429
    assert int(response["Retry-After"]) == 30  # the rest of the minute held still
    assert response.json()["error"]["code"] == "rate_limited"


def test_tenant_rate_limit_counts_every_key(api_a, tenant_a, alice, settings, one_minute):
    settings.API_RATE_PER_TENANT = 2
    other = Api(api_key_create(tenant=tenant_a, actor=alice, name="two", scopes=["read"]))
    assert api_a.get("senders").status_code == 200
    assert other.get("senders").status_code == 200
    assert other.get("senders").status_code == 429


def test_idempotent_replay_returns_the_first_answer(api_a, sender_a):
    first = api_a.post("messages", {"to": US_OK, "body": "hi"}, HTTP_IDEMPOTENCY_KEY="k1")
    again = api_a.post("messages", {"to": US_OK, "body": "hi"}, HTTP_IDEMPOTENCY_KEY="k1")
    assert (first.status_code, again.status_code) == (202, 202)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Message.objects.count() == 1


def test_conflicting_replay_is_409(api_a, sender_a):
    api_a.post("messages", {"to": US_OK, "body": "hi"}, HTTP_IDEMPOTENCY_KEY="k1")
    other = api_a.post("messages", {"to": US_OK, "body": "bye"}, HTTP_IDEMPOTENCY_KEY="k1")
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert Message.objects.count() == 1


def test_a_single_send_key_is_the_tenants_whichever_api_key_sends(
    api_a, api_b, tenant_a, alice, sender_a, sender_b
):
    """The key is kept on the message row, unique per tenant: another key of the same tenant
    replays the message; another tenant's same key is its own."""
    other = Api(api_key_create(tenant=tenant_a, actor=alice, name="two", scopes=["send"]))
    first = api_a.post("messages", {"to": US_OK, "body": "hi"}, HTTP_IDEMPOTENCY_KEY="k1")
    again = other.post("messages", {"to": US_OK, "body": "hi"}, HTTP_IDEMPOTENCY_KEY="k1")
    assert (again.status_code, again.json()) == (202, first.json())
    assert again["Idempotent-Replayed"] == "true"
    assert Message.objects.filter(tenant=tenant_a).count() == 1
    assert Message.objects.get().idempotency_key == "k1"
    theirs = api_b.post("messages", {"to": US_OK, "body": "hi"}, HTTP_IDEMPOTENCY_KEY="k1")
    assert theirs.status_code == 202 and theirs.json()["id"] != first.json()["id"]
    assert "Idempotent-Replayed" not in theirs


def test_refusals_are_not_stored(api_a):
    response = api_a.post("messages", {"to": US_OK, "body": "hi"}, HTTP_IDEMPOTENCY_KEY="k9")
    assert response.status_code == 422
    assert IdempotencyRecord.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_replay_sends_once(tenant_a, alice, sender_a):
    issued = api_key_create(tenant=tenant_a, actor=alice, name="c", scopes=["send"])
    answers: list[int] = []

    def call() -> None:
        try:
            answers.append(
                Api(issued)
                .post("messages", {"to": US_OK, "body": "hi"}, HTTP_IDEMPOTENCY_KEY="same")
                .status_code
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Message.objects.count() == 1
    assert answers.count(202) + answers.count(409) == 4
    assert answers.count(202) >= 1


def test_replay_after_the_number_opted_out_still_returns_the_first_answer(
    api_a, sender_a, tenant_a
):
    first = api_a.post("messages", {"to": US_OK, "body": "hi"}, HTTP_IDEMPOTENCY_KEY="k2")
    api_a.post("opt-outs", {"phone": US_OK})
    again = api_a.post("messages", {"to": US_OK, "body": "hi"}, HTTP_IDEMPOTENCY_KEY="k2")
    assert (again.status_code, again.json()) == (202, first.json())
    assert Message.objects.count() == 1
