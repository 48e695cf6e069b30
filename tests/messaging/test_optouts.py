"""One opt-out truth, against the sandbox over HTTP: every way of opting out or back in writes
the opt-out list that the sending checks read and the consent log together, kind-specific
opt-outs stop one kind only, and the tenant's AWS opt-out list is kept the same both ways."""

from __future__ import annotations

import importlib
import json
import threading
from http.server import ThreadingHTTPServer

import pytest
from django.apps import apps as django_apps
from django.test import Client

from compliance.models import ConsentRecord, SmsProgram
from messaging.models import Message, OptOut
from registrations.aws import operations as aws
from registrations.aws.clients import AccountContext, client_for
from registrations.aws.gateway import Gateway
from registrations.models import Sender, SendingSetup
from tests.messaging.conftest import US_OK
from tests.messaging.test_webhooks import TOPIC
from tests.registrations.test_sns import _Capture
from tests.waiting import wait_until

LIST = "portal-acme"
OTHER = "+14254147766"  # another valid US mobile number (Washington)


@pytest.fixture
def aws_list(sandbox, tenant_a):
    """Tenant A's opt-out list at AWS, made as the sending setup makes it."""
    aws.opt_out_list_create(Gateway(), name=LIST)
    SendingSetup.objects.create(tenant=tenant_a, opt_out_list_name=LIST)
    return LIST


@pytest.fixture
def sns_capture():
    _Capture.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Capture)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server, _Capture.received
    server.shutdown()


def _at_aws(name: str = LIST) -> dict[str, dict]:
    return {item.number: item for item in aws.opted_out_numbers_list(Gateway(), opt_out_list=name)}


def _send(api, to: str = US_OK, kind: str = "TRANSACTIONAL"):
    return api.post("messages", {"to": to, "body": "Your code is 1234", "type": kind})


def _kinds_collected(tenant) -> None:
    SmsProgram.objects.create(
        tenant=tenant, program_name="Acme", description="codes and deals",
        use_cases=[{"key": "codes", "label": "codes"}], kind_opt_outs=True,
    )  # fmt: skip


def _inbound_payload(sender: Sender, text: str, customer: str = US_OK) -> dict:
    """What AWS publishes on the two-way topic for a recipient's reply."""
    return {
        "originationNumber": customer,
        "destinationNumber": sender.value,
        "messageKeyword": text.split()[0].upper(),
        "messageBody": text,
        "inboundMessageId": "in-1",
    }


def _public_opt_out(phone: str, **extra):
    return Client().post("/p/acme/opt-out/", {"phone": phone, "website": "", **extra})


# --- The reproduced bug ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_public_opt_out_page_stops_the_next_api_send(aws_list, tenant_a, sender_a, api_a):
    response = _public_opt_out(US_OK)
    assert response.status_code == 200
    assert "will not send more text messages" in response.content.decode()

    refused = _send(api_a)
    assert refused.status_code == 422, refused.content
    assert refused.json()["error"]["code"] == "opted_out"
    assert Message.objects.count() == 0
    row = OptOut.objects.get(tenant=tenant_a)
    assert (row.phone, row.message_type, row.source) == (US_OK, "", "hosted_page")
    record = ConsentRecord.objects.get(tenant=tenant_a)
    assert (record.phone_e164, record.action, record.source) == (US_OK, "opt_out", "hosted_page")
    assert _at_aws()[US_OK].end_user is False  # put there by the portal


# --- Each way writes both ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_api_opt_out_and_opt_in_write_both_and_reach_aws(aws_list, tenant_a, api_a):
    assert api_a.post("opt-outs", {"phone": US_OK}).status_code == 201
    assert OptOut.objects.get().source == "api"
    assert ConsentRecord.objects.get().action == "opt_out"
    assert US_OK in _at_aws()

    assert api_a.delete(f"opt-outs/{US_OK}").status_code == 204
    assert OptOut.objects.count() == 0
    opt_in = ConsentRecord.objects.get(action="opt_in")
    assert (opt_in.phone_e164, opt_in.source, opt_in.message_type) == (US_OK, "api", "")
    assert US_OK not in _at_aws()
    assert [c["Operation"] for c in _aws_calls(tenant_a)] == [
        "PutOptedOutNumber", "DeleteOptedOutNumber"
    ]  # fmt: skip


