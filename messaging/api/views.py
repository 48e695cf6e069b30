"""The sending API (/api/v1/): thin views that parse, authorise, call a service or selector."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from messaging import optouts, selectors, services
from messaging.api import idempotency
from messaging.api import serializers as s
from messaging.api.auth import ApiKeyAuthentication, api_exception_handler, rate_check, scoped
from messaging.api.idempotency import idempotent
from messaging.checks import ApiRefusal, destination_parse
from messaging.models import Message, MessageType, OptOut

IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="Replays the first answer for the same key; another request under it is 409.",
)  # fmt: skip
# Request examples for the docs (and the first cases of the API fuzz): +14254147755 is one of
# AWS's simulator numbers, accepted without sending to anyone.
ONE_MESSAGE = {"to": "+14254147755", "body": "Your code is 123456"}
MESSAGE_EXAMPLE = OpenApiExample("A one-time code", value=ONE_MESSAGE, request_only=True)
BATCH_EXAMPLE = OpenApiExample(
    "Two messages",
    value={"messages": [ONE_MESSAGE, {**ONE_MESSAGE, "body": "Your order has shipped."}]},
    request_only=True,
)
OPT_OUT_EXAMPLE = OpenApiExample("A number", value={"phone": "+14254147755"}, request_only=True)
WEBHOOK_EXAMPLE = OpenApiExample(
    "Delivery reports",
    value={"url": "https://hooks.example.com/sms", "event_types": ["message.delivered"]},
    request_only=True,
)

# Every status an operation can answer with is documented (the API is fuzzed against its schema
# in tests/messaging/test_api_fuzz.py); all errors have the ErrorOut shape.
ERROR_MEANINGS = {
    400: "The request or one of its fields is invalid; error.field names the field.",
    401: "No API key, or the key is unknown, revoked or expired.",
    402: "This month's spend cap would be exceeded.",
    403: "The API key lacks the scope this operation needs.",
    404: "No such object for this account (a malformed id included).",
    406: "The Accept header allows no type this API answers with (it answers JSON).",
    409: "The Idempotency-Key was used for a different request, or its first request still runs.",
    413: "The request body is larger than the server accepts.",
    415: "The body is neither JSON nor form data.",
    422: "A well-formed request that a sending rule refuses (destination, sender, opt-out, "
    "policy); error.code says which.",
    429: "Too many requests for this key or account; Retry-After gives the seconds to wait.",
}
# Any call can be unauthenticated, lack its scope, ask for a type other than JSON or be over
# the rate limit.
EVERY_CALL = (401, 403, 406, 429)
# A call with a body can also be malformed (400), too large (413) or of another type (415).
WITH_BODY = (400, 413, 415)


def errors(*statuses: int) -> dict:
    """The documented error responses of an operation: `statuses` and those of every call."""
    return {
        code: OpenApiResponse(s.ErrorOut, description=ERROR_MEANINGS[code])
        for code in sorted({*statuses, *EVERY_CALL})
    }


def object_id(value: str) -> int:
    """The id of a path (`<object_id:pk>`): a malformed one names no object (404)."""
    if not (value.isascii() and value.isdigit()) or int(value) > 2**63 - 1:
        raise NotFound("No such object for this account.")
    return int(value)


class ApiView(APIView):
    authentication_classes = [ApiKeyAuthentication]
    scope = "read"

    def get_permissions(self):
        return [scoped(self.scope)()]

    def get_exception_handler(self):
        return api_exception_handler

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        rate_check(request)

    # What DRF's negotiation answers for the usual Accept headers (its first renderer, JSON),
    # without parsing them on every request; any other header is negotiated as before.
    _PLAIN_ACCEPT = frozenset({"", "*/*", "application/json"})

    def perform_content_negotiation(self, request, force=False):
        renderers = self.get_renderers()
        plain = request.META.get("HTTP_ACCEPT", "") in self._PLAIN_ACCEPT
        if plain and renderers and renderers[0].media_type == "application/json":
            return renderers[0], renderers[0].media_type
        return super().perform_content_negotiation(request, force)

    @property
    def tenant(self):
        return self.request.auth.tenant


class Cursor(CursorPagination):
    ordering = "-id"
    page_size = 50
    max_page_size = 200
    page_size_query_param = "limit"

    def decode_cursor(self, request):
        # DRF checks the cursor's encoding but not its position, which is compared with the
        # integer id: a tampered position is an invalid cursor (404), not a server error.
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            try:
                int(cursor.position)
            except ValueError:
                raise NotFound(self.invalid_cursor_message) from None
        return cursor


class MessageFilters(serializers.Serializer):
    status = serializers.ChoiceField(choices=Message.Status.choices, required=False)
    to = serializers.CharField(required=False)
    batch_id = serializers.CharField(required=False)
    created_after = serializers.DateTimeField(required=False)
    created_before = serializers.DateTimeField(required=False)


class MessagesView(ApiView, generics.GenericAPIView):
    pagination_class = Cursor
    serializer_class = s.MessageOut

    def get_permissions(self):
        return [scoped("send" if self.request.method == "POST" else "read")()]

    @extend_schema(
        parameters=[MessageFilters],
        responses={200: s.MessageOut(many=True), **errors(400, 404)},
    )
    def get(self, request):
        filters = MessageFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        page = self.paginate_queryset(
            selectors.message_list(tenant=self.tenant, filters=filters.validated_data)
        )
        return self.get_paginated_response(s.MessageOut(page, many=True).data)

    @extend_schema(
        request=s.MessageIn, parameters=[IDEMPOTENCY], examples=[MESSAGE_EXAMPLE],
        responses={202: s.MessageOut, **errors(*WITH_BODY, 402, 409, 422)},
    )  # fmt: skip
    def post(self, request):
        # Idempotency on the message row (unique per tenant and key), not a record of its own.
        key = idempotency.key_of(request)
        if isinstance(key, Response):
            return key
        item = s.message_in(request.data)
        try:
            message = services.message_send(
                tenant=self.tenant, api_key=request.auth, item=item, idempotency_key=key or None,
                request_hash=idempotency.request_hash(request) if key else "",
            )  # fmt: skip
        except services.IdempotentReplay as replay:
            if not replay.same:
                return idempotency.reused_key()
            response = JsonResponse(s.message_out(replay.message), status=202)
            response["Idempotent-Replayed"] = "true"
            return response
        # Written out and encoded at once: no serializer, no renderer on the hot path.
        return JsonResponse(s.message_out(message), status=202)


class MessageBatchView(ApiView):
    scope = "send"

    @extend_schema(
        request=s.BatchIn, parameters=[IDEMPOTENCY], examples=[BATCH_EXAMPLE],
        responses={202: s.BatchOut, **errors(*WITH_BODY, 409)},
    )  # fmt: skip
    @idempotent
    def post(self, request):
        data = s.BatchIn(data=request.data)
        data.is_valid(raise_exception=True)
        batch, results = services.message_send_batch(
            tenant=self.tenant, api_key=request.auth, items=data.validated_data["messages"]
        )
        # One list serializer for the accepted messages: its fields are built once, not once
        # per message.
        accepted_out = iter(
            s.MessageOut([r for r in results if not isinstance(r, ApiRefusal)], many=True).data
        )
        items = [
            {"index": i, "message": None, "error": r.as_dict()}
            if isinstance(r, ApiRefusal)
            else {"index": i, "message": next(accepted_out), "error": None}
            for i, r in enumerate(results)
        ]
        accepted = sum(1 for r in results if not isinstance(r, ApiRefusal))
        body = {
            "batch_id": batch, "accepted": accepted, "refused": len(results) - accepted,
            "results": items,
        }  # fmt: skip
        return Response(body, status=202)


class MessageDetailView(ApiView):
    @extend_schema(responses={200: s.MessageDetailOut, **errors(404)})
    def get(self, request, pk: str):
        message = selectors.message_get(tenant=self.tenant, pk=object_id(pk))
        if message is None:
            raise Http404
        return Response(s.MessageDetailOut(message).data)


class OptOutsView(ApiView, generics.GenericAPIView):
    scope = "opt_outs"
    pagination_class = Cursor
    serializer_class = s.OptOutOut

    @extend_schema(responses={200: s.OptOutOut(many=True), **errors(404)})
    def get(self, request):
        page = self.paginate_queryset(selectors.opt_out_list(tenant=self.tenant))
        return self.get_paginated_response(s.OptOutOut(page, many=True).data)

    @extend_schema(
        request=s.OptOutIn, parameters=[IDEMPOTENCY], examples=[OPT_OUT_EXAMPLE],
        responses={201: s.OptOutOut, **errors(*WITH_BODY, 409, 422)},
    )  # fmt: skip
    @idempotent
    def post(self, request):
        data = s.OptOutIn(data=request.data)
        data.is_valid(raise_exception=True)
        phone, _ = destination_parse(data.validated_data["phone"])
        row, _ = _service(
            optouts.opt_out, tenant=self.tenant, phone=phone, source=OptOut.Source.API,
            message_type=data.validated_data.get("type") or "",
        )  # fmt: skip
        return Response(s.OptOutOut(row).data, status=201)


def _service(function, **kwargs):
    """Calls the opt-out service; its ValidationError becomes a 422 naming the field."""
    try:
        return function(**kwargs)
    except DjangoValidationError as exc:
        field, messages = next(iter(getattr(exc, "message_dict", {"phone": exc.messages}).items()))
        raise ApiRefusal("invalid_field", messages[0], field) from exc


class OptOutDetailView(ApiView):
    scope = "opt_outs"

    @extend_schema(responses={200: s.OptOutCheckOut, **errors(422)})
    def get(self, request, phone: str):
        phone, _ = destination_parse(phone)
        kinds = optouts.opted_out_kinds(tenant=self.tenant, phones=[phone]).get(phone, set())
        types = sorted(MessageType.values) if "" in kinds else sorted(kinds)
        return Response({"phone": phone, "opted_out": "" in kinds, "opted_out_types": types})

    @extend_schema(
        parameters=[s.OptOutDeleteQuery],
        responses={204: None, **errors(400, 404, 422)},
    )
    def delete(self, request, phone: str):
        phone, _ = destination_parse(phone)
        query = s.OptOutDeleteQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        lifted = _service(
            optouts.opt_in, tenant=self.tenant, phone=phone, source=OptOut.Source.API,
            message_type=query.validated_data.get("type", optouts.ALL),
        )  # fmt: skip
        if not lifted:
            raise Http404
        return Response(status=204)


class SendersView(ApiView):
    @extend_schema(responses={200: s.SenderOut(many=True), **errors()})
    def get(self, request):
        return Response(s.SenderOut(selectors.sender_list(tenant=self.tenant), many=True).data)


class RegistrationsView(ApiView, generics.GenericAPIView):
    pagination_class = Cursor
    serializer_class = s.RegistrationOut

    @extend_schema(responses={200: s.RegistrationOut(many=True), **errors(404)})
    def get(self, request):
        page = self.paginate_queryset(selectors.registration_list(tenant=self.tenant))
        return self.get_paginated_response(s.RegistrationOut(page, many=True).data)


class RegistrationDetailView(ApiView):
    @extend_schema(responses={200: s.RegistrationOut, **errors(404)})
    def get(self, request, pk: str):
        row = selectors.registration_list(tenant=self.tenant).filter(pk=object_id(pk)).first()
        if row is None:
            raise Http404
        return Response(s.RegistrationOut(row).data)


class WebhooksView(ApiView):
    scope = "webhooks"

    @extend_schema(responses={200: s.WebhookOut(many=True), **errors()})
    def get(self, request):
        return Response(s.WebhookOut(selectors.webhook_list(tenant=self.tenant), many=True).data)

    @extend_schema(
        request=s.WebhookIn, parameters=[IDEMPOTENCY], examples=[WEBHOOK_EXAMPLE],
        responses={201: s.WebhookSecretOut, **errors(*WITH_BODY, 409)},
    )  # fmt: skip
    @idempotent
    def post(self, request):
        data = s.WebhookIn(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = services.webhook_endpoint_create(
            tenant=self.tenant, actor=None, **data.validated_data
        )
        return Response(s.WebhookSecretOut(endpoint).data, status=201)


class WebhookDetailView(ApiView):
    scope = "webhooks"

    def _endpoint(self, pk: str):
        endpoint = selectors.webhook_get(tenant=self.tenant, pk=object_id(pk))
        if endpoint is None:
            raise Http404
        return endpoint

    @extend_schema(responses={200: s.WebhookOut, **errors(404)})
    def get(self, request, pk: str):
        return Response(s.WebhookOut(self._endpoint(pk)).data)

    @extend_schema(responses={204: None, **errors(404)})
    def delete(self, request, pk: str):
        if not services.webhook_endpoint_delete(
            tenant=self.tenant, actor=None, endpoint=self._endpoint(pk)
        ):
            raise Http404  # deleted by another request meanwhile
        return Response(status=204)


class WebhookRotateView(WebhookDetailView):
    http_method_names = ["post", "options"]

    @extend_schema(request=None, responses={200: s.WebhookSecretOut, **errors(404)})
    def post(self, request, pk: str):
        endpoint = services.webhook_endpoint_rotate(
            tenant=self.tenant, actor=None, endpoint=self._endpoint(pk)
        )
        if endpoint is None:
            raise Http404  # deleted by another request meanwhile
        return Response(s.WebhookSecretOut(endpoint).data)


class WebhookDeliveriesView(WebhookDetailView):
    http_method_names = ["get", "options"]

    @extend_schema(responses={200: s.DeliveryOut(many=True), **errors(404)})
    def get(self, request, pk: str):
        endpoint = self._endpoint(pk)
        rows = selectors.webhook_deliveries(tenant=self.tenant, endpoint=endpoint)
        return Response(s.DeliveryOut(rows, many=True).data)
