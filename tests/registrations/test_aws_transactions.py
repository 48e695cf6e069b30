"""No AWS call inside a database transaction: the gateway's single call path refuses one
(`AwsCallInTransaction`), and the real paths that ask AWS (observing a status from an SNS
event, the submission pipeline, provisioning and the sending setup) ask it outside any
transaction and apply the answer in short ones.

Django's test-case transactions (pytest-django's `db` fixture) do not count; these tests use
real transactions (`transaction=True`) all the same, as production runs."""

from __future__ import annotations

import pytest
from django.db import transaction

from registrations.aws import AwsCallInTransaction
from registrations.aws import operations as aws
from registrations.aws.gateway import Gateway, transaction_open
from registrations.models import Registration, Sender, SendingSetup, SnsMessage, StatusEvent
from registrations.services import drafts, review, tracking
from registrations.services.catalog import catalog_sync
from registrations.states import Status
from tests.registrations.test_engine import _tfn_ready
from tests.waiting import wait_until

TOPIC = "arn:aws:sns:us-east-1:123456789012:eum-registration-events"
HOOK = "/hooks/sns/registrations/"


def _wait(predicate, what: str) -> None:
    """Until `predicate` holds; an SNS message whose handling failed fails the test at once."""

    def done() -> bool:
        failed = list(
            SnsMessage.objects.filter(status=SnsMessage.Status.FAILED).values_list(
                "last_error", flat=True
            )
        )
        assert not failed, f"waiting for {what}: {failed}"
        return predicate()

    wait_until(done, timeout=20.0, message=what)


@pytest.mark.django_db(transaction=True)
def test_an_aws_call_inside_a_transaction_is_refused_before_it_leaves(sandbox):
    gateway = Gateway()
    with transaction.atomic():
        assert transaction_open()
        with pytest.raises(AwsCallInTransaction, match="DescribeOptOutLists called inside"):
            aws.opt_out_list_exists(gateway, name="Default")
        with transaction.atomic(), pytest.raises(AwsCallInTransaction):  # a savepoint too
            aws.opt_out_list_exists(gateway, name="Default")
    assert sandbox.calls("DescribeOptOutLists") == []  # nothing reached AWS
    assert not transaction_open()
    assert aws.opt_out_list_exists(gateway, name="Default") is True
    assert len(sandbox.calls("DescribeOptOutLists")) == 1


@pytest.mark.django_db
def test_the_test_cases_own_transaction_does_not_count_but_the_codes_does(sandbox):
    """In a plain `db` test the whole test runs inside Django's test-case transaction: that
    one is not the code's, so calls pass; a transaction the code opens is refused."""
    assert not transaction_open()
    assert aws.opt_out_list_exists(Gateway(), name="Default") is True
    with transaction.atomic(), pytest.raises(AwsCallInTransaction):
        aws.opt_out_list_exists(Gateway(), name="Default")


@pytest.mark.django_db(transaction=True)
def test_applying_an_event_inside_a_transaction_would_be_refused(sandbox, tenant_a, alice, sam):
    """The guard catches the shape the SNS handler had before: a denial's reasons asked of
    AWS while the event's transaction is open."""
    catalog_sync()
    registration = _tfn_ready(tenant_a, alice)
    review.registration_submit_for_review(tenant=tenant_a, actor=alice, registration=registration)
    review.version_approve(actor=sam, registration=registration)  # the pipeline runs
    registration.refresh_from_db()
    assert registration.status == Status.SUBMITTED
    sandbox.decide(registration.aws_registration_id, 1, "deny", {"Feedback": "Name the brand."})
    event = {
        "detail-type": "Registration Status Change",
        "detail": {
            "registrationDetails": {
                "registrationId": registration.aws_registration_id,
                "currentStatus": Status.REQUIRES_UPDATES,
                "registrationVersionNumber": 1,
            }
        },
    }
    with transaction.atomic(), pytest.raises(AwsCallInTransaction):
        tracking.registration_event_apply(event)
    assert Registration.objects.get(pk=registration.pk).status == Status.SUBMITTED
    assert tracking.registration_event_apply(event) is True  # outside: asks, then applies
    assert Registration.objects.get(pk=registration.pk).status == Status.REQUIRES_UPDATES


@pytest.mark.django_db(transaction=True)
def test_real_paths_ask_aws_outside_transactions(
    sandbox, sandbox_process, live_server, settings, tenant_a, alice, sam
):
    """Catalog sync, the pipeline (submitted through the review), events over SNS (a denial,
    whose reasons are asked of AWS, then the approval), provisioning and the sending setup,
    all with real transactions: any AWS call made inside one would fail its path."""
    settings.SNS_TRUSTED_CERT_ORIGINS = [sandbox_process]
    catalog_sync()
    sandbox.request(
        "POST", "/_sandbox/subscriptions", {"TopicArn": TOPIC, "Endpoint": live_server.url + HOOK}
    )
    _wait(
        lambda: SnsMessage.objects.filter(status=SnsMessage.Status.DONE).count() == 1,
        what="the portal to confirm the subscription",
    )

    registration = _tfn_ready(tenant_a, alice)
    review.registration_submit_for_review(tenant=tenant_a, actor=alice, registration=registration)
    review.version_approve(actor=sam, registration=registration)  # commits: pipeline runs
    registration.refresh_from_db()
    assert registration.status == Status.SUBMITTED
    assert len(sandbox.calls("SubmitRegistrationVersion")) == 1

    sandbox.decide(
        registration.aws_registration_id,
        1,
        "deny",
        {
            "DeniedReasons": [
                {"Reason": "Invalid Sample Message", "ShortDescription": "Name the brand"}
            ],
            "Fields": [
                {
                    "FieldPath": "messageSamples.messageSample1",
                    "DeniedReason": "Brand name missing",
                    "Feedback": "Add your brand name.",
                }
            ],
        },
    )
    _wait(
        lambda: Registration.objects.get(pk=registration.pk).status == Status.REQUIRES_UPDATES,
        what="the denial event",
    )
    assert len(sandbox.calls("DescribeRegistrationFieldValues")) >= 1  # asked, outside
    denied, current = list(registration.versions.order_by("number"))
    assert denied.denied_reasons[0]["reason"] == "Invalid Sample Message"
    assert current.values.get(field_path="messageSamples.messageSample1").needs_change is True
    assert StatusEvent.objects.filter(
        registration=registration, reason="Seen at AWS (event)"
    ).exists()

    drafts.registration_values_save(
        tenant=tenant_a,
        actor=alice,
        registration=registration,
        values={"messageSamples.messageSample1": "Acme Anvils: your order 1234 has shipped."},
    )
    registration.refresh_from_db()
    review.registration_submit_for_review(tenant=tenant_a, actor=alice, registration=registration)
    review.version_approve(actor=sam, registration=registration)
    registration.refresh_from_db()
    assert registration.status == Status.SUBMITTED
    sandbox.decide(registration.aws_registration_id, 2, "approve")
    _wait(
        lambda: (
            SendingSetup.objects.filter(tenant=tenant_a).exists()
            and SendingSetup.objects.get(tenant=tenant_a).complete
        ),
        what="the approval event, provisioning and the sending setup",
    )
    assert Registration.objects.get(pk=registration.pk).status == Status.COMPLETE
    assert Sender.objects.get(registration=registration).status == "ACTIVE"
    assert SendingSetup.objects.get(tenant=tenant_a).last_error == ""
    handled = SnsMessage.objects.values_list("status", "last_error")
    assert {status for status, _ in handled} == {SnsMessage.Status.DONE}, list(handled)
