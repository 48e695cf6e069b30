"""Reads for the tenant's registration pages: lists, the wizard's steps, the state of each
field (value, AWS reasons, staff comments, preflight findings), next actions, expected dates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pycountry
from django.db.models import F, Prefetch, QuerySet
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from compliance import sender_ids as sender_id_rules
from registrations import overlay
from registrations.models import (
    FieldComment,
    FieldValue,
    Registration,
    RegistrationTypeDef,
    RegistrationVersion,
    Sender,
    SupportMessage,
)
from registrations.schema import FieldDef, TypeSchema, effective_rule
from registrations.selectors import registration_sending_allowed, schema_for, version_values
from registrations.services import changes
from registrations.services.catalog import catalog_latest
from registrations.states import AWS_REGISTRATION_WORDS, AWS_VERSION_WORDS, EDITABLE, Status

# What each status means for the tenant, in plain words, and what they do next.
PLAIN_STATUS = {
    Status.DRAFT: "You are filling in the form; nothing has been sent yet.",
    Status.IN_REVIEW: "Your provider checks the form before it goes to AWS.",
    Status.WAITING_FOR_BRAND: "Sent; it goes to your provider's review by itself once the "
    "brand (and its vetting, if you chose it) is complete.",
    Status.CHANGES_REQUESTED: "Your provider asked for changes at some fields.",
    Status.QUEUED: "Approved by your provider; waiting to be sent to AWS.",
    Status.SUBMITTING: "Being sent to AWS now.",
    Status.SUBMISSION_FAILED: "Sending to AWS failed; your provider has been told and retries.",
    Status.CANCELLED: "Cancelled; nothing more happens.",
    Status.SUBMITTED: "AWS received the form.",
    Status.AWS_REVIEWING: "AWS checks the form before the carriers see it.",
    Status.REVIEWING: "The carriers review the form.",
    Status.REQUIRES_AUTHENTICATION: "AWS sent an e-mail to your contact address to confirm it.",
    Status.REQUIRES_UPDATES: "The reviewers denied it with reasons; fix the marked fields.",
    Status.PROVISIONING: "Approved; the number or sender ID is being set up.",
    Status.COMPLETE: "Approved and ready to send.",
    Status.CLOSED: "Closed at AWS.",
    Status.DELETED: "Deleted at AWS.",
}

NEXT_ACTION = {
    Status.DRAFT: ("you", "Finish the form and send it for review"),
    Status.CHANGES_REQUESTED: ("you", "Fix the fields your provider commented on"),
    Status.REQUIRES_UPDATES: ("you", "Fix the denied fields and resubmit"),
    Status.REQUIRES_AUTHENTICATION: ("you", "Open the e-mail from AWS and confirm"),
    Status.IN_REVIEW: ("provider", "Wait for your provider's review (usually a business day)"),
    Status.WAITING_FOR_BRAND: ("aws", "Wait for the brand (and its vetting) to complete"),
    Status.SUBMISSION_FAILED: ("provider", "Your provider retries the submission"),
    Status.COMPLETE: ("", "Nothing: you can send"),
    Status.CANCELLED: ("", "Nothing"),
    Status.CLOSED: ("", "Nothing"),
    Status.DELETED: ("", "Nothing"),
}


# A short code is not an AWS registration: the provider requests it in an AWS Support case,
# AWS Support answers with the carriers' form, then the carriers review and provision the code
# one by one, "8–12 weeks" with no Service Level Agreement (seed 001 "Requesting short codes";
# overlay.REVIEW_TIMES).
SHORT_CODE_WAIT = (
    "it can take 8–12 weeks for a short code to become active on all carrier networks, with no "
    "guaranteed date; its fees begin once AWS sends the request to the carriers, before it is "
    "active"
)
SHORT_CODE_WEEKS = "8–12 weeks, no guaranteed date"
SHORT_CODE_PLAIN = {
    Status.QUEUED: "Approved by your provider; the request to AWS Support is being prepared.",
    Status.SUBMITTING: "Your provider is filing the short code request with AWS Support.",
    Status.SUBMITTED: "AWS Support has the request (a support case): it acknowledges it "
    "within 24 hours and answers with the carriers' short code registration form; then the "
    f"carriers review it: {SHORT_CODE_WAIT}.",
    Status.AWS_REVIEWING: "AWS Support is working on the request with your provider; the "
    f"carriers then review and provision the code: {SHORT_CODE_WAIT}.",
    Status.REVIEWING: f"The carriers review and provision the short code: {SHORT_CODE_WAIT}.",
    Status.COMPLETE: "Your short code is active and ready to send, with the keywords and "
    "replies of your application.",
}
SHORT_CODE_NEXT = {
    Status.QUEUED: ("provider", "Your provider requests the short code from AWS Support"),
    Status.SUBMITTING: ("provider", "Your provider files the request with AWS Support"),
    Status.SUBMITTED: ("aws", f"Wait for AWS Support and the carriers ({SHORT_CODE_WEEKS})"),
    Status.AWS_REVIEWING: ("aws", f"Wait for AWS Support and the carriers ({SHORT_CODE_WEEKS})"),
    Status.REVIEWING: ("aws", f"Wait for the carriers ({SHORT_CODE_WEEKS})"),
}


def next_action(status: str, registration_type: str = "") -> tuple[str, str]:
    """(who: you | provider | aws | "", what) for a status (of a registration type)."""
    if registration_type == overlay.SHORT_CODE and status in SHORT_CODE_NEXT:
        return SHORT_CODE_NEXT[status]
    return NEXT_ACTION.get(status, ("aws", "Wait for AWS and the carriers"))


def completion_state(registration: Registration) -> tuple[str, str, str]:
    """(plain, who, what) for a COMPLETE registration: ready to send only when it has an
    active sender (a number or sender ID AWS reports active or registered); otherwise what is
    still missing."""
    senders = list(registration.senders.all())
    if any(s.status == "ACTIVE" for s in senders):
        return PLAIN_STATUS[Status.COMPLETE], *NEXT_ACTION[Status.COMPLETE]
    if senders:
        waiting = ", ".join(
            f"{s.value} ({s.get_kind_display().lower()}, {s.status})" for s in senders
        )
        what = f"Wait for AWS to make its sender active: {waiting}"
    else:
        what = "Wait for its sender: the portal is requesting it from AWS"
    return "Approved; its sender is not active yet, so nothing can be sent.", "aws", what


def status_words(registration: Registration) -> tuple[str, str, str]:
    """(plain, who, what) of a registration's status, as the tenant's pages show it."""
    if registration.status == Status.COMPLETE:
        return completion_state(registration)
    kind = registration.registration_type
    return plain_status(registration.status, kind), *next_action(registration.status, kind)


def plain_status(status: str, registration_type: str = "") -> str:
    """What a status means for the tenant, in plain words (a short code's in its own)."""
    if registration_type == overlay.SHORT_CODE and status in SHORT_CODE_PLAIN:
        return SHORT_CODE_PLAIN[status]
    return PLAIN_STATUS.get(status, "")


def expected_by(registration: Registration) -> datetime | None:
    """When AWS and the carriers typically finish, from the submission (reference material)."""
    if registration.status in (Status.COMPLETE, Status.CANCELLED, Status.CLOSED, Status.DELETED):
        return None
    if registration.submitted_at is None:
        return None
    return overlay.review_time(registration.registration_type).expected(registration.submitted_at)


def registration_list(*, tenant) -> QuerySet[Registration]:
    """The tenant's registrations, each dependent one (brand → campaign) right after the one it
    belongs to, ordered in the database so that a page of it reads only its own rows."""
    return (
        Registration.objects.filter(tenant=tenant)
        .select_related("depends_on")
        .prefetch_related("senders")
        .annotate(family=Coalesce("depends_on_id", "id"))
        .order_by("family", F("depends_on_id").asc(nulls_first=True), "id")
    )


def registration_rows(registrations) -> list[Registration]:
    """The registrations of one page, with what the list shows about each."""
    rows = list(registrations)
    for r in rows:
        r.is_child = r.depends_on_id is not None
        r.plain, r.next_who, r.next_what = status_words(r)
        if r.depends_on_id and r.status == Status.DRAFT and r.depends_on.status != Status.COMPLETE:
            r.next_what = "Fill in the form and send it; it waits for the brand to complete"
        r.expected = expected_by(r)
        r.typical_days = overlay.typical_review(r.registration_type).days
        r.review_words = overlay.review_time(r.registration_type).words
    return rows


def registration_get(*, tenant, pk: int) -> Registration:
    return get_object_or_404(
        Registration.objects.select_related("depends_on", "catalog"), tenant=tenant, pk=pk
    )


def catalog_types() -> dict[str, RegistrationTypeDef]:
    catalog = catalog_latest()
    if catalog is None:
        return {}
    return {t.registration_type: t for t in catalog.types.all()}


def brand_list(*, tenant) -> list[Registration]:
    return list(
        Registration.objects.filter(tenant=tenant, registration_type=overlay.BRAND)
        .exclude(status=Status.CANCELLED)
        .order_by("id")
    )


@dataclass
class FieldState:
    fdef: FieldDef
    value: object = None
    display: str = ""
    rule: str = "OPTIONAL"
    denied_reason: str = ""
    feedback: str = ""
    needs_change: bool = False
    comments: list = field(default_factory=list)
    findings: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    attachment: object = None
    previous_display: str | None = None

    @property
    def anchor(self) -> str:
        return "f-" + self.fdef.path.replace(".", "-")


def section_list(schema: TypeSchema) -> list[dict]:
    """Sections that have fields, in the catalog's order, each with its fields."""
    order = [s.path for s in schema.sections]
    by_section: dict[str, list[FieldDef]] = {}
    for f in schema.fields:
        by_section.setdefault(f.section, []).append(f)
    for extra in by_section:
        if extra not in order:
            order.append(extra)
    titles = {s.path: s.title for s in schema.sections}
    descriptions = {s.path: s.description for s in schema.sections}
    return [
        {
            "path": path,
            "title": titles.get(path) or path,
            "description": descriptions.get(path) or "",
            "fields": by_section[path],
        }
        for path in order
        if path in by_section
    ]


def latest_version(registration: Registration) -> RegistrationVersion:
    return registration.versions.prefetch_related(
        Prefetch("values", queryset=FieldValue.objects.select_related("attachment")),
    ).newest()


def _display(value: FieldValue | None, fdef: FieldDef) -> str:
    if value is None:
        return ""
    if value.attachment_id:
        return value.attachment.original_name
    if value.select_choices:
        return ", ".join(overlay.option_title(fdef, c) for c in value.select_choices)
    return value.text_value


def field_states(registration: Registration, version: RegistrationVersion) -> dict[str, FieldState]:
    """Everything the pages show at each field of the version."""
    schema = schema_for(registration)
    values = version_values(version)
    rows = {v.field_path: v for v in version.values.all()}
    previous = registration.versions.filter(number__lt=version.number).newest()
    previous_rows = (
        {v.field_path: v for v in previous.values.select_related("attachment")} if previous else {}
    )
    comment_versions = registration.versions.filter(number__lt=version.number + 1)
    comments = FieldComment.objects.filter(version__in=comment_versions).select_related(
        "author", "version"
    )
    latest_comment_version = previous.number if previous else None
    findings: dict[str, list] = {}
    for finding in version.preflight_findings or []:
        for path in finding.get("field_paths") or []:
            findings.setdefault(path, []).append(finding)
    states: dict[str, FieldState] = {}
    for fdef in schema.fields:
        row = rows.get(fdef.path)
        rule, _ = effective_rule(fdef, values)
        state = FieldState(
            fdef=fdef,
            value=values.get(fdef.path),
            display=_display(row, fdef),
            rule=rule,
            denied_reason=row.aws_denied_reason if row else "",
            feedback=row.aws_feedback if row else "",
            needs_change=bool(row and row.needs_change),
            comments=[
                c
                for c in comments
                if c.field_path == fdef.path and c.version.number == latest_comment_version
            ],
            findings=findings.get(fdef.path, []),
            attachment=row.attachment if row and row.attachment_id else None,
        )
        if previous is not None:
            state.previous_display = _display(previous_rows.get(fdef.path), fdef)
        states[fdef.path] = state
    return states


# Approved: nothing asked of an earlier version is left to change.
RESOLVED = frozenset({Status.PROVISIONING, Status.COMPLETE})


def earlier_requests(registration: Registration, version: RegistrationVersion, states) -> list:
    """What AWS denied and the provider asked in earlier versions, for the history of an
    approved registration: [{"number", "reasons", "fields": [(title, reason)]}], oldest first."""
    out = []
    for earlier in registration.versions.filter(number__lte=version.number).order_by("number"):
        if earlier.denied_reasons:
            out.append({"number": earlier.number, "reasons": earlier.denied_reasons, "fields": []})
    fields = [
        (s.fdef.title or s.fdef.path, s.denied_reason or "; ".join(c.body for c in s.comments))
        for s in states.values()
        if s.denied_reason or s.comments
    ]
    if fields:
        if not out:
            out.append({"number": max(version.number - 1, 1), "reasons": [], "fields": []})
        out[-1]["fields"] = fields
    return out


def is_editable(registration: Registration) -> bool:
    """The tenant may change the newest version now (an approved registration only once an
    amendment was started)."""
    if registration.status not in EDITABLE:
        return False
    version = registration.current_version
    return version is not None and version.is_editable


def findings_summary(version: RegistrationVersion) -> dict[str, int]:
    counts = {"error": 0, "warning": 0}
    for finding in version.preflight_findings or []:
        severity = finding.get("severity", "warning")
        counts[severity] = counts.get(severity, 0) + 1
    return counts


def support_messages_shared(*, registration: Registration) -> list:
    """The AWS Support communications staff chose to show the tenant, oldest first."""
    return list(
        SupportMessage.objects.filter(
            tenant=registration.tenant,
            case__registration=registration,
            shared_with_tenant=True,
        ).order_by("created_at", "id")
    )


def _country_name(iso: str) -> str:
    country = pycountry.countries.get(alpha_2=iso)
    return country.name if country else iso


def requestable_countries() -> list[tuple[str, str]]:
    """Countries where a tenant may ask for a sender without a registration: a sender ID where
    the country takes one unregistered, a long code where AWS sells one that sends SMS."""
    codes = {
        c.alpha_2
        for c in pycountry.countries
        if sender_id_rules.country_rule(c.alpha_2).requestable
    } | set(sender_id_rules.LONG_CODE_WITHOUT_REGISTRATION)
    rows = [(iso, f"{_country_name(iso)} ({iso})") for iso in codes]
    return sorted(rows, key=lambda row: row[1])


def _names(codes) -> str:
    return ", ".join(f"{_country_name(c)} ({c})" for c in sorted(codes))


def sender_request_context(*, tenant) -> dict:
    """The rules shown beside the request form, and the tenant's senders without a
    registration."""
    return {
        "rule_default": sender_id_rules.country_rule("GB").describe(),
        "rule_india": sender_id_rules.country_rule("IN").describe(),
        "registration_required": _names(sender_id_rules.REGISTRATION_REQUIRED),
        "unsupported": _names(sender_id_rules.UNSUPPORTED),
        "long_code_countries": _names(sender_id_rules.LONG_CODE_WITHOUT_REGISTRATION),
        "requested": list(
            Sender.objects.filter(tenant=tenant, registration=None).order_by("-created_at")[:50]
        ),
    }


def code_label(code: str) -> str:
    """AWS's status code as tenants read it ("REQUIRES_UPDATES" → "Requires updates")."""
    return (code or "").replace("_", " ").capitalize()


def aws_view(registration: Registration) -> dict:
    """What AWS reports about the registration and its versions, and what can be done with it
    (amend, discard, delete), for the registration page."""
    versions = list(registration.versions.exclude(aws_version_number=None).order_by("-number"))
    newest = registration.current_version
    return {
        "aws_status": registration.aws_status,
        "aws_label": code_label(registration.aws_status),
        "aws_words": AWS_REGISTRATION_WORDS.get(registration.aws_status, ""),
        "aws_versions": [
            {
                "number": v.number,
                "aws_number": v.aws_version_number,
                "status": v.aws_status,
                "label": code_label(v.aws_status),
                "words": AWS_VERSION_WORDS.get(v.aws_status, ""),
            }
            for v in versions
        ],
        "offline_review": any(v.aws_status == "REQUIRES_OFFLINE_REVIEW" for v in versions),
        "sending_paused": registration.senders.exists()
        and not registration_sending_allowed(registration),
        "can_amend": registration.status == Status.COMPLETE
        and bool(registration.aws_registration_id)
        and newest is not None
        and not newest.is_editable,
        "can_discard": registration.status == Status.SUBMITTED
        and newest is not None
        and newest.aws_status == "SUBMITTED",
        "can_delete": changes.is_deletable(registration),
    }
