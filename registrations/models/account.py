"""Which AWS account a tenant's registrations live in."""

from __future__ import annotations

import secrets

from django.db import models

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

    def __str__(self) -> str:
        return f"{self.tenant}: {self.role_arn}"


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
