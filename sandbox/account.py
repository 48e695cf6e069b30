"""Opt-out lists and opted-out numbers, keywords, spend limits, account attributes and limits,
and tags."""

from __future__ import annotations

from .errors import ConflictError, NotFoundError, QuotaError, ValidationError
from .model import op
from .numbers import NUMBER, find_number
from .resources import (
    LIMIT_KINDS,
    Ctx,
    apply_filters,
    check_limit,
    now,
    page,
    strip_arn,
    tags_of,
    used,
)

OPT_OUT = "opt-out-list"
KEYWORDS_PER_IDENTITY = 30
ARN_KEYS = {
    "registration": "RegistrationArn",
    "registration-attachment": "RegistrationAttachmentArn",
    "phone-number": "PhoneNumberArn",
    "sender-id": "SenderIdArn",
    "pool": "PoolArn",
    "configuration-set": "ConfigurationSetArn",
    "opt-out-list": "OptOutListArn",
    "protect-configuration": "ProtectConfigurationArn",
}


def get_opt_out_list(ctx: Ctx, ref: str) -> dict:
    name = strip_arn(ref)
    found = ctx.store.get(OPT_OUT, ctx.account, name)
    if found is None and name == "Default":
        found = _new_list(ctx, "Default", [])
    if found is None:
        raise NotFoundError("opt-out-list", ref)
    return found


def _new_list(ctx: Ctx, name: str, tags: list) -> dict:
    obj = {
        "OptOutListArn": ctx.arn("opt-out-list", name),
        "OptOutListName": name,
        "CreatedTimestamp": now(),
        "Tags": tags,
        "_numbers": {},
    }
    return ctx.store.put(OPT_OUT, ctx.account, name, obj)


def _list_info(obj: dict) -> dict:
    return {k: obj[k] for k in ("OptOutListArn", "OptOutListName", "CreatedTimestamp")}


@op("CreateOptOutList")
def create_opt_out_list(ctx: Ctx, params: dict) -> dict:
    name = params["OptOutListName"]
    if ctx.store.get(OPT_OUT, ctx.account, name) is not None or name == "Default":
        raise ConflictError(
            f"The opt-out list {name} already exists.",
            "RESOURCE_ALREADY_EXISTS",
            "opt-out-list",
            name,
        )
    check_limit(ctx, "OPT_OUT_LISTS")
    obj = _new_list(ctx, name, tags_of(params))
    return {**_list_info(obj), "Tags": obj["Tags"]}


@op("DeleteOptOutList")
def delete_opt_out_list(ctx: Ctx, params: dict) -> dict:
    obj = get_opt_out_list(ctx, params["OptOutListName"])
    name = obj["OptOutListName"]
    users = [
        n
        for kind in (NUMBER, "pool")
        for n in ctx.store.items(kind, ctx.account)
        if n.get("OptOutListName") == name
    ]
    if users:
        raise ConflictError(
            f"The opt-out list {name} is in use.",
            "RESOURCE_DELETION_NOT_ALLOWED",
            "opt-out-list",
            name,
        )
    ctx.store.delete(OPT_OUT, ctx.account, name)
    return _list_info(obj)


@op("DescribeOptOutLists")
def describe_opt_out_lists(ctx: Ctx, params: dict) -> dict:
    names = params.get("OptOutListNames")
    get_opt_out_list(ctx, "Default")
    if names:
        items = [get_opt_out_list(ctx, n) for n in names]
    else:
        items = list(ctx.store.items(OPT_OUT, ctx.account))
        items.sort(key=lambda o: o["OptOutListName"] != "Default")
    items = [] if params.get("Owner") == "SHARED" else items  # nothing is shared with us
    return page(params, [_list_info(o) for o in items], "OptOutLists")


def _opted(obj: dict, number: str) -> dict:
    return {
        "OptOutListArn": obj["OptOutListArn"],
        "OptOutListName": obj["OptOutListName"],
        **obj["_numbers"][number],
    }


@op("PutOptedOutNumber")
def put_opted_out_number(ctx: Ctx, params: dict) -> dict:
    obj = get_opt_out_list(ctx, params["OptOutListName"])
    number = params["OptedOutNumber"]
    if not number.startswith("+"):
        raise ValidationError(
            "OptedOutNumber must be in E.164 format.",
            "CANNOT_ADD_OPTED_OUT_NUMBER",
            [{"Name": "OptedOutNumber", "Message": number}],
        )
    obj["_numbers"].setdefault(
        number, {"OptedOutNumber": number, "OptedOutTimestamp": now(), "EndUserOptedOut": False}
    )
    ctx.store.touch(OPT_OUT, ctx.account, obj["OptOutListName"])
    return _opted(obj, number)


# AWS: "Each destination phone number can only be deleted once every 30 days." (the
# DeleteOptedOutNumber reference). The refusal's reason is the model's
# PHONE_NUMBER_CANNOT_BE_OPTED_IN [reason inferred from the model's enum].
OPT_IN_INTERVAL = 30 * 24 * 60 * 60


