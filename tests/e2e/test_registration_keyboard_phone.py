"""Keyboard only, at phone width: start a toll-free registration and save a step without the
mouse; the pages fit the screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from registrations.models import Registration
from registrations.selectors import version_values
from tests.e2e.registration_helpers import Shots, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _tab_to(page, test: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {test}; }})()"):
            return
    raise AssertionError(f"Tab never reached: {test}")


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width


def test_keyboard_only_at_phone_width(browser, live_server, catalog, tenant_a, alice):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    shot = Shots(page, "keyboard_phone")
    base = live_server.url
    sign_in(page, base, alice.email)
    page.goto(f"{base}/t/{tenant_a.slug}/registrations/start/")
    _fits(page)
    _tab_to(page, "el.name === 'goal'")
    page.keyboard.press("Space")
    expect(page.locator('input[name=goal][value="toll_free"]')).to_be_checked()
    shot("start on a phone")
    _tab_to(page, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Start'")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Company info")).to_be_visible()
    _fits(page)
    _tab_to(page, "el.id === 'id_companyInfo__website'")
    page.keyboard.type("https://acme.example")
    _tab_to(page, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Save draft'")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    shot("step on a phone")
    registration = Registration.objects.get(tenant=tenant_a)
    assert version_values(registration.current_version)["companyInfo.website"] == (
        "https://acme.example"
    )
    context.close()
