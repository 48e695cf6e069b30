"""Writes for the SMS program and the hosted pages, and which published pages are out of date."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from compliance import content
from compliance.models import HostedPageVersion, PageKind, SmsProgram
from compliance.selectors import PAGE_SLUGS, hosted_page_latest, hosted_page_urls, sms_program_get
from tenants.models import Tenant, User
from tenants.services import audit_record

PROGRAM_FIELDS = (
    "program_name",
    "description",
    "message_frequency",
    "sending_number",
    "use_cases",
    "alternative_channel",
    "embed_origins",
    "kind_opt_outs",
    "category",
    "monthly_volume",
)


def _clean_use_cases(value: list) -> list[dict]:
    cases, seen = [], set()
    for item in value or []:
        label = str(item.get("label", "")).strip()
        key = re.sub(r"[^a-z0-9]+", "_", str(item.get("key") or label).lower()).strip("_")[:40]
        if label and key and key not in seen:
            seen.add(key)
            cases.append({"key": key, "label": label[:100]})
    if not cases:
        raise ValidationError({"use_cases": "Name at least one kind of message people opt in to."})
    return cases


def _clean_origins(value: list) -> list[str]:
    origins = []
    for origin in value or []:
        origin = str(origin).strip().rstrip("/")
        if not origin:
            continue
        if not re.fullmatch(r"https://[a-z0-9.-]+(?::\d+)?", origin.lower()):
            raise ValidationError(
                {"embed_origins": f"“{origin}” is not an https origin like https://example.com."}
            )
        origins.append(origin.lower())
    return origins


@transaction.atomic
def sms_program_save(*, tenant: Tenant, actor: User, data: dict) -> SmsProgram:
    """Creates or updates the tenant's SMS program (pages change only when published)."""
    unknown = set(data) - set(PROGRAM_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown program fields: {', '.join(sorted(unknown))}.")
    program = SmsProgram.objects.select_for_update().filter(tenant=tenant).first()
    before = {k: getattr(program, k) for k in PROGRAM_FIELDS} if program else {}
    program = program or SmsProgram(tenant=tenant)
    for key, value in data.items():
        setattr(program, key, value)
    program.use_cases = _clean_use_cases(program.use_cases)
    program.embed_origins = _clean_origins(program.embed_origins)
    program.full_clean()
    program.save()
    after = {k: getattr(program, k) for k in PROGRAM_FIELDS}
    changed = {k for k in PROGRAM_FIELDS if before.get(k) != after[k]}
    if changed:
        audit_record(
            tenant=tenant,
            actor=actor,
            action="sms_program.save",
            obj=program,
            before={k: before.get(k) for k in changed},
            after={k: after[k] for k in changed},
        )
    return program


def hosted_page_draft(*, tenant: Tenant, kind: str) -> tuple[str, dict]:
    """The wording to edit (the latest published, or the default) and the current facts."""
    program = SmsProgram.objects.filter(tenant=tenant).first()
    if program is None:
        raise ValidationError("Describe your SMS program first.")
    facts = content.program_facts(
        tenant=tenant, program=program, urls=hosted_page_urls(tenant=tenant)
    )
    latest = hosted_page_latest(tenant=tenant, kind=kind)
    return (latest.body_html if latest else content.default_body(kind, facts)), facts


TITLES = {
    PageKind.TERMS: "SMS terms and conditions",
    PageKind.PRIVACY: "Privacy policy",
    PageKind.OPT_IN: "Sign up for text messages",
}


@transaction.atomic
def hosted_page_publish(
    *, tenant: Tenant, actor: User, kind: str, body_html: str
) -> HostedPageVersion:
    """Sanitises the wording, checks the required clauses and publishes it as a new version."""
    if kind not in PageKind.values:
        raise ValidationError(f"Unknown page {kind!r}.")
    Tenant.objects.select_for_update().filter(pk=tenant.pk).first()  # one publisher at a time
    _, facts = hosted_page_draft(tenant=tenant, kind=kind)
    body = content.sanitize(body_html)
    missing = content.missing_clauses(kind, body, facts)
    if missing:
        raise ValidationError(
            {"body_html": "The page must keep " + "; ".join(missing) + "."}, code="clauses"
        )
    if kind == PageKind.OPT_IN:
        live = set(HostedPageVersion.objects.filter(tenant=tenant).values_list("kind", flat=True))
        if not {PageKind.TERMS, PageKind.PRIVACY} <= live:
            raise ValidationError(
                "Publish the SMS terms and the privacy policy first: the opt-in page links them."
            )
    number = (
        HostedPageVersion.objects.filter(tenant=tenant, kind=kind).aggregate(n=Max("number"))["n"]
        or 0
    ) + 1
    version = HostedPageVersion.objects.create(
        tenant=tenant,
        kind=kind,
        number=number,
        title=TITLES[kind],
        body_html=body,
        program=facts,
        created_by=actor,
    )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="hosted_page.publish",
        obj=version,
        after={"kind": kind, "number": number},
    )
    return version


def hosted_pages_out_of_date(*, tenant: Tenant) -> set[str]:
    """The published pages whose facts (program, profile) changed since their last publish."""
    program = sms_program_get(tenant=tenant)
    if program is None:
        return set()
    current = content.program_facts(
        tenant=tenant, program=program, urls=hosted_page_urls(tenant=tenant)
    )
    stale = set()
    for kind in PAGE_SLUGS:
        latest = hosted_page_latest(tenant=tenant, kind=kind)
        if latest is not None and latest.program != current:
            stale.add(kind)
    return stale
