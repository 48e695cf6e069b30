"""The sending API fuzzed against its own schema (/api/v1/schema) with schemathesis, in process
through the WSGI application and the test database: no server error, and every answer's status,
content type and body as the schema documents them.

The run is deterministic (Hypothesis derandomized: the same cases on every run) and bounded
(FUZZ_MAX_EXAMPLES per operation and generation phase, 100 unless set). It runs in `make test`;
skip it locally only on purpose, with `-m "not fuzz"`.

The caller is tenant A's API key with every scope and an active sender, so that sends get past
the checks; the rate limits are lifted so that 429 does not hide the rest. Webhooks: the outbound
policy (portal/outbound_http.py) lets http:// through only to 127.0.0.1, where a receiver of this
test listens and where the seeded webhook points. Of the fuzzer's random URLs, those the policy
refuses (http://, private or local addresses) get 400; https:// ones whose host does not resolve
here are stored, to be checked again at delivery. Nothing is delivered during the run:
deliveries follow AWS's delivery events, which no /api/v1 call produces.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from registrations.models import Sender
from tenants.api_keys import SCOPES, api_key_create
from tests.messaging.conftest import Api

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "100"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

# Loaded once at collection from the application itself (no server, no database).
schema = schemathesis.openapi.from_wsgi("/api/v1/schema", get_wsgi_application())

# What the run sent and got, for the summary at the end of the session (conftest.py).
STATS = {"cases": Counter(), "statuses": Counter(), "seconds": 0.0}


def summary() -> str | None:
    if not STATS["cases"]:
        return None
    statuses = ", ".join(f"{code}: {n}" for code, n in sorted(STATS["statuses"].items()))
    return (
        f"API fuzz: {sum(STATS['cases'].values())} cases over {len(STATS['cases'])} operations "
        f"in {STATS['seconds']:.0f} s (FUZZ_MAX_EXAMPLES={MAX_EXAMPLES}); statuses {statuses}"
    )


class _Receiver(BaseHTTPRequestHandler):
    received: list[tuple[str, bytes]] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.received.append((self.path, body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def webhook_receiver():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hooks/sms"
    server.shutdown()
    server.server_close()


@pytest.fixture
def fuzz_key(tenant_a, alice, settings, webhook_receiver):
    settings.API_RATE_PER_KEY = settings.API_RATE_PER_TENANT = 10**9
    settings.OUTBOUND_ALLOW_HTTP = True
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    Sender.objects.create(
        tenant=tenant_a, kind="PHONE_NUMBER", value="+18335550100", iso_country="US",
        number_type="TOLL_FREE", aws_id="phone-a", status="ACTIVE",
    )  # fmt: skip
    issued = api_key_create(tenant=tenant_a, actor=alice, name="fuzz", scopes=SCOPES)
    hook = Api(issued).post("webhooks", {"url": webhook_receiver})
    assert hook.status_code == 201, hook.content
    return issued.plaintext


@pytest.fixture
def api_token(fuzz_key):
    """A request through the WSGI handler closes the database connection when it ends; the
    test database lives in this test's connection (and transaction), so keep it open, as
    Django's test client does (after the seeding, whose test client reconnects them)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield fuzz_key
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@hypothesis_settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_answers_as_its_schema_says(case, api_token):
    started = time.monotonic()
    headers = {"Authorization": f"Bearer {api_token}"}
    response = case.call(headers=headers)
    STATS["seconds"] += time.monotonic() - started
    STATS["cases"][case.operation.label] += 1
    STATS["statuses"][response.status_code] += 1
    case.validate_response(response, checks=CHECKS, headers=headers)
