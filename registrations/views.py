"""HTTP endpoints of the registration engine (the tenant and staff pages come with their issues)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from registrations.sns_endpoint import REGISTRATION_HOOK, sns_receive
from tenants.permissions import public_view


@public_view
@csrf_exempt
@require_POST
def sns_registration_events(request: HttpRequest) -> HttpResponse:
    """SNS HTTP(S) subscription for AWS "Registration Status Change" events, from the topics in
    SNS_REGISTRATION_TOPIC_ARNS only (see `registrations.sns_endpoint`)."""
    return sns_receive(request, REGISTRATION_HOOK)
