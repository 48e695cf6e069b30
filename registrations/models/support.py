"""AWS Support cases the portal opens and follows: short code applications and limit
increases (spend limit, MPS, quotas), and every communication on them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tenants.models import Tenant


class SupportCase(models.Model):
    """One AWS Support case in one AWS account (the provider's when `aws_account` is empty).

    `state` is the portal's: PREPARED (to be opened through the Support API), FILE_IN_CONSOLE
    (the API is not available to this account: staff file the exact text in the console and
    record the case id), OPEN (AWS knows the case; followed by the poll, or by staff pasting
    AWS's replies), RESOLVED. `aws_status` is AWS's own status, as last seen.
    """

    class Kind(models.TextChoices):
        SHORT_CODE = "SHORT_CODE", "Short code"
        SPEND_LIMIT = "SPEND_LIMIT", "Monthly SMS spend limit"
        MPS = "MPS", "Messages per second"
        QUOTA = "QUOTA", "Account quota"
        PRODUCTION_ACCESS = "PRODUCTION_ACCESS", "SMS production access"

    class State(models.TextChoices):
        PREPARED = "PREPARED", "Being opened through the Support API"
        FILE_IN_CONSOLE = "FILE_IN_CONSOLE", "To be filed in the AWS console"
        OPEN = "OPEN", "Open at AWS Support"
        RESOLVED = "RESOLVED", "Resolved"

    class Filing(models.TextChoices):
        API = "API", "Support API"
        CONSOLE = "CONSOLE", "AWS console (by staff)"

    tenant = models.ForeignKey(
        Tenant, on_delete=models.CASCADE, null=True, blank=True, related_name="support_cases"
    )
    aws_account = models.ForeignKey(
        "registrations.AwsAccount",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="support_cases",
        help_text="empty: the provider's own account",
    )
    registration = models.OneToOneField(
        "registrations.Registration",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="support_case",
        help_text="the short code application the case carries",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reference = models.CharField(
        max_length=32, unique=True, help_text="in the subject: finds a case whose answer was lost"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField(help_text="the exact case text")
    requested_value = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PREPARED)
    filing = models.CharField(max_length=8, choices=Filing.choices, default=Filing.API)
    api_error = models.TextField(blank=True, help_text="why the Support API could not be used")
    aws_case_id = models.CharField(max_length=128, blank=True)
    display_id = models.CharField(max_length=32, blank=True)
    aws_status = models.CharField(max_length=32, blank=True)
    short_code = models.CharField(
        max_length=8, blank=True, help_text="the code AWS gave (or staff expect), once known"
    )
    last_seen = models.CharField(
        max_length=40, blank=True, help_text="AWS's time of the newest communication read"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["aws_account", "aws_case_id"],
                condition=~Q(aws_case_id=""),
                name="supportcase_account_case_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"


class SupportMessage(models.Model):
    """A communication on a case: AWS Support's replies (read by the poll or pasted by staff)
    and staff's answers (sent through the API, or to be posted in the console)."""

    class Direction(models.TextChoices):
        FROM_AWS = "FROM_AWS", "From AWS Support"
        TO_AWS = "TO_AWS", "To AWS Support"

    class Source(models.TextChoices):
        API = "API", "Support API"
        PASTED = "PASTED", "Pasted by staff"
        PORTAL = "PORTAL", "Written in the portal"

    tenant = models.ForeignKey(
        Tenant, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(SupportCase, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=8, choices=Direction.choices)
    source = models.CharField(max_length=8, choices=Source.choices)
    body = models.TextField()
    submitted_by = models.CharField(max_length=254, blank=True)
    aws_time = models.CharField(max_length=40, blank=True, help_text="AWS's timeCreated")
    attachment_names = models.JSONField(default=list, blank=True)
    shared_with_tenant = models.BooleanField(default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(
        null=True, blank=True, help_text="an answer: when AWS accepted it (API) or staff posted it"
    )
    send_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "aws_time", "direction"],
                condition=~Q(aws_time=""),
                name="supportmessage_case_time_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()}: {self.body[:40]}"
