"""Simulated inbound (mobile-originated) SMS, driven by the control API.

AWS cannot be told "a customer texted STOP", but the portal needs to see what follows: the
keyword's automatic answer and the opt-out (when opt-outs are managed by AWS), or the inbound
payload on the two-way SNS topic (always for ordinary messages; also for HELP and STOP when
opt-outs are self-managed). See aws-events.md section 4.
"""

from __future__ import annotations

import time
import uuid

from .account import get_opt_out_list
from .resources import Ctx, now

OPT_OUT_WORDS = {
    "ARRET",
    "CANCEL",
    "END",
    "OPT-OUT",
    "OPTOUT",
    "QUIT",
    "REMOVE",
    "STOP",
    "TD",
    "UNSUBSCRIBE",
}


def _find_number(app, number: str, account: str | None) -> tuple[str, dict | None]:
    for acct, obj in app.store.entries("phone-number"):
        if obj["PhoneNumber"] == number and account in (None, acct):
            return acct, obj
    return "", None


def receive(app, body: dict) -> tuple[int, dict]:
    """Handle ``{"OriginationNumber", "DestinationNumber", "MessageBody"[, "Account"]}``."""
    customer, ours, text = body["OriginationNumber"], body["DestinationNumber"], body["MessageBody"]
    with app.store.lock:
        account, number = _find_number(app, ours, body.get("Account"))
        if number is None:
            return 404, {"error": f"no phone number {ours}"}
        pool = app.store.get("pool", account, number["PoolId"]) if number.get("PoolId") else None
        owner = pool or number
        keywords = {**number.get("_keywords", {}), **(pool or {}).get("_keywords", {})}
        first = (text.strip().split() or [""])[0].upper()
        entry = keywords.get(first)
        action = (
            entry["KeywordAction"] if entry else ("OPT_OUT" if first in OPT_OUT_WORDS else None)
        )
        keyword = entry["Keyword"].upper() if entry else (first if action else f"KEYWORD_{account}")
        self_managed = owner.get("SelfManagedOptOutsEnabled", False)
        reply, opted_out = None, False
        if action and not self_managed:
            reply = entry["KeywordMessage"] if entry else keywords["STOP"]["KeywordMessage"]
            list_name = owner.get("OptOutListName", "Default")
            opt_list = app.store.get("opt-out-list", account, list_name)
            if opt_list is None and list_name == "Default":
                opt_list = get_opt_out_list(Ctx(app, account, app.settings.region), "Default")
            if action == "OPT_OUT" and opt_list is not None:
                opt_list["_numbers"][customer] = {
                    "OptedOutNumber": customer,
                    "OptedOutTimestamp": now(),
                    "EndUserOptedOut": True,
                }
                app.store.touch("opt-out-list", account, list_name)
                opted_out = True
            elif action == "OPT_IN" and opt_list is not None:
                opt_list["_numbers"].pop(customer, None)
                app.store.touch("opt-out-list", account, list_name)
            app.record_message(
                {
                    "MessageId": str(uuid.uuid4()),
                    "Account": account,
                    "OriginationIdentity": ours,
                    "DestinationPhoneNumber": customer,
                    "MessageBody": reply,
                    "Parts": 1,
                    "Events": [],
                    "AutoReply": True,
                    "Time": time.time(),
                }
            )
        inbound_id = str(uuid.uuid4())
        payload = {
            "originationNumber": customer,
            "destinationNumber": ours,
            "messageKeyword": keyword,
            "messageBody": text,
            "inboundMessageId": inbound_id,
        }
        previous = next(
            (
                m["MessageId"]
                for m in reversed(app.messages)
                if m.get("DestinationPhoneNumber") == customer
                and m.get("OriginationIdentity") == ours
                and not m.get("AutoReply")
            ),
            None,
        )
        if previous:
            payload["previousPublishedMessageId"] = previous
        topic = owner.get("TwoWayChannelArn") if owner.get("TwoWayEnabled") else None
        published = bool(topic) and (self_managed or not action)
        if published:
            app.events.publish(topic, payload)
        app.store.commit()
    return 200, {
        "InboundMessageId": inbound_id,
        "Keyword": keyword,
        "Action": action,
        "AutoReply": reply,
        "OptedOut": opted_out,
        "Published": published,
    }
