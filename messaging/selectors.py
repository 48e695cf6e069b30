"""Reads of the sending API, each starting from the tenant."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Case, Count, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

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


def opt_out_list(*, tenant: Tenant, digits: str = "") -> QuerySet[OptOut]:
    """The tenant's opt-outs, newest first; `digits` finds numbers containing them."""
    rows = OptOut.objects.filter(tenant=tenant)
    return rows.filter(phone__contains=digits) if digits else rows


def opt_out_get(*, tenant: Tenant, pk: int) -> OptOut | None:
    return OptOut.objects.filter(tenant=tenant, pk=pk).first()


def month_start(now: datetime | None = None) -> datetime:
    now = timezone.localtime(now or timezone.now())
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def message_counts_since(*, tenant: Tenant, since: datetime) -> dict[str, int]:
    """How many messages since `since`, in all and by outcome."""
    return Message.objects.filter(tenant=tenant, created_at__gte=since).aggregate(
        total=Count("id"),
        delivered=Count("id", filter=Q(status=Message.Status.DELIVERED)),
        failed=Count("id", filter=Q(status=Message.Status.FAILED)),
    )


def message_exists(*, tenant: Tenant) -> bool:
    return Message.objects.filter(tenant=tenant).exists()


def sender_list(*, tenant: Tenant) -> QuerySet[Sender]:
    return Sender.objects.filter(tenant=tenant).order_by("id")


def sender_list_with_registrations(*, tenant: Tenant) -> QuerySet[Sender]:
    """The tenant's senders for its pages: active ones first, each with its registration."""
    return (
        Sender.objects.filter(tenant=tenant)
        .select_related("registration__depends_on")
        .order_by(Case(When(status="ACTIVE", then=Value(0)), default=Value(1)), "kind", "value")
    )


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