@op("DeleteOptedOutNumber")
def delete_opted_out_number(ctx: Ctx, params: dict) -> dict:
    obj = get_opt_out_list(ctx, params["OptOutListName"])
    number = params["OptedOutNumber"]
    if number not in obj["_numbers"]:
        raise NotFoundError("opted-out-number", number)
    deleted = obj.setdefault("_deleted", {})
    if now() - deleted.get(number, -OPT_IN_INTERVAL) < OPT_IN_INTERVAL:
        raise ValidationError(
            f"{number} was removed from this opt-out list less than 30 days ago; each number "
            "can be removed once every 30 days.",
            "PHONE_NUMBER_CANNOT_BE_OPTED_IN",
            [{"Name": "OptedOutNumber", "Message": number}],
        )
    result = _opted(obj, number)
    del obj["_numbers"][number]
    deleted[number] = now()
    ctx.store.touch(OPT_OUT, ctx.account, obj["OptOutListName"])
    return result


@op("DescribeOptedOutNumbers")
def describe_opted_out_numbers(ctx: Ctx, params: dict) -> dict:
    obj = get_opt_out_list(ctx, params["OptOutListName"])
    wanted = params.get("OptedOutNumbers")
    items = list(obj["_numbers"].values())
    if wanted:
        items = [i for i in items if i["OptedOutNumber"] in wanted]
    items = apply_filters(
        items, params.get("Filters"), {"end-user-opted-out": lambda i: i["EndUserOptedOut"]}
    )
    result = page(params, items, "OptedOutNumbers")
    result.update(OptOutListArn=obj["OptOutListArn"], OptOutListName=obj["OptOutListName"])
    return result


def is_opted_out(ctx: Ctx, list_name: str, number: str) -> bool:
    obj = ctx.store.get(OPT_OUT, ctx.account, list_name)
    return obj is not None and number in obj["_numbers"]


# -- keywords ---------------------------------------------------------------------------------
def _keyword_owner(ctx: Ctx, ref: str) -> tuple[str, dict, str, str]:
    key = strip_arn(ref)
    if key.startswith("pool-"):
        from .pools import get_pool

        pool = get_pool(ctx, key)
        return "pool", pool, pool["PoolId"], pool["PoolArn"]
    number = find_number(ctx, ref)
    return NUMBER, number, number["PhoneNumberId"], number["PhoneNumberArn"]


@op("PutKeyword")
def put_keyword(ctx: Ctx, params: dict) -> dict:
    kind, owner, oid, arn = _keyword_owner(ctx, params["OriginationIdentity"])
    keywords = owner.setdefault("_keywords", {})
    word = params["Keyword"].strip().upper()
    if word not in keywords and len(keywords) >= KEYWORDS_PER_IDENTITY:
        raise QuotaError(
            "Too many keywords.",
            "KEYWORDS_PER_POOL" if kind == "pool" else "KEYWORDS_PER_PHONE_NUMBER",
        )
    entry = {
        "Keyword": params["Keyword"],
        "KeywordMessage": params["KeywordMessage"],
        "KeywordAction": params.get("KeywordAction", "AUTOMATIC_RESPONSE"),
    }
    keywords[word] = entry
    ctx.store.touch(kind, ctx.account, oid)
    return {"OriginationIdentityArn": arn, "OriginationIdentity": oid, **entry}


@op("DeleteKeyword")
def delete_keyword(ctx: Ctx, params: dict) -> dict:
    kind, owner, oid, arn = _keyword_owner(ctx, params["OriginationIdentity"])
    word = params["Keyword"].strip().upper()
    if word in ("HELP", "STOP"):
        raise ConflictError(
            f"The {word} keyword cannot be deleted.", "KEYWORD_MISMATCH", "keyword", word
        )
    entry = owner.get("_keywords", {}).pop(word, None)
    if entry is None:
        raise NotFoundError("keyword", params["Keyword"])
    ctx.store.touch(kind, ctx.account, oid)
    return {"OriginationIdentityArn": arn, "OriginationIdentity": oid, **entry}


@op("DescribeKeywords")
def describe_keywords(ctx: Ctx, params: dict) -> dict:
    _, owner, oid, arn = _keyword_owner(ctx, params["OriginationIdentity"])
    items = list(owner.get("_keywords", {}).values())
    if params.get("Keywords"):
        wanted = {k.upper() for k in params["Keywords"]}
        items = [i for i in items if i["Keyword"].upper() in wanted]
    items = apply_filters(
        items, params.get("Filters"), {"keyword-action": lambda i: i["KeywordAction"]}
    )
    result = page(params, items, "Keywords")
    result.update(OriginationIdentityArn=arn, OriginationIdentity=oid)
    return result


# -- spend limits, account ----------------------------------------------------------------------
SPEND_NAMES = [
    "TEXT_MESSAGE_MONTHLY_SPEND_LIMIT",
    "VOICE_MESSAGE_MONTHLY_SPEND_LIMIT",
    "MEDIA_MESSAGE_MONTHLY_SPEND_LIMIT",
    "NOTIFY_MESSAGE_MONTHLY_SPEND_LIMIT",
    "RCS_MESSAGE_MONTHLY_SPEND_LIMIT",
]


