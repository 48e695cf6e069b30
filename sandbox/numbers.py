"""Phone numbers and sender IDs, and the hooks registrations use to attach, activate and
provision them."""

from __future__ import annotations

import time

from . import countries, lifecycle
from .errors import ConflictError, NotFoundError, ValidationError
from .model import op
from .resources import Ctx, apply_filters, check_limit, new_id, now, page, strip_arn, tags_of

NUMBER = "phone-number"
SENDER = "sender-id"
PRICES = {
    "TOLL_FREE": "2.00",
    "TEN_DLC": "2.00",
    "LONG_CODE": "1.00",
    "SIMULATOR": "0.00",
    "SHORT_CODE": "995.00",
}
PREFIXES = {"TOLL_FREE": "833555", "TEN_DLC": "206555", "SIMULATOR": "425414"}


def public(obj: dict) -> dict:
    return {k: v for k, v in obj.items() if not k.startswith("_")}


def default_keywords() -> dict:
    return {
        "HELP": {
            "Keyword": "HELP",
            "KeywordAction": "AUTOMATIC_RESPONSE",
            "KeywordMessage": "Reply STOP to opt out. Msg&data rates may apply.",
        },
        "STOP": {
            "Keyword": "STOP",
            "KeywordAction": "OPT_OUT",
            "KeywordMessage": "You have been unsubscribed. No more messages will be sent.",
        },
    }


def _next_number(app, number_type: str, iso: str) -> str:
    counter = app.store.meta_get("number_counter", 1000) + 1
    app.store.meta_set("number_counter", counter)
    if number_type in PREFIXES and iso == "US":
        return f"+1{PREFIXES[number_type]}{counter % 10000:04d}"
    return f"+{countries.calling_code(iso)}7555{counter:06d}"


def find_number(ctx: Ctx, ref: str, required: bool = True) -> dict | None:
    key = strip_arn(ref)
    found = ctx.store.get(NUMBER, ctx.account, key)
    if found is None and ref.startswith("+"):
        found = next(
            (n for n in ctx.store.items(NUMBER, ctx.account) if n["PhoneNumber"] == ref), None
        )
    if found is None and required:
        raise NotFoundError("phone-number", ref)
    return settle(ctx.app, ctx.account, found)


def find_sender(ctx: Ctx, ref: str, iso: str | None = None, required: bool = True):
    if ref.startswith("arn:"):
        parts = ref.split("/")
        ref, iso = parts[-2], parts[-1]
    if iso:
        found = ctx.store.get(SENDER, ctx.account, f"{ref}:{iso}")
    else:
        matches = [s for s in ctx.store.items(SENDER, ctx.account) if s["SenderId"] == ref]
        found = matches[0] if len(matches) == 1 else None
    if found is None and required:
        raise NotFoundError("sender-id", ref)
    return found


def _phone_resource(n: dict) -> dict:
    return {
        "ResourceArn": n["PhoneNumberArn"],
        "ResourceId": n["PhoneNumberId"],
        "ResourceType": n["NumberType"],
        "IsoCountryCode": n["IsoCountryCode"],
        "PhoneNumber": n["PhoneNumber"],
        "_kind": NUMBER,
        "_registration": n.get("_registration"),
    }


def resolve_resource(ctx: Ctx, ref: str) -> dict:
    """What CreateRegistrationAssociation's ResourceId names, with its ResourceType."""
    key = strip_arn(ref)
    if key.startswith("registration-"):
        from .registrations import get_registration

        other = get_registration(ctx, key)
        return {
            "ResourceArn": other["RegistrationArn"],
            "ResourceId": other["RegistrationId"],
            "ResourceType": other["RegistrationType"],
            "_kind": "registration",
            "_status": other["RegistrationStatus"],
        }
    number = find_number(ctx, ref, required=False)
    if number is not None:
        return _phone_resource(number)
    sender = find_sender(ctx, ref, required=False)
    if sender is not None:
        return {
            "ResourceArn": sender["SenderIdArn"],
            "ResourceId": sender["SenderId"],
            "ResourceType": "SENDER_ID",
            "IsoCountryCode": sender["IsoCountryCode"],
            "_kind": SENDER,
            "_registration": sender.get("_registration"),
        }
    raise NotFoundError("phone-number", ref)


