"""HTTP front: the awsJson 1.0 API on ``POST /``, SNS confirm/unsubscribe links and the signing
certificate on ``GET /``, and the control API under ``/_sandbox/``."""

from __future__ import annotations

import contextlib
import json
import re
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from . import control, sns, sts, support
from .app import Dropped, Sandbox
from .model import TARGET_PREFIX
from .settings import Settings

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/,\s]+)/")
_XMLNS = 'xmlns="http://sns.amazonaws.com/doc/2010-03-31/"'


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "EUMSandbox/1.0"
    app: Sandbox  # set on the subclass made by make_server

    def log_message(self, fmt, *args):  # quiet by default
        if self.server.verbose:
            sys.stderr.write(f"{self.address_string()} - {fmt % args}\n")

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, payload: bytes, content_type: str, headers=None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(payload)

    def send_json(self, status: int, body, headers=None) -> None:
        self._send(status, json.dumps(body).encode(), "application/json", headers)

    def _caller(self) -> tuple[str, str]:
        settings = self.app.settings
        found = _CREDENTIAL.search(self.headers.get("Authorization", ""))
        if not found:
            return settings.account_id, settings.region
        key, region = found.groups()
        if key.isdigit() and len(key) == 12:
            return key, region
        # A temporary key from AssumeRole acts in the role's account; one the sandbox did not
        # issue (or forgot on reset) is refused, as AWS refuses an invalid token.
        if key.startswith("ASIA"):
            return sts.account_of_key(self.app, key) or "", region
        return settings.account_id, region

    # -- verbs -------------------------------------------------------------------------------
    def do_POST(self):
        path = urlsplit(self.path).path
        if path.startswith("/_sandbox"):
            control.dispatch(self, "POST", path, self._body())
            return
        raw = self._body()
        if self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            self._query_protocol(raw)
            return
        target = self.headers.get("X-Amz-Target", "")
        if target.startswith(support.TARGET_PREFIX):
            self._support(target[len(support.TARGET_PREFIX) :], raw)
            return
        op_name = target[len(TARGET_PREFIX) :] if target.startswith(TARGET_PREFIX) else ""
        account, region = self._caller()
        request_id = str(uuid.uuid4())
        if not account:
            body = {
                "__type": "UnrecognizedClientException",
                "message": "The security token included in the request is invalid.",
            }
            headers = {"x-amzn-RequestId": request_id, "x-amzn-ErrorType": body["__type"]}
            self._send(403, json.dumps(body).encode(), "application/x-amz-json-1.0", headers)
            return
        try:
            status, body = self.app.handle(op_name, raw, account, region, request_id)
        except Dropped:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(2)
            return
        headers = {"x-amzn-RequestId": request_id}
        if status >= 300:
            headers["x-amzn-ErrorType"] = body.get("__type", "")
        self._send(status, json.dumps(body).encode(), "application/x-amz-json-1.0", headers)

    def _support(self, op_name: str, raw: bytes) -> None:
        """The AWS Support API (awsJson 1.1) on the same port, as a second endpoint would be."""
        account, _ = self._caller()
        request_id = str(uuid.uuid4())
        status, body = support.handle(self.app, op_name, raw, account, request_id)
        headers = {"x-amzn-RequestId": request_id}
        self._send(status, json.dumps(body).encode(), "application/x-amz-json-1.1", headers)

    def _query_protocol(self, raw: bytes) -> None:
        """AWS's query protocol on ``POST /``: STS ``AssumeRole`` (sandbox/sts.py) and SNS
        ``Subscribe`` and ``Unsubscribe`` (sandbox/sns.py)."""
        form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
        account, _ = self._caller()
        if form.get("Action") == "AssumeRole":
            status, body = sts.assume_role(self.app, form, account)
        elif form.get("Action") == "Subscribe":
            status, body = sns.subscribe(self.app, form, account)
        elif form.get("Action") == "Unsubscribe":
            status, body = sns.unsubscribe(self.app, form, account)
        else:
            status, body = (
                400,
                (
                    b"<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code>"
                    b"<Message>The action is not valid for this endpoint.</Message></Error>"
                    b"</ErrorResponse>"
                ),
            )
        self._send(status, body, "text/xml")

    def do_GET(self):
        parts = urlsplit(self.path)
        if parts.path.startswith("/_sandbox"):
            control.dispatch(self, "GET", parts.path, b"", parse_qs(parts.query))
            return
        events = self.app.events
        if parts.path == events.cert_path:
            self._send(200, events.cert_pem, "application/x-pem-file")
            return
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        request_id = str(uuid.uuid4())
        action = query.get("Action")
        if action == "ConfirmSubscription":
            with self.app.store.lock:
                sub = events.confirm(query.get("TopicArn", ""), query.get("Token", ""))
                self.app.store.commit()
            if sub is None:
                self._send(404, b"<Error><Code>NotFound</Code></Error>", "text/xml")
                return
            xml = (
                f"<ConfirmSubscriptionResponse {_XMLNS}><ConfirmSubscriptionResult>"
                f"<SubscriptionArn>{sub['SubscriptionArn']}</SubscriptionArn>"
                f"</ConfirmSubscriptionResult><ResponseMetadata><RequestId>{request_id}"
                "</RequestId></ResponseMetadata></ConfirmSubscriptionResponse>"
            )
            self._send(200, xml.encode(), "text/xml")
            return
        if action == "Unsubscribe":
            with self.app.store.lock:
                events.unsubscribe(query.get("SubscriptionArn", ""))
                self.app.store.commit()
            xml = (
                f"<UnsubscribeResponse {_XMLNS}><ResponseMetadata><RequestId>{request_id}"
                "</RequestId></ResponseMetadata></UnsubscribeResponse>"
            )
            self._send(200, xml.encode(), "text/xml")
            return
        self.send_json(404, {"message": "Not found"})

    def do_PUT(self):
        control.dispatch(self, "PUT", urlsplit(self.path).path, self._body())

    def do_PATCH(self):
        control.dispatch(self, "PATCH", urlsplit(self.path).path, self._body())

    def do_DELETE(self):
        parts = urlsplit(self.path)
        control.dispatch(self, "DELETE", parts.path, self._body(), parse_qs(parts.query))


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    verbose = False
    request_queue_size = 128


def make_server(settings: Settings, verbose: bool = False) -> tuple[Server, Sandbox]:
    """Bind the port first (port 0 picks one), then build the app with the real base URL."""
    handler = type("BoundHandler", (Handler,), {})
    server = Server((settings.host, settings.port), handler)
    settings.port = server.server_address[1]
    app = Sandbox(settings)
    handler.app = app
    server.verbose = verbose
    return server, app


def start_in_thread(settings: Settings) -> tuple[Server, Sandbox, threading.Thread]:
    server, app = make_server(settings)
    thread = threading.Thread(target=server.serve_forever, name="sandbox-http", daemon=True)
    thread.start()
    return server, app, thread


def stop(server: Server, app: Sandbox) -> None:
    server.shutdown()
    server.server_close()
    app.close()
