"""Watching approved registrations (issue 19), against the sandbox over HTTP: what a carrier
does after approval reaches the portal by event or by the poll, sending pauses while AWS does
not report the registration COMPLETE and resumes when it does; amending, discarding and
deleting go through the typed AWS operations; every status AWS defines is recorded."""

from __future__ import annotations

import json

import botocore.session
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from messaging.checks import ApiRefusal, tenant_state_forget
from messaging.dispatch import message_dispatch
from messaging.services import message_send
from registrations.aws import operations as aws
from registrations.aws.gateway import Gateway
from registrations.models import Registration, StatusEvent
from registrations.services import changes, drafts, review, tracking
from registrations.states import Status
from tenants.api_keys import api_key_create
from tenants.models import AuditEntry, Notice
from tests.conftest import client_for
from tests.registrations.test_engine import _submit_and_approve, _tfn_ready

pytestmark = pytest.mark.django_db

US_OK = "+14254147755"  # the AWS simulator's US success number
SEND = {"to": US_OK, "body": "Example Corp: your code is 1234", "type": "TRANSACTIONAL"}


def _complete(tenant, alice, sam, sandbox, capture) -> Registration:
    """A toll-free registration approved at AWS, its number ACTIVE, seen by the poll."""
    registration = _submit_and_approve(_tfn_ready(tenant, alice), tenant, alice, sam, capture)
    sandbox.decide(registration.aws_registration_id, 1, "approve")
    with capture(execute=True):
        tracking.reconcile_pass(force=True)
    registration.refresh_from_db()
    assert (registration.status, registration.aws_status) == (Status.COMPLETE, "COMPLETE")
    assert registration.senders.get().status == "ACTIVE"
    return registration


def _send(tenant):
    tenant_state_forget()
    return message_send(tenant=tenant, api_key=None, item=dict(SEND))


def _refusal(tenant) -> ApiRefusal:
    tenant_state_forget()
    with pytest.raises(ApiRefusal) as refused:
        message_send(tenant=tenant, api_key=None, item=dict(SEND))
    return refused.value


def _latest_event(sandbox, registration) -> dict:
    """The newest "Registration Status Change" event the sandbox published for it."""
    events = [
        e["Message"]
        for e in sandbox.request("GET", "/_sandbox/events")["events"]
        if e["Message"].get("detail-type") == "Registration Status Change"
        and e["Message"]["detail"]["registrationDetails"]["registrationId"]
        == registration.aws_registration_id
    ]
    return events[-1]


