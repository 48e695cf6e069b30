"""The Content-Security-Policy in a real browser: a blocked script or style fails silently, so
each page is loaded with a listener for `securitypolicyviolation` events (installed by the
browser before any page script, outside the page's policy) and for console errors, and the
scripts' visible effects are checked too."""

from __future__ import annotations

import pytest

from tests.compliance.conftest import (  # noqa: F401 - fixtures
    profile_a,
    program_a,
    published_a,
)
from tests.conftest import PASSWORD
from tests.staff.test_dashboard import history  # noqa: F401 - fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} ` +
    `(${event.sourceFile || ""}:${event.lineNumber || ""})`
  );
});
"""


@pytest.fixture
def watched(browser):
    """A page that records policy violations, console errors and uncaught script errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []

    def on_console(message) -> None:
        # Failed loads are reported below with their URL; the browser's own favicon probe
        # (the portal has none) is not a page's request.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(f"console: {message.text}")

    def on_response(response) -> None:
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            problems.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.problems = problems
    yield page
    context.close()


def assert_clean(page) -> None:
    page.wait_for_load_state("load")
    violations = page.evaluate("window.__cspViolations")
    assert violations == [], f"{page.url}: {violations}"
    assert page.problems == [], f"{page.url}: {page.problems}"


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    assert_clean(page)
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")


def test_pages_run_their_scripts_under_the_policy(watched, live_server, alice, owen, tenant_a):
    page, base = watched, live_server.url
    sign_in(page, base, "owen@acme.example")
    page.wait_for_url(f"{base}/t/acme/")
    assert_clean(page)
    # portal.js ran: the profile bar got its width from data-width (no style attribute).
    bar = page.locator(".progress > span[data-width]")
    expected = float(bar.get_attribute("data-width"))
    assert page.evaluate("(el) => el.style.width", bar.element_handle()) == f"{expected:g}%"

    page.goto(f"{base}/t/acme/registrations/start/")
    assert_clean(page)
    page.goto(f"{base}/t/acme/compliance/")
    assert_clean(page)
    page.goto(f"{base}/t/acme/members/")
    assert_clean(page)


def test_staff_charts_and_api_docs_render_under_the_policy(watched, live_server, sam, history):  # noqa: F811
    page, base = watched, live_server.url
    sign_in(page, base, "sam@provider.example")
    page.goto(f"{base}/staff/registrations/dashboard/")
    assert_clean(page)
    widths = page.eval_on_selector_all(
        '[data-chart="status"] .bar > span[data-width]',
        "(els) => els.map((el) => [el.dataset.width, getComputedStyle(el).width, el.style.width])",
    )
    assert widths and all(style == f"{float(w):g}%" for w, _, style in widths), widths
    assert any(float(computed.removesuffix("px")) > 0 for _, computed, _ in widths)
    coloured = page.eval_on_selector_all(
        "[data-colour]", "(els) => els.map((el) => [el.dataset.colour, el.style.backgroundColor])"
    )
    assert coloured and all(background for _, background in coloured), coloured

    page.goto(f"{base}/staff/")
    assert_clean(page)

    # Swagger UI: its start-up script is a file of its own (?script) and it draws the schema.
    page.goto(f"{base}/api/v1/docs")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "SMS Portal sending API" in page.locator(".swagger-ui .info .title").inner_text()
    page.locator(".opblock").first.wait_for()
    assert_clean(page)


def test_public_pages_and_the_widget_under_the_policy(watched, live_server, published_a):  # noqa: F811
    page, base = watched, live_server.url
    for path in ("/p/acme/terms/", "/p/acme/opt-in/", "/p/acme/opt-out/", "/p/acme/widget/"):
        page.goto(base + path)
        assert_clean(page)
        # The stylesheet applied (public.css sets the page's font family).
        assert page.evaluate("getComputedStyle(document.body).fontFamily") not in ("", "serif")


def test_django_admin_under_the_policy(watched, live_server, tenant_a):
    from tests.conftest import make_user

    make_user("root@provider.example", is_staff=True, is_superuser=True)
    page, base = watched, live_server.url
    page.goto(f"{base}/admin/login/")
    assert_clean(page)
    page.get_by_label("E-mail address").fill("root@provider.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/admin/")
    assert_clean(page)
    page.goto(f"{base}/admin/tenants/tenant/")
    assert_clean(page)
    page.goto(f"{base}/admin/tenants/tenant/{tenant_a.pk}/change/")
    assert_clean(page)
