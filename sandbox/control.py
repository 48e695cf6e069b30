"""The control API under ``/_sandbox/`` (a path AWS does not use). JSON in, JSON out.

GET    /_sandbox/health                         liveness
POST   /_sandbox/reset                          forget all state (tests)
GET    /_sandbox/config   PATCH /_sandbox/config review delay/mode and other live settings
GET    /_sandbox/quotas   PUT /_sandbox/quotas   control-plane quotas
GET|POST|DELETE /_sandbox/faults                injected faults
GET|DELETE /_sandbox/calls                      call log (?operation=&since=&limit=)
POST   /_sandbox/registrations/<id>/versions/<n>/(approve|deny|require-authentication|revoke)
POST   /_sandbox/registrations/<id>/(requires-updates|close)   what carriers do after approval
GET|POST /_sandbox/subscriptions  DELETE /_sandbox/subscriptions/<arn>
GET    /_sandbox/events  /_sandbox/deliveries  /_sandbox/messages
PUT    /_sandbox/catalog  POST /_sandbox/catalog/reload
GET    /_sandbox/cert
GET    /_sandbox/support/cases                   AWS Support cases and their communications
POST   /_sandbox/support/cases/<id>/reply        AWS Support answers (registration_form: attach it)
POST   /_sandbox/support/cases/<id>/resolve      AWS Support resolves the case
POST   /_sandbox/support/cases/<id>/short-code   the short code appears in the account
GET|PUT /_sandbox/roles                         roles the portal may assume (STS AssumeRole)
GET|PATCH /_sandbox/accounts/<account-id>       one account's tier (SANDBOX or PRODUCTION)
"""

from __future__ import annotations

import dataclasses
import json
import re
from urllib.parse import unquote

from . import inbound, lifecycle, sts, support
from .catalog import Catalog
from .lifecycle import TransitionError
from .settings import parse_bool, parse_limits

LIVE_SETTINGS = {
    "account_tier": str,
    "review_delay": float,
    "review_mode": str,
    "attachment_delay": float,
    "ten_dlc_association_delay": float,
    "mps_limits": parse_bool,
    "inherit_values": parse_bool,
    "delivery_retries": int,
    "delivery_retry_delay": float,
    "delivery_timeout": float,
    "spend_limit": float,
    "max_attachment_bytes": int,
    "support_plan": str,
    # account quotas, e.g. "POOLS=1" (AWS raises them through a Support case; unnamed ones
    # go back to their defaults)
    "limits": parse_limits,
}
CHOICES = {
    "review_mode": ("auto", "manual"),
    "account_tier": ("PRODUCTION", "SANDBOX"),
    "support_plan": ("BUSINESS", "BASIC"),
}
_SUPPORT_CASE = re.compile(r"^/_sandbox/support/cases/([^/]+)/(reply|resolve|short-code)$")
_DECISION = re.compile(
    r"^/_sandbox/registrations/([^/]+)/versions/(\d+)/"
    r"(approve|deny|require-authentication|revoke)$"
)
_CARRIER = re.compile(r"^/_sandbox/registrations/([^/]+)/(requires-updates|close)$")


def _json(raw: bytes) -> dict:
    if not raw:
        return {}
    body = json.loads(raw)
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object")
    return body


def dispatch(handler, method: str, path: str, raw: bytes, query: dict | None = None) -> None:
    try:
        status, body = _route(handler.app, method, path.rstrip("/") or "/", _json(raw), query or {})
    except (ValueError, KeyError, TypeError) as exc:
        status, body = 400, {"error": f"{type(exc).__name__}: {exc}"}
    except TransitionError as exc:
        status, body = 409, {"error": str(exc)}
    handler.send_json(status, body)


