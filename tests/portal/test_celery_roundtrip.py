"""A task through the real broker to a real worker process and back.

With REDIS_URL set (CI) the broker and result backend are Redis; without it, the embedded
file-system broker. Either way the worker is a separate `celery worker` process started here.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CLIENT = """
import django, json, sys
django.setup()
from portal.tasks import health_ping_task
result = health_ping_task.apply_async(args=[sys.argv[1]], queue=sys.argv[2])
print(json.dumps(result.get(timeout=60)))
"""


@pytest.fixture
def isolated_env(tmp_path):
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings"}
    if not os.environ.get("REDIS_URL"):
        environment["PORTAL_VAR_DIR"] = str(tmp_path)  # private broker folders for this test
    environment.pop("CELERY_TASK_ALWAYS_EAGER", None)
    return environment


def test_task_round_trip_through_the_broker(isolated_env):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool=solo",
            f"--queues={queue}",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=isolated_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        client = subprocess.run(
            [sys.executable, "-c", CLIENT, "hello-broker", queue],
            cwd=ROOT,
            env=isolated_env,
            capture_output=True,
            text=True,
            timeout=90,
        )
        assert client.returncode == 0, client.stderr
        assert '"echo": "hello-broker"' in client.stdout
        assert '"worker": ' in client.stdout
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


def test_broker_is_redis_when_configured():
    from django.conf import settings

    if os.environ.get("REDIS_URL"):
        assert os.environ["REDIS_URL"] == settings.CELERY_BROKER_URL
        assert os.environ["REDIS_URL"] == settings.CELERY_RESULT_BACKEND
    else:
        assert settings.CELERY_BROKER_URL == "filesystem://"
        assert settings.CELERY_RESULT_BACKEND.startswith("file://")
