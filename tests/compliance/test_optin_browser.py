"""A person signs up on the hosted opt-in page in a real browser, at phone width, using the
keyboard; then opts out. Debian's Chromium through Playwright, against the live server."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from compliance import evidence
from compliance.models import ConsentRecord
from tests.compliance.conftest import publish_default
from tests.e2e.conftest import chromium_or_skip

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = pytest.mark.e2e


def _sign_up_and_opt_out(base: str, path: str) -> None:
    """The person's side, in a thread of its own: Playwright's sync API needs a thread without
    an event loop, and other browser tests of the session may hold one in the main thread."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path, headless=True, args=evidence.CHROMIUM_ARGS
        )
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{base}/p/acme/opt-in/")
        assert page.locator("input[type=checkbox]:checked").count() == 0
        page.get_by_label("Mobile number").fill("206 555 0142")
        page.keyboard.press("Tab")
        page.keyboard.press("Space")  # the first consent box, reached by keyboard
        page.get_by_role("button", name="Sign up for texts").click()
        page.get_by_text("You're signed up.").wait_for()
        # The terms are one tap away, and so is stopping.
        page.get_by_role("link", name="SMS terms").click()
        page.get_by_text("Carriers are not liable for delayed or undelivered messages.").wait_for()
        page.get_by_role("link", name="Stop text messages").click()
        page.get_by_label("Mobile number").fill("+12065550142")
        page.get_by_role("button", name="Stop messages").click()
        page.get_by_text("will not send more text messages").wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
        browser.close()


@pytest.mark.django_db(transaction=True)
def test_sign_up_and_opt_out_on_a_phone(live_server, settings, program_a, owen):
    path = chromium_or_skip()
    settings.PORTAL_BASE_URL = live_server.url
    tenant = program_a.tenant
    for kind in ("terms", "privacy", "opt_in"):
        publish_default(tenant, owen, kind)
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(_sign_up_and_opt_out, live_server.url, path).result(timeout=120)
    opt_in = ConsentRecord.objects.get(action="opt_in")
    assert (opt_in.phone_e164, opt_in.use_case, opt_in.source) == (
        "+12065550142",
        "order_updates",
        "hosted_page",
    )
    assert "Chrome" in opt_in.user_agent
    assert ConsentRecord.objects.get(action="opt_out").phone_e164 == "+12065550142"
