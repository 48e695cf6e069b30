"""Sender IDs end to end against the sandbox over HTTP (issue 19): the sender ID asked where
AWS's form has it and by the portal otherwise, with each country's format rules; requested
and associated on approval where the form has none (GB); provisioned by AWS where it has one
(IN); the tenant's active sender; a delivered message; India's DLT ids on the send."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from compliance import sender_ids as rules
from messaging.checks import ApiRefusal, tenant_state_forget
from messaging.dispatch import message_dispatch
from messaging.golive import go_live_check_run
from messaging.models import Message
from messaging.services import message_send
from registrations import sender_ids
from registrations.models import Sender, SendingSetup
from registrations.schema import validate_value
from registrations.selectors import schema_for
from registrations.services import drafts, sender_requests, tracking
from registrations.services.provisioning import senders_recheck
from registrations.states import Status
from registrations.web.selectors import status_words
from tests.registrations.test_engine import _draft, _submit_and_approve
from tests.sandbox import forms

pytestmark = pytest.mark.django_db

GB = "GB_SENDER_ID_REGISTRATION"
IN = "IN_SENDER_ID_REGISTRATION"
GB_OK = "+447860019066"  # the AWS simulator's United Kingdom success number
IN_NUMBER = "+919812345678"
GB_GOOD = {
    "portal.senderId": "EXAMPLECO",
    "companyInfo.companyName": "Example Corp",
    "messagingUseCase.monthlyMessageVolume": ["1,000"],
}

# Written from the seeds (user guide "Considerations for a Sender ID", "India sender ID
# registration process", the country table; RequestSenderId's documentation), not from the code.
FORMAT_TABLE = [
    # (country, sender ID, acceptable)
    ("GB", "EXAMPLECO", True),
    ("GB", "EX-AMPLE", True),
    ("GB", "ANYCO2024", True),
    ("GB", "ABC", True),  # minimum of 3 characters
    ("GB", "ABCDEFGHIJK", True),  # maximum of 11
    ("GB", "AB", False),
    ("GB", "ABCDEFGHIJKL", False),
    ("GB", "12345", False),  # numeric-only sender IDs are not supported
    ("GB", "EXAMPLE CO", False),  # no spaces
    ("GB", "EXAMPLE_CO", False),  # no special characters except dashes
    ("GB", "EXAMPLÉ", False),  # valid characters: a-z, A-Z, 0-9
    ("GB", "-EXAMPLE", False),  # cannot start or end with a hyphen
    ("GB", "EXAMPLE-", False),
    ("GB", "OTP", False),  # generic words are refused
    ("GB", "info", False),
    ("GB", "NOTICE", False),  # AWS's own generic sender ID
    ("DE", "EXAMPLECO", True),
    ("IN", "EXMPLE", True),  # exactly 6 characters, letters
    ("IN", "ExMple", True),  # case-sensitive letters
    ("IN", "EXMPL", False),
    ("IN", "EXAMPLE", False),
    ("IN", "EXMPL1", False),  # transactional sender IDs only contain letters
    ("SG", "EXAMPLECO", True),
    ("US", "EXAMPLECO", False),  # the US does not support sender IDs
    ("CA", "EXAMPLECO", False),
    ("CN", "EXAMPLECO", False),
    ("BR", "EXAMPLECO", False),
]


@pytest.mark.parametrize(("iso", "value", "ok"), FORMAT_TABLE)
def test_sender_id_format_per_country(iso, value, ok):
    problems = rules.sender_id_problems(value, iso)
    assert (problems == []) is ok, problems
    # The portal's own field refuses the same values (its pattern carries the rules).
    if rules.country_rule(iso).supported:
        errors = validate_value(sender_ids.portal_field(iso), value)
        assert (errors == []) is ok, errors


def test_countries_that_need_registration_or_take_no_sender_id():
    assert rules.country_rule("GB").requestable
    assert rules.country_rule("DE").requestable
    for iso in ("IN", "SG", "AU", "JO", "SA", "AE", "VN", "TR", "PH"):
        rule = rules.country_rule(iso)
        assert rule.supported and rule.registration_required and not rule.requestable, iso
    assert len(rules.UNSUPPORTED) == 40
    assert not rules.country_rule("US").supported


def test_the_portal_asks_the_sender_id_where_aws_form_has_none(catalog, tenant_a, alice):
    gb = schema_for(_draft(tenant_a, alice, GB))
    field = gb.field(sender_ids.PORTAL_FIELD)
    assert field is not None and field.requirement == "REQUIRED"
    assert gb.sections[0].path == sender_ids.PORTAL_SECTION
    # India's form has the sender ID itself: no portal field there.
    india = schema_for(_draft(tenant_a, alice, IN))
    assert india.field(sender_ids.FORM_FIELD) is not None
    assert india.field(sender_ids.PORTAL_FIELD) is None


@pytest.mark.parametrize("bad", ["OTP", "12345", "AB", "EXAMPLE CO", "ABCDEFGHIJKL"])
def test_a_bad_sender_id_saves_nothing_and_says_why(catalog, tenant_a, alice, bad):
    registration = _draft(tenant_a, alice, GB)
    with pytest.raises(ValidationError) as err:
        drafts.registration_values_save(
            tenant=tenant_a,
            actor=alice,
            registration=registration,
            values={**GB_GOOD, sender_ids.PORTAL_FIELD: bad},
        )
    said = err.value.message_dict[sender_ids.PORTAL_FIELD]
    assert said == rules.sender_id_problems(bad, "GB") and said  # the country's rules' words
    assert not registration.current_version.values.filter(
        field_path="companyInfo.companyName", text_value="Example Corp"
    ).exists()


def _complete(registration, sandbox, capture):
    sandbox.decide(registration.aws_registration_id, 1, "approve")
    with capture(execute=True):
        tracking.reconcile_pass(force=True)
    registration.refresh_from_db()
    assert registration.status == Status.COMPLETE
    return registration


def _sent(sandbox, destination):
    return [
        m for m in sandbox.request("GET", "/_sandbox/messages")["messages"]
        if m["DestinationPhoneNumber"] == destination
    ]  # fmt: skip


def test_gb_sender_id_from_draft_to_a_delivered_message(
    catalog, sandbox, tenant_a, alice, sam, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    registration = _draft(tenant_a, alice, GB, GB_GOOD)
    registration = _submit_and_approve(registration, tenant_a, alice, sam, capture)
    assert registration.status == Status.SUBMITTED
    # The portal's field stays with the portal: AWS's form has no such field.
    puts = {c["Parameters"]["FieldPath"] for c in sandbox.calls("PutRegistrationFieldValue")}
    assert puts == {"companyInfo.companyName", "messagingUseCase.monthlyMessageVolume"}
    assert sandbox.calls("RequestSenderId") == []  # ASSOCIATE_ON_APPROVAL: not before

    registration = _complete(registration, sandbox, capture)
    requests = [c["Parameters"] for c in sandbox.calls("RequestSenderId")]
    assert [(r["SenderId"], r["IsoCountryCode"]) for r in requests] == [("EXAMPLECO", "GB")]
    associated = [c["Parameters"] for c in sandbox.calls("CreateRegistrationAssociation")]
    assert [a["RegistrationId"] for a in associated] == [registration.aws_registration_id]
    assert associated[0]["ResourceId"].endswith(":sender-id/EXAMPLECO/GB")
    sender = Sender.objects.get(registration=registration)
    assert (sender.kind, sender.value, sender.iso_country, sender.status) == (
        "SENDER_ID",
        "EXAMPLECO",
        "GB",
        "ACTIVE",
    )
    assert status_words(registration)[1:] == ("", "Nothing: you can send")
    setup = SendingSetup.objects.get(tenant=tenant_a)
    assert setup.complete and "GB" in setup.countries
    # A sender ID has no keywords: the setup put none on it.
    assert all(
        c["Parameters"]["OriginationIdentity"] != sender.aws_arn
        for c in sandbox.calls("PutKeyword")
    )
    # ... and the go-live check asks none of it.
    check = go_live_check_run(tenant_id=tenant_a.pk, sender_id=sender.pk)
    assert check.checks["keywords"]["passed_at"], check.checks["keywords"]
    assert check.checks["protect"]["passed_at"], check.checks["protect"]

    tenant_state_forget()
    with capture(execute=False):
        message = message_send(
            tenant=tenant_a,
            api_key=None,
            item={"to": GB_OK, "body": "Example Corp: your code is 1234", "type": "TRANSACTIONAL"},
        )
    assert message.sender_id == sender.pk
    assert message_dispatch(tenant_id=tenant_a.pk, message_id=message.pk).status == "sent"
    [sent] = _sent(sandbox, GB_OK)
    assert sent["OriginationIdentity"] == "EXAMPLECO"
    assert sent["DestinationCountryParameters"] == {}
    assert [e["eventType"] for e in sent["Events"]][-1] == "TEXT_DELIVERED"
    assert Message.objects.get(pk=message.pk).status in ("SENT", "DELIVERED")


def test_complete_without_an_active_sender_is_not_ready_to_send(
    catalog, sandbox, tenant_a, alice, sam, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    registration = _submit_and_approve(
        _draft(tenant_a, alice, GB, GB_GOOD), tenant_a, alice, sam, capture
    )
    registration = _complete(registration, sandbox, capture)
    Sender.objects.filter(registration=registration).update(status="PENDING")
    plain, who, what = status_words(registration)
    assert "not active yet" in plain and "EXAMPLECO" in what and who == "aws"
    # The recheck asks AWS, which reports it registered: active again.
    with capture(execute=True):
        assert senders_recheck(force=True)["changed"] == 1
    assert Sender.objects.get(registration=registration).status == "ACTIVE"
    assert status_words(registration)[2] == "Nothing: you can send"
    Sender.objects.filter(registration=registration).delete()
    assert "requesting it from AWS" in status_words(registration)[2]


def test_india_sender_id_from_draft_to_a_delivered_message_with_dlt_ids(
    catalog, sandbox, tenant_a, alice, sam, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    registration = _draft(tenant_a, alice, IN, forms.IN_SENDER_ID_GOOD)
    registration = _submit_and_approve(registration, tenant_a, alice, sam, capture)
    registration = _complete(registration, sandbox, capture)
    # AWS provisions the sender ID its form names: the portal requests nothing.
    assert sandbox.calls("RequestSenderId") == []
    sender = Sender.objects.get(registration=registration)
    assert (sender.kind, sender.value, sender.iso_country, sender.status) == (
        "SENDER_ID",
        "EXMPLE",
        "IN",
        "ACTIVE",
    )
    tenant_state_forget()
    item = {
        "to": IN_NUMBER,
        "body": "Example Corp: your login code is 123456.",
        "type": "TRANSACTIONAL",
    }
    with pytest.raises(ApiRefusal) as refused:
        message_send(tenant=tenant_a, api_key=None, item=item)
    assert (refused.value.code, refused.value.field) == ("dlt_template_required", "dlt_template_id")
    with capture(execute=False):
        message = message_send(
            tenant=tenant_a, api_key=None, item={**item, "dlt_template_id": "1107161234567890"}
        )
    assert message_dispatch(tenant_id=tenant_a.pk, message_id=message.pk).status == "sent"
    [sent] = _sent(sandbox, IN_NUMBER)
    assert sent["OriginationIdentity"] == "EXMPLE"
    assert sent["DestinationCountryParameters"] == {
        "IN_ENTITY_ID": forms.IN_SENDER_ID_GOOD["inSidSpecificInfo.principalEntityId"],
        "IN_TEMPLATE_ID": "1107161234567890",
    }
    assert [e["eventType"] for e in sent["Events"]][-1] == "TEXT_DELIVERED"


def test_a_sender_id_where_no_registration_is_needed(
    catalog, sandbox, tenant_a, alice, bob, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    refused = [
        ({"kind": "SENDER_ID", "country": "IN", "sender_id": "EXMPLE"}, "country"),
        ({"kind": "SENDER_ID", "country": "US", "sender_id": "EXAMPLECO"}, "country"),
        ({"kind": "SENDER_ID", "country": "GB", "sender_id": "OTP"}, "sender_id"),
        ({"kind": "SENDER_ID", "country": "GB", "sender_id": "12345"}, "sender_id"),
        ({"kind": "SENDER_ID", "country": "G1", "sender_id": "EXAMPLECO"}, "country"),
        ({"kind": "LONG_CODE", "country": "GB"}, "country"),
    ]
    for request, field in refused:
        with pytest.raises(ValidationError) as err:
            sender_requests.sender_request(tenant=tenant_a, actor=alice, **request)
        assert list(err.value.message_dict) == [field], request
    with pytest.raises(PermissionDenied):  # a member may not
        sender_requests.sender_request(
            tenant=tenant_a, actor=bob, kind="SENDER_ID", country="GB", sender_id="EXAMPLECO"
        )
    assert not Sender.objects.filter(tenant=tenant_a).exists()
    assert sandbox.calls("RequestSenderId") == []

    with capture(execute=True):
        sender = sender_requests.sender_request(
            tenant=tenant_a, actor=alice, kind="SENDER_ID", country="GB", sender_id="EXAMPLECO"
        )
    sender.refresh_from_db()
    assert (sender.status, sender.registration_id) == ("ACTIVE", None)
    assert sender.aws_arn.endswith(":sender-id/EXAMPLECO/GB")
    [call] = sandbox.calls("RequestSenderId")
    assert (call["Parameters"]["SenderId"], call["Parameters"]["IsoCountryCode"]) == (
        "EXAMPLECO",
        "GB",
    )
    with pytest.raises(ValidationError):  # the same one again
        sender_requests.sender_request(
            tenant=tenant_a, actor=alice, kind="SENDER_ID", country="GB", sender_id="exampleco"
        )
    assert SendingSetup.objects.get(tenant=tenant_a).complete
    tenant_state_forget()
    with capture(execute=False):
        message = message_send(
            tenant=tenant_a,
            api_key=None,
            item={"to": GB_OK, "body": "Example Corp: your code is 1234", "type": "TRANSACTIONAL"},
        )
    assert message_dispatch(tenant_id=tenant_a.pk, message_id=message.pk).status == "sent"
    [sent] = _sent(sandbox, GB_OK)
    assert sent["OriginationIdentity"] == "EXAMPLECO"

    with capture(execute=True):  # a Canadian long code: AWS sells one that sends SMS
        number = sender_requests.sender_request(
            tenant=tenant_a, actor=alice, kind="LONG_CODE", country="CA"
        )
    number.refresh_from_db()
    assert (number.kind, number.number_type, number.iso_country) == (
        "PHONE_NUMBER",
        "LONG_CODE",
        "CA",
    )
    assert number.value.startswith("+1") and number.aws_id


def test_the_request_page_shows_the_rules_and_refuses_with_reasons(
    catalog, sandbox, client, tenant_a, alice, bob, django_capture_on_commit_callbacks
):
    url = f"/t/{tenant_a.slug}/registrations/senders/request/"
    client.force_login(alice)
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "India (IN)" in text and "exactly 6 letters" in text and "United States (US)" in text
    assert '<option value="GB">' in text and '<option value="IN">' not in text
    bad = client.post(url, {"kind": "SENDER_ID", "country": "GB", "sender_id": "OTP"})
    assert bad.status_code == 400 and "generic word" in bad.content.decode()
    crafted = client.post(url, {"kind": "SENDER_ID", "country": "IN", "sender_id": "EXMPLE"})
    assert crafted.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        good = client.post(url, {"kind": "SENDER_ID", "country": "DE", "sender_id": "EXAMPLECO"})
    assert good.status_code == 302
    assert Sender.objects.get(tenant=tenant_a, iso_country="DE").status == "ACTIVE"
    client.force_login(bob)
    assert client.get(url).status_code == 403
