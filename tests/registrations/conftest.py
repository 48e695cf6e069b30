"""The registration engine is tested against the sandbox over HTTP: one `python -m sandbox
serve` process for the session (`sandbox_process`, in tests/conftest.py), reset before each
test, reached by unmodified boto3."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest

from registrations.services.catalog import catalog_sync
from tests import conftest as root_fixtures

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


def __getattr__(name: str):
    # `sandbox_process` lives in tests/conftest.py: one sandbox for the whole session, which the
    # shared Celery worker also talks to. Modules that copy it from here by name still get it;
    # as it is not an attribute of this module, pytest registers no second sandbox here.
    if name == "sandbox_process":
        return root_fixtures.sandbox_process
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@pytest.fixture
def sandbox(sandbox_process, settings) -> SandboxControl:
    settings.EUM_ENDPOINT_URL = sandbox_process
    settings.AWS_SUPPORT_ENDPOINT_URL = sandbox_process
    settings.EUM_CONTROL_PLANE_RPS = 1000.0
    control = SandboxControl(sandbox_process)
    control.request("POST", "/_sandbox/reset")
    control.request(
        "PATCH",
        "/_sandbox/config",
        {"review_mode": "manual", "review_delay": 0, "support_plan": "BUSINESS"},
    )
    return control


@pytest.fixture
def catalog(sandbox, db):
    version, _ = catalog_sync()
    return version
