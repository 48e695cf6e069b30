"""Amazon SNS messages delivered over HTTP(S): reading the envelope (`message_parse`: a JSON
object with the fields of its type, each a string) and verifying it (`verify_message`: the
topic, the signing certificate's URL, the RSA signature (SignatureVersion 1 = SHA-1,
2 = SHA-256) and the age).

Framework-free; the SNS endpoint (`registrations.sns_endpoint`) calls both.
"""

from __future__ import annotations

import base64
import json
import re
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

SIGNED_KEYS = {
    "Notification": ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    "SubscriptionConfirmation": (
        "Message",
        "MessageId",
        "SubscribeURL",
        "Timestamp",
        "Token",
        "TopicArn",
        "Type",
    ),
    "UnsubscribeConfirmation": (
        "Message",
        "MessageId",
        "SubscribeURL",
        "Timestamp",
        "Token",
        "TopicArn",
        "Type",
    ),
}
_AWS_HOST = re.compile(r"^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$")
# A message older than MAX_AGE (by its signed Timestamp) is refused, and so is one stamped more
# than FUTURE_SKEW ahead of our clock; the endpoint prunes message ids on the same rule.
MAX_AGE = timedelta(hours=1)
FUTURE_SKEW = timedelta(minutes=5)
MAX_CERT_BYTES = 10_000
MAX_BODY_BYTES = 300_000  # SNS messages are at most 256 KB, plus the envelope
MAX_LENGTHS = {"MessageId": 100, "TopicArn": 256}
# Fields beyond the signed ones that each type carries; Subject and UnsubscribeURL may be absent.
REQUIRED_EXTRA = ("SignatureVersion", "Signature", "SigningCertURL")
OPTIONAL = ("Subject", "UnsubscribeURL")


class SnsRejected(Exception):
    """The message must not be trusted; the text says why (for logs, not for the sender)."""


class SnsMalformed(ValueError):
    """The body is no SNS message at all; the text says what is wrong (safe to answer)."""


@dataclass(frozen=True)
class Envelope:
    message: dict  # the SNS message as received
    sent_at: datetime  # its Timestamp
    payload: dict | None  # a Notification's Message, parsed (a JSON object); None otherwise


def message_parse(body: bytes) -> Envelope:
    """The SNS message in `body`, with its fields checked for presence and type, its Timestamp
    parsed and, for a Notification, its Message parsed (it must be a JSON object).
    Raises SnsMalformed."""
    if len(body) > MAX_BODY_BYTES:
        raise SnsMalformed(f"body is larger than {MAX_BODY_BYTES} bytes")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SnsMalformed("body is not UTF-8 text") from exc
    message = _json(text, "body")
    if not isinstance(message, dict):
        raise SnsMalformed("body must be a JSON object (an SNS message)")
    kind = message.get("Type")
    if not isinstance(kind, str) or kind not in SIGNED_KEYS:
        raise SnsMalformed(f"Type must be one of {', '.join(SIGNED_KEYS)}")
    for key in (*SIGNED_KEYS[kind], *REQUIRED_EXTRA):
        if key in OPTIONAL:
            continue
        if not isinstance(message.get(key), str) or not message[key]:
            raise SnsMalformed(f"{key} must be a non-empty string in a {kind} message")
    for key in OPTIONAL:
        if message.get(key) is not None and not isinstance(message[key], str):
            raise SnsMalformed(f"{key} must be a string when present")
    for key, limit in MAX_LENGTHS.items():
        if len(message[key]) > limit:
            raise SnsMalformed(f"{key} is longer than {limit} characters")
    try:
        sent = datetime.fromisoformat(message["Timestamp"].replace("Z", "+00:00"))
    except ValueError as exc:
        raise SnsMalformed("Timestamp is not an ISO 8601 time") from exc
    if sent.tzinfo is None:
        raise SnsMalformed("Timestamp has no time zone")
    payload = None
    if kind == "Notification":
        payload = _json(message["Message"], "Message")
        if not isinstance(payload, dict):
            raise SnsMalformed("Message must be a JSON object (an event)")
    return Envelope(message=message, sent_at=sent, payload=payload)


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _json(text: str, what: str) -> object:
    """Strict JSON: no NaN or Infinity, no NUL character or lone surrogate in any string (a
    database cannot store them), no nesting deep enough to exhaust the parser."""
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as exc:
        raise SnsMalformed(f"{what} is not JSON") from exc
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            if "\x00" in item:
                raise SnsMalformed(f"{what} contains a NUL character")
            try:
                item.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise SnsMalformed(f"{what} contains a lone surrogate") from exc
    return value