def test_a_revoked_version_pauses_sending_by_event_and_resumes_on_approval(
    catalog, sandbox, tenant_a, alice, owen, sam, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    registration = _complete(tenant_a, alice, sam, sandbox, capture)
    with capture(execute=False):
        message = _send(tenant_a)
    assert message_dispatch(tenant_id=tenant_a.pk, message_id=message.pk).status == "sent"
    with capture(execute=False):
        queued = _send(tenant_a)  # accepted, not sent yet when the revocation arrives
    mail.outbox.clear()

    # A carrier revokes the approved version; AWS emits the status change; the portal applies it.
    sandbox.request(
        "POST",
        f"/_sandbox/registrations/{registration.aws_registration_id}/versions/1/revoke",
        {"DeniedReasons": [{"Reason": "Use case mismatch", "ShortDescription": "Other use"}]},
    )
    event = _latest_event(sandbox, registration)
    assert event["detail"]["registrationDetails"]["currentStatus"] == "REQUIRES_UPDATES"
    with capture(execute=True):
        assert tracking.registration_event_apply(event)
    registration.refresh_from_db()
    assert (registration.status, registration.aws_status) == (
        "REQUIRES_UPDATES",
        "REQUIRES_UPDATES",
    )
    revoked = registration.versions.get(number=1)
    assert revoked.aws_status == "REVOKED"
    assert revoked.denied_reasons[0]["reason"] == "Use case mismatch"

    # A message accepted before the pause does not go out either.
    tenant_state_forget()
    assert message_dispatch(tenant_id=tenant_a.pk, message_id=queued.pk).status == "failed"
    queued.refresh_from_db()
    assert (queued.status, queued.status_reason[:14]) == ("FAILED", "sender_paused:")
    refusal = _refusal(tenant_a)
    assert refusal.code == "sender_paused"
    assert registration.name in refusal.message and "REQUIRES_UPDATES" in refusal.message
    # The REST API says the same, with a 4xx.
    key = api_key_create(tenant=tenant_a, actor=alice, name="app", scopes=["send"])
    tenant_state_forget()
    answer = Client().post(
        "/api/v1/messages",
        data=json.dumps(SEND),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key.plaintext}",
    )
    assert answer.status_code == 409, answer.content
    assert answer.json()["error"]["code"] == "sender_paused"
    # Tenant (notice and mail to owners and admins) and staff (mail) are told.
    assert Notice.objects.filter(tenant=tenant_a, title__contains="Sending paused").exists()
    subjects = {(m.subject, tuple(m.to)) for m in mail.outbox}
    assert any("Sending paused" in s and "owen@acme.example" in to for s, to in subjects)
    assert any("sending paused" in s and "sam@provider.example" in to for s, to in subjects)
    assert AuditEntry.objects.filter(action="registration.sending_paused").count() == 1

    # The tenant sends a new version; AWS approves it: sending resumes.
    registration = _submit_and_approve(registration, tenant_a, alice, sam, capture)
    assert registration.current_version.aws_version_number == 2
    assert _refusal(tenant_a).code == "sender_paused"  # not approved yet
    sandbox.decide(registration.aws_registration_id, 2, "approve")
    with capture(execute=True):
        tracking.reconcile_pass(force=True)
    registration.refresh_from_db()
    assert (registration.status, registration.aws_status) == ("COMPLETE", "COMPLETE")
    with capture(execute=False):
        message = _send(tenant_a)
    assert message_dispatch(tenant_id=tenant_a.pk, message_id=message.pk).status == "sent"
    assert Notice.objects.filter(tenant=tenant_a, title__contains="Sending resumed").exists()
    assert AuditEntry.objects.filter(action="registration.sending_resumed").count() == 1


