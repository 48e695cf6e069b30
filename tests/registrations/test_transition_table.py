"""The registration transition table against an edge list written without looking at it.

`EXPECTED` was written from AWS's documentation of registration statuses (the reference
digests `eum-api-model.md` "Registration status vs version status", `aws-events.md` §2.2, and
the seeds: the Pinpoint SMS user guide's "Check your registration status" and the toll-free
registration blog post) and from the portal's own review step as the README describes it
(submit for review, staff approve / return / cancel, the submission pipeline, retry). Only
then was `registrations/states.py` read. Where the two lists differed, the edge's comment says
which source decided it. The table must equal this list: an edge added to or dropped from the
table without changing this list fails here.
"""

from __future__ import annotations

import pytest

from registrations.models import Registration, StatusEvent
from registrations.services.transitions import TransitionRefused, registration_transition
from registrations.states import TRANSITIONS, Status, can_transition
from tests.registrations.test_engine import _draft

# The AWS statuses the portal mirrors once its pipeline has submitted (CREATED is the
# portal's DRAFT..SUBMITTING; AWS never reports it for a submitted registration).
_AWS_REVIEW = ("SUBMITTED", "AWS_REVIEWING", "REVIEWING", "REQUIRES_AUTHENTICATION")
_AWS_DECIDED = ("REQUIRES_UPDATES", "PROVISIONING", "COMPLETE")

EXPECTED: frozenset[tuple[str, str]] = frozenset(
    {
        # --- The portal's review step (README "Provider review", "Reviewer actions").
        ("DRAFT", "IN_REVIEW"),  # the tenant submits for review; the version locks
        ("IN_REVIEW", "QUEUED"),  # staff approve and send to AWS
        ("IN_REVIEW", "CHANGES_REQUESTED"),  # staff return it with comments
        ("CHANGES_REQUESTED", "IN_REVIEW"),  # the tenant submits the new version
        ("REQUIRES_UPDATES", "IN_REVIEW"),  # after AWS's denial the new version is reviewed too
        # Cancel: staff "while in review, queued or failed"; a tenant admin may also cancel
        # a registration that never left its hands (a draft, or one returned for changes).
        # The last two were not in the first list: the tenant's cancel action was found
        # after comparing (`registration_cancel`), and it mirrors AWS's
        # DiscardRegistrationVersion of a version nobody reviewed yet (seed 001).
        ("IN_REVIEW", "CANCELLED"),
        ("QUEUED", "CANCELLED"),
        ("SUBMISSION_FAILED", "CANCELLED"),
        ("DRAFT", "CANCELLED"),
        ("CHANGES_REQUESTED", "CANCELLED"),
        # --- 10DLC order (issue 19; seed 001: a campaign belongs to a complete brand, and
        # "vetting scores aren't applied retroactively"): a campaign sent for review before
        # its brand (or the brand's chosen vetting) is complete waits, then goes to provider
        # review by itself; the tenant may cancel it while it waits.
        ("DRAFT", "WAITING_FOR_BRAND"),
        ("CHANGES_REQUESTED", "WAITING_FOR_BRAND"),
        ("REQUIRES_UPDATES", "WAITING_FOR_BRAND"),
        ("WAITING_FOR_BRAND", "IN_REVIEW"),
        ("WAITING_FOR_BRAND", "CANCELLED"),
        # --- The submission pipeline (README "Pipeline").
        ("QUEUED", "SUBMITTING"),  # a worker claims it
        ("SUBMITTING", "SUBMITTED"),  # SubmitRegistrationVersion succeeded
        ("SUBMITTING", "SUBMISSION_FAILED"),  # a permanent error
        ("SUBMISSION_FAILED", "QUEUED"),  # staff retry
        # --- AWS's RegistrationStatus, in the documented order: SUBMITTED → (AWS_REVIEWING) →
        # REVIEWING → COMPLETE / REQUIRES_UPDATES; PROVISIONING = approved, identity being
        # created; REQUIRES_AUTHENTICATION = e-mail authentication pending (eum-api-model.md).
        ("SUBMITTED", "AWS_REVIEWING"),
        ("SUBMITTED", "REVIEWING"),
        ("AWS_REVIEWING", "REVIEWING"),
        ("AWS_REVIEWING", "REQUIRES_UPDATES"),  # AWS's own pre-review denies
        ("REVIEWING", "REQUIRES_AUTHENTICATION"),
        ("REVIEWING", "REQUIRES_UPDATES"),
        ("REVIEWING", "PROVISIONING"),
        ("REVIEWING", "COMPLETE"),
        ("REQUIRES_AUTHENTICATION", "REVIEWING"),  # authenticated, review goes on
        ("REQUIRES_AUTHENTICATION", "REQUIRES_UPDATES"),
        ("REQUIRES_AUTHENTICATION", "PROVISIONING"),
        ("REQUIRES_AUTHENTICATION", "COMPLETE"),
        ("PROVISIONING", "COMPLETE"),
        ("COMPLETE", "CLOSED"),  # "the phone number or sender ID has been deleted"
        # Added after comparing with the table. The portal only *observes* AWS (events
        # delivered "best effort", plus a poll: aws-events.md §2.2), so it can miss a
        # short-lived status: seed 003 (toll-free blog) tells readers the status goes from
        # "CREATED" to "REVIEWING" within 24 hours, i.e. SUBMITTED is often never seen.
        # Observations may therefore skip ahead in the order above, never go back.
        ("SUBMITTED", "REQUIRES_AUTHENTICATION"),
        ("SUBMITTED", "REQUIRES_UPDATES"),
        ("SUBMITTED", "PROVISIONING"),
        ("SUBMITTED", "COMPLETE"),
        ("AWS_REVIEWING", "REQUIRES_AUTHENTICATION"),
        ("AWS_REVIEWING", "PROVISIONING"),
        ("AWS_REVIEWING", "COMPLETE"),
        # Added after comparing: a submission with missing fields is "DENIED within seconds"
        # (eum-api-model.md, observed S7), so AWS's event can arrive before the pipeline has
        # recorded its own SUBMITTED: every AWS status up to a decision is seen from
        # SUBMITTING.
        *{("SUBMITTING", status) for status in _AWS_REVIEW + _AWS_DECIDED},
        # Added after comparing: seed 003's short-code guide says that after approval "each
        # carrier will approve your application and provision on their network" and that
        # corrections may be requested on the way, so a registration still PROVISIONING can
        # be sent back for updates.
        ("PROVISIONING", "REQUIRES_UPDATES"),
        # CLOSED: the identity was deleted (model docs). A toll-free number exists before
        # submission (ASSOCIATE_BEFORE_SUBMIT), so it can be released at any point after
        # submission, not only after COMPLETE (first list had only COMPLETE → CLOSED).
        *{(status, "CLOSED") for status in _AWS_REVIEW + _AWS_DECIDED if status != "COMPLETE"},
        # --- After approval (issue 19). The tenant amends an approved registration: AWS's
        # CreateRegistrationVersion "creates a new version of the registration" and the
        # previous one becomes read-only; the new version goes through provider review first.
        ("COMPLETE", "IN_REVIEW"),
        # A carrier revokes the approved version (seed 001: a toll-free number used for
        # another use case "can be revoked"; the model's REVOKED version status) or asks for
        # updates: the registration is REQUIRES_UPDATES ("fix and resubmit").
        ("COMPLETE", "REQUIRES_UPDATES"),
        # DELETED: the registration itself was deleted, possible from every AWS status.
        *{(status, "DELETED") for status in _AWS_REVIEW + _AWS_DECIDED + ("CLOSED",)},
    }
)


