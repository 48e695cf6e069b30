"""The staff review page and its actions (approve, return with field comments, override a
preflight error with a reason), and what the tenant then reads."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from registrations.models import FieldComment, Registration, StatusEvent
from registrations.selectors import schema_for
from registrations.services import drafts, review
from registrations.states import Status
from tenants.models import AuditEntry
from tests.conftest import client_for
from tests.registrations.test_engine import _draft
from tests.sandbox.forms import PNG, TFN_GOOD

pytestmark = pytest.mark.django_db

SHORTENED = "Example Corp: your statement is ready at bit.ly/x2. Reply STOP to opt out."


def in_review(tenant, actor, values=None):
    """A toll-free registration submitted for review (complete form, opt-in image)."""
    registration = _draft(tenant, actor, values=values or TFN_GOOD)
    drafts.registration_attachment_add(
        tenant=tenant,
        actor=actor,
        registration=registration,
        field_path="messagingUseCase.optInImage",
        upload=SimpleUploadedFile("optin.png", PNG, content_type="image/png"),
    )
    review.registration_submit_for_review(tenant=tenant, actor=actor, registration=registration)
    registration.refresh_from_db()
    return registration


def url(registration, action=""):
    return f"/staff/registrations/{registration.pk}/" + (f"{action}/" if action else "")


def test_review_page_shows_every_value_the_attachment_and_history(catalog, tenant_a, alice, sam):
    registration = in_review(tenant_a, alice)
    response = client_for(sam).get(url(registration))
    assert response.status_code == 200
    html = response.content.decode()
    version = registration.current_version
    for value in version.values.exclude(attachment=None):
        href = f"/staff/registrations/{registration.pk}/attachments/{value.attachment_id}/"
        assert f'<img class="preview-img" src="{href}"' in html
    assert html.count('class="review-field') == len(schema_for(registration).fields)
    assert "Example Corp sends account alerts to its customers." in html
    assert "Version 1 submitted for review" in html  # the timeline
    assert f'action="/staff/registrations/{registration.pk}/approve/"' in html
    assert 'name="comment:messagingUseCase.useCaseDetails"' in html


def test_attachments_are_served_only_through_the_staff_view(catalog, tenant_a, alice, sam, vic):
    registration = in_review(tenant_a, alice)
    value = registration.current_version.values.exclude(attachment=None).get()
    path = f"/staff/registrations/{registration.pk}/attachments/{value.attachment_id}/"
    response = client_for(vic).get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PNG
    assert client_for(alice).get(path).status_code == 404  # tenant people: not a staff page
    other = _draft(tenant_a, alice)
    wrong = f"/staff/registrations/{other.pk}/attachments/{value.attachment_id}/"
    assert client_for(sam).get(wrong).status_code == 404


def test_approve_queues_and_records_who(catalog, tenant_a, alice, sam):
    registration = in_review(tenant_a, alice)
    response = client_for(sam).post(url(registration, "approve"))
    assert response.status_code == 302
    assert response["Location"] == "/staff/registrations/"
    registration.refresh_from_db()
    assert registration.status == Status.QUEUED
    version = registration.current_version
    assert (version.reviewed_by, version.preflight_overrides) == (sam, {})
    entry = AuditEntry.objects.get(action="registration.approve")
    assert (entry.actor, entry.tenant, entry.after) == (
        sam,
        tenant_a,
        {"version": 1, "overrides": {}},
    )


def test_return_puts_comments_at_the_fields_the_tenant_edits(catalog, tenant_a, alice, sam):
    registration = in_review(tenant_a, alice)
    response = client_for(sam).post(
        url(registration, "return"),
        {
            "message": "Two things to fix.",
            "comment:messagingUseCase.useCaseDetails": "Say who receives which messages.",
            "comment:messageSamples.messageSample1": "  ",
            "comment:contactInfo.supportEmail": "Use an address at your own domain.",
        },
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Status.CHANGES_REQUESTED
    first, second = registration.versions.order_by("number")
    assert sorted(
        FieldComment.objects.filter(version=first).values_list("field_path", "body", "author")
    ) == [
        ("contactInfo.supportEmail", "Use an address at your own domain.", sam.pk),
        ("messagingUseCase.useCaseDetails", "Say who receives which messages.", sam.pk),
    ]
    assert second.is_editable
    assert sorted(second.values.filter(needs_change=True).values_list("field_path", flat=True)) == [
        "contactInfo.supportEmail",
        "messagingUseCase.useCaseDetails",
    ]
    assert StatusEvent.objects.filter(registration=registration).last().reason == (
        "Two things to fix."
    )
    entry = AuditEntry.objects.get(action="registration.return")
    assert entry.after == {
        "version": 1,
        "message": "Two things to fix.",
        "comments": {
            "messagingUseCase.useCaseDetails": "Say who receives which messages.",
            "contactInfo.supportEmail": "Use an address at your own domain.",
        },
    }
    # The tenant's registration page shows the comments at their fields.
    page = client_for(alice).get(f"/t/acme/registrations/{registration.pk}/").content.decode()
    assert page.count("<strong>Your provider:</strong>") == 2
    details = page.split('id="f-messagingUseCase-useCaseDetails"', 1)[1].split("</dd>", 1)[0]
    assert "<strong>Your provider:</strong> Say who receives which messages." in details
    # The tenant can edit again: the flagged field takes a new value.
    drafts.registration_values_save(
        tenant=tenant_a,
        actor=alice,
        registration=registration,
        values={"messagingUseCase.useCaseDetails": "Example Corp texts order updates."},
    )


def test_return_without_any_comment_is_refused(catalog, tenant_a, alice, sam):
    registration = in_review(tenant_a, alice)
    response = client_for(sam).post(url(registration, "return"), {"message": " "}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Say what must change: a comment at a field or a message."
    ]
    registration.refresh_from_db()
    assert registration.status == Status.IN_REVIEW
    assert registration.versions.count() == 1
    assert not AuditEntry.objects.filter(action="registration.return").exists()


def test_a_preflight_error_blocks_until_overridden_with_a_reason(catalog, tenant_a, alice, sam):
    registration = in_review(
        tenant_a, alice, values={**TFN_GOOD, "messageSamples.messageSample1": SHORTENED}
    )
    errors = [
        f["rule_id"]
        for f in registration.current_version.preflight_findings
        if f["severity"] == "error"
    ]
    assert errors == ["LINK_SHORTENER"]
    page = client_for(sam).get(url(registration)).content.decode()
    assert 'name="override:LINK_SHORTENER" form="approve-form"' in page

    response = client_for(sam).post(
        url(registration, "approve"), {"override:LINK_SHORTENER": "   "}, follow=True
    )
    message = [str(m) for m in response.context["messages"]]
    assert len(message) == 1 and message[0].startswith(
        "Preflight errors block this submission; fix them or override each with a reason: "
        "LINK_SHORTENER ("
    )
    registration.refresh_from_db()
    assert registration.status == Status.IN_REVIEW

    reason = "bit.ly link is the customer's own branded domain alias; checked by hand."
    response = client_for(sam).post(
        url(registration, "approve"),
        {"override:LINK_SHORTENER": reason, "override:NOT_FOUND_HERE": "sneaked in"},
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Status.QUEUED
    assert registration.current_version.preflight_overrides == {"LINK_SHORTENER": reason}
    assert AuditEntry.objects.get(action="registration.approve").after == {
        "version": 1,
        "overrides": {"LINK_SHORTENER": reason},
    }


def test_rerun_preflight_refreshes_the_findings(catalog, tenant_a, alice, sam):
    registration = in_review(tenant_a, alice)
    version = registration.current_version
    stale = {"rule_id": "STALE", "severity": "error", "field_paths": [], "message": "old"}
    version.preflight_findings = [stale]
    version.save(update_fields=["preflight_findings"])
    assert "STALE" in client_for(sam).get(url(registration)).content.decode()
    response = client_for(sam).post(url(registration, "preflight"), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Preflight ran again: 0 errors, 0 warnings."
    ]
    version.refresh_from_db()
    assert version.preflight_findings == []


def test_the_diff_shows_what_changed_since_the_returned_version(catalog, tenant_a, alice, sam):
    registration = in_review(tenant_a, alice)
    review.version_return(
        actor=sam,
        registration=registration,
        comments={"messagingUseCase.useCaseDetails": "Be specific."},
    )
    drafts.registration_values_save(
        tenant=tenant_a,
        actor=alice,
        registration=registration,
        values={"messagingUseCase.useCaseDetails": "Example Corp texts order updates."},
    )
    review.registration_submit_for_review(tenant=tenant_a, actor=alice, registration=registration)
    html = client_for(sam).get(url(registration)).content.decode()
    assert html.count("Changed from version 1: ") == 1
    assert (
        '<span class="diff-old">Example Corp sends account alerts to its customers.</span>' in html
    )
    assert "v1 · sam@provider.example: Be specific." in html


def test_a_viewer_sees_the_review_but_no_actions_and_cannot_act(catalog, tenant_a, alice, vic):
    registration = in_review(tenant_a, alice)
    html = client_for(vic).get(url(registration)).content.decode()
    assert "Your staff role can look but not decide." in html
    assert "approve-form" not in html and 'name="comment:' not in html
    audit_before = AuditEntry.objects.count()
    for action in ("approve", "return", "preflight", "cancel", "retry"):
        assert client_for(vic).post(url(registration, action)).status_code == 403
    registration.refresh_from_db()
    assert registration.status == Status.IN_REVIEW
    assert AuditEntry.objects.count() == audit_before


def test_two_approvals_from_two_pages_only_one_wins(catalog, tenant_a, alice, sam):
    registration = in_review(tenant_a, alice)
    other = Registration.objects.get(pk=registration.pk)
    assert client_for(sam).post(url(registration, "approve")).status_code == 302
    response = client_for(sam).post(url(other, "approve"), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Someone else changed this registration just now; reload it."
    ]
    assert StatusEvent.objects.filter(registration=registration, to_status="QUEUED").count() == 1
    assert AuditEntry.objects.filter(action="registration.approve").count() == 1
