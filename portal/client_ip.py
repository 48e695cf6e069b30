"""The client's address, the one place that decides it.

`X-Forwarded-For` is a list that every proxy appends to: `client, proxy1, proxy2`. Only the
entries added by proxies we run can be trusted; anything to their left may have been written by
the client. With `TRUSTED_PROXY_COUNT = N` (N proxies of ours in front, each appending what it
saw), the address the outermost trusted proxy saw is the Nth entry from the right. With N = 0
(the default) the header is ignored and the socket's peer (`REMOTE_ADDR`) is the client.

A header shorter than N entries, or an entry that is not an IP address, means the request did
not come through the proxies as configured: the peer's address is used instead, never the
client's claim.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(value: str) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address as far as the configured proxies vouch for it; None when even
    the peer's address is missing or malformed."""
    peer = _valid(request.META.get("REMOTE_ADDR", ""))
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if count <= 0:
        return peer
    entries = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    entries = [e.strip() for e in entries if e.strip()]
    if len(entries) < count:
        return peer
    return _valid(entries[-count]) or peer
