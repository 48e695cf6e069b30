"""Sign-in lockout (django-axes) and password-reset throttling. The issue's reproduction:
200 wrong passwords in 96 s were all answered normally."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.core.cache import cache
from django.test import Client

from portal import signin
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _one_hour(monkeypatch):
    """Counters start empty, and the test does not straddle two hourly windows."""
    cache.clear()
    monkeypatch.setattr(signin, "_window", lambda: (1, 3600))
    yield
    cache.clear()


LOGIN = "/accounts/login/"
RESET = "/accounts/password/reset/"


def _sign_in(client: Client, email: str, password: str, ip="203.0.113.5", **extra):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip, **extra)


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_twenty_wrong_passwords_lock_the_account_for_that_address(alice):
    client = Client()
    statuses = [_sign_in(client, alice.email, f"wrong-{n}").status_code for n in range(20)]
    # The form answers 200 with its error for the first nine; from the tenth on, 429.
    assert statuses[:9] == [200] * 9
    assert set(statuses[9:]) == {429}
    locked = _sign_in(client, alice.email, PASSWORD)
    assert locked.status_code == 429
    assert not _signed_in(client)
    text = locked.content.decode()
    assert "try again in 15 minutes" in text
    assert 'href="/accounts/password/reset/"' in text
    assert 800 <= int(locked["Retry-After"]) <= 900
    # Another address is not locked by this one's failures (per account+address limit).
    other = Client()
    assert _sign_in(other, alice.email, PASSWORD, ip="198.51.100.20").status_code == 302
    # After the cool-off the right password works again from the locked address.
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )
    assert _sign_in(client, alice.email, PASSWORD).status_code == 302
    assert _signed_in(client)


def test_the_account_is_locked_from_every_address_after_more_failures(alice, settings):
    settings.LOGIN_LOCKOUT_LIMITS = [10, 15]
    for n in range(15):
        response = _sign_in(Client(), alice.email, "wrong", ip=f"198.51.100.{n + 1}")
        assert response.status_code == (429 if n == 14 else 200)
    fresh = Client()
    assert _sign_in(fresh, alice.email, PASSWORD, ip="192.0.2.99").status_code == 429
    assert not _signed_in(fresh)


def test_a_forged_forwarded_for_does_not_spread_the_failures(alice, settings):
    settings.PRODUCTION = True
    settings.TRUSTED_PROXY_COUNT = 0
    client = Client()
    statuses = [
        _sign_in(client, alice.email, "wrong", HTTP_X_FORWARDED_FOR=f"10.0.{n}.1").status_code
        for n in range(12)
    ]
    assert statuses.count(429) == 3
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}


def test_the_e_mail_is_matched_whatever_its_case(alice):
    client = Client()
    for n in range(10):
        _sign_in(client, alice.email.upper() if n % 2 else alice.email, "wrong")
    assert _sign_in(client, alice.email, PASSWORD).status_code == 429


def test_a_successful_sign_in_clears_the_count(alice):
    client = Client()
    for _ in range(9):
        _sign_in(client, alice.email, "wrong")
    assert _sign_in(client, alice.email, PASSWORD).status_code == 302
    client = Client()
    for _ in range(9):
        assert _sign_in(client, alice.email, "wrong").status_code == 200


def _reset(client: Client, email: str, ip: str = "203.0.113.5"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=ip)


def test_reset_e_mails_are_throttled_per_address(alice, bob):
    client = Client()
    responses = [_reset(client, alice.email) for _ in range(6)]
    assert {(r.status_code, r["Location"]) for r in responses} == {
        (302, "/accounts/password/reset/sent/")
    }
    assert len(mail.outbox) == 3  # PASSWORD_RESET_PER_EMAIL
    # Another address from another client still gets its e-mail.
    _reset(Client(), bob.email, ip="198.51.100.3")
    assert len(mail.outbox) == 4
    assert mail.outbox[-1].to == [bob.email]


def test_reset_e_mails_are_throttled_per_client_and_answer_the_same(db):
    users = [make_user(f"person{n}@example.com") for n in range(12)]
    client = Client()
    responses = [_reset(client, u.email) for u in users]
    responses.append(_reset(client, "nobody@example.com"))
    assert {(r.status_code, r["Location"]) for r in responses} == {
        (302, "/accounts/password/reset/sent/")
    }
    assert len(mail.outbox) == 10  # PASSWORD_RESET_PER_CLIENT
