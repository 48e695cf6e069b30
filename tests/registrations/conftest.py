"""The registration engine is tested against the sandbox over HTTP: one `python -m sandbox
serve` process for the session, reset before each test, reached by unmodified boto3."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from registrations.services.catalog import catalog_sync
from tests.waiting import WaitTimeout, wait_until

ROOT = Path(__file__).resolve().parents[2]


class SandboxControl:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def request(self, method: str, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.base_url + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=15) as response:
            return json.loads(response.read() or b"{}")

    def calls(self, operation: str | None = None) -> list[dict]:
        suffix = f"?operation={operation}&limit=10000" if operation else "?limit=10000"
        answer = self.request("GET", "/_sandbox/calls" + suffix)
        return answer["calls"]

    def decide(self, registration_id: str, version: int, action: str, body: dict | None = None):
        return self.request(
            "POST",
            f"/_sandbox/registrations/{registration_id}/versions/{version}/{action}",
            body or {},
        )


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


@pytest.fixture
def sandbox(sandbox_process, settings) -> SandboxControl:
    settings.EUM_ENDPOINT_URL = sandbox_process
    settings.EUM_CONTROL_PLANE_RPS = 1000.0
    control = SandboxControl(sandbox_process)
    control.request("POST", "/_sandbox/reset")
    control.request("PATCH", "/_sandbox/config", {"review_mode": "manual", "review_delay": 0})
    return control


@pytest.fixture
def catalog(sandbox, db):
    version, _ = catalog_sync()
    return version
