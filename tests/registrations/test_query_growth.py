"""Every page a person or an application can open costs the same number of SQL queries whatever
the amount of data behind it: each list and detail page (tenant, staff and API) is rendered at
two data sizes, and a page whose query count grows with the data (an N+1) fails here.

It lives beside the engine's tests for their sandbox and synced catalog (detail pages read the
registration type's form). The walk takes its routes from the URL walk
(`tests/test_url_access.py`): every GET page without an object id, plus the detail pages below
with real objects of the tenant.
"""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from compliance.models import ConsentRecord
from messaging.checks import tenant_state_forget
from messaging.models import Message, MessageEvent, OptOut
from registrations.models import Registration, RegistrationVersion, Sender, StatusEvent
from registrations.states import Status
from tenants.api_keys import api_key_cache_forget, api_key_create
from tenants.models import AuditEntry
from tests.conftest import client_for
from tests.test_url_access import API_ROUTES, STAFF_ROUTES, TENANT_ROUTES

# Pages that run a fixed number of queries per object shown are still wrong when the number of
# objects grows with the data; the sizes differ tenfold so that any per-row query shows.
SMALL, LARGE = 3, 30
_serial = itertools.count(1)

# Registration statuses spread over the data, so every list (queue, pipeline, stuck, complete)
# has rows at both sizes.
STATUSES = [
    Status.DRAFT,
    Status.IN_REVIEW,
    Status.QUEUED,
    Status.SUBMISSION_FAILED,
    Status.SUBMITTED,
    Status.REVIEWING,
    Status.REQUIRES_UPDATES,
    Status.COMPLETE,
]


def _grow(tenant, actor, catalog_version, n: int) -> None:
    """Adds `n` registrations of each status (two versions each, with their timelines), ten
    messages per registration with events, opt-outs, consent records, senders and audit
    entries for the tenant, and the same for a second tenant that the staff pages also list."""
    now = timezone.now()
    long_ago = now - timedelta(days=120)
    types = ["US_TOLL_FREE_REGISTRATION", "US_TEN_DLC_BRAND_REGISTRATION"]
    for i in range(n):
        for status in STATUSES:
            k = next(_serial)
            registration = Registration.objects.create(
                tenant=tenant,
                registration_type=types[k % 2],
                name=f"Registration {k}",
                status=status,
                catalog=catalog_version,
                created_by=actor,
                aws_registration_id=f"registration-{k}" if status != Status.DRAFT else "",
                submitted_at=long_ago if status not in (Status.DRAFT, Status.IN_REVIEW) else None,
            )
            for number in (1, 2):
                RegistrationVersion.objects.create(
                    tenant=tenant,
                    registration=registration,
                    number=number,
                    locked_at=long_ago if status != Status.DRAFT else None,
                    denied_reasons=[{"reason": "Invalid opt-in", "short": "Opt-in"}],
                )
            previous = ""
            for step in (Status.DRAFT, Status.IN_REVIEW, status):
                StatusEvent.objects.create(
                    tenant=tenant,
                    registration=registration,
                    from_status=previous,
                    to_status=step,
                    actor_label="growth test",
                    created_at=long_ago,
                )
                previous = step
        sender = Sender.objects.create(
            tenant=tenant,
            registration=registration,
            kind="PHONE_NUMBER",
            value=f"+1833555{next(_serial):04d}",
            iso_country="US",
            number_type="TOLL_FREE",
            aws_id=f"phone-{next(_serial)}",
            status="ACTIVE",
        )
        for _ in range(10):
            k = next(_serial)
            message = Message.objects.create(
                tenant=tenant,
                sender=sender,
                destination=f"+1206555{k % 10000:04d}",
                iso_country="US",
                body="Growth test: your order shipped. Reply STOP to opt out.",
                message_type="TRANSACTIONAL",
                encoding="GSM",
                parts=1,
                status=Message.Status.DELIVERED,
            )
            MessageEvent.objects.create(
                tenant=tenant,
                message=message,
                event_type="TEXT_DELIVERED",
                occurred_at=now,
            )
        OptOut.objects.create(
            tenant=tenant, phone=f"+1425555{next(_serial) % 10000:04d}", source="api"
        )
        ConsentRecord.objects.create(
            tenant=tenant,
            phone_e164=f"+1425556{next(_serial) % 10000:04d}",
            action=ConsentRecord.Action.OPT_IN,
            text_shown="Yes, text me order updates.",
            source=ConsentRecord.Source.HOSTED_PAGE,
            confirmation=ConsentRecord.Confirmation.SENT,
        )
        for _ in range(5):
            AuditEntry.objects.create(
                tenant=tenant,
                actor=actor,
                actor_label=actor.email,
                action="business_profile.update",
                object_type="registration",
                object_id=str(registration.pk),
                after={"n": i},
            )


