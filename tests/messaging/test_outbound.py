"""Tenants' webhook URLs cannot reach the provider's network (issue 12): refused when saved
(400 that says what to fix) and, what counts, when a delivery connects; no redirects, short
timeouts, a capped answer; the tenant sees a result class, never error text.

Every test runs behind a connect guard: a connection to anything but the test's own
receivers on 127.0.0.1 is refused before it leaves the machine, and recorded."""

from __future__ import annotations

import datetime
import json
import ssl
import subprocess
import sys
import threading
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from messaging import outbound
from messaging.models import WebhookDelivery, WebhookEndpoint
from messaging.outbound import webhook_event_emit
from portal import outbound_http
from tests.messaging.outbound_helpers import ConnectGuard, FakeDns, Receiver, wait_for
from tests.portal.test_settings import PRODUCTION, ROOT

PUBLIC = "93.184.215.14"  # a global address (DNS answers are faked; nothing connects to it)

# The list and more: each is refused when saved and when delivered to.
INTERNAL_URLS = [
    "https://169.254.169.254/latest/meta-data/iam/security-credentials/",
    "https://10.0.0.5/hook",
    "https://192.168.1.1/hook",
    "https://172.16.0.1/hook",
    "https://[::1]/hook",
    "https://0.0.0.0/hook",
    "http://127.0.0.1:6379/",
    "http://127.0.0.1@attacker.example/",
    "https://user:pw@hooks.acme.example/",
    "https://2130706433/",
    "https://0x7f.1/",
    "https://0177.0.0.1/",
    "https://127.1/",
    "https://[::ffff:127.0.0.1]/",
    "https://[::ffff:a9fe:a9fe]/",
    "https://[fd00::1]/",
    "https://[fe80::1]/",
    "https://[64:ff9b::a9fe:a9fe]/",  # NAT64 of 169.254.169.254
    "https://[2002:a00:5::1]/",  # 6to4 of 10.0.0.5
    "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",  # Teredo
    "https://[::7f00:1]/",  # IPv4-compatible 127.0.0.1
    "https://100.64.0.1/",
    "https://224.0.0.1/",
    "https://255.255.255.255/",
    "https://localhost/hook",
    "https://api.localhost/hook",
    "https://internal.acme.example/hook",  # resolves to 10.0.0.7
    "https://mixed.acme.example/hook",  # resolves to a public and a loopback address
    "https://mapped.acme.example/hook",  # resolves to ::ffff:169.254.169.254
]


@pytest.fixture
def guard(monkeypatch):
    return ConnectGuard().install(monkeypatch)


@pytest.fixture
def dns(monkeypatch):
    fake = FakeDns().install(monkeypatch)
    fake.answers.update(
        {
            "hooks.acme.example": [[PUBLIC]],
            "internal.acme.example": [["10.0.0.7"]],
            "mixed.acme.example": [[PUBLIC, "127.0.0.1"]],
            "mapped.acme.example": [["::ffff:169.254.169.254"]],
            "attacker.example": [[PUBLIC]],
        }
    )
    return fake


@pytest.fixture
def receivers(guard):
    started: list[Receiver] = []

    def start(behave=None) -> Receiver:
        receiver = Receiver(behave)
        guard.allowed_ports.add(receiver.port)
        started.append(receiver)
        return receiver

    yield start
    for receiver in started:
        receiver.stop()


@pytest.fixture
def local_receivers_allowed(settings):
    """What a development machine with a local receiver sets, explicitly."""
    settings.OUTBOUND_ALLOW_HTTP = True
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]


def _deliver(tenant, url: str) -> WebhookDelivery:
    """An endpoint stored as it is (as if saved before the policy), one event, one attempt."""
    WebhookEndpoint.objects.filter(tenant=tenant).update(active=False)
    endpoint = WebhookEndpoint.objects.create(tenant=tenant, url=url, secret="whsec_test")
    (delivery_id,) = webhook_event_emit(tenant=tenant, event_type="message.sent", data={"id": 1})
    outbound.webhook_attempt(tenant_id=tenant.pk, delivery_id=delivery_id)
    return WebhookDelivery.objects.get(pk=delivery_id, endpoint=endpoint)


