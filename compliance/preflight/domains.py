"""Registrable domains ("example.co.uk" for "shop.example.co.uk"), from the public suffix list
bundled with tldextract. The extractor is built once, lazily, with no list URLs and no cache
directory, so it never reaches the network nor writes to disk."""

from __future__ import annotations

import functools

from compliance.preflight.text import brand_core, host_of


@functools.cache
def _extractor():
    import tldextract  # loads the public suffix list: paid once, on first use, not at start

    return tldextract.TLDExtract(
        suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
    )


@functools.lru_cache(maxsize=4096)
def registrable(host_or_url: str) -> str:
    """The registrable domain of a host, URL or e-mail address; "" when there is none (an IP
    address, "localhost", a bare word)."""
    value = (host_or_url or "").strip().lower()
    if "@" in value and "://" not in value:
        value = value.rsplit("@", 1)[-1]
    host = host_of(value)
    if not host:
        return ""
    if host.replace(".", "").isdigit() or ":" in host:
        return ""  # an IP address
    parts = _extractor()(host)
    if parts.domain and parts.suffix:
        return f"{parts.domain}.{parts.suffix}"
    labels = host.split(".")
    # A suffix the list does not know (".example", ".test", ".internal"): its last label.
    return ".".join(labels[-2:]) if len(labels) >= 2 and all(labels[-2:]) else ""


def label(host_or_url: str) -> str:
    """The distinctive label of the registrable domain ("example" for "shop.example.co.uk")."""
    domain = registrable(host_or_url)
    return domain.split(".", 1)[0] if domain else ""


def same_organisation(a: str, b: str) -> bool:
    """True when two hosts (or URLs, or e-mail addresses) share their registrable domain, or
    differ only by the public suffix (example.com and example.co.uk)."""
    da, db = registrable(a), registrable(b)
    if not da or not db:
        return False
    return da == db or label(a) == label(b)


def on_domains(host_or_url: str, domains: tuple[str, ...] | list[str]) -> str:
    """The first of `domains` whose registrable domain the host shares; "" if none. A domain
    with no registrable part (a bare host such as "localhost") must match exactly."""
    value = (host_or_url or "").strip().lower()
    mine = registrable(value)
    host = host_of(value.rsplit("@", 1)[-1] if "@" in value and "://" not in value else value)
    for domain in domains:
        theirs = registrable(domain)
        if theirs and mine and theirs == mine:
            return domain
        if not theirs and host and host == host_of(domain):
            return domain
    return ""


def named_after(domain: str, names: list[str] | tuple[str, ...]) -> bool:
    """True when a domain's label spells one of the names, or its first two words or more
    ("meridianwellness.com" for Meridian Wellness Holdings, Inc.), or the whole domain does
    ("ledger.ly" for Ledgerly)."""
    own = {label(domain), registrable(domain).replace(".", "")} - {""}
    for name in names:
        words = brand_core(name).split()
        forms = ["".join(words[:k]) for k in range(len(words), 1, -1)] + ["".join(words)]
        if own & set(forms):
            return True
    return False
