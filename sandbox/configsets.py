"""Configuration sets, event destinations and protect configurations with country rules."""

from __future__ import annotations

from . import countries
from .errors import ConflictError, NotFoundError, QuotaError, ValidationError
from .model import op
from .resources import Ctx, apply_filters, check_limit, new_id, now, page, strip_arn, tags_of

CONFIG = "configuration-set"
PROTECT = "protect-configuration"
DESTINATIONS_PER_SET = 5
UNSUPPORTED_EVENT_TYPES = {"TEXT_SENT"}


def get_config_set(ctx: Ctx, ref: str) -> dict:
    found = ctx.store.get(CONFIG, ctx.account, strip_arn(ref))
    if found is None:
        raise NotFoundError("configuration-set", ref)
    return found


def _info(obj: dict) -> dict:
    return {k: v for k, v in obj.items() if not k.startswith("_") and k != "Tags"}


@op("CreateConfigurationSet")
def create_config_set(ctx: Ctx, params: dict) -> dict:
    name = params["ConfigurationSetName"]
    if ctx.store.get(CONFIG, ctx.account, name) is not None:
        raise ConflictError(
            f"The configuration set {name} already exists.",
            "RESOURCE_ALREADY_EXISTS",
            "configuration-set",
            name,
        )
    check_limit(ctx, "CONFIGURATION_SETS")
    obj = {
        "ConfigurationSetArn": ctx.arn("configuration-set", name),
        "ConfigurationSetName": name,
        "EventDestinations": [],
        "CreatedTimestamp": now(),
        "Tags": tags_of(params),
    }
    ctx.store.put(CONFIG, ctx.account, name, obj)
    return {
        k: obj[k]
        for k in ("ConfigurationSetArn", "ConfigurationSetName", "Tags", "CreatedTimestamp")
    }


@op("DeleteConfigurationSet")
def delete_config_set(ctx: Ctx, params: dict) -> dict:
    obj = get_config_set(ctx, params["ConfigurationSetName"])
    ctx.store.delete(CONFIG, ctx.account, obj["ConfigurationSetName"])
    return _info(obj)


@op("DescribeConfigurationSets")
def describe_config_sets(ctx: Ctx, params: dict) -> dict:
    names = params.get("ConfigurationSetNames")
    items = (
        [get_config_set(ctx, n) for n in names]
        if names
        else list(ctx.store.items(CONFIG, ctx.account))
    )
    items = apply_filters(
        items,
        params.get("Filters"),
        {
            "event-destination-name": lambda c: [
                d["EventDestinationName"] for d in c["EventDestinations"]
            ],
            "matching-event-types": lambda c: [
                t for d in c["EventDestinations"] for t in d["MatchingEventTypes"]
            ],
            "default-message-type": lambda c: c.get("DefaultMessageType"),
            "default-sender-id": lambda c: c.get("DefaultSenderId"),
            "default-message-feedback-enabled": lambda c: c.get(
                "DefaultMessageFeedbackEnabled", False
            ),
            "protect-configuration-id": lambda c: c.get("ProtectConfigurationId"),
        },
    )
    return page(params, [_info(c) for c in items], "ConfigurationSets")


@op("SetDefaultSenderId")
def set_default_sender(ctx: Ctx, params: dict) -> dict:
    obj = get_config_set(ctx, params["ConfigurationSetName"])
    obj["DefaultSenderId"] = params["SenderId"]
    ctx.store.touch(CONFIG, ctx.account, obj["ConfigurationSetName"])
    return {
        "ConfigurationSetArn": obj["ConfigurationSetArn"],
        "ConfigurationSetName": obj["ConfigurationSetName"],
        "SenderId": params["SenderId"],
    }


@op("SetDefaultMessageType")
def set_default_message_type(ctx: Ctx, params: dict) -> dict:
    obj = get_config_set(ctx, params["ConfigurationSetName"])
    obj["DefaultMessageType"] = params["MessageType"]
    ctx.store.touch(CONFIG, ctx.account, obj["ConfigurationSetName"])
    return {
        "ConfigurationSetArn": obj["ConfigurationSetArn"],
        "ConfigurationSetName": obj["ConfigurationSetName"],
        "MessageType": params["MessageType"],
    }


