"""The preflight's findings live in the wizard: the tenant types a sample message, the autosave
runs, and the finding (with its fix) appears at that field; fixing the text makes it go."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from registrations.models import Registration
from registrations.selectors import schema_for
from registrations.web.selectors import section_list
from tests.e2e.registration_helpers import Shots, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SAMPLE = "messageSamples.messageSample1"


def test_a_finding_appears_and_goes_at_its_field_as_the_tenant_types(
    page, live_server, catalog, tenant_a, alice
):
    base = live_server.url
    shot = Shots(page, "live_findings")
    sign_in(page, base, alice.email)
    page.goto(f"{base}/t/{tenant_a.slug}/registrations/start/")
    page.get_by_label(re.compile("from a toll-free number")).check()
    page.get_by_role("button", name="Start").click()
    registration = Registration.objects.get(tenant=tenant_a)
    sections = section_list(schema_for(registration))
    step = next(
        i for i, s in enumerate(sections, start=1) if SAMPLE in {f.path for f in s["fields"]}
    )
    page.goto(f"{base}/t/{tenant_a.slug}/registrations/{registration.pk}/step/{step}/")

    block = page.locator("#f-messageSamples-messageSample1")
    findings = block.locator(f'[data-findings-for="{SAMPLE}"]')
    placeholder = findings.locator('[data-rule="SAMPLE_PLACEHOLDER_FORMAT"]')
    expect(placeholder).to_have_count(0)
    field = block.locator("textarea, input").first
    field.fill("Acme Anvils: Hi {name}, your order [OrderId] has shipped. Reply STOP to opt out.")
    # After the autosave the server's finding is shown at the field, with the fix.
    expect(placeholder).to_have_count(1)
    expect(placeholder).to_contain_text("not written in [brackets]")
    expect(placeholder).to_contain_text("[FirstName]")
    expect(placeholder).to_have_class(re.compile(r"\bbad\b"))
    expect(page.locator(".autosave-status")).to_have_text("All changes saved.")
    shot("finding at the field")

    field.fill(
        "Acme Anvils: Hi [FirstName], your order [OrderId] has shipped. Reply STOP to opt out."
    )
    expect(placeholder).to_have_count(0)
    shot("finding gone")
    # A reload shows the same (the findings are stored with the draft).
    page.reload()
    expect(block.locator('[data-rule="SAMPLE_PLACEHOLDER_FORMAT"]')).to_have_count(0)
