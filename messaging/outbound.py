"""Webhooks to tenants: one delivery per endpoint and event, signed with HMAC-SHA256 over
`<timestamp>.<body>` (header `X-Portal-Signature: t=<unix>,v1=<hex>[,v1=<hex of the previous
secret during a rotation>]`), retried with exponential backoff, every attempt logged. Requests
go through the guarded client of portal/outbound_http.py; the tenant sees a result class."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time

from django.utils import timezone

from messaging.models import WebhookDelivery, WebhookEndpoint
from portal import outbound_http
from portal.enqueue import enqueue
from tenants.models import Tenant

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
# Every request goes through the guarded client (portal/outbound_http.py): no private
# addresses, no redirects, these limits.
CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 5.0
TOTAL_TIMEOUT = 10.0
MAX_RESPONSE_BYTES = 64 * 1024


def signature_header(body: bytes, secrets: list[str], timestamp: int) -> str:
    signed = f"{timestamp}.".encode() + body
    parts = [f"t={timestamp}"] + [
        "v1=" + hmac.new(s.encode(), signed, hashlib.sha256).hexdigest() for s in secrets if s
    ]
    return ",".join(parts)


def signature_verify(body: bytes, header: str, secret: str, tolerance: int = 300) -> bool:
    """What a tenant's receiver does (documented in docs/sending-api.md; used by the tests)."""
    items = [p.split("=", 1) for p in header.split(",") if "=" in p]
    stamps = [v for k, v in items if k == "t"]
    if not stamps or abs(time.time() - int(stamps[0])) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{stamps[0]}.".encode() + body, hashlib.sha256)
    return any(hmac.compare_digest(v, expected.hexdigest()) for k, v in items if k == "v1")


def webhook_event_emit(*, tenant: Tenant, event_type: str, data: dict) -> list[int]:
    endpoints = [
        e
        for e in WebhookEndpoint.objects.filter(tenant=tenant, active=True)
        if not e.event_types or event_type in e.event_types
    ]
    if not endpoints:
        return []
    payload = {"type": event_type, "created": int(time.time()), "data": data}
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(tenant=tenant, endpoint=e, event_type=event_type, payload=payload)
        for e in endpoints
    )
    ids = [d.pk for d in deliveries]
    for pk in ids:  # each once the transaction commits
        enqueue("messaging.tasks.webhook_deliver_webhook_task", tenant.pk, pk)
    return ids


def webhook_attempt(*, tenant_id: int, delivery_id: int) -> str:
    """One attempt: `done`, `retry` or `failed` (after MAX_ATTEMPTS)."""
    delivery = (
        WebhookDelivery.objects.select_related("endpoint")
        .filter(tenant_id=tenant_id, pk=delivery_id)
        .first()
    )
    if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
        return "done"
    endpoint = delivery.endpoint
    body = json.dumps({"id": delivery.pk, **delivery.payload}, separators=(",", ":")).encode()
    secrets = [endpoint.secret]
    if endpoint.previous_secret and (endpoint.previous_valid_until or timezone.now()) > (
        timezone.now()
    ):
        secrets.append(endpoint.previous_secret)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "sms-portal-webhooks/1",
        "X-Portal-Event": delivery.event_type,
        "X-Portal-Delivery": str(delivery.pk),
        "X-Portal-Signature": signature_header(body, secrets, int(time.time())),
    }
    outcome = outbound_http.post(
        endpoint.url, body, headers, connect_timeout=CONNECT_TIMEOUT, read_timeout=READ_TIMEOUT,
        total_timeout=TOTAL_TIMEOUT, max_body=MAX_RESPONSE_BYTES,
    )  # fmt: skip
    attempts = delivery.attempts + 1
    if outcome.result == outbound_http.RESULT_2XX:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=WebhookDelivery.Status.SUCCEEDED, attempts=attempts,
            last_status_code=outcome.status_code, last_result=outcome.result,
            delivered_at=timezone.now(),
        )  # fmt: skip
        return "done"
    # The details (addresses, socket errors) stay in the server log; the tenant sees the class.
    log.info(
        "webhook delivery %s to endpoint %s: %s (%s)",
        delivery.pk, endpoint.pk, outcome.result, outcome.detail,
    )  # fmt: skip
    final = attempts >= MAX_ATTEMPTS
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=WebhookDelivery.Status.FAILED if final else WebhookDelivery.Status.PENDING,
        attempts=attempts, last_status_code=outcome.status_code, last_result=outcome.result,
    )  # fmt: skip
    return "failed" if final else "retry"
