"""SendTextMessage: the checks AWS makes, message parts per second, spend, delivery events."""

from __future__ import annotations

import threading
import time
import uuid

from . import countries
from .account import is_opted_out, text_limit
from .configsets import PROTECT, country_status, get_config_set, get_protect
from .errors import ConflictError, QuotaError, ThrottlingError, ValidationError
from .model import op
from .numbers import NUMBER, SENDER, find_number, find_sender, settle
from .pools import get_pool, members
from .resources import Ctx, strip_arn
from .verified import check_sandbox_destination

MPS = {
    "SHORT_CODE": 100,
    "TOLL_FREE": 3,
    "TEN_DLC": 1,
    "LONG_CODE": 10,
    "SIMULATOR": 20,
    "SENDER_ID": 10,
}
GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€"
)
DESCRIPTIONS = {
    "SUCCESSFUL": "Message has been accepted by phone carrier",
    "DELIVERED": "Message has been accepted by phone",
    "TTL_EXPIRED": "The delivery TTL has expired",
    "BLOCKED": "Message blocked",
    "CARRIER_UNREACHABLE": "Carrier is unreachable",
    "UNREACHABLE": "Phone is unreachable",
    "SPAM": "Message was flagged as spam by the carrier",
    "INVALID": "Destination phone number is invalid",
    "CARRIER_BLOCKED": "Message was blocked by the carrier",
    "UNKNOWN": "Unknown error",
    "PROTECT_BLOCKED": "Message blocked by protect configuration",
}


