"""The sandbox application: state, services and the request pipeline, independent of HTTP."""

from __future__ import annotations

import collections
import json
import random
import threading
import time
import uuid

from . import account as _account_ops  # noqa: F401  (modules register their operations)
from . import catalog as _catalog_ops  # noqa: F401
from . import configsets as _configsets_ops  # noqa: F401
from . import numbers as _numbers_ops  # noqa: F401
from . import pools as _pools_ops  # noqa: F401
from . import registrations as _registrations_ops  # noqa: F401
from . import senders as _senders_ops  # noqa: F401
from . import sending as _sending_ops  # noqa: F401
from . import verified as _verified_ops  # noqa: F401
from . import versions as _versions_ops  # noqa: F401
from .catalog import Catalog
from .errors import ApiError, InternalError, ProtocolError, ThrottlingError, ValidationError
from .events import Events
from .model import HANDLERS, idempotent_members, operation
from .resources import Ctx
from .review import Reviewer
from .sending import PartsLimiter
from .settings import Settings, subscriptions
from .store import Store
from .validator import render, validate_input

QUOTA_EXEMPT = {
    "SendTextMessage",
    "SendMediaMessage",
    "SendVoiceMessage",
    "DiscardRegistrationVersion",
}
QUOTA_OVERRIDES = {
    "PutOptedOutNumber": 10.0,
    "DeleteOptedOutNumber": 10.0,
    "ListTagsForResource": 10.0,
}
TOKEN = "client-token"


class Dropped(Exception):
    """Fault injection: close the connection without an answer."""


class Quotas:
    """Control-plane requests per second per (account, operation), as token buckets."""

    def __init__(self, settings: Settings):
        self.enabled = settings.quotas
        self.rps = settings.quota_rps
        self.burst = settings.quota_burst
        self.per_operation: dict[str, float] = dict(QUOTA_OVERRIDES)
        self._buckets: dict[tuple, list[float]] = {}
        self._lock = threading.Lock()

    def allow(self, account: str, op_name: str) -> bool:
        if not self.enabled or op_name in QUOTA_EXEMPT:
            return True
        rate = self.per_operation.get(op_name, self.rps)
        if rate <= 0:
            return True
        size = max(1.0, self.burst * rate / self.rps if self.rps else self.burst)
        with self._lock:
            tokens, stamp = self._buckets.get((account, op_name), [size, time.monotonic()])
            current = time.monotonic()
            tokens = min(size, tokens + (current - stamp) * rate)
            ok = tokens >= 1.0
            self._buckets[(account, op_name)] = [tokens - 1.0 if ok else tokens, current]
            return ok

    def describe(self) -> dict:
        return {
            "enabled": self.enabled,
            "rps": self.rps,
            "burst": self.burst,
            "per_operation": self.per_operation,
        }

    def update(self, body: dict) -> None:
        with self._lock:
            if "enabled" in body:
                self.enabled = bool(body["enabled"])
            if "rps" in body:
                self.rps = float(body["rps"])
            if "burst" in body:
                self.burst = float(body["burst"])
            for name, rate in (body.get("per_operation") or {}).items():
                if rate is None:
                    self.per_operation.pop(name, None)
                else:
                    self.per_operation[name] = float(rate)
            self._buckets.clear()


class Faults:
    """Injected faults per operation (or ``*``): 5xx, throttling, latency, dropped connections.

    Latency is `latency_ms` plus a uniform random `jitter_ms`, spent before the call is
    counted against the quota, as network and front-end delays are at AWS."""

    def __init__(self, seed: int | None):
        self.rules: dict[str, dict] = {}
        self.random = random.Random(seed)
        self._lock = threading.Lock()

    def set(self, body: dict) -> dict:
        name = body.get("operation", "*")
        rule = {
            "error_rate": float(body.get("error_rate", 0)),
            "throttle_rate": float(body.get("throttle_rate", 0)),
            "drop_rate": float(body.get("drop_rate", 0)),
            "latency_ms": float(body.get("latency_ms", 0)),
            "jitter_ms": float(body.get("jitter_ms", 0)),
            "count": body.get("count"),
        }
        with self._lock:
            self.rules[name] = rule
        return rule

    def pick(self, op_name: str) -> tuple[float, str | None]:
        """(latency seconds, fault kind or None) for one call."""
        with self._lock:
            rule = self.rules.get(op_name) or self.rules.get("*")
            if rule is None:
                return 0.0, None
            if rule["count"] is not None:
                if rule["count"] <= 0:
                    return 0.0, None
                rule["count"] -= 1
            roll = self.random.random()
            kind = None
            for name in ("drop", "error", "throttle"):
                share = rule[f"{name}_rate"]
                if roll < share:
                    kind = name
                    break
                roll -= share
            latency = rule["latency_ms"] + self.random.uniform(0, rule["jitter_ms"])
            return latency / 1000.0, kind

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()


def _loggable(params: dict) -> dict:
    if "AttachmentBody" in params:
        text = str(params["AttachmentBody"])
        size = len(text) * 3 // 4 - text[-2:].count("=")
        return {**params, "AttachmentBody": f"<{size} bytes>"}
    return params


