"""Writes of the sending API: accepting messages, opt-outs, webhook endpoints, policy."""

from __future__ import annotations

import random
import secrets
import uuid
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from messaging import optouts
from messaging.checks import (
    ApiRefusal,
    Checked,
    _active_senders,
    destination_parse,
    message_check,
    parts_per_second,
    tenant_state_forget,
)
from messaging.models import Message, OptOut, SendingPolicy, WebhookEndpoint
from messaging.optouts import opted_out_kinds
from portal import outbound_http
from portal.enqueue import enqueue
from registrations.models import Sender
from registrations.services.sending_setup import sending_setup_countries_set
from tenants.models import ApiKey, Tenant, User
from tenants.services import audit_record

BATCH_MAX = 100


def _enqueue(message_ids: list[int], tenant_id: int) -> None:
    """Queues the messages once the transaction commits: one task per message; a batch is one
    fan-out task, so that the request does not wait for a hundred broker round trips."""
    if len(message_ids) == 1:
        enqueue("messaging.tasks.message_dispatch_task", tenant_id, message_ids[0])
    elif message_ids:
        enqueue("messaging.tasks.messages_fanout_task", tenant_id, message_ids)


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


def _spread(checked: Checked, tenant: Tenant, item: dict) -> None:
    """Several senders for one country: pick one in proportion to its throughput."""
    if item.get("from"):
        return
    same = [
        s for s in _active_senders(tenant)
        if s.iso_country == checked.iso_country and s.kind == checked.sender.kind
    ]  # fmt: skip
    if len(same) > 1:
        checked.sender = random.choices(same, weights=[parts_per_second(s) for s in same])[0]


def _checked(tenant: Tenant, item: dict, opted_out: dict[str, set[str]] | None = None) -> Checked:
    checked = message_check(
        tenant=tenant,
        to=item["to"],
        body=item["body"],
        message_type=item["type"],
        origin=item.get("from") or "",
        opted_out=opted_out,
    )
    _spread(checked, tenant, item)
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


def message_send(*, tenant: Tenant, api_key: ApiKey | None, item: dict) -> Message:
    """Checks one message, stores it and queues it for sending; raises ApiRefusal.

    The checks only read, so they run before the write; the write joins the caller's
    transaction without a savepoint (nothing in it is expected to fail and be caught).
    """
    checked = _checked(tenant, item)
    with transaction.atomic(savepoint=False):
        message = _new(tenant, api_key, checked, item, "")
        message.save()
        _enqueue([message.pk], tenant.pk)
    return message


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
    """Each message is checked on its own: accepted ones are stored, refused ones reported."""
    if not 1 <= len(items) <= BATCH_MAX:
        raise ApiRefusal("batch_size", f"Send 1 to {BATCH_MAX} messages.", "messages")
    batch = uuid.uuid4().hex
    opted_out = opted_out_kinds(tenant=tenant, phones=_parseable(items))
    results: list[Message | ApiRefusal] = []
    accepted: list[Message] = []
    for item in items:
        try:
            message = _new(tenant, api_key, _checked(tenant, item, opted_out), item, batch)
        except ApiRefusal as refusal:
            results.append(refusal)
            continue
        accepted.append(message)
        results.append(message)
    Message.objects.bulk_create(accepted)
    _enqueue([m.pk for m in accepted], tenant.pk)
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


__all__ = ["ApiRefusal", "BATCH_MAX", "message_send", "message_send_batch"]
