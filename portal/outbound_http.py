"""The one HTTP client for URLs that tenants give (webhook endpoints today).

A tenant's URL must not reach the provider's own network. The policy, checked when the URL
is saved and again, the part that counts, when a request is made:

- `https://` only; `http://` only when `OUTBOUND_ALLOW_HTTP` is on (refused in production).
- No user name or password, a host that is a DNS name or a plain IP literal (IPv4 in dotted
  decimal only: `2130706433`, `0x7f.1` or `0177.0.0.1` are refused), a valid port.
- The host is resolved once and every address it resolves to must be globally routable:
  private, loopback, link-local (cloud metadata), multicast, reserved, unspecified, shared
  (100.64.0.0/10), documentation and benchmark ranges are refused, and so are IPv6 forms that
  embed an IPv4 address (mapped, compatible, 6to4, NAT64, Teredo) when that address would be.
  Addresses inside `OUTBOUND_ALLOWED_NETWORKS` are exempt (a local receiver in development,
  the tests).
- The connection goes to the address that was checked, not to the name again, so a DNS answer
  that changes between the check and the connection (DNS rebinding) cannot redirect it. The
  Host header, TLS SNI and the certificate check still use the URL's host name.
- Redirects are not followed (a 3xx is an answer), connect and read timeouts are short, the
  whole exchange has a deadline, and at most `max_body` bytes of the answer are read, then
  dropped. No proxy from the environment is used.

`post()` never raises for the network: it returns an `Outcome` whose `result` is a class fit to
show the tenant ("2xx", "4xx", "timeout", "refused by policy", "connection failed", …) and
whose `detail` is for the server log only.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# What a tenant may see about an attempt.
RESULT_2XX = "2xx"
RESULT_3XX = "3xx"
RESULT_4XX = "4xx"
RESULT_5XX = "5xx"
RESULT_TIMEOUT = "timeout"
RESULT_REFUSED = "refused by policy"
RESULT_FAILED = "connection failed"
RESULTS = [
    RESULT_2XX, RESULT_3XX, RESULT_4XX, RESULT_5XX, RESULT_TIMEOUT, RESULT_REFUSED, RESULT_FAILED,
]  # fmt: skip

CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 5.0
TOTAL_TIMEOUT = 10.0
MAX_BODY = 64 * 1024

# Ranges refused on top of what `ipaddress` calls private, loopback, link-local, multicast,
# reserved or unspecified (the lists differ between Python releases; these do not).
_REFUSED_V4 = [
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",  # "this network"; 0.0.0.0 reaches the local host on Linux
        "10.0.0.0/8",
        "100.64.0.0/10",  # shared address space (carrier NAT)
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local, cloud metadata (169.254.169.254)
        "172.16.0.0/12",
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",
        "192.88.99.0/24",  # 6to4 relay anycast (deprecated)
        "192.168.0.0/16",
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, and 255.255.255.255
    )
]
_REFUSED_V6 = [
    ipaddress.ip_network(n)
    for n in (
        "::/96",  # unspecified, loopback and the deprecated IPv4-compatible form
        "::ffff:0:0/96",  # IPv4-mapped: checked through the IPv4 address, refused otherwise
        "64:ff9b:1::/48",  # local-use NAT64
        "100::/64",  # discard
        "2001::/23",  # IETF protocol assignments, Teredo (2001::/32) among them
        "2001:db8::/32",  # documentation
        "2002::/16",  # 6to4: refused whole (deprecated, embeds an IPv4 address)
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local (deprecated)
        "ff00::/8",  # multicast
    )
]
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_LOOPBACK = ipaddress.IPv4Address("127.0.0.1")
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$", re.IGNORECASE)
_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
_HOST_NAME = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*\.?$", re.IGNORECASE)


class OutboundRefused(Exception):
    """The URL, or an address its host resolves to, is not allowed. The message says why and
    names nothing but what the tenant gave, so it may be shown to that tenant."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # ASCII (IDNA), no brackets
    port: int
    path: str  # path and query, the request target

    @property
    def host_is_ip(self) -> bool:
        return _ip_literal(self.host) is not None


@dataclass(frozen=True)
class Outcome:
    result: str  # one of RESULTS, safe to show the tenant
    status_code: int | None = None  # the receiver's HTTP status, when it answered
    detail: str = ""  # for the server log only
    body_bytes: int = 0  # how much of the answer was read (at most max_body)


# --- Configuration --------------------------------------------------------------------------


def networks_parse(values: list[str], *, name: str = "OUTBOUND_ALLOWED_NETWORKS") -> list[Network]:
    """CIDRs (`127.0.0.1/32`, `::1/128`); a bare address is one host. ValueError names the bad
    entry."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError as exc:
            raise ValueError(
                f"{name}: {value!r} is not an IP network such as 127.0.0.1/32."
            ) from exc
    return networks


def networks_too_wide_for_production(networks: list[Network]) -> list[str]:
    """Allowed networks that production refuses: those touching loopback, link-local (cloud
    metadata), unspecified or multicast addresses, which are never a tenant's receiver."""
    never = [
        ipaddress.ip_network(n)
        for n in (
            "0.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "224.0.0.0/4",
            "::/127", "::ffff:0:0/96", "fe80::/10", "ff00::/8",
        )
    ]  # fmt: skip
    return [
        str(net)
        for net in networks
        if any(net.version == n.version and net.overlaps(n) for n in never)
    ]