def test_leaving_complete_seen_only_by_the_poll_pauses_sending(
    catalog, sandbox, tenant_a, alice, sam, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    registration = _complete(tenant_a, alice, sam, sandbox, capture)
    rid = registration.aws_registration_id
    sandbox.request("POST", f"/_sandbox/registrations/{rid}/requires-updates")  # no event applied
    assert _send(tenant_a).sender_id  # the portal does not know yet
    # Approved registrations are polled on a slow cadence: not due right after a pass...
    assert tracking.reconcile_pass()["polled"] == 0
    Registration.objects.filter(pk=registration.pk).update(last_polled_at=None)
    # ...the next due pass sees it.
    with capture(execute=True):
        assert tracking.reconcile_pass() == {"polled": 1, "changed": 1, "accounts": 1}
    registration.refresh_from_db()
    assert (registration.status, registration.aws_status) == (
        "REQUIRES_UPDATES",
        "REQUIRES_UPDATES",
    )
    assert registration.current_version.is_editable  # the tenant can send a new version
    refusal = _refusal(tenant_a)
    assert (refusal.code, refusal.status) == ("sender_paused", 409)

    # Closed by the carrier, again seen by the poll only.
    sandbox.request("POST", f"/_sandbox/registrations/{rid}/close")
    with capture(execute=True):
        tracking.reconcile_pass(force=True)
    registration.refresh_from_db()
    assert (registration.status, registration.aws_status) == ("CLOSED", "CLOSED")
    assert "CLOSED" in _refusal(tenant_a).message


def test_delete_needs_the_typed_confirmation(
    catalog, sandbox, tenant_a, alice, sam, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    registration = _complete(tenant_a, alice, sam, sandbox, capture)
    rid = registration.aws_registration_id
    sandbox.request("POST", f"/_sandbox/registrations/{rid}/close")
    with capture(execute=True):
        tracking.reconcile_pass(force=True)
    web = client_for(alice)
    url = f"/t/{tenant_a.slug}/registrations/{registration.pk}/delete/"
    page = web.get(url)
    assert page.status_code == 200
    assert b"Type <code>delete</code> to confirm" in page.content
    assert registration.senders.get().value.encode() in page.content  # what stops sending

    refused = web.post(url, {"confirm": "yes"})
    assert refused.status_code == 400
    assert b"Type delete to confirm the deletion." in refused.content
    assert sandbox.calls("DeleteRegistration") == []
    assert Registration.objects.get(pk=registration.pk).status == Status.CLOSED

    done = web.post(url, {"confirm": "delete"})
    assert done.status_code == 302
    registration.refresh_from_db()
    assert (registration.status, registration.aws_status) == ("DELETED", "DELETED")
    assert len(sandbox.calls("DeleteRegistration")) == 1
    assert AuditEntry.objects.filter(action="registration.delete", actor=alice).exists()
    # Deleted means gone at AWS: a second delete is refused by the portal, not sent.
    with pytest.raises(ValidationError):
        changes.registration_delete(actor=alice, registration=registration, confirm="delete")
    assert len(sandbox.calls("DeleteRegistration")) == 1


def test_a_registration_deleted_at_aws_behind_the_portals_back_is_recorded_deleted(
    catalog, sandbox, tenant_a, alice, sam, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    registration = _complete(tenant_a, alice, sam, sandbox, capture)
    rid = registration.aws_registration_id
    sandbox.request("POST", f"/_sandbox/registrations/{rid}/close")
    aws.registration_delete(Gateway(), registration_id=rid)  # e.g. in AWS's console
    with capture(execute=True):
        tracking.reconcile_pass(force=True)
    registration.refresh_from_db()
    assert (registration.status, registration.aws_status) == ("DELETED", "DELETED")


def test_discard_is_allowed_only_while_the_version_is_submitted(
    catalog, sandbox, tenant_a, alice, sam, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    # A version AWS has not started reviewing stays SUBMITTED.
    sandbox.request("PATCH", "/_sandbox/config", {"review_delay": 600})
    registration = _submit_and_approve(_tfn_ready(tenant_a, alice), tenant_a, alice, sam, capture)
    assert registration.status == Status.SUBMITTED
    web = client_for(alice)
    url = f"/t/{tenant_a.slug}/registrations/{registration.pk}/discard/"
    page = web.get(f"/t/{tenant_a.slug}/registrations/{registration.pk}/")
    assert b"Discard version" in page.content
    assert web.post(url, {"confirm": "nope"}, follow=True).status_code == 200
    assert sandbox.calls("DiscardRegistrationVersion") == []

    answer = web.post(url, {"confirm": "discard"}, follow=True)
    assert b"discarded at AWS" in answer.content
    registration.refresh_from_db()
    # AWS is back to CREATED; the tenant corrects a new version and sends it again.
    assert (registration.status, registration.aws_status) == ("REQUIRES_UPDATES", "CREATED")
    first, second = registration.versions.order_by("number")
    assert first.aws_status == "DISCARDED" and second.is_editable
    assert StatusEvent.objects.filter(
        registration=registration, reason__startswith="AWS reports CREATED"
    ).exists()

    # Under review at AWS (the portal still thinks SUBMITTED): AWS refuses, the tenant is told.
    sandbox.request("PATCH", "/_sandbox/config", {"review_delay": 0})
    other = _submit_and_approve(_tfn_ready(tenant_a, alice), tenant_a, alice, sam, capture)
    assert (other.status, other.current_version.aws_status) == ("SUBMITTED", "SUBMITTED")
    answer = web.post(
        f"/t/{tenant_a.slug}/registrations/{other.pk}/discard/", {"confirm": "discard"}, follow=True
    )
    assert b"AWS refused to discard version 1" in answer.content
    assert b"only a SUBMITTED version can be discarded" in answer.content
    assert Registration.objects.get(pk=other.pk).status == Status.SUBMITTED
    # A complete registration has no submitted version: refused before asking AWS.
    calls = len(sandbox.calls("DiscardRegistrationVersion"))
    sandbox.decide(other.aws_registration_id, 1, "approve")
    with capture(execute=True):
        tracking.reconcile_pass(force=True)
    with pytest.raises(ValidationError, match="Only a version AWS still holds as Submitted"):
        changes.registration_version_discard(actor=alice, registration=other)
    assert len(sandbox.calls("DiscardRegistrationVersion")) == calls


def test_amending_an_approved_registration_creates_a_new_aws_version_and_keeps_sending(
    catalog, sandbox, tenant_a, alice, sam, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    registration = _complete(tenant_a, alice, sam, sandbox, capture)
    web = client_for(alice)
    answer = web.post(f"/t/{tenant_a.slug}/registrations/{registration.pk}/amend/")
    assert answer.status_code == 302 and "/step/1/" in answer["Location"]
    registration.refresh_from_db()
    assert registration.status == Status.COMPLETE
    assert registration.current_version.number == 2 and registration.current_version.is_editable
    sample = "Example Corp: your statement is ready to view. Reply STOP to opt out."
    drafts.registration_values_save(
        tenant=tenant_a,
        actor=alice,
        registration=registration,
        values={"messageSamples.messageSample1": sample},
    )
    registration = _submit_and_approve(registration, tenant_a, alice, sam, capture)
    assert len(sandbox.calls("CreateRegistrationVersion")) == 1
    assert registration.current_version.aws_version_number == 2
    with capture(execute=True):
        tracking.reconcile_pass(force=True)
    registration.refresh_from_db()
    assert registration.aws_status == "REVIEWING"
    # The approved version stays in force while AWS reviews the amendment.
    assert _send(tenant_a).sender_id
    sandbox.decide(registration.aws_registration_id, 2, "approve")
    with capture(execute=True):
        tracking.reconcile_pass(force=True)
    registration.refresh_from_db()
    assert registration.status == Status.COMPLETE
    assert dict(registration.versions.values_list("number", "aws_status")) == {
        1: "ARCHIVED",
        2: "APPROVED",
    }
    remote = sandbox.calls("PutRegistrationFieldValue")
    assert sample in [c["Parameters"].get("TextValue") for c in remote]


def _model_enum(shape: str) -> list[str]:
    model = botocore.session.get_session().get_service_model("pinpoint-sms-voice-v2")
    return model.shape_for(shape).enum


@pytest.mark.parametrize("aws_status", _model_enum("RegistrationStatus"))
def test_every_aws_status_is_recorded_even_without_a_move(
    aws_status, catalog, sandbox, tenant_a, alice, sam, django_capture_on_commit_callbacks
):
    """Whatever AWS reports is stored on the registration and in the timeline; the table
    decides only whether the portal's own status moves."""
    capture = django_capture_on_commit_callbacks
    registration = _complete(tenant_a, alice, sam, sandbox, capture)
    event = _latest_event(sandbox, registration)
    event["detail"]["registrationDetails"]["currentStatus"] = aws_status
    with capture(execute=True):
        changed = tracking.registration_event_apply(event)
    registration.refresh_from_db()
    assert changed is (aws_status != "COMPLETE")
    assert registration.aws_status == aws_status
    table_moves = aws_status in ("REQUIRES_UPDATES", "CLOSED", "DELETED")
    assert registration.status == (aws_status if table_moves else Status.COMPLETE)
    if aws_status != "COMPLETE" and not table_moves:
        assert registration.timeline.filter(
            reason__startswith=f"AWS reports {aws_status} (event)"
        ).exists()


def test_every_version_status_is_recorded_and_explained(
    catalog, sandbox, tenant_a, alice, sam, django_capture_on_commit_callbacks
):
    from registrations.states import AWS_VERSION_WORDS

    assert set(AWS_VERSION_WORDS) == set(_model_enum("RegistrationVersionStatus"))
    capture = django_capture_on_commit_callbacks
    registration = _complete(tenant_a, alice, sam, sandbox, capture)
    registration.versions.filter(number=1).update(aws_status="REQUIRES_OFFLINE_REVIEW")
    page = client_for(alice).get(f"/t/{tenant_a.slug}/registrations/{registration.pk}/")
    assert b'id="offline-review"' in page.content
    assert b"REQUIRES_OFFLINE_REVIEW" in page.content


def test_staff_amend_and_delete_from_the_review_page_viewers_only_look(
    catalog, sandbox, tenant_a, alice, sam, vic, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    registration = _complete(tenant_a, alice, sam, sandbox, capture)
    page = client_for(sam).get(f"/staff/registrations/{registration.pk}/")
    assert b'data-aws-status="COMPLETE"' in page.content
    assert b"Start an amendment" in page.content
    viewer = client_for(vic)
    assert (
        b"Start an amendment" not in viewer.get(f"/staff/registrations/{registration.pk}/").content
    )
    assert viewer.post(f"/staff/registrations/{registration.pk}/amend/").status_code == 403
    delete_url = f"/staff/registrations/{registration.pk}/delete/"
    assert viewer.get(delete_url).status_code == 200  # viewers may read what it would do
    assert viewer.post(delete_url, {"confirm": "delete"}).status_code == 403

    staff = client_for(sam)
    assert staff.post(f"/staff/registrations/{registration.pk}/amend/").status_code == 302
    registration.refresh_from_db()
    assert registration.current_version.number == 2 and registration.current_version.is_editable
    assert AuditEntry.objects.filter(action="registration.amend", actor=sam).exists()

    # A TOLL_FREE number still associated: AWS refuses, the page says why, nothing changes.
    refused = staff.post(delete_url, {"confirm": "delete"})
    assert refused.status_code == 400
    assert b"AWS refused to delete the registration" in refused.content
    assert Registration.objects.get(pk=registration.pk).status == Status.COMPLETE
    sandbox.request("POST", f"/_sandbox/registrations/{registration.aws_registration_id}/close")
    assert staff.post(delete_url, {"confirm": "delete"}).status_code == 302
    registration.refresh_from_db()
    assert (registration.status, registration.aws_status) == ("DELETED", "DELETED")
    assert AuditEntry.objects.filter(action="registration.delete", actor=sam).exists()


def test_an_amendment_in_review_cannot_be_cancelled(
    catalog, sandbox, tenant_a, alice, sam, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    registration = _complete(tenant_a, alice, sam, sandbox, capture)
    changes.registration_amend(actor=alice, registration=registration)
    review.registration_submit_for_review(tenant=tenant_a, actor=alice, registration=registration)
    registration.refresh_from_db()
    assert registration.status == Status.IN_REVIEW
    with pytest.raises(ValidationError, match="amendment of a registration AWS approved"):
        review.registration_cancel(tenant=tenant_a, actor=alice, registration=registration)
    with pytest.raises(ValidationError, match="amendment of a registration AWS approved"):
        review.registration_staff_cancel(actor=sam, registration=registration, reason="no")
    assert Registration.objects.get(pk=registration.pk).status == Status.IN_REVIEW
    assert _send(tenant_a).sender_id  # still sending from the approved version


def test_requires_authentication_tells_the_tenant_what_to_do(
    catalog, sandbox, tenant_a, alice, sam, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    registration = _submit_and_approve(_tfn_ready(tenant_a, alice), tenant_a, alice, sam, capture)
    sandbox.decide(registration.aws_registration_id, 1, "require-authentication")
    with capture(execute=True):
        tracking.reconcile_pass(force=True)
    registration.refresh_from_db()
    assert registration.status == registration.aws_status == "REQUIRES_AUTHENTICATION"
    notice = Notice.objects.filter(tenant=tenant_a).latest("pk")
    assert "verification e-mail" in notice.body
    assert "Needs e-mail authentication" in notice.title
    page = client_for(alice).get(f"/t/{tenant_a.slug}/registrations/{registration.pk}/")
    assert b'id="authentication-needed"' in page.content
    assert b"follow its link" in page.content


def test_a_revocation_during_an_amendments_review_is_seen_by_the_poll(
    catalog, sandbox, tenant_a, alice, sam, django_capture_on_commit_callbacks
):
    """AWS keeps reviewing the amendment (the registration's status does not change, no
    event): the poll sees the approved version go and pauses sending."""
    capture = django_capture_on_commit_callbacks
    registration = _complete(tenant_a, alice, sam, sandbox, capture)
    changes.registration_amend(actor=alice, registration=registration)
    registration = _submit_and_approve(registration, tenant_a, alice, sam, capture)
    with capture(execute=True):
        tracking.reconcile_pass(force=True)
    registration.refresh_from_db()
    assert registration.aws_status == "REVIEWING"
    assert _send(tenant_a).sender_id
    events = len(sandbox.request("GET", "/_sandbox/events")["events"])
    rid = registration.aws_registration_id
    sandbox.request("POST", f"/_sandbox/registrations/{rid}/versions/1/revoke")
    assert len(sandbox.request("GET", "/_sandbox/events")["events"]) == events  # no event
    with capture(execute=True):
        assert tracking.reconcile_pass(force=True)["changed"] == 1
    assert registration.versions.get(number=1).aws_status == "REVOKED"
    assert "REVIEWING" in _refusal(tenant_a).message
    sandbox.decide(rid, 2, "approve")
    with capture(execute=True):
        tracking.reconcile_pass(force=True)
    assert _send(tenant_a).sender_id
