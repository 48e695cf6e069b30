"""Real-browser tests: Playwright drives Debian's Chromium (never a downloaded browser)
against the portal served by pytest-django's live server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from compliance.evidence import CHROMIUM_ARGS, chromium_path

# The sandbox's per-test control and the synced catalog, shared with the engine's tests:
# browser tests of registrations use the same fixtures (the sandbox process and the Celery
# worker, `celery_worker`, are the session's, in tests/conftest.py).
from tests.registrations.conftest import catalog, sandbox  # noqa: F401
from tests.waiting import wait_until

# Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make
# between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]


def chromium_or_skip() -> str:
    """Debian's Chromium for a browser test; in CI its absence is a failure, not a skip."""
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI: .ci/run installs Debian's chromium package.")
        pytest.skip(
            "Browser tests run once Debian's Chromium is installed (apt-get install chromium); "
            ".ci/run installs it, and in CI its absence fails instead"
        )
    return path


@pytest.fixture(scope="session")
def browser():
    path = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    # Playwright gives every launch a fresh, empty profile directory of its own.
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=path, headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def wait_for(predicate, *, timeout: float, log_path, what: str):
    """Polls `predicate` until it is true; fails after `timeout` seconds with the worker's log."""
    wait_until(
        predicate,
        timeout=timeout,
        interval=0.2,
        message=lambda: f"{what}. Worker log:\n{log_path.read_text()}",
    )
