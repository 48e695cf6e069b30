"""Issue 18, the tenant's side, in a real browser: the registration written for the tenant from
its profile, program and live opt-in page; numbers typed as people write them; a status that
reads true after approval; plain words; the small things (render only what is published, copy
a new API key, an error summary that counts what it lists, a favicon)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from registrations.models import Registration
from registrations.selectors import schema_for
from registrations.services.guided import registrations_start
from registrations.web.selectors import section_list
from tests.e2e.registration_helpers import Shots, sign_in
from tests.registrations.test_engine import _profile, _submit_and_approve, _tfn_ready
from tests.registrations.test_prefill import published_program
from tests.registrations.test_status_plain import _deny_then_approve

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _step_of(registration, path: str) -> int:
    sections = section_list(schema_for(registration))
    return next(i for i, s in enumerate(sections, start=1) if path in {f.path for f in s["fields"]})


def test_a_published_program_writes_the_toll_free_registration(
    page, live_server, catalog, tenant_a, alice, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    tenant = published_program(tenant_a, alice)
    base = live_server.url
    shot = Shots(page, "tenant_prefill_toll_free")
    sign_in(page, base, alice.email)

    # The program answers the category and volume registrations ask for.
    page.goto(f"{base}/t/{tenant.slug}/compliance/program/")
    category = page.get_by_label("What the messages are mostly for")
    expect(category).to_have_value("delivery")
    expect(page.get_by_label("Messages per month (estimate)")).to_have_value("800")

    page.goto(f"{base}/t/{tenant.slug}/registrations/start/")
    page.get_by_label(re.compile("from a toll-free number")).check()
    page.get_by_role("button", name="Start").click()
    registration = Registration.objects.get(tenant=tenant)
    page.goto(f"{base}/t/{tenant.slug}/registrations/{registration.pk}/review/")
    shot("review of the prefilled draft")

    preflight = page.locator("section.preflight")
    expect(preflight).to_be_visible()
    expect(preflight.locator("li.error")).to_have_count(0)  # no preflight error
    expect(preflight.get_by_role("alert")).to_have_count(0)  # no required answer missing
    description = page.locator("#f-messagingUseCase-optInDescription dd")
    expect(description).to_contain_text(f"/p/{tenant.slug}/opt-in/")
    expect(description).to_contain_text("unchecked box")
    expect(description).to_contain_text("Message and data rates may apply.")
    expect(page.locator("#f-messagingUseCase-useCaseCategory dd")).to_have_text(
        "Delivery notifications"
    )
    expect(page.locator("#f-messageSamples-messageSample1 dd")).to_contain_text(
        "Reply STOP to opt out."
    )
    expect(page.locator("#f-messagingUseCase-optInImage dd")).to_contain_text("opt-in-page.png")
    text = page.locator("main").inner_text()
    assert "DELIVERY_NOTIFICATIONS" not in text and "messageSamples." not in text
    # The portal's own pages are not flagged for the portal's address.
    assert "not an https address" not in text


def test_numbers_typed_as_people_write_them_are_stored_and_shown_normalised(
    page, live_server, catalog, tenant_a, alice
):
    _profile(tenant_a)
    brand, campaign = registrations_start(tenant=tenant_a, actor=alice, goal="ten_dlc")
    base = live_server.url
    shot = Shots(page, "tenant_prefill_formats")
    sign_in(page, base, alice.email)

    phone_path, tax_path = "contactInfo.supportPhoneNumber", "companyInfo.taxId"
    page.goto(
        f"{base}/t/{tenant_a.slug}/registrations/{brand.pk}/step/{_step_of(brand, tax_path)}/"
    )
    tax = page.locator(f'input[data-path="{tax_path}"]')
    expect(tax).to_have_value("123456789")  # the profile's "12-3456789", as AWS wants it
    tax.fill("98-7654321")
    tax.blur()
    expect(page.locator(".autosave-status")).to_have_text("All changes saved.")
    expect(tax).to_have_value("987654321")

    page.goto(
        f"{base}/t/{tenant_a.slug}/registrations/{brand.pk}/step/{_step_of(brand, phone_path)}/"
    )
    phone = page.locator(f'input[data-path="{phone_path}"]')
    phone.fill("(206) 555-0100")
    phone.blur()
    expect(page.locator(".autosave-status")).to_have_text("All changes saved.")
    expect(phone).to_have_value("+12065550100")
    block = page.locator(f'.wfield[data-path="{phone_path}"]')
    expect(block.locator("ul.errors li")).to_have_count(0)
    shot("phone normalised")
    page.reload()
    expect(page.locator(f'input[data-path="{phone_path}"]')).to_have_value("+12065550100")

    # The campaign description is a paragraph, with help in plain words.
    name_path = "campaignInfo.campaignName"
    page.goto(
        f"{base}/t/{tenant_a.slug}/registrations/{campaign.pk}/step/"
        f"{_step_of(campaign, name_path)}/"
    )
    expect(page.locator(f'textarea[data-path="{name_path}"]')).to_be_visible()
    main = page.locator("main").inner_text()
    assert "Despite the path name" not in main
    assert "ACCOUNT_NOTIFICATION" not in main and "REAL_ESTATE" not in main
    shot("campaign step")


def test_an_approved_registration_reads_true(
    page,
    live_server,
    catalog,
    sandbox,
    tenant_a,
    alice,
    sam,
    django_capture_on_commit_callbacks,
):
    _profile(tenant_a)
    registration = _submit_and_approve(
        _tfn_ready(tenant_a, alice), tenant_a, alice, sam, django_capture_on_commit_callbacks
    )
    registration = _deny_then_approve(
        registration, tenant_a, alice, sam, sandbox, django_capture_on_commit_callbacks
    )
    base = live_server.url
    shot = Shots(page, "tenant_status_reads_true")
    sign_in(page, base, alice.email)
    page.goto(f"{base}/t/{tenant_a.slug}/registrations/{registration.pk}/")
    expect(page.locator("#status")).to_have_text("Complete")
    expect(page.get_by_role("heading", name="What to change")).to_have_count(0)
    history = page.locator("#history")
    expect(history).to_contain_text("Version 1")
    expect(history).to_contain_text("Invalid Sample Message")
    shot("complete with history")
    # The dashboard's notices and activity are in words.
    page.goto(f"{base}/t/{tenant_a.slug}/")
    main = page.locator("main").inner_text()
    for code in ("SUBMITTED", "AWS_REVIEWING", "registration.values", "registration.create"):
        assert code not in main, code


def test_the_small_things(page, live_server, tenant_a, alice):
    base = live_server.url
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    shot = Shots(page, "tenant_small_things")
    sign_in(page, base, alice.email)

    # Nothing published yet: nothing to render.
    page.goto(f"{base}/t/{tenant_a.slug}/compliance/")
    render = page.get_by_role("button", name="Render the opt-in page")
    expect(render).to_be_disabled()
    expect(page.get_by_text("Publish the opt-in page first")).to_be_visible()

    # A new API key can be copied with one click.
    page.goto(f"{base}/t/{tenant_a.slug}/api-keys/")
    page.get_by_label("Name").fill("checkout app")
    page.locator('input[name="scopes"]').first.check()
    page.get_by_role("button", name="Create key").click()
    copy = page.get_by_role("button", name="Copy the key")
    expect(copy).to_be_visible()
    copy.click()
    expect(page.locator('[data-copied-for="issued-key"]')).to_have_text("Copied.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator("#issued-key").input_value()
    shot("key copied")

    # The error summary counts the lines it lists.
    page.goto(f"{base}/t/{tenant_a.slug}/profile/edit/")
    page.get_by_label("Website").fill("http://acme.example")
    page.get_by_label("Support phone").fill("call us")
    page.get_by_role("button", name="Save profile").click()
    summary = page.locator("#form-errors")
    items = summary.locator("li")
    count = int(re.search(r"fix (\d+) problem", summary.locator("strong").inner_text()).group(1))
    assert count == items.count() >= 2
    shot("error summary")

    # The portal's icon is there; no request ended in a 404.
    icon = page.locator('link[rel="icon"]').get_attribute("href")
    assert page.request.get(base + icon).status == 200
    assert missing == []


def test_the_portals_address_is_the_providers_check_not_the_tenants(
    page, live_server, catalog, tenant_a, alice, sam, settings, tmp_path
):
    """In development the portal's address is http://127.0.0.1…: staff see it once on the
    readiness page; the tenant's draft carrying its hosted pages is not flagged for it."""
    settings.MEDIA_ROOT = tmp_path
    tenant = published_program(tenant_a, alice)
    [registration] = registrations_start(tenant=tenant, actor=alice, goal="toll_free")
    base = live_server.url
    sign_in(page, base, sam.email)
    page.goto(f"{base}/staff/aws/")
    bad = page.locator('[data-address-check="bad"]')
    expect(bad.first).to_contain_text("carriers expect the hosted pages on HTTPS")
    page.context.clear_cookies()
    sign_in(page, base, alice.email)
    page.goto(f"{base}/t/{tenant.slug}/registrations/{registration.pk}/review/")
    privacy = page.locator("#f-messagingUseCase-privacyPolicyUrl")
    expect(privacy.locator("dd")).to_contain_text(f"/p/{tenant.slug}/privacy/")
    expect(privacy.locator(".note")).to_have_count(0)
    assert "https address" not in page.locator("main").inner_text()
