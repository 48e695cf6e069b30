"""Staff console, tenant pages and API lists over a large synthetic history, measured.

Builds N registrations (default 5,000) spread over 50 tenants, each with a realistic timeline
(draft, review, queue, AWS review, then approved or denied once and approved), one in ten still
waiting in review, and in proportion: ten messages with an event each, one consent record and
two audit entries per registration, one sender per ten. Then times the dashboard figures, the
review queue and the pages as a reviewer, a tenant owner and an application load them (Django
test client, SQLite in a temporary folder; median of 5 loads, milliseconds), with the number of
SQL queries of each page and the machine's load average.
    python bench/staff_console.py [--n 5000]
The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup(workdir: Path) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
            "PORTAL_VAR_DIR": str(workdir),
            "LOG_LEVEL": "WARNING",
        }
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _history(n: int, rng: random.Random) -> int:
    from registrations.models import CatalogVersion, Registration, RegistrationVersion, StatusEvent
    from registrations.states import Status as S
    from tenants.models import Tenant

    catalog = CatalogVersion.objects.create(number=1, digest="bench")
    tenants = Tenant.objects.bulk_create(
        [Tenant(name=f"Tenant {i}", slug=f"tenant-{i}") for i in range(50)]
    )
    types = [
        "US_TOLL_FREE_REGISTRATION",
        "US_TEN_DLC_BRAND_REGISTRATION",
        "IN_SENDER_ID_REGISTRATION",
    ]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    plans = []
    for i in range(n):
        t0 = start + timedelta(hours=rng.uniform(0, 24 * 300))
        steps = [S.DRAFT, S.IN_REVIEW]
        if i % 10:
            steps += [S.QUEUED, S.SUBMITTED, S.REVIEWING]
            if rng.random() < 0.3:
                steps += [S.REQUIRES_UPDATES, S.IN_REVIEW, S.QUEUED, S.SUBMITTED]
            steps += [S.COMPLETE]
        times, now = [], t0
        for _ in steps:
            times.append(now)
            now += timedelta(hours=rng.uniform(0.1, 72))
        plans.append((tenants[i % 50], types[i % 3], steps, times))
    registrations = Registration.objects.bulk_create(
        [
            Registration(
                tenant=tenant, registration_type=kind, name=f"R{i}", status=steps[-1],
                catalog=catalog, created_at=times[0],
            )
            for i, (tenant, kind, steps, times) in enumerate(plans)
        ],
        batch_size=500,
    )  # fmt: skip
    versions, events = [], []
    for registration, (tenant, _, steps, times) in zip(registrations, plans, strict=True):
        denied = S.REQUIRES_UPDATES in steps
        versions.append(
            RegistrationVersion(
                tenant=tenant,
                registration=registration,
                number=1,
                denied_reasons=[{"reason": "Invalid Sample Message", "short": "Sample message"}]
                if denied
                else [],
                created_at=times[0],
            )
        )
        previous = ""
        for status, when in zip(steps, times, strict=True):
            events.append(
                StatusEvent(
                    tenant=tenant,
                    registration=registration,
                    from_status=previous,
                    to_status=status,
                    actor_label="bench",
                    created_at=when,
                )
            )
            previous = status
    RegistrationVersion.objects.bulk_create(versions, batch_size=1000)
    StatusEvent.objects.bulk_create(events, batch_size=2000)
    _proportional(registrations, tenants, rng)
    return len(events)


def _proportional(registrations, tenants, rng: random.Random) -> None:
    """What grows with the registrations on the tenant side: senders, messages with their
    events, consent records and audit entries."""
    from compliance.models import ConsentRecord
    from messaging.models import Message, MessageEvent
    from registrations.models import Sender
    from tenants.models import AuditEntry

    senders = Sender.objects.bulk_create(
        [
            Sender(
                tenant=r.tenant, registration=r, kind="PHONE_NUMBER", value=f"+1833{i:07d}",
                iso_country="US", number_type="TOLL_FREE", aws_id=f"phone-{i}", status="ACTIVE",
            )
            for i, r in enumerate(registrations)
            if (i // 50) % 10 == 0  # one in ten of each tenant's registrations
        ],
        batch_size=1000,
    )  # fmt: skip
    by_tenant: dict[int, list] = {}
    for sender in senders:
        by_tenant.setdefault(sender.tenant_id, []).append(sender)
    now = datetime(2026, 11, 1, tzinfo=UTC)
    messages, consents, entries = [], [], []
    for i, registration in enumerate(registrations):
        tenant = registration.tenant
        for k in range(10):
            messages.append(
                Message(
                    tenant=tenant, sender=rng.choice(by_tenant[tenant.pk]),
                    destination=f"+1206{(i * 10 + k) % 10_000_000:07d}", iso_country="US",
                    body="Your order shipped. Reply STOP to opt out.", message_type="TRANSACTIONAL",
                    encoding="GSM", parts=1, status="DELIVERED", created_at=now,
                )
            )  # fmt: skip
        consents.append(
            ConsentRecord(
                tenant=tenant, phone_e164=f"+1425{i % 10_000_000:07d}", action="opt_in",
                text_shown="Yes, text me order updates.", source="hosted_page",
                confirmation="sent", created_at=now,
            )
        )  # fmt: skip
        for _ in range(2):
            entries.append(
                AuditEntry(
                    tenant=tenant, actor_label="bench", action="registration.update",
                    object_type="registration", object_id=str(registration.pk), created_at=now,
                )
            )  # fmt: skip
    Message.objects.bulk_create(messages, batch_size=2000)
    MessageEvent.objects.bulk_create(
        [
            MessageEvent(tenant_id=m.tenant_id, message=m, event_type="TEXT_DELIVERED",
                         occurred_at=now)
            for m in messages
        ],
        batch_size=2000,
    )  # fmt: skip
    ConsentRecord.objects.bulk_create(consents, batch_size=2000)
    AuditEntry.objects.bulk_create(entries, batch_size=2000)


def _timed(fn, repeat: int = 5) -> float:
    runs = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - began)
    return round(statistics.median(runs) * 1000, 1)


def _page(client, url: str, **headers) -> dict:
    """Median load time of a page (ms) and its number of SQL queries."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()  # the log keeps 9,000 queries: a full log would count none
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    return {"ms": _timed(lambda: client.get(url, **headers)), "queries": len(queries)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        _setup(Path(folder))
        events = _history(args.n, random.Random(7))
        from django.test import Client

        from staff import stats, summary
        from staff.selectors import queue_list
        from tenants.models import User

        staff = User.objects.create_user(
            email="bench@provider.example", password="x" * 12, is_staff=True, staff_role="reviewer"
        )
        client = Client(HTTP_HOST="localhost")
        client.force_login(staff)
        from tenants.api_keys import api_key_create
        from tenants.models import Membership, Tenant

        tenant = Tenant.objects.get(slug="tenant-0")
        owner = User.objects.create_user(email="owner@tenant.example", password="x" * 12)
        Membership.objects.create(tenant=tenant, user=owner, role="owner")
        key = api_key_create(tenant=tenant, actor=owner, name="bench", scopes=["read"])
        bearer = {"HTTP_AUTHORIZATION": f"Bearer {key.plaintext}"}
        owner_client = Client(HTTP_HOST="localhost")
        owner_client.force_login(owner)
        app_client = Client(HTTP_HOST="localhost")
        figures = stats.dashboard_exact()
        began = time.perf_counter()
        refreshed = summary.summary_refresh()
        refresh_ms = round((time.perf_counter() - began) * 1000, 1)
        assert summary.dashboard() == figures, "the summary's figures differ from the exact ones"
        pages = {
            "staff_pipeline": _page(client, "/staff/registrations/pipeline/"),
            "staff_audit_log": _page(client, "/staff/audit/"),
            "staff_tenant": _page(client, "/staff/tenants/tenant-0/"),
            "tenant_registrations": _page(owner_client, "/t/tenant-0/registrations/"),
            "tenant_consent_records": _page(owner_client, "/t/tenant-0/compliance/consents/"),
            "tenant_audit_log": _page(owner_client, "/t/tenant-0/audit/"),
            "api_registrations": _page(app_client, "/api/v1/registrations", **bearer),
            "api_messages": _page(app_client, "/api/v1/messages", **bearer),
        }
        result = {
            "registrations": args.n,
            "timeline_events": events,
            "first_time_approval_percent": figures["approval"]["overall"].percent,
            "dashboard_exact_figures_ms": _timed(lambda: stats.dashboard_exact()),
            "dashboard_figures_ms": _timed(lambda: summary.dashboard()),
            "summary_refresh_ms": refresh_ms,
            "summary_days": refreshed["days"],
            "queue_list_ms": _timed(lambda: list(queue_list())),
            "queue_page_ms": _timed(lambda: client.get("/staff/registrations/")),
            "dashboard_page_ms": _timed(lambda: client.get("/staff/registrations/dashboard/")),
            "queue_rows": len(list(queue_list())),
            "pages": pages,
            "load_average": [round(x, 2) for x in os.getloadavg()],
        }
        print(json.dumps(result))


if __name__ == "__main__":
    main()
