"""Compliance models: the SMS program, hosted page versions, consent records, abuse counters,
opt-in evidence and the message template library (DESIGN.md section 5).

Every tenant-owned row carries a non-null tenant; unique constraints include the tenant.
Published page versions and consent records are never updated after they are written.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from tenants.models import Tenant


class PageKind(models.TextChoices):
    TERMS = "terms", "SMS terms and conditions"
    PRIVACY = "privacy", "Privacy policy"
    OPT_IN = "opt_in", "Opt-in page"


class ProgramCategory(models.TextChoices):
    """What the messages are mostly for, in the portal's words; `registrations/prefill.py` maps
    it to each registration form's own options."""

    ACCOUNT = "account", "Account notifications"
    DELIVERY = "delivery", "Order and delivery updates"
    PASSCODES = "passcodes", "One-time passcodes"
    APPOINTMENTS = "appointments", "Appointment reminders"
    BOOKINGS = "bookings", "Booking confirmations"
    CUSTOMER_CARE = "customer_care", "Customer care conversations"
    FRAUD = "fraud", "Fraud and security alerts"
    EDUCATION = "education", "Education"
    PUBLIC_SERVICE = "public_service", "Public service announcements"
    MARKETING = "marketing", "Promotions and marketing"


class SmsProgram(models.Model):
    """What the tenant tells recipients about its SMS program; the hosted pages are built
    from it and from the business profile. One per tenant."""

    tenant = models.OneToOneField(Tenant, on_delete=models.CASCADE, related_name="sms_program")
    program_name = models.CharField(
        max_length=60, help_text="The name recipients see, e.g. “Acme Account Alerts”."
    )
    description = models.CharField(
        max_length=300,
        help_text="What the messages are about, e.g. “order updates and delivery notices”.",
    )
    message_frequency = models.CharField(
        max_length=80,
        default="Message frequency varies",
        help_text="e.g. “Up to 4 messages per month” or “One message per login attempt”.",
    )
    sending_number = models.CharField(
        max_length=30,
        blank=True,
        help_text="The number or short code people text STOP and HELP to; blank: “this number”.",
    )
    use_cases = models.JSONField(
        default=list,
        help_text="One consent box per use case: a list of {key, label}.",
    )
    category = models.CharField(
        "what the messages are mostly for",
        max_length=20,
        choices=ProgramCategory.choices,
        blank=True,
        help_text="Registrations ask for one category; this answers it.",
    )
    monthly_volume = models.PositiveIntegerField(
        "messages per month (estimate)",
        null=True,
        blank=True,
        help_text="About how many text messages you expect to send in a month.",
    )
    alternative_channel = models.CharField(
        max_length=200,
        default="You can also get these updates by e-mail or in your account.",
        help_text="The non-SMS way to get the same information (SMS is never the only way).",
    )
    kind_opt_outs = models.BooleanField(
        default=False,
        help_text="Recipients may stop promotional messages alone and keep transactional ones "
        "(one-time passcodes, alerts). STOP by text always stops every message.",
    )
    embed_origins = models.JSONField(
        default=list,
        blank=True,
        help_text="Web origins allowed to embed the opt-in widget, besides the website.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"SMS program of {self.tenant}"


class HostedPageVersion(models.Model):
    """One published version of a hosted page. Immutable: each publish adds a row with the next
    number; the stable URL shows the newest."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="hosted_pages")
    kind = models.CharField(max_length=16, choices=PageKind.choices)
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=120)
    body_html = models.TextField(help_text="Sanitised HTML of the editable part.")
    program = models.JSONField(default=dict, help_text="The program and profile facts used.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["tenant", "kind", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "kind", "number"], name="hostedpage_tenant_kind_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.number} of {self.tenant}"


class ConsentRecord(models.Model):
    """One opt-in or opt-out of one phone number for one use case, with what was shown."""

    class Action(models.TextChoices):
        OPT_IN = "opt_in", "Opt-in"
        OPT_OUT = "opt_out", "Opt-out"

    class Source(models.TextChoices):
        HOSTED_PAGE = "hosted_page", "Hosted page"
        WIDGET = "widget", "Embedded widget"
        KEYWORD = "keyword", "SMS keyword"
        API = "api", "API"
        AWS = "aws", "AWS opt-out list"
        STAFF = "staff", "Staff"
        PORTAL = "portal", "Added in the portal"

    class Confirmation(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        NO_SENDER = "no_sender", "Not sent: no active sender"
        FAILED = "failed", "Failed"
        NOT_NEEDED = "not_needed", "Not needed"

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="consents")
    phone_e164 = models.CharField(max_length=20)
    action = models.CharField(max_length=8, choices=Action.choices)
    use_case = models.CharField(max_length=40, blank=True)
    use_case_label = models.CharField(max_length=120, blank=True)
    message_type = models.CharField(  # an opt-out of one kind of message; empty: every kind
        max_length=16, blank=True, default=""
    )
    page_version = models.ForeignKey(
        HostedPageVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    text_shown = models.TextField(help_text="The exact disclosure and consent text shown.")
    source = models.CharField(max_length=16, choices=Source.choices)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    confirmation = models.CharField(
        max_length=12, choices=Confirmation.choices, default=Confirmation.PENDING
    )
    confirmation_note = models.CharField(max_length=300, blank=True)
    confirmation_message_id = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "phone_e164"], name="consent_tenant_phone")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} of {self.phone_e164} ({self.use_case or 'all'})"


class ConsentThrottle(models.Model):
    """A counter of accepted submissions per (tenant, scope, key, window), shared by every
    process through the database. Keys are hashes, never raw addresses or numbers."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "scope", "key_hash", "window_start"],
                name="consentthrottle_unique_window",
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} counter of {self.tenant_id} from {self.window_start:%Y-%m-%d %H:%M}"


class OptInEvidence(models.Model):
    """An image of the hosted opt-in page, for the opt-in screenshot registration field."""

    class Status(models.TextChoices):
        PENDING = "pending", "Rendering"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="optin_evidence")
    page_version = models.ForeignKey(HostedPageVersion, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    file_name = models.CharField(max_length=300, blank=True)
    content_type = models.CharField(max_length=40, blank=True)
    size_bytes = models.PositiveIntegerField(default=0)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Opt-in evidence #{self.pk} of {self.tenant}"


class MessageTemplate(models.Model):
    """A provider-defined message template with [placeholders]; not tenant-owned."""

    name = models.CharField(max_length=100, unique=True)
    use_case = models.CharField(max_length=40)
    body = models.TextField(
        max_length=1024, help_text="Placeholders in [brackets], e.g. “Your code is [code].”"
    )
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["use_case", "name"]

    def __str__(self) -> str:
        return self.name


class TenantTemplatePolicy(models.Model):
    """Whether a tenant may only send messages that match an active template."""

    tenant = models.OneToOneField(Tenant, on_delete=models.CASCADE, related_name="template_policy")
    templates_only = models.BooleanField(default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Template policy of {self.tenant}"
