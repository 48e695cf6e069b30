"""A standard SNS message verifier (aws-events.md 1.8), with an explicit trusted prefix for the
sandbox's certificate URL instead of the amazonaws.com host rule."""

from __future__ import annotations

import base64
import datetime
import urllib.request
from urllib.parse import urlsplit

from cryptography import x509
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
HASHES = {"1": hashes.SHA1, "2": hashes.SHA256}


def canonical(message: dict) -> bytes:
    keys = SIGNED_KEYS[message["Type"]]
    return "".join(f"{k}\n{message[k]}\n" for k in keys if message.get(k) is not None).encode()


def verify(message: dict, trusted_prefix: str) -> None:
    """Raise if ``message`` is not signed by the certificate behind its SigningCertURL."""
    if message.get("SignatureVersion") not in HASHES:
        raise ValueError("unsupported SignatureVersion")
    url = message["SigningCertURL"]
    parts = urlsplit(url)
    if not url.startswith(trusted_prefix) or parts.username or not parts.path.endswith(".pem"):
        raise ValueError(f"untrusted SigningCertURL {url}")
    with urllib.request.urlopen(url, timeout=5) as answer:
        cert = x509.load_pem_x509_certificate(answer.read())
    now = datetime.datetime.now(datetime.UTC)
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        raise ValueError("certificate outside its validity period")
    cert.public_key().verify(
        base64.b64decode(message["Signature"]),
        canonical(message),
        padding.PKCS1v15(),
        HASHES[message["SignatureVersion"]](),
    )
