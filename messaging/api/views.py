"""The sending API (/api/v1/): thin views that parse, authorise, call a service or selector."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from messaging import optouts, selectors, services
from messaging.api import serializers as s
from messaging.api.auth import ApiKeyAuthentication, api_exception_handler, rate_check, scoped
from messaging.api.idempotency import idempotent
from messaging.checks import ApiRefusal, destination_parse
from messaging.models import Message, MessageType, OptOut

IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="Replays the first answer for the same key; another request under it is 409.",
)  # fmt: skip
ERRORS = {400: s.ErrorOut, 401: s.ErrorOut, 403: s.ErrorOut, 404: s.ErrorOut, 429: s.ErrorOut}


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

    @property
    def tenant(self):
        return self.request.auth.tenant


class Cursor(CursorPagination):
    ordering = "-id"
    page_size = 50
    max_page_size = 200
    page_size_query_param = "limit"


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

    @extend_schema(parameters=[MessageFilters], responses={200: s.MessageOut(many=True), **ERRORS})
    def get(self, request):
        filters = MessageFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        page = self.paginate_queryset(
            selectors.message_list(tenant=self.tenant, filters=filters.validated_data)
        )
        return self.get_paginated_response(s.MessageOut(page, many=True).data)

    @extend_schema(
        request=s.MessageIn, parameters=[IDEMPOTENCY],
        responses={202: s.MessageOut, 402: s.ErrorOut, 409: s.ErrorOut, 422: s.ErrorOut, **ERRORS},
    )  # fmt: skip
    @idempotent
    def post(self, request):
        data = s.MessageIn(data=request.data)
        data.is_valid(raise_exception=True)
        message = services.message_send(
            tenant=self.tenant, api_key=request.auth, item=data.validated_data
        )
        return Response(s.MessageOut(message).data, status=202)


class MessageBatchView(ApiView):
    scope = "send"

    @extend_schema(
        request=s.BatchIn, parameters=[IDEMPOTENCY],
        responses={202: s.BatchOut, 409: s.ErrorOut, 422: s.ErrorOut, **ERRORS},
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
    @extend_schema(responses={200: s.MessageDetailOut, **ERRORS})
    def get(self, request, pk: int):
        message = selectors.message_get(tenant=self.tenant, pk=pk)
        if message is None:
            raise Http404
        return Response(s.MessageDetailOut(message).data)


class OptOutsView(ApiView, generics.GenericAPIView):
    scope = "opt_outs"
    pagination_class = Cursor
    serializer_class = s.OptOutOut

    @extend_schema(responses={200: s.OptOutOut(many=True), **ERRORS})
    def get(self, request):
        page = self.paginate_queryset(selectors.opt_out_list(tenant=self.tenant))
        return self.get_paginated_response(s.OptOutOut(page, many=True).data)

    @extend_schema(
        request=s.OptOutIn, parameters=[IDEMPOTENCY],
        responses={201: s.OptOutOut, 409: s.ErrorOut, 422: s.ErrorOut, **ERRORS},
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

    @extend_schema(responses={200: s.OptOutCheckOut, 422: s.ErrorOut, **ERRORS})
    def get(self, request, phone: str):
        phone, _ = destination_parse(phone)
        kinds = optouts.opted_out_kinds(tenant=self.tenant, phones=[phone]).get(phone, set())
        types = sorted(MessageType.values) if "" in kinds else sorted(kinds)
        return Response({"phone": phone, "opted_out": "" in kinds, "opted_out_types": types})

    @extend_schema(
        parameters=[s.OptOutDeleteQuery],
        responses={204: None, 404: s.ErrorOut, 422: s.ErrorOut, **ERRORS},
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
    @extend_schema(responses={200: s.SenderOut(many=True), **ERRORS})
    def get(self, request):
        return Response(s.SenderOut(selectors.sender_list(tenant=self.tenant), many=True).data)


class RegistrationsView(ApiView, generics.GenericAPIView):
    pagination_class = Cursor
    serializer_class = s.RegistrationOut

    @extend_schema(responses={200: s.RegistrationOut(many=True), **ERRORS})
    def get(self, request):
        page = self.paginate_queryset(selectors.registration_list(tenant=self.tenant))
        return self.get_paginated_response(s.RegistrationOut(page, many=True).data)


class RegistrationDetailView(ApiView):
    @extend_schema(responses={200: s.RegistrationOut, **ERRORS})
    def get(self, request, pk: int):
        row = selectors.registration_list(tenant=self.tenant).filter(pk=pk).first()
        if row is None:
            raise Http404
        return Response(s.RegistrationOut(row).data)


class WebhooksView(ApiView):
    scope = "webhooks"

    @extend_schema(responses={200: s.WebhookOut(many=True), **ERRORS})
    def get(self, request):
        return Response(s.WebhookOut(selectors.webhook_list(tenant=self.tenant), many=True).data)

    @extend_schema(
        request=s.WebhookIn, parameters=[IDEMPOTENCY],
        responses={201: s.WebhookSecretOut, 409: s.ErrorOut, **ERRORS},
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

    def _endpoint(self, pk: int):
        endpoint = selectors.webhook_get(tenant=self.tenant, pk=pk)
        if endpoint is None:
            raise Http404
        return endpoint

    @extend_schema(responses={200: s.WebhookOut, **ERRORS})
    def get(self, request, pk: int):
        return Response(s.WebhookOut(self._endpoint(pk)).data)

    @extend_schema(responses={204: None, **ERRORS})
    def delete(self, request, pk: int):
        if not services.webhook_endpoint_delete(
            tenant=self.tenant, actor=None, endpoint=self._endpoint(pk)
        ):
            raise Http404  # deleted by another request meanwhile
        return Response(status=204)


class WebhookRotateView(WebhookDetailView):
    http_method_names = ["post", "options"]

    @extend_schema(request=None, responses={200: s.WebhookSecretOut, **ERRORS})
    def post(self, request, pk: int):
        endpoint = services.webhook_endpoint_rotate(
            tenant=self.tenant, actor=None, endpoint=self._endpoint(pk)
        )
        if endpoint is None:
            raise Http404  # deleted by another request meanwhile
        return Response(s.WebhookSecretOut(endpoint).data)


class WebhookDeliveriesView(WebhookDetailView):
    http_method_names = ["get", "options"]

    @extend_schema(responses={200: s.DeliveryOut(many=True), **ERRORS})
    def get(self, request, pk: int):
        endpoint = self._endpoint(pk)
        rows = selectors.webhook_deliveries(tenant=self.tenant, endpoint=endpoint)
        return Response(s.DeliveryOut(rows, many=True).data)
