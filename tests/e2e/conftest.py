"""Real-browser tests: Playwright drives Debian's Chromium (never a downloaded browser)
against the portal served by pytest-django's live server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# The sandbox process, its per-test control and the synced catalog, shared with the engine's
# tests: browser tests of registrations use the same fixtures.
from compliance.evidence import CHROMIUM_ARGS, chromium_path
from tests.registrations.conftest import catalog, sandbox, sandbox_process  # noqa: F401
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


@pytest.fixture
def celery_worker(request, live_server, settings, tmp_path):
    """A real `celery -A portal worker` process on the live server's test database, with eager
    mode off: tasks the portal or the test enqueue travel through a broker of their own (a
    file-system folder in tmp_path, or a Redis database of its own when REDIS_URL is set) and
    run in that process. Yields the worker's log file."""
    from django.db import connection

    from portal.celery import app

    sandbox_url = request.getfixturevalue("sandbox_process")
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        database_url = f"sqlite:///{db['NAME']}"
    else:
        database_url = (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}"
            f"/{db['NAME']}"
        )
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "EUM_ENDPOINT_URL": sandbox_url,
        "EUM_CONTROL_PLANE_RPS": "1000",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PORTAL_VAR_DIR": str(tmp_path),
    }
    redis_url = os.environ.get("REDIS_URL")
    if redis_url:
        broker_url = redis_url.rsplit("/", 1)[0] + "/14"
        environment["REDIS_URL"] = broker_url
        transport_options: dict = {}
    else:
        broker_url = "filesystem://"
        folders = {
            "data_folder_in": tmp_path / "celery" / "queue",
            "data_folder_out": tmp_path / "celery" / "queue",
            "processed_folder": tmp_path / "celery" / "processed",
            "control_folder": tmp_path / "celery" / "control",
        }
        for folder in folders.values():
            folder.mkdir(parents=True, exist_ok=True)
        transport_options = {key: str(folder) for key, folder in folders.items()}
    environment.pop("CELERY_BROKER_URL", None)
    environment.pop("CELERY_TASK_ALWAYS_EAGER", None)

    # The test process (and the live server thread in it) sends to the worker's broker.
    previous = (app.conf.broker_url, app.conf.broker_transport_options)
    app.conf.broker_url, app.conf.broker_transport_options = broker_url, transport_options
    app.conf.task_always_eager = False
    app._pool, app.amqp._producer_pool = None, None

    log_path = tmp_path / "worker.log"
    log = log_path.open("w")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool=solo",
            "--queues=default,aws,mail,webhooks",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield log_path
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)
        log.close()
        app.conf.broker_url, app.conf.broker_transport_options = previous
        app._pool, app.amqp._producer_pool = None, None
        if redis_url:
            import redis

            redis.Redis.from_url(broker_url).flushdb()


def wait_for(predicate, *, timeout: float, log_path, what: str):
    """Polls `predicate` until it is true; fails after `timeout` seconds with the worker's log."""
    wait_until(
        predicate,
        timeout=timeout,
        interval=0.2,
        message=lambda: f"{what}. Worker log:\n{log_path.read_text()}",
    )