def _get_routes(routes) -> list[str]:
    return [r.route for r in routes if "<" not in r.route.replace("<slug:tenant_slug>", "")]


def _count(client, url: str, **headers) -> tuple[int, int]:
    # The API's caches (keys, tenant state, the month's spend) expire after seconds: start each
    # request from the same cold state so that only the data can make a difference.
    cache.clear()
    api_key_cache_forget()
    tenant_state_forget()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    return response.status_code, len(queries)


def _pages(tenant, registration, message) -> list[str]:
    slug = tenant.slug
    urls = [
        "/" + route.replace("<slug:tenant_slug>", slug)
        for route in _get_routes(TENANT_ROUTES) + _get_routes(STAFF_ROUTES)
    ]
    urls += [
        f"/t/{slug}/registrations/{registration.pk}/",
        f"/staff/registrations/{registration.pk}/",
        f"/staff/tenants/{slug}/",
    ]
    return urls


def _api(tenant) -> list[str]:
    return ["/" + route for route in _get_routes(API_ROUTES) if "schema" not in route]


@pytest.mark.django_db
def test_no_page_costs_more_queries_with_more_data(catalog, tenant_a, tenant_b, owen, sam, carol):
    issued = api_key_create(
        tenant=tenant_a, actor=owen, name="growth", scopes=["send", "read", "opt_outs", "webhooks"]
    )
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {issued.plaintext}"}
    _grow(tenant_a, owen, catalog, SMALL)
    _grow(tenant_b, carol, catalog, SMALL)
    registration = Registration.objects.filter(tenant=tenant_a, status=Status.IN_REVIEW).first()
    message = Message.objects.filter(tenant=tenant_a).first()
    pages = _pages(tenant_a, registration, message)
    api = _api(tenant_a)
    tenant_client, staff_client, api_client = client_for(owen), client_for(sam), client_for(None)

    def measure() -> dict[str, tuple[int, int]]:
        counts = {}
        for url in pages:
            client = staff_client if url.startswith("/staff/") else tenant_client
            counts[url] = _count(client, url)
        for url in api:
            counts[url] = _count(api_client, url, **bearer)
        return counts

    small = measure()
    _grow(tenant_a, owen, catalog, LARGE - SMALL)
    _grow(tenant_b, carol, catalog, LARGE - SMALL)
    large = measure()

    # POST-only actions answer a GET with 405 and run no page; every other page answers 200.
    answered = {url: status for url, (status, _) in small.items() if status != 405}
    assert all(status == 200 for status in answered.values()), answered
    assert len(answered) >= 30, "the walk lost its pages"
    grown = {url: (small[url][1], large[url][1]) for url in small if large[url][1] > small[url][1]}
    assert not grown, f"queries per page at {SMALL} and {LARGE} units of data: {grown}"


@pytest.mark.django_db
def test_long_lists_are_shown_a_page_at_a_time(catalog, tenant_a, owen, sam):
    """The lists that grow without bound show a page, the total, and the way to the next."""
    _grow(tenant_a, owen, catalog, 7)  # 56 registrations, 35 audit entries, 7 consent records
    for i in range(20):
        AuditEntry.objects.create(tenant=tenant_a, actor_label="x", action=f"extra.{i}")
    staff, owner = client_for(sam), client_for(owen)

    first = staff.get("/staff/audit/").content.decode()
    assert "Page 1 of 2 (55 in all)" in first
    assert first.count("<tr>") - 1 == 50  # the header row, then one row per entry
    second = staff.get("/staff/audit/?page=2").content.decode()
    assert second.count("<tr>") - 1 == 5

    page = owner.get(f"/t/{tenant_a.slug}/registrations/").content.decode()
    assert "Page 1 of 2 (56 in all)" in page
    tenant_page = staff.get(f"/staff/tenants/{tenant_a.slug}/?registrations_page=3").content
    assert "Page 3 of 3 (56 in all)" in tenant_page.decode()
    assert 'href="?registrations_page=2"' in tenant_page.decode()


@pytest.mark.django_db
def test_the_api_lists_registrations_by_cursor(catalog, tenant_a, owen):
    _grow(tenant_a, owen, catalog, 7)
    issued = api_key_create(tenant=tenant_a, actor=owen, name="pages", scopes=["read"])
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {issued.plaintext}"}
    client = client_for(None)
    seen, url = [], "/api/v1/registrations?limit=20"
    while url:
        body = client.get(url, **bearer).json()
        assert len(body["results"]) <= 20
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert len(seen) == len(set(seen)) == Registration.objects.filter(tenant=tenant_a).count()
    # Every row carries the reasons of its newest version (version 2 here).
    assert body["results"][-1]["reasons"] == [{"reason": "Invalid opt-in", "description": "Opt-in"}]
