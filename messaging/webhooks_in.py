"""The SNS HTTP subscription for SMS delivery events and two-way inbound messages, from
EUM_EVENTS_TOPIC_ARN and SNS_INBOUND_TOPIC_ARNS only (see `registrations.sns_endpoint`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from messaging.events import delivery_event_apply, inbound_apply
from registrations.sns_endpoint import DELIVERY_HOOK, sns_receive
from tenants.permissions import public_view


def delivery_or_inbound_apply(payload: dict) -> object:
    """The delivery hook's handler (run by the SNS task): an inbound message or a delivery
    event of a configuration set."""
    if "inboundMessageId" in payload:
        return inbound_apply(payload)
    return delivery_event_apply(payload)


@public_view
@csrf_exempt
@require_POST
def sns_delivery_events(request: HttpRequest) -> HttpResponse:
    return sns_receive(request, DELIVERY_HOOK)