@lru_cache(maxsize=8)
def _allowed(values: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(networks_parse(list(values)))


def allowed_networks() -> tuple[Network, ...]:
    values = settings.OUTBOUND_ALLOWED_NETWORKS
    if isinstance(values, str):
        values = [v for v in values.split(",") if v.strip()]
    return _allowed(tuple(values))


def http_allowed() -> bool:
    return bool(settings.OUTBOUND_ALLOW_HTTP)


# --- Addresses ------------------------------------------------------------------------------


def _ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _embedded_v4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_refusal(ip: IPAddress, allowed: tuple[Network, ...] | None = None) -> str | None:
    """Why this address may not be reached (None: it may)."""
    if allowed is None:
        allowed = allowed_networks()
    if isinstance(ip, ipaddress.IPv6Address):
        ip = ipaddress.IPv6Address(str(ip).split("%", 1)[0])  # without a zone
        if any(ip in n for n in allowed if n.version == 6):
            return None
        inner = _embedded_v4(ip)
        if inner is not None:
            reason = address_refusal(inner, allowed)
            if reason is not None or ip.ipv4_mapped is not None:
                return reason  # a mapped address is its IPv4 address
    elif any(ip in n for n in allowed if n.version == 4):
        return None
    refused = _REFUSED_V4 if ip.version == 4 else _REFUSED_V6
    if (
        any(ip in n for n in refused)
        or ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    ):
        return "it is a private, loopback, link-local, multicast or reserved address"
    return None


# --- URLs -----------------------------------------------------------------------------------


def url_parse(url: str) -> Target:
    """The parts of a tenant's URL after the syntax checks of the policy; OutboundRefused
    says what to fix."""
    if not isinstance(url, str) or not url:
        raise OutboundRefused(
            "Give the address of your receiver, e.g. https://hooks.example.com/sms."
        )
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in url) or "\\" in url:
        raise OutboundRefused("The address contains spaces, control characters or backslashes.")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "http" and not http_allowed():
        raise OutboundRefused("Use an https:// address (http:// is not accepted).")
    if scheme not in ("https", "http"):
        raise OutboundRefused("Use an https:// address.")
    if "@" in parts.netloc:
        raise OutboundRefused(
            "Remove the user name or password (the part before @) from the address."
        )
    raw_host = parts.hostname or ""
    if not raw_host:
        raise OutboundRefused("The address has no host name.")
    try:
        port = parts.port
    except ValueError:
        raise OutboundRefused("The port of the address is not a number from 1 to 65535.") from None
    if port == 0:
        raise OutboundRefused("The port of the address is not a number from 1 to 65535.")
    port = port or (443 if scheme == "https" else 80)
    bracketed = parts.netloc.rsplit("@", 1)[-1].startswith("[")
    if bracketed:
        ip = _ip_literal(raw_host)
        if not isinstance(ip, ipaddress.IPv6Address) or "%" in raw_host:
            raise OutboundRefused("The IPv6 address in brackets is not valid.")
        host = str(ip)
    else:
        try:
            host = raw_host.encode("idna").decode("ascii").lower()
        except UnicodeError:
            raise OutboundRefused("The host name is not a valid domain name.") from None
        labels = host.rstrip(".").split(".")
        if _NUMERIC_LABEL.match(labels[-1]):
            # Ends like a number: an IPv4 address, which must then be written plainly.
            ip = _ip_literal(host)
            if ip is None or str(ip) != host:
                raise OutboundRefused(
                    "Write an IPv4 address as four decimal numbers (e.g. 203.0.113.7), "
                    "or use a host name."
                )
        elif not _HOST_NAME.match(host):
            raise OutboundRefused("The host name is not a valid domain name.")
        elif labels[-1] == "localhost" and not any(
            _LOOPBACK in n for n in allowed_networks() if n.version == 4
        ):
            raise OutboundRefused("localhost is this server, not your receiver.")
    if not (parts.path + parts.query).isascii():
        raise OutboundRefused("Percent-encode the characters of the path that are not ASCII.")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(scheme=scheme, host=host, port=port, path=path)


def resolve(target: Target) -> list[tuple[int, tuple]]:
    """Every (family, socket address) the host resolves to, each checked against the policy.
    OutboundRefused when any of them is refused; OSError when the name does not resolve."""
    allowed = allowed_networks()
    infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    addresses: list[tuple[int, tuple]] = []
    for family, _, _, _, sockaddr in infos:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        ip = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        reason = address_refusal(ip, allowed)
        if reason is not None:
            what = (
                "The address"
                if target.host_is_ip
                else f"The host {target.host} resolves to an address that"
            )
            raise OutboundRefused(
                f"{what} is not reachable from the public internet ({reason}). "
                "Use a public https address."
            )
        if (family, sockaddr) not in addresses:
            addresses.append((family, sockaddr))
    if not addresses:
        raise OSError(f"{target.host} resolved to no IPv4 or IPv6 address")
    return addresses


