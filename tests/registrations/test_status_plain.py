"""Status that reads true and plain language on the tenant's pages: an approved registration
keeps earlier denials as history (no red "What to change"); progress notices coalesce; the
return e-mail carries the staff's comments at their fields; no AWS codes or field paths where
tenants read."""

from __future__ import annotations

import pytest
from django.core import mail

from registrations import overlay
from registrations.schema import FieldDef
from registrations.selectors import schema_for
from registrations.services import review, tracking
from registrations.services.notifications import notify_status
from registrations.states import AWS_STATUSES, Status
from registrations.web.forms import SectionForm, widget_kind
from registrations.web.selectors import section_list
from tenants.models import AuditEntry, Notice
from tests.conftest import client_for
from tests.registrations.test_engine import _draft, _submit_and_approve, _tfn_ready

pytestmark = pytest.mark.django_db

SAMPLE = "messageSamples.messageSample1"


def _deny_then_approve(registration, tenant, alice, sam, sandbox, capture):
    sandbox.decide(
        registration.aws_registration_id,
        1,
        "deny",
        {
            "DeniedReasons": [
                {"Reason": "Invalid Sample Message", "ShortDescription": "Name the brand"}
            ],
            "Fields": [{"FieldPath": SAMPLE, "DeniedReason": "Brand name missing"}],
        },
    )
    tracking.reconcile_pass(force=True)
    from registrations.services import drafts

    drafts.registration_values_save(
        tenant=tenant,
        actor=alice,
        registration=registration,
        values={SAMPLE: "Example Corp: statement ready. Reply STOP to opt out."},
    )
    registration = _submit_and_approve(registration, tenant, alice, sam, capture)
    sandbox.decide(registration.aws_registration_id, 2, "approve")
    tracking.reconcile_pass(force=True)
    registration.refresh_from_db()
    return registration


def test_while_updates_are_needed_the_page_says_what_to_change(
    catalog, sandbox, tenant_a, alice, sam, django_capture_on_commit_callbacks
):
    registration = _submit_and_approve(
        _tfn_ready(tenant_a, alice), tenant_a, alice, sam, django_capture_on_commit_callbacks
    )
    sandbox.decide(
        registration.aws_registration_id,
        1,
        "deny",
        {"DeniedReasons": [{"Reason": "Invalid Sample Message", "ShortDescription": "Brand"}]},
    )
    tracking.reconcile_pass(force=True)
    page = client_for(alice).get(f"/t/{tenant_a.slug}/registrations/{registration.pk}/")
    html = page.content.decode()
    assert "What to change" in html and "Invalid Sample Message" in html
    assert page.context["history"] == []


def test_an_approved_registration_keeps_earlier_denials_as_history(
    catalog, sandbox, tenant_a, alice, sam, django_capture_on_commit_callbacks
):
    registration = _submit_and_approve(
        _tfn_ready(tenant_a, alice), tenant_a, alice, sam, django_capture_on_commit_callbacks
    )
    registration = _deny_then_approve(
        registration, tenant_a, alice, sam, sandbox, django_capture_on_commit_callbacks
    )
    assert registration.status == Status.COMPLETE
    page = client_for(alice).get(f"/t/{tenant_a.slug}/registrations/{registration.pk}/")
    html = page.content.decode()
    assert "What to change" not in html
    assert 'class="note bad"' not in html  # no red AWS note left at a field
    [earlier] = page.context["history"]
    assert earlier["number"] == 1
    assert earlier["reasons"][0]["reason"] == "Invalid Sample Message"
    assert "Earlier requests, now resolved" in html
    assert 'data-status="COMPLETE"' in html
    assert ">COMPLETE<" not in html  # the code is data, the badge says "Complete"


def test_progress_within_minutes_is_one_notice_that_says_the_newest_state(
    catalog, tenant_a, alice, django_capture_on_commit_callbacks
):
    registration = _draft(tenant_a, alice)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for status in (Status.SUBMITTED, Status.AWS_REVIEWING, Status.REVIEWING):
            notify_status(registration=registration, headline=tracking.HEADLINES[status])
    [notice] = Notice.objects.filter(tenant=tenant_a)
    assert notice.title == "Alerts: In carrier review"
    assert len(mail.outbox) == 1  # the first; the steps after it only update the notice
    with django_capture_on_commit_callbacks(execute=True):
        notify_status(
            registration=registration,
            headline=tracking.HEADLINES[Status.COMPLETE],
            important=True,
        )
    [notice] = Notice.objects.filter(tenant=tenant_a)
    assert notice.title == "Alerts: Approved and complete"
    assert [m.subject for m in mail.outbox][-1] == "Alerts: Approved and complete"
    # Once read, the next change is a new notice.
    Notice.objects.update(read_at=notice.created_at)
    notify_status(registration=registration, headline="Closed")
    assert Notice.objects.filter(tenant=tenant_a).count() == 2