def segments(body: str) -> tuple[str, int]:
    """Encoding and number of parts (GSM-7 153/160, UCS-2 67/70)."""
    if all(ch in GSM7 for ch in body):
        size = len(body) + sum(1 for ch in body if ch in "^{}\\[~]|€")
        return "GSM", 1 if size <= 160 else -(-size // 153)
    units = len(body.encode("utf-16-le")) // 2
    return "UNICODE", 1 if units <= 70 else -(-units // 67)


class PartsLimiter:
    """Token buckets of message parts per second per origination identity."""

    def __init__(self):
        self._lock = threading.Lock()
        self._buckets: dict[tuple, list[float]] = {}

    def take(self, key: tuple, rate: float, parts: int) -> bool:
        with self._lock:
            tokens, stamp = self._buckets.get(key, [rate, time.monotonic()])
            current = time.monotonic()
            tokens = min(rate, tokens + (current - stamp) * rate)
            if tokens < parts and not (tokens >= rate and parts > rate):
                self._buckets[key] = [tokens, current]
                return False
            self._buckets[key] = [tokens - parts, current]
            return True

    def clear(self) -> None:
        with self._lock:
            self._buckets.clear()


def _invalid_for(dest_iso: str, what: str) -> ValidationError:
    return ValidationError(
        f"{what} cannot send to {dest_iso}.",
        "INVALID_IDENTITY_FOR_DESTINATION_COUNTRY",
        [{"Name": "OriginationIdentity", "Message": what}],
    )


def _usable(kind: str, obj: dict, dest: str, dest_iso: str) -> ValidationError | None:
    if kind == SENDER:
        if obj["IsoCountryCode"] != dest_iso:
            return _invalid_for(dest_iso, obj["SenderId"])
        return None
    if obj["NumberType"] == "SIMULATOR":
        if countries.SIMULATOR_COUNTRY.get(dest) != obj["IsoCountryCode"] and (
            dest not in countries.FIXED_OUTCOMES
        ):
            return _invalid_for(dest, "A simulator number")
        return None
    if obj["IsoCountryCode"] != dest_iso and not obj.get("InternationalSendingEnabled"):
        return _invalid_for(dest_iso, obj["PhoneNumber"])
    return None


def _origin(ctx: Ctx, params: dict, dest: str, dest_iso: str, cset: dict | None):
    """(kind, identity, pool or None) that will send the message."""
    ref = params.get("OriginationIdentity") or (cset or {}).get("DefaultSenderId")
    pool = None
    if ref and strip_arn(ref).startswith("pool-"):
        pool = get_pool(ctx, ref)
        candidates = sorted(members(ctx, pool), key=lambda c: c[1].get("Status") == "PENDING")
    elif ref and (ref.startswith("+") or strip_arn(ref).startswith("phone-")):
        candidates = [(NUMBER, find_number(ctx, ref))]
    elif ref:
        candidates = [(SENDER, find_sender(ctx, ref, None if ref.startswith("arn:") else dest_iso))]
    else:
        candidates = [
            (NUMBER, n)
            for n in ctx.store.items(NUMBER, ctx.account)
            if settle(ctx.app, ctx.account, n)["Status"] == "ACTIVE"
        ]
        candidates = [c for c in candidates if _usable(*c, dest, dest_iso) is None]
        if not candidates:
            raise ConflictError(
                "No origination identity can reach this destination.",
                "NO_ORIGINATION_IDENTITIES_FOUND",
            )
    error = None
    for kind, obj in candidates:
        problem = _usable(kind, obj, dest, dest_iso)
        if problem is None:
            return kind, obj, pool
        error = error or problem
    raise error or _invalid_for(dest_iso, ref or "the account")


def _outcomes(dest: str, ttl: int | None) -> list[tuple[str, bool]]:
    fixed = countries.FIXED_OUTCOMES.get(dest)
    if dest in countries.SIMULATOR_FAILURES:
        fixed = "TEXT_BLOCKED"
    if fixed is None or fixed == "TEXT_DELIVERED":
        return [("TEXT_SUCCESSFUL", False), ("TEXT_DELIVERED", True)]
    return [(fixed, True)]


@op("SendTextMessage")
def send_text_message(ctx: Ctx, params: dict) -> dict:
    received = time.time()
    dest = params["DestinationPhoneNumber"]
    dest_iso = countries.country_of(dest)
    if dest_iso is None:
        raise ValidationError(
            f"{dest} is not a valid E.164 number.",
            "INVALID_PARAMETER",
            [{"Name": "DestinationPhoneNumber", "Message": dest}],
        )
    check_sandbox_destination(ctx, dest)
    cset = (
        get_config_set(ctx, params["ConfigurationSetName"])
        if params.get("ConfigurationSetName")
        else None
    )
    kind, identity, pool = _origin(ctx, params, dest, dest_iso, cset)
    if kind == NUMBER and identity["Status"] != "ACTIVE":
        raise ConflictError(
            f"{identity['PhoneNumber']} is {identity['Status']}, not ACTIVE.",
            "RESOURCE_NOT_ACTIVE",
            "phone-number",
            identity["PhoneNumberId"],
        )
    if kind == SENDER and not identity["Registered"]:
        raise ValidationError(
            f"The sender ID {identity['SenderId']} is not registered.",
            "SENDER_ID_NOT_REGISTERED",
            [{"Name": "OriginationIdentity", "Message": identity["SenderId"]}],
        )
    opt_list = (pool or identity).get("OptOutListName", "Default")
    if is_opted_out(ctx, opt_list, dest):
        raise ConflictError(
            f"{dest} has opted out.", "DESTINATION_PHONE_NUMBER_OPTED_OUT", "opted-out-number", dest
        )
    protect_id = (
        params.get("ProtectConfigurationId")
        or (cset or {}).get("ProtectConfigurationId")
        or ctx.store.meta_get(f"default_protect:{ctx.account}")
    )
    protect_status = None
    if protect_id:
        protect = get_protect(ctx, protect_id)
        protect_status = country_status(protect, dest_iso)
        if protect_status == "BLOCK":
            raise ConflictError(
                f"The protect configuration blocks {dest_iso}.",
                "DESTINATION_COUNTRY_BLOCKED_BY_PROTECT_CONFIGURATION",
                PROTECT,
                protect["ProtectConfigurationId"],
            )
    encoding, parts = segments(params.get("MessageBody", ""))
    price = round(parts * countries.PRICE_PER_PART.get(dest_iso, countries.DEFAULT_PRICE), 5)
    if params.get("MaxPrice") and price > float(params["MaxPrice"]):
        raise ValidationError(
            f"The price {price} is over MaxPrice.",
            "PRICE_OVER_THRESHOLD",
            [{"Name": "MaxPrice", "Message": params["MaxPrice"]}],
        )
    month = time.strftime("%Y-%m", time.gmtime(received))
    spend_key = f"spend:{ctx.account}:{month}"
    spent = ctx.store.meta_get(spend_key, 0.0)
    if spent + price > text_limit(ctx):
        raise QuotaError(
            "The monthly text spend limit has been reached.", "MONTHLY_SPEND_LIMIT_REACHED_FOR_TEXT"
        )
    number_type = "SENDER_ID" if kind == SENDER else identity["NumberType"]
    key = (ctx.account, identity.get("PhoneNumberId") or identity.get("_key"))
    if ctx.settings.mps_limits and not ctx.app.parts.take(key, MPS[number_type], parts):
        raise ThrottlingError(f"Message parts per second of {number_type} exceeded.")
    message_id = str(uuid.uuid4())
    if params.get("DryRun"):
        return {"MessageId": message_id}
    ctx.store.meta_set(spend_key, round(spent + price, 5))
    message_type = (
        params.get("MessageType")
        or (cset or {}).get("DefaultMessageType")
        or identity.get("MessageType")
        or (identity.get("MessageTypes") or ["TRANSACTIONAL"])[0]
    )
    base = {
        "eventVersion": "1.0",
        "originationPhoneNumber": identity.get("PhoneNumber") or identity["SenderId"],
        "destinationPhoneNumber": dest,
        "isoCountryCode": dest_iso,
        "isInternationalSend": kind == NUMBER and identity["IsoCountryCode"] != dest_iso,
        "messageId": message_id,
        "messageRequestTimestamp": int(received * 1000),
        "messageEncoding": encoding,
        "messageType": message_type,
        "totalMessageParts": parts,
        "totalMessagePrice": price,
        "totalCarrierFee": countries.CARRIER_FEE.get(dest_iso, 0.0),
    }
    if dest_iso == "US":
        base.update(mcc="310", mnc="800", carrierName="T-Mobile USA Inc.")
    if params.get("Context"):
        base["context"] = dict(params["Context"])
    if protect_id:
        base["protectConfiguration"] = {
            "protectConfigurationId": strip_arn(protect_id),
            "protectStatus": protect_status or "ALLOW",
        }
    events = []
    for offset, (event_type, final) in enumerate(_outcomes(dest, params.get("TimeToLive"))):
        status = event_type.removeprefix("TEXT_")
        event = {
            "eventType": event_type,
            **base,
            "isFinal": final,
            "messageStatus": status,
            "messageStatusDescription": DESCRIPTIONS.get(status, status.title()),
            "eventTimestamp": int(received * 1000) + 300 + 2000 * offset,
        }
        events.append(event)
    ctx.app.record_message(
        {
            "MessageId": message_id,
            "Account": ctx.account,
            "OriginationIdentity": base["originationPhoneNumber"],
            "DestinationPhoneNumber": dest,
            "MessageBody": params.get("MessageBody", ""),
            "DestinationCountryParameters": dict(params.get("DestinationCountryParameters") or {}),
            "Parts": parts,
            "Events": events,
        }
    )
    for dest_cfg in (cset or {}).get("EventDestinations", []):
        topic = (dest_cfg.get("SnsDestination") or {}).get("TopicArn")
        if not topic or not dest_cfg.get("Enabled", True):
            continue
        wanted = set(dest_cfg["MatchingEventTypes"])
        for event in events:
            if wanted & {"ALL", "TEXT_ALL", event["eventType"]}:
                ctx.app.events.publish(topic, event)
    return {"MessageId": message_id}
