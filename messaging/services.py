"""Writes of the sending API: accepting messages, opt-outs, webhook endpoints, policy."""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from messaging import optouts
from messaging.checks import (
    ApiRefusal,
    Checked,
    destination_parse,
    message_check,
    policy_for,
    spend_cap_refusal,
    tenant_state_forget,
)
from messaging.dispatch import sender_wake
from messaging.models import Message, OptOut, SendingPolicy, WebhookEndpoint
from messaging.optouts import opted_out_kinds
from messaging.spend import spend_fit, spend_reserve_statement, spend_row_missing
from portal import outbound_http
from registrations.models import Sender
from registrations.services.sending_setup import sending_setup_countries_set
from tenants.models import ApiKey, Tenant, User
from tenants.services import audit_record

BATCH_MAX = 100


def _enqueue(sender_ids: list[int], tenant_id: int) -> None:
    """Wakes the dispatch of each sender once the transaction commits (no task per message:
    the messages table is the outbox, messaging/dispatch.py)."""
    senders = sorted(set(sender_ids))
    if senders:
        transaction.on_commit(lambda: [sender_wake(pk) for pk in senders])


def _new(tenant: Tenant, api_key: ApiKey | None, checked: Checked, item: dict, batch: str):
    return Message(
        tenant=tenant,
        api_key=api_key,
        sender=checked.sender,
        destination=checked.destination,
        iso_country=checked.iso_country,
        body=item["body"],
        message_type=item["type"],
        encoding=checked.encoding,
        parts=checked.parts,
        estimated_price=checked.price,
        context=item.get("context") or {},
        batch_id=batch,
        dlt_template_id=item.get("dlt_template_id") or "",
    )


def _checked(tenant: Tenant, item: dict, opted_out: dict[str, set[str]] | None = None) -> Checked:
    checked = message_check(
        tenant=tenant,
        to=item["to"],
        body=item["body"],
        message_type=item["type"],
        origin=item.get("from") or "",
        opted_out=opted_out,
    )
    if (
        checked.iso_country == "IN"
        and checked.sender.kind == Sender.Kind.SENDER_ID
        and not item.get("dlt_template_id")
    ):
        raise ApiRefusal(
            "dlt_template_required",
            "Messages to India from a sender ID carry the DLT template id of the registered "
            "template they match: give it as dlt_template_id.",
            "dlt_template_id",
        )
    return checked


class IdempotentReplay(Exception):
    """The key was used before: `message` is the first request's message, `same` whether
    this request is the same as that one."""

    def __init__(self, message: Message, same: bool) -> None:
        super().__init__("idempotent replay")
        self.message, self.same = message, same


def _replay(tenant: Tenant, key: str, request_hash: str) -> IdempotentReplay | None:
    first = (
        Message.objects.select_related("sender").filter(tenant=tenant, idempotency_key=key).first()
    )
    return None if first is None else IdempotentReplay(first, first.request_hash == request_hash)


def message_send(
    *,
    tenant: Tenant,
    api_key: ApiKey | None,
    item: dict,
    idempotency_key: str | None = None,
    request_hash: str = "",
) -> Message:
    """Checks one message, reserves its estimated price and stores it (the messages table is
    the outbox: nothing else is written or queued per message); raises ApiRefusal, or
    IdempotentReplay when `idempotency_key` (unique per tenant, on the message row) was used.

    The checks only read; the reservation and the insert are one transaction, so a refused or
    failed insert reserves nothing. A concurrent request with the same key waits on the
    unique index until the first commits, then replays it.
    """
    try:
        checked = _checked(tenant, item)
        cap = policy_for(tenant).monthly_spend_cap
        message = _new(tenant, api_key, checked, item, "")
        message.idempotency_key = idempotency_key or None
        message.request_hash = request_hash if idempotency_key else ""
        for attempt in range(2):
            try:
                with transaction.atomic():
                    if not _reserve_and_insert(message, checked.price, cap):
                        raise _NoRoom
                    _enqueue([checked.sender.pk], tenant.pk)
                break
            except _NoRoom:
                # Over the cap, or the month's ledger row did not exist when the statement
                # ran: it is created if still missing and the reservation tried once more.
                # (Deciding by whether it is missing *now* would refuse a request that raced
                # with the one creating it.)
                if attempt:
                    raise spend_cap_refusal(cap) from None
                spend_row_missing(tenant.pk)
    except IntegrityError:
        replay = _replay(tenant, idempotency_key, request_hash) if idempotency_key else None
        if replay is None:
            raise
        raise replay from None
    except ApiRefusal:
        # A replay that the checks now refuse (the number opted out since, the cap reached)
        # answers with its message, not with the refusal.
        replay = _replay(tenant, idempotency_key, request_hash) if idempotency_key else None
        if replay is None:
            raise
        raise replay from None
    return message


