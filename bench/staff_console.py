"""Staff console pages over a large synthetic history, measured.

Builds N registrations (default 5,000) spread over 50 tenants, each with a realistic timeline
(draft, review, queue, AWS review, then approved or denied once and approved), one in ten still
waiting in review; then times the dashboard figures, the review queue and the pages as a
reviewer loads them (Django test client, SQLite in a temporary folder).
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
    return len(events)


def _timed(fn, repeat: int = 5) -> float:
    runs = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - began)
    return round(statistics.median(runs) * 1000, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        _setup(Path(folder))
        events = _history(args.n, random.Random(7))
        from django.test import Client

        from registrations.staff import stats
        from registrations.staff.selectors import queue_list
        from tenants.models import User

        staff = User.objects.create_user(
            email="bench@provider.example", password="x" * 12, is_staff=True, staff_role="reviewer"
        )
        client = Client(HTTP_HOST="localhost")
        client.force_login(staff)
        figures = stats.dashboard()
        result = {
            "registrations": args.n,
            "timeline_events": events,
            "first_time_approval_percent": figures["approval"]["overall"].percent,
            "dashboard_figures_ms": _timed(lambda: stats.dashboard()),
            "queue_list_ms": _timed(lambda: list(queue_list())),
            "queue_page_ms": _timed(lambda: client.get("/staff/registrations/")),
            "dashboard_page_ms": _timed(lambda: client.get("/staff/registrations/dashboard/")),
            "queue_rows": len(list(queue_list())),
        }
        print(json.dumps(result))


if __name__ == "__main__":
    main()