def _origin(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{parts.hostname}:{port}"


def url_trusted(url: str, trusted_origins: list[str]) -> bool:
    """An AWS SNS https URL, or one on an origin the portal was told to trust (the sandbox)."""
    parts = urlsplit(url)
    if parts.username or parts.password:
        return False
    if parts.scheme == "https" and parts.port is None and _AWS_HOST.match(parts.hostname or ""):
        return True
    return _origin(url) in {_origin(o) for o in trusted_origins}


def string_to_sign(message: dict) -> bytes:
    keys = SIGNED_KEYS[message["Type"]]
    return "".join(f"{k}\n{message[k]}\n" for k in keys if message.get(k) is not None).encode()


@lru_cache(maxsize=16)
def _certificate(url: str) -> x509.Certificate:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - URL checked before
        data = response.read(MAX_CERT_BYTES + 1)
    if len(data) > MAX_CERT_BYTES:
        raise SnsRejected("signing certificate too large")
    return x509.load_pem_x509_certificate(data)


def verify_message(
    message: dict,
    *,
    trusted_origins: list[str],
    topics: list[str],
    header_type: str | None,
    now: datetime | None = None,
) -> dict:
    """Returns the message (as read by `message_parse`) when it is genuine, for one of `topics`
    and fresh; raises SnsRejected otherwise. An empty `topics` accepts nothing."""
    kind = message.get("Type")
    if kind not in SIGNED_KEYS:
        raise SnsRejected(f"unknown message type {kind!r}")
    if header_type is not None and header_type != kind:
        raise SnsRejected("x-amz-sns-message-type does not match the body")
    if message.get("TopicArn") not in topics:
        raise SnsRejected(f"topic {message.get('TopicArn')!r} is not one this hook accepts")
    version = message.get("SignatureVersion")
    if version not in ("1", "2"):
        raise SnsRejected(f"unsupported SignatureVersion {version!r}")
    cert_url = message.get("SigningCertURL", "")
    if not (url_trusted(cert_url, trusted_origins) and urlsplit(cert_url).path.endswith(".pem")):
        raise SnsRejected(f"untrusted SigningCertURL {cert_url!r}")
    missing = [k for k in SIGNED_KEYS[kind] if k != "Subject" and k not in message]
    if missing:
        raise SnsRejected(f"missing {', '.join(missing)}")
    try:
        signature = base64.b64decode(message.get("Signature", ""), validate=True)
        certificate = _certificate(cert_url)
        certificate.public_key().verify(
            signature,
            string_to_sign(message),
            padding.PKCS1v15(),
            hashes.SHA1() if version == "1" else hashes.SHA256(),  # noqa: S303 - SNS v1 is SHA-1
        )
    except (InvalidSignature, ValueError, OSError) as exc:
        raise SnsRejected(f"bad signature: {exc.__class__.__name__}") from exc
    sent = datetime.fromisoformat(message["Timestamp"].replace("Z", "+00:00"))
    now = now or datetime.now(UTC)
    if now - sent > MAX_AGE:
        raise SnsRejected(f"message older than {MAX_AGE}")
    if sent - now > FUTURE_SKEW:
        raise SnsRejected(f"message stamped more than {FUTURE_SKEW} in the future")
    return message