def _aws_calls(tenant) -> list[dict]:
    from registrations.models import AwsCall

    return [
        {"Operation": c.operation, "Error": c.error_code}
        for c in AwsCall.objects.filter(tenant=tenant, operation__contains="OptedOutNumber")
        .exclude(operation="DescribeOptedOutNumbers")
        .order_by("id")
    ]


@pytest.mark.django_db(transaction=True)
def test_inbound_stop_synonym_and_start_write_both_and_reach_aws(aws_list, tenant_a, sender_a):
    from messaging.events import inbound_apply

    inbound_apply(_inbound_payload(sender_a, "unsubscribe please"))
    row = OptOut.objects.get()
    assert (row.phone, row.message_type, row.source) == (US_OK, "", "keyword")
    out = ConsentRecord.objects.get()
    assert (out.action, out.source) == ("opt_out", "keyword")
    assert "unsubscribe please" in out.text_shown
    assert US_OK in _at_aws()

    inbound_apply(_inbound_payload(sender_a, "START"))
    assert OptOut.objects.count() == 0
    back = ConsentRecord.objects.get(action="opt_in")
    assert (back.phone_e164, back.source) == (US_OK, "keyword")
    assert US_OK not in _at_aws()


@pytest.mark.django_db(transaction=True)
def test_inbound_stop_through_the_sns_hook_stops_sending(
    sandbox,
    sandbox_process,
    tenant_a,
    settings,
    sns_capture,
    api_a,
):
    settings.SNS_TRUSTED_CERT_ORIGINS = [sandbox_process]
    server, received = sns_capture
    sandbox.request(
        "POST", "/_sandbox/subscriptions",
        {"TopicArn": TOPIC, "AutoConfirm": True, "Endpoint": f"http://127.0.0.1:{server.server_port}/"},
    )  # fmt: skip
    gw = Gateway()
    number = aws.phone_number_request(
        gw, country="US", number_type="SIMULATOR", client_token="stop"
    )
    client_for(AccountContext()).update_phone_number(
        PhoneNumberId=number.id, TwoWayEnabled=True,
        TwoWayChannelArn=TOPIC, SelfManagedOptOutsEnabled=True,
    )  # fmt: skip
    Sender.objects.create(
        tenant=tenant_a, kind="PHONE_NUMBER", value=number.number, iso_country="US",
        number_type="SIMULATOR", aws_id=number.id, status="ACTIVE",
    )  # fmt: skip
    sandbox.request(
        "POST", "/_sandbox/inbound",
        {"OriginationNumber": US_OK, "DestinationNumber": number.number, "MessageBody": "Quit"},
    )  # fmt: skip
    wait_until(
        lambda: any(m["Type"] == "Notification" for m in received), timeout=15, message="inbound"
    )
    message = next(m for m in received if m["Type"] == "Notification")
    response = Client().post(
        "/hooks/sns/delivery/", data=json.dumps(message), content_type="text/plain",
        HTTP_X_AMZ_SNS_MESSAGE_TYPE="Notification",
    )  # fmt: skip
    assert response.status_code == 200
    assert _send(api_a).json()["error"]["code"] == "opted_out"
    assert ConsentRecord.objects.get().source == "keyword"


@pytest.mark.django_db(transaction=True)
def test_aws_refusing_a_send_as_opted_out_writes_both(sandbox, tenant_a, monkeypatch):
    from messaging.dispatch import message_dispatch
    from messaging.services import message_send

    monkeypatch.setattr("messaging.services._enqueue", lambda ids, tenant_id: None)
    number = aws.phone_number_request(
        Gateway(), country="US", number_type="SIMULATOR", client_token="r"
    )
    Sender.objects.create(
        tenant=tenant_a, kind="PHONE_NUMBER", value=number.number, iso_country="US",
        number_type="SIMULATOR", aws_id=number.id, aws_arn=number.arn, status="ACTIVE",
    )  # fmt: skip
    aws.opted_out_number_put(Gateway(), opt_out_list="Default", number=US_OK)  # AWS knew first
    item = {"to": US_OK, "body": "Your code is 1234", "type": "TRANSACTIONAL"}
    pk = message_send(tenant=tenant_a, api_key=None, item=item).pk
    assert message_dispatch(tenant_id=tenant_a.pk, message_id=pk).status == "failed"
    row = OptOut.objects.get()
    assert (row.phone, row.source) == (US_OK, "aws")
    record = ConsentRecord.objects.get()
    assert (record.phone_e164, record.action, record.source) == (US_OK, "opt_out", "aws")