_TARGETS = ("CloudWatchLogsDestination", "KinesisFirehoseDestination", "SnsDestination")


def _check_destination(params: dict, require_target: bool) -> None:
    bad = [t for t in params.get("MatchingEventTypes") or [] if t in UNSUPPORTED_EVENT_TYPES]
    if bad:
        raise ValidationError(
            f"The event type {bad[0]} is not supported.",
            "INVALID_PARAMETER",
            [{"Name": "MatchingEventTypes", "Message": bad[0]}],
        )
    targets = [t for t in _TARGETS if params.get(t)]
    if len(targets) > 1:
        raise ValidationError(
            "Give exactly one destination.",
            "PARAMETERS_CANNOT_BE_USED_TOGETHER",
            [{"Name": t, "Message": "one destination only"} for t in targets],
        )
    if require_target and not targets:
        raise ValidationError(
            "A destination is required.",
            "MISSING_PARAMETER",
            [{"Name": "SnsDestination", "Message": "missing"}],
        )


def _destination_result(obj: dict, dest: dict) -> dict:
    return {
        "ConfigurationSetArn": obj["ConfigurationSetArn"],
        "ConfigurationSetName": obj["ConfigurationSetName"],
        "EventDestination": dest,
    }


def _find_destination(obj: dict, name: str) -> dict:
    for dest in obj["EventDestinations"]:
        if dest["EventDestinationName"] == name:
            return dest
    raise NotFoundError("event-destination", name)


@op("CreateEventDestination")
def create_destination(ctx: Ctx, params: dict) -> dict:
    obj = get_config_set(ctx, params["ConfigurationSetName"])
    _check_destination(params, require_target=True)
    name = params["EventDestinationName"]
    if any(d["EventDestinationName"] == name for d in obj["EventDestinations"]):
        raise ConflictError(
            f"The event destination {name} already exists.",
            "RESOURCE_ALREADY_EXISTS",
            "event-destination",
            name,
        )
    if len(obj["EventDestinations"]) >= DESTINATIONS_PER_SET:
        raise QuotaError(
            "A configuration set takes at most 5 event destinations.",
            "EVENT_DESTINATIONS_PER_CONFIGURATION_SET",
        )
    dest = {
        "EventDestinationName": name,
        "Enabled": True,
        "MatchingEventTypes": list(params["MatchingEventTypes"]),
    }
    for target in _TARGETS:
        if params.get(target):
            dest[target] = params[target]
    obj["EventDestinations"].append(dest)
    ctx.store.touch(CONFIG, ctx.account, obj["ConfigurationSetName"])
    return _destination_result(obj, dest)


@op("UpdateEventDestination")
def update_destination(ctx: Ctx, params: dict) -> dict:
    obj = get_config_set(ctx, params["ConfigurationSetName"])
    dest = _find_destination(obj, params["EventDestinationName"])
    _check_destination(params, require_target=False)
    if any(params.get(t) for t in _TARGETS):
        for target in _TARGETS:
            dest.pop(target, None)
    for key in ("Enabled", "MatchingEventTypes", *_TARGETS):
        if params.get(key) is not None:
            dest[key] = params[key]
    ctx.store.touch(CONFIG, ctx.account, obj["ConfigurationSetName"])
    return _destination_result(obj, dest)


@op("DeleteEventDestination")
def delete_destination(ctx: Ctx, params: dict) -> dict:
    obj = get_config_set(ctx, params["ConfigurationSetName"])
    dest = _find_destination(obj, params["EventDestinationName"])
    obj["EventDestinations"].remove(dest)
    ctx.store.touch(CONFIG, ctx.account, obj["ConfigurationSetName"])
    return _destination_result(obj, dest)