def _resource_obj(app, account: str, assoc: dict) -> tuple[str, dict | None]:
    if assoc["_kind"] == NUMBER:
        return NUMBER, app.store.get(NUMBER, account, assoc["ResourceId"])
    if assoc["_kind"] == SENDER:
        return SENDER, app.store.get(
            SENDER, account, f"{assoc['ResourceId']}:{assoc.get('IsoCountryCode')}"
        )
    return "", None


def attach(app, account: str, assoc: dict, reg: dict) -> None:
    kind, obj = _resource_obj(app, account, assoc)
    if obj is not None:
        obj["RegistrationId"] = reg["RegistrationId"]
        obj["_registration"] = reg["RegistrationId"]
        app.store.touch(kind, account, obj.get("PhoneNumberId") or obj["_key"])


def detach(app, account: str, assoc: dict) -> None:
    kind, obj = _resource_obj(app, account, assoc)
    if obj is not None:
        obj.pop("RegistrationId", None)
        obj.pop("_registration", None)
        app.store.touch(kind, account, obj.get("PhoneNumberId") or obj["_key"])


def activate_number(app, account: str, number_id: str) -> None:
    """The registration behind the number completed. A toll-free number turns ACTIVE; a 10DLC
    number goes through PENDING and ASSOCIATING first, for `ten_dlc_association_delay` seconds
    (AWS: associating a number with a 10DLC campaign "can take approximately 14 days")."""
    number = app.store.get(NUMBER, account, number_id)
    if number is None or number["Status"] != "PENDING" or number.get("_active_at"):
        return
    delay = app.settings.ten_dlc_association_delay
    if number["NumberType"] == "TEN_DLC" and delay > 0:
        number["_associating_at"] = time.time() + delay / 2
        number["_active_at"] = time.time() + delay
    else:
        number["Status"] = "ACTIVE"
    app.store.touch(NUMBER, account, number_id)


def settle(app, account: str, number: dict | None) -> dict | None:
    """Moves a 10DLC number on once its association time has passed (read lazily)."""
    if number is None or not number.get("_active_at"):
        return number
    moment = time.time()
    status = number["Status"]
    if moment >= number["_active_at"]:
        number["Status"] = "ACTIVE"
        number.pop("_active_at")
        number.pop("_associating_at", None)
    elif moment >= number.get("_associating_at", moment + 1):
        number["Status"] = "ASSOCIATING"
    if number["Status"] != status:
        app.store.touch(NUMBER, account, number["PhoneNumberId"])
    return number


def _new_number(
    app,
    account,
    region,
    *,
    number,
    iso,
    number_type,
    message_type,
    caps,
    status,
    opt_out="Default",
    extra=None,
) -> dict:
    pid = new_id("phone")
    obj = {
        "PhoneNumberArn": f"arn:aws:sms-voice:{region}:{account}:phone-number/{pid}",
        "PhoneNumberId": pid,
        "PhoneNumber": number,
        "Status": status,
        "IsoCountryCode": iso,
        "MessageType": message_type,
        "NumberCapabilities": caps,
        "NumberType": number_type,
        "MonthlyLeasingPrice": PRICES.get(number_type, "1.00"),
        "TwoWayEnabled": False,
        "SelfManagedOptOutsEnabled": False,
        "OptOutListName": opt_out,
        "InternationalSendingEnabled": False,
        "DeletionProtectionEnabled": False,
        "CreatedTimestamp": now(),
        "_keywords": default_keywords(),
        **(extra or {}),
    }
    app.store.put(NUMBER, account, pid, obj)
    return obj


def provision_support_short_code(
    app, account: str, region: str, code: str, iso: str, message_type: str
) -> dict:
    """A short code AWS Support obtained for the account: it appears in DescribePhoneNumbers,
    active, once the carriers have provisioned it (driven by the control API)."""
    number = _new_number(
        app,
        account,
        region,
        number=code,
        iso=iso,
        number_type="SHORT_CODE",
        message_type=message_type,
        caps=["SMS"],
        status="ACTIVE",
    )
    return {k: v for k, v in number.items() if not k.startswith("_")}


