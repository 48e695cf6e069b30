"""Whether the portal's public address (PORTAL_BASE_URL) is fit to give AWS and carriers as the
address of the tenants' hosted terms, privacy and opt-in pages: HTTPS, and a host the public
can reach by name.

This is the provider's concern, checked once: by the system check `compliance.W001` (at start
and in `manage.py check`) and on the staff readiness page (/staff/aws/). The preflight of a
tenant's registration accepts the tenant's own published pages as what they are and never
blames the tenant for the portal's address."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

RESERVED_SUFFIXES = (".localhost", ".local", ".internal", ".test", ".example", ".invalid", ".lan")


def public_address_checks(base: str | None = None) -> list[tuple[bool, str]]:
    """(passed, what was found) for the scheme and the host of the portal's address."""
    base = settings.PORTAL_BASE_URL if base is None else base
    parts = urlsplit(base)
    host = (parts.hostname or "").lower()
    checks_ = [
        (parts.scheme == "https", f"{base} uses HTTPS" if parts.scheme == "https" else
         f"{base} uses {parts.scheme}: carriers expect the hosted pages on HTTPS"),
    ]  # fmt: skip
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None:
        public = address.is_global
        text = (
            f"{host} is a public IP address, but carriers review pages under a domain name"
            if public
            else f"{host} is a private or loopback address the public cannot reach"
        )
        checks_.append((False, text))
    elif host == "localhost" or host.endswith(RESERVED_SUFFIXES) or "." not in host:
        checks_.append((False, f"{host} is a local or reserved name the public cannot reach"))
    else:
        checks_.append((True, f"{host} is a public domain name"))
    return checks_


@checks.register(checks.Tags.compatibility, deploy=False)
def portal_address_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """compliance.W001: the hosted pages' address would not pass a carrier's review."""
    problems = "; ".join(text for ok, text in public_address_checks() if not ok)
    if not problems:
        return []
    return [
        checks.Warning(
            f"The portal's public address is not fit for registrations: {problems}.",
            hint="Set PORTAL_BASE_URL to the https:// address the public reaches the portal at "
            "(docs/configuration.md). Tenants' registrations carry their hosted pages under it.",
            id="compliance.W001",
        )
    ]
