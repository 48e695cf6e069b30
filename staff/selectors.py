"""Reads for the staff console: the review queue, one review, the pipeline, the tenants'
figures, the template policies and a tenant's opt-outs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from compliance.models import ConsentRecord, TenantTemplatePolicy
from messaging.models import OptOut
from registrations.models import (
    Attachment,
    AwsAccount,
    AwsCall,
    FieldComment,
    Registration,
    RegistrationVersion,
    Sender,
    SendingSetup,
    StatusEvent,
    SupportCase,
    SupportMessage,
)
from registrations.selectors import schema_for
from registrations.services.tracking import registrations_stuck
from registrations.states import Status
from tenants.models import AuditEntry, Tenant

# What "waiting for review" means, and the other states a reviewer may look through.
QUEUE_STATUSES = (
    Status.IN_REVIEW,
    Status.WAITING_FOR_BRAND,
    Status.CHANGES_REQUESTED,
    Status.REQUIRES_UPDATES,
)
PIPELINE_STATUSES = (Status.QUEUED, Status.SUBMITTING, Status.SUBMISSION_FAILED)


def tenant_choices() -> QuerySet:
    """(slug, name) of every tenant, by name: the tenant filter of the queue and dashboard."""
    return Tenant.objects.order_by("name").values_list("slug", "name")


def registration_country(registration_type: str) -> str:
    """The country a type is for: AWS names types after it (US_TOLL_FREE…, IN_SENDER_ID…)."""
    head = registration_type.split("_", 1)[0]
    return head if len(head) == 2 and head.isalpha() else ""


def queue_list(
    *,
    status: str = Status.IN_REVIEW,
    registration_type: str = "",
    tenant_slug: str = "",
    country: str = "",
    min_age_days: int | None = None,
    search: str = "",
    now: datetime | None = None,
) -> QuerySet[Registration]:
    """Registrations in `status`, oldest wait first; `waiting_since` is when they entered it."""
    now = now or timezone.now()
    registrations = (
        Registration.objects.select_related("tenant")
        .filter(status=status)
        .annotate(
            waiting_since=Max("timeline__created_at", filter=Q(timeline__to_status=status)),
            version_count=Max("versions__number"),
        )
    )
    if registration_type:
        registrations = registrations.filter(registration_type=registration_type)
    if tenant_slug:
        registrations = registrations.filter(tenant__slug=tenant_slug)
    if country:
        registrations = registrations.filter(registration_type__startswith=f"{country.upper()}_")
    if min_age_days:
        registrations = registrations.filter(waiting_since__lte=now - timedelta(days=min_age_days))
    if search:
        term = search.strip()
        match = (
            Q(name__icontains=term)
            | Q(tenant__name__icontains=term)
            | Q(tenant__slug__icontains=term)
            | Q(aws_registration_id__icontains=term)
        )
        if term.isdigit():
            match |= Q(pk=int(term))
        registrations = registrations.filter(match)
    return registrations.order_by("waiting_since", "pk")


def queue_filter_choices() -> dict:
    # order_by() clears the model's ordering, which would otherwise defeat DISTINCT.
    types = sorted(
        Registration.objects.order_by().values_list("registration_type", flat=True).distinct()
    )
    countries = sorted({c for c in map(registration_country, types) if c})
    return {"types": types, "countries": countries}


def registration_get_for_staff(*, pk: int) -> Registration | None:
    return Registration.objects.select_related("tenant", "depends_on").filter(pk=pk).first()


@dataclass
class FieldRow:
    path: str
    title: str
    section: str
    type: str
    display: str
    attachment_id: int | None
    attachment_type: str
    previous: str | None  # the value in the version before, when it differs
    changed: bool
    findings: list[dict]
    comments: list[FieldComment]
    aws_denied_reason: str
    aws_feedback: str


def _display(value) -> tuple[str, int | None, str]:
    if value is None:
        return "", None, ""
    if value.attachment_id:
        return value.attachment.original_name, value.attachment_id, value.attachment.content_type
    if value.select_choices:
        return ", ".join(value.select_choices), None, ""
    return value.text_value, None, ""


def review_rows(
    registration: Registration, version: RegistrationVersion, against: int | None = None
) -> list[tuple[str, list[FieldRow]]]:
    """Every field of the form, in AWS's order and sections, with its value, the value of the
    version before (or of version `against`), the preflight findings and the staff comments."""
    schema = schema_for(registration)
    values = {v.field_path: v for v in version.values.select_related("attachment")}
    earlier = registration.versions.filter(number__lt=version.number)
    if against is not None:
        earlier = earlier.filter(number=against)
    previous_version = earlier.newest()
    previous = (
        {v.field_path: v for v in previous_version.values.select_related("attachment")}
        if previous_version
        else None
    )
    comments: dict[str, list[FieldComment]] = {}
    for comment in FieldComment.objects.filter(version__registration=registration).select_related(
        "version", "author"
    ):
        comments.setdefault(comment.field_path, []).append(comment)
    findings: dict[str, list[dict]] = {}
    for finding in version.preflight_findings:
        for path in finding.get("field_paths") or []:
            findings.setdefault(path, []).append(finding)
    titles = {s.path: s.title for s in schema.sections}
    grouped: dict[str, list[FieldRow]] = {}
    for fdef in schema.fields:
        value = values.get(fdef.path)
        display, attachment_id, attachment_type = _display(value)
        before = None
        if previous is not None:
            old = _display(previous.get(fdef.path))[0]
            before = old if old != display else None
        grouped.setdefault(fdef.section, []).append(
            FieldRow(
                path=fdef.path,
                title=fdef.title or fdef.path,
                section=fdef.section,
                type=fdef.type,
                display=display,
                attachment_id=attachment_id,
                attachment_type=attachment_type,
                previous=before,
                changed=before is not None,
                findings=findings.get(fdef.path, []),
                comments=comments.get(fdef.path, []),
                aws_denied_reason=value.aws_denied_reason if value else "",
                aws_feedback=value.aws_feedback if value else "",
            )
        )
    return [(titles.get(section, section), rows) for section, rows in grouped.items()]


def registration_history(registration: Registration) -> dict:
    return {
        "timeline": list(
            StatusEvent.objects.filter(registration=registration).select_related("actor")
        ),
        "comments": list(
            FieldComment.objects.filter(version__registration=registration).select_related(
                "version", "author"
            )
        ),
        "audit": list(
            AuditEntry.objects.filter(
                object_type="registration", object_id=str(registration.pk)
            ).select_related("actor", "tenant")[:200]
        ),
        # A short code application's AWS Support case: AWS's replies and staff's answers.
        "support_messages": list(
            SupportMessage.objects.filter(case__registration=registration).order_by(
                "created_at", "id"
            )
        ),
    }


def attachment_for_staff(*, registration: Registration, attachment_id: int):
    """An attachment only when one of this registration's versions uses it."""
    return Attachment.objects.filter(
        pk=attachment_id,
        tenant_id=registration.tenant_id,
        pk__in=registration.versions.values("values__attachment"),
    ).first()


