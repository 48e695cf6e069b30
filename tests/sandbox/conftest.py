"""Fixtures for the sandbox tests: one in-process sandbox per session (reset before each test),
boto3 clients against it, a webhook receiver, and a record of every API response for the
output-shape walk."""

from __future__ import annotations

import json
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import pytest
from botocore.config import Config

from sandbox.server import start_in_thread, stop
from sandbox.settings import Settings

# (operation name, decoded JSON body) of every successful API response seen in the session
RESPONSES: list[tuple[str, dict]] = []


def _record(http_response=None, model=None, **_):
    if http_response is not None and http_response.status_code == 200 and model is not None:
        RESPONSES.append((model.name, json.loads(http_response.content or b"{}")))


class Control:
    """Small client for the /_sandbox control API."""

    def __init__(self, base_url: str):
        self.base_url = base_url

    def call(self, method: str, path: str, body: dict | None = None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.base_url + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())

    def get(self, path: str):
        status, body = self.call("GET", path)
        assert status == 200, body
        return body

    def post(self, path: str, body: dict | None = None, expect: int = 200):
        status, answer = self.call("POST", path, body or {})
        assert status == expect, answer
        return answer


def make_client(base_url: str, region: str = "us-east-1", key: str = "x", attempts: int = 1):
    client = boto3.client(
        "pinpoint-sms-voice-v2",
        endpoint_url=base_url,
        region_name=region,
        aws_access_key_id=key,
        aws_secret_access_key="x",
        config=Config(
            retries={"mode": "standard", "total_max_attempts": attempts},
            connect_timeout=5,
            read_timeout=10,
        ),
    )
    client.meta.events.register("after-call.pinpoint-sms-voice-v2", _record)
    return client


@pytest.fixture(scope="session")
def sandbox_server():
    settings = Settings(
        port=0,
        review_delay=0,
        attachment_delay=0,
        ten_dlc_association_delay=0,
        quotas=False,
        delivery_retry_delay=0.2,
        delivery_timeout=2,
        delivery_retries=2,
        seed=7,
    )
    server, app, _ = start_in_thread(settings)
    yield app
    stop(server, app)


@pytest.fixture
def app(sandbox_server):
    sandbox_server.reset()
    settings = sandbox_server.settings
    settings.review_delay, settings.review_mode, settings.attachment_delay = 0, "auto", 0
    settings.ten_dlc_association_delay = 0  # a test that wants the wait sets it
    settings.mps_limits, settings.spend_limit, settings.inherit_values = False, 100.0, False
    settings.max_attachment_bytes = 5 * 1024 * 1024
    settings.account_tier = "PRODUCTION"
    return sandbox_server


@pytest.fixture
def base_url(app) -> str:
    return app.settings.base_url


@pytest.fixture
def control(base_url) -> Control:
    return Control(base_url)


@pytest.fixture
def client(base_url):
    return make_client(base_url)


class Receiver:
    """An HTTP endpoint that records what the sandbox POSTs to it."""

    def __init__(self):
        self.requests: list[dict] = []
        self.statuses: list[int] = []  # answers to give, in order; then 200
        self.arrived = threading.Condition()
        receiver = self

        class Handle(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                with receiver.arrived:
                    headers = {k.lower(): v for k, v in self.headers.items()}
                    receiver.requests.append(
                        {"headers": headers, "status": status, "body": json.loads(body)}
                    )
                    receiver.arrived.notify_all()
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handle)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[dict]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.requests) >= count, timeout)
        assert len(self.requests) >= count, f"only {len(self.requests)} of {count} arrived"
        return self.requests

    def bodies(self, kind: str) -> list[dict]:
        return [r["body"] for r in self.requests if r["body"]["Type"] == kind]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.close()
