"""Every page a tenant's people and the provider's staff reach from the navigation, at a phone's
width (390 × 844) and a desktop's (1280 × 860): nothing overflows sideways, and axe-core finds no
WCAG 2.1 A/AA violation, nor in the public pages, a form submitted empty or a flash message.

The pages are not a list written here: the walk starts from the links of the navigation
(`nav[aria-label=Main]`) as the signed-in person sees it, then follows the links of each page's
main content to the portal's other pages, one page per URL name (one registration, one review, one
wizard step…), until none is new. The data is seeded so that every table has rows: registrations
in every status with versions and timelines, senders, messages, opt-outs, consent records, audit
entries, an API key, an invitation, a notice, a message template and a Support case.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import Resolver404, resolve

from compliance.services import message_template_save
from registrations.models import AwsCall, Registration
from registrations.services.support import support_case_request
from registrations.states import Status
from tenants.api_keys import api_key_create
from tenants.models import Role
from tenants.services import invitation_create, notice_create
from tests.compliance.conftest import (  # noqa: F401 - fixtures
    _compliance_settings,
    profile_a,
    program_a,
    published_a,
)
from tests.e2e.accessibility import axe_violations, overflow, sideways_scrollers
from tests.e2e.registration_helpers import artifacts_dir
from tests.e2e.test_foundation_browser import sign_in
from tests.registrations.test_query_growth import _grow
from tests.staff.test_dashboard import history  # noqa: F401 - fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}
MENU = 'nav[aria-label="Main"]'
# The API reference is drawn by Swagger UI (drf-spectacular's page, third-party markup): it is
# walked for overflow, but axe-core's findings there are Swagger UI's, not the portal's.
AXE_EXEMPT = {"api_docs"}
# Pages of one URL name differ with their object (a draft, a denied and a complete registration):
# the walk opens up to this many of each.
PER_NAME = 3

# Pages the issue found overflowing at a phone's width (and the dashboard at a desktop's): the
# walk must reach each of them, or it proves nothing about them.
MUST_REACH_TENANT = {
    "tenant_dashboard",
    "api_key_list",
    "compliance_overview",
    "registration_list",
    "registration_detail",
    "registration_step",
    "password_change",
}
MUST_REACH_STAFF = {
    "staff_tenant_list",
    "staff_tenant_detail",
    "staff_registration_queue",
    "staff_registration_review",
    "staff_registration_dashboard",
    "staff_registration_pipeline",
}


@pytest.fixture
def seeded(catalog, tenant_a, tenant_b, owen, carol, sam, published_a, history):  # noqa: F811
    _grow(tenant_a, owen, catalog, 1)
    _grow(tenant_b, carol, catalog, 1)
    api_key_create(tenant=tenant_a, actor=owen, name="Shop backend", scopes=["send", "read"])
    invitation_create(tenant=tenant_a, actor=owen, email="new@acme.example", role=Role.MEMBER)
    notice_create(
        tenant=tenant_a,
        title="Toll-free registration approved",
        body="Your toll-free number is ready to send.",
        link="/t/acme/registrations/",
    )
    message_template_save(
        actor=sam,
        data={
            "name": "Order shipped",
            "use_case": "ORDER_UPDATES",
            "body": "[Brand]: your order [OrderId] has shipped. Reply STOP to opt out.",
            "is_active": True,
        },
    )
    support_case_request(
        tenant=tenant_a,
        actor=sam,
        aws_account=None,
        kind="SPEND_LIMIT",
        value="500",
        justification="Order alerts for 40,000 customers a month, about 2 messages each.",
    )
    registration = Registration.objects.filter(tenant=tenant_a).exclude(status=Status.DRAFT).first()
    AwsCall.objects.create(
        tenant=tenant_a,
        registration=registration,
        operation="CreateRegistration",
        parameters={"RegistrationType": registration.registration_type},
        outcome="ok",
        duration_ms=42,
    )
    return tenant_a


def _url_name(path: str) -> str | None:
    try:
        return resolve(path).url_name
    except Resolver404:
        return None


def nav_links(page) -> list[str]:
    return page.eval_on_selector_all(f"{MENU} a[href]", "(els) => els.map((a) => a.href)")


def walk(page, base: str, prefixes: tuple[str, ...]) -> dict[str, list[str]]:
    """The portal's HTML pages reachable from the navigation: {url name: the first URLs found}."""
    found: dict[str, list[str]] = {}
    queue = [u for u in nav_links(page) if urlsplit(u).path.startswith(prefixes)]
    assert queue, f"no navigation link under {prefixes} on {page.url}"
    while queue and sum(map(len, found.values())) < 120:
        url = queue.pop(0).split("#")[0]
        # Hosted pages are linked at the portal's public address (PORTAL_BASE_URL).
        if url.startswith(settings.PORTAL_BASE_URL + "/"):
            url = base + url.removeprefix(settings.PORTAL_BASE_URL)
        parts = urlsplit(url)
        if not url.startswith(base) or not parts.path.startswith(prefixes):
            continue
        name = _url_name(parts.path)
        if name is None or name == "logout" or url in found.get(name, ()):
            continue
        if len(found.get(name, ())) >= PER_NAME:
            continue
        response = page.request.get(url)
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue  # a download (CSV, an attachment, an image): not a page
        assert response.status == 200, f"{url} answered {response.status}"
        found.setdefault(name, []).append(url)
        page.goto(url)
        queue += page.eval_on_selector_all(
            "main a[href]:not([download])", "(els) => els.map((a) => a.href)"
        )
    return found