# -- protect configurations ----------------------------------------------------------------------
def get_protect(ctx: Ctx, ref: str) -> dict:
    found = ctx.store.get(PROTECT, ctx.account, strip_arn(ref))
    if found is None:
        raise NotFoundError("protect-configuration", ref)
    return found


def _protect_info(ctx: Ctx, obj: dict) -> dict:
    default = ctx.store.meta_get(f"default_protect:{ctx.account}")
    return {
        "ProtectConfigurationArn": obj["ProtectConfigurationArn"],
        "ProtectConfigurationId": obj["ProtectConfigurationId"],
        "CreatedTimestamp": obj["CreatedTimestamp"],
        "AccountDefault": default == obj["ProtectConfigurationId"],
        "DeletionProtectionEnabled": obj["DeletionProtectionEnabled"],
    }


def country_status(obj: dict, iso: str, capability: str = "SMS") -> str:
    return obj["_rules"].get(capability, {}).get(iso, "ALLOW")


@op("CreateProtectConfiguration")
def create_protect(ctx: Ctx, params: dict) -> dict:
    pid = new_id("protect")
    obj = {
        "ProtectConfigurationArn": ctx.arn("protect-configuration", pid),
        "ProtectConfigurationId": pid,
        "CreatedTimestamp": now(),
        "DeletionProtectionEnabled": bool(params.get("DeletionProtectionEnabled")),
        "Tags": tags_of(params),
        "_rules": {},
    }
    ctx.store.put(PROTECT, ctx.account, pid, obj)
    return {**_protect_info(ctx, obj), "Tags": obj["Tags"]}


@op("DescribeProtectConfigurations")
def describe_protect(ctx: Ctx, params: dict) -> dict:
    ids = params.get("ProtectConfigurationIds")
    items = (
        [get_protect(ctx, i) for i in ids] if ids else list(ctx.store.items(PROTECT, ctx.account))
    )
    infos = apply_filters(
        [_protect_info(ctx, o) for o in items],
        params.get("Filters"),
        {
            "account-default": lambda i: i["AccountDefault"],
            "deletion-protection-enabled": lambda i: i["DeletionProtectionEnabled"],
        },
    )
    return page(params, infos, "ProtectConfigurations")


@op("UpdateProtectConfiguration")
def update_protect(ctx: Ctx, params: dict) -> dict:
    obj = get_protect(ctx, params["ProtectConfigurationId"])
    if params.get("DeletionProtectionEnabled") is not None:
        obj["DeletionProtectionEnabled"] = params["DeletionProtectionEnabled"]
    ctx.store.touch(PROTECT, ctx.account, obj["ProtectConfigurationId"])
    return _protect_info(ctx, obj)


@op("DeleteProtectConfiguration")
def delete_protect(ctx: Ctx, params: dict) -> dict:
    obj = get_protect(ctx, params["ProtectConfigurationId"])
    pid = obj["ProtectConfigurationId"]
    if obj["DeletionProtectionEnabled"]:
        raise ConflictError(
            "Deletion protection is enabled.",
            "DELETION_PROTECTION_ENABLED",
            "protect-configuration",
            pid,
        )
    if ctx.store.meta_get(f"default_protect:{ctx.account}") == pid:
        raise ConflictError(
            "This is the account default.",
            "PROTECT_CONFIGURATION_IS_ACCOUNT_DEFAULT",
            "protect-configuration",
            pid,
        )
    if any(c.get("ProtectConfigurationId") == pid for c in ctx.store.items(CONFIG, ctx.account)):
        raise ConflictError(
            "A configuration set uses it.",
            "PROTECT_CONFIGURATION_ASSOCIATED_WITH_CONFIGURATION_SET",
            "protect-configuration",
            pid,
        )
    ctx.store.delete(PROTECT, ctx.account, pid)
    return _protect_info(ctx, obj)


def _rule_set(obj: dict, capability: str) -> dict:
    rules = obj["_rules"].get(capability, {})
    return {iso: {"ProtectStatus": rules.get(iso, "ALLOW")} for iso in countries.ALL_COUNTRIES}