# --- When the URL is saved -------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", INTERNAL_URLS)
def test_internal_urls_are_refused_when_saved(url, api_a, dns, guard, settings):
    settings.OUTBOUND_ALLOW_HTTP = True  # the address is what is refused, not the scheme
    response = api_a.post("webhooks", {"url": url})
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["field"] == "url"
    assert any(
        phrase in error["message"]
        for phrase in ("not reachable from the public internet", "user name or password",
                       "four decimal numbers", "localhost is this server")
    ), error["message"]  # fmt: skip
    assert not WebhookEndpoint.objects.exists()
    assert guard.attempts == []


@pytest.mark.django_db
def test_http_needs_the_explicit_setting(api_a, dns, settings):
    settings.OUTBOUND_ALLOW_HTTP = False
    response = api_a.post("webhooks", {"url": "http://hooks.acme.example/sms"})
    assert response.status_code == 400
    assert (
        response.json()["error"]["message"] == "Use an https:// address (http:// is not accepted)."
    )
    settings.OUTBOUND_ALLOW_HTTP = True
    assert api_a.post("webhooks", {"url": "http://hooks.acme.example/sms"}).status_code == 201


@pytest.mark.django_db
def test_public_names_and_names_without_dns_yet_are_accepted(api_a, dns):
    assert api_a.post("webhooks", {"url": "https://hooks.acme.example/sms"}).status_code == 201
    assert api_a.post("webhooks", {"url": f"https://{PUBLIC}:8443/sms"}).status_code == 201
    # A name that does not resolve yet is saved; delivery checks it again when it connects.
    assert api_a.post("webhooks", {"url": "https://new.acme.example/sms"}).status_code == 201
    assert WebhookEndpoint.objects.count() == 3


@pytest.mark.django_db
def test_the_service_refuses_too(tenant_a, dns):
    from django.core.exceptions import ValidationError

    from messaging.services import webhook_endpoint_create

    with pytest.raises(ValidationError) as caught:
        webhook_endpoint_create(
            tenant=tenant_a, actor=None, url="https://10.0.0.5/", event_types=[]
        )
    assert "not reachable from the public internet" in caught.value.message_dict["url"][0]
    assert not WebhookEndpoint.objects.exists()


# --- When a delivery connects ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", INTERNAL_URLS)
def test_internal_urls_are_refused_when_delivering(url, tenant_a, dns, guard, settings):
    settings.OUTBOUND_ALLOW_HTTP = True
    delivery = _deliver(tenant_a, url)
    assert delivery.last_result == "refused by policy"
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("PENDING", 1, None)
    assert guard.attempts == []  # refused before any connection


