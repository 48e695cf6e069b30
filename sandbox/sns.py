"""The Amazon SNS operations the portal calls: ``Subscribe`` and ``Unsubscribe`` (query
protocol, XML answer), so that a tenant's own AWS account sends its events to the portal's hooks
without anyone subscribing them by hand, and a topic replaced by another stops sending.

As SNS does, the answer is ``pending confirmation`` (or, with ``ReturnSubscriptionArn``, the
subscription's ARN) and the endpoint receives a signed ``SubscriptionConfirmation``; the
notifications wait until the endpoint confirms. Subscribing the same endpoint to the same topic
again returns the confirmed subscription's ARN, or sends the confirmation again while it is
pending. The sandbox keeps no topics of its own (``events.py``: topics are ARNs), so any topic
of the caller's account is accepted; a topic of another account is refused with
``AuthorizationError`` (403), as a topic whose policy admits only its owner refuses it.
"""

from __future__ import annotations

import re
import uuid
from xml.sax.saxutils import escape

XMLNS = "http://sns.amazonaws.com/doc/2010-03-31/"
TOPIC_ARN = re.compile(r"^arn:aws[\w-]*:sns:[a-z0-9-]+:(\d{12}):[\w-]{1,256}$")
PENDING = "pending confirmation"


def _error(code: str, message: str, request_id: str, status: int) -> tuple[int, bytes]:
    body = (
        f'<ErrorResponse xmlns="{XMLNS}"><Error><Type>Sender</Type><Code>{code}</Code>'
        f"<Message>{escape(message)}</Message></Error><RequestId>{request_id}</RequestId>"
        "</ErrorResponse>"
    )
    return status, body.encode()


def subscribe(app, form: dict[str, str], caller_account: str) -> tuple[int, bytes]:
    request_id = str(uuid.uuid4())
    topic, protocol = form.get("TopicArn", ""), form.get("Protocol", "")
    endpoint = form.get("Endpoint", "")
    if not caller_account:
        return _error(
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
            request_id,
            403,
        )
    found = TOPIC_ARN.match(topic)
    if not found:
        return _error("InvalidParameter", "Invalid parameter: TopicArn", request_id, 400)
    if protocol not in ("http", "https"):
        # The other protocols (email, sqs, lambda, …) are not emulated.
        return _error("InvalidParameter", "Invalid parameter: Protocol", request_id, 400)
    if not endpoint.startswith(f"{protocol}://") or len(endpoint) <= len(protocol) + 3:
        return _error("InvalidParameter", "Invalid parameter: Endpoint", request_id, 400)
    if found.group(1) != caller_account:
        return _error(
            "AuthorizationError",
            f"User: arn:aws:sts::{caller_account}:assumed-role/portal is not authorized to "
            f"perform: SNS:Subscribe on resource: {topic}",
            request_id,
            403,
        )
    events = app.events
    with app.store.lock:
        same = [
            s
            for s in events.subscriptions()
            if s["TopicArn"] == topic and s["Endpoint"] == endpoint
        ]
        if same and same[0]["Confirmed"]:
            sub, answer = same[0], same[0]["SubscriptionArn"]
        else:
            if same:
                sub = same[0]
                events.send_confirmation(sub)
            else:
                sub = events.subscribe(topic, endpoint, app.settings.signature_version)
            answer = (
                sub["SubscriptionArn"]
                if form.get("ReturnSubscriptionArn", "").lower() == "true"
                else PENDING
            )
        app.store.commit()
    body = (
        f'<SubscribeResponse xmlns="{XMLNS}"><SubscribeResult>'
        f"<SubscriptionArn>{escape(answer)}</SubscriptionArn></SubscribeResult>"
        f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>"
        "</SubscribeResponse>"
    )
    return 200, body.encode()


def unsubscribe(app, form: dict[str, str], caller_account: str) -> tuple[int, bytes]:
    """``Unsubscribe``: the subscription's topic must be the caller's account's (else
    ``AuthorizationError``); an unknown subscription is ``NotFound`` (404)."""
    request_id = str(uuid.uuid4())
    arn = form.get("SubscriptionArn", "")
    if not caller_account:
        return _error(
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
            request_id,
            403,
        )
    topic = arn.rsplit(":", 1)[0] if arn.count(":") >= 6 else ""
    found = TOPIC_ARN.match(topic)
    if not found:
        return _error("InvalidParameter", "Invalid parameter: SubscriptionArn", request_id, 400)
    if found.group(1) != caller_account:
        return _error(
            "AuthorizationError",
            f"User: arn:aws:sts::{caller_account}:assumed-role/portal is not authorized to "
            f"perform: SNS:Unsubscribe on resource: {arn}",
            request_id,
            403,
        )
    with app.store.lock:
        gone = app.events.unsubscribe(arn)
        app.store.commit()
    if not gone:
        return _error("NotFound", "Subscription does not exist", request_id, 404)
    body = (
        f'<UnsubscribeResponse xmlns="{XMLNS}"><ResponseMetadata><RequestId>{request_id}'
        "</RequestId></ResponseMetadata></UnsubscribeResponse>"
    )
    return 200, body.encode()