def check(page, url: str, problems: list[str], *, label: str) -> None:
    """Overflow and axe-core at the page as it is now (after `goto` or an action)."""
    width = page.viewport_size["width"]
    too_wide = overflow(page)
    if too_wide:
        problems.append(f"[{width}px] {label} {url}: {too_wide}")
    if width <= PHONE["width"]:  # tables are stacked on a phone, not scrolled sideways
        for box in sideways_scrollers(page):
            problems.append(f"[{width}px] {label} {url}: scrolls sideways: {box}")
    if label in AXE_EXEMPT:
        return
    for violation in axe_violations(page):
        problems.append(f"[{width}px] {label} {url}: {violation}")


def visit_all(browser, base: str, email: str, prefixes: tuple[str, ...], must: set[str], shots):
    """Walks from the navigation at 1280 px, then opens every page found at 1280 and 390 px;
    a screenshot of the first page of each URL name at each width goes to `shots`."""
    problems: list[str] = []
    desktop = browser.new_context(viewport=DESKTOP)
    phone = browser.new_context(viewport=PHONE)
    try:
        page = desktop.new_page()
        sign_in(page, base, email)
        page.wait_for_load_state("load")
        pages = walk(page, base, prefixes)
        missing = must - set(pages)
        assert not missing, f"the walk did not reach {sorted(missing)}; it found {sorted(pages)}"
        small = phone.new_page()
        sign_in(small, base, email)
        small.wait_for_load_state("load")
        assert sorted(nav_links(small)) == sorted(nav_links(page)), "the phone's menu differs"
        for name, urls in pages.items():
            for n, url in enumerate(urls):
                for current in (page, small):
                    current.goto(url)
                    check(current, url, problems, label=name)
                    if n == 0:
                        width = current.viewport_size["width"]
                        current.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
    finally:
        desktop.close()
        phone.close()
    return pages, problems


def test_tenant_pages_fit_a_phone_and_a_desktop_and_pass_axe(browser, live_server, seeded):
    shots = artifacts_dir("layout-tenant")
    pages, problems = visit_all(
        browser, live_server.url, "owen@acme.example",
        ("/t/acme/", "/p/acme/", "/accounts/password/", "/api/v1/docs"),
        MUST_REACH_TENANT, shots,
    )  # fmt: skip
    count = sum(map(len, pages.values()))
    assert not problems, f"{len(problems)} problem(s) over {count} pages:\n" + "\n".join(problems)


