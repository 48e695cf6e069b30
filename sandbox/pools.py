"""Pools and their origination identities."""

from __future__ import annotations

import copy

from .errors import ConflictError, NotFoundError, ValidationError
from .model import op
from .numbers import NUMBER, SENDER, default_keywords, find_number, find_sender, public, settle
from .resources import Ctx, apply_filters, check_limit, new_id, now, page, strip_arn, tags_of

POOL = "pool"
IDENTITIES_PER_POOL = 100


def get_pool(ctx: Ctx, ref: str) -> dict:
    pool = ctx.store.get(POOL, ctx.account, strip_arn(ref))
    if pool is None:
        raise NotFoundError("pool", ref)
    return pool


def resolve_identity(ctx: Ctx, ref: str, iso: str | None = None) -> tuple[str, dict]:
    """A phone number or sender ID named by number, id or ARN."""
    if (
        ref.startswith("arn:")
        and ":sender-id/" in ref
        or (not ref.startswith("+") and not strip_arn(ref).startswith("phone-"))
    ):
        sender = find_sender(ctx, ref, iso, required=False)
        if sender is not None:
            return SENDER, sender
    number = find_number(ctx, ref, required=False)
    if number is None:
        raise NotFoundError("phone-number", ref)
    return NUMBER, number


def _identity_key(kind: str, obj: dict) -> str:
    return obj["PhoneNumberId"] if kind == NUMBER else obj["_key"]


def _identity_meta(kind: str, obj: dict) -> dict:
    if kind == NUMBER:
        return {
            "OriginationIdentityArn": obj["PhoneNumberArn"],
            "OriginationIdentity": obj["PhoneNumberId"],
            "IsoCountryCode": obj["IsoCountryCode"],
            "NumberCapabilities": obj["NumberCapabilities"],
            "PhoneNumber": obj["PhoneNumber"],
        }
    return {
        "OriginationIdentityArn": obj["SenderIdArn"],
        "OriginationIdentity": obj["SenderId"],
        "IsoCountryCode": obj["IsoCountryCode"],
        "NumberCapabilities": ["SMS"],
    }


# What a phone number must share with a pool to join it (AssociateOriginationIdentity: "If
# the origination identity configuration doesn't match the pool's configuration, an error is
# returned"), with the model's ConflictExceptionReason for each.
MATCHED = (
    ("OptOutListName", "OPT_OUT_LIST_MISMATCH"),
    ("TwoWayEnabled", "TWO_WAY_CONFIG_MISMATCH"),
    ("SelfManagedOptOutsEnabled", "SELF_MANAGED_OPT_OUTS_MISMATCH"),
)


def _check_matches(pool: dict, obj: dict, kind: str) -> None:
    if kind != NUMBER:  # a sender ID carries none of these settings
        return
    for key, reason in MATCHED:
        if obj.get(key, False if key != "OptOutListName" else "Default") != pool.get(key):
            raise ConflictError(
                f"The phone number's {key} ({obj.get(key)!r}) does not match the pool's "
                f"({pool.get(key)!r}).",
                reason,
                kind,
                _identity_key(kind, obj),
            )


def add_to_pool(ctx: Ctx, pool_ref: str, obj: dict, kind: str = NUMBER, check=True) -> dict:
    """A phone number belongs to one pool at most; a sender ID may sit in several pools
    (CreatePool and AssociateOriginationIdentity)."""
    pool = get_pool(ctx, pool_ref)
    in_pools = obj.get("_pools") or ([obj["_pool"]] if obj.get("_pool") else [])
    if (kind == NUMBER and in_pools) or pool["PoolId"] in in_pools:
        reason = (
            "PHONE_NUMBER_ASSOCIATED_TO_POOL" if kind == NUMBER else "SENDER_ID_ASSOCIATED_TO_POOL"
        )
        raise ConflictError(
            "The origination identity already belongs to a pool.",
            reason,
            kind,
            _identity_key(kind, obj),
        )
    if check:
        _check_matches(pool, obj, kind)
    if len(pool["_members"]) >= IDENTITIES_PER_POOL:
        from .errors import QuotaError

        raise QuotaError("The pool is full.", "ORIGINATION_IDENTITIES_PER_POOL")
    pool["_members"].append([kind, _identity_key(kind, obj)])
    if kind == NUMBER:
        obj["PoolId"] = pool["PoolId"]
        obj["_pool"] = pool["PoolId"]
    else:
        obj["_pools"] = [*in_pools, pool["PoolId"]]
    ctx.store.touch(kind, ctx.account, _identity_key(kind, obj))
    ctx.store.touch(POOL, ctx.account, pool["PoolId"])
    return pool