def mark_registered(app, account: str, assoc: dict) -> None:
    """The sender ID of an association of an approved registration is registered."""
    kind, obj = _resource_obj(app, account, assoc)
    if kind == SENDER and obj is not None and not obj["Registered"]:
        obj["Registered"] = True
        app.store.touch(SENDER, account, obj["_key"])


def register_sender_id(app, reg: dict, sender_id: str, iso: str) -> dict:
    account = reg["_account"]
    key = f"{sender_id}:{iso}"
    obj = app.store.get(SENDER, account, key) or new_sender(
        account, reg["_region"], sender_id, iso, ["TRANSACTIONAL"], False, []
    )
    obj.update(
        Registered=True, RegistrationId=reg["RegistrationId"], _registration=reg["RegistrationId"]
    )
    app.store.put(SENDER, account, key, obj)
    return {
        "ResourceArn": obj["SenderIdArn"],
        "ResourceId": sender_id,
        "ResourceType": "SENDER_ID",
        "IsoCountryCode": iso,
        "_kind": SENDER,
    }


@op("RequestPhoneNumber")
def request_phone_number(ctx: Ctx, params: dict) -> dict:
    iso, number_type = params["IsoCountryCode"], params["NumberType"]
    if number_type in ("TOLL_FREE", "TEN_DLC", "SIMULATOR") and iso != "US":
        raise ValidationError(
            f"{number_type} numbers are only available in the US.",
            "INVALID_PARAMETER",
            [{"Name": "IsoCountryCode", "Message": iso}],
        )
    opt_out = params.get("OptOutListName", "Default")
    from .account import get_opt_out_list

    get_opt_out_list(ctx, opt_out)
    reg = None
    if params.get("RegistrationId"):
        from .registrations import get_registration

        reg = get_registration(ctx, params["RegistrationId"])
    if params.get("PoolId"):
        from .pools import get_pool

        get_pool(ctx, params["PoolId"])
    check_limit(ctx, "PHONE_NUMBERS")
    needs_registration = number_type in ("TOLL_FREE", "TEN_DLC")
    number = _new_number(
        ctx.app,
        ctx.account,
        ctx.region,
        number=_next_number(ctx.app, number_type, iso),
        iso=iso,
        number_type=number_type,
        message_type=params["MessageType"],
        caps=list(params["NumberCapabilities"]),
        status="PENDING" if needs_registration else "ACTIVE",
        opt_out=strip_arn(opt_out),
        extra={
            "DeletionProtectionEnabled": bool(params.get("DeletionProtectionEnabled")),
            "InternationalSendingEnabled": bool(params.get("InternationalSendingEnabled")),
            "Tags": tags_of(params),
        },
    )
    if reg is not None:
        from .versions import associate

        try:
            associate(ctx, reg, _phone_resource(number))
        except Exception:
            ctx.store.delete(NUMBER, ctx.account, number["PhoneNumberId"])
            raise
        ctx.store.touch("registration", ctx.account, reg["RegistrationId"])
    if params.get("PoolId"):
        from .pools import add_to_pool

        add_to_pool(ctx, params["PoolId"], number)
    return public(number)


@op("DescribePhoneNumbers")
def describe_phone_numbers(ctx: Ctx, params: dict) -> dict:
    ids = params.get("PhoneNumberIds")
    items = (
        [find_number(ctx, i) for i in ids] if ids else list(ctx.store.items(NUMBER, ctx.account))
    )
    items = [] if params.get("Owner") == "SHARED" else items  # nothing is shared with us
    items = [settle(ctx.app, ctx.account, n) for n in items]
    items = apply_filters(
        items,
        params.get("Filters"),
        {
            "status": lambda n: n["Status"],
            "iso-country-code": lambda n: n["IsoCountryCode"],
            "message-type": lambda n: n["MessageType"],
            "number-capability": lambda n: n["NumberCapabilities"],
            "number-type": lambda n: n["NumberType"],
            "two-way-enabled": lambda n: n["TwoWayEnabled"],
            "self-managed-opt-outs-enabled": lambda n: n["SelfManagedOptOutsEnabled"],
            "opt-out-list-name": lambda n: n["OptOutListName"],
            "deletion-protection-enabled": lambda n: n["DeletionProtectionEnabled"],
            "two-way-channel-arn": lambda n: n.get("TwoWayChannelArn"),
        },
    )
    return page(params, [public(n) for n in items], "PhoneNumbers")


