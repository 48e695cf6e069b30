"""The sending path (issue 16): the messages table as the outbox (claims, leases), idempotency on
the message row, the spend ledger under concurrency, the seeds' length limits, marketing only
through senders registered for it, consent per kind, and the choice among several senders."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from compliance.models import SmsProgram
from messaging import dispatch
from messaging.api.serializers import MessageOut, message_out
from messaging.checks import PRICE_PER_PART, ApiRefusal, message_check, tenant_state_forget
from messaging.models import Message, MonthlySpend, SendingPolicy
from messaging.optouts import opt_out
from messaging.services import IdempotentReplay, message_send, message_send_batch
from messaging.spend import month_spend, spend_release
from messaging.states import messages_claim
from registrations.models import (
    CatalogVersion,
    FieldValue,
    Registration,
    RegistrationVersion,
    Sender,
)
from tests.concurrency import RowHolder, run_in_threads, wait_for_waiters
from tests.messaging.conftest import US_OK

PRICE = PRICE_PER_PART["US"]  # one part to the US


@pytest.fixture(autouse=True)
def _no_dispatch(monkeypatch):
    """Acceptance wakes no drain here: the tests claim themselves."""
    monkeypatch.setattr("messaging.services._enqueue", lambda ids, tenant_id: None)


def _item(body: str = "Your code is 1234", kind: str = "TRANSACTIONAL", **extra) -> dict:
    return {"to": US_OK, "body": body, "type": kind, **extra}


def _accept(tenant, n: int) -> list[int]:
    return [message_send(tenant=tenant, api_key=None, item=_item()).pk for _ in range(n)]


def _claim(sender_id: int, limit: int, *, stale_before=None) -> list[int]:
    now = timezone.now()
    return messages_claim(
        sender_id=sender_id, limit=limit, token=uuid.uuid4().hex, now=now,
        stale_before=stale_before or now - timedelta(minutes=2),
    )  # fmt: skip


# --- The outbox ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_claimers_never_take_the_same_message(tenant_a, sender_a):
    ids = _accept(tenant_a, 60)
    taken: list[list[int]] = []
    lock = threading.Lock()

    def claimer() -> None:
        try:
            while True:
                got = _claim(sender_a.pk, 7)
                if not got:
                    return
                with lock:
                    taken.append(got)
        finally:
            connection.close()

    threads = [threading.Thread(target=claimer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    flat = [pk for batch in taken for pk in batch]
    assert sorted(flat) == sorted(ids)  # every message once, none twice
    assert len(flat) == len(set(flat))
    assert all(len(batch) <= 7 for batch in taken)
    assert Message.objects.filter(status="SENDING", attempts=1).count() == 60
    assert Message.objects.values("claim_token").distinct().count() == len(taken)


@pytest.mark.django_db(transaction=True)
def test_a_held_row_is_skipped_not_waited_for(tenant_a, sender_a):
    """A claimer skips a message another claimer holds instead of waiting for it. PostgreSQL:
    a row locked by another transaction (SKIP LOCKED). SQLite has one writer at a time and no
    row locks: there the claim is one conditional UPDATE, and a message another claimer took
    (its lease running) is what it skips."""
    first, second = _accept(tenant_a, 2)
    if connection.vendor == "postgresql":
        with RowHolder(lambda: list(Message.objects.select_for_update().filter(pk=first))):
            assert _claim(sender_a.pk, 5) == [second]
        assert _claim(sender_a.pk, 5) == [first]
    else:
        assert _claim(sender_a.pk, 1) == [first]
        assert _claim(sender_a.pk, 5) == [second]
        assert _claim(sender_a.pk, 5) == []


@pytest.mark.django_db
def test_a_lease_that_ran_out_is_claimed_again(tenant_a, sender_a):
    ids = _accept(tenant_a, 3)
    assert _claim(sender_a.pk, 10) == ids
    assert _claim(sender_a.pk, 10) == []  # within the lease
    # AWS's event recorded that it took the last one: never claimed again.
    Message.objects.filter(pk=ids[2]).update(aws_message_id="aws-taken")
    later = timezone.now() + timedelta(seconds=1)
    assert _claim(sender_a.pk, 10, stale_before=later) == ids[:2]
    assert list(Message.objects.order_by("pk").values_list("attempts", flat=True)) == [2, 2, 1]
    # Another sender's messages are not this one's.
    other = Sender.objects.create(
        tenant=tenant_a, kind="PHONE_NUMBER", value="+18335550109", iso_country="US",
        number_type="TOLL_FREE", aws_id="phone-a9", status="ACTIVE",
    )  # fmt: skip
    assert _claim(other.pk, 10, stale_before=later) == []


@pytest.mark.django_db
def test_accepting_queues_no_task_per_message(
    tenant_a, sender_a, monkeypatch, django_capture_on_commit_callbacks
):
    woken: list[int] = []
    monkeypatch.undo()  # the real _enqueue
    monkeypatch.setattr("messaging.services.sender_wake", woken.append)
    with django_capture_on_commit_callbacks(execute=True):
        message_send_batch(tenant=tenant_a, api_key=None, items=[_item()] * 5)
        message_send(tenant=tenant_a, api_key=None, item=_item())
    assert woken == [sender_a.pk, sender_a.pk]  # one wake per request and sender


# --- Idempotency on the row ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_idempotency_key_is_on_the_message_row(tenant_a, tenant_b, sender_a, sender_b):
    first = message_send(
        tenant=tenant_a, api_key=None, item=_item(), idempotency_key="k", request_hash="h1"
    )
    with pytest.raises(IdempotentReplay) as replay:
        message_send(
            tenant=tenant_a, api_key=None, item=_item(), idempotency_key="k", request_hash="h1"
        )
    assert (replay.value.message.pk, replay.value.same) == (first.pk, True)
    with pytest.raises(IdempotentReplay) as other:
        message_send(
            tenant=tenant_a, api_key=None, item=_item("other"), idempotency_key="k",
            request_hash="h2",
        )  # fmt: skip
    assert (other.value.message.pk, other.value.same) == (first.pk, False)
    # The other tenant's key is its own.
    theirs = message_send(
        tenant=tenant_b, api_key=None, item=_item(), idempotency_key="k", request_hash="h1"
    )
    assert theirs.pk != first.pk
    assert Message.objects.filter(tenant=tenant_a).count() == 1
    # The replay reserved nothing: one message's price in the ledger.
    assert month_spend(tenant_a) == PRICE
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.create(
            tenant=tenant_a, sender=sender_a, destination=US_OK, iso_country="US", body="x",
            message_type="TRANSACTIONAL", encoding="GSM", parts=1, idempotency_key="k",
        )  # fmt: skip


@pytest.mark.django_db
def test_the_written_out_answer_is_the_serializers(tenant_a, sender_a):
    message = message_send(tenant=tenant_a, api_key=None, item=_item(context={"order": "A-1"}))
    message.sent_at = timezone.now()
    assert message_out(message) == dict(MessageOut(message).data)


# --- The spend cap ---------------------------------------------------------------------------


def _cap(tenant, cap: str) -> int:
    """Sets the cap (USD, in cents) and returns how many one-part US messages fit under it."""
    SendingPolicy.objects.update_or_create(tenant=tenant, defaults={"monthly_spend_cap": cap})
    tenant_state_forget()
    return int(Decimal(cap) // PRICE)


@pytest.mark.django_db
def test_a_batch_is_reserved_as_a_whole(tenant_a, sender_a):
    """The issue's case: a batch of 100 with room for 17 messages."""
    assert _cap(tenant_a, "0.10") == 17
    _, results = message_send_batch(tenant=tenant_a, api_key=None, items=[_item()] * 100)
    accepted = [r for r in results if isinstance(r, Message)]
    refused = [r for r in results if isinstance(r, ApiRefusal)]
    assert (len(accepted), len(refused)) == (17, 83)
    assert {r.code for r in refused} == {"spend_cap_reached"}
    assert Message.objects.count() == 17
    assert month_spend(tenant_a) == PRICE * 17
    with pytest.raises(ApiRefusal) as refusal:
        message_send(tenant=tenant_a, api_key=None, item=_item())
    assert (refusal.value.code, refusal.value.status) == ("spend_cap_reached", 402)


