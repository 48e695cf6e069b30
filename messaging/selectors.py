"""Reads of the sending API, each starting from the tenant."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from messaging.models import (
    Message,
    MessageEvent,
    OptOut,
    SendingPolicy,
    WebhookDelivery,
    WebhookEndpoint,
)
from registrations.models import Registration, RegistrationVersion, Sender
from tenants.models import Tenant


def message_list(*, tenant: Tenant, filters: dict) -> QuerySet[Message]:
    qs = Message.objects.filter(tenant=tenant).select_related("sender")
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("to"):
        qs = qs.filter(destination=filters["to"])
    if filters.get("batch_id"):
        qs = qs.filter(batch_id=filters["batch_id"])
    if filters.get("created_after"):
        qs = qs.filter(created_at__gte=filters["created_after"])
    if filters.get("created_before"):
        qs = qs.filter(created_at__lt=filters["created_before"])
    return qs


def message_get(*, tenant: Tenant, pk: int) -> Message | None:
    return (
        Message.objects.filter(tenant=tenant, pk=pk)
        .select_related("sender")
        .prefetch_related(Prefetch("events", MessageEvent.objects.order_by("occurred_at", "id")))
        .first()
    )


def opt_out_list(*, tenant: Tenant) -> QuerySet[OptOut]:
    return OptOut.objects.filter(tenant=tenant)


def sender_list(*, tenant: Tenant) -> QuerySet[Sender]:
    return Sender.objects.filter(tenant=tenant).order_by("id")


def registration_list(*, tenant: Tenant) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(tenant=tenant)
        .prefetch_related(Prefetch("versions", RegistrationVersion.objects.order_by("-number")))
        .order_by("id")
    )


def webhook_list(*, tenant: Tenant) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(tenant=tenant)


def webhook_get(*, tenant: Tenant, pk: int) -> WebhookEndpoint | None:
    return WebhookEndpoint.objects.filter(tenant=tenant, pk=pk).first()


def webhook_deliveries(*, tenant: Tenant, endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(tenant=tenant, endpoint=endpoint)[:100]


def sending_policy_get(*, tenant: Tenant) -> SendingPolicy:
    """The stored policy, or the defaults (unsaved) when the tenant never set one."""
    return SendingPolicy.objects.filter(tenant=tenant).first() or SendingPolicy(tenant=tenant)


def sender_countries(*, tenant: Tenant) -> list[str]:
    """Countries where the tenant has an active sender."""
    rows = Sender.objects.filter(tenant=tenant, status="ACTIVE").values_list(
        "iso_country", flat=True
    )
    return sorted(set(rows))
