"""Writes for opt-in evidence: queue a render, then capture it (in a task)."""

from __future__ import annotations

import hashlib

from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from compliance import content, evidence
from compliance.models import OptInEvidence, PageKind
from compliance.selectors import hosted_page_latest
from portal import upload_policy
from portal.enqueue import enqueue
from tenants.models import Tenant, User
from tenants.services import audit_record


@transaction.atomic
def optin_evidence_render(*, tenant: Tenant, actor: User) -> OptInEvidence:
    """Queues an image of the latest published opt-in page; returns the pending row. The
    registration form offers this beside a manual upload."""
    version = hosted_page_latest(tenant=tenant, kind=PageKind.OPT_IN)
    if version is None:
        raise ValidationError("Publish the opt-in page first; the image shows that page.")
    item = OptInEvidence.objects.create(tenant=tenant, page_version=version, created_by=actor)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="optin_evidence.render",
        obj=item,
        after={"page_version": version.number},
    )
    enqueue("compliance.tasks.optin_evidence_capture_task", tenant.pk, item.pk)
    return item


def optin_page_html(version, *, inline: bool = True) -> str:
    """The opt-in page of one version as self-contained HTML (styles inline)."""
    css_path = finders.find("compliance/public.css")
    with open(css_path, encoding="utf-8") as fh:
        css = fh.read()
    facts = version.program
    return render_to_string(
        "compliance/optin_page.html",
        {
            "version": version,
            "tenant": version.tenant,
            "facts": facts,
            "use_cases": [
                {**u, "statement": content.optin_statement(facts, u)} for u in facts["use_cases"]
            ],
            "disclosure": content.optin_disclosure(facts),
            "inline_css": css if inline else "",
            "evidence": True,
            "token": "",
        },
    )


def optin_evidence_capture(*, tenant_id: int, evidence_id: int) -> OptInEvidence | None:
    """Renders, shrinks, checks and stores the image. Idempotent: only a pending row is done."""
    item = (
        OptInEvidence.objects.select_related("page_version", "tenant")
        .filter(pk=evidence_id, tenant_id=tenant_id, status=OptInEvidence.Status.PENDING)
        .first()
    )
    if item is None:
        return None
    html = optin_page_html(item.page_version)
    try:
        png = evidence.shrink_png(evidence.render_png(html))
        check = upload_policy.check(png, upload_policy.OPTIN_EVIDENCE)
        if not check.ok:
            raise evidence.EvidenceError("; ".join(check.problems))
    except evidence.EvidenceError as exc:
        OptInEvidence.objects.filter(pk=item.pk, status=OptInEvidence.Status.PENDING).update(
            status=OptInEvidence.Status.FAILED, error=str(exc)[:500], finished_at=timezone.now()
        )
        item.refresh_from_db()
        return item
    stored = ContentFile(png)
    stored.content_type = check.content_type  # S3's Content-Type: the sniffed type
    name = default_storage.save(
        f"tenants/{item.tenant.slug}/compliance/optin-evidence-{item.pk}-"
        f"v{item.page_version.number}.{upload_policy.extension_for(check.content_type)}",
        stored,
    )
    OptInEvidence.objects.filter(pk=item.pk, status=OptInEvidence.Status.PENDING).update(
        status=OptInEvidence.Status.DONE,
        file_name=name,
        content_type=check.content_type,
        size_bytes=check.size_bytes,
        width=check.width,
        height=check.height,
        sha256=hashlib.sha256(png).hexdigest(),
        finished_at=timezone.now(),
    )
    item.refresh_from_db()
    return item
