"""Security headers: a Content-Security-Policy on every kind of page (with no inline script or
style left in the templates for it to block), and a year of HSTS in production."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.compliance.conftest import (  # noqa: F401 - fixtures used below
    profile_a,
    program_a,
    published_a,
)
from tests.conftest import client_for
from tests.registrations.conftest import catalog, sandbox, sandbox_process  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"


def directives(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def assert_strict(policy: dict[str, list[str]], *, frame_ancestors=("'none'",)) -> None:
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == list(frame_ancestors)
    assert set(policy["img-src"]) >= {"'self'", "data:"}
    flat = " ".join(" ".join(v) for v in policy.values())
    assert "'unsafe-inline'" not in flat and "'unsafe-eval'" not in flat and "*" not in flat


@pytest.mark.django_db
def test_every_kind_of_page_carries_the_policy(published_a, owen, sam, tenant_a):  # noqa: F811
    anonymous = client_for(None)
    pages = [
        (anonymous, "/accounts/login/"),
        (anonymous, "/accounts/password/reset/"),
        (client_for(owen), f"/t/{tenant_a.slug}/"),
        (client_for(owen), f"/t/{tenant_a.slug}/registrations/start/"),
        (client_for(sam), "/staff/"),
        (client_for(sam), "/staff/registrations/dashboard/"),
        (anonymous, f"/p/{tenant_a.slug}/terms/"),
        (anonymous, f"/p/{tenant_a.slug}/opt-in/"),
        (anonymous, f"/p/{tenant_a.slug}/opt-out/"),
        (anonymous, "/api/v1/docs"),
    ]
    for client, url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict(directives(response))


@pytest.mark.django_db
def test_not_found_and_forbidden_pages_carry_it_too(owen, tenant_b):
    assert_strict(directives(client_for(None).get("/no-such-page/")))
    assert_strict(directives(client_for(owen).get(f"/t/{tenant_b.slug}/")))


@pytest.mark.django_db
def test_the_widget_alone_may_be_framed_by_the_tenants_sites(published_a, tenant_a):  # noqa: F811
    response = client_for(None).get(f"/p/{tenant_a.slug}/widget/")
    assert response.status_code == 200
    policy = directives(response)
    ancestors = policy["frame-ancestors"]
    assert ancestors[0] == "'self'" and "https://acme-anvils.example" in ancestors
    assert_strict(policy, frame_ancestors=ancestors)
    assert "X-Frame-Options" not in response.headers


@pytest.mark.django_db
def test_api_docs_script_is_a_file_of_its_own(db):
    client = client_for(None)
    page = client.get("/api/v1/docs")
    sources = re.findall(r'<script src="([^"]+)"', page.content.decode())
    assert sources and not re.search(r"<script>\s*\S", page.content.decode())
    script = client.get(sources[-1].replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


@pytest.mark.django_db
def test_staff_review_may_embed_its_pdf_attachment_and_nothing_else_may(
    catalog,  # noqa: F811 - fixture
    tenant_a,
    alice,
    sam,
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from registrations.services import drafts, review
    from tests.registrations.test_engine import _draft
    from tests.sandbox.forms import PDF, TFN_GOOD

    registration = _draft(tenant_a, alice, values=TFN_GOOD)
    drafts.registration_attachment_add(
        tenant=tenant_a,
        actor=alice,
        registration=registration,
        field_path="messagingUseCase.optInImage",
        upload=SimpleUploadedFile("optin.pdf", PDF, content_type="application/pdf"),
    )
    review.registration_submit_for_review(tenant=tenant_a, actor=alice, registration=registration)
    staff = client_for(sam)
    review = staff.get(f"/staff/registrations/{registration.pk}/")
    assert review.status_code == 200 and b'<object class="preview-doc"' in review.content
    policy = directives(review)
    assert policy["object-src"] == ["'self'"]  # the PDF preview; elsewhere 'none'
    value = registration.current_version.values.exclude(attachment=None).get()
    pdf = staff.get(f"/staff/registrations/{registration.pk}/attachments/{value.attachment_id}/")
    assert pdf["Content-Type"] == "application/pdf"
    assert directives(pdf)["frame-ancestors"] == ["'self'"]
    assert pdf["X-Frame-Options"] == "SAMEORIGIN"


# --- Templates: nothing inline for the policy to block -------------------------------------

SCRIPT_WITH_BODY = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>\s*[^<\s]", re.I)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style\b", re.I)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.I)
# The opt-in evidence renders this page to a string for Chromium with its stylesheet inlined;
# that HTML is never served, so no policy applies to it.
STYLE_ELEMENT_ALLOWED = {"compliance/public_base.html"}


def _html_templates():
    return sorted(p for p in TEMPLATES.rglob("*.html"))


def test_templates_have_no_inline_script_handler_or_style():
    problems = []
    for path in _html_templates():
        name = path.relative_to(TEMPLATES).as_posix()
        text = path.read_text(encoding="utf-8")
        for label, pattern in (
            ("inline <script>", SCRIPT_WITH_BODY),
            ("on…= handler", EVENT_HANDLER),
            ("style= attribute", STYLE_ATTRIBUTE),
            ("javascript: URL", JAVASCRIPT_URL),
        ):
            problems += [f"{name}: {label}: {m.group(0)[:80]}" for m in pattern.finditer(text)]
        if name not in STYLE_ELEMENT_ALLOWED and STYLE_ELEMENT.search(text):
            problems.append(f"{name}: <style> element")
    assert not problems, "\n".join(problems)


def test_the_checks_catch_what_they_look_for():
    assert SCRIPT_WITH_BODY.search("<script>alert(1)</script>")
    assert SCRIPT_WITH_BODY.search('<script type="module">\n go()</script>')
    assert not SCRIPT_WITH_BODY.search('<script src="/static/js/portal.js" defer></script>')
    assert EVENT_HANDLER.search('<button class="btn" onclick="go()">')
    assert EVENT_HANDLER.search('<body\n onload="x()">')
    assert not EVENT_HANDLER.search('<a href="/x">onclick= in text</a>')
    assert STYLE_ATTRIBUTE.search('<span class="a" style="width:5%">')
    assert not STYLE_ATTRIBUTE.search('<span data-width="5">')
    assert JAVASCRIPT_URL.search('<a href="javascript:void(0)">')


# --- HSTS --------------------------------------------------------------------------------------


def _production_settings(**variables: str) -> dict:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'hsts': s.SECURE_HSTS_SECONDS, 'sub': s.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
        " 'csp': 'csp.middleware.CSPMiddleware' in s.MIDDLEWARE,"
        " 'img': s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']}))"
    )
    env = {
        **keep,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PORTAL_ENVIRONMENT": "production",
        "SECRET_KEY": "s" * 60,
        "ALLOWED_HOSTS": "sms.example.com",
        "PORTAL_BASE_URL": "https://sms.example.com",
        "SNS_REGISTRATION_TOPIC_ARNS": "arn:aws:sns:us-east-1:111122223333:registrations",
        "EUM_EVENTS_TOPIC_ARN": "arn:aws:sns:us-east-1:111122223333:events",
        **variables,
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_sends_hsts_for_a_year_by_default():
    values = _production_settings()
    assert values["hsts"] == 31536000 and values["sub"] is True and values["csp"] is True


def test_hsts_and_s3_image_origin_are_configurable():
    values = _production_settings(
        SECURE_HSTS_SECONDS="600",
        AWS_STORAGE_BUCKET_NAME="portal-files",
        AWS_S3_REGION_NAME="eu-west-1",
    )
    assert values["hsts"] == 600
    assert values["img"] == [
        "'self'",
        "data:",
        "blob:",
        "https://s3.eu-west-1.amazonaws.com",
        "https://portal-files.s3.eu-west-1.amazonaws.com",
    ]