def test_staff_pages_fit_a_phone_and_a_desktop_and_pass_axe(browser, live_server, seeded):
    shots = artifacts_dir("layout-staff")
    pages, problems = visit_all(
        browser, live_server.url, "sam@provider.example", ("/staff/", "/accounts/password/"),
        MUST_REACH_STAFF, shots,
    )  # fmt: skip
    count = sum(map(len, pages.values()))
    assert not problems, f"{len(problems)} problem(s) over {count} pages:\n" + "\n".join(problems)


# --- Error and message states ------------------------------------------------------------------

# What shows that a form was refused (an error summary, errors at fields, an error message) or
# that an action went through (a flash message), so that each state below is really reached.
ERROR = ".form-errors, .errors, [aria-invalid='true'], .messages .error, .note.bad"
MESSAGE = ".messages li"
CLEAR = """(form) => {
  form.noValidate = true;
  const typed = "input:not([type]), input[type=text], input[type=email], input[type=tel], " +
    "input[type=url], input[type=number], input[type=search], textarea";
  for (const el of form.querySelectorAll(typed)) el.value = "";
  for (const el of form.querySelectorAll("input[type=checkbox]")) el.checked = false;
}"""


def submit(page, button: str, *, empty: bool) -> None:
    """Clicks the named button, after emptying every field of its form when `empty` (and
    turning the browser's own checks off, as a hostile client would)."""
    control = page.get_by_role("button", name=button, exact=True).first
    if empty:
        control.locator("xpath=ancestor::form[1]").evaluate(CLEAR)
    with page.expect_navigation():
        control.click()


def check_state(page, problems: list[str], *, label: str, shows: str) -> None:
    assert page.locator(shows).first.is_visible(), f"{label}: {page.url} shows no {shows!r}"
    check(page, page.url, problems, label=label)
    page.set_viewport_size(PHONE)
    check(page, page.url, problems, label=label)
    page.set_viewport_size(DESKTOP)


def test_forms_submitted_empty_and_flash_messages_pass_axe(browser, live_server, seeded):
    base, problems = live_server.url, []
    draft = Registration.objects.filter(tenant=seeded, status=Status.DRAFT).first()
    context = browser.new_context(viewport=DESKTOP)
    try:
        page = context.new_page()
        sign_in(page, base, "owen@acme.example")
        page.wait_for_url(f"{base}/t/acme/")
        page.goto(f"{base}/t/acme/profile/edit/")
        page.get_by_label("Support phone").fill("call us")
        submit(page, "Save profile", empty=False)
        check_state(page, problems, label="the profile with a wrong phone", shows=ERROR)
        for path, button in [
            ("/t/acme/compliance/program/", "Save program"),
            ("/t/acme/registrations/start/", "Start"),
            ("/t/acme/members/", "Send invitation"),
            ("/t/acme/api-keys/", "Create key"),
            (f"/t/acme/registrations/{draft.pk}/step/1/", "Save and continue →"),
        ]:
            page.goto(base + path)
            submit(page, button, empty=True)
            check_state(page, problems, label=f"{path} submitted empty", shows=ERROR)
        page.goto(f"{base}/t/acme/registrations/{draft.pk}/review/")
        check_state(page, problems, label="review of an incomplete draft", shows=ERROR)

        page.goto(f"{base}/t/acme/profile/edit/")
        submit(page, "Save profile", empty=True)  # every field of the profile is optional
        check_state(page, problems, label="the profile saved empty", shows=MESSAGE)
        page.goto(f"{base}/t/acme/api-keys/")
        page.get_by_label("Name").fill("Checkout")
        submit(page, "Create key", empty=False)
        check_state(page, problems, label="a key created", shows="section.banner")
        page.goto(f"{base}/t/acme/sending-policy/")
        submit(page, "Save policy", empty=False)
        check_state(page, problems, label="the sending policy saved", shows=MESSAGE)

        page.goto(f"{base}/t/acme/registrations/999999/")
        check(page, page.url, problems, label="a page that does not exist")
    finally:
        context.close()

    context = browser.new_context(viewport=DESKTOP)
    try:
        page = context.new_page()
        sign_in(page, base, "sam@provider.example")
        page.wait_for_url(f"{base}/staff/")
        in_review = Registration.objects.filter(status=Status.IN_REVIEW).first()
        for path, button, shows in [
            ("/staff/tenants/new/", "Create and invite", ERROR),
            ("/staff/provider-profile/", "Save profile", MESSAGE),  # every field is optional
            ("/staff/compliance/templates/", "Save template", ERROR),
            ("/staff/aws-accounts/provider/support/", "Request the increase", ERROR),
            (f"/staff/registrations/{in_review.pk}/", "Return with comments", ERROR),
        ]:
            page.goto(base + path)
            submit(page, button, empty=True)
            check_state(page, problems, label=f"{path} submitted empty", shows=shows)
    finally:
        context.close()
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)


