"""Verification of Amazon SNS messages delivered over HTTP(S): the signing certificate's URL,
the RSA signature (SignatureVersion 1 = SHA-1, 2 = SHA-256), the topic and the age.

Framework-free apart from settings; the webhook view calls `verify_message`.
"""

from __future__ import annotations

import base64
import re
import urllib.request
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
MAX_AGE = timedelta(hours=1)
MAX_CERT_BYTES = 10_000


class SnsRejected(Exception):
    """The message must not be trusted; the text says why (for logs, not for the sender)."""


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
    return "".join(f"{k}\n{message[k]}\n" for k in keys if k in message).encode()


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
    """Returns the message when it is genuine; raises SnsRejected otherwise."""
    kind = message.get("Type")
    if kind not in SIGNED_KEYS:
        raise SnsRejected(f"unknown message type {kind!r}")
    if header_type is not None and header_type != kind:
        raise SnsRejected("x-amz-sns-message-type does not match the body")
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
    if topics and message["TopicArn"] not in topics:
        raise SnsRejected(f"unexpected topic {message['TopicArn']}")
    sent = datetime.fromisoformat(message["Timestamp"].replace("Z", "+00:00"))
    if (now or datetime.now(UTC)) - sent > MAX_AGE:
        raise SnsRejected("message older than an hour")
    return message
