"""Public pages under /p/<tenant-slug>/: terms, privacy, opt-in (and its embeddable widget),
opt-out. No sign-in; nothing here trusts the request beyond what the form and limits check."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from compliance import content, selectors, services
from compliance.forms import OptInForm, OptOutForm
from compliance.models import ConsentRecord, HostedPageVersion, PageKind
from compliance.preflight.text import host_of
from portal.client_ip import client_ip
from tenants.models import Tenant
from tenants.permissions import public_view


def _tenant(slug: str) -> Tenant:
    tenant = (
        Tenant.objects.select_related("profile")
        .filter(slug=slug)
        .exclude(status=Tenant.Status.CLOSED)
        .first()
    )
    if tenant is None:
        raise Http404("No such page.")
    return tenant


def _signup_unavailable(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    """A suspended tenant's opt-in page and widget: no form, nothing sent (404, noindex)."""
    response = render(request, "compliance/public_unavailable.html", {"tenant": tenant}, status=404)
    response["X-Robots-Tag"] = "noindex"
    return _headers(response)


def _version(tenant: Tenant, kind: str, number: int | None) -> HostedPageVersion | None:
    if number is None:
        return selectors.hosted_page_latest(tenant=tenant, kind=kind)
    return selectors.hosted_page_get(tenant=tenant, kind=kind, number=number)


def _headers(response: HttpResponse, *, frame_ancestors: list[str] | None = None) -> HttpResponse:
    # The site-wide Content-Security-Policy (settings, django-csp) applies; the widget alone
    # widens frame-ancestors to the tenant's own sites.
    if frame_ancestors:
        response._csp_replace = {"frame-ancestors": frame_ancestors}
    response["Referrer-Policy"] = "strict-origin-when-cross-origin"
    return response


def _not_published(request: HttpRequest, tenant: Tenant, kind: str) -> HttpResponse:
    response = render(
        request,
        "compliance/public_unpublished.html",
        {"tenant": tenant, "title": selectors.PageKind(kind).label},
    )
    response["X-Robots-Tag"] = "noindex"
    return _headers(response)


@public_view
@require_GET
def policy_page(request: HttpRequest, tenant_slug: str, kind: str, number: int | None = None):
    tenant = _tenant(tenant_slug)
    version = _version(tenant, kind, number)
    if version is None:
        if number is not None:
            return redirect("compliance_public_" + kind, tenant_slug=tenant.slug)
        return _not_published(request, tenant, kind)
    latest = selectors.hosted_page_latest(tenant=tenant, kind=kind)
    context = {
        "tenant": tenant,
        "version": version,
        "facts": version.program,
        "is_latest": latest is not None and latest.pk == version.pk,
    }
    return _headers(render(request, "compliance/public_page.html", context))


def _optin(request: HttpRequest, tenant: Tenant, version: HostedPageVersion, *, embed: bool):
    facts = version.program
    use_cases = [{**u, "statement": content.optin_statement(facts, u)} for u in facts["use_cases"]]
    form = OptInForm(request.POST or None, use_cases=use_cases)
    status, done = 200, None
    if request.method == "POST" and form.is_valid():
        submission = services.Submission(
            phone=form.cleaned_data["phone"],
            use_cases=form.cleaned_data["use_cases"],
            token=form.cleaned_data["token"],
            honeypot=form.cleaned_data["website"],
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            source=ConsentRecord.Source.WIDGET if embed else ConsentRecord.Source.HOSTED_PAGE,
        )
        try:
            done = services.consent_capture(tenant=tenant, version=version, submission=submission)
        except services.ConsentLimitExceeded as exc:
            form.add_error(None, exc)
            status = 429
        except services.TenantUnavailable as exc:  # suspended between GET and POST
            form.add_error(None, exc)
            status = 404
        except services.ConsentRejected as exc:
            form.add_error(None, exc)
            status = 400
        except ValidationError as exc:
            form.add_error(None, exc)
    elif request.method == "POST":
        status = 400
    context = {
        "token": services.form_token_issue(tenant=tenant, version=version) if not done else "",
        "tenant": tenant,
        "version": version,
        "facts": facts,
        "use_cases": use_cases,
        "chosen": set(form.data.getlist("use_cases")) if form.is_bound else set(),
        "disclosure": content.optin_disclosure(facts),
        "form": form,
        "embed": embed,
        "done": done,
    }
    return render(request, "compliance/optin_page.html", context, status=status)