def _table_edges() -> set[tuple[str, str]]:
    return {(source, target) for source, targets in TRANSITIONS.items() for target in targets}


def test_every_status_has_a_row():
    assert set(TRANSITIONS) == set(Status.values)


def test_the_table_equals_the_independent_list():
    table = _table_edges()
    assert sorted(table - EXPECTED) == [], "in the table, not in the documented list"
    assert sorted(EXPECTED - table) == [], "documented, missing from the table"


def test_terminal_states_have_no_way_out():
    sources = {source for source, _ in EXPECTED}
    assert {s for s in Status.values if s not in sources} == {"CANCELLED", "DELETED"}
    assert TRANSITIONS[Status.CANCELLED] == frozenset()
    assert TRANSITIONS[Status.DELETED] == frozenset()


def test_aws_reports_never_lead_back_into_the_portal_pipeline():
    portal_only = {"DRAFT", "CHANGES_REQUESTED", "QUEUED", "SUBMITTING", "SUBMISSION_FAILED"}
    aws = set(_AWS_REVIEW + _AWS_DECIDED + ("CLOSED", "DELETED"))
    for source in aws:
        for target in portal_only:
            assert not can_transition(source, target), (source, target)


@pytest.mark.django_db
@pytest.mark.parametrize("source", Status.values)
def test_registration_transition_follows_the_list(source, catalog, tenant_a, alice):
    """The service, not only the table: each allowed move happens with one timeline event,
    each refused one changes nothing."""
    registration = _draft(tenant_a, alice)
    events_before = StatusEvent.objects.filter(registration=registration).count()
    for target in Status.values:
        Registration.objects.filter(pk=registration.pk).update(status=source)
        registration.refresh_from_db()
        if (source, target) in EXPECTED:
            registration_transition(registration=registration, to=target)
            assert Registration.objects.get(pk=registration.pk).status == target
            event = StatusEvent.objects.filter(registration=registration).latest("pk")
            assert (event.from_status, event.to_status) == (source, target)
            events_before += 1
        else:
            with pytest.raises(TransitionRefused):
                registration_transition(registration=registration, to=target)
            assert Registration.objects.get(pk=registration.pk).status == source
        assert StatusEvent.objects.filter(registration=registration).count() == events_before