@op("GetProtectConfigurationCountryRuleSet")
def get_rule_set(ctx: Ctx, params: dict) -> dict:
    obj = get_protect(ctx, params["ProtectConfigurationId"])
    return {
        "ProtectConfigurationArn": obj["ProtectConfigurationArn"],
        "ProtectConfigurationId": obj["ProtectConfigurationId"],
        "NumberCapability": params["NumberCapability"],
        "CountryRuleSet": _rule_set(obj, params["NumberCapability"]),
    }


@op("UpdateProtectConfigurationCountryRuleSet")
def update_rule_set(ctx: Ctx, params: dict) -> dict:
    obj = get_protect(ctx, params["ProtectConfigurationId"])
    capability = params["NumberCapability"]
    rules = obj["_rules"].setdefault(capability, {})
    for iso, rule in params["CountryRuleSetUpdates"].items():
        rules[iso] = rule["ProtectStatus"]
    ctx.store.touch(PROTECT, ctx.account, obj["ProtectConfigurationId"])
    return {
        "ProtectConfigurationArn": obj["ProtectConfigurationArn"],
        "ProtectConfigurationId": obj["ProtectConfigurationId"],
        "NumberCapability": capability,
        "CountryRuleSet": _rule_set(obj, capability),
    }


def _link_result(cset: dict, obj: dict) -> dict:
    return {
        "ConfigurationSetArn": cset["ConfigurationSetArn"],
        "ConfigurationSetName": cset["ConfigurationSetName"],
        "ProtectConfigurationArn": obj["ProtectConfigurationArn"],
        "ProtectConfigurationId": obj["ProtectConfigurationId"],
    }


@op("AssociateProtectConfiguration")
def associate_protect(ctx: Ctx, params: dict) -> dict:
    obj = get_protect(ctx, params["ProtectConfigurationId"])
    cset = get_config_set(ctx, params["ConfigurationSetName"])
    # AWS: "This replaces the configuration sets current protect configuration."
    cset["ProtectConfigurationId"] = obj["ProtectConfigurationId"]
    ctx.store.touch(CONFIG, ctx.account, cset["ConfigurationSetName"])
    return _link_result(cset, obj)


@op("DisassociateProtectConfiguration")
def disassociate_protect(ctx: Ctx, params: dict) -> dict:
    obj = get_protect(ctx, params["ProtectConfigurationId"])
    cset = get_config_set(ctx, params["ConfigurationSetName"])
    if cset.get("ProtectConfigurationId") != obj["ProtectConfigurationId"]:
        raise ConflictError(
            "The configuration set does not use this protect configuration.",
            "PROTECT_CONFIGURATION_NOT_ASSOCIATED_WITH_CONFIGURATION_SET",
            "configuration-set",
            cset["ConfigurationSetName"],
        )
    cset.pop("ProtectConfigurationId")
    ctx.store.touch(CONFIG, ctx.account, cset["ConfigurationSetName"])
    return _link_result(cset, obj)


@op("SetAccountDefaultProtectConfiguration")
def set_default_protect(ctx: Ctx, params: dict) -> dict:
    obj = get_protect(ctx, params["ProtectConfigurationId"])
    ctx.store.meta_set(f"default_protect:{ctx.account}", obj["ProtectConfigurationId"])
    return {
        "DefaultProtectConfigurationArn": obj["ProtectConfigurationArn"],
        "DefaultProtectConfigurationId": obj["ProtectConfigurationId"],
    }


@op("DeleteAccountDefaultProtectConfiguration")
def delete_default_protect(ctx: Ctx, params: dict) -> dict:
    pid = ctx.store.meta_get(f"default_protect:{ctx.account}")
    if not pid:
        raise NotFoundError("protect-configuration", "account default")
    obj = get_protect(ctx, pid)
    ctx.store.meta_set(f"default_protect:{ctx.account}", None)
    return {
        "DefaultProtectConfigurationArn": obj["ProtectConfigurationArn"],
        "DefaultProtectConfigurationId": pid,
    }