@public_view
@csrf_exempt  # public, anonymous, often framed on another site: the signed form token guards it
@require_http_methods(["GET", "POST"])
def optin_page(request: HttpRequest, tenant_slug: str, number: int | None = None):
    tenant = _tenant(tenant_slug)
    if tenant.status != Tenant.Status.ACTIVE:
        return _signup_unavailable(request, tenant)
    version = _version(tenant, PageKind.OPT_IN, number)
    if version is None:
        if number is not None:
            return redirect("compliance_public_opt_in", tenant_slug=tenant.slug)
        return _not_published(request, tenant, PageKind.OPT_IN)
    return _headers(_optin(request, tenant, version, embed=False))


def _frame_ancestors(tenant: Tenant, version: HostedPageVersion) -> list[str]:
    origins = ["'self'"]
    website = version.program.get("website", "")
    if website and host_of(website):
        origins.append("https://" + host_of(website))
        origins.append("https://www." + host_of(website))
    program = selectors.sms_program_get(tenant=tenant)
    origins += program.embed_origins if program else []
    return list(dict.fromkeys(origins))


@public_view
@xframe_options_exempt  # the one view meant to be framed; CSP names who may frame it
@csrf_exempt
@require_http_methods(["GET", "POST"])
def optin_widget(request: HttpRequest, tenant_slug: str):
    tenant = _tenant(tenant_slug)
    if tenant.status != Tenant.Status.ACTIVE:
        return _signup_unavailable(request, tenant)
    version = selectors.hosted_page_latest(tenant=tenant, kind=PageKind.OPT_IN)
    if version is None:
        return _not_published(request, tenant, PageKind.OPT_IN)
    response = _optin(request, tenant, version, embed=True)
    return _headers(response, frame_ancestors=_frame_ancestors(tenant, version))


@public_view
@require_GET
def optin_widget_script(request: HttpRequest, tenant_slug: str):
    """A script tag's worth of JavaScript that puts the widget iframe where it is included."""
    tenant = _tenant(tenant_slug)
    url = f"{settings.PORTAL_BASE_URL}/p/{tenant.slug}/widget/"
    response = render(
        request,
        "compliance/widget.js",
        {
            "url_json": json.dumps(url),
            "title_json": json.dumps(f"Text message sign-up for {tenant.name}"),
        },
        content_type="text/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "public, max-age=300"
    return response


@public_view
@require_http_methods(["GET", "POST"])
def optout_page(request: HttpRequest, tenant_slug: str):
    tenant = _tenant(tenant_slug)
    program = selectors.sms_program_get(tenant=tenant)
    kinds = bool(program and program.kind_opt_outs)
    form = OptOutForm(request.POST or None, kinds=kinds)
    done, status = None, 200
    if request.method == "POST" and form.is_valid() and not form.cleaned_data["website"]:
        try:
            services.consent_opt_out(
                tenant=tenant,
                phone=form.cleaned_data["phone"],
                source=ConsentRecord.Source.HOSTED_PAGE,
                ip_address=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
                message_type=form.cleaned_data["kind"],
            )
        except services.ConsentLimitExceeded as exc:
            form.add_error(None, exc)
            status = 429
        except ValidationError as exc:
            form.add_error("phone", exc.messages[0])
            status = 400
        else:
            done = form.cleaned_data["kind"] or "all"
    elif request.method == "POST":
        status = 400
    brand = getattr(tenant.profile, "dba_name", "") or tenant.name
    context = {"tenant": tenant, "brand": brand, "form": form, "done": done, "kinds": kinds}
    return _headers(render(request, "compliance/optout_page.html", context, status=status))
