"""The review queue (filters, search, ordering), the pipeline page and its actions, and the
staff tenant pages. Rows are made directly: these pages only read them."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from registrations.models import (
    AwsCall,
    CatalogVersion,
    Registration,
    RegistrationVersion,
    Sender,
    SendingSetup,
    StatusEvent,
)
from registrations.states import Status
from staff.selectors import queue_list
from tenants.models import AuditEntry
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

TFN = "US_TOLL_FREE_REGISTRATION"
BRAND = "US_TEN_DLC_BRAND_REGISTRATION"
IN_SID = "IN_SENDER_ID_REGISTRATION"


def make(tenant, kind, name, status, events=(), **extra):
    """A registration with version 1 and timeline `events`: (to_status, time) pairs."""
    catalog, _ = CatalogVersion.objects.get_or_create(number=1, defaults={"digest": "x"})
    registration = Registration.objects.create(
        tenant=tenant, registration_type=kind, name=name, status=status, catalog=catalog, **extra
    )
    RegistrationVersion.objects.create(tenant=tenant, registration=registration, number=1)
    previous = ""
    for to_status, when in events:
        StatusEvent.objects.create(
            tenant=tenant,
            registration=registration,
            from_status=previous,
            to_status=to_status,
            actor_label="test",
            created_at=when,
        )
        previous = to_status
    return registration


@pytest.fixture
def queue(tenant_a, tenant_b):
    now = timezone.now()
    days = lambda n: now - timedelta(days=n)  # noqa: E731
    return {
        # Returned once: it waits since it came back, not since the first review.
        "q1": make(
            tenant_a,
            TFN,
            "Alerts",
            Status.IN_REVIEW,
            [
                (Status.IN_REVIEW, days(20)),
                (Status.CHANGES_REQUESTED, days(19)),
                (Status.IN_REVIEW, days(5)),
            ],
        ),
        "q2": make(tenant_b, IN_SID, "India OTP", Status.IN_REVIEW, [(Status.IN_REVIEW, days(2))]),
        "q3": make(
            tenant_a,
            BRAND,
            "Spring campaign brand",
            Status.IN_REVIEW,
            [(Status.IN_REVIEW, now - timedelta(hours=10))],
        ),
        "draft": make(tenant_a, TFN, "Draft", Status.DRAFT, [(Status.DRAFT, days(30))]),
        "returned": make(
            tenant_b,
            TFN,
            "Returned",
            Status.CHANGES_REQUESTED,
            [(Status.IN_REVIEW, days(3)), (Status.CHANGES_REQUESTED, days(1))],
        ),
    }


def names(registrations):
    return [r.name for r in registrations]


def test_queue_is_oldest_wait_first_and_filters(queue):
    assert names(queue_list()) == ["Alerts", "India OTP", "Spring campaign brand"]
    assert queue_list()[0].waiting_since == queue["q1"].timeline.last().created_at
    assert names(queue_list(registration_type=TFN)) == ["Alerts"]
    assert names(queue_list(tenant_slug="bravo")) == ["India OTP"]
    assert names(queue_list(country="in")) == ["India OTP"]
    assert names(queue_list(country="US")) == ["Alerts", "Spring campaign brand"]
    assert names(queue_list(min_age_days=3)) == ["Alerts"]
    assert names(queue_list(min_age_days=1)) == ["Alerts", "India OTP"]
    assert names(queue_list(search="spring")) == ["Spring campaign brand"]
    assert names(queue_list(search="bravo")) == ["India OTP"]
    assert names(queue_list(search=str(queue["q3"].pk))) == ["Spring campaign brand"]
    assert names(queue_list(status=Status.CHANGES_REQUESTED)) == ["Returned"]
    assert names(queue_list(registration_type=TFN, tenant_slug="bravo")) == []


def rows(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-registration="(\d+)"', response.content.decode())]


def test_queue_page_applies_the_filters_from_the_url(queue, vic):
    client = client_for(vic)
    assert rows(client.get("/staff/registrations/")) == [
        queue["q1"].pk,
        queue["q2"].pk,
        queue["q3"].pk,
    ]
    assert rows(client.get("/staff/registrations/?country=US&age=1")) == [queue["q1"].pk]
    assert rows(client.get("/staff/registrations/?q=otp&tenant=bravo")) == [queue["q2"].pk]
    assert rows(client.get("/staff/registrations/?status=CHANGES_REQUESTED")) == [
        queue["returned"].pk
    ]
    page = client.get("/staff/registrations/").content.decode()
    assert page.count(f'<option value="{TFN}"') == 1  # each type once, however many use it
    assert "In provider review: 3 registrations, the longest wait first." in page
    # A value that is not a choice falls back to the whole queue rather than failing.
    assert rows(client.get("/staff/registrations/?age=forever")) == [
        queue["q1"].pk,
        queue["q2"].pk,
        queue["q3"].pk,
    ]


@pytest.fixture
def failed(tenant_a):
    registration = make(
        tenant_a,
        TFN,
        "Alerts",
        Status.SUBMISSION_FAILED,
        [(Status.QUEUED, timezone.now()), (Status.SUBMISSION_FAILED, timezone.now())],
    )
    RegistrationVersion.objects.filter(registration=registration).update(
        locked_at=timezone.now(),
        pipeline_attempts=3,
        pipeline_error="You have reached the maximum number of registrations.",
        pipeline_error_operation="CreateRegistration",
    )
    AwsCall.objects.create(
        tenant=tenant_a,
        registration=registration,
        operation="CreateRegistration",
        parameters={"RegistrationType": TFN},
        outcome="error",
        error_code="ServiceQuotaExceededException",
        error_message="You have reached the maximum number of registrations.",
        duration_ms=12,
    )
    return registration


def test_queue_pages_by_a_hundred(tenant_a, vic):
    for n in range(101):
        make(tenant_a, TFN, f"R{n:03}", Status.IN_REVIEW, [(Status.IN_REVIEW, timezone.now())])
    client = client_for(vic)
    first = client.get("/staff/registrations/?country=US").content.decode()
    assert len(rows_in(first)) == 100
    assert 'href="?country=US&amp;page=2">Next</a>' in first
    second = client.get("/staff/registrations/?country=US&page=2").content.decode()
    assert [int(pk) for pk in rows_in(second)] == [Registration.objects.get(name="R100").pk]


def test_pipeline_shows_failures_with_the_aws_error_and_the_stuck(failed, tenant_b, vic):
    now = timezone.now()
    old = make(tenant_b, TFN, "Slow one", Status.REVIEWING, submitted_at=now - timedelta(days=30))
    make(tenant_b, TFN, "Young one", Status.REVIEWING, submitted_at=now - timedelta(days=2))
    make(tenant_b, BRAND, "Queued", Status.QUEUED)
    html = client_for(vic).get("/staff/registrations/pipeline/").content.decode()
    failed_part = html.split('id="failed"')[1].split('id="queued"')[0]
    assert f'data-registration="{failed.pk}"' in failed_part
    assert "<code>CreateRegistration</code> You have reached the maximum number" in failed_part
    assert "3 attempts" in failed_part
    assert "view only" in failed_part  # a viewer gets no retry button
    queued_part = html.split('id="queued"')[1].split('id="stuck"')[0]
    assert "Queued" in queued_part and "Alerts" not in queued_part
    stuck_part = html.split('id="stuck"')[1]
    assert rows_in(stuck_part) == [old.pk]
    calls = client_for(vic).get(f"/staff/registrations/{failed.pk}/aws-calls/").content.decode()
    assert "ServiceQuotaExceededException" in calls and "<code>CreateRegistration</code>" in calls


def rows_in(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-registration="(\d+)"', html)]


def test_retry_and_cancel_from_the_pipeline(failed, sam):
    client = client_for(sam)
    response = client.post(f"/staff/registrations/{failed.pk}/cancel/", {"reason": " "})
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == Status.SUBMISSION_FAILED
    assert not AuditEntry.objects.filter(action="registration.cancel").exists()

    assert client.post(f"/staff/registrations/{failed.pk}/retry/").status_code == 302
    failed.refresh_from_db()
    assert failed.status == Status.QUEUED
    event = failed.timeline.last()
    assert (event.from_status, event.to_status, event.actor, event.reason) == (
        "SUBMISSION_FAILED",
        "QUEUED",
        sam,
        "Retry",
    )
    response = client.post(
        f"/staff/registrations/{failed.pk}/cancel/", {"reason": "The tenant gave up the number."}
    )
    failed.refresh_from_db()
    assert failed.status == Status.CANCELLED
    assert (
        failed.timeline.last().reason == "Cancelled by the provider: The tenant gave up the number."
    )
    entry = AuditEntry.objects.get(action="registration.cancel")
    assert (entry.actor, entry.before, entry.after) == (
        sam,
        {"status": "QUEUED"},
        {"status": "CANCELLED", "reason": "The tenant gave up the number."},
    )


def test_tenant_pages_show_registrations_senders_and_the_setup(failed, tenant_a, tenant_b, vic):
    Sender.objects.create(
        tenant=tenant_a, kind="PHONE_NUMBER", value="+18885550100", iso_country="US",
        number_type="TOLL_FREE", status="ACTIVE",
    )  # fmt: skip
    Sender.objects.create(
        tenant=tenant_a, kind="SENDER_ID", value="ACME", iso_country="IN", status="PENDING"
    )
    SendingSetup.objects.create(
        tenant=tenant_a,
        pool_id="pool-1",
        steps={"opt_out_list": "2026-01-05T10:00:00+00:00", "pool": "2026-01-05T10:00:01+00:00"},
    )
    detail = client_for(vic).get("/staff/tenants/acme/").content.decode()
    assert f'data-registration="{failed.pk}"' in detail
    assert 'data-sender="+18885550100"' in detail and 'data-sender="ACME"' in detail
    done = re.findall(r'data-step="(\w+)"><span class="check done"', detail)
    todo = re.findall(r'data-step="(\w+)"><span class="check"', detail)
    assert done == ["opt_out_list", "pool"]
    assert todo == ["pool_members", "configuration_set", "keywords", "protect"]
    listing = client_for(vic).get("/staff/").content.decode()
    acme_row = listing.split("/t/acme/")[1].split("</tr>")[0]
    assert '<span class="badge bad">1 failed</span>' in acme_row
    assert '<td data-col="senders">1<span class="muted small"> of 2 active</span>' in acme_row
    assert '<td data-col="setup">2/6 steps</td>' in acme_row
    bravo_row = listing.split("/t/bravo/")[1].split("</tr>")[0]
    assert '<td data-col="registrations">0</td>' in bravo_row
