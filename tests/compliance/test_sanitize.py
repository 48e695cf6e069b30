"""What a tenant writes is sanitised before the public sees it."""

from __future__ import annotations

import pytest

from compliance import services
from compliance.content import sanitize
from tests.compliance.htmlparse import read
from tests.conftest import client_for


def test_scripts_event_handlers_and_javascript_links_are_removed():
    dirty = (
        '<p onclick="steal()">Hello <script>alert(1)</script><b onmouseover="x()">bold</b></p>'
        '<a href="javascript:alert(1)">click</a><a href="https://ok.example/x">ok</a>'
        '<img src="x" onerror="alert(1)"><iframe src="https://evil.example"></iframe>'
        '<style>body{display:none}</style><a href="data:text/html;base64,AAAA">data</a>'
        '<p style="color:red">styled</p>'
    )
    page = read(sanitize(dirty))
    assert set(page.tags) == {"p", "b", "a"}
    assert all(not a.startswith("on") and a != "style" for a in page.attributes)
    assert page.links == ["https://ok.example/x"]
    assert "alert" not in page.text
    assert page.text == "Hello bold click ok data styled"


def test_allowed_markup_is_kept():
    html = '<h2>Title</h2><ul><li><strong>a</strong></li></ul><a href="mailto:x@y.example">m</a>'
    assert sanitize(html) == (
        "<h2>Title</h2><ul><li><strong>a</strong></li></ul>"
        '<a href="mailto:x@y.example" rel="noopener noreferrer nofollow">m</a>'
    )


@pytest.mark.django_db
def test_a_published_page_serves_only_the_sanitised_html(program_a, tenant_a, owen):
    body, _ = services.hosted_page_draft(tenant=tenant_a, kind="terms")
    body += (
        '<p onclick="x()">Extra <script>document.cookie</script><a href="javascript:x()">y</a></p>'
    )
    services.hosted_page_publish(tenant=tenant_a, actor=owen, kind="terms", body_html=body)
    page = read(client_for(None).get("/p/acme/terms/").content)
    assert "script" not in page.tags
    assert "onclick" not in page.attributes
    assert not any(link.startswith("javascript:") for link in page.links)
    assert "Extra y" in page.text
