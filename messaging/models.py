"""Messages sent through the API, their events, opt-outs, idempotency records, the tenant's
sending policy, tenant webhooks and inbound messages (DESIGN.md §6)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from tenants.models import ApiKey, Tenant


class MessageType(models.TextChoices):
    TRANSACTIONAL = "TRANSACTIONAL", "Transactional"
    PROMOTIONAL = "PROMOTIONAL", "Promotional"


class Message(models.Model):
    class Status(models.TextChoices):
        ACCEPTED = "ACCEPTED", "Accepted, waiting to be sent"
        SENDING = "SENDING", "Being sent"
        SENT = "SENT", "Sent to AWS"
        DELIVERED = "DELIVERED", "Delivered"
        FAILED = "FAILED", "Failed"

    FINAL = (Status.DELIVERED, Status.FAILED)

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="messages")
    api_key = models.ForeignKey(
        ApiKey, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sender = models.ForeignKey(
        "registrations.Sender", on_delete=models.PROTECT, related_name="messages"
    )
    destination = models.CharField(max_length=20)
    iso_country = models.CharField(max_length=2)
    body = models.TextField()
    message_type = models.CharField(max_length=16, choices=MessageType.choices)
    encoding = models.CharField(max_length=8)
    parts = models.PositiveSmallIntegerField()
    estimated_price = models.DecimalField(max_digits=10, decimal_places=5, default=0)
    context = models.JSONField(default=dict, blank=True)
    batch_id = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACCEPTED)
    status_reason = models.CharField(max_length=200, blank=True)
    aws_message_id = models.CharField(max_length=64, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["tenant", "-id"], name="message_tenant_recent"),
            models.Index(fields=["status", "claimed_at"], name="message_status_claimed"),
        ]

    def __str__(self) -> str:
        return f"message {self.pk} to {self.destination} ({self.status})"


class MessageEvent(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="events")
    event_type = models.CharField(max_length=48)
    description = models.CharField(max_length=200, blank=True)
    is_final = models.BooleanField(default=False)
    payload = models.JSONField(default=dict)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.event_type} for {self.message_id}"


class OptOut(models.Model):
    class Source(models.TextChoices):
        API = "api", "API"
        KEYWORD = "keyword", "Keyword (STOP)"
        AWS = "aws", "AWS opt-out list"

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="opt_outs")
    phone = models.CharField(max_length=20)
    source = models.CharField(max_length=16, choices=Source.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "phone"], name="optout_tenant_phone_unique")
        ]

    def __str__(self) -> str:
        return self.phone


class IdempotencyRecord(models.Model):
    """The first answer to a creating call with an `Idempotency-Key`, replayed afterwards."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "api_key", "key"], name="idempotency_tenant_key_unique"
            )
        ]

    def __str__(self) -> str:
        return f"idempotency key {self.key}"


class SendingPolicy(models.Model):
    """The tenant's own limits: countries, monthly spend cap, quiet hours for promotions."""

    tenant = models.OneToOneField(Tenant, on_delete=models.CASCADE, related_name="sending_policy")
    allowed_countries = models.JSONField(default=list, blank=True)  # empty: any with a sender
    monthly_spend_cap = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    quiet_start_hour = models.PositiveSmallIntegerField(default=21)
    quiet_end_hour = models.PositiveSmallIntegerField(default=8)

    def __str__(self) -> str:
        return f"sending policy of {self.tenant}"


class WebhookEndpoint(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=80)
    previous_secret = models.CharField(max_length=80, blank=True)
    previous_valid_until = models.DateTimeField(null=True, blank=True)
    event_types = models.JSONField(default=list, blank=True)  # empty: every event
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "PENDING", "Pending"
        SUCCEEDED = "SUCCEEDED", "Succeeded"
        FAILED = "FAILED", "Failed after all retries"

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_type = models.CharField(max_length=48)
    payload = models.JSONField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.event_type} to {self.endpoint_id} ({self.status})"


class InboundMessage(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    from_number = models.CharField(max_length=20)
    to_number = models.CharField(max_length=20)
    body = models.TextField()
    keyword = models.CharField(max_length=40, blank=True)
    action = models.CharField(max_length=16, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.keyword or 'message'} from {self.from_number}"