# The columns of a single send's INSERT, written out (the ORM's save costs several times the
# statement's round trip in Python; this runs on every single send).
_INSERT_FIELDS = (
    "tenant_id", "api_key_id", "sender_id", "destination", "iso_country", "body",
    "message_type", "encoding", "parts", "estimated_price", "context", "batch_id", "status",
    "status_reason", "aws_message_id", "attempts", "claim_token", "idempotency_key",
    "request_hash", "dlt_template_id", "created_at", "updated_at",
)  # fmt: skip


class _NoRoom(Exception):
    """The reservation changed no row: rolls back the message inserted with it."""


_INSERT_SQL: dict[str, tuple[list, str]] = {}  # per database vendor: columns and statement


def _insert_statement(message: Message) -> tuple[str, list]:
    """The message's INSERT (without RETURNING), with the same column values as
    `save(force_insert=True)` would write, adapted by the fields for this database."""
    message.created_at = message.updated_at = timezone.now()
    if connection.vendor not in _INSERT_SQL:
        fields = [Message._meta.get_field(name) for name in _INSERT_FIELDS]
        table = connection.ops.quote_name(Message._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        # On PostgreSQL the driver takes the plain values (text, integers, keys, aware
        # datetimes) as they are; only JSON and decimals go through their fields.
        plain = (
            {"CharField", "TextField", "IntegerField", "PositiveIntegerField",
             "PositiveSmallIntegerField", "ForeignKey", "DateTimeField"}
            if connection.vendor == "postgresql"
            else set()
        )  # fmt: skip
        prepared = [None if f.get_internal_type() in plain else f for f in fields]
        attnames = [f.attname for f in fields]
        _INSERT_SQL[connection.vendor] = (
            list(zip(attnames, prepared, strict=True)),
            f"INSERT INTO {table} ({columns}) VALUES ({marks})",
        )
    columns, sql = _INSERT_SQL[connection.vendor]
    values = message.__dict__
    return sql, [
        values[name] if field is None else field.get_db_prep_save(values[name], connection)
        for name, field in columns
    ]


def _reserve_and_insert(message: Message, amount, cap) -> bool:
    """Reserves the message's price and inserts it, in the caller's transaction; False (the
    caller rolls back) when the reservation changed no row. PostgreSQL: one statement (both
    in a WITH, each run once); SQLite: the two statements."""
    insert_sql, values = _insert_statement(message)
    reserve_sql, params = spend_reserve_statement(
        tenant_id=message.tenant_id, amount=amount, cap=cap
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH reserved AS ({reserve_sql} RETURNING 1), "
                f"inserted AS ({insert_sql} RETURNING id) "
                "SELECT (SELECT id FROM inserted), (SELECT count(*) FROM reserved)",
                [*params, *values],
            )
            message.pk, reserved = cursor.fetchone()
        else:
            cursor.execute(reserve_sql, params)
            reserved = cursor.rowcount
            if reserved:
                cursor.execute(insert_sql, values)
                message.pk = cursor.lastrowid
    message._state.adding, message._state.db = False, connection.alias
    return bool(reserved)


def _parseable(items: list[dict]) -> list[str]:
    phones = []
    for item in items:
        try:
            phones.append(destination_parse(item["to"])[0])
        except ApiRefusal:
            continue
    return phones


@transaction.atomic
def message_send_batch(
    *, tenant: Tenant, api_key: ApiKey | None, items: list[dict]
) -> tuple[str, list[Message | ApiRefusal]]:
    """Each message is checked on its own; the accepted ones reserve their estimated price
    together (those that no longer fit under the cap are refused, in order) and are stored."""
    if not 1 <= len(items) <= BATCH_MAX:
        raise ApiRefusal("batch_size", f"Send 1 to {BATCH_MAX} messages.", "messages")
    batch = uuid.uuid4().hex
    opted_out = opted_out_kinds(tenant=tenant, phones=_parseable(items))
    results: list[Message | ApiRefusal] = []
    for item in items:
        try:
            results.append(_new(tenant, api_key, _checked(tenant, item, opted_out), item, batch))
        except ApiRefusal as refusal:
            results.append(refusal)
    checked = [r for r in results if isinstance(r, Message)]
    cap = policy_for(tenant).monthly_spend_cap
    fits = iter(
        spend_fit(tenant_id=tenant.pk, prices=[m.estimated_price for m in checked], cap=cap)
    )
    results = [
        r if not isinstance(r, Message) or next(fits) else spend_cap_refusal(cap) for r in results
    ]
    accepted = [r for r in results if isinstance(r, Message)]
    Message.objects.bulk_create(accepted)
    _enqueue([m.sender_id for m in accepted], tenant.pk)
    return batch, results


def _secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


@transaction.atomic
def webhook_endpoint_create(
    *, tenant: Tenant, actor: User | None, url: str, event_types: list[str]
) -> WebhookEndpoint:
    try:  # the syntax and literal addresses (the API's serializer resolves names too)
        outbound_http.url_check(url, resolve_host=False)
    except outbound_http.OutboundRefused as exc:
        raise ValidationError({"url": str(exc)}) from exc
    endpoint = WebhookEndpoint.objects.create(
        tenant=tenant, url=url, secret=_secret(), event_types=event_types
    )
    audit_record(
        tenant=tenant, actor=actor, action="webhook.create", obj=endpoint,
        after={"url": url, "event_types": event_types},
    )  # fmt: skip
    return endpoint


@transaction.atomic
def webhook_endpoint_update(
    *,
    tenant: Tenant,
    actor: User | None,
    endpoint: WebhookEndpoint,
    url: str,
    event_types: list[str],
    active: bool,
) -> WebhookEndpoint | None:
    """Changes the address, the events or whether deliveries go out; the secret stays. None
    when the endpoint is gone (deleted by another request meanwhile)."""
    try:
        outbound_http.url_check(url, resolve_host=False)
    except outbound_http.OutboundRefused as exc:
        raise ValidationError({"url": str(exc)}) from exc
    endpoint = (
        WebhookEndpoint.objects.select_for_update().filter(tenant=tenant, pk=endpoint.pk).first()
    )
    if endpoint is None:
        return None
    before = {"url": endpoint.url, "event_types": endpoint.event_types, "active": endpoint.active}
    endpoint.url, endpoint.event_types, endpoint.active = url, event_types, active
    endpoint.save(update_fields=["url", "event_types", "active"])
    audit_record(
        tenant=tenant, actor=actor, action="webhook.update", obj=endpoint, before=before,
        after={"url": url, "event_types": event_types, "active": active},
    )  # fmt: skip
    return endpoint


@transaction.atomic
def webhook_endpoint_delete(
    *, tenant: Tenant, actor: User | None, endpoint: WebhookEndpoint
) -> bool:
    """Deletes the endpoint; False when it is gone already (another request deleted it). The
    row lock waits for a rotation under way, so the two never cross."""
    endpoint = (
        WebhookEndpoint.objects.select_for_update().filter(tenant=tenant, pk=endpoint.pk).first()
    )
    if endpoint is None:
        return False
    audit_record(
        tenant=tenant, actor=actor, action="webhook.delete", obj=endpoint,
        before={"url": endpoint.url},
    )  # fmt: skip
    endpoint.delete()
    return True


@transaction.atomic
def webhook_endpoint_rotate(
    *, tenant: Tenant, actor: User | None, endpoint: WebhookEndpoint, overlap_hours: int = 24
) -> WebhookEndpoint | None:
    """A new signing secret; deliveries carry both signatures during the overlap. None when
    the endpoint is gone (deleted by another request meanwhile)."""
    endpoint = (
        WebhookEndpoint.objects.select_for_update().filter(tenant=tenant, pk=endpoint.pk).first()
    )
    if endpoint is None:
        return None
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_valid_until = timezone.now() + timedelta(hours=overlap_hours)
    endpoint.secret = _secret()
    endpoint.save(update_fields=["previous_secret", "previous_valid_until", "secret"])
    audit_record(tenant=tenant, actor=actor, action="webhook.rotate_secret", obj=endpoint)
    return endpoint


# --- Opt-outs recorded by the tenant's people (the portal's opt-out page) --------------------


def _said(actor: User, reason: str) -> str:
    return f"Recorded in the portal by {actor.email}: {reason}"


@transaction.atomic
def opt_out_add(
    *, tenant: Tenant, actor: User, phone: str, message_type: str, reason: str
) -> tuple[OptOut, bool]:
    """A recipient asked the tenant to stop (a call, an e-mail): through the one opt-out truth
    (`messaging.optouts`, source "portal", the reason in the consent log), so the AWS list
    follows. Returns the row and whether anything changed."""
    row, record = optouts.opt_out(
        tenant=tenant, phone=phone, source=OptOut.Source.PORTAL, message_type=message_type,
        text_shown=_said(actor, reason),
    )  # fmt: skip
    if record is not None:
        audit_record(
            tenant=tenant, actor=actor, action="opt_out.add", obj=row,
            after={"phone": row.phone, "type": message_type, "reason": reason},
        )  # fmt: skip
    return row, record is not None


@transaction.atomic
def opt_out_remove(*, tenant: Tenant, actor: User, opt_out: OptOut, reason: str) -> bool:
    """Lifts one row of the list (the number-wide one, or one kind's) with the reason the
    recipient gave for opting back in. False when it was lifted already."""
    lifted = optouts.opt_in(
        tenant=tenant, phone=opt_out.phone, source=OptOut.Source.PORTAL,
        message_type=opt_out.message_type, text_shown=_said(actor, reason),
    )  # fmt: skip
    if lifted:
        audit_record(
            tenant=tenant, actor=actor, action="opt_out.remove",
            before={"phone": opt_out.phone, "type": opt_out.message_type},
            after={"reason": reason},
        )  # fmt: skip
    return bool(lifted)


@transaction.atomic
def opt_outs_import(
    *, tenant: Tenant, actor: User, rows: list[tuple[str, str]], reason: str
) -> int:
    """Several opt-outs at once (numbers already checked by the caller), all or none: a number
    the service refuses rolls the whole import back. Returns how many were new."""
    added = 0
    for phone, message_type in rows:
        _, record = optouts.opt_out(
            tenant=tenant, phone=phone, source=OptOut.Source.PORTAL, message_type=message_type,
            text_shown=_said(actor, reason),
        )  # fmt: skip
        added += record is not None
    audit_record(
        tenant=tenant, actor=actor, action="opt_out.import",
        after={"rows": len(rows), "added": added, "reason": reason},
    )  # fmt: skip
    return added


@transaction.atomic
def sending_policy_set(*, tenant: Tenant, actor: User | None, **fields) -> SendingPolicy:
    policy, _ = SendingPolicy.objects.get_or_create(tenant=tenant)
    before = {k: str(getattr(policy, k)) for k in fields}
    for name, value in fields.items():
        setattr(policy, name, value)
    policy.full_clean()
    policy.save()
    audit_record(
        tenant=tenant, actor=actor, action="sending_policy.set", obj=policy, before=before,
        after={k: str(v) for k, v in fields.items()},
    )  # fmt: skip
    tenant_state_forget(tenant.pk)
    if "allowed_countries" in fields:  # AWS-side protection blocks what the policy leaves out
        sending_setup_countries_set(tenant=tenant, countries=list(policy.allowed_countries))
    return policy


__all__ = ["ApiRefusal", "BATCH_MAX", "IdempotentReplay", "message_send", "message_send_batch"]
