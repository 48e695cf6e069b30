"""Submission pipeline and reconciliation poll against the sandbox, measured.

1. N toll-free registrations, approved by staff, pushed through the pipeline by W worker
   threads with the sandbox enforcing a control-plane quota of Q requests/second per operation
   and the portal's limiter set to the same Q: achieved calls/second of the busiest operation
   divided by Q (goal >= 0.9), throttling errors (goal 0), AWS calls per registration divided by
   the minimum for the type (goal 1.0).
2. The same with 20% injected faults (10% 5xx, 10% throttling) on every operation.
3. The poll: AWS calls of one reconciliation pass over T tracked registrations (default 10,000).

Runs on a temporary SQLite database and its own sandbox process; nothing else is touched.
    python bench/submission.py [--n 200] [--q 20] [--workers 16] [--tracked 10000]
The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Sandbox:
    def __init__(self, q: float) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "sandbox",
                "serve",
                "--port",
                str(self.port),
                "--review-delay",
                "0",
                "--review-mode",
                "manual",
                "--attachment-delay",
                "0",
                "--quota-rps",
                str(q),
                "--call-log-size",
                "2000000",
                "--limits",
                "REGISTRATIONS=100000,PHONE_NUMBERS=100000,REGISTRATION_ATTACHMENTS=100000",
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                urllib.request.urlopen(self.url + "/_sandbox/health", timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the sandbox did not start")

    def control(self, method: str, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.url + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read() or b"{}")

    def calls(self) -> list[dict]:
        return self.control("GET", "/_sandbox/calls")["calls"]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def _setup_django(workdir: Path, sandbox: Sandbox, q: float) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
            "PORTAL_VAR_DIR": str(workdir),
            "EUM_ENDPOINT_URL": sandbox.url,
            "EUM_CONTROL_PLANE_RPS": str(q),
            "LOG_LEVEL": "WARNING",
        }
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _people():
    from tenants.models import BusinessProfile, Membership, Role, Tenant, User

    tenant = Tenant.objects.create(name="Bench Co", slug="bench")
    BusinessProfile.objects.create(tenant=tenant, legal_name="Bench Co")
    admin = User.objects.create_user(email="admin@bench.example", password="x" * 12)
    Membership.objects.create(tenant=tenant, user=admin, role=Role.OWNER)
    staff = User.objects.create_user(
        email="staff@bench.example",
        password="x" * 12,
        is_staff=True,
        staff_role=User.StaffRole.REVIEWER,
    )
    return tenant, admin, staff


def _approved_registrations(n: int, tenant, admin, staff) -> list[int]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from registrations.services import drafts, review
    from tests.sandbox.forms import PNG, TFN_GOOD

    ids = []
    for i in range(n):
        registration = drafts.registration_create(
            tenant=tenant,
            actor=admin,
            registration_type="US_TOLL_FREE_REGISTRATION",
            name=f"Bench {i}",
        )
        drafts.registration_values_save(
            tenant=tenant, actor=admin, registration=registration, values=TFN_GOOD
        )
        drafts.registration_attachment_add(
            tenant=tenant,
            actor=admin,
            registration=registration,
            field_path="messagingUseCase.optInImage",
            upload=SimpleUploadedFile("o.png", PNG),
        )
        review.registration_submit_for_review(tenant=tenant, actor=admin, registration=registration)
        review.version_approve(actor=staff, registration=registration)
        ids.append(registration.pk)
    return ids


def _drive(registration_id: int) -> str:
    """What a Celery worker does for one registration: run, and retry on transient errors."""
    from registrations.aws.errors import RetryableError
    from registrations.services.pipeline import PipelineBusy, pipeline_run
    from registrations.tasks import MAX_RETRIES

    for attempt in range(MAX_RETRIES + 1):
        try:
            return pipeline_run(registration_id)
        except (RetryableError, PipelineBusy):
            time.sleep(min(2.0, 0.1 * 2**attempt))
    return "gave up"


# The fewest calls a toll-free registration with one attachment can take: create, number,
# association, attachment, one look at the attachment (AWS answers UPLOAD_IN_PROGRESS first),
# one put per value, one read-back, submit.
def _minimum_calls(values: int) -> int:
    return 4 + 1 + values + 1 + 1


def _run(sandbox: Sandbox, ids: list[int], workers: int, q: float, values: int) -> dict:
    from registrations.models import Registration

    sandbox.control("DELETE", "/_sandbox/calls")
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        outcomes = Counter(pool.map(_drive, ids))
    seconds = time.monotonic() - started
    calls = sandbox.calls()
    ok = [c for c in calls if c["Status"] == 200]
    by_op = Counter(c["Operation"] for c in ok)
    busiest, busiest_count = by_op.most_common(1)[0]
    times = [c["Time"] for c in ok if c["Operation"] == busiest]
    span = max(times) - min(times)
    achieved = (busiest_count - 1) / span if span > 0 else 0.0
    attempts = [c["Time"] for c in calls if c["Operation"] == busiest]
    attempted = (len(attempts) - 1) / (max(attempts) - min(attempts)) if len(attempts) > 1 else 0.0
    submitted = Registration.objects.filter(pk__in=ids, status="SUBMITTED").count()
    return {
        "registrations": len(ids),
        "submitted": submitted,
        "outcomes": dict(outcomes),
        "seconds": round(seconds, 1),
        "busiest_operation": busiest,
        "busiest_calls_per_second": round(achieved, 2),
        "achieved_over_quota": round(achieved / q, 3),
        "attempts_over_quota": round(attempted / q, 3),
        # Throttled by the sandbox's quota, i.e. by calls arriving too close together; the
        # throttling injected as a fault (the sandbox marks it in its call log) is apart.
        "throttling_errors": sum(
            1
            for c in calls
            if c.get("Error") == "ThrottlingException" and not c.get("InjectedFault")
        ),
        "injected_throttling": sum(1 for c in calls if c.get("InjectedFault") == "throttle"),
        "failed_calls": sum(1 for c in calls if c["Status"] != 200),
        "successful_calls_per_registration": round(len(ok) / len(ids), 2),
        "calls_over_minimum": round(len(ok) / len(ids) / _minimum_calls(values), 3),
        "create_registration_calls": by_op["CreateRegistration"],
        "submit_calls": by_op["SubmitRegistrationVersion"],
        "calls_by_operation": dict(by_op),
        "throttled_by_operation": dict(
            Counter(
                c["Operation"]
                for c in calls
                if c.get("Error") == "ThrottlingException" and not c.get("InjectedFault")
            )
        ),
    }


def _poll(sandbox: Sandbox, tracked: int, catalog, tenant) -> dict:
    import boto3
    from botocore.config import Config

    from registrations.models import Registration
    from registrations.services import tracking

    sandbox.control("PUT", "/_sandbox/quotas", {"enabled": False})
    client = boto3.client(
        "pinpoint-sms-voice-v2",
        endpoint_url=sandbox.url,
        region_name="us-east-1",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
        config=Config(max_pool_connections=16),
    )

    def one(_: int) -> str:
        rid = client.create_registration(RegistrationType="GB_SENDER_ID_REGISTRATION")[
            "RegistrationId"
        ]
        client.put_registration_field_value(
            RegistrationId=rid, FieldPath="companyInfo.companyName", TextValue="Bench Co"
        )
        client.put_registration_field_value(
            RegistrationId=rid,
            FieldPath="messagingUseCase.monthlyMessageVolume",
            SelectChoices=["1,000"],
        )
        client.submit_registration_version(RegistrationId=rid)
        return rid

    with ThreadPoolExecutor(max_workers=12) as pool:
        ids = list(pool.map(one, range(tracked)))
    Registration.objects.bulk_create(
        [
            Registration(
                tenant=tenant,
                registration_type="GB_SENDER_ID_REGISTRATION",
                name=f"poll {n}",
                catalog=catalog,
                status="REVIEWING",
                aws_registration_id=rid,
            )
            for n, rid in enumerate(ids)
        ],
        batch_size=1000,
    )
    moved = ids[: tracked // 100]  # 1% decided since the last pass
    for rid in moved:
        sandbox.control("POST", f"/_sandbox/registrations/{rid}/versions/1/approve", {})
    sandbox.control("DELETE", "/_sandbox/calls")
    started = time.monotonic()
    result = tracking.reconcile_pass(force=True)
    seconds = time.monotonic() - started
    calls = [c for c in sandbox.calls() if c["Operation"] == "DescribeRegistrations"]
    return {
        "tracked": result["polled"],
        "changed": result["changed"],
        "describe_calls_per_pass": len(calls),
        "pass_seconds_without_quota": round(seconds, 1),
        "pass_minutes_at_1_rps": round(len(calls) / 60, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--q", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--tracked", type=int, default=10_000, help="0 skips the poll")
    parser.add_argument("--no-faults", action="store_true", help="skip the run with faults")
    args = parser.parse_args()
    sandbox = Sandbox(args.q)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-submission-") as workdir:
            _setup_django(Path(workdir), sandbox, args.q)
            from registrations.services.catalog import catalog_sync
            from tests.sandbox.forms import TFN_GOOD

            catalog, _ = catalog_sync()
            tenant, admin, staff = _people()
            values = len(TFN_GOOD) + 1
            clean = faulty = None
            if args.n > 0:  # --n 0 measures the poll alone
                ids = _approved_registrations(args.n, tenant, admin, staff)
                clean = _run(sandbox, ids, args.workers, args.q, values)
                print("clean:", json.dumps(clean), flush=True)
            if args.n > 0 and not args.no_faults:
                faulty_ids = _approved_registrations(args.n, tenant, admin, staff)
                sandbox.control(
                    "POST",
                    "/_sandbox/faults",
                    {"operation": "*", "error_rate": 0.1, "throttle_rate": 0.1},
                )
                faulty = _run(sandbox, faulty_ids, args.workers, args.q, values)
                sandbox.control("DELETE", "/_sandbox/faults")
                print("faults:", json.dumps(faulty), flush=True)
            poll = _poll(sandbox, args.tracked, catalog, tenant) if args.tracked else None
            print("poll:", json.dumps(poll), flush=True)
    finally:
        sandbox.stop()
    print(
        json.dumps(
            {
                "benchmark": "submission",
                "n": args.n,
                "quota_rps": args.q,
                "workers": args.workers,
                "clean": clean,
                "faults_20pct": faulty,
                "poll": poll,
            }
        )
    )


if __name__ == "__main__":
    main()