@pytest.mark.django_db(transaction=True)
def test_a_message_accepted_before_the_opt_out_is_not_sent(sandbox, tenant_a, monkeypatch):
    from messaging.dispatch import message_dispatch
    from messaging.services import message_send

    monkeypatch.setattr("messaging.services._enqueue", lambda ids, tenant_id: None)
    number = aws.phone_number_request(
        Gateway(), country="US", number_type="SIMULATOR", client_token="q"
    )
    Sender.objects.create(
        tenant=tenant_a, kind="PHONE_NUMBER", value=number.number, iso_country="US",
        number_type="SIMULATOR", aws_id=number.id, aws_arn=number.arn, status="ACTIVE",
    )  # fmt: skip
    item = {"to": US_OK, "body": "Your code is 1234", "type": "TRANSACTIONAL"}
    pk = message_send(tenant=tenant_a, api_key=None, item=item).pk
    assert _public_opt_out(US_OK).status_code == 200  # while the message waits in the queue
    assert message_dispatch(tenant_id=tenant_a.pk, message_id=pk).status == "failed"
    message = Message.objects.get(pk=pk)
    assert (message.status, message.status_reason.split(":")[0]) == ("FAILED", "opted_out")
    assert sandbox.calls("SendTextMessage") == []


@pytest.mark.parametrize(("url", "source"), [("opt-in", "hosted_page"), ("widget", "widget")])
@pytest.mark.django_db(transaction=True)
def test_signing_up_again_on_the_opt_in_page_lifts_the_opt_out(
    aws_list, tenant_a, owen, settings, url, source
):
    from compliance import services
    from compliance.models import PageKind
    from tenants.models import BusinessProfile
    from tests.compliance.conftest import PROFILE, PROGRAM, optin_post_data, publish_default

    settings.COMPLIANCE_OPTIN_MIN_SECONDS = 0
    BusinessProfile.objects.filter(tenant=tenant_a).update(**PROFILE)
    tenant_a.refresh_from_db()
    services.sms_program_save(tenant=tenant_a, actor=owen, data=dict(PROGRAM))
    for kind in (PageKind.TERMS, PageKind.PRIVACY, PageKind.OPT_IN):
        publish_default(tenant_a, owen, kind)
    assert _public_opt_out(US_OK).status_code == 200
    assert US_OK in _at_aws()

    client, path = Client(), f"/p/acme/{url}/"
    response = client.post(path, optin_post_data(client, path, phone=US_OK))
    assert response.status_code == 200, response.content
    assert OptOut.objects.count() == 0
    signed = ConsentRecord.objects.get(action="opt_in", phone_e164=US_OK)
    assert signed.source == source
    assert US_OK not in _at_aws()


# --- Kinds ----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_opting_out_of_promotions_keeps_passcodes_and_stop_ends_everything(
    aws_list, tenant_a, sender_a, api_a
):
    from messaging.events import inbound_apply

    _kinds_collected(tenant_a)
    page = Client().get("/p/acme/opt-out/").content.decode()
    assert 'value="PROMOTIONAL"' in page
    assert _public_opt_out(US_OK, kind="PROMOTIONAL").status_code == 200

    promo = _send(api_a, kind="PROMOTIONAL")
    assert promo.status_code == 422
    assert promo.json()["error"]["code"] == "opted_out_of_type"
    assert _send(api_a, kind="TRANSACTIONAL").status_code == 202  # the passcode still goes
    record = ConsentRecord.objects.get(action="opt_out")
    assert (record.message_type, record.source) == ("PROMOTIONAL", "hosted_page")
    assert US_OK not in _at_aws()  # AWS's list has no kinds: it would stop the passcodes
    assert api_a.get(f"opt-outs/{US_OK}").json() == {
        "phone": US_OK, "opted_out": False, "opted_out_types": ["PROMOTIONAL"]
    }  # fmt: skip

    inbound_apply(_inbound_payload(sender_a, "STOP"))
    refused = _send(api_a, kind="TRANSACTIONAL")
    assert refused.json()["error"]["code"] == "opted_out"
    assert US_OK in _at_aws()

    inbound_apply(_inbound_payload(sender_a, "START"))  # START lifts every opt-out
    assert OptOut.objects.count() == 0
    assert US_OK not in _at_aws()


