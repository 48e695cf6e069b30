"""Messages sent through the API, their events, opt-outs, idempotency records, the tenant's
sending policy, tenant webhooks and inbound messages (DESIGN.md §6)."""

from __future__ import annotations

import pycountry
from django.core.exceptions import ValidationError
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
    # India: the DLT template id of the registered template this message matches; sent with the
    # registration's entity id as AWS's DestinationCountryParameters (IN_TEMPLATE_ID).
    dlt_template_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACCEPTED)
    status_reason = models.CharField(max_length=200, blank=True)
    aws_message_id = models.CharField(max_length=64, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The outbox claim (messaging/dispatch.py): the worker's token and when it claimed the
    # message; a SENDING message whose lease ran out is claimed again.
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True, default="", db_index=True)
    # `Idempotency-Key` of the single-send call that created it (unique per tenant), with a
    # hash of that request: a replay answers with this message, another request is a 409.
    idempotency_key = models.CharField(max_length=255, null=True, blank=True)
    request_hash = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["tenant", "-id"], name="message_tenant_recent"),
            models.Index(fields=["status", "claimed_at"], name="message_status_claimed"),
            models.Index(fields=["sender", "status", "id"], name="message_sender_outbox"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="message_tenant_idempotency_key_unique",
            )
        ]

    def __str__(self) -> str:
        return f"message {self.pk} to {self.destination} ({self.status})"


class MonthlySpend(models.Model):
    """The spend ledger: a tenant's estimated spend of one calendar month (UTC), reserved at
    acceptance (a conditional UPDATE of this row, so concurrent requests cannot pass the cap
    together) and released when a message fails before AWS took it (messaging/spend.py)."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the first day of the month
    reserved = models.DecimalField(max_digits=14, decimal_places=5, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "month"], name="spend_tenant_month_unique")
        ]

    def __str__(self) -> str:
        return f"spend of {self.tenant_id} in {self.month:%Y-%m}: {self.reserved}"


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
    """The opt-out list the sending checks read. A row with an empty `message_type` stops every
    kind of message to the number; one with a type stops that kind only (where the tenant
    collects consent per kind). Written only through `messaging.optouts`, together with the
    consent log."""

    class Source(models.TextChoices):
        API = "api", "API"
        KEYWORD = "keyword", "Keyword (STOP)"
        AWS = "aws", "AWS opt-out list"
        HOSTED_PAGE = "hosted_page", "Hosted opt-out page"
        WIDGET = "widget", "Embedded widget"
        STAFF = "staff", "Staff"
        PORTAL = "portal", "Added in the portal"

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="opt_outs")
    phone = models.CharField(max_length=20)
    message_type = models.CharField(  # empty: every kind of message
        max_length=16, choices=MessageType.choices, blank=True, default=""
    )
    source = models.CharField(max_length=16, choices=Source.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "phone", "message_type"], name="optout_tenant_phone_kind_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.phone} ({self.message_type or 'all'})"


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


def country_codes_normalize(codes: list[str]) -> list[str]:
    """Upper case, no blanks, no repeats, sorted: how allowed countries are stored."""
    return sorted({str(code).strip().upper() for code in codes if str(code).strip()})


def country_codes_validate(value) -> None:
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError('Give the countries as a list of ISO codes, e.g. ["US", "CA"].')
    unknown = [
        code for code in value if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None
    ]
    if len(unknown) == 1:
        raise ValidationError(
            f"“{unknown[0]}” is not an ISO 3166-1 alpha-2 country code (two letters, e.g. US, CA)."
        )
    if unknown:
        raise ValidationError(
            f"{', '.join(f'“{code}”' for code in unknown)} are not ISO 3166-1 alpha-2 "
            "country codes (two letters, e.g. US, CA)."
        )


def spend_cap_validate(value) -> None:
    if value is not None and value <= 0:
        raise ValidationError("The cap must be more than 0; leave it empty for no cap.")


def hour_validate(value) -> None:
    if not 0 <= value <= 23:
        raise ValidationError("Use an hour from 0 to 23.")


class SendingPolicy(models.Model):
    """The tenant's own limits: countries, monthly spend cap, quiet hours for promotions."""

    tenant = models.OneToOneField(Tenant, on_delete=models.CASCADE, related_name="sending_policy")
    allowed_countries = models.JSONField(  # empty: any with a sender
        default=list, blank=True, validators=[country_codes_validate]
    )
    monthly_spend_cap = models.DecimalField(  # USD, estimated spend; empty: no cap
        max_digits=10, decimal_places=2, null=True, blank=True, validators=[spend_cap_validate]
    )
    quiet_start_hour = models.PositiveSmallIntegerField(default=21, validators=[hour_validate])
    quiet_end_hour = models.PositiveSmallIntegerField(default=8, validators=[hour_validate])

    def __str__(self) -> str:
        return f"sending policy of {self.tenant}"

    def clean(self) -> None:
        start, end = self.quiet_start_hour, self.quiet_end_hour
        if isinstance(start, int) and isinstance(end, int) and start == end:
            message = f"Quiet hours must end at another hour than they start ({start}:00)."
            raise ValidationError({"quiet_end_hour": message})


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

    class Result(models.TextChoices):
        HTTP_2XX = "2xx", "The receiver answered 2xx"
        HTTP_3XX = "3xx", "The receiver answered 3xx (redirects are not followed)"
        HTTP_4XX = "4xx", "The receiver answered 4xx"
        HTTP_5XX = "5xx", "The receiver answered 5xx"
        TIMEOUT = "timeout", "No answer in time"
        REFUSED = "refused by policy", "The address is not allowed (not public, or not https)"
        FAILED = "connection failed", "No connection or no valid HTTP answer"

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_type = models.CharField(max_length=48)
    payload = models.JSONField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # What the tenant sees of the last attempt: a class, never error text (details go to the
    # server log). The exact status code stays for operators.
    last_result = models.CharField(max_length=24, choices=Result.choices, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
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


class GoLiveCheck(models.Model):
    """A sender's production readiness (seed 000, "Validate production readiness and send"):
    each check with the time it last passed, or what failed. Filled by
    `messaging.golive.go_live_check_run` from what AWS answers and what reached the portal."""

    CHECKS = (
        ("events", "Event destination receiving (a delivery event of the test message arrived)"),
        ("opt_out_list", "Opt-out list attached"),
        ("protect", "Protect configuration blocking countries outside the tenant's"),
        ("keywords", "HELP and STOP answering with the registered replies"),
        ("test_message", "Test message delivered to a simulator or verified number"),
    )

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    sender = models.OneToOneField(
        "registrations.Sender", on_delete=models.CASCADE, related_name="go_live"
    )
    checks = models.JSONField(default=dict, blank=True)  # key → {"passed_at": iso|None, "detail"}
    test_message = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ran_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"go-live check of sender {self.sender_id}"

    @property
    def checklist(self) -> list[dict]:
        return [
            {"key": key, "label": label, **self.checks.get(key, {"passed_at": None, "detail": ""})}
            for key, label in self.CHECKS
        ]

    @property
    def passed(self) -> bool:
        return all(self.checks.get(key, {}).get("passed_at") for key, _ in self.CHECKS)