def url_check(url: str, *, resolve_host: bool = True) -> Target:
    """The check when a tenant saves a URL: syntax, then, if the host resolves, its addresses.
    A name that does not resolve yet is accepted (its DNS may come later); the check at
    connection time is the guard that counts."""
    target = url_parse(url)
    if resolve_host or target.host_is_ip:
        with contextlib.suppress(OSError):
            resolve(target)
    return target


# --- The request ----------------------------------------------------------------------------


class _PinnedConnection(http.client.HTTPConnection):
    """HTTP to the checked addresses only; `host` serves for the Host header alone."""

    def __init__(self, host, port, *, addresses, connect_timeout, read_timeout, deadline):
        super().__init__(host, port, timeout=read_timeout)
        self._addresses = addresses
        self._connect_timeout = connect_timeout
        self._deadline = deadline
        self.raw_sock: socket.socket | None = None

    def _open(self) -> socket.socket:
        last: OSError | None = None
        for family, sockaddr in self._addresses:
            left = self._deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the deadline passed while connecting")
            sock = socket.socket(family, socket.SOCK_STREAM)
            sock.settimeout(min(self._connect_timeout, left))
            try:
                sock.connect(sockaddr)
            except OSError as exc:
                sock.close()
                last = exc
                continue
            sock.settimeout(self.timeout)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.raw_sock = sock
            return sock
        raise last or OSError("no address to connect to")

    def connect(self) -> None:
        self.sock = self._open()


class _PinnedTLSConnection(_PinnedConnection):
    default_port = 443

    def __init__(self, host, port, *, context: ssl.SSLContext, **kwargs):
        super().__init__(host, port, **kwargs)
        self._tls = context

    def connect(self) -> None:
        # SNI and the certificate's name check use the URL's host, not the address.
        self.sock = self._tls.wrap_socket(self._open(), server_hostname=self.host)


@lru_cache(maxsize=1)
def _default_tls() -> ssl.SSLContext:
    return ssl.create_default_context()  # the system's CAs, names checked, TLS 1.2+


def _status_class(code: int) -> str:
    classes = {2: RESULT_2XX, 3: RESULT_3XX, 4: RESULT_4XX, 5: RESULT_5XX}
    return classes.get(code // 100, RESULT_FAILED)


def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    connect_timeout: float = CONNECT_TIMEOUT,
    read_timeout: float = READ_TIMEOUT,
    total_timeout: float = TOTAL_TIMEOUT,
    max_body: int = MAX_BODY,
    tls_context: ssl.SSLContext | None = None,
) -> Outcome:
    """POSTs `body` under the policy. Never raises for the network; see `Outcome`."""
    try:
        target = url_parse(url)
        addresses = resolve(target)
    except OutboundRefused as exc:
        return Outcome(RESULT_REFUSED, detail=str(exc))
    except OSError as exc:
        return Outcome(RESULT_FAILED, detail=f"resolving {url!r} failed: {exc}")
    options = {
        "addresses": addresses, "connect_timeout": connect_timeout, "read_timeout": read_timeout,
        "deadline": time.monotonic() + total_timeout,
    }  # fmt: skip
    if target.scheme == "https":
        context = tls_context or _default_tls()
        connection: _PinnedConnection = _PinnedTLSConnection(
            target.host, target.port, context=context, **options
        )
    else:
        connection = _PinnedConnection(target.host, target.port, **options)
    expired = threading.Event()

    def expire() -> None:  # the deadline of the whole exchange: a trickling receiver ends here
        expired.set()
        if connection.raw_sock is not None:
            with contextlib.suppress(OSError):
                connection.raw_sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(total_timeout, expire)
    timer.daemon = True
    timer.start()
    try:
        try:
            connection.request("POST", target.path, body=body, headers=headers)
            response = connection.getresponse()
        except (OSError, http.client.HTTPException, ValueError) as exc:
            if expired.is_set() or isinstance(exc, TimeoutError):
                return Outcome(RESULT_TIMEOUT, detail=f"{url}: timed out: {exc!r}")
            return Outcome(RESULT_FAILED, detail=f"{url}: {type(exc).__name__}: {exc}")
        if expired.is_set():  # the headers were cut off by the deadline
            return Outcome(RESULT_TIMEOUT, detail=f"{url}: deadline passed in the headers")
        read = 0
        try:  # the answer's body is read up to the cap, then dropped
            while read < max_body:
                chunk = response.read(min(16384, max_body - read))
                if not chunk:
                    break
                read += len(chunk)
        except (OSError, http.client.HTTPException, ValueError):
            pass  # the status line and headers are the answer
        code = response.status
        return Outcome(
            _status_class(code), status_code=code, detail=f"{url}: HTTP {code}", body_bytes=read
        )
    finally:
        timer.cancel()
        connection.close()