@pytest.mark.django_db
def test_dns_rebinding_is_refused_at_connect(tenant_a, api_a, dns, guard, receivers, settings):
    """Public when the URL is saved, loopback when the delivery resolves it: refused, and the
    receiver listening there hears nothing."""
    settings.OUTBOUND_ALLOW_HTTP = True
    receiver = receivers()
    dns.answers["rebind.acme.example"] = [[PUBLIC], ["127.0.0.1"]]
    url = receiver.url(host="rebind.acme.example")
    assert api_a.post("webhooks", {"url": url}).status_code == 201
    webhook_event_emit(tenant=tenant_a, event_type="message.sent", data={"id": 1})
    delivery = WebhookDelivery.objects.get()
    outbound.webhook_attempt(tenant_id=tenant_a.pk, delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.last_result == "refused by policy"
    assert receiver.requests == [] and guard.attempts == []


@pytest.mark.django_db
def test_the_connection_goes_to_the_checked_address(tenant_a, dns, guard, receivers, settings):
    """One lookup per attempt, and the connection uses its answer: a second lookup (here it
    would answer 10.0.0.5) is never made. Host header and path are the URL's."""
    settings.OUTBOUND_ALLOW_HTTP = True
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    receiver = receivers()
    dns.answers["pinned.acme.example"] = [["127.0.0.1"], ["10.0.0.5"]]
    delivery = _deliver(tenant_a, receiver.url("/in?x=1", host="pinned.acme.example"))
    assert (delivery.status, delivery.last_result) == ("SUCCEEDED", "2xx")
    assert dns.lookups.count("pinned.acme.example") == 1
    assert guard.attempts == [("127.0.0.1", receiver.port)]
    (request,) = receiver.requests
    assert request["headers"]["Host"] == f"pinned.acme.example:{receiver.port}"
    assert request["path"] == "/in?x=1"


@pytest.mark.django_db
def test_allowed_networks_open_exactly_those_addresses(tenant_a, guard, receivers, settings):
    settings.OUTBOUND_ALLOW_HTTP = True
    receiver = receivers()
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.2/32"]
    assert _deliver(tenant_a, receiver.url()).last_result == "refused by policy"
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.0/30"]
    assert _deliver(tenant_a, receiver.url()).last_result == "2xx"


@pytest.mark.django_db
def test_redirects_are_not_followed(tenant_a, receivers, local_receivers_allowed):
    target = receivers()
    redirector = receivers(
        lambda h: Receiver.answer(h, 302, {"Location": target.url("/elsewhere")})
    )
    delivery = _deliver(tenant_a, redirector.url())
    assert (delivery.status, delivery.last_result, delivery.last_status_code) == (
        "PENDING", "3xx", 302,
    )  # fmt: skip
    assert len(redirector.requests) == 1
    assert target.requests == []


@pytest.mark.django_db
def test_a_receiver_that_never_answers_times_out(
    tenant_a, receivers, local_receivers_allowed, monkeypatch
):
    monkeypatch.setattr(outbound, "READ_TIMEOUT", 0.5)
    silent = receivers(lambda handler: silent.release.wait(30))
    started = time.monotonic()
    delivery = _deliver(tenant_a, silent.url())
    assert time.monotonic() - started < 5
    assert (delivery.status, delivery.last_result, delivery.last_status_code) == (
        "PENDING", "timeout", None,
    )  # fmt: skip


@pytest.mark.django_db
def test_a_trickling_receiver_meets_the_deadline(
    tenant_a, receivers, local_receivers_allowed, monkeypatch
):
    """A byte every 0.2 s never trips the read timeout; the deadline of the whole exchange
    ends it."""
    monkeypatch.setattr(outbound, "READ_TIMEOUT", 1.0)
    monkeypatch.setattr(outbound, "TOTAL_TIMEOUT", 1.5)

    def trickle(handler):
        handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
        while not trickler.release.wait(0.2):
            try:
                handler.wfile.write(b"X")
                handler.wfile.flush()
            except OSError:
                return

    trickler = receivers(trickle)
    started = time.monotonic()
    delivery = _deliver(tenant_a, trickler.url())
    assert time.monotonic() - started < 5
    assert delivery.last_result == "timeout"


def test_a_huge_answer_is_capped(receivers, local_receivers_allowed):
    sent = []

    def flood(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", str(512 * 1024 * 1024))
        handler.end_headers()
        chunk, total = b"x" * 65536, 0
        try:
            while total < 512 * 1024 * 1024:
                handler.wfile.write(chunk)
                total += len(chunk)
        except OSError:
            pass
        sent.append(total)

    flooder = receivers(flood)
    started = time.monotonic()
    outcome = outbound_http.post(flooder.url(), b"{}", {"Content-Type": "application/json"})
    assert (outcome.result, outcome.status_code) == ("2xx", 200)
    assert outcome.body_bytes == outbound_http.MAX_BODY
    assert time.monotonic() - started < 5
    wait_for(lambda: sent, what="the receiver to notice the closed connection")
    assert sent[0] < 64 * 1024 * 1024  # it stopped at the closed connection


@pytest.mark.django_db
def test_the_tenant_sees_a_result_class_only(tenant_a, api_a, guard, receivers, settings):
    """A closed port, a refused address, a 500: the deliveries list shows the class, no error
    text, no address, nothing that tells an open port from a closed one."""
    settings.OUTBOUND_ALLOW_HTTP = True
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    import socket

    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    guard.allowed_ports.add(closed_port)
    failing = receivers(lambda h: Receiver.answer(h, 500))
    cases = {
        f"http://127.0.0.1:{closed_port}/": "connection failed",
        "https://10.0.0.5/": "refused by policy",
        failing.url(): "5xx",
    }
    for url, expected in cases.items():
        delivery = _deliver(tenant_a, url)
        endpoint = delivery.endpoint
        rows = api_a.get(f"webhooks/{endpoint.pk}/deliveries").json()
        assert len(rows) == 1
        assert set(rows[0]) == {
            "id", "event_type", "status", "attempts", "last_result", "created_at", "delivered_at",
        }  # fmt: skip
        assert rows[0]["last_result"] == expected
        text = json.dumps(rows).replace("refused by policy", "")
        for leak in ("Errno", "refused", "10.0.0.5", str(closed_port), "127.0.0.1", "HTTP"):
            assert leak not in text


def test_result_classes_match_the_model():
    assert set(outbound_http.RESULTS) == set(WebhookDelivery.Result.values)


# --- TLS: the address is pinned, the name is still what is verified --------------------------


def _certificate(names: list[str]):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return cert_pem, key_pem


def test_tls_uses_the_host_name_for_sni_and_the_certificate(
    tmp_path, dns, receivers, local_receivers_allowed
):
    cert_pem, key_pem = _certificate(["hooks.tenant.test"])
    (tmp_path / "cert.pem").write_bytes(cert_pem)
    (tmp_path / "key.pem").write_bytes(key_pem)
    receiver = receivers()
    server_side = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_side.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    names: list[str | None] = []
    server_side.sni_callback = lambda sock, name, ctx: names.append(name)
    receiver.server.socket = server_side.wrap_socket(receiver.server.socket, server_side=True)
    client_side = ssl.create_default_context(cadata=cert_pem.decode())
    dns.answers["hooks.tenant.test"] = [["127.0.0.1"]]
    dns.answers["other.tenant.test"] = [["127.0.0.1"]]

    good = outbound_http.post(
        f"https://hooks.tenant.test:{receiver.port}/h", b"{}", {}, tls_context=client_side
    )
    assert good.result == "2xx"
    assert names == ["hooks.tenant.test"]
    assert receiver.requests[0]["headers"]["Host"] == f"hooks.tenant.test:{receiver.port}"
    # The same address under a name the certificate does not carry: verification fails.
    wrong = outbound_http.post(
        f"https://other.tenant.test:{receiver.port}/h", b"{}", {}, tls_context=client_side
    )
    assert wrong.result == "connection failed"
    assert "certificate" in wrong.detail.lower() or "hostname" in wrong.detail.lower()
    assert len(receiver.requests) == 1


# --- Settings -------------------------------------------------------------------------------

_PRODUCTION = {**PRODUCTION, "ALLOWED_HOSTS": "x", "PORTAL_BASE_URL": "https://x"}


def _start(**variables: str) -> subprocess.CompletedProcess:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.OUTBOUND_ALLOW_HTTP, s.OUTBOUND_ALLOWED_NETWORKS)"
    )
    keep = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "portal.settings"}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**keep, **variables},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("variables", "started", "output"),
    [
        ({}, True, "False []"),
        (
            {"OUTBOUND_ALLOW_HTTP": "true", "OUTBOUND_ALLOWED_NETWORKS": "127.0.0.1/32, ::1"},
            True,
            "True ['127.0.0.1/32', '::1']",
        ),
        (
            {**_PRODUCTION, "OUTBOUND_ALLOWED_NETWORKS": "10.20.0.0/16"},
            True,
            "False ['10.20.0.0/16']",
        ),
        ({"OUTBOUND_ALLOWED_NETWORKS": "10.0.0.0/33"}, False, "'10.0.0.0/33' is not an IP network"),
        ({**_PRODUCTION, "OUTBOUND_ALLOW_HTTP": "true"}, False, "OUTBOUND_ALLOW_HTTP cannot be on"),
        (
            {**_PRODUCTION, "OUTBOUND_ALLOWED_NETWORKS": "10.20.0.0/16,127.0.0.1/32"},
            False,
            "may not include loopback, link-local, unspecified or multicast addresses in "
            "production: 127.0.0.1/32",
        ),
        ({**_PRODUCTION, "OUTBOUND_ALLOWED_NETWORKS": "0.0.0.0/0"}, False, "production: 0.0.0.0/0"),
    ],
)
def test_settings(variables, started, output):
    result = _start(**variables)
    if started:
        assert (result.returncode, result.stdout.strip()) == (0, output), result.stderr[-2000:]
    else:
        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr and output in result.stderr


def test_concurrent_deliveries_each_get_their_own_answer(receivers, local_receivers_allowed):
    """Many deliveries at once each keep their own deadline and connection."""
    receiver = receivers()
    outcomes = []

    def one(i: int) -> None:
        outcomes.append(outbound_http.post(receiver.url(f"/{i}"), b"{}", {}).result)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes == ["2xx"] * 8
    assert sorted(r["path"] for r in receiver.requests) == sorted(f"/{i}" for i in range(8))