@op("UpdatePhoneNumber")
def update_phone_number(ctx: Ctx, params: dict) -> dict:
    number = find_number(ctx, params["PhoneNumberId"])
    if number.get("PoolId"):
        # UpdatePhoneNumber: "If the origination phone number is associated with a pool, an
        # error is returned." A pooled number's settings change through UpdatePool.
        raise ConflictError(
            f"{number['PhoneNumber']} belongs to {number['PoolId']}; update the pool instead.",
            "PHONE_NUMBER_ASSOCIATED_TO_POOL",
            NUMBER,
            number["PhoneNumberId"],
        )
    if params.get("OptOutListName"):
        from .account import get_opt_out_list

        get_opt_out_list(ctx, params["OptOutListName"])
        number["OptOutListName"] = strip_arn(params["OptOutListName"])
    if params.get("TwoWayEnabled") and not (
        params.get("TwoWayChannelArn") or number.get("TwoWayChannelArn")
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
        "InternationalSendingEnabled",
        "DeletionProtectionEnabled",
    ):
        if params.get(key) is not None:
            number[key] = params[key]
    ctx.store.touch(NUMBER, ctx.account, number["PhoneNumberId"])
    return public(number)


@op("ReleasePhoneNumber")
def release_phone_number(ctx: Ctx, params: dict) -> dict:
    number = find_number(ctx, params["PhoneNumberId"])
    pid = number["PhoneNumberId"]
    if number["DeletionProtectionEnabled"]:
        raise ConflictError(
            "Deletion protection is enabled.", "DELETION_PROTECTION_ENABLED", "phone-number", pid
        )
    if number.get("PoolId"):
        raise ConflictError(
            "The number belongs to a pool.", "PHONE_NUMBER_ASSOCIATED_TO_POOL", "phone-number", pid
        )
    if number.get("_registration"):
        _release_from_registration(ctx, number)
    ctx.store.delete(NUMBER, ctx.account, pid)
    return {**public(number), "Status": "DELETED"}


def _release_from_registration(ctx: Ctx, number: dict) -> None:
    from .registrations import get_registration

    reg = get_registration(ctx, number["_registration"])
    pid = number["PhoneNumberId"]
    if reg["RegistrationStatus"] in lifecycle.IN_REVIEW:
        raise ConflictError(
            "The registration is under review; its numbers cannot be released.",
            "DISASSOCIATE_REGISTRATION_NOT_ALLOWED",
            "phone-number",
            pid,
        )
    rule = ctx.app.catalog.association(reg["RegistrationType"], number["NumberType"]) or {}
    behavior = rule.get("DisassociationBehavior")
    if behavior == "DELETE_REGISTRATION_DISASSOCIATES":
        raise ConflictError(
            "Delete the registration to release this number.",
            "PHONE_NUMBER_ASSOCIATED_TO_REGISTRATION",
            "phone-number",
            pid,
        )
    reg["_associations"] = [a for a in reg["_associations"] if a["ResourceId"] != pid]
    ctx.store.touch("registration", ctx.account, reg["RegistrationId"])
    if (
        behavior == "DISASSOCIATE_ALL_CLOSES_REGISTRATION"
        and not reg["_associations"]
        and reg["RegistrationStatus"] == "COMPLETE"
    ):
        lifecycle.set_registration_status(ctx.app, reg, "CLOSED")


def new_sender(account, region, sender_id, iso, types, protect, tags) -> dict:
    return {
        "SenderIdArn": f"arn:aws:sms-voice:{region}:{account}:sender-id/{sender_id}/{iso}",
        "SenderId": sender_id,
        "IsoCountryCode": iso,
        "MessageTypes": types,
        "MonthlyLeasingPrice": "0.00",
        "DeletionProtectionEnabled": protect,
        "Registered": False,
        "Tags": tags,
        "_key": f"{sender_id}:{iso}",
        "_keywords": {},
    }
