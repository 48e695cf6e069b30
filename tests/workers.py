"""Real `celery -A portal worker` processes for tests.

One launching function (`start_celery_worker`) for every test that needs a worker process:
the session's shared worker (`celery_worker` in tests/conftest.py) and the killable workers of
the kill -9 test in tests/registrations/test_resilience.py, which must be able to kill its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.db import connection

from portal.celery import app

ROOT = Path(__file__).resolve().parents[1]


def database_url_of_tests() -> str:
    """The URL of the database the tests run on, for a process of their own."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    )


def worker_environment(
    *, sandbox_url: str, var_dir: Path, redis_db: int, extra: dict[str, str] | None = None
) -> dict[str, str]:
    """The environment of a worker on the test database and the sandbox. Its broker is its
    own: the file-system broker under `var_dir`, or Redis database `redis_db` when REDIS_URL is
    set (CI)."""
    environment = {
        **os.environ,
        "DATABASE_URL": database_url_of_tests(),
        "EUM_ENDPOINT_URL": sandbox_url,
        "EUM_CONTROL_PLANE_RPS": "1000",
        "PORTAL_VAR_DIR": str(var_dir),
        **(extra or {}),
    }
    redis_url = os.environ.get("REDIS_URL")
    if redis_url:
        environment["REDIS_URL"] = redis_url.rsplit("/", 1)[0] + f"/{redis_db}"
    environment.pop("CELERY_BROKER_URL", None)
    environment.pop("CELERY_TASK_ALWAYS_EAGER", None)
    return environment


def start_celery_worker(
    *, environment: dict[str, str], queues: str, log: IO | int, loglevel: str = "WARNING"
) -> subprocess.Popen:
    """Starts `celery -A portal worker` (solo pool, no gossip, mingle or heartbeat: one
    process, quick to start and to stop) with its output going to `log`."""
    command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo"]
    command += [f"--queues={queues}", f"--loglevel={loglevel}"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    return subprocess.Popen(
        command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT
    )


def stop_celery_worker(worker: subprocess.Popen) -> None:
    if worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait(timeout=10)


@dataclass
class SharedWorker:
    """The session's worker: its environment (for client processes that talk to it), the
    broker the test process must use to reach it, and its log."""

    environment: dict[str, str]
    broker_url: str
    transport_options: dict
    log_path: Path


def broker_of(environment: dict[str, str], var_dir: Path) -> tuple[str, dict]:
    if "REDIS_URL" in environment:
        return environment["REDIS_URL"], {}
    folders = {
        "data_folder_in": var_dir / "celery" / "queue",
        "data_folder_out": var_dir / "celery" / "queue",
        "processed_folder": var_dir / "celery" / "processed",
        "control_folder": var_dir / "celery" / "control",
    }
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    return "filesystem://", {key: str(folder) for key, folder in folders.items()}


@contextmanager
def sending_to(worker: SharedWorker) -> Iterator[None]:
    """The test process (and the live server's thread in it) sends tasks to `worker` instead
    of running them eagerly."""
    previous = (app.conf.broker_url, app.conf.broker_transport_options, app.conf.task_always_eager)
    app.conf.broker_url = worker.broker_url
    app.conf.broker_transport_options = worker.transport_options
    app.conf.task_always_eager = False
    app._pool, app.amqp._producer_pool = None, None
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.broker_transport_options, app.conf.task_always_eager = (
            previous
        )
        app._pool, app.amqp._producer_pool = None, None


class LogSince:
    """The part of a log file written after this object was made: one test's view of the
    shared worker's log."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = path.stat().st_size

    def read_text(self) -> str:
        with self.path.open("rb") as log:
            log.seek(self.offset)
            return log.read().decode(errors="replace")
