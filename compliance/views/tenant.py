"""Tenant pages under /t/<slug>/compliance/: the program, hosted pages, consent records and
their export, opt-in evidence."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from compliance import content, selectors, services
from compliance.forms import PageForm, SmsProgramForm
from compliance.models import ConsentRecord, OptInEvidence, PageKind
from portal import csv_safe
from portal.paging import page_of
from tenants.models import Role
from tenants.permissions import tenant_view


def _errors_to_form(form, exc: ValidationError, renames: dict[str, str] | None = None) -> None:
    """Puts a service's ValidationError on the form fields it names (renamed where the form
    calls the field differently), the rest at the top of the form."""
    renames = renames or {}
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        field = renames.get(field, field)
        form.add_error(field if field in form.fields else None, errors)


@tenant_view()
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    tenant = request.tenant
    versions = list(selectors.hosted_page_list(tenant=tenant))
    urls = selectors.hosted_page_urls(tenant=tenant)
    pages = [
        {
            "kind": kind,
            "label": PageKind(kind).label,
            "url": urls[kind],
            "versions": [v for v in versions if v.kind == kind],
            "edit_url_name": f"compliance_page_edit_{kind}",
        }
        for kind in (PageKind.TERMS, PageKind.PRIVACY, PageKind.OPT_IN)
    ]
    consents = selectors.consent_list(tenant=tenant)
    stale = services.pages.hosted_pages_out_of_date(tenant=tenant)
    for page in pages:
        page["stale"] = page["kind"] in stale
    context = {
        "program": selectors.sms_program_get(tenant=tenant),
        "pages": pages,
        "opt_ins": consents.filter(action=ConsentRecord.Action.OPT_IN).count(),
        "opt_outs": consents.filter(action=ConsentRecord.Action.OPT_OUT).count(),
        "evidence": selectors.optin_evidence_list(tenant=tenant)[:5],
        "templates_only": selectors.sending_restricted_to_templates(tenant=tenant),
        "widget_script": f"{urls['opt_in'].rsplit('/opt-in/', 1)[0]}/widget.js",
        "can_manage": Role.at_least(request.membership.role, Role.ADMIN),
        # Rendering shows the published opt-in page: nothing to render before one exists.
        "opt_in_published": any(v.kind == PageKind.OPT_IN for v in versions),
    }
    return render(request, "compliance/compliance_overview.html", context)


@tenant_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def program_edit(request: HttpRequest) -> HttpResponse:
    program = selectors.sms_program_get(tenant=request.tenant)
    form = SmsProgramForm(request.POST or None, instance=program)
    if request.method == "POST" and form.is_valid():
        try:
            services.sms_program_save(
                tenant=request.tenant, actor=request.user, data=form.service_data()
            )
        except ValidationError as exc:
            _errors_to_form(
                form, exc, {"use_cases": "use_cases_text", "embed_origins": "embed_origins_text"}
            )
        else:
            messages.success(request, "SMS program saved. Publish the pages to show the changes.")
            return redirect("compliance_overview", tenant_slug=request.tenant.slug)
    return render(request, "compliance/program_edit.html", {"form": form})


@tenant_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def page_edit(request: HttpRequest, kind: str) -> HttpResponse:
    tenant = request.tenant
    try:
        draft, facts = services.hosted_page_draft(tenant=tenant, kind=kind)
    except ValidationError:
        return render(request, "compliance/page_edit.html", {"kind_label": PageKind(kind).label})
    form = PageForm(request.POST or None, initial={"body_html": draft})
    if request.method == "POST" and form.is_valid():
        try:
            version = services.hosted_page_publish(
                tenant=tenant,
                actor=request.user,
                kind=kind,
                body_html=form.cleaned_data["body_html"],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            label = version.title.lower()
            messages.success(request, f"Published {label}, version {version.number}.")
            return redirect("compliance_overview", tenant_slug=tenant.slug)
    preview = content.sanitize(form["body_html"].value() or "")
    context = {
        "form": form,
        "kind": kind,
        "kind_label": PageKind(kind).label,
        "facts": facts,
        "preview": preview,
        "missing": content.missing_clauses(kind, preview, facts),
        "latest": selectors.hosted_page_latest(tenant=tenant, kind=kind),
    }
    return render(request, "compliance/page_edit.html", context)


@tenant_view(Role.ADMIN)
@require_GET
def consent_list(request: HttpRequest) -> HttpResponse:
    phone = request.GET.get("phone", "").strip()
    records = selectors.consent_list(tenant=request.tenant)
    if phone:
        try:
            records = records.filter(phone_e164=services.consent.phone_e164(phone))
        except ValidationError:
            records = records.none()
    page = page_of(request, records)
    context = {"records": page, "page": page, "phone": phone}
    return render(request, "compliance/consent_list.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


@tenant_view(Role.ADMIN)
@require_GET
def consent_export(request: HttpRequest) -> HttpResponse:
    """Every consent record of the tenant as CSV, for audits (owners and admins)."""

    columns = [
        "created_at", "action", "phone_e164", "use_case", "use_case_label", "source",
        "page_kind", "page_version", "text_shown", "ip_address", "user_agent", "confirmation",
        "confirmation_note", "message_type",
    ]  # fmt: skip
    writer = csv_safe.writer(_Echo())  # formula cells neutralised (portal/csv_safe.py)

    def rows():
        yield writer.writerow(columns)
        for r in selectors.consent_list(tenant=request.tenant).order_by("created_at", "id"):
            yield writer.writerow(
                [
                    r.created_at.isoformat(),
                    r.action,
                    r.phone_e164,
                    r.use_case,
                    r.use_case_label,
                    r.source,
                    r.page_version.kind if r.page_version else "",
                    r.page_version.number if r.page_version else "",
                    r.text_shown,
                    r.ip_address or "",
                    r.user_agent,
                    r.confirmation,
                    r.confirmation_note,
                    r.message_type,
                ]
            )

    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="consent-{request.tenant.slug}-{stamp}.csv"'
    )
    return response


@tenant_view(Role.ADMIN)
@require_POST
def evidence_render(request: HttpRequest) -> HttpResponse:
    try:
        services.optin_evidence_render(tenant=request.tenant, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Rendering the opt-in page; the image appears here shortly.")
    return redirect("compliance_overview", tenant_slug=request.tenant.slug)


@tenant_view()
@require_GET
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.optin_evidence_get(tenant=request.tenant, pk=pk)
    if item is None or item.status != OptInEvidence.Status.DONE:
        raise Http404("No such image.")
    response = FileResponse(default_storage.open(item.file_name, "rb"), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="optin-evidence-{item.pk}.png"'
    return response
