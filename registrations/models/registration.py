"""Registrations, their versions, field values, attachments, timeline and AWS call log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from portal.upload_policy import extension_for
from registrations.states import Status, VersionPipelineStep
from tenants.models import Tenant


def attachment_path(instance: Attachment, filename: str) -> str:
    # Storage keys carry the tenant; the name is replaced by the content hash and the
    # extension comes from the type sniffed from the content, never from the client's name.
    extension = extension_for(instance.content_type)
    return f"tenants/{instance.tenant_id}/attachments/{instance.sha256}.{extension}"


class Registration(models.Model):
    class ProgramOwner(models.TextChoices):
        TENANT = "TENANT", "The tenant's own brand"
        PROVIDER = "PROVIDER", "The provider's program"

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="registrations")
    registration_type = models.CharField(max_length=64)
    name = models.CharField(
        max_length=120, help_text="A friendly name, sent to AWS as the Name tag"
    )
    status = models.CharField(max_length=32, choices=Status.choices, default=Status.DRAFT)
    catalog = models.ForeignKey(
        "registrations.CatalogVersion", on_delete=models.PROTECT, related_name="registrations"
    )
    depends_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dependents",
        help_text="The brand a 10DLC campaign or vetting is for",
    )
    program_owner = models.CharField(
        max_length=10,
        choices=ProgramOwner.choices,
        default=ProgramOwner.TENANT,
        help_text="Whose business the registration carries: the tenant's, or the provider's own "
        "(only when the provider collects the opt-in, writes every message and sends as itself)",
    )
    aws_registration_id = models.CharField(max_length=64, blank=True)
    aws_registration_arn = models.CharField(max_length=256, blank=True)
    # What AWS last reported for the registration (RegistrationStatus, as AWS spells it, any
    # value), recorded on every event and poll even when the transition table does not move
    # `status`; and when it was seen.
    aws_status = models.CharField(max_length=32, blank=True)
    aws_status_at = models.DateTimeField(null=True, blank=True)
    schema_outdated = models.BooleanField(
        default=False, help_text="AWS changed this form since the draft was started"
    )
    schema_changes = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    # A 10DLC brand vetting's score (0–100). AWS's API does not return it: the account holder
    # reads it in AWS's console and staff record it here, with where they read it.
    vetting_score = models.PositiveSmallIntegerField(null=True, blank=True)
    vetting_score_source = models.CharField(max_length=200, blank=True)
    vetting_score_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "aws_registration_id"],
                condition=~Q(aws_registration_id=""),
                name="registration_tenant_aws_id_unique",
            )
        ]
        indexes = [models.Index(fields=["status", "last_polled_at"], name="registration_poll")]

    def __str__(self) -> str:
        return f"{self.name} ({self.registration_type})"

    @property
    def current_version(self) -> RegistrationVersion | None:
        """The newest version. Reads the prefetched versions when a list prefetched them
        (`prefetch_related("versions")`), so a page of registrations costs no query per row."""
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("versions")
        if prefetched is not None:
            return max(prefetched, key=lambda version: version.number, default=None)
        return self.versions.newest()


class VersionQuerySet(models.QuerySet):
    def newest(self) -> RegistrationVersion | None:
        """The version with the highest number among these (None when there is none): the
        one place that says what "the latest version" is. Chains with the other filters
        (`registration.versions.select_for_update().newest()`,
        `versions.filter(number__lt=n).newest()` for the one before `n`)."""
        return self.order_by("-number").first()


class RegistrationVersion(models.Model):
    """One round of values. Editable while `locked_at` is empty; immutable once it leaves the
    tenant's hands (submitted for review). AWS versions start empty, so every value is sent."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    locked_at = models.DateTimeField(null=True, blank=True)
    aws_version_number = models.PositiveIntegerField(null=True, blank=True)
    aws_status = models.CharField(max_length=32, blank=True)
    pipeline_step = models.CharField(
        max_length=16, choices=VersionPipelineStep.choices, default=VersionPipelineStep.NOT_STARTED
    )
    pipeline_attempts = models.PositiveIntegerField(default=0)
    pipeline_lease_until = models.DateTimeField(null=True, blank=True)
    pipeline_error = models.TextField(blank=True)
    pipeline_error_operation = models.CharField(max_length=64, blank=True)
    denied_reasons = models.JSONField(default=list, blank=True)
    preflight_findings = models.JSONField(
        default=list, blank=True, help_text="the preflight findings of the last save"
    )
    preflight_overrides = models.JSONField(
        default=dict, blank=True, help_text="rule id -> staff reason for letting it through"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = VersionQuerySet.as_manager()

    class Meta:
        ordering = ["registration", "number"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "number"], name="version_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.registration} v{self.number}"

    @property
    def is_editable(self) -> bool:
        return self.locked_at is None


class Attachment(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(upload_to=attachment_path, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    aws_attachment_id = models.CharField(max_length=64, blank=True)
    aws_status = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.original_name


class FieldValue(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(
        RegistrationVersion, on_delete=models.CASCADE, related_name="values"
    )
    field_path = models.CharField(max_length=100)
    text_value = models.TextField(blank=True)
    select_choices = models.JSONField(default=list, blank=True)
    attachment = models.ForeignKey(
        Attachment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    aws_denied_reason = models.TextField(blank=True)
    aws_feedback = models.TextField(blank=True)
    needs_change = models.BooleanField(default=False, help_text="denied or commented; to fix")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "field_path"], name="value_version_path_unique"
            )
        ]
        ordering = ["version", "field_path"]

    def __str__(self) -> str:
        return f"{self.field_path}={self.display}"

    @property
    def display(self) -> str:
        if self.attachment_id:
            return self.attachment.original_name
        if self.select_choices:
            return ", ".join(self.select_choices)
        return self.text_value


class StatusEvent(models.Model):
    """The timeline: every status change of a registration, who or what made it, and why."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="timeline"
    )
    from_status = models.CharField(max_length=32)
    to_status = models.CharField(max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=254)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class FieldComment(models.Model):
    """A staff reviewer's comment attached to one field of one version."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(
        RegistrationVersion, on_delete=models.CASCADE, related_name="comments"
    )
    field_path = models.CharField(max_length=100)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.field_path}: {self.body[:40]}"


class AwsCall(models.Model):
    """One call to AWS made for a registration: for staff diagnosing the pipeline."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, null=True, related_name="+")
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, null=True, blank=True, related_name="aws_calls"
    )
    operation = models.CharField(max_length=64)
    parameters = models.JSONField(default=dict)
    outcome = models.CharField(max_length=16)  # ok | error
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.operation} {self.outcome}"


class SnsMessage(models.Model):
    """SNS messages accepted by a hook, by MessageId: a replayed message changes nothing.

    The row is also the hand-over to the worker: it is committed with the request, keeps the
    message's payload, and says whether the handling task has done its work (QUEUED until
    then; a periodic sweep queues again rows whose task was lost). Rows are pruned once their
    message is too old to be accepted again (`registrations.sns_endpoint.sns_messages_prune`).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued for handling"
        DONE = "done", "Handled"
        FAILED = "failed", "Handling failed"

    message_id = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=32)
    topic_arn = models.CharField(max_length=256)
    hook = models.CharField(max_length=32, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DONE)
    payload = models.JSONField(null=True, blank=True)
    # The message's own Timestamp (SNS's clock): the replay window is counted from it.
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    received_at = models.DateTimeField(default=timezone.now)
    handled_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "received_at"], name="snsmessage_status")]

    def __str__(self) -> str:
        return f"{self.kind} {self.message_id}"
