"""Reads for the compliance kit. Other parts call `hosted_page_urls` and
`hosted_page_field_values` (registration engine) and `template_match` (sending API)."""

from __future__ import annotations

import re

from django.conf import settings
from django.db.models import QuerySet

from compliance.models import (
    ConsentRecord,
    HostedPageVersion,
    MessageTemplate,
    OptInEvidence,
    PageKind,
    SmsProgram,
    TenantTemplatePolicy,
)
from tenants.models import Tenant

# The path segment of each page under /p/<tenant-slug>/.
PAGE_SLUGS = {PageKind.TERMS: "terms", PageKind.PRIVACY: "privacy", PageKind.OPT_IN: "opt-in"}
KIND_BY_SLUG = {v: k for k, v in PAGE_SLUGS.items()}

# Registration fields the hosted pages fill, per registration type (catalog field paths).
HOSTED_PAGE_FIELDS: dict[str, dict[str, str]] = {
    "US_TOLL_FREE_REGISTRATION": {
        "messagingUseCase.privacyPolicyUrl": "privacy",
        "messagingUseCase.termsAndConditionsUrl": "terms",
    },
    "US_TEN_DLC_CAMPAIGN_REGISTRATION": {
        "campaignInfo.privacyPolicyLink": "privacy",
        "campaignInfo.termsAndConditionsLink": "terms",
    },
    "PORTAL_SHORT_CODE_APPLICATION": {
        "optIn.privacyPolicyUrl": "privacy",
        "optIn.termsAndConditionsUrl": "terms",
    },
    "TEST_RCS_LAUNCH_REGISTRATION": {
        "agentDetails.privacyPolicyUrl": "privacy",
        "agentDetails.termsAndConditionsUrl": "terms",
    },
}
# Attachment fields the opt-in evidence image fills.
EVIDENCE_FIELDS: dict[str, str] = {
    "US_TOLL_FREE_REGISTRATION": "messagingUseCase.optInImage",
    "US_TEN_DLC_CAMPAIGN_REGISTRATION": "campaignInfo.optInScreenshot",
    "PORTAL_SHORT_CODE_APPLICATION": "optIn.optInMockup",
}


def hosted_page_url(*, tenant: Tenant, kind: str, number: int | None = None) -> str:
    """The absolute URL of a hosted page: the stable one, or one version's."""
    base = f"{settings.PORTAL_BASE_URL}/p/{tenant.slug}/{PAGE_SLUGS[kind]}/"
    return f"{base}v{number}/" if number else base


def hosted_page_urls(*, tenant: Tenant) -> dict[str, str]:
    """{"terms": …, "privacy": …, "opt_in": …}: the stable absolute URLs (always the newest
    published version). Use `published_kinds` to know which are live."""
    return {kind: hosted_page_url(tenant=tenant, kind=kind) for kind in PAGE_SLUGS}


def published_kinds(*, tenant: Tenant) -> set[str]:
    return set(
        HostedPageVersion.objects.filter(tenant=tenant).values_list("kind", flat=True).distinct()
    )


def hosted_page_field_values(*, tenant: Tenant, registration_type: str) -> dict[str, str]:
    """Field path → URL for the fields of `registration_type` the published pages fill."""
    live = published_kinds(tenant=tenant)
    urls = hosted_page_urls(tenant=tenant)
    return {
        path: urls[kind]
        for path, kind in HOSTED_PAGE_FIELDS.get(registration_type, {}).items()
        if kind in live
    }


def hosted_page_latest(*, tenant: Tenant, kind: str) -> HostedPageVersion | None:
    return HostedPageVersion.objects.filter(tenant=tenant, kind=kind).order_by("-number").first()


def hosted_page_get(*, tenant: Tenant, kind: str, number: int) -> HostedPageVersion | None:
    return HostedPageVersion.objects.filter(tenant=tenant, kind=kind, number=number).first()


def hosted_page_list(*, tenant: Tenant) -> QuerySet[HostedPageVersion]:
    return HostedPageVersion.objects.select_related("created_by").filter(tenant=tenant)


def sms_program_get(*, tenant: Tenant) -> SmsProgram | None:
    return SmsProgram.objects.filter(tenant=tenant).first()


def consent_list(*, tenant: Tenant, phone: str = "") -> QuerySet[ConsentRecord]:
    records = ConsentRecord.objects.select_related("page_version").filter(tenant=tenant)
    return records.filter(phone_e164=phone) if phone else records


def consent_is_opted_in(*, tenant: Tenant, phone_e164: str, use_case: str = "") -> bool:
    """Whether the newest record for the number (and use case, or any) is an opt-in. An opt-out
    without a use case covers every use case; one of a kind of message (promotional) says
    nothing about use cases, which have no kind."""
    records = ConsentRecord.objects.filter(tenant=tenant, phone_e164=phone_e164, message_type="")
    if use_case:
        records = records.filter(use_case__in=[use_case, ""])
    last = records.order_by("-created_at", "-id").first()
    return last is not None and last.action == ConsentRecord.Action.OPT_IN


def optin_evidence_list(*, tenant: Tenant) -> QuerySet[OptInEvidence]:
    return OptInEvidence.objects.select_related("page_version").filter(tenant=tenant)


def optin_evidence_get(*, tenant: Tenant, pk: int) -> OptInEvidence | None:
    return optin_evidence_list(tenant=tenant).filter(pk=pk).first()


def optin_evidence_current(*, tenant: Tenant) -> OptInEvidence | None:
    """The finished image of the live opt-in page (None when the page changed since)."""
    live = hosted_page_latest(tenant=tenant, kind=PageKind.OPT_IN)
    if live is None:
        return None
    return (
        OptInEvidence.objects.filter(
            tenant=tenant, page_version=live, status=OptInEvidence.Status.DONE
        )
        .order_by("-created_at", "-id")
        .first()
    )


def template_list(*, active_only: bool = False) -> QuerySet[MessageTemplate]:
    templates = MessageTemplate.objects.all()
    return templates.filter(is_active=True) if active_only else templates


def template_policy_get(*, tenant: Tenant) -> TenantTemplatePolicy:
    return TenantTemplatePolicy.objects.filter(tenant=tenant).first() or TenantTemplatePolicy(
        tenant=tenant
    )


def _template_regex(body: str) -> re.Pattern:
    """A template body as a pattern: each [placeholder] matches 1–100 characters without a
    line break; the rest matches literally, whitespace runs loosely."""
    parts = re.split(r"(\[[^\[\]]+\])", body.strip())
    pattern = ""
    for part in parts:
        if part.startswith("[") and part.endswith("]"):
            pattern += r"[^\r\n]{1,100}?"
        else:
            pattern += r"\s+".join(re.escape(w) for w in part.split(" ")).replace(r"\s+\s+", r"\s+")
    return re.compile(rf"\A{pattern}\Z", re.DOTALL)


def template_match(tenant: Tenant, body: str) -> MessageTemplate | None:
    """The active template the message body fills in, or None. The sending API calls this when
    `template_policy_get(tenant=…).templates_only` is set and refuses a body without a match."""
    del tenant  # templates are provider-wide today; the argument keeps per-tenant sets possible
    for template in MessageTemplate.objects.filter(is_active=True).order_by("pk"):
        if _template_regex(template.body).match(body.strip()):
            return template
    return None


def sending_restricted_to_templates(*, tenant: Tenant) -> bool:
    return TenantTemplatePolicy.objects.filter(tenant=tenant, templates_only=True).exists()
