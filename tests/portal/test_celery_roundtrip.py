"""A task through the real broker to a real worker process and back.

With REDIS_URL set (CI) the broker and result backend are Redis; without it, the embedded
file-system broker. Either way the worker is a separate `celery worker` process: the session's
shared one (`celery_worker_process` in tests/conftest.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CLIENT = """
import django, json, sys
django.setup()
from portal.tasks import health_ping_task
result = health_ping_task.apply_async(args=[sys.argv[1]], queue=sys.argv[2])
print(json.dumps(result.get(timeout=60)))
"""


def test_task_round_trip_through_the_broker(celery_worker_process):
    """A separate client process sends to the session's worker (tests/conftest.py) through the
    broker and waits for the answer on the result backend."""
    client = subprocess.run(
        [sys.executable, "-c", CLIENT, "hello-broker", "default"],
        cwd=ROOT,
        env=celery_worker_process.environment,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert client.returncode == 0, client.stderr
    assert '"echo": "hello-broker"' in client.stdout
    assert '"worker": ' in client.stdout
    assert "portal.tasks.health_ping_task" in celery_worker_process.log_path.read_text()


def test_broker_is_redis_when_configured():
    from django.conf import settings

    if os.environ.get("REDIS_URL"):
        assert os.environ["REDIS_URL"] == settings.CELERY_BROKER_URL
        assert os.environ["REDIS_URL"] == settings.CELERY_RESULT_BACKEND
    else:
        assert settings.CELERY_BROKER_URL == "filesystem://"
        assert settings.CELERY_RESULT_BACKEND.startswith("file://")