@pytest.mark.django_db
def test_a_failed_message_gives_its_price_back(tenant_a, sender_a):
    assert _cap(tenant_a, "0.02") == 3
    first, *_ = _accept(tenant_a, 3)
    with pytest.raises(ApiRefusal):
        _accept(tenant_a, 1)
    opt_out(tenant=tenant_a, phone=US_OK, source="api")
    (claimed,) = _claim(sender_a.pk, 1)
    message = Message.objects.select_related("tenant", "sender").get(pk=claimed)
    assert dispatch._opted_out_since(message, claimed=True).status == "failed"
    assert Message.objects.get(pk=first).status == "FAILED"
    assert month_spend(tenant_a) == PRICE * 2
    spend_release(Message.objects.get(pk=first))
    assert month_spend(tenant_a) == PRICE  # (by hand, once more: the ledger goes down again)


@pytest.mark.django_db
def test_the_ledger_starts_from_the_months_messages(tenant_a, sender_a):
    _accept(tenant_a, 3)
    MonthlySpend.objects.all().delete()  # a portal that had no ledger yet
    _accept(tenant_a, 1)
    assert month_spend(tenant_a) == PRICE * 4


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_never_pass_the_cap(tenant_a, sender_a):
    """Twelve single sends and two batches of five at once, with room for 7 more messages: the
    contenders queue on the ledger row (PostgreSQL) or the write lock (SQLite) and the cap
    holds exactly."""
    assert _cap(tenant_a, "0.05") == 8
    _accept(tenant_a, 1)  # the month's row exists, so that every contender waits on it
    room = 7

    def single():
        return message_send(tenant=tenant_a, api_key=None, item=_item())

    def batch():
        return message_send_batch(tenant=tenant_a, api_key=None, items=[_item()] * 5)

    calls = [single] * 12 + [batch] * 2
    with RowHolder(lambda: MonthlySpend.objects.select_for_update().get()) as holder:
        results = run_in_threads(
            calls,
            started=lambda n: (wait_for_waiters(n), holder.release()),
        )
    accepted = 0
    for result in results:
        if isinstance(result, Message):
            accepted += 1
        elif isinstance(result, tuple):
            accepted += sum(1 for r in result[1] if isinstance(r, Message))
            assert all(
                r.code == "spend_cap_reached" for r in result[1] if isinstance(r, ApiRefusal)
            )
        else:
            assert isinstance(result, ApiRefusal) and result.code == "spend_cap_reached", result
    assert accepted == room
    assert Message.objects.count() == room + 1
    assert month_spend(tenant_a) == PRICE * (room + 1)
    assert month_spend(tenant_a) <= SendingPolicy.objects.get().monthly_spend_cap


