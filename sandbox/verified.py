"""Verified destination numbers and the SMS sandbox account tier.

With ``--account-tier SANDBOX`` (AWS's state for new accounts; an account declared with a role
starts there too, see sts.py) SendTextMessage only reaches verified destination numbers and
simulator numbers. The verification code is "sent" as a message that the control API shows
(``GET /_sandbox/messages``). As AWS documents (seed 001, "SMS sandbox" and "Verify a destination
phone number while in the sandbox"): up to 10 numbers, the code goes out from an active
origination identity of the destination's country, and a number can be deleted only 24 hours
after it was added.
"""

from __future__ import annotations

import random
import time
import uuid

from . import countries
from .account import account_tier
from .errors import ConflictError, NotFoundError, ValidationError
from .model import op
from .numbers import NUMBER
from .resources import Ctx, apply_filters, check_limit, new_id, now, page, strip_arn, tags_of

KIND = "verified-destination-number"


def _get(ctx: Ctx, ref: str) -> dict:
    found = ctx.store.get(KIND, ctx.account, strip_arn(ref))
    if found is None:
        raise NotFoundError("verified-destination-number", ref)
    return found


def _info(obj: dict) -> dict:
    return {k: v for k, v in obj.items() if not k.startswith("_") and k != "Tags"}


def is_verified(ctx: Ctx, number: str) -> bool:
    return any(
        o["DestinationPhoneNumber"] == number and o["Status"] == "VERIFIED"
        for o in ctx.store.items(KIND, ctx.account)
    )


def check_sandbox_destination(ctx: Ctx, number: str) -> None:
    if account_tier(ctx) != "SANDBOX" or number in countries.SIMULATOR_COUNTRY:
        return
    if not is_verified(ctx, number):
        raise ConflictError(
            f"The account is in the SMS sandbox and {number} is not a verified destination.",
            "DESTINATION_PHONE_NUMBER_NOT_VERIFIED",
            "verified-destination-number",
            number,
        )


@op("CreateVerifiedDestinationNumber")
def create(ctx: Ctx, params: dict) -> dict:
    number = params["DestinationPhoneNumber"]
    if any(o["DestinationPhoneNumber"] == number for o in ctx.store.items(KIND, ctx.account)):
        raise ConflictError(
            f"{number} is already a verified destination number.",
            "RESOURCE_ALREADY_EXISTS",
            "verified-destination-number",
            number,
        )
    check_limit(ctx, "VERIFIED_DESTINATION_NUMBERS")
    vid = new_id("verifieddestinationnumber")
    obj = {
        "VerifiedDestinationNumberArn": ctx.arn("verified-destination-number", vid),
        "VerifiedDestinationNumberId": vid,
        "DestinationPhoneNumber": number,
        "Status": "PENDING",
        "CreatedTimestamp": now(),
        "Tags": tags_of(params),
    }
    ctx.store.put(KIND, ctx.account, vid, obj)
    return {**_info(obj), "Tags": obj["Tags"]}


@op("DescribeVerifiedDestinationNumbers")
def describe(ctx: Ctx, params: dict) -> dict:
    ids = params.get("VerifiedDestinationNumberIds")
    items = [_get(ctx, i) for i in ids] if ids else list(ctx.store.items(KIND, ctx.account))
    if params.get("DestinationPhoneNumbers"):
        items = [
            i for i in items if i["DestinationPhoneNumber"] in params["DestinationPhoneNumbers"]
        ]
    items = apply_filters(
        items,
        params.get("Filters"),
        {"status": lambda o: o["Status"], "rcs-agent-id": lambda o: None},
    )
    return page(params, [_info(o) for o in items], "VerifiedDestinationNumbers")


# AWS: "You can delete a destination phone number. However, you must wait 24 hours after adding a
# phone number before you can delete it." (seed 001). The refusal's reason is the model's
# RESOURCE_DELETION_NOT_ALLOWED [reason inferred from the model's enum].
DELETE_AFTER = 24 * 60 * 60