def _leave(obj: dict, pool_id: str) -> None:
    obj.pop("PoolId", None)
    obj.pop("_pool", None)
    if "_pools" in obj:
        obj["_pools"] = [p for p in obj["_pools"] if p != pool_id]
        if not obj["_pools"]:
            obj.pop("_pools")


def members(ctx: Ctx, pool: dict) -> list[tuple[str, dict]]:
    found = []
    for kind, key in pool["_members"]:
        obj = ctx.store.get(kind, ctx.account, key)
        if kind == NUMBER:
            obj = settle(ctx.app, ctx.account, obj)
        if obj is not None:
            found.append((kind, obj))
    return found


@op("CreatePool")
def create_pool(ctx: Ctx, params: dict) -> dict:
    kind, obj = resolve_identity(ctx, params["OriginationIdentity"], params.get("IsoCountryCode"))
    check_limit(ctx, "POOLS")
    pid = new_id("pool")
    pool = {
        "PoolArn": ctx.arn("pool", pid),
        "PoolId": pid,
        "Status": "ACTIVE",
        "MessageType": params["MessageType"],
        "TwoWayEnabled": obj.get("TwoWayEnabled", False),
        "SelfManagedOptOutsEnabled": obj.get("SelfManagedOptOutsEnabled", False),
        "OptOutListName": obj.get("OptOutListName", "Default"),
        "SharedRoutesEnabled": False,
        "DeletionProtectionEnabled": bool(params.get("DeletionProtectionEnabled")),
        "CreatedTimestamp": now(),
        "Tags": tags_of(params),
        "_members": [],
        # "The new pool inherits its configuration from the specified origination identity.
        # This includes keywords, message type, opt-out list, two-way configuration, and
        # self-managed opt-out configuration."
        "_keywords": copy.deepcopy(obj.get("_keywords") or default_keywords()),
    }
    for key in ("TwoWayChannelArn", "TwoWayChannelRole"):
        if obj.get(key):
            pool[key] = obj[key]
    ctx.store.put(POOL, ctx.account, pid, pool)
    try:
        add_to_pool(ctx, pid, obj, kind, check=False)
    except Exception:
        ctx.store.delete(POOL, ctx.account, pid)
        raise
    return {**public(pool), "Status": "CREATING"}


@op("UpdatePool")
def update_pool(ctx: Ctx, params: dict) -> dict:
    pool = get_pool(ctx, params["PoolId"])
    if params.get("OptOutListName"):
        from .account import get_opt_out_list

        get_opt_out_list(ctx, params["OptOutListName"])
        pool["OptOutListName"] = strip_arn(params["OptOutListName"])
    if params.get("TwoWayEnabled") and not (
        params.get("TwoWayChannelArn") or pool.get("TwoWayChannelArn")
    ):
        raise ValidationError(
            "TwoWayEnabled needs a TwoWayChannelArn.",
            "TWO_WAY_CHANNEL_NOT_PRESENT",
            [{"Name": "TwoWayChannelArn", "Message": "missing"}],
        )
    for key in (
        "TwoWayEnabled",
        "TwoWayChannelArn",
        "TwoWayChannelRole",
        "SelfManagedOptOutsEnabled",
        "SharedRoutesEnabled",
        "DeletionProtectionEnabled",
    ):
        if params.get(key) is not None:
            pool[key] = params[key]
    ctx.store.touch(POOL, ctx.account, pool["PoolId"])
    return public(pool)