# --- The seeds' limits -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "body,accepted",
    [
        ("a" * 1530, True),
        ("a" * 1531, False),
        ("[" * 765, True),  # extension characters count twice: 1,530 septets
        ("[" * 765 + "a", False),
        ("ê" * 630, True),
        ("ê" * 631, False),
        ("😀" * 315, True),  # two UTF-16 units each
        ("😀" * 315 + "ê", False),
    ],
)
@pytest.mark.django_db
def test_the_longest_message_is_1530_gsm_or_630_ucs2(tenant_a, sender_a, body, accepted):
    if accepted:
        assert message_check(tenant=tenant_a, to=US_OK, body=body, message_type="TRANSACTIONAL")
    else:
        with pytest.raises(ApiRefusal) as refusal:
            message_check(tenant=tenant_a, to=US_OK, body=body, message_type="TRANSACTIONAL")
        assert (refusal.value.code, refusal.value.field) == ("body_too_long", "body")


def _registered_sender(tenant, value: str, number_type: str, registration_type: str, **answers):
    catalog, _ = CatalogVersion.objects.get_or_create(number=1, defaults={"digest": "x"})
    registration = Registration.objects.create(
        tenant=tenant, registration_type=registration_type, name=value, catalog=catalog,
        status="COMPLETE",
    )  # fmt: skip
    old = RegistrationVersion.objects.create(tenant=tenant, registration=registration, number=1)
    new = RegistrationVersion.objects.create(tenant=tenant, registration=registration, number=2)
    for path, answer in answers.items():
        path = path.replace("__", ".")
        choices = answer if isinstance(answer, list) else []
        text = "" if choices else answer
        # The first version said something else: the newest version is the one that counts.
        FieldValue.objects.create(tenant=tenant, version=old, field_path=path, text_value="X")
        FieldValue.objects.create(
            tenant=tenant, version=new, field_path=path, text_value=text, select_choices=choices
        )
    return Sender.objects.create(
        tenant=tenant, registration=registration, kind="PHONE_NUMBER", value=value,
        iso_country="US", number_type=number_type, aws_id=f"id-{value}", status="ACTIVE",
    )  # fmt: skip


