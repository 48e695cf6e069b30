"""The wizard: one step per section of the catalog's form, autosave, uploads, the review step
and submission for the provider's review."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from compliance.models import OptInEvidence, PageKind
from compliance.selectors import EVIDENCE_FIELDS, hosted_page_latest
from compliance.services import optin_evidence_render
from portal import upload_policy
from registrations.schema import effective_rule
from registrations.selectors import schema_for, version_values
from registrations.services import drafts, review
from registrations.states import Status
from registrations.web import selectors, uploads
from registrations.web.forms import SectionForm, field_name, widget_kind
from tenants.models import Role
from tenants.permissions import tenant_view


def _editable(request, pk: int):
    registration = selectors.registration_get(tenant=request.tenant, pk=pk)
    if not selectors.is_editable(registration):
        messages.info(request, "This registration is not editable now.")
        return registration, False
    return registration, True


def _save_valid(request, registration, posted: dict) -> dict[str, list[str]]:
    """Saves the posted values that pass the schema; returns the errors of the others.
    The server's validation is the one that counts; the browser's only mirrors it."""
    schema = schema_for(registration)
    version = registration.current_version
    posted.update(drafts.values_normalised(registration, posted))
    merged = {**version_values(version), **posted}
    # A field the answers above disallow is emptied instead of refused.
    for fdef in schema.fields:
        if fdef.path in posted and effective_rule(fdef, merged)[0] == "DISALLOWED":
            posted[fdef.path] = [] if fdef.type == "SELECT" else ""
            merged[fdef.path] = posted[fdef.path]
    errors = {p: e for p, e in schema.validate(merged, complete=False).items() if p in posted}
    current = version_values(version)
    valid = {
        p: v
        for p, v in posted.items()
        if p not in errors and current.get(p, "" if not isinstance(v, list) else []) != v
    }
    if valid:
        try:
            drafts.registration_values_save(
                tenant=request.tenant, actor=request.user, registration=registration, values=valid
            )
        except ValidationError as exc:
            errors.update(exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages})
    return errors


def _save_uploads(request, registration, form: SectionForm) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for path, upload in form.uploads().items():
        limit = uploads.field_limit(registration.registration_type, path)
        wants_shrink = request.POST.get(f"shrink__{field_name(path)}") == "1"
        # Bounded: a body over REQUEST_BODY_MAX_BYTES was refused before it was read.
        data = upload.read()
        inspection = upload_policy.inspect(data)
        if not inspection.ok:
            errors[path] = [inspection.problem]
            continue
        name = upload.name
        if inspection.is_image and len(data) > limit and wants_shrink:
            try:
                data = uploads.shrink(data, limit)
            except uploads.ShrinkFailed as exc:
                errors[path] = [str(exc)]
                continue
            name = name.rsplit(".", 1)[0] + "-small.jpg"
        try:
            drafts.registration_attachment_add(
                tenant=request.tenant,
                actor=request.user,
                registration=registration,
                field_path=path,
                upload=SimpleUploadedFile(name, data),
                max_bytes=limit,
            )
        except ValidationError as exc:
            problems = exc.message_dict.get(path, exc.messages)
            if inspection.is_image and len(data) > limit:
                problems = [
                    *problems,
                    "Tick “Shrink it to fit” and choose the file again: the portal makes a "
                    "smaller copy that stays readable.",
                ]
            errors[path] = problems
    return errors


def _missing_required(registration, section_paths: set[str]) -> dict[str, list[str]]:
    schema = schema_for(registration)
    values = version_values(registration.current_version)
    return {
        p: e
        for p, e in schema.validate(values, complete=True).items()
        if p in section_paths and e == ["This field is required."]
    }


@tenant_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def registration_step(request: HttpRequest, pk: int, step: int) -> HttpResponse:
    registration, editable = _editable(request, pk)
    if not editable:
        return redirect("registration_detail", tenant_slug=request.tenant.slug, pk=pk)
    schema = schema_for(registration)
    sections = selectors.section_list(schema)
    if not 1 <= step <= len(sections):
        raise Http404("No such step.")
    section = sections[step - 1]
    version = registration.current_version
    values = version_values(version)
    form = SectionForm(
        request.POST or None, request.FILES or None, fields=section["fields"], values=values
    )
    if request.method == "POST":
        posted = form.posted_values()
        errors = _save_valid(request, registration, posted)
        errors.update(_save_uploads(request, registration, form))
        action = request.POST.get("action", "next")
        if action == "next":
            # Everything at once: what is wrong and what is still missing on this step.
            missing = _missing_required(registration, {f.path for f in section["fields"]})
            errors.update({p: e for p, e in missing.items() if p not in errors})
        if not errors:
            if action == "back" and step > 1:
                target = reverse("registration_step", args=[request.tenant.slug, pk, step - 1])
            elif action == "save":
                messages.success(request, "Draft saved.")
                target = reverse("registration_step", args=[request.tenant.slug, pk, step])
            elif step < len(sections):
                target = reverse("registration_step", args=[request.tenant.slug, pk, step + 1])
            else:
                target = reverse("registration_review", args=[request.tenant.slug, pk])
            return redirect(target)
        form.add_path_errors(errors)
    states = selectors.field_states(registration, registration.current_version)
    rows = []
    for name, fdef in form.defs.items():
        state = states[fdef.path]
        rows.append(
            {
                "bound": form[name],
                "kind": widget_kind(fdef),
                "state": state,
                "limit_kb": uploads.field_limit(registration.registration_type, fdef.path) // 1024
                if fdef.type == "ATTACHMENT"
                else None,
                "evidence": _evidence_field(registration, fdef.path),
            }
        )
    return render(
        request,
        "registrations/registration_step.html",
        {
            "registration": registration,
            "version": registration.current_version,
            "sections": sections,
            "section": section,
            "step": step,
            "rows": rows,
            "form": form,
            # One per line the summary lists: each message of each field, and the form's own.
            "error_count": sum(len(messages_) for messages_ in form.errors.values()),
            "values_json": json.dumps(
                {
                    p: v
                    for p, v in version_values(registration.current_version).items()
                    if not str(v).startswith("attachment:")
                }
            ),
        },
    )


def _evidence_field(registration, path: str):

    if EVIDENCE_FIELDS.get(registration.registration_type) != path:
        return None

    return {
        "latest": OptInEvidence.objects.filter(tenant=registration.tenant)
        .order_by("-created_at", "-id")
        .first(),
        "published": hosted_page_latest(tenant=registration.tenant, kind=PageKind.OPT_IN)
        is not None,
    }


@tenant_view(Role.ADMIN)
@require_POST
def registration_autosave(request: HttpRequest, pk: int) -> HttpResponse:
    """Saves what is valid of a step while the admin types; answers the errors per field."""
    registration = selectors.registration_get(tenant=request.tenant, pk=pk)
    if not selectors.is_editable(registration):
        return JsonResponse({"saved": False, "errors": {"": ["Not editable now."]}}, status=409)
    schema = schema_for(registration)
    paths = {field_name(f.path) for f in schema.fields if f.type != "ATTACHMENT"}
    names = [n for n in request.POST if n in paths] + [
        n for n in request.POST.get("_present", "").split(",") if n in paths
    ]
    fields = [f for f in schema.fields if field_name(f.path) in set(names)]
    form = SectionForm(request.POST, fields=fields, values={})
    posted = form.posted_values()
    typed = dict(posted)
    errors = _save_valid(request, registration, posted)
    version = selectors.registration_get(tenant=request.tenant, pk=pk).current_version
    # Values stored in another form than typed ("(206) 555-0100" → "+12065550100"), to show.
    rewritten = {
        field_name(p): v
        for p, v in posted.items()
        if p not in errors and isinstance(v, str) and v != typed.get(p)
    }
    return JsonResponse(
        {
            "saved": True,
            "errors": errors,
            "values": rewritten,
            "findings": findings_by_field(version),
        }
    )


def findings_by_field(version) -> dict[str, list[dict]]:
    """The preflight findings of the version's last save, under each field they concern: what
    the wizard shows at the field, refreshed after each autosave."""
    out: dict[str, list[dict]] = {}
    for finding in version.preflight_findings or []:
        shown = {
            "severity": finding.get("severity", "warning"),
            "message": finding.get("message", ""),
            "fix_hint": finding.get("fix_hint", ""),
            "rule_id": finding.get("rule_id", ""),
        }
        for path in finding.get("field_paths") or [""]:
            out.setdefault(path, []).append(shown)
    return out


@tenant_view(Role.ADMIN)
@require_POST
def registration_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """Uses the rendered image of the hosted opt-in page, or asks for one to be rendered."""

    registration, editable = _editable(request, pk)
    path = EVIDENCE_FIELDS.get(registration.registration_type)
    back = request.POST.get("back") or reverse(
        "registration_detail", args=[request.tenant.slug, pk]
    )
    if not back.startswith("/"):
        raise PermissionDenied("Bad return address.")
    if not editable or path is None:
        return redirect(back)
    latest = (
        OptInEvidence.objects.filter(tenant=request.tenant, status=OptInEvidence.Status.DONE)
        .order_by("-created_at", "-id")
        .first()
    )
    try:
        if request.POST.get("action") == "use" and latest is not None:
            with default_storage.open(latest.file_name, "rb") as fh:
                data = fh.read()
            drafts.registration_attachment_add(
                tenant=request.tenant,
                actor=request.user,
                registration=registration,
                field_path=path,
                upload=SimpleUploadedFile("opt-in-page.png", data),
                max_bytes=uploads.field_limit(registration.registration_type, path),
            )
            messages.success(request, "The image of your opt-in page is attached.")
        else:
            optin_evidence_render(tenant=request.tenant, actor=request.user)
            messages.info(request, "Rendering your opt-in page; reload in a few seconds.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(back)


@tenant_view(Role.ADMIN)
@require_http_methods(["GET"])
def registration_review(request: HttpRequest, pk: int) -> HttpResponse:
    registration = selectors.registration_get(tenant=request.tenant, pk=pk)
    version = registration.current_version
    schema = schema_for(registration)
    sections = selectors.section_list(schema)
    states = selectors.field_states(registration, version)
    missing = schema.validate(version_values(version), complete=True)
    blocks = []
    for index, section in enumerate(sections, start=1):
        blocks.append(
            {
                "index": index,
                "section": section,
                "states": [
                    states[f.path] for f in section["fields"] if states[f.path].rule != "DISALLOWED"
                ],
            }
        )
    for block in blocks:
        for state in block["states"]:
            state.errors = missing.get(state.fdef.path, [])
    return render(
        request,
        "registrations/registration_review.html",
        {
            "registration": registration,
            "version": version,
            "blocks": blocks,
            "missing": missing,
            "findings": version.preflight_findings or [],
            # Findings link to their fields by the fields' titles, never by AWS's paths.
            "titles": {f.path: f.title or "this field" for f in schema.fields},
            "counts": selectors.findings_summary(version),
            "editable": selectors.is_editable(registration),
            "sections": sections,
        },
    )


@tenant_view(Role.ADMIN)
@require_POST
def registration_submit(request: HttpRequest, pk: int) -> HttpResponse:
    registration = selectors.registration_get(tenant=request.tenant, pk=pk)
    try:
        registration = review.registration_submit_for_review(
            tenant=request.tenant, actor=request.user, registration=registration
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            messages.error(
                request, f"{len(exc.error_dict)} field(s) still need an answer; see below."
            )
        else:
            messages.error(request, " ".join(exc.messages))
        return redirect("registration_review", tenant_slug=request.tenant.slug, pk=pk)
    if registration.status == Status.WAITING_FOR_BRAND:
        messages.success(
            request,
            "Sent. It waits for its brand (and the brand's vetting, if you chose it) and goes "
            "to your provider's review by itself once they are complete.",
        )
    else:
        messages.success(request, "Sent to your provider for review. We e-mail you when it moves.")
    return redirect("registration_detail", tenant_slug=request.tenant.slug, pk=pk)


@tenant_view(Role.ADMIN)
@require_POST
def registration_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    registration = selectors.registration_get(tenant=request.tenant, pk=pk)
    try:
        review.registration_cancel(
            tenant=request.tenant, actor=request.user, registration=registration
        )
        messages.success(request, "Registration cancelled.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("registration_detail", tenant_slug=request.tenant.slug, pk=pk)