def _route(app, method: str, path: str, body: dict, query: dict):
    one = {k: v[0] for k, v in query.items()}
    if path == "/_sandbox/health":
        return 200, {"status": "ok", "port": app.settings.port}
    if path == "/_sandbox/reset" and method == "POST":
        app.reset()
        return 200, {"reset": True}
    if path == "/_sandbox/config":
        if method == "PATCH":
            for key, value in body.items():
                if key not in LIVE_SETTINGS:
                    raise ValueError(f"{key} cannot be changed at run time")
                value = LIVE_SETTINGS[key](value)
                allowed = CHOICES.get(key)
                if allowed and value not in allowed:
                    raise ValueError(f"{key} must be one of {', '.join(allowed)}")
                setattr(app.settings, key, value)
        return 200, {k: v for k, v in dataclasses.asdict(app.settings).items()}
    if path == "/_sandbox/quotas":
        if method == "PUT":
            app.quotas.update(body)
        return 200, app.quotas.describe()
    if path == "/_sandbox/faults":
        if method == "POST":
            app.faults.set(body)
        elif method == "DELETE":
            app.faults.clear()
        return 200, {"faults": app.faults.rules}
    if path == "/_sandbox/calls":
        if method == "DELETE":
            app.calls.clear()
            return 200, {"calls": []}
        calls = list(app.calls)
        if one.get("operation"):
            calls = [c for c in calls if c["Operation"] == one["operation"]]
        if one.get("since"):
            calls = [c for c in calls if c["Seq"] > int(one["since"])]
        if one.get("limit"):
            calls = calls[-int(one["limit"]) :]
        return 200, {"calls": calls}
    found = _DECISION.match(path)
    if found and method == "POST":
        return _decide(app, *found.groups(), body, one.get("account"))
    found = _CARRIER.match(path)
    if found and method == "POST":
        return _carrier(app, *found.groups(), one.get("account"))
    if path == "/_sandbox/subscriptions":
        with app.store.lock:
            if method == "POST":
                sub = app.events.subscribe(
                    body["TopicArn"],
                    body["Endpoint"],
                    str(body.get("SignatureVersion", "1")),
                    bool(body.get("AutoConfirm", False)),
                )
                app.store.commit()
                return 201, _sub(sub)
            return 200, {"subscriptions": [_sub(s) for s in app.events.subscriptions()]}
    if path.startswith("/_sandbox/subscriptions/") and method == "DELETE":
        with app.store.lock:
            gone = app.events.unsubscribe(unquote(path.split("/", 3)[3]))
            app.store.commit()
        return (200, {"deleted": True}) if gone else (404, {"error": "no such subscription"})
    if path == "/_sandbox/events":
        return 200, {"events": list(app.events.published)}
    if path == "/_sandbox/deliveries":
        return 200, {"deliveries": list(app.events.deliveries), "queued": app.events.pending()}
    if path == "/_sandbox/messages":
        return 200, {"messages": list(app.messages)}
    if path == "/_sandbox/catalog" and method == "PUT":
        app.catalog = Catalog(body)
        return 200, {"types": sorted(app.catalog.types)}
    if path == "/_sandbox/catalog/reload" and method == "POST":
        if body.get("path"):
            app.settings.catalog = body["path"]
        app.catalog = Catalog.load(app.settings.catalog)
        return 200, {"types": sorted(app.catalog.types)}
    if path == "/_sandbox/inbound" and method == "POST":
        return inbound.receive(app, body)
    if path == "/_sandbox/roles":
        if method == "PUT":
            return 200, sts.declare_role(
                app,
                body["RoleArn"],
                str(body.get("ExternalId", "")),
                body.get("AccountTier", "SANDBOX"),
            )
        return 200, {"roles": sts.roles(app)}
    found = _ACCOUNT.match(path)
    if found:
        return _account(app, found.group(1), method, body)
    if path == "/_sandbox/cert":
        return 200, {"url": app.events.cert_url, "pem": app.events.cert_pem.decode()}
    if path == "/_sandbox/support/cases" and method == "GET":
        return 200, {"cases": support.control_cases(app)}
    found = _SUPPORT_CASE.match(path)
    if found and method == "POST":
        case_id, action = unquote(found.group(1)), found.group(2)
        try:
            if action == "reply":
                return 200, support.control_reply(app, case_id, body)
            if action == "resolve":
                return 200, support.control_resolve(app, case_id)
            return 200, support.control_short_code(app, case_id, body)
        except LookupError as exc:
            return 404, {"error": str(exc).strip("'")}
    return 404, {"error": f"no control route {method} {path}"}


_ACCOUNT = re.compile(r"^/_sandbox/accounts/(\d{12})$")


def _account(app, account: str, method: str, body: dict):
    """The tier of one account (AWS moves an account out of the SMS sandbox when a Support case
    for production access is granted; this stands in for that decision)."""
    key = f"account_tier:{account}"
    with app.store.lock:
        if method == "PATCH":
            tier = body.get("account_tier")
            if tier not in CHOICES["account_tier"]:
                raise ValueError("account_tier must be one of PRODUCTION, SANDBOX")
            app.store.meta_set(key, tier)
            app.store.commit()
        return 200, {
            "account": account,
            "account_tier": app.store.meta_get(key) or app.settings.account_tier,
        }


def _sub(sub: dict) -> dict:
    return {k: v for k, v in sub.items() if k != "Pending"} | {
        "Pending": len(sub.get("Pending", []))
    }


def _find_registration(app, rid: str, account: str | None) -> dict | None:
    for candidate in app.store.items("registration", account):
        if candidate["RegistrationId"] == rid:
            return candidate
    return None


def _carrier(app, rid: str, action: str, account: str | None):
    """After approval, a carrier sends a COMPLETE registration back for updates or closes it;
    each emits the "Registration Status Change" event AWS would."""
    with app.store.lock:
        reg = _find_registration(app, rid, account)
        if reg is None:
            return 404, {"error": f"no registration {rid}"}
        try:
            if action == "close":
                lifecycle.close(app, reg)
            else:
                lifecycle.require_updates(app, reg)
        finally:
            app.store.commit()
        return 200, {"RegistrationStatus": reg["RegistrationStatus"]}


def _decide(app, rid: str, number: str, action: str, body: dict, account: str | None):
    with app.store.lock:
        reg = _find_registration(app, rid, account)
        if reg is None:
            return 404, {"error": f"no registration {rid}"}
        item = next((v for v in reg["_versions"] if v["VersionNumber"] == int(number)), None)
        if item is None:
            return 404, {"error": f"no version {number}"}
        try:
            if action == "revoke":
                reasons = body.get("DeniedReasons")
                if reasons is not None and not isinstance(reasons, list):
                    raise ValueError("DeniedReasons must be a list")
                lifecycle.revoke(app, reg, item, reasons)
            else:
                app.review.manual(reg, item, action, body)
        finally:
            app.store.commit()
        return 200, {
            "RegistrationStatus": reg["RegistrationStatus"],
            "RegistrationVersionStatus": item["RegistrationVersionStatus"],
        }
