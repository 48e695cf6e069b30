"""The tenant's sending pages (/t/<slug>/senders/, messages/, opt-outs/, webhooks/) and the
dashboard's live summary: what each shows, hostile input answered with what to fix (never a
500, nothing half-written), opt-outs through the one truth with the AWS list following (the
sandbox over HTTP), webhook secrets shown once, and another tenant's objects out of reach."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from compliance.models import ConsentRecord, SmsProgram
from messaging.models import Message, MessageEvent, OptOut, WebhookDelivery, WebhookEndpoint
from registrations import overlay
from registrations.aws import operations as aws
from registrations.aws.gateway import Gateway
from registrations.models import (
    CatalogVersion,
    FieldValue,
    Registration,
    RegistrationVersion,
    Sender,
    SendingSetup,
)
from tenants.models import AuditEntry
from tests.conftest import client_for
from tests.messaging.conftest import US_OK

LIST = "portal-acme"


def _message(tenant, sender, *, to=US_OK, status="DELIVERED", body="Your code is 1234", **kw):
    return Message.objects.create(
        tenant=tenant, sender=sender, destination=to, iso_country="US", body=body,
        message_type="TRANSACTIONAL", encoding="GSM", parts=1, status=status,
        estimated_price=Decimal("0.00581"), **kw,
    )  # fmt: skip


def _campaign(tenant, admin) -> Registration:
    catalog, _ = CatalogVersion.objects.get_or_create(number=1, defaults={"digest": "0" * 64})
    registration = Registration.objects.create(
        tenant=tenant, registration_type=overlay.CAMPAIGN, name="Order alerts",
        catalog=catalog, created_by=admin, status="COMPLETE",
    )  # fmt: skip
    version = RegistrationVersion.objects.create(
        tenant=tenant, registration=registration, number=1, aws_status="APPROVED"
    )
    for path, text in (
        ("campaignInfo.helpMessage", "Acme: help at acme.example. Msg&data rates may apply."),
        ("campaignInfo.stopMessage", "Acme: you are unsubscribed, no more messages."),
    ):
        FieldValue.objects.create(tenant=tenant, version=version, field_path=path, text_value=text)
    return registration


# --- Senders -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_senders_show_type_country_status_throughput_registration_and_keywords(
    tenant_a, bob, alice
):
    campaign = _campaign(tenant_a, alice)
    Sender.objects.create(
        tenant=tenant_a, registration=campaign, kind="PHONE_NUMBER", value="+12065550199",
        iso_country="US", number_type="TEN_DLC", aws_id="phone-10dlc", status="ACTIVE",
        parts_per_second_override=15,
    )  # fmt: skip
    Sender.objects.create(
        tenant=tenant_a, kind="SENDER_ID", value="ACME", iso_country="GB", aws_id="sid-gb",
        status="PENDING",
    )  # fmt: skip
    page = client_for(bob).get("/t/acme/senders/")  # a member sees them
    assert page.status_code == 200
    html = page.content.decode()
    assert "+12065550199" in html and "10DLC number" in html and "United States (US)" in html
    assert "15 message parts per second" in html and "raised by AWS" in html
    assert f"/t/acme/registrations/{campaign.pk}/" in html and "Order alerts" in html
    assert "help at acme.example" in html and "you are unsubscribed" in html
    assert "ACME" in html and "Sender ID" in html and "United Kingdom (GB)" in html
    assert "Pending" in html and "AWS and the carriers are still setting it up" in html
    assert "10 message parts per second" in html  # a sender ID's default
    assert "1 of 2 active" in html


# --- Messages ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_message_search_by_number_status_and_dates_is_paged(tenant_a, sender_a, bob):
    now = timezone.now()
    for i in range(55):
        _message(tenant_a, sender_a, body=f"code {i}")
    old = _message(tenant_a, sender_a, to="+12065550142", status="FAILED")
    Message.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=40))
    client = client_for(bob)

    first = client.get("/t/acme/messages/")
    assert first.status_code == 200
    assert first.content.decode().count("data-message=") == 50
    assert "Page 1 of 2 (56 in all)" in first.content.decode()
    second = client.get("/t/acme/messages/?page=2")
    assert second.content.decode().count("data-message=") == 6

    # The number as people write it, read in the profile's country (US by default).
    by_number = client.get("/t/acme/messages/", {"to": "(206) 555-0142"})
    assert by_number.status_code == 200
    assert by_number.content.decode().count("data-message=") == 1
    failed = client.get("/t/acme/messages/", {"status": "FAILED"})
    assert failed.content.decode().count("data-message=") == 1
    since = (now - timedelta(days=2)).date().isoformat()
    recent = client.get("/t/acme/messages/", {"since": since, "to": "+1 425 414 7755"})
    assert "55 in all" in recent.content.decode()
    day = (now - timedelta(days=40)).date().isoformat()
    that_day = client.get("/t/acme/messages/", {"since": day, "until": day})
    assert that_day.content.decode().count("data-message=") == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "says"),
    [
        ({"to": "call me"}, "with its country code"),
        ({"to": "+1 000"}, "not a valid phone number"),
        ({"status": "'; DROP TABLE"}, "Select a valid choice"),
        ({"since": "2025-13-45"}, "Enter a valid date"),
        ({"since": "2025-06-02", "until": "2025-06-01"}, "before the start date"),
        ({"since": "2020-01-01", "until": "2025-01-01"}, "at most 366 days"),
        ({"to": "\x00" * 4}, "Null characters are not allowed"),
        ({"to": "+1" * 40}, "at most 32 characters"),
    ],
)
def test_hostile_message_searches_say_what_to_fix(tenant_a, bob, sender_a, query, says):
    _message(tenant_a, sender_a)
    response = client_for(bob).get("/t/acme/messages/", query)
    assert response.status_code == 400
    html = response.content.decode()
    assert says in html
    assert "data-message=" not in html


@pytest.mark.django_db
def test_a_page_number_that_is_not_one_gives_a_page(tenant_a, bob, sender_a):
    _message(tenant_a, sender_a)
    for value in ("x", "-1", "99999999999999999999"):
        response = client_for(bob).get("/t/acme/messages/", {"page": value})
        assert response.status_code == 200
        assert response.content.decode().count("data-message=") == 1


@pytest.mark.django_db
def test_a_message_shows_its_events_in_plain_words_and_its_cost(tenant_a, bob, sender_a):
    message = _message(tenant_a, sender_a, body="Your order shipped", aws_message_id="aws-1")
    at = timezone.now()
    for offset, event_type, final in ((0, "TEXT_SUCCESSFUL", False), (2, "TEXT_DELIVERED", True)):
        MessageEvent.objects.create(
            tenant=tenant_a, message=message, event_type=event_type, is_final=final,
            description="ok", occurred_at=at + timedelta(seconds=offset),
        )  # fmt: skip
    html = client_for(bob).get(f"/t/acme/messages/{message.pk}/").content.decode()
    assert html.index("Accepted by the carrier") < html.index("Delivered to the phone")
    assert "TEXT_DELIVERED" in html  # the code beside the words
    assert "$0.00581" in html and "1 part × $0.00581 per part to US" in html
    assert "Your order shipped" in html and "aws-1" in html


@pytest.mark.django_db
def test_a_long_message_abroad_is_estimated_per_part(tenant_a, bob, sender_a):
    message = _message(tenant_a, sender_a, to="+447700900123", status="SENT")
    Message.objects.filter(pk=message.pk).update(
        iso_country="GB", parts=3, estimated_price=Decimal("0.12")
    )
    html = client_for(bob).get(f"/t/acme/messages/{message.pk}/").content.decode()
    assert 'data-estimate="0.12000"' in html
    assert "3 parts × $0.04000 per part to GB" in html
    assert "No event from AWS yet" in html


# --- Opt-outs ------------------------------------------------------------------------------


@pytest.fixture
def aws_list(sandbox, tenant_a):
    aws.opt_out_list_create(Gateway(), name=LIST)
    SendingSetup.objects.create(tenant=tenant_a, opt_out_list_name=LIST)
    return LIST


def _at_aws() -> set[str]:
    return {item.number for item in aws.opted_out_numbers_list(Gateway(), opt_out_list=LIST)}


@pytest.mark.django_db(transaction=True)
def test_a_member_adds_an_opt_out_and_an_admin_lifts_it_with_aws_following(
    aws_list, tenant_a, bob, alice, sender_a, api_a
):
    added = client_for(bob).post(
        "/t/acme/opt-outs/add/", {"phone": "(425) 414-7755", "reason": "Called to stop"}
    )
    assert added.status_code == 302
    row = OptOut.objects.get(tenant=tenant_a)
    assert (row.phone, row.message_type, row.source) == (US_OK, "", "portal")
    record = ConsentRecord.objects.get(tenant=tenant_a)
    assert (record.action, record.source) == ("opt_out", "portal")
    assert "bob@acme.example" in record.text_shown and "Called to stop" in record.text_shown
    assert AuditEntry.objects.filter(action="opt_out.add", actor=bob).exists()
    assert US_OK in _at_aws()
    refused = api_a.post("messages", {"to": US_OK, "body": "Your code is 1"})
    assert refused.json()["error"]["code"] == "opted_out"
    listed = client_for(bob).get("/t/acme/opt-outs/").content.decode()
    assert f'data-opt-out="{US_OK}"' in listed and "Added in the portal" in listed
    assert "Opt back in" not in listed  # lifting is for owners and admins

    assert client_for(bob).post(f"/t/acme/opt-outs/{row.pk}/remove/").status_code == 403
    no_reason = client_for(alice).post(f"/t/acme/opt-outs/{row.pk}/remove/", {"reason": " "})
    assert no_reason.status_code == 302
    assert OptOut.objects.filter(pk=row.pk).exists()  # nothing lifted without a reason
    lifted = client_for(alice).post(
        f"/t/acme/opt-outs/{row.pk}/remove/", {"reason": "Texted START on 4 Dec"}
    )
    assert lifted.status_code == 302
    assert not OptOut.objects.filter(tenant=tenant_a).exists()
    opt_in = ConsentRecord.objects.get(action="opt_in")
    assert opt_in.source == "portal" and "Texted START" in opt_in.text_shown
    assert US_OK not in _at_aws()
    assert api_a.post("messages", {"to": US_OK, "body": "Your code is 2"}).status_code == 202


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("form", "says"),
    [
        ({"phone": "", "reason": "asked"}, "This field is required"),
        ({"phone": "hello", "reason": "asked"}, "country code"),
        ({"phone": "+1 555", "reason": "asked"}, "not a valid phone number"),
        ({"phone": US_OK, "reason": ""}, "This field is required"),
        ({"phone": US_OK, "reason": "x" * 201}, "at most 200 characters"),
        ({"phone": US_OK, "reason": "asked", "message_type": "PROMOTIONAL"}, "per kind"),
        ({"phone": US_OK, "reason": "asked", "message_type": "SPAM"}, "valid choice"),
    ],
)
def test_an_opt_out_that_cannot_be_taken_says_why_and_writes_nothing(tenant_a, bob, form, says):
    response = client_for(bob).post("/t/acme/opt-outs/add/", form)
    assert response.status_code == 400
    assert says in response.content.decode()
    assert not OptOut.objects.exists() and not ConsentRecord.objects.exists()


@pytest.mark.django_db
def test_kind_opt_outs_where_the_program_collects_them(tenant_a, bob):
    SmsProgram.objects.create(
        tenant=tenant_a, program_name="Acme", description="codes and deals",
        use_cases=[{"key": "codes", "label": "codes"}], kind_opt_outs=True,
    )  # fmt: skip
    form = {"phone": US_OK, "reason": "no deals", "message_type": "PROMOTIONAL"}
    assert client_for(bob).post("/t/acme/opt-outs/add/", form).status_code == 302
    assert OptOut.objects.get().message_type == "PROMOTIONAL"
    again = client_for(bob).post("/t/acme/opt-outs/add/", form, follow=True)
    assert "already opted out" in again.content.decode()
    assert OptOut.objects.count() == 1 and ConsentRecord.objects.count() == 1


@pytest.mark.django_db
def test_opt_out_search_export_and_import(tenant_a, alice, bob):
    for n in range(3):
        client_for(bob).post(
            "/t/acme/opt-outs/add/", {"phone": f"+1206555014{n}", "reason": "asked"}
        )
    found = client_for(bob).get("/t/acme/opt-outs/", {"q": "(206) 555-0141"}).content.decode()
    assert found.count("data-opt-out=") == 1 and "+12065550141" in found
    nothing = client_for(bob).get("/t/acme/opt-outs/", {"q": "<script>"}).content.decode()
    assert nothing.count("data-opt-out=") == 3  # no digits: no filter; the text is escaped
    assert "<script>" not in nothing

    export = client_for(bob).get("/t/acme/opt-outs/export.csv")
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    text = b"".join(export.streaming_content).decode()
    lines = text.strip().splitlines()
    assert lines[0] == '"phone","type","source","created_at"'
    assert len(lines) == 4 and '"+12065550140","","portal"' in lines[1]

    # The export's own format imports, with new numbers beside the known ones.
    upload = io.BytesIO((text + '"+1 425 414 7766","",""\n').encode())
    upload.name = "opt-outs.csv"
    imported = client_for(alice).post(
        "/t/acme/opt-outs/import/", {"file": upload, "reason": "From the old provider"}
    )
    assert imported.status_code == 302
    assert OptOut.objects.filter(tenant=tenant_a).count() == 4
    assert OptOut.objects.get(phone="+14254147766").source == "portal"
    assert AuditEntry.objects.get(action="opt_out.import").after["added"] == 1

    plain = io.BytesIO(b"206-555-0150\n+12065550151\n")
    plain.name = "numbers.csv"
    assert (
        client_for(bob).post("/t/acme/opt-outs/import/", {"file": plain, "reason": "x"}).status_code
        == 403
    )  # importing is for owners and admins


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"+12065550150\nnot a number\n+12065550151\n", "line 2"),
        (b"phone,type\n+12065550150,SPAM\n", "line 2 (type"),
        (b"\xff\xfe\x00garbage", "UTF-8"),
        (b"", "empty"),
        (b"\n\n", "no numbers"),
        (b"+12065550150\n" * 1001, "at most 1000"),
    ],
)
def test_a_bad_import_imports_nothing_and_says_where(tenant_a, alice, content, says):
    upload = io.BytesIO(content)
    upload.name = "opt-outs.csv"
    response = client_for(alice).post(
        "/t/acme/opt-outs/import/", {"file": upload, "reason": "migration"}
    )
    assert response.status_code == 400
    assert says in response.content.decode()
    assert not OptOut.objects.exists() and not ConsentRecord.objects.exists()


# --- Webhooks ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://hooks.example.com/sms", "https"),
        ("https://127.0.0.1/sms", "not reachable from the public internet"),
        ("https://10.0.0.5/sms", "not reachable from the public internet"),
        ("not a url", "contains spaces"),
        ("", "This field is required"),
    ],
)
def test_webhook_urls_are_checked_as_the_api_checks_them(tenant_a, alice, url, says):
    response = client_for(alice).post("/t/acme/webhooks/", {"url": url})
    assert response.status_code == 400
    assert says in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.django_db
def test_webhook_add_edit_rotate_remove_shows_the_secret_once(tenant_a, alice, bob):
    assert client_for(bob).get("/t/acme/webhooks/").status_code == 403
    client = client_for(alice)
    created = client.post(
        "/t/acme/webhooks/",
        {"url": "https://hooks.acme.example/sms", "event_types": ["message.delivered"]},
    )
    assert created.status_code == 201
    endpoint = WebhookEndpoint.objects.get(tenant=tenant_a)
    assert endpoint.secret in created.content.decode()
    assert endpoint.event_types == ["message.delivered"]
    page = client.get(f"/t/acme/webhooks/{endpoint.pk}/").content.decode()
    assert endpoint.secret not in page  # shown once

    WebhookDelivery.objects.create(
        tenant=tenant_a, endpoint=endpoint, event_type="message.delivered", payload={},
        status="FAILED", attempts=6, last_result="5xx",
    )  # fmt: skip
    page = client.get(f"/t/acme/webhooks/{endpoint.pk}/").content.decode()
    assert "Failed after all retries" in page and "The receiver answered 5xx" in page

    edited = client.post(
        f"/t/acme/webhooks/{endpoint.pk}/", {"url": "https://new.acme.example/sms", "active": ""}
    )
    assert edited.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.event_types, endpoint.active) == (
        "https://new.acme.example/sms", [], False
    )  # fmt: skip
    bad = client.post(f"/t/acme/webhooks/{endpoint.pk}/", {"url": "https://192.168.1.2/x"})
    assert bad.status_code == 400
    endpoint.refresh_from_db()
    assert endpoint.url == "https://new.acme.example/sms"

    old = endpoint.secret
    rotated = client.post(f"/t/acme/webhooks/{endpoint.pk}/rotate/")
    assert rotated.status_code == 200
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.previous_secret == old
    assert endpoint.secret in rotated.content.decode()
    assert old not in rotated.content.decode()
    assert AuditEntry.objects.filter(action="webhook.rotate_secret", actor=alice).exists()

    removed = client.post(f"/t/acme/webhooks/{endpoint.pk}/remove/")
    assert removed.status_code == 302
    assert not WebhookEndpoint.objects.exists()
    assert client.post(f"/t/acme/webhooks/{endpoint.pk}/rotate/").status_code == 404


# --- Isolation -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_tenant_b_cannot_see_or_touch_tenant_as_objects(tenant_a, tenant_b, alice, carol, sender_a):
    message = _message(tenant_a, sender_a)
    client_for(alice).post("/t/acme/opt-outs/add/", {"phone": US_OK, "reason": "asked"})
    opt_out = OptOut.objects.get()
    endpoint = WebhookEndpoint.objects.create(
        tenant=tenant_a, url="https://hooks.acme.example/sms", secret="whsec_a"
    )
    b = client_for(carol)  # admin of B
    assert b.get(f"/t/bravo/messages/{message.pk}/").status_code == 404
    assert b.post(f"/t/bravo/opt-outs/{opt_out.pk}/remove/", {"reason": "x"}).status_code == 404
    for action in ("", "rotate/", "remove/"):
        assert (
            b.post(f"/t/bravo/webhooks/{endpoint.pk}/{action}", {"url": "https://x.io"}).status_code
            == 404
        )
    assert b.get(f"/t/bravo/webhooks/{endpoint.pk}/").status_code == 404
    assert b.get("/t/acme/senders/").status_code == 404  # not a member of A
    for page in ("senders/", "messages/", "opt-outs/", "opt-outs/export.csv"):
        response = b.get(f"/t/bravo/{page}")
        body = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode()
        assert US_OK not in body and sender_a.value not in body, page
    assert OptOut.objects.filter(pk=opt_out.pk).exists()
    endpoint.refresh_from_db()
    assert (endpoint.secret, endpoint.url) == ("whsec_a", "https://hooks.acme.example/sms")


# --- Dashboard -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_dashboard_says_what_is_live_and_what_is_next(tenant_a, alice, sender_a):
    html = client_for(alice).get("/t/acme/").content.decode()
    assert "Create an API key" in html  # an active sender, no key yet
    client_for(alice).post("/t/acme/api-keys/", {"name": "app", "scopes": ["send", "read"]})
    html = client_for(alice).get("/t/acme/").content.decode()
    assert "Send your first message" in html
    _message(tenant_a, sender_a)
    _message(tenant_a, sender_a, status="FAILED")
    html = client_for(alice).get("/t/acme/").content.decode()
    assert "You are live" in html
    assert "Messages this month" in html and "1 delivered · 1 failed" in html
    assert "Active senders" in html


@pytest.mark.django_db
def test_the_dashboard_points_a_new_tenant_at_its_first_step(tenant_a, bob):
    html = client_for(bob).get("/t/acme/").content.decode()
    assert "Complete your business profile" in html
    catalog, _ = CatalogVersion.objects.get_or_create(number=1, defaults={"digest": "0" * 64})
    registration = Registration.objects.create(
        tenant=tenant_a, registration_type=overlay.TOLL_FREE, name="Alerts", catalog=catalog,
        status="CHANGES_REQUESTED",
    )  # fmt: skip
    html = client_for(bob).get("/t/acme/").content.decode()
    assert "Alerts: Fix the fields your provider commented on" in html
    assert f"/t/acme/registrations/{registration.pk}/" in html