@op("DeleteVerifiedDestinationNumber")
def delete(ctx: Ctx, params: dict) -> dict:
    obj = _get(ctx, params["VerifiedDestinationNumberId"])
    if now() - obj["CreatedTimestamp"] < DELETE_AFTER:
        raise ConflictError(
            f"{obj['DestinationPhoneNumber']} was added less than 24 hours ago; a verified "
            "destination number can be deleted 24 hours after it was added.",
            "RESOURCE_DELETION_NOT_ALLOWED",
            "verified-destination-number",
            obj["VerifiedDestinationNumberId"],
        )
    ctx.store.delete(KIND, ctx.account, obj["VerifiedDestinationNumberId"])
    return {
        k: obj[k]
        for k in (
            "VerifiedDestinationNumberArn",
            "VerifiedDestinationNumberId",
            "DestinationPhoneNumber",
            "CreatedTimestamp",
        )
    }


@op("SendDestinationNumberVerificationCode")
def send_code(ctx: Ctx, params: dict) -> dict:
    obj = _get(ctx, params["VerifiedDestinationNumberId"])
    if obj["Status"] == "VERIFIED":
        raise ConflictError(
            "The number is already verified.",
            "VERIFICATION_ALREADY_COMPLETE",
            "verified-destination-number",
            obj["VerifiedDestinationNumberId"],
        )
    _check_origin(ctx, params, obj["DestinationPhoneNumber"])
    code = f"{random.randint(0, 999999):06d}"
    obj["_code"], obj["_code_expires"] = code, time.time() + 24 * 3600
    ctx.store.touch(KIND, ctx.account, obj["VerifiedDestinationNumberId"])
    message_id = str(uuid.uuid4())
    ctx.app.record_message(
        {
            "MessageId": message_id,
            "Account": ctx.account,
            "OriginationIdentity": "AWS",
            "Parts": 1,
            "Events": [],
            "DestinationPhoneNumber": obj["DestinationPhoneNumber"],
            "MessageBody": f"Your verification code is {code}",
            "VerificationCode": code,
        }
    )
    return {"MessageId": message_id}


def _check_origin(ctx: Ctx, params: dict, number: str) -> None:
    """The code needs an active origination identity that can send within the destination's
    country (AWS: "The origination identity can only send messages within its country")."""
    iso = countries.country_of(number)
    wanted = params.get("OriginationIdentity")
    for item in ctx.store.items(NUMBER, ctx.account):
        if item.get("Status") != "ACTIVE" or item.get("IsoCountryCode") != iso:
            continue
        if wanted and strip_arn(wanted) not in (item["PhoneNumberId"], item["PhoneNumber"]):
            continue
        return
    raise ConflictError(
        f"No active origination identity in the account can send to {iso or number}; request "
        "or register one (a simulator number for the United States) first.",
        "NO_ORIGINATION_IDENTITIES_FOUND",
        "verified-destination-number",
        number,
    )


@op("VerifyDestinationNumber")
def verify(ctx: Ctx, params: dict) -> dict:
    obj = _get(ctx, params["VerifiedDestinationNumberId"])
    if obj["Status"] == "VERIFIED":
        raise ConflictError(
            "The number is already verified.",
            "VERIFICATION_ALREADY_COMPLETE",
            "verified-destination-number",
            obj["VerifiedDestinationNumberId"],
        )
    if obj.get("_code") and time.time() > obj["_code_expires"]:
        raise ConflictError(
            "The verification code has expired.",
            "VERIFICATION_CODE_EXPIRED",
            "verified-destination-number",
            obj["VerifiedDestinationNumberId"],
        )
    if not obj.get("_code") or params["VerificationCode"] != obj["_code"]:
        raise ValidationError(
            "The verification code does not match.",
            "VERIFICATION_CODE_MISMATCH",
            [{"Name": "VerificationCode", "Message": "mismatch"}],
        )
    obj["Status"] = "VERIFIED"
    obj.pop("_code", None)
    ctx.store.touch(KIND, ctx.account, obj["VerifiedDestinationNumberId"])
    return _info(obj)
