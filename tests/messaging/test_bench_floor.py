"""The acceptance floor of bench/accept_floor.py writes the messages table with raw SQL; a column
added to the table without a default breaks the bench only when someone runs it. This runs the
floor's own statements once against the test database, so the suite notices first."""

from __future__ import annotations

import json

from django.db import connection, transaction

from bench.accept_floor import INSERT_IDEMPOTENCY, INSERT_MESSAGE
from messaging.models import Message


def test_the_floors_inserts_fit_the_current_tables(tenant_a, key_a, sender_a):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            INSERT_MESSAGE,
            [tenant_a.pk, key_a.key.pk, sender_a.pk, "+14254147755", "US", "floor body"],
        )
        message_id = cursor.fetchone()[0]
        cursor.execute(
            INSERT_IDEMPOTENCY, [tenant_a.pk, key_a.key.pk, "floor-1", json.dumps({"id": 1})]
        )
    message = Message.objects.get(pk=message_id)
    assert (message.tenant_id, message.body, message.status) == (
        tenant_a.pk,
        "floor body",
        "ACCEPTED",
    )
