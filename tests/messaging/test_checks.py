"""Each check before a message is accepted refuses with its own error and stores nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from compliance.models import MessageTemplate, TenantTemplatePolicy
from messaging.checks import ApiRefusal, message_check
from messaging.models import Message, OptOut, SendingPolicy
from messaging.text import encoding_and_parts
from tests.messaging.conftest import US_OK

pytestmark = pytest.mark.django_db


def _refusal(api, body: dict) -> tuple[int, dict]:
    response = api.post("messages", body)
    assert Message.objects.count() == 0
    return response.status_code, response.json()["error"]


def test_not_e164(api_a, sender_a):
    assert _refusal(api_a, {"to": "4254147755", "body": "hi"}) == (
        422, {"code": "invalid_destination", "message": "Write the number in E.164 (+ and digits).",
              "field": "to"},
    )  # fmt: skip


def test_no_registered_sender_names_the_registration_to_complete(api_a):
    status, error = _refusal(api_a, {"to": "+447860019066", "body": "hi"})
    assert status == 422
    assert error == {
        "code": "no_registered_sender",
        "message": "No registered sender for GB: complete a sender ID registration "
        "(GB_SENDER_ID_REGISTRATION) first.",
        "field": "to",
    }


def test_inactive_sender_does_not_count(api_a, sender_a):
    sender_a.status = "PENDING"
    sender_a.save()
    assert _refusal(api_a, {"to": US_OK, "body": "hi"})[1]["code"] == "no_registered_sender"


def test_opted_out(api_a, sender_a, tenant_a):
    OptOut.objects.create(tenant=tenant_a, phone=US_OK, source="api")
    message = f"{US_OK} has opted out of every message from this account."
    assert _refusal(api_a, {"to": US_OK, "body": "hi"}) == (
        422, {"code": "opted_out", "message": message, "field": "to"}
    )  # fmt: skip


def test_country_allow_list(api_a, sender_a, tenant_a):
    SendingPolicy.objects.create(tenant=tenant_a, allowed_countries=["CA"])
    assert _refusal(api_a, {"to": US_OK, "body": "hi"}) == (
        422, {"code": "country_not_allowed",
              "message": "US is not among this account's sending countries (CA).", "field": "to"},
    )  # fmt: skip


def test_spend_cap(api_a, sender_a, tenant_a):
    SendingPolicy.objects.create(tenant=tenant_a, monthly_spend_cap=Decimal("0.01"))
    assert api_a.post("messages", {"to": US_OK, "body": "one"}).status_code == 202
    from django.core.cache import cache

    cache.clear()
    response = api_a.post("messages", {"to": US_OK, "body": "two"})
    assert response.status_code == 402
    assert response.json()["error"] == {
        "code": "spend_cap_reached",
        "message": "This month's spend cap of $0.01 would be exceeded by this message.",
        "field": None,
    }  # fmt: skip
    assert Message.objects.count() == 1


def test_quiet_hours_for_promotions_in_the_recipients_zone(tenant_a, sender_a):
    # 05:00 UTC is 21:00 or 22:00 in Seattle (+1425…): quiet; transactional still goes.
    late = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)
    with pytest.raises(ApiRefusal) as refused:
        message_check(tenant=tenant_a, to=US_OK, body="Sale!", message_type="PROMOTIONAL", now=late)
    assert refused.value.code == "quiet_hours"
    assert refused.value.message == (
        "Promotional messages are not sent between 21:00 and 8:00 in the recipient's time zone."
    )
    message_check(tenant=tenant_a, to=US_OK, body="Code 1", message_type="TRANSACTIONAL", now=late)
    noon = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)  # 12:00 in Seattle
    assert (
        message_check(
            tenant=tenant_a, to=US_OK, body="Sale!", message_type="PROMOTIONAL", now=noon
        ).sender
        == sender_a
    )


def test_template_restriction(api_a, sender_a, tenant_a):
    TenantTemplatePolicy.objects.create(tenant=tenant_a, templates_only=True)
    MessageTemplate.objects.create(
        name="code", use_case="otp", body="Your Acme code is [code]. Reply STOP to opt out."
    )
    assert _refusal(api_a, {"to": US_OK, "body": "Free money!"})[1] == {
        "code": "template_required",
        "message": "This account may only send messages that fill in an approved template.",
        "field": "body",
    }
    ok = api_a.post(
        "messages", {"to": US_OK, "body": "Your Acme code is 4411. Reply STOP to opt out."}
    )
    assert ok.status_code == 202


def test_body_too_long(api_a, sender_a):
    status, error = _refusal(api_a, {"to": US_OK, "body": "ê" * 631})
    assert (status, error["code"], error["field"]) == (422, "body_too_long", "body")
    assert error["message"] == (
        "The message is 631 UCS-2 characters (UTF-16 units); AWS sends at most 630 (a "
        "character outside GSM-7 makes the whole message UCS-2)."
    )


@pytest.mark.parametrize(
    "body,expected",
    [
        ("a" * 160, ("GSM", 1, 160)),
        ("a" * 161, ("GSM", 2, 161)),
        ("[" * 80, ("GSM", 1, 160)),
        ("[" * 81, ("GSM", 2, 162)),
        ("é" * 160, ("GSM", 1, 160)),
        ("ü" * 70, ("GSM", 1, 70)),
        ("ê" * 70, ("UNICODE", 1, 70)),
        ("ê" * 71, ("UNICODE", 2, 71)),
        ("😀" * 35, ("UNICODE", 1, 70)),
        ("a" * 153 * 3, ("GSM", 3, 459)),
    ],
)
def test_segments(body, expected):
    assert encoding_and_parts(body) == expected
