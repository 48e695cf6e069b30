"""Two reviewers approve the same version at the same moment, each in a thread with its own
database connection: exactly one approval wins. Runs on the configured database: CI runs it
once on PostgreSQL (READ COMMITTED: the loser's conditional UPDATE finds the status already
changed) and once on SQLite (IMMEDIATE transactions: the loser waits, then finds it changed)."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from registrations.models import Registration, StatusEvent
from registrations.services.review import version_review_approve
from registrations.states import Status
from tenants.models import AuditEntry, User
from tests.conftest import make_user
from tests.staff.test_review import in_review


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_approving_at_once_only_one_wins(catalog, tenant_a, alice, sam, monkeypatch):
    from registrations import tasks

    enqueued = []
    monkeypatch.setattr(
        tasks.registration_submit_task,
        "apply_async",
        lambda args=(), kwargs=None, **options: enqueued.append(args[0]),
    )
    rita = make_user("rita@provider.example", is_staff=True, staff_role=User.StaffRole.REVIEWER)
    registration = in_review(tenant_a, alice)
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def approve(reviewer):
        try:
            seen = Registration.objects.get(pk=registration.pk)  # both read "in review"
            assert seen.status == Status.IN_REVIEW
            start.wait(timeout=20)
            version_review_approve(actor=reviewer, registration=seen)
            outcomes[reviewer.email] = "approved"
        except ValidationError as exc:
            outcomes[reviewer.email] = exc.messages[0]
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(u,)) for u in (sam, rita)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes.values()) == [
        "Someone else changed this registration just now; reload it.",
        "approved",
    ]
    winner = next(email for email, outcome in outcomes.items() if outcome == "approved")
    registration.refresh_from_db()
    assert registration.status == Status.QUEUED
    assert StatusEvent.objects.filter(registration=registration, to_status="QUEUED").count() == 1
    approvals = AuditEntry.objects.filter(action="registration.approve")
    assert [e.actor.email for e in approvals] == [winner]
    assert registration.current_version.reviewed_by.email == winner
    assert enqueued == [registration.pk]
