"""The sending API under load, measured against gunicorn + PostgreSQL + Redis on loopback.

1. Acceptance (Celery workers stopped, so that only the web tier is measured): a bare JSON
   endpoint on the same gunicorn (`/api/v1/ping`), then single sends (`POST /api/v1/messages`)
   and batches of 100 (`POST /api/v1/messages/batch`), each from C concurrent keep-alive
   clients: requests and messages per second, p50 / p99 latency, the single-send throughput
   divided by the ping's, and the server CPU of a single send divided by the floor's CPU
   (bench/accept_floor.py's floor, measured in the same run: `send_cpu_over_floor`, goal
   <= 2.0), with the load average (the machine is shared).
2. Dispatch: M messages accepted with workers running, simulator senders at 20 parts per
   second each in the sandbox (MPS limits on; --senders, default 1); one worker is killed
   with SIGKILL mid-run and a new one started (the senders' drains: messaging/dispatch.py).
   Messages sent per second (first to last send as the sandbox saw them) divided by the
   combined parts per second (goal >= 0.95),
   throttling errors (goal 0), and every accepted message sent exactly once (no loss, no
   duplicate).

Uses its own PostgreSQL database (portal_bench_messaging, dropped and created) and Redis db
(11, flushed), a sandbox process and gunicorn on free loopback ports.
    python bench/send_api.py [--clients 32] [--singles 3000] [--batches 60] [--dispatch 900]
The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_NAME = "portal_bench_messaging"
REDIS_DB = 11
PG = "postgres://postgres@127.0.0.1:5432"
TOPIC = "arn:aws:sns:us-east-1:123456789012:portal-sms-events"
DEST = "+14254147755"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_http(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _control(base: str, method: str, path: str, body: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"{}")


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _load(port: int, clients: int, requests: int, make) -> dict:
    """`requests` calls from `clients` keep-alive connections; make(i) -> (method, path, body,
    headers, messages in it)."""
    if not requests:
        return {"requests": 0}
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    counter = iter(range(requests))
    lock = threading.Lock()
    messages = [0]

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            method, path, body, headers, n = make(i)
            started = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses[response.status] = statuses.get(response.status, 0) + 1
                if response.status == 202:
                    messages[0] += n
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return {
        "requests": requests,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "requests_per_second": round(requests / wall, 1),
        "messages_per_second": round(messages[0] / wall, 1),
        "p50_ms": round(_percentile(latencies, 50) * 1000, 1),
        "p99_ms": round(_percentile(latencies, 99) * 1000, 1),
    }


def _cpu_per_request(key, tenant, sender, redis_url: str, count: int = 300) -> dict:
    """CPU milliseconds this process spends per request (Django test client, same settings,
    PostgreSQL and Redis; no HTTP server, no load generator): where a send's time goes, and
    the floor of bench/accept_floor.py (its own call, same process, same run)."""
    from django.test import Client

    from bench.accept_floor import make_floor
    from registrations.aws.limits import redis_client

    token = key.plaintext
    client = Client(HTTP_HOST="127.0.0.1")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    one = json.dumps({"to": DEST, "body": "Your Bench Co code is 481516."})
    floor = make_floor(client, key, tenant, sender, redis_client(redis_url), one)

    def measure(call) -> float:
        for i in range(20):
            call(-1 - i)
        started = time.process_time()
        for i in range(count):
            call(i)
        return round((time.process_time() - started) / count * 1000, 2)

    def send(i: int) -> None:
        client.post(
            "/api/v1/messages", one, content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=f"cpu-{i}", **auth,
        )  # fmt: skip

    # The send and the floor alternate in rounds, so that both see the same load (the machine
    # is shared): their ratio is then steadier than two measurements one after the other.
    for i in range(20):
        send(-1 - i), floor(-1 - i)
    spent = {"single_send": 0.0, "floor": 0.0}
    rounds, per_round = 10, max(1, count // 10)
    for r in range(rounds):
        for name, call in (("single_send", send), ("floor", floor)):
            started = time.process_time()
            for i in range(per_round):
                call(r * per_round + i)
            spent[name] += time.process_time() - started
    return {
        "ping": measure(lambda i: client.get("/api/v1/ping")),
        "senders_get": measure(lambda i: client.get("/api/v1/senders", **auth)),
        **{name: round(cpu / (rounds * per_round) * 1000, 2) for name, cpu in spent.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--singles", type=int, default=3000)
    parser.add_argument("--batches", type=int, default=60)
    parser.add_argument("--batch-clients", type=int, default=8)
    parser.add_argument("--dispatch", type=int, default=900)
    parser.add_argument("--gunicorn-workers", type=int, default=3)
    parser.add_argument("--senders", type=int, default=1, help="simulator numbers, 20 MPS each")
    args = parser.parse_args()

    var = Path(tempfile.mkdtemp(prefix="bench-send-"))
    sandbox_port, web_port = _free_port(), _free_port()
    sandbox_url = f"http://127.0.0.1:{sandbox_port}"
    env = {
        **os.environ,
        "DATABASE_URL": f"{PG}/{DB_NAME}",
        "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
        "PORTAL_VAR_DIR": str(var),
        "EUM_ENDPOINT_URL": sandbox_url,
        "SNS_TRUSTED_CERT_ORIGINS": sandbox_url,
        "API_RATE_PER_KEY": "1000000",
        "API_RATE_PER_TENANT": "1000000",
        "MESSAGING_SEND_LEASE_SECONDS": "5",
        "LOG_LEVEL": "WARNING",
        "DEBUG": "false",  # measured as deployed: no query log, no debug pages
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    os.environ.update(env)

    import psycopg
    import redis

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
        conn.execute(f"CREATE DATABASE {DB_NAME}")
    redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)

    processes: dict[str, subprocess.Popen] = {}

    def start(name: str, command: list[str]) -> subprocess.Popen:
        processes[name] = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        return processes[name]

    def worker(name: str) -> subprocess.Popen:
        return start(name, [python, "-m", "celery", "-A", "portal", "worker",
                            "-Q", "aws,webhooks,default", "--pool", "threads",
                            "--concurrency", "24", "-n", f"{name}@bench",
                            "--loglevel", "WARNING"])  # fmt: skip

    try:
        start("sandbox", [python, "-m", "sandbox", "serve", "--port", str(sandbox_port),
                          "--state", str(var / "sandbox.sqlite3"),
                          "--quotas", "false"])  # fmt: skip
        _wait_http(sandbox_url + "/_sandbox/health")
        start("gunicorn", [python, "-m", "gunicorn", "portal.wsgi", "-b", f"127.0.0.1:{web_port}",
                           "-w", str(args.gunicorn_workers), "-k", "gthread", "--threads", "8",
                           "--log-level", "warning"])  # fmt: skip
        _wait_http(f"http://127.0.0.1:{web_port}/api/v1/ping")

        import django

        django.setup()
        from django.utils import timezone

        from messaging.dispatch import senders_wake_all
        from messaging.models import Message
        from registrations.aws import operations as aws
        from registrations.aws.gateway import Gateway
        from registrations.models import Sender, SendingSetup
        from tenants.api_keys import api_key_create
        from tenants.models import BusinessProfile, Membership, Role, Tenant, User

        tenant = Tenant.objects.create(name="Bench Co", slug="bench")
        BusinessProfile.objects.create(tenant=tenant, legal_name="Bench Co")
        owner = User.objects.create_user(email="owner@bench.example", password="x" * 20)
        Membership.objects.create(tenant=tenant, user=owner, role=Role.OWNER)
        key = api_key_create(tenant=tenant, actor=owner, name="bench", scopes=["send", "read"])
        gw = Gateway()
        senders = []
        for i in range(args.senders):
            number = aws.phone_number_request(
                gw, country="US", number_type="SIMULATOR", client_token=f"bench-{i}"
            )
            senders.append(
                Sender.objects.create(
                    tenant=tenant, kind="PHONE_NUMBER", value=number.number, iso_country="US",
                    number_type="SIMULATOR", aws_id=number.id, aws_arn=number.arn,
                    status="ACTIVE",
                )
            )  # fmt: skip
        aws.configuration_set_create(gw, name="cs-bench")
        aws.event_destination_create(
            gw, configuration_set="cs-bench", name="portal", topic_arn=TOPIC
        )
        SendingSetup.objects.create(tenant=tenant, configuration_set_name="cs-bench")
        _control(sandbox_url, "POST", "/_sandbox/subscriptions", {
            "TopicArn": TOPIC, "AutoConfirm": True,
            "Endpoint": f"http://127.0.0.1:{web_port}/hooks/sns/delivery/",
        })  # fmt: skip
        auth = {"Authorization": f"Bearer {key.plaintext}", "Content-Type": "application/json"}
        one = json.dumps({"to": DEST, "body": "Your Bench Co code is 481516."})
        batch = json.dumps({"messages": [{"to": DEST, "body": f"Bench Co order {i} shipped."}
                                         for i in range(100)]})  # fmt: skip

        # --- 1. acceptance ------------------------------------------------------------------
        load_before = os.getloadavg()
        _load(web_port, args.clients, 300, lambda i: ("GET", "/api/v1/ping", None, {}, 0))
        _load(web_port, args.clients, 300,
              lambda i: ("POST", "/api/v1/messages", one, auth, 1))  # warm-up  # fmt: skip
        ping = _load(web_port, args.clients, args.singles,
                     lambda i: ("GET", "/api/v1/ping", None, {}, 0))  # fmt: skip
        singles = _load(
            web_port, args.clients, args.singles,
            lambda i: ("POST", "/api/v1/messages", one, {**auth, "Idempotency-Key": f"s-{i}"}, 1),
        )  # fmt: skip
        batches = _load(
            web_port, args.batch_clients, args.batches,
            lambda i: ("POST", "/api/v1/messages/batch", batch,
                       {**auth, "Idempotency-Key": f"b-{i}"}, 100),
        )  # fmt: skip
        load_acceptance = os.getloadavg()
        cpu_ms = _cpu_per_request(key, tenant, senders[0], env["REDIS_URL"])
        # Those messages were for measuring the web tier only: drop the queued drains.
        client = redis.Redis.from_url(env["REDIS_URL"])
        for pattern in ("aws*", "default*"):  # the senders' drain tasks
            for name in client.scan_iter(pattern):
                client.delete(name)
        acceptance_only = Message.objects.filter(tenant=tenant).update(
            status="FAILED", status_reason="bench: acceptance phase, not dispatched"
        )

        # --- 2. dispatch with a worker killed mid-run ----------------------------------------
        first_id = (Message.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        worker("w1")
        worker("w2")
        time.sleep(6)
        n_batches = args.dispatch // 100
        started = time.time()
        _load(
            web_port, 4, n_batches, lambda i: ("POST", "/api/v1/messages/batch", batch, auth, 100)
        )
        dispatch_ids = set(
            Message.objects.filter(tenant=tenant, id__gte=first_id).values_list("id", flat=True)
        )
        time.sleep(5)
        os.killpg(processes["w1"].pid, signal.SIGKILL)
        processes["w1"].wait()
        killed_at = time.time() - started
        worker("w3")
        deadline = time.time() + 180
        while time.time() < deadline:
            senders_wake_all()  # what beat does every 10 s: a killed worker's drain restarts
            pending = Message.objects.filter(
                id__in=dispatch_ids, status__in=["ACCEPTED", "SENDING"]
            ).count()
            if not pending:
                break
            time.sleep(2)
        time.sleep(3)  # the last delivery events
        sent = [
            m for m in _control(sandbox_url, "GET", "/_sandbox/messages")["messages"]
            if not m.get("AutoReply")
        ]  # fmt: skip
        by_id: dict[int, int] = {}
        times = []
        for m in sent:
            context = (m.get("Events") or [{}])[0].get("context") or {}
            pk = int(context.get("portal_message_id", 0))
            if pk in dispatch_ids:
                by_id[pk] = by_id.get(pk, 0) + 1
                times.append(m["Events"][0]["messageRequestTimestamp"] / 1000)
        calls = _control(
            sandbox_url, "GET", "/_sandbox/calls?operation=SendTextMessage&limit=100000"
        )["calls"]
        throttled = sum(1 for c in calls if c.get("Error") == "ThrottlingException")
        span = max(times) - min(times) if len(times) > 1 else 0.0
        ordered = sorted(times)
        gaps = sorted(
            ((b - a, a - ordered[0]) for a, b in zip(ordered, ordered[1:], strict=False)),
            reverse=True,
        )[:3]
        rate = (len(times) - 1) / span if span else 0.0
        statuses = dict(
            Message.objects.filter(id__in=dispatch_ids)
            .values_list("status")
            .annotate(n=__import__("django.db.models", fromlist=["Count"]).Count("id"))
        )
        load = os.getloadavg()[0]
        result = {
            "conditions": f"2 shared cores, gunicorn {args.gunicorn_workers} gthread workers x 8 "
            "threads, load generator in-process on loopback, PostgreSQL, Redis, sandbox, "
            "Celery workers stopped during acceptance",
            "ping": ping,
            "single_sends": singles,
            "single_vs_ping": round(
                singles["requests_per_second"] / ping["requests_per_second"], 2
            ),
            "batches_of_100": batches,
            "server_cpu_ms_per_request": cpu_ms,
            "send_cpu_over_floor": round(cpu_ms["single_send"] / cpu_ms["floor"], 2),
            "single_send_p99_ms_at_clients": {str(args.clients): singles.get("p99_ms")},
            "load_average_before_acceptance": [round(x, 1) for x in load_before],
            "load_average_after_acceptance": [round(x, 1) for x in load_acceptance],
            "acceptance_messages": acceptance_only,
            "dispatch": {
                "accepted": len(dispatch_ids),
                "sent_unique": len(by_id),
                "sent_twice": sum(1 for v in by_id.values() if v > 1),
                "lost": len(dispatch_ids - set(by_id)),
                "statuses": statuses,
                "senders_parts_per_second": 20.0 * args.senders,
                "sent_per_second": round(rate, 2),
                "ratio": round(rate / (20.0 * args.senders), 3),
                "throttling_errors": throttled,
                "worker_killed_after_s": round(killed_at, 1),
                "longest_pauses_s_at_s": [[round(g, 2), round(at, 1)] for g, at in gaps],
            },
            "load_average_1min_at_end": round(load, 1),
            "at": timezone.now().isoformat(timespec="seconds"),
        }
        print(json.dumps(result))
    finally:
        for proc in processes.values():
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        for proc in processes.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
