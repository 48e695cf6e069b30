"""Which AWS account a tenant's registrations live in."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone

from tenants.models import Tenant


def _external_id() -> str:
    return secrets.token_hex(16)


class AwsAccount(models.Model):
    """A tenant's own AWS account, reached by sts:AssumeRole with an external id.

    Tenants without one use the provider's account (the default of the ISV model).
    """

    tenant = models.OneToOneField(Tenant, on_delete=models.CASCADE, related_name="aws_account")
    role_arn = models.CharField(max_length=2048)
    external_id = models.CharField(max_length=64, default=_external_id)
    region = models.CharField(max_length=32, blank=True, help_text="defaults to AWS_REGION")
    # Bring your own account: the role is verified by assuming it and reading the account's
    # attributes; until then (or after a failure) the tenant's calls stay where they were.
    account_id = models.CharField(max_length=12, blank=True)
    registration_topic_arn = models.CharField(
        max_length=256, blank=True, help_text="the account's own SNS topic of registration events"
    )
    events_topic_arn = models.CharField(
        max_length=256,
        blank=True,
        help_text="the account's own SNS topic of SMS delivery events and inbound messages",
    )
    # The portal's hooks subscribed to the account's topics (SNS Subscribe through the role),
    # by hook name ("registrations", "delivery"): topic, endpoint, AWS's answer or error, time.
    subscriptions = models.JSONField(default=dict, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verify_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.tenant}: {self.role_arn}"


class AccountReadiness(models.Model):
    """What AWS last said about one AWS account: the provider's (`tenant` empty, `scope`
    "provider") or a tenant's own (`scope` "tenant-<id>"). Written after each read, which
    happens outside any transaction; the page shows `read_at`."""

    scope = models.CharField(max_length=32, unique=True)
    tenant = models.OneToOneField(
        Tenant, on_delete=models.CASCADE, null=True, blank=True, related_name="aws_readiness"
    )
    tier = models.CharField(max_length=16, blank=True)  # SANDBOX or PRODUCTION
    spend_limits = models.JSONField(default=list, blank=True)
    limits = models.JSONField(default=list, blank=True)
    verified_numbers = models.JSONField(default=list, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    read_error = models.TextField(blank=True)
    requested_at = models.DateTimeField(null=True, blank=True)

    PROVIDER = "provider"

    def __str__(self) -> str:
        return f"Readiness of {self.scope}"

    @staticmethod
    def scope_of(tenant: Tenant | None) -> str:
        return f"tenant-{tenant.pk}" if tenant is not None else AccountReadiness.PROVIDER

    @property
    def in_sandbox(self) -> bool:
        return self.tier == "SANDBOX"

    @property
    def text_spend_limit(self) -> dict | None:
        return next(
            (s for s in self.spend_limits if s["name"] == "TEXT_MESSAGE_MONTHLY_SPEND_LIMIT"), None
        )

    def limit(self, name: str) -> dict | None:
        return next((x for x in self.limits if x["name"] == name), None)


class RateSlot(models.Model):
    """A rate limiter's state for one key, when no Redis is configured (times in Unix seconds):
    a slot limiter's next free slot; the control plane's fence: its next slot, who holds it and
    until when; a token bucket: its tokens (None: full) as of `next_at`."""

    key = models.CharField(max_length=200, unique=True)
    next_at = models.FloatField(default=0.0)
    holder = models.CharField(max_length=64, blank=True)
    held_until = models.FloatField(default=0.0)
    tokens = models.FloatField(null=True, blank=True)

    def __str__(self) -> str:
        return self.key