# AWS: "You have a monthly SMS spending limit of $1.00 (USD)" while the account is in the SMS
# sandbox (seed 001, "SMS sandbox"); out of it, the limit AWS Support granted (--spend-limit).
SANDBOX_TIER_SPEND_LIMIT = 1


def account_tier(ctx: Ctx) -> str:
    """The account's tier: its own (control API, or a role's new account) or --account-tier."""
    return ctx.store.meta_get(f"account_tier:{ctx.account}") or ctx.settings.account_tier


def max_text_limit(ctx: Ctx) -> float:
    if account_tier(ctx) == "SANDBOX":
        return float(SANDBOX_TIER_SPEND_LIMIT)
    return float(ctx.settings.spend_limit)


def text_limit(ctx: Ctx) -> float:
    override = ctx.store.meta_get(f"spend_override:{ctx.account}")
    maximum = max_text_limit(ctx)
    return min(float(override), maximum) if override is not None else maximum


@op("DescribeSpendLimits")
def describe_spend_limits(ctx: Ctx, params: dict) -> dict:
    maximum = int(max_text_limit(ctx))
    override = ctx.store.meta_get(f"spend_override:{ctx.account}")
    items = [
        {"Name": name, "EnforcedLimit": maximum, "MaxLimit": maximum, "Overridden": False}
        for name in SPEND_NAMES
    ]
    if override is not None:
        items[0].update(EnforcedLimit=min(int(override), maximum), Overridden=True)
    return page(params, items, "SpendLimits")


@op("SetTextMessageSpendLimitOverride")
def set_text_spend(ctx: Ctx, params: dict) -> dict:
    limit = params["MonthlyLimit"]
    if limit > max_text_limit(ctx):
        raise ValidationError(
            f"The requested limit {limit} is above the account's maximum.",
            "REQUESTED_SPEND_LIMIT_HIGHER_THAN_SERVICE_LIMIT",
            [{"Name": "MonthlyLimit", "Message": str(limit)}],
        )
    ctx.store.meta_set(f"spend_override:{ctx.account}", limit)
    return {"MonthlyLimit": limit}


@op("DeleteTextMessageSpendLimitOverride")
def delete_text_spend(ctx: Ctx, params: dict) -> dict:
    ctx.store.meta_set(f"spend_override:{ctx.account}", None)
    return {"MonthlyLimit": int(max_text_limit(ctx))}


@op("DescribeAccountAttributes")
def describe_account_attributes(ctx: Ctx, params: dict) -> dict:
    items = [{"Name": "ACCOUNT_TIER", "Value": account_tier(ctx)}]
    default = ctx.store.meta_get(f"default_protect:{ctx.account}")
    if default:
        items.append({"Name": "DEFAULT_PROTECT_CONFIGURATION_ID", "Value": default})
    return page(params, items, "AccountAttributes")


@op("DescribeAccountLimits")
def describe_account_limits(ctx: Ctx, params: dict) -> dict:
    items = [
        {"Name": name, "Used": used(ctx, name), "Max": ctx.settings.limits[name]}
        for name in LIMIT_KINDS
    ]
    return page(params, items, "AccountLimits")


# -- tags ---------------------------------------------------------------------------------------
def _by_arn(ctx: Ctx, arn: str) -> tuple[str, dict]:
    for kind, key in ARN_KEYS.items():
        for obj in ctx.store.items(kind, ctx.account):
            if obj.get(key) == arn:
                return kind, obj
    raise NotFoundError("account" if ":" not in arn else arn.split(":")[5].split("/")[0], arn)


def _touch(ctx: Ctx, kind: str, obj: dict) -> None:
    for key in (
        "RegistrationId",
        "RegistrationAttachmentId",
        "PhoneNumberId",
        "_key",
        "PoolId",
        "ConfigurationSetName",
        "OptOutListName",
        "ProtectConfigurationId",
    ):
        if obj.get(key):
            ctx.store.touch(kind, ctx.account, obj[key])
            return


@op("TagResource")
def tag_resource(ctx: Ctx, params: dict) -> dict:
    kind, obj = _by_arn(ctx, params["ResourceArn"])
    tags = {t["Key"]: t["Value"] for t in obj.get("Tags", [])}
    tags.update({t["Key"]: t.get("Value", "") for t in params["Tags"]})
    if len(tags) > 200:
        raise QuotaError("A resource takes at most 200 tags.", "TAGS_PER_RESOURCE")
    obj["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
    _touch(ctx, kind, obj)
    return {}


@op("UntagResource")
def untag_resource(ctx: Ctx, params: dict) -> dict:
    kind, obj = _by_arn(ctx, params["ResourceArn"])
    obj["Tags"] = [t for t in obj.get("Tags", []) if t["Key"] not in params["TagKeys"]]
    _touch(ctx, kind, obj)
    return {}


@op("ListTagsForResource")
def list_tags(ctx: Ctx, params: dict) -> dict:
    _, obj = _by_arn(ctx, params["ResourceArn"])
    return {"ResourceArn": params["ResourceArn"], "Tags": obj.get("Tags", [])}
