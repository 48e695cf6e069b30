"""The SNS HTTP subscription for SMS delivery events and two-way inbound messages."""

from __future__ import annotations

import json
import logging
import urllib.request

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from messaging.events import delivery_event_apply, inbound_apply
from registrations.models import SnsMessage
from registrations.sns import SnsRejected, url_trusted, verify_message
from tenants.permissions import public_view

log = logging.getLogger(__name__)


def _topics() -> list[str]:
    extra = getattr(settings, "SNS_TOPIC_ARNS", [])
    return [settings.EUM_EVENTS_TOPIC_ARN, *extra] if extra else []


@public_view
@csrf_exempt
@require_POST
def sns_delivery_events(request: HttpRequest) -> HttpResponse:
    try:
        message = json.loads(request.body)
        verify_message(
            message,
            trusted_origins=settings.SNS_TRUSTED_CERT_ORIGINS,
            topics=_topics(),
            header_type=request.headers.get("x-amz-sns-message-type"),
        )
    except (ValueError, TypeError, KeyError) as exc:
        log.warning("SNS message unreadable: %s", exc)
        return HttpResponse("unreadable", status=400)
    except SnsRejected as exc:
        log.warning("SNS message rejected: %s", exc)
        return HttpResponse("rejected", status=403)
    try:
        with transaction.atomic():
            SnsMessage.objects.create(
                message_id=message["MessageId"], kind=message["Type"], topic_arn=message["TopicArn"]
            )
            if message["Type"] == "SubscriptionConfirmation":
                if not url_trusted(message["SubscribeURL"], settings.SNS_TRUSTED_CERT_ORIGINS):
                    raise SnsRejected("untrusted SubscribeURL")
                with urllib.request.urlopen(message["SubscribeURL"], timeout=10):  # noqa: S310
                    pass
            elif message["Type"] == "Notification":
                payload = json.loads(message["Message"])
                if "inboundMessageId" in payload:
                    inbound_apply(payload)
                else:
                    delivery_event_apply(payload)
    except IntegrityError:
        return HttpResponse("already handled")
    except SnsRejected as exc:
        log.warning("SNS message rejected: %s", exc)
        return HttpResponse("rejected", status=403)
    return HttpResponse("ok")
