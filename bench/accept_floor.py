"""What accepting one message costs in server CPU, against what the least a durable acceptance
must do costs: the data behind the single-send goal of the sending API (docs/sending-api.md).

In this process, with the portal's settings on PostgreSQL and Redis (no HTTP server, no load
generator), CPU milliseconds per call of:
  ping   GET /api/v1/ping through Django (the bench's bare JSON endpoint)
  send   POST /api/v1/messages through the product (DRF, checks, ORM, Celery)
  floor  the same Django request as ping, plus only what a durable acceptance cannot skip:
         parse the JSON body, authenticate the (cached) key, parse the number, insert the
         message and its idempotency row with raw SQL in one transaction, commit, and push
         the id to a Redis list for the workers. No DRF, no ORM, no Celery.
The floor is not a product path: it is a lower bound for any acceptance written in Django that
writes PostgreSQL per request, to decide whether the goal (send >= 0.5 x ping) is within reach.

Uses its own PostgreSQL database (portal_bench_floor, dropped and created) and Redis db 13.
    python bench/accept_floor.py [--n 500]
The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_NAME = "portal_bench_floor"
PG = "postgres://postgres@127.0.0.1:5432"
DEST = "+14254147755"


INSERT_MESSAGE = """
    INSERT INTO messaging_message (tenant_id, api_key_id, sender_id, destination,
        iso_country, body, message_type, encoding, parts, estimated_price, context,
        batch_id, status, status_reason, aws_message_id, attempts, claim_token, request_hash,
        dlt_template_id, created_at, updated_at)
    VALUES (%s, %s, %s, %s, %s, %s, 'TRANSACTIONAL', 'GSM', 1, 0.00581, '{}', '',
        'ACCEPTED', '', '', 0, '', '', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)
    RETURNING id"""
INSERT_IDEMPOTENCY = """
    INSERT INTO messaging_idempotencyrecord (tenant_id, api_key_id, key, request_hash,
        status_code, response, created_at)
    VALUES (%s, %s, %s, '', 202, %s, CURRENT_TIMESTAMP)"""


def make_floor(client, key, tenant, sender, redis, body: str):
    """The floor's call (see the module's docstring), for this script and bench/send_api.py:
    the ping's Django request, then parse, authenticate the cached key, parse the number, two
    raw inserts in one transaction, commit, one Redis push."""
    from django.db import connection, transaction

    from messaging.checks import destination_parse
    from tenants.api_keys import api_key_authenticate

    def floor(i: int) -> None:
        client.get("/api/v1/ping")
        item = json.loads(body)
        found = api_key_authenticate(key.plaintext)
        destination, country = destination_parse(item["to"])
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                INSERT_MESSAGE,
                [tenant.pk, found.pk, sender.pk, destination, country, item["body"]],
            )
            message_id = cursor.fetchone()[0]
            cursor.execute(
                INSERT_IDEMPOTENCY,
                [tenant.pk, found.pk, f"floor-{i}", json.dumps({"id": message_id})],
            )
        redis.lpush("portal:bench-floor:accepted", message_id)

    return floor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=500)
    args = parser.parse_args()
    os.environ.update(
        {
            "DATABASE_URL": f"{PG}/{DB_NAME}",
            "REDIS_URL": "redis://127.0.0.1:6379/13",
            "PORTAL_VAR_DIR": tempfile.mkdtemp(prefix="bench-floor-"),
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "API_RATE_PER_KEY": "100000000",
            "API_RATE_PER_TENANT": "100000000",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "portal.settings",
        }
    )
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
        conn.execute(f"CREATE DATABASE {DB_NAME}")

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from messaging.checks import destination_parse
    from registrations.aws.limits import redis_client
    from registrations.models import Sender, SendingSetup
    from tenants.api_keys import api_key_authenticate, api_key_create
    from tenants.models import BusinessProfile, Membership, Role, Tenant, User

    call_command("migrate", verbosity=0)
    redis = redis_client(os.environ["REDIS_URL"])
    redis.flushdb()
    tenant = Tenant.objects.create(name="Floor Co", slug="floor")
    BusinessProfile.objects.create(tenant=tenant, legal_name="Floor Co")
    owner = User.objects.create_user(email="owner@floor.example", password="x" * 20)
    Membership.objects.create(tenant=tenant, user=owner, role=Role.OWNER)
    key = api_key_create(tenant=tenant, actor=owner, name="floor", scopes=["send"])
    sender = Sender.objects.create(
        tenant=tenant, kind="PHONE_NUMBER", value="+12065550100", iso_country="US",
        number_type="SIMULATOR", aws_id="phone-floor", aws_arn="arn:floor", status="ACTIVE",
    )  # fmt: skip
    SendingSetup.objects.create(tenant=tenant, configuration_set_name="cs-floor")

    client = Client(HTTP_HOST="127.0.0.1")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key.plaintext}"}
    body = json.dumps({"to": DEST, "body": "Your Floor Co code is 481516."})
    floor = make_floor(client, key, tenant, sender, redis, body)

    def send(i: int) -> None:
        response = client.post(
            "/api/v1/messages", body, content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=f"send-{i}", **auth,
        )  # fmt: skip
        assert response.status_code == 202, response.content

    def measure(call) -> dict:
        for i in range(30):
            call(-1 - i)
        cpu, wall = time.process_time(), time.perf_counter()
        for i in range(args.n):
            call(i)
        return {
            "cpu_ms": round((time.process_time() - cpu) / args.n * 1000, 3),
            "wall_ms": round((time.perf_counter() - wall) / args.n * 1000, 3),
        }

    def write_only(i: int) -> None:
        from django.db import connection, transaction

        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(INSERT_MESSAGE, [tenant.pk, key.key.pk, sender.pk, DEST, "US", "x"])
            message_id = cursor.fetchone()[0]
            cursor.execute(
                INSERT_IDEMPOTENCY, [tenant.pk, key.key.pk, f"w-{i}", json.dumps({"id": 1})]
            )
        return message_id

    parts = {
        "authenticate_cached_key": measure(lambda i: api_key_authenticate(key.plaintext)),
        "parse_number": measure(lambda i: destination_parse(DEST)),
        "two_inserts_and_commit": measure(write_only),
        "redis_push": measure(lambda i: redis.lpush("portal:bench-floor:x", i)),
    }
    ping = measure(lambda i: client.get("/api/v1/ping"))
    product = measure(send)
    lean = measure(floor)
    print(
        json.dumps(
            {
                "calls_each": args.n,
                "ping": ping,
                "send": product,
                "floor": lean,
                "floor_parts": parts,
                "ping_over_send_cpu": round(ping["cpu_ms"] / product["cpu_ms"], 3),
                "ping_over_floor_cpu": round(ping["cpu_ms"] / lean["cpu_ms"], 3),
                "note": "CPU of this process only (PostgreSQL's and Redis's own CPU not "
                "counted); a ratio of CPU per request approximates the throughput ratio on a "
                "CPU-bound machine",
            }
        )
    )


if __name__ == "__main__":
    main()
