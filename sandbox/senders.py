"""Sender IDs: request, describe, update, release."""

from __future__ import annotations

from . import countries
from .errors import ConflictError, ValidationError
from .model import op
from .numbers import SENDER, find_sender, new_sender, public
from .resources import Ctx, apply_filters, check_limit, page, tags_of


@op("RequestSenderId")
def request_sender_id(ctx: Ctx, params: dict) -> dict:
    sender_id, iso = params["SenderId"], params["IsoCountryCode"]
    # The model's documentation: "must contain at least one letter and cannot start or end
    # with a hyphen" (its pattern alone allows both).
    if not any(c.isalpha() for c in sender_id) or sender_id[0] == "-" or sender_id[-1] == "-":
        raise ValidationError(
            "The sender ID must contain at least one letter and cannot start or end with a hyphen.",
            "INVALID_PARAMETER",
            [{"Name": "SenderId", "Message": sender_id}],
        )
    if iso in countries.SENDER_ID_UNSUPPORTED:
        raise ValidationError(
            f"Sender IDs are not supported in {iso}.",
            "SENDER_ID_NOT_SUPPORTED",
            [{"Name": "IsoCountryCode", "Message": iso}],
        )
    if ctx.store.get(SENDER, ctx.account, f"{sender_id}:{iso}"):
        raise ConflictError(
            f"{sender_id} already exists for {iso}.",
            "RESOURCE_ALREADY_EXISTS",
            "sender-id",
            sender_id,
        )
    check_limit(ctx, "SENDER_IDS")
    obj = new_sender(
        ctx.account,
        ctx.region,
        sender_id,
        iso,
        list(params.get("MessageTypes") or ["TRANSACTIONAL"]),
        bool(params.get("DeletionProtectionEnabled")),
        tags_of(params),
    )
    obj["Registered"] = iso not in countries.SENDER_ID_REGISTRATION
    ctx.store.put(SENDER, ctx.account, obj["_key"], obj)
    return public(obj)


@op("DescribeSenderIds")
def describe_sender_ids(ctx: Ctx, params: dict) -> dict:
    wanted = params.get("SenderIds")
    if wanted:
        items = [find_sender(ctx, w["SenderId"], w["IsoCountryCode"]) for w in wanted]
    else:
        items = list(ctx.store.items(SENDER, ctx.account))
    items = [] if params.get("Owner") == "SHARED" else items  # nothing is shared with us
    items = apply_filters(
        items,
        params.get("Filters"),
        {
            "sender-id": lambda s: s["SenderId"],
            "iso-country-code": lambda s: s["IsoCountryCode"],
            "message-type": lambda s: s["MessageTypes"],
            "deletion-protection-enabled": lambda s: s["DeletionProtectionEnabled"],
            "registered": lambda s: s["Registered"],
        },
    )
    return page(params, [public(s) for s in items], "SenderIds")


@op("UpdateSenderId")
def update_sender_id(ctx: Ctx, params: dict) -> dict:
    sender = find_sender(ctx, params["SenderId"], params["IsoCountryCode"])
    if params.get("DeletionProtectionEnabled") is not None:
        sender["DeletionProtectionEnabled"] = params["DeletionProtectionEnabled"]
    ctx.store.touch(SENDER, ctx.account, sender["_key"])
    return public(sender)


@op("ReleaseSenderId")
def release_sender_id(ctx: Ctx, params: dict) -> dict:
    sender = find_sender(ctx, params["SenderId"], params["IsoCountryCode"])
    if sender["DeletionProtectionEnabled"]:
        raise ConflictError(
            "Deletion protection is enabled.",
            "DELETION_PROTECTION_ENABLED",
            "sender-id",
            sender["SenderId"],
        )
    if sender.get("_pools") or sender.get("_pool"):
        raise ConflictError(
            "The sender ID belongs to a pool.",
            "SENDER_ID_ASSOCIATED_TO_POOL",
            "sender-id",
            sender["SenderId"],
        )
    ctx.store.delete(SENDER, ctx.account, sender["_key"])
    return public(sender)