class Sandbox:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.store = Store(settings.state)
        self.catalog = Catalog.load(settings.catalog)
        self.events = Events(self)
        self.review = Reviewer(self)
        self.parts = PartsLimiter()
        self.quotas = Quotas(settings)
        self.faults = Faults(settings.seed)
        self.calls: collections.deque = collections.deque(maxlen=settings.call_log_size)
        self.messages: collections.deque = collections.deque(maxlen=5000)
        self._seq = 0
        self._log_lock = threading.Lock()
        with self.store.lock:
            for sub in self.events.subscriptions():  # after a restart: ask again
                if not sub["Confirmed"]:
                    self.events.send_confirmation(sub)
            self._default_subscription()
            self.store.commit()
        self.review.resume()

    def _default_subscription(self) -> None:
        wanted = list(subscriptions(self.settings))
        url = self.settings.registration_events_url
        if url:
            topic = self.events.registration_topic(self.settings.account_id, self.settings.region)
            wanted.insert(0, (topic, url))
        for topic, endpoint in wanted:
            if not any(
                s["Endpoint"] == endpoint and s["TopicArn"] == topic
                for s in self.events.subscriptions()
            ):
                self.events.subscribe(topic, endpoint, self.settings.signature_version)

    def record_message(self, message: dict) -> None:
        self.messages.append(message)

    def reset(self) -> None:
        with self.store.lock:
            self.store.clear(keep_meta=("sns_key_pem", "sns_cert_pem"))
            self.calls.clear()
            self.messages.clear()
            self.events.clear()
            self.review.clear()
            self.parts.clear()
            self.faults.clear()
            self.quotas = Quotas(self.settings)
            self.catalog = Catalog.load(self.settings.catalog)
            self._default_subscription()
            self.store.commit()

    def close(self) -> None:
        self.events.stop()
        self.review.stop()
        with self.store.lock:
            self.store.close()

    # -- the pipeline ---------------------------------------------------------------------------
    def handle(
        self, op_name: str, raw: bytes, account: str, region: str, request_id: str | None = None
    ) -> tuple[int, dict]:
        started = time.time()
        request_id = request_id or str(uuid.uuid4())
        params: dict = {}
        fault = None
        try:
            model = operation(op_name) if op_name else None
            if model is None:
                raise ProtocolError(
                    "UnknownOperationException", f"Operation {op_name or '(none)'} is not known."
                )
            try:
                params = json.loads(raw or b"{}")
            except ValueError:
                raise ProtocolError("SerializationException", "The body is not JSON.") from None
            if not isinstance(params, dict):
                raise ProtocolError("SerializationException", "The body must be a JSON object.")
            delay, fault = self.faults.pick(op_name)
            if delay:
                time.sleep(delay)
            if fault == "drop":
                raise Dropped()
            if fault == "error":
                raise InternalError("Injected fault.", request_id)
            if fault == "throttle" or not self.quotas.allow(account, op_name):
                raise ThrottlingError()
            validate_input(model.input_shape, params)
            handler = HANDLERS.get(op_name)
            if handler is None:
                raise ValidationError(
                    f"{op_name} is not emulated by the sandbox.",
                    "UNKNOWN_OPERATION",
                    [{"Name": "X-Amz-Target", "Message": op_name}],
                )
            body = self._run(op_name, handler, params, account, region)
            status = 200
        except ApiError as exc:
            status, body = exc.status, exc.body()
        except Dropped:
            self._log(op_name, account, params, "DROPPED", {}, started, request_id, fault)
            raise
        except Exception as exc:  # a sandbox bug: answer like AWS would, keep serving
            status, body = 500, InternalError(f"Sandbox error: {exc!r}", request_id).body()
        self._log(op_name, account, params, status, body, started, request_id, fault)
        return status, body

    def _run(self, op_name, handler, params, account, region) -> dict:
        model = operation(op_name)
        token_key = None
        tokens = [params[m] for m in idempotent_members(op_name) if params.get(m)]
        with self.store.lock:
            if tokens:
                token_key = f"{op_name}:{tokens[0]}"
                previous = self.store.get(TOKEN, account, token_key)
                if previous is not None:
                    return previous["result"]
            try:
                result = handler(Ctx(self, account, region, op_name), params)
                body = render(model.output_shape, result) if model.output_shape else {}
                if token_key:
                    self.store.put(TOKEN, account, token_key, {"result": body})
                return body
            finally:
                self.store.commit()

    def _log(self, op_name, account, params, status, body, started, request_id, fault=None) -> None:
        with self._log_lock:
            self._seq += 1
            entry = {
                "Seq": self._seq,
                "RequestId": request_id,
                "Time": started,
                "Operation": op_name,
                "Account": account,
                "Parameters": _loggable(params),
                "Status": status,
                "DurationMs": round((time.time() - started) * 1000, 3),
            }
            if isinstance(status, int) and status >= 300:
                entry["Error"] = body.get("__type")
                entry["Reason"] = body.get("Reason")
                entry["Message"] = body.get("Message")
                if fault:  # the call log tells injected faults from real refusals (quotas)
                    entry["InjectedFault"] = fault
            else:
                entry["Result"] = body
            self.calls.append(entry)