def _check(tenant, kind: str, **extra):
    return message_check(tenant=tenant, to=US_OK, body="Hi", message_type=kind, **extra)


@pytest.mark.django_db
def test_promotional_only_through_a_sender_registered_for_marketing(tenant_a):
    noon = timezone.now().replace(hour=20)  # 12:00 in Seattle: not quiet hours
    alerts = _registered_sender(
        tenant_a, "+18335550101", "TOLL_FREE", "US_TOLL_FREE_REGISTRATION",
        messagingUseCase__useCaseCategory=["ACCOUNT_NOTIFICATIONS"],
    )  # fmt: skip
    assert _check(tenant_a, "TRANSACTIONAL").sender == alerts
    with pytest.raises(ApiRefusal) as refusal:
        _check(tenant_a, "PROMOTIONAL", now=noon)
    assert (refusal.value.code, refusal.value.field) == (
        "sender_not_registered_for_marketing", "type",
    )  # fmt: skip
    assert "+18335550101" in refusal.value.message
    campaign = _registered_sender(
        tenant_a, "+12065550102", "TEN_DLC", "US_TEN_DLC_CAMPAIGN_REGISTRATION",
        campaignUseCase__useCase=["MIXED"], campaignUseCase__subUseCases=["MARKETING"],
    )  # fmt: skip
    tenant_state_forget()
    assert _check(tenant_a, "PROMOTIONAL", now=noon).sender == campaign
    # Naming a sender that is not for marketing is refused on the sender field.
    with pytest.raises(ApiRefusal) as named:
        _check(tenant_a, "PROMOTIONAL", now=noon, origin=alerts.value)
    assert (named.value.code, named.value.field) == (
        "sender_not_registered_for_marketing", "sender",
    )  # fmt: skip


@pytest.mark.django_db
def test_several_senders_are_chosen_by_use_case_then_throughput_not_age(tenant_a):
    noon = timezone.now().replace(hour=20)
    toll_free = _registered_sender(  # the oldest, 3 parts per second, for marketing
        tenant_a, "+18335550103", "TOLL_FREE", "US_TOLL_FREE_REGISTRATION",
        messagingUseCase__useCaseCategory=["PROMOTIONS_AND_MARKETING"],
    )  # fmt: skip
    short_code = _registered_sender(  # 100 parts per second, transactional
        tenant_a, "55501", "SHORT_CODE", "PORTAL_SHORT_CODE_APPLICATION",
        shortCodeService__messageType=["TRANSACTIONAL"],
    )  # fmt: skip
    ten_dlc = _registered_sender(  # 1 part per second, transactional
        tenant_a, "+12065550104", "TEN_DLC", "US_TEN_DLC_CAMPAIGN_REGISTRATION",
        campaignUseCase__useCase=["ACCOUNT_NOTIFICATION"],
    )  # fmt: skip
    for _ in range(5):
        assert _check(tenant_a, "TRANSACTIONAL").sender == short_code  # fastest of its use case
        assert _check(tenant_a, "PROMOTIONAL", now=noon).sender == toll_free  # only marketing
    # A staff-recorded raise makes the 10DLC campaign the fastest transactional sender.
    Sender.objects.filter(pk=ten_dlc.pk).update(parts_per_second_override=250.0)
    tenant_state_forget()
    assert _check(tenant_a, "TRANSACTIONAL").sender.pk == ten_dlc.pk


@pytest.mark.django_db
def test_a_kind_the_recipient_did_not_consent_to_is_refused_with_its_own_code(tenant_a, sender_a):
    """Where the tenant keeps consent per kind (`SmsProgram.kind_opt_outs`), a recipient who
    withdrew consent for promotions still gets transactional messages, and a promotion is
    refused with `opted_out_of_type` (not the number-wide `opted_out`)."""
    SmsProgram.objects.create(tenant=tenant_a, kind_opt_outs=True)
    opt_out(tenant=tenant_a, phone=US_OK, source="api", message_type="PROMOTIONAL")
    noon = timezone.now().replace(hour=20)
    with pytest.raises(ApiRefusal) as refusal:
        _check(tenant_a, "PROMOTIONAL", now=noon)
    assert refusal.value.code == "opted_out_of_type"
    assert _check(tenant_a, "TRANSACTIONAL").sender == sender_a
