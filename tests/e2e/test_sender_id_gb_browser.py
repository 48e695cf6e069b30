"""A tenant admin registers a United Kingdom sender ID in the browser, from "Get registered" to
a sent message (issue 19): the wizard asks the sender ID (AWS's form has no field for it) and
refuses a generic one; staff approve through the service, a real Celery worker submits, the
sandbox approves, the worker requests the sender ID, associates it and sets up sending; the
registration page then says it can send; the admin creates an API key in the browser and the
API sends through the sender ID."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest
from playwright.sync_api import expect

from messaging.models import Message
from registrations.models import Registration, Sender, SendingSetup
from registrations.services import review, tracking
from registrations.states import Status
from tests.e2e.conftest import wait_for
from tests.e2e.registration_helpers import Shots, sign_in, walk_wizard
from tests.registrations.test_engine import _profile

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

GB = "GB_SENDER_ID_REGISTRATION"
GB_OK = "+447860019066"  # the AWS simulator's United Kingdom success number
GB_VALUES = {
    "portal.senderId": "ACMEANVILS",
    "companyInfo.companyName": "Acme Anvils Ltd",
    "messagingUseCase.monthlyMessageVolume": ["1,000"],
}


def _post_json(url: str, key: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={
            "Authorization": f"Bearer {key}",
            "Content-Type": "application/json",
            "Idempotency-Key": "gb-browser-1",
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (the live server)
        return response.status, json.loads(response.read())


def test_gb_sender_id_from_get_registered_to_a_sent_message(
    page, live_server, catalog, sandbox, tenant_a, alice, sam, celery_worker
):
    _profile(tenant_a)
    base = live_server.url
    shot = Shots(page, "sender_id_gb")
    sign_in(page, base, alice.email)
    page.goto(f"{base}/t/{tenant_a.slug}/registrations/start/")
    page.get_by_label(re.compile("alphanumeric name")).check()
    page.locator(f'input[name=sender_id_types][value="{GB}"]').check()
    shot("get registered gb")
    page.get_by_role("button", name="Start").click()
    registration = Registration.objects.get(tenant=tenant_a, registration_type=GB)

    # The first step asks the sender ID; a generic word is refused at the field.
    sender_field = page.locator('.wfield[data-path="portal.senderId"]')
    expect(sender_field).to_be_visible()
    sender_field.locator("input").fill("OTP")
    page.get_by_role("button", name=re.compile("Save and (continue|review)")).click()
    page.wait_for_load_state()
    expect(sender_field).to_contain_text("is a generic word, not your brand")
    shot("generic sender id refused")
    walk_wizard(page, GB_VALUES, None, shot, "gb sender id")
    expect(page.get_by_text("ACMEANVILS")).to_be_visible()
    shot("gb review")
    page.get_by_role("button", name="Send for review").click()
    expect(page.locator("#status")).to_have_text("In provider review")

    review.version_approve(actor=sam, registration=registration)  # the worker submits it
    wait_for(
        lambda: Registration.objects.get(pk=registration.pk).status == Status.SUBMITTED,
        timeout=30,
        log_path=celery_worker,
        what="the worker to submit the GB registration",
    )
    registration.refresh_from_db()
    sandbox.decide(registration.aws_registration_id, 1, "approve")
    tracking.reconcile_pass(force=True)  # COMPLETE; provisioning runs on the worker
    wait_for(
        lambda: (
            Sender.objects.filter(registration=registration, status="ACTIVE").exists()
            and SendingSetup.objects.filter(tenant=tenant_a).exclude(pool_id="").exists()
        ),
        timeout=30,
        log_path=celery_worker,
        what="the worker to request the sender ID and set up sending",
    )
    assert [c["Parameters"]["SenderId"] for c in sandbox.calls("RequestSenderId")] == ["ACMEANVILS"]
    page.goto(f"{base}/t/{tenant_a.slug}/registrations/{registration.pk}/")
    expect(page.locator("[data-status]").first).to_have_attribute("data-status", "COMPLETE")
    expect(page.get_by_text("Nothing: you can send")).to_be_visible()
    shot("gb complete ready to send")

    page.goto(f"{base}/t/{tenant_a.slug}/api-keys/")
    page.get_by_label("Name").fill("checkout app")
    page.get_by_role("button", name="Create key").click()
    key = page.locator("#issued-key").input_value()
    assert key.startswith("smsk_")
    status, created = _post_json(
        f"{base}/api/v1/messages",
        key,
        {"to": GB_OK, "body": "Acme Anvils: your order has shipped.", "type": "TRANSACTIONAL"},
    )
    assert status == 202, created
    wait_for(
        lambda: Message.objects.get(pk=created["id"]).status in ("SENT", "DELIVERED"),
        timeout=30,
        log_path=celery_worker,
        what="the worker to send the message",
    )
    sent = [
        m
        for m in sandbox.request("GET", "/_sandbox/messages")["messages"]
        if m["DestinationPhoneNumber"] == GB_OK
    ]
    assert [m["OriginationIdentity"] for m in sent] == ["ACMEANVILS"]
    assert sent[0]["Events"][-1]["eventType"] == "TEXT_DELIVERED"
