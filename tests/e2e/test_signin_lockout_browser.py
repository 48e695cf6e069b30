"""A person who mistypes the password too often sees why sign-in is paused, until when, and
how to reset the password; the right password is refused meanwhile."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.cache import cache

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _try(page, base: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail address").fill("alice@acme.example")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_lockout_page_names_the_wait_and_offers_a_reset(page, live_server, alice, settings):
    settings.LOGIN_FAILURE_LIMIT = settings.AXES_FAILURE_LIMIT = 3
    settings.LOGIN_LOCKOUT_LIMITS = [3, 50]
    cache.clear()  # the hourly reset counters live in the cache
    base = live_server.url
    for _ in range(2):
        _try(page, base, "not-my-password")
        assert page.get_by_role("alert").is_visible()  # the form's usual error
    _try(page, base, "not-my-password")
    assert page.get_by_role("heading", name="Sign-in paused").is_visible()
    assert page.get_by_text("try again in 15 minutes").is_visible()
    _try(page, base, PASSWORD)
    assert page.get_by_role("heading", name="Sign-in paused").is_visible()
    assert page.url == f"{base}/accounts/login/"
    page.get_by_role("link", name="Reset it by e-mail").click()
    page.get_by_label("Email").fill("alice@acme.example")
    page.get_by_role("button", name="Send the link").click()
    page.wait_for_url(f"{base}/accounts/password/reset/sent/")
    assert [m.to for m in mail.outbox] == [["alice@acme.example"]]
