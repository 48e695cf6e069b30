"""A recipient stops promotional messages only on the public opt-out page, in a real browser at
phone width; the number then gets one-time passcodes but no promotions."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from compliance import evidence
from compliance.models import ConsentRecord, SmsProgram
from messaging.models import OptOut
from tests.e2e.conftest import chromium_or_skip

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = pytest.mark.e2e


def _stop_promotions(base: str, path: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path, headless=True, args=evidence.CHROMIUM_ARGS
        )
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{base}/p/acme/opt-out/")
        assert page.get_by_label("All text messages").is_checked()  # the default stops all
        page.get_by_label("Mobile number").fill("+1 206 555 0142")
        page.get_by_label("Promotional messages only").check()
        page.get_by_role("button", name="Stop messages").click()
        page.get_by_text("will not send more promotional text messages").wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        browser.close()


@pytest.mark.django_db(transaction=True)
def test_a_recipient_stops_promotions_only_on_a_phone(live_server, tenant_a, sender_a, api_a):
    path = chromium_or_skip()
    SmsProgram.objects.create(
        tenant=tenant_a, program_name="Acme", description="codes and deals",
        use_cases=[{"key": "codes", "label": "codes"}], kind_opt_outs=True,
    )  # fmt: skip
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(_stop_promotions, live_server.url, path).result(timeout=120)
    row = OptOut.objects.get()
    assert (row.phone, row.message_type, row.source) == (
        "+12065550142",
        "PROMOTIONAL",
        "hosted_page",
    )
    record = ConsentRecord.objects.get()
    assert (record.action, record.message_type) == ("opt_out", "PROMOTIONAL")
    assert "Chrome" in record.user_agent
    body = {"to": "+12065550142", "body": "Your code is 1234"}
    promo = api_a.post("messages", {**body, "type": "PROMOTIONAL"})
    assert promo.json()["error"]["code"] == "opted_out_of_type"
    assert api_a.post("messages", {**body, "type": "TRANSACTIONAL"}).status_code == 202
