"""Origination identities (phone numbers, sender IDs) that registrations provision."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from tenants.models import Tenant


class Sender(models.Model):
    class Kind(models.TextChoices):
        PHONE_NUMBER = "PHONE_NUMBER", "Phone number"
        SENDER_ID = "SENDER_ID", "Sender ID"

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="senders")
    registration = models.ForeignKey(
        "registrations.Registration",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="senders",
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    value = models.CharField(max_length=32, help_text="E.164 number or the sender ID")
    iso_country = models.CharField(max_length=2)
    number_type = models.CharField(max_length=16, blank=True)  # TOLL_FREE, TEN_DLC, SHORT_CODE …
    aws_id = models.CharField(max_length=256, blank=True)
    aws_arn = models.CharField(max_length=256, blank=True)
    status = models.CharField(max_length=32, default="PENDING")
    # Message parts per second AWS allows this sender when it raised the default for its type
    # (a limit increase through AWS Support); set by staff. Empty: AWS's default for the type.
    parts_per_second_override = models.FloatField(null=True, blank=True)
    # When AWS was last asked about a number that is not ACTIVE yet (senders_recheck).
    checked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["tenant", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "aws_id"],
                condition=~Q(aws_id=""),
                name="sender_tenant_aws_id_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.value} ({self.get_kind_display()}, {self.status})"


class SendingSetup(models.Model):
    """The tenant's sending resources at AWS, created after its first registration completes.

    `steps` records when each step last succeeded: it is the checklist shown to people.
    """

    STEPS = (
        ("opt_out_list", "Opt-out list"),
        ("pool", "Dedicated pool (shared routes off)"),
        ("pool_members", "Senders in the pool"),
        ("configuration_set", "Configuration set with events to the portal"),
        ("keywords", "HELP and STOP replies"),
        ("protect", "Country rules (protect configuration)"),
    )

    tenant = models.OneToOneField(Tenant, on_delete=models.CASCADE, related_name="sending_setup")
    pool_id = models.CharField(max_length=256, blank=True)
    opt_out_list_name = models.CharField(max_length=64, blank=True)
    configuration_set_name = models.CharField(max_length=64, blank=True)
    protect_configuration_id = models.CharField(max_length=256, blank=True)
    countries = models.JSONField(default=list, blank=True)
    # The tenant's own allow-list (its sending policy), given by the sending app; empty: every
    # country it has an active sender for. The protect configuration blocks all the others.
    allowed_countries = models.JSONField(default=list, blank=True)
    steps = models.JSONField(default=dict, blank=True)
    last_error = models.TextField(blank=True)
    # Held before anything was created: what the setup would need exceeds the account's quota.
    held_reason = models.TextField(blank=True)
    held_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Sending setup of {self.tenant}"

    @property
    def checklist(self) -> list[tuple[str, str, str | None]]:
        return [(key, label, self.steps.get(key)) for key, label in self.STEPS]

    @property
    def complete(self) -> bool:
        return all(self.steps.get(key) for key, _ in self.STEPS)