def test_public_pages_and_their_states_pass_axe(browser, live_server, seeded, owen):
    base, problems = live_server.url, []
    invited = invitation_create(tenant=seeded, actor=owen, email="joe@acme.example", role="member")
    context = browser.new_context(viewport=DESKTOP)
    try:
        page = context.new_page()
        for path in (
            "/p/acme/terms/",
            "/p/acme/privacy/",
            "/p/acme/opt-in/",
            "/p/acme/opt-out/",
            "/p/acme/widget/",  # the opt-in form embedded in a tenant's site
            "/p/bravo/terms/",  # not published yet
            invited.path,
            "/accounts/login/",
            "/accounts/password/reset/",
        ):
            page.goto(base + path)
            check(page, page.url, problems, label=path)
            page.set_viewport_size(PHONE)
            check(page, page.url, problems, label=path)
            page.set_viewport_size(DESKTOP)
        for path, button in [
            ("/p/acme/opt-in/", "Sign up for texts"),
            ("/p/acme/opt-out/", "Stop messages"),
            ("/accounts/login/", "Sign in"),
            ("/accounts/password/reset/", "Send the link"),
            (invited.path, "Create account and join"),
        ]:
            page.goto(base + path)
            submit(page, button, empty=True)
            check_state(page, problems, label=f"{path} submitted empty", shows=ERROR)
        page.goto(f"{base}/p/acme/opt-in/")
        page.get_by_label("Mobile number").fill("(206) 555-0142")
        page.locator("input[name=use_cases]").first.check()
        submit(page, "Sign up for texts", empty=False)
        check_state(page, problems, label="signed up on the opt-in page", shows="[role=status]")
    finally:
        context.close()
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)


# --- The menu at a phone's width -----------------------------------------------------------------


@pytest.mark.parametrize("script", [True, False], ids=["with-script", "without-script"])
def test_the_menu_folds_on_a_phone_and_opens_with_or_without_script(
    browser, live_server, tenant_a, owen, script
):
    base = live_server.url
    context = browser.new_context(viewport=PHONE, java_script_enabled=script)
    try:
        page = context.new_page()
        sign_in(page, base, "owen@acme.example")
        page.wait_for_url(f"{base}/t/acme/")
        menu = page.locator(MENU)
        toggle = menu.get_by_text("Menu", exact=True)
        link = menu.get_by_role("link", name="Registrations", exact=True)
        # Folded: the page's heading is in the first screen, the links are not shown.
        assert toggle.is_visible() and not link.is_visible()
        assert page.locator("main h1").bounding_box()["y"] < 200
        assert overflow(page) == ""
        page.screenshot(path=str(artifacts_dir("layout-menu") / f"folded-{script}.png"))
        # The button is a real control: focused from the keyboard, Enter opens the menu.
        toggle.focus()
        page.keyboard.press("Enter")
        assert link.is_visible()
        assert menu.locator("summary").get_attribute("aria-expanded") in (None, "true")
        page.screenshot(path=str(artifacts_dir("layout-menu") / f"open-{script}.png"))
        if script:  # Escape folds it again and leaves the focus on the button.
            page.keyboard.press("Escape")
            assert not link.is_visible()
            assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
            toggle.click()
        with page.expect_navigation():
            link.click()
        assert page.url == f"{base}/t/acme/registrations/"
        assert not link.is_visible()

        # On a desktop's width the navigation is always shown and the button is not.
        page.set_viewport_size(DESKTOP)
        assert link.is_visible() and not toggle.is_visible()
    finally:
        context.close()