def pipeline_lists(now: datetime | None = None) -> dict[str, QuerySet[Registration]]:
    """Failed submissions, those queued or being submitted, and those waiting at AWS past the
    typical time; each row reads its newest version from the prefetch (`current_version`)."""
    registrations = (
        Registration.objects.select_related("tenant")
        .prefetch_related("versions")
        .order_by("updated_at", "pk")
    )
    return {
        "failed": registrations.filter(status=Status.SUBMISSION_FAILED),
        "queued": registrations.filter(status__in=(Status.QUEUED, Status.SUBMITTING)),
        "stuck": registrations_stuck(now),
    }


def aws_call_list(*, registration: Registration, limit: int = 200) -> QuerySet[AwsCall]:
    return AwsCall.objects.filter(registration=registration)[:limit]


@dataclass
class TenantSummary:
    registrations: int = 0
    in_review: int = 0
    failed: int = 0
    complete: int = 0
    senders: int = 0
    active_senders: int = 0
    setup_done: int = 0
    setup_steps: int = 0


def tenant_summaries(tenant_ids: list[int]) -> dict[int, TenantSummary]:
    """Registrations, senders and sending setup progress per tenant, for the tenant list."""
    summaries = {pk: TenantSummary() for pk in tenant_ids}
    rows = (
        Registration.objects.filter(tenant_id__in=tenant_ids)
        .values("tenant_id", "status")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        summary = summaries[row["tenant_id"]]
        summary.registrations += row["n"]
        if row["status"] == Status.IN_REVIEW:
            summary.in_review += row["n"]
        elif row["status"] == Status.SUBMISSION_FAILED:
            summary.failed += row["n"]
        elif row["status"] == Status.COMPLETE:
            summary.complete += row["n"]
    for row in (
        Sender.objects.filter(tenant_id__in=tenant_ids)
        .values("tenant_id", "status")
        .annotate(n=Count("pk"))
    ):
        summaries[row["tenant_id"]].senders += row["n"]
        if row["status"] == "ACTIVE":
            summaries[row["tenant_id"]].active_senders += row["n"]
    for setup in SendingSetup.objects.filter(tenant_id__in=tenant_ids):
        summaries[setup.tenant_id].setup_done = sum(1 for *_, done in setup.checklist if done)
    for summary in summaries.values():
        summary.setup_steps = len(SendingSetup.STEPS)
    return summaries


def tenant_registrations_for_staff(*, tenant) -> dict:
    """What the staff tenant page shows about sending: registrations, senders, the checklist."""
    setup = SendingSetup.objects.filter(tenant=tenant).first()
    return {
        "registrations": Registration.objects.filter(tenant=tenant).order_by("-created_at", "-pk"),
        "senders": Sender.objects.filter(tenant=tenant).select_related("registration"),
        "setup": setup,
        # (step, label, when it last succeeded or None)
        "checklist": [
            (key, label, parse_datetime(done) if done else None)
            for key, label, done in (
                setup.checklist if setup else [(k, lbl, None) for k, lbl in SendingSetup.STEPS]
            )
        ],
    }


def sender_get_for_staff(*, tenant, pk: int) -> Sender | None:
    return Sender.objects.filter(tenant=tenant, pk=pk).first()


def template_policy_list(limit: int = 200) -> list[dict]:
    """Tenants that are not closed, each with whether it may send only template messages."""
    restricted = set(
        TenantTemplatePolicy.objects.filter(templates_only=True).values_list("tenant_id", flat=True)
    )
    tenants = Tenant.objects.exclude(status=Tenant.Status.CLOSED).order_by("name")[:limit]
    return [{"tenant": t, "restricted": t.pk in restricted} for t in tenants]


def opt_out_list(*, tenant: Tenant, limit: int = 200) -> QuerySet[OptOut]:
    return OptOut.objects.filter(tenant=tenant)[:limit]


def opt_out_record_list(*, tenant: Tenant, limit: int = 100) -> QuerySet[ConsentRecord]:
    """Opt-outs, and opt-ins other than the sign-up pages' (those are the consent list's)."""
    return (
        ConsentRecord.objects.filter(tenant=tenant)
        .filter(
            Q(action=ConsentRecord.Action.OPT_OUT)
            | ~Q(source__in=[ConsentRecord.Source.HOSTED_PAGE, ConsentRecord.Source.WIDGET])
        )
        .order_by("-created_at", "-id")[:limit]
    )


def aws_account_get(*, pk: int) -> AwsAccount | None:
    return AwsAccount.objects.select_related("tenant").filter(pk=pk).first()


def support_case_list(*, aws_account: AwsAccount | None, limit: int = 200) -> QuerySet:
    """The AWS Support cases of one AWS account (None: the provider's), newest first."""
    return (
        SupportCase.objects.filter(aws_account=aws_account)
        .select_related("tenant", "registration")
        .order_by("-created_at", "-id")[:limit]
    )


def support_case_get(*, pk: int) -> SupportCase | None:
    return (
        SupportCase.objects.select_related("tenant", "registration", "aws_account")
        .prefetch_related("messages__author")
        .filter(pk=pk)
        .first()
    )