@op("DeletePool")
def delete_pool(ctx: Ctx, params: dict) -> dict:
    pool = get_pool(ctx, params["PoolId"])
    if pool["DeletionProtectionEnabled"]:
        raise ConflictError(
            "Deletion protection is enabled.", "DELETION_PROTECTION_ENABLED", "pool", pool["PoolId"]
        )
    for kind, obj in members(ctx, pool):
        _leave(obj, pool["PoolId"])
        ctx.store.touch(kind, ctx.account, _identity_key(kind, obj))
    ctx.store.delete(POOL, ctx.account, pool["PoolId"])
    return {**public(pool), "Status": "DELETING"}


@op("DescribePools")
def describe_pools(ctx: Ctx, params: dict) -> dict:
    ids = params.get("PoolIds")
    items = [get_pool(ctx, i) for i in ids] if ids else list(ctx.store.items(POOL, ctx.account))
    items = [] if params.get("Owner") == "SHARED" else items  # nothing is shared with us
    items = apply_filters(
        items,
        params.get("Filters"),
        {
            "status": lambda p: p["Status"],
            "message-type": lambda p: p["MessageType"],
            "two-way-enabled": lambda p: p["TwoWayEnabled"],
            "self-managed-opt-outs-enabled": lambda p: p["SelfManagedOptOutsEnabled"],
            "opt-out-list-name": lambda p: p["OptOutListName"],
            "shared-routes-enabled": lambda p: p["SharedRoutesEnabled"],
            "deletion-protection-enabled": lambda p: p["DeletionProtectionEnabled"],
            "two-way-channel-arn": lambda p: p.get("TwoWayChannelArn"),
        },
    )
    return page(params, [public(p) for p in items], "Pools")


@op("AssociateOriginationIdentity")
def associate_identity(ctx: Ctx, params: dict) -> dict:
    pool = get_pool(ctx, params["PoolId"])
    kind, obj = resolve_identity(ctx, params["OriginationIdentity"], params["IsoCountryCode"])
    add_to_pool(ctx, pool["PoolId"], obj, kind)
    meta = _identity_meta(kind, obj)
    return {
        "PoolArn": pool["PoolArn"],
        "PoolId": pool["PoolId"],
        "OriginationIdentityArn": meta["OriginationIdentityArn"],
        "OriginationIdentity": meta["OriginationIdentity"],
        "IsoCountryCode": meta["IsoCountryCode"],
    }


@op("DisassociateOriginationIdentity")
def disassociate_identity(ctx: Ctx, params: dict) -> dict:
    pool = get_pool(ctx, params["PoolId"])
    kind, obj = resolve_identity(ctx, params["OriginationIdentity"], params["IsoCountryCode"])
    key = _identity_key(kind, obj)
    if [kind, key] not in pool["_members"]:
        raise ConflictError(
            "The origination identity is not in this pool.",
            "PHONE_NUMBER_NOT_ASSOCIATED_TO_POOL",
            "pool",
            pool["PoolId"],
        )
    if len(pool["_members"]) == 1:
        raise ConflictError(
            "A pool keeps at least one origination identity.",
            "LAST_PHONE_NUMBER",
            "pool",
            pool["PoolId"],
        )
    pool["_members"].remove([kind, key])
    _leave(obj, pool["PoolId"])
    ctx.store.touch(kind, ctx.account, key)
    ctx.store.touch(POOL, ctx.account, pool["PoolId"])
    meta = _identity_meta(kind, obj)
    return {
        "PoolArn": pool["PoolArn"],
        "PoolId": pool["PoolId"],
        "OriginationIdentityArn": meta["OriginationIdentityArn"],
        "OriginationIdentity": meta["OriginationIdentity"],
        "IsoCountryCode": meta["IsoCountryCode"],
    }


@op("ListPoolOriginationIdentities")
def list_identities(ctx: Ctx, params: dict) -> dict:
    pool = get_pool(ctx, params["PoolId"])
    items = [_identity_meta(kind, obj) for kind, obj in members(ctx, pool)]
    items = apply_filters(
        items,
        params.get("Filters"),
        {
            "iso-country-code": lambda m: m["IsoCountryCode"],
            "number-capability": lambda m: m["NumberCapabilities"],
        },
    )
    result = page(params, items, "OriginationIdentities")
    result.update(PoolArn=pool["PoolArn"], PoolId=pool["PoolId"])
    return result
