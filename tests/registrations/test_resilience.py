"""The pipeline under faults, a worker killed mid-way and AWS changing a form. The transition
table has test_transition_table.py and the rate limiter test_ratelimit.py."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.core import mail
from django.utils import timezone

from registrations.models import Registration
from registrations.services import review
from registrations.services.catalog import catalog_sync
from registrations.states import Status
from tests.registrations.test_engine import TFN, _draft, _tfn_ready
from tests.sandbox.forms import TFN_GOOD
from tests.waiting import wait_until
from tests.workers import start_celery_worker, worker_environment

ROOT = Path(__file__).resolve().parents[2]


def _assert_submitted_once_with_every_value(sandbox, registration) -> None:
    ok = [c for c in sandbox.calls() if c["Status"] == 200]
    created = [c for c in ok if c["Operation"] == "CreateRegistration"]
    assert len({c["Result"]["RegistrationId"] for c in created}) == 1
    submits = [c for c in ok if c["Operation"] == "SubmitRegistrationVersion"]
    assert len(submits) == 1
    values = {
        c["Parameters"]["FieldPath"] for c in ok if c["Operation"] == "PutRegistrationFieldValue"
    }
    assert values == set(TFN_GOOD) | {"messagingUseCase.optInImage"}
    assert registration.aws_registration_id == created[0]["Result"]["RegistrationId"]


@pytest.mark.django_db
def test_faults_do_not_duplicate_or_lose_anything(
    catalog, sandbox, tenant_a, alice, sam, django_capture_on_commit_callbacks
):
    sandbox.request(
        "POST",
        "/_sandbox/faults",
        {"operation": "*", "throttle_rate": 0.3, "error_rate": 0.1, "latency_ms": 5},
    )
    registration = _tfn_ready(tenant_a, alice)
    review.registration_submit_for_review(tenant=tenant_a, actor=alice, registration=registration)
    with django_capture_on_commit_callbacks(execute=True):
        review.version_approve(actor=sam, registration=registration)
    registration.refresh_from_db()
    assert registration.status == Status.SUBMITTED
    failed = [c for c in sandbox.calls() if c["Status"] != 200]
    assert len(failed) > 5  # the faults really happened
    _assert_submitted_once_with_every_value(sandbox, registration)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_pipeline_is_resumed_by_another(
    sandbox, sandbox_process, tenant_a, alice, sam, tmp_path, settings
):
    catalog_sync()
    registration = _tfn_ready(tenant_a, alice)
    review.registration_submit_for_review(tenant=tenant_a, actor=alice, registration=registration)
    sandbox.request("POST", "/_sandbox/faults", {"operation": "*", "latency_ms": 150})
    # Its own workers, not the session's shared one (tests/conftest.py): this test kills one
    # with SIGKILL and starts another, with a lease short enough to wait out, on a broker whose
    # unacknowledged message survives the kill (a Redis database of its own in CI).
    environment = worker_environment(
        sandbox_url=sandbox_process,
        var_dir=tmp_path,
        redis_db=15,
        extra={"EUM_PIPELINE_LEASE_SECONDS": "2", "MEDIA_ROOT": str(settings.MEDIA_ROOT)},
    )
    enqueue = (
        "import django, sys; django.setup(); "
        "from registrations.services import review; "
        "from registrations.models import Registration; from tenants.models import User; "
        "review.version_approve(actor=User.objects.get(email=sys.argv[1]), "
        "registration=Registration.objects.get(pk=int(sys.argv[2])))"
    )
    first_log = (tmp_path / "first-worker.log").open("w")
    first = start_celery_worker(environment=environment, queues="aws", log=first_log)
    second = None
    try:
        subprocess.run(
            [sys.executable, "-c", enqueue, sam.email, str(registration.pk)],
            cwd=ROOT,
            env=environment,
            check=True,
            timeout=60,
        )
        wait_until(
            lambda: len(sandbox.calls("PutRegistrationFieldValue")) >= 5,
            timeout=60,
            interval=0.1,
            message=lambda: "five values written: " + (tmp_path / "first-worker.log").read_text(),
        )
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        registration.refresh_from_db()
        assert registration.status == Status.SUBMITTING
        sandbox.request("DELETE", "/_sandbox/faults")
        second = start_celery_worker(environment=environment, queues="aws", log=subprocess.DEVNULL)
        # The dead worker's claim runs out: its lease and the grace after the last update.
        lease = timedelta(seconds=int(environment["EUM_PIPELINE_LEASE_SECONDS"]))
        version = registration.versions.get()
        runs_out = max(
            version.pipeline_lease_until or registration.updated_at, registration.updated_at + lease
        )
        wait_until(lambda: timezone.now() > runs_out, timeout=30, message="the lease to run out")
        resume = (
            "import django, json; django.setup(); "
            "from registrations.services.pipeline import pipeline_resume_stalled; "
            "print(json.dumps(pipeline_resume_stalled()))"
        )
        resumed = subprocess.run(
            [sys.executable, "-c", resume],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        assert json.loads(resumed.stdout.strip().splitlines()[-1]) == [registration.pk]
        wait_until(
            lambda: Registration.objects.get(pk=registration.pk).status == Status.SUBMITTED,
            timeout=90,
            interval=0.2,
            message="the second worker to finish",
        )
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                worker.kill()
                worker.wait(timeout=10)
        first_log.close()
        if "REDIS_URL" in environment:
            redis.Redis.from_url(environment["REDIS_URL"]).flushdb()
    registration.refresh_from_db()
    _assert_submitted_once_with_every_value(sandbox, registration)
    assert registration.current_version.pipeline_attempts == 2


@pytest.mark.django_db
def test_aws_adding_a_required_field_flags_drafts(
    catalog, sandbox, tenant_a, alice, owen, django_capture_on_commit_callbacks
):
    draft = _draft(tenant_a, alice)
    catalog_file = json.loads((ROOT / "sandbox" / "catalog.json").read_text())
    toll_free = next(t for t in catalog_file["RegistrationTypes"] if t["RegistrationType"] == TFN)
    toll_free["Fields"].append(
        {
            "FieldPath": "messagingUseCase.ageGate",
            "SectionPath": "messagingUseCase",
            "FieldType": "TEXT",
            "FieldRequirement": "REQUIRED",
            "TextValidation": {
                "MinLength": 1,
                "MaxLength": 50,
                "Pattern": "^(?=\\s*\\S)[\\s\\S]+$",
            },
            "DisplayHints": {
                "Title": "Minimum age",
                "ShortDescription": "Minimum age of recipients",
            },
        }
    )
    sandbox.request("PUT", "/_sandbox/catalog", catalog_file)
    with django_capture_on_commit_callbacks(execute=True):
        version, created = catalog_sync()
    assert (version.number, created) == (2, True)
    draft.refresh_from_db()
    assert draft.schema_outdated is True
    assert draft.schema_changes == [
        {
            "kind": "field_added",
            "field": "messagingUseCase.ageGate",
            "breaking": True,
            "detail": "New required field “Minimum age”.",
        }
    ]
    assert draft.catalog == version
    assert [m.subject for m in mail.outbox] == ["AWS changed the form of “Alerts”"]
    assert sorted(mail.outbox[0].to) == ["alice@acme.example", "owen@acme.example"]


@pytest.mark.django_db
def test_permanent_error_ends_in_submission_failed_and_staff_retry(
    catalog, sandbox, tenant_a, alice, sam, django_capture_on_commit_callbacks
):
    original = json.loads((ROOT / "sandbox" / "catalog.json").read_text())
    changed = json.loads(json.dumps(original))
    toll_free = next(t for t in changed["RegistrationTypes"] if t["RegistrationType"] == TFN)
    sample = next(
        f for f in toll_free["Fields"] if f["FieldPath"] == "messageSamples.messageSample1"
    )
    sample["TextValidation"]["MaxLength"] = 20  # AWS tightened the form; the portal has not synced
    sandbox.request("PUT", "/_sandbox/catalog", changed)
    registration = _tfn_ready(tenant_a, alice)
    review.registration_submit_for_review(tenant=tenant_a, actor=alice, registration=registration)
    with django_capture_on_commit_callbacks(execute=True):
        review.version_approve(actor=sam, registration=registration)
    registration.refresh_from_db()
    assert registration.status == Status.SUBMISSION_FAILED
    version = registration.current_version
    assert version.pipeline_error_operation == "PutRegistrationFieldValue"
    assert version.pipeline_error.startswith("ValidationException: ")
    assert registration.timeline.last().reason.startswith("PutRegistrationFieldValue failed: ")

    sandbox.request("PUT", "/_sandbox/catalog", original)
    with django_capture_on_commit_callbacks(execute=True):
        review.registration_retry(actor=sam, registration=registration)
    registration.refresh_from_db()
    assert registration.status == Status.SUBMITTED
    assert len([c for c in sandbox.calls("CreateRegistration") if c["Status"] == 200]) == 1
    assert len([c for c in sandbox.calls("SubmitRegistrationVersion") if c["Status"] == 200]) == 1
