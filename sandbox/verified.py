"""Verified destination numbers and the SMS sandbox account tier.

With ``--account-tier SANDBOX`` (AWS's state for new accounts) SendTextMessage only reaches
verified destination numbers and simulator numbers. The verification code is "sent" as a message
that the control API shows (``GET /_sandbox/messages``).
"""

from __future__ import annotations

import random
import time
import uuid

from . import countries
from .errors import ConflictError, NotFoundError, ValidationError
from .model import op
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
    if ctx.settings.account_tier != "SANDBOX" or number in countries.SIMULATOR_COUNTRY:
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


@op("DeleteVerifiedDestinationNumber")
def delete(ctx: Ctx, params: dict) -> dict:
    obj = _get(ctx, params["VerifiedDestinationNumberId"])
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
