"""The compliance kit's confirmation hook, and naming one's own sender."""

from __future__ import annotations

import pytest

from messaging.confirmation import confirmation_sender
from messaging.models import Message
from registrations.models import Sender
from tests.messaging.conftest import US_OK

pytestmark = pytest.mark.django_db


def test_no_sender_means_no_confirmation_sender(tenant_a):
    assert confirmation_sender(tenant_a) is None


def test_confirmation_goes_through_the_sending_path(tenant_a, sender_a):
    hook = confirmation_sender(tenant_a)
    message_id = hook.send(phone_e164=US_OK, body="Acme: you're subscribed. Reply STOP to opt out.")
    message = Message.objects.get()
    assert message_id == str(message.pk)
    assert (message.sender, message.message_type, message.api_key) == (
        sender_a, "TRANSACTIONAL", None,
    )  # fmt: skip


def test_naming_a_sender(api_a, sender_a, tenant_a):
    other = Sender.objects.create(
        tenant=tenant_a, kind="PHONE_NUMBER", value="+18335550111", iso_country="US",
        number_type="TOLL_FREE", aws_id="phone-a2", status="ACTIVE",
    )  # fmt: skip
    response = api_a.post("messages", {"to": US_OK, "body": "hi", "sender": "+18335550111"})
    assert response.status_code == 202
    assert Message.objects.get().sender == other
    refused = api_a.post("messages", {"to": US_OK, "body": "hi", "sender": "+18335550200"})
    assert refused.status_code == 422
    assert refused.json()["error"] == {
        "code": "sender_not_active",
        "message": "+18335550200 is not an active sender of this account for US.",
        "field": "sender",
    }