def test_every_aws_status_has_a_headline_in_words():
    for status in AWS_STATUSES:
        assert status in tracking.HEADLINES, status
        assert tracking.HEADLINES[status] != status


def test_the_return_e_mail_carries_the_comments_at_their_fields(
    catalog, tenant_a, alice, owen, sam, django_capture_on_commit_callbacks
):
    registration = _tfn_ready(tenant_a, alice)
    review.registration_submit_for_review(tenant=tenant_a, actor=alice, registration=registration)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review.version_return(
            actor=sam,
            registration=registration,
            comments={
                "messagingUseCase.useCaseDetails": "Say who receives what.",
                SAMPLE: "Start with your brand.",
            },
            message="Two details to sharpen.",
        )
    [sent] = mail.outbox
    assert "Two details to sharpen." in sent.body
    assert "- Use case details: Say who receives what." in sent.body
    assert "- Message sample 1: Start with your brand." in sent.body
    assert "messageSamples" not in sent.body


# --- Plain language ------------------------------------------------------------------------------


def test_option_codes_read_as_words():
    field = FieldDef(path="campaignUseCase.useCase", section="s", type="SELECT", requirement="R")
    assert overlay.option_title(field, "ACCOUNT_NOTIFICATION") == "Account notification"
    assert overlay.option_title(field, "REAL_ESTATE") == "Real estate"
    assert overlay.option_title(field, "NASDAQ") == "NASDAQ"
    assert overlay.option_title(field, "SMS and MMS") == "SMS and MMS"
    titled = FieldDef(
        path="x.y", section="x", type="SELECT", requirement="R", option_titles={"APPOINTMENT": "A"}
    )
    assert overlay.option_title(titled, "APPOINTMENT") == "A"


def test_the_wizard_shows_no_code_and_no_compilers_note(catalog, tenant_a, alice):
    brand = _draft(tenant_a, alice, registration_type=overlay.BRAND)
    campaign = _draft(tenant_a, alice, registration_type=overlay.CAMPAIGN, depends_on=brand)
    schema = schema_for(campaign)
    for section in section_list(schema):
        form = SectionForm(fields=section["fields"], values={})
        for name, bound in form.fields.items():
            assert "Despite the path name" not in bound.help_text
            for value, label in getattr(bound, "choices", []):
                if value:
                    assert "_" not in label, (name, label)
    assert widget_kind(schema.field("campaignInfo.campaignName")) == "textarea"


def test_review_links_findings_by_field_title(catalog, tenant_a, alice):
    registration = _draft(tenant_a, alice)
    page = client_for(alice).get(f"/t/{tenant_a.slug}/registrations/{registration.pk}/review/")
    html = page.content.decode()
    assert page.context["findings"]  # a fresh draft without a program has findings
    assert ">messageSamples.messageSample1<" not in html
    assert ">Message sample 1<" in html


def test_the_dashboard_says_what_happened_in_words(tenant_a, owen):
    AuditEntry.objects.create(
        tenant=tenant_a, actor_label=owen.email, action="business_profile.update"
    )
    html = client_for(owen).get(f"/t/{tenant_a.slug}/").content.decode()
    assert "Business profile updated" in html
    assert "<code>business_profile.update</code>" not in html


def test_the_wizards_error_summary_counts_the_lines_it_lists(catalog, tenant_a, alice):
    import re

    brand = _draft(tenant_a, alice, registration_type=overlay.BRAND)
    sections = section_list(schema_for(brand))
    country = "companyInfo.isoCountryCode"
    step = next(i for i, s in enumerate(sections, 1) if country in {f.path for f in s["fields"]})
    # "x" is both too short and not two capital letters: two lines for one field.
    bad = {country.replace(".", "__"): "x", "companyInfo__zipCode": "9" * 30}
    html = (
        client_for(alice)
        .post(f"/t/{tenant_a.slug}/registrations/{brand.pk}/step/{step}/", bad)
        .content.decode()
    )
    summary = re.search(r'id="form-errors".*?</div>', html, re.DOTALL).group(0)
    said = int(re.search(r"Please fix (\d+) problem", summary).group(1))
    assert said == summary.count("<li>") >= 3