@pytest.mark.django_db
def test_the_tenant_turns_on_opt_outs_per_kind_in_the_sms_program(tenant_a, alice):
    from tests.compliance.test_views import PROGRAM_POST
    from tests.conftest import client_for

    client = client_for(alice)
    assert client.post("/t/acme/compliance/program/", PROGRAM_POST).status_code == 302
    assert SmsProgram.objects.get().kind_opt_outs is False
    response = client.post("/t/acme/compliance/program/", {**PROGRAM_POST, "kind_opt_outs": "on"})
    assert response.status_code == 302
    assert SmsProgram.objects.get().kind_opt_outs is True
    assert 'value="PROMOTIONAL"' in Client().get("/p/acme/opt-out/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_kind_opt_outs_by_api_only_where_the_tenant_collects_them(
    aws_list, tenant_a, sender_a, api_a
):
    refused = api_a.post("opt-outs", {"phone": US_OK, "type": "PROMOTIONAL"})
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "type"
    assert "per kind" in refused.json()["error"]["message"]
    assert (OptOut.objects.count(), ConsentRecord.objects.count()) == (0, 0)
    bad = api_a.post("opt-outs", {"phone": US_OK, "type": "MARKETING"})
    assert (bad.status_code, OptOut.objects.count()) == (400, 0)
    page = _public_opt_out(US_OK, kind="PROMOTIONAL")  # not offered by this tenant
    assert page.status_code == 400
    assert (OptOut.objects.count(), ConsentRecord.objects.count()) == (0, 0)

    _kinds_collected(tenant_a)
    made = api_a.post("opt-outs", {"phone": US_OK, "type": "PROMOTIONAL"})
    assert made.status_code == 201
    assert made.json()["type"] == "PROMOTIONAL"
    assert _send(api_a, kind="TRANSACTIONAL").status_code == 202
    assert api_a.delete(f"opt-outs/{US_OK}?type=TRANSACTIONAL").status_code == 404
    assert api_a.delete(f"opt-outs/{US_OK}?type=PROMOTIONAL").status_code == 204
    assert OptOut.objects.count() == 0
    back = ConsentRecord.objects.get(action="opt_in")
    assert back.message_type == "PROMOTIONAL"


# --- AWS → portal ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_reconciliation_records_what_aws_took_itself_and_sends_what_it_missed(
    sandbox, aws_list, tenant_a, api_a, sender_a
):
    from messaging.tasks import opt_outs_reconcile_task

    gw = Gateway()
    number = aws.phone_number_request(gw, country="US", number_type="SIMULATOR", client_token="aws")
    client_for(AccountContext()).update_phone_number(PhoneNumberId=number.id, OptOutListName=LIST)
    answer = sandbox.request(
        "POST", "/_sandbox/inbound",
        {"OriginationNumber": US_OK, "DestinationNumber": number.number, "MessageBody": "STOP"},
    )  # fmt: skip
    assert answer["OptedOut"] is True  # AWS handled STOP itself: the portal saw nothing
    assert _at_aws()[US_OK].end_user is True
    assert _send(api_a).status_code == 202  # not known yet
    # A portal opt-out that never reached AWS (the list was made after it).
    OptOut.objects.create(tenant=tenant_a, phone=OTHER, source="api")

    totals = opt_outs_reconcile_task()
    assert (totals["recorded"], totals["put"]) == (1, 1)
    row = OptOut.objects.get(phone=US_OK)
    assert (row.source, row.message_type) == ("aws", "")
    record = ConsentRecord.objects.get(phone_e164=US_OK)
    assert (record.action, record.source) == ("opt_out", "aws")
    assert "opt-out keyword" in record.text_shown
    assert _send(api_a).json()["error"]["code"] == "opted_out"
    assert set(_at_aws()) == {US_OK, OTHER}

    again = opt_outs_reconcile_task()  # nothing left to do
    assert (again["recorded"], again["put"], ConsentRecord.objects.count()) == (0, 0, 1)


