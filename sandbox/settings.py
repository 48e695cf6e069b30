"""Settings of a sandbox process: command-line flags, each also settable as ``SANDBOX_<NAME>``."""

from __future__ import annotations

import argparse
import dataclasses
import os
from pathlib import Path

DEFAULT_CATALOG = Path(__file__).parent / "catalog.json"

DEFAULT_LIMITS = {
    "PHONE_NUMBERS": 25,
    "POOLS": 25,
    "CONFIGURATION_SETS": 25,
    "OPT_OUT_LISTS": 25,
    "SENDER_IDS": 25,
    "REGISTRATIONS": 100,
    "REGISTRATION_ATTACHMENTS": 200,
    "VERIFIED_DESTINATION_NUMBERS": 10,
}


@dataclasses.dataclass
class Settings:
    host: str = "127.0.0.1"
    port: int = 4599
    state: str | None = None
    catalog: str = str(DEFAULT_CATALOG)
    public_url: str | None = None
    account_id: str = "123456789012"
    region: str = "us-east-1"
    account_tier: str = "PRODUCTION"
    review_delay: float = 10.0
    review_mode: str = "auto"
    attachment_delay: float = 1.0
    ten_dlc_association_delay: float = 30.0
    quotas: bool = True
    quota_rps: float = 1.0
    quota_burst: float = 1.0
    mps_limits: bool = True
    spend_limit: float = 100.0
    support_plan: str = "BUSINESS"
    max_attachment_bytes: int = 5 * 1024 * 1024
    inherit_values: bool = False
    registration_events_url: str | None = None
    registration_events_topic: str = "eum-registration-events"
    subscribe: str | None = None
    signature_version: str = "1"
    delivery_timeout: float = 15.0
    delivery_retries: int = 3
    delivery_retry_delay: float = 20.0
    call_log_size: int = 2000
    limits: dict = dataclasses.field(default_factory=lambda: dict(DEFAULT_LIMITS))
    seed: int | None = None

    @property
    def base_url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "", "::") else self.host
        return (self.public_url or f"http://{host}:{self.port}").rstrip("/")


_HELP = {
    "host": "interface to listen on",
    "port": "TCP port (0 picks a free one)",
    "state": "SQLite file that keeps state across restarts (default: in memory)",
    "catalog": "registration definitions (JSON built by sandbox/build_catalog.py)",
    "public_url": "base URL that subscribers use to reach the sandbox (cert and confirm links)",
    "account_id": "account id for access keys that are not 12 digits",
    "region": "region when the request's credential scope has none",
    "account_tier": "PRODUCTION, or SANDBOX (send only to verified and simulator numbers)",
    "review_delay": "seconds a submitted version takes to be reviewed (0: at once)",
    "review_mode": "auto (checks decide) or manual (wait for the control API)",
    "attachment_delay": "seconds an attachment stays UPLOAD_IN_PROGRESS",
    "ten_dlc_association_delay": "seconds a 10DLC number stays PENDING, then ASSOCIATING, after "
    "its campaign completes (0: ACTIVE at once)",
    "quotas": "enforce control-plane requests-per-second quotas (on/off)",
    "quota_rps": "default requests per second per operation and account",
    "quota_burst": "bucket size of the per-operation quota",
    "mps_limits": "enforce message parts per second per origination identity (on/off)",
    "spend_limit": "monthly text spend limit in USD",
    "support_plan": "BUSINESS (the Support API answers) or BASIC (SubscriptionRequiredException)",
    "max_attachment_bytes": "largest registration attachment",
    "inherit_values": "new registration versions copy the previous values (AWS: off)",
    "registration_events_url": "HTTP(S) endpoint subscribed to registration status events",
    "registration_events_topic": "SNS topic name that receives registration events",
    "subscribe": "more subscriptions at start: TOPIC_ARN=URL[,TOPIC_ARN=URL...]",
    "signature_version": "SNS SignatureVersion for the default subscription (1 or 2)",
    "delivery_timeout": "seconds before an event delivery attempt times out",
    "delivery_retries": "retries of an event delivery after a 5xx or timeout",
    "delivery_retry_delay": "seconds between delivery retries",
    "call_log_size": "entries kept in the call log",
    "limits": "account limits, e.g. PHONE_NUMBERS=50,POOLS=10",
    "seed": "random seed for fault injection",
}


def parse_bool(text: str) -> bool:
    value = str(text).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"not a boolean: {text!r}")


def parse_limits(text: str) -> dict:
    limits = dict(DEFAULT_LIMITS)
    for part in filter(None, (p.strip() for p in str(text).split(","))):
        name, _, number = part.partition("=")
        if name.strip().upper() not in DEFAULT_LIMITS:
            raise ValueError(f"unknown limit {name!r}")
        limits[name.strip().upper()] = int(number)
    return limits


def _converter(field: dataclasses.Field):
    default = field.default
    if field.name == "limits":
        return parse_limits
    if isinstance(default, bool):
        return parse_bool
    if isinstance(default, int) and field.name != "seed":
        return int
    if isinstance(default, float):
        return float
    if field.name == "seed":
        return int
    return str


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sandbox")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the emulator")
    for field in dataclasses.fields(Settings):
        flag = "--" + field.name.replace("_", "-")
        serve.add_argument(flag, dest=field.name, default=None, help=_HELP.get(field.name))
    return parser


def settings_from(args: dict | None = None, environ: dict | None = None) -> Settings:
    """Flags win over ``SANDBOX_*`` environment variables, which win over defaults."""
    environ = os.environ if environ is None else environ
    args = args or {}
    values = {}
    for field in dataclasses.fields(Settings):
        raw = args.get(field.name)
        if raw is None:
            raw = environ.get("SANDBOX_" + field.name.upper())
        if raw is None or raw == "":
            continue
        values[field.name] = _converter(field)(raw)
    settings = Settings(**values)
    if settings.review_mode not in ("auto", "manual"):
        raise ValueError("review_mode must be auto or manual")
    for pair in subscriptions(settings):
        if not pair[0].startswith("arn:") or not pair[1].startswith(("http://", "https://")):
            raise ValueError(f"subscribe: expected TOPIC_ARN=URL, got {'='.join(pair)!r}")
    if settings.account_tier not in ("PRODUCTION", "SANDBOX"):
        raise ValueError("account_tier must be PRODUCTION or SANDBOX")
    if settings.support_plan not in ("BUSINESS", "BASIC"):
        raise ValueError("support_plan must be BUSINESS or BASIC")
    if settings.signature_version not in ("1", "2"):
        raise ValueError("signature_version must be 1 or 2")
    return settings


def subscriptions(settings: Settings) -> list[tuple[str, str]]:
    """``--subscribe`` as (topic ARN, endpoint URL) pairs."""
    pairs = []
    for item in filter(None, (p.strip() for p in (settings.subscribe or "").split(","))):
        topic, _, url = item.partition("=")
        pairs.append((topic.strip(), url.strip()))
    return pairs
