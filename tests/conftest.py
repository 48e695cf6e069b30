"""Shared by the whole suite. Personas (CONVENTIONS.md): tenants A and B; alice (admin of A),
bob (member of A), carol (admin of B), owen (owner of A); provider staff sam (reviewer) and
vic (viewer, can look but not act). Processes, one each for the session: the AWS sandbox
(`sandbox_process`) and a real Celery worker (`celery_worker`, see tests/workers.py)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings
from django.test import Client

from messaging.api.auth import rate_leases_forget
from portal.celery import app
from tenants.models import BusinessProfile, Membership, Role, Tenant, User
from tests.waiting import WaitTimeout, wait_until
from tests.workers import (
    LogSince,
    SharedWorker,
    broker_of,
    sending_to,
    start_celery_worker,
    stop_celery_worker,
    worker_environment,
)

ROOT = Path(__file__).resolve().parents[1]

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True, scope="session")
def _fresh_rate_counts():
    """API rate counts live in Redis per tenant and key id for a minute; a run that starts within
    a minute of another reuses the same ids (a new test database), so it starts without them."""
    if django_settings.REDIS_URL:
        client = redis.Redis.from_url(django_settings.REDIS_URL)
        for key in client.scan_iter("portal:api-rate:*", count=1000):
            client.delete(key)


@pytest.fixture(autouse=True)
def _fast_and_eager(settings):
    """Tasks run in-process during tests unless a test starts a real worker; hashing is cheap."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    rate_leases_forget()  # shares of API rate counts this process took in an earlier test
    yield
    app.conf.task_always_eager = previous


def make_user(email: str, **extra) -> User:
    return User.objects.create_user(email=email, password=PASSWORD, **extra)


def make_tenant(name: str, slug: str) -> Tenant:
    tenant = Tenant.objects.create(name=name, slug=slug)
    BusinessProfile.objects.create(tenant=tenant, legal_name=name)
    return tenant


@pytest.fixture
def tenant_a(db) -> Tenant:
    return make_tenant("Acme Anvils", "acme")


@pytest.fixture
def tenant_b(db) -> Tenant:
    return make_tenant("Bravo Bakery", "bravo")


@pytest.fixture
def alice(tenant_a) -> User:
    user = make_user("alice@acme.example", full_name="Alice Admin")
    Membership.objects.create(tenant=tenant_a, user=user, role=Role.ADMIN)
    return user


@pytest.fixture
def bob(tenant_a) -> User:
    user = make_user("bob@acme.example", full_name="Bob Member")
    Membership.objects.create(tenant=tenant_a, user=user, role=Role.MEMBER)
    return user


@pytest.fixture
def owen(tenant_a) -> User:
    user = make_user("owen@acme.example", full_name="Owen Owner")
    Membership.objects.create(tenant=tenant_a, user=user, role=Role.OWNER)
    return user


@pytest.fixture
def carol(tenant_b) -> User:
    user = make_user("carol@bravo.example", full_name="Carol Admin")
    Membership.objects.create(tenant=tenant_b, user=user, role=Role.ADMIN)
    return user


@pytest.fixture
def sam(db) -> User:
    return make_user(
        "sam@provider.example",
        full_name="Sam Staff",
        is_staff=True,
        staff_role=User.StaffRole.REVIEWER,
    )


@pytest.fixture
def vic(db) -> User:
    return make_user(
        "vic@provider.example",
        full_name="Vic Viewer",
        is_staff=True,
        staff_role=User.StaffRole.VIEWER,
    )


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# --- Processes shared by the session ---------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def sandbox_process():
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sandbox",
            "serve",
            "--port",
            str(port),
            "--review-delay",
            "0",
            "--review-mode",
            "manual",
            "--attachment-delay",
            "0",
            # 10DLC numbers turn ACTIVE when their campaign completes, unless a test asks for
            # the association wait (tests/registrations/test_ten_dlc_order.py).
            "--ten-dlc-association-delay",
            "0",
            "--quotas",
            "false",
        ],
        cwd=ROOT,
        env={**os.environ},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"

    def answered() -> bool:
        if process.poll() is not None:
            raise RuntimeError(process.stderr.read().decode())
        try:
            urllib.request.urlopen(base + "/_sandbox/health", timeout=1).close()
        except OSError:
            return False
        return True

    try:
        wait_until(answered, timeout=20, interval=0.1, message="the sandbox to answer")
    except WaitTimeout:
        process.kill()
        raise RuntimeError(process.stderr.read().decode()) from None
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def celery_worker_process(
    sandbox_process, django_db_setup, tmp_path_factory
) -> Iterator[SharedWorker]:
    """One real `celery -A portal worker` for the session, on the test database and the
    sandbox, consuming every queue through a broker of its own (a file-system folder, or Redis
    database 14 when REDIS_URL is set). Use `celery_worker` in tests."""
    var_dir = tmp_path_factory.mktemp("celery-worker")
    environment = worker_environment(
        sandbox_url=sandbox_process,
        var_dir=var_dir,
        redis_db=14,
        extra={"MEDIA_ROOT": str(django_settings.MEDIA_ROOT)},
    )
    broker_url, transport_options = broker_of(environment, var_dir)
    log_path = var_dir / "worker.log"
    with log_path.open("w") as log:
        worker = start_celery_worker(
            environment=environment,
            queues=",".join(q.name for q in app.conf.task_queues),
            log=log,
            loglevel="INFO",
        )
        try:
            yield SharedWorker(environment, broker_url, transport_options, log_path)
        finally:
            stop_celery_worker(worker)
            if "REDIS_URL" in environment:
                redis.Redis.from_url(broker_url).flushdb()


@pytest.fixture
def celery_worker(celery_worker_process) -> Iterator[LogSince]:
    """Tasks this test (or the live server) enqueues run in the session's worker process, not
    eagerly here. Yields this test's part of the worker's log (`.read_text()`). Messages a
    previous test left in the queues are dropped first."""
    with sending_to(celery_worker_process):
        app.control.purge()
        yield LogSince(celery_worker_process.log_path)