@pytest.mark.django_db(transaction=True)
def test_a_portal_opt_in_newer_than_awss_entry_is_sent_again(
    aws_list, tenant_a, api_a, monkeypatch
):
    from messaging.tasks import opt_outs_reconcile_task

    api_a.post("opt-outs", {"phone": US_OK})
    assert US_OK in _at_aws()
    from messaging import optouts, tasks

    # The opt-in is recorded but its delete is lost (the task never ran).
    with monkeypatch.context() as patch:
        patch.setattr(tasks.opt_out_sync_task, "delay", lambda *args: None)
        optouts.opt_in(tenant=tenant_a, phone=US_OK, source="api")
    assert US_OK in _at_aws()

    totals = opt_outs_reconcile_task()
    assert (totals["recorded"], totals["deleted_again"]) == (0, 1)
    assert US_OK not in _at_aws()
    assert OptOut.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_send_refused_before_the_opt_in_reached_aws_goes_again(
    aws_list, sandbox, tenant_a, api_a, monkeypatch
):
    """The opt-in is in the portal, its delete not yet at AWS, and a message leaves: AWS
    refuses it as opted out. The portal's newer opt-in wins: AWS lets the number go and the
    message is sent, instead of the refusal undoing the recipient's opt-in."""
    from messaging import optouts, tasks
    from messaging.dispatch import message_dispatch

    monkeypatch.setattr("messaging.services._enqueue", lambda ids, tenant_id: None)
    gw = Gateway()
    number = aws.phone_number_request(
        gw, country="US", number_type="SIMULATOR", client_token="race"
    )
    client_for(AccountContext()).update_phone_number(PhoneNumberId=number.id, OptOutListName=LIST)
    Sender.objects.create(
        tenant=tenant_a, kind="PHONE_NUMBER", value=number.number, iso_country="US",
        number_type="SIMULATOR", aws_id=number.id, aws_arn=number.arn, status="ACTIVE",
    )  # fmt: skip
    api_a.post("opt-outs", {"phone": US_OK})
    with monkeypatch.context() as patch:
        patch.setattr(tasks.opt_out_sync_task, "delay", lambda *args: None)
        optouts.opt_in(tenant=tenant_a, phone=US_OK, source="api")
    assert US_OK in _at_aws()
    pk = _send(api_a).json()["id"]

    assert message_dispatch(tenant_id=tenant_a.pk, message_id=pk).status == "retry"
    assert (OptOut.objects.count(), US_OK in _at_aws()) == (0, False)
    assert message_dispatch(tenant_id=tenant_a.pk, message_id=pk).status == "sent"
    errors = [c.get("Error") for c in sandbox.calls("SendTextMessage")]
    assert errors == ["ConflictException", None]


@pytest.mark.django_db(transaction=True)
def test_when_aws_keeps_a_number_the_portal_says_so(aws_list, tenant_a, api_a):
    """AWS lets a number leave a list once every 30 days: a second opt-in within that time is
    refused at AWS, which would refuse every send; the portal records it as opted out again."""
    for _ in range(2):
        assert api_a.post("opt-outs", {"phone": US_OK}).status_code == 201
        assert api_a.delete(f"opt-outs/{US_OK}").status_code == 204
    assert US_OK in _at_aws()
    row = OptOut.objects.get()
    assert (row.phone, row.source) == (US_OK, "aws")
    last = ConsentRecord.objects.order_by("-id").first()
    assert (last.action, last.source) == ("opt_out", "aws")
    assert "PHONE_NUMBER_CANNOT_BE_OPTED_IN" in last.confirmation_note


# --- Existing data --------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_migration_puts_page_only_opt_outs_on_the_list(tenant_a, tenant_b):
    migration = importlib.import_module("messaging.migrations.0003_opt_out_kinds")
    common = {"text_shown": "x", "confirmation": "not_needed"}
    ConsentRecord.objects.create(
        tenant=tenant_a, phone_e164=US_OK, action="opt_out", source="hosted_page", **common
    )
    ConsentRecord.objects.create(
        tenant=tenant_b, phone_e164=US_OK, action="opt_out", source="hosted_page", **common
    )
    ConsentRecord.objects.create(  # opted back in afterwards: stays off the list
        tenant=tenant_b, phone_e164=US_OK, action="opt_in", source="hosted_page", **common
    )
    migration._backfill(django_apps, None)
    assert list(OptOut.objects.values_list("tenant__slug", "phone", "message_type", "source")) == [
        ("acme", US_OK, "", "hosted_page")
    ]
