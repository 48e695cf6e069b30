"""Request and response shapes of the sending API (parsing only; services do the work)."""

from __future__ import annotations

import re

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from messaging.checks import parts_per_second
from messaging.models import (
    Message,
    MessageEvent,
    MessageType,
    OptOut,
    WebhookDelivery,
    WebhookEndpoint,
)
from portal import outbound_http
from registrations.models import Registration, Sender

WEBHOOK_EVENTS = [
    "message.sent",
    "message.delivered",
    "message.failed",
    "message.inbound",
]


class MessageIn(serializers.Serializer):
    to = serializers.CharField(max_length=32, help_text="Recipient in E.164, e.g. +14254147755")
    body = serializers.CharField(max_length=1600, trim_whitespace=False)
    type = serializers.ChoiceField(choices=MessageType.choices, default=MessageType.TRANSACTIONAL)
    sender = serializers.CharField(
        max_length=32, required=False, allow_blank=True, source="from",
        help_text="One of your senders (number or sender ID); chosen for you when left out.",
    )  # fmt: skip
    context = serializers.DictField(child=serializers.CharField(max_length=200), required=False)
    dlt_template_id = serializers.RegexField(
        r"^\S{1,64}$", required=False, allow_blank=True,
        help_text="India, from a sender ID: the DLT template id of the registered template this "
        "message matches (the entity id comes from the sender's registration).",
    )  # fmt: skip

    def validate_context(self, value: dict) -> dict:
        # DRF checks the values (CharField) but not the keys: a NUL cannot be stored in
        # PostgreSQL's jsonb, a lone surrogate cannot be encoded at all.
        for key in value:
            if any(ch == "\x00" or "\ud800" <= ch <= "\udfff" for ch in key):
                raise serializers.ValidationError(
                    "Context keys may not contain NUL or unpaired surrogate characters."
                )
        return value


# Single sends are parsed without building a serializer (its fields are built per instance):
# a JSON object of plain strings within MessageIn's limits is taken as is; anything else goes
# through MessageIn, which answers exactly as before (and is what the OpenAPI document shows).
_FAST_KEYS = frozenset({"to", "body", "type", "sender", "context"})
_PROHIBITED = re.compile("[\x00\ud800-\udfff]")
_TYPES = frozenset(MessageType.values)


def _plain(value, max_length: int, strip: bool) -> str | None:
    if not isinstance(value, str) or _PROHIBITED.search(value):
        return None
    value = value.strip() if strip else value
    return value if len(value) <= max_length else None


def message_in(data) -> dict:
    """MessageIn's validated data for `data` (raises DRF's ValidationError like it)."""
    if isinstance(data, dict) and data.keys() <= _FAST_KEYS:
        to = _plain(data.get("to"), 32, True)
        body = _plain(data.get("body"), 1600, False)
        kind = data.get("type", MessageType.TRANSACTIONAL.value)
        sender = data.get("sender", "")
        context = data.get("context", {})
        fast = (
            to and body and isinstance(kind, str) and kind in _TYPES
            and (sender == "" or _plain(sender, 32, True) is not None)
            and isinstance(context, dict)
            and all(
                _plain(k, 10**6, False) is not None and _plain(v, 200, True)
                for k, v in context.items()
            )
        )  # fmt: skip
        if fast:
            item = {"to": to, "body": body, "type": kind}
            if "sender" in data:
                item["from"] = sender.strip()
            if "context" in data:
                item["context"] = {k: v.strip() for k, v in context.items()}
            return item
    parsed = MessageIn(data=data)
    parsed.is_valid(raise_exception=True)
    return dict(parsed.validated_data)


def _when(value) -> str | None:
    """A datetime as DRF's DateTimeField writes it (ISO 8601, UTC as Z)."""
    if value is None:
        return None
    text = timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def message_out(message: Message) -> dict:
    """MessageOut's data for one message, written out (no serializer built per request)."""
    return {
        "id": message.pk, "to": message.destination, "sender": message.sender.value,
        "type": message.message_type, "body": message.body, "encoding": message.encoding,
        "parts": message.parts, "status": message.status, "status_reason": message.status_reason,
        "aws_message_id": message.aws_message_id, "batch_id": message.batch_id,
        "context": message.context, "dlt_template_id": message.dlt_template_id,
        "created_at": _when(message.created_at),
        "sent_at": _when(message.sent_at),
    }  # fmt: skip


class BatchIn(serializers.Serializer):
    messages = MessageIn(many=True, max_length=100, min_length=1)


class EventOut(serializers.ModelSerializer):
    class Meta:
        model = MessageEvent
        fields = ["event_type", "description", "is_final", "occurred_at"]


class MessageOut(serializers.ModelSerializer):
    sender = serializers.CharField(source="sender.value")
    type = serializers.CharField(source="message_type")

    class Meta:
        model = Message
        fields = [
            "id", "to", "sender", "type", "body", "encoding", "parts", "status",
            "status_reason", "aws_message_id", "batch_id", "context", "dlt_template_id",
            "created_at", "sent_at",
        ]  # fmt: skip

    to = serializers.CharField(source="destination")


class MessageDetailOut(MessageOut):
    events = EventOut(many=True, read_only=True)

    class Meta(MessageOut.Meta):
        fields = [*MessageOut.Meta.fields, "events"]


class ErrorDetail(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    field = serializers.CharField(allow_null=True)


class ErrorOut(serializers.Serializer):
    error = ErrorDetail()


class BatchItemOut(serializers.Serializer):
    index = serializers.IntegerField()
    message = MessageOut(allow_null=True)
    error = ErrorDetail(allow_null=True)


class BatchOut(serializers.Serializer):
    batch_id = serializers.CharField()
    accepted = serializers.IntegerField()
    refused = serializers.IntegerField()
    results = BatchItemOut(many=True)


class OptOutIn(serializers.Serializer):
    phone = serializers.CharField(max_length=32)
    type = serializers.ChoiceField(
        choices=MessageType.choices, required=False, allow_null=True,
        help_text="Opt out of this kind of message only (accounts that collect consent per "
        "kind); leave it out to stop every message.",
    )  # fmt: skip


class OptOutOut(serializers.ModelSerializer):
    type = serializers.SerializerMethodField()

    class Meta:
        model = OptOut
        fields = ["phone", "type", "source", "created_at"]

    def get_type(self, obj) -> str | None:
        return obj.message_type or None


class OptOutCheckOut(serializers.Serializer):
    phone = serializers.CharField()
    opted_out = serializers.BooleanField(help_text="Opted out of every message.")
    opted_out_types = serializers.ListField(
        child=serializers.ChoiceField(choices=MessageType.choices),
        help_text="The kinds of message the number no longer receives.",
    )


class OptOutDeleteQuery(serializers.Serializer):
    type = serializers.ChoiceField(
        choices=MessageType.choices, required=False,
        help_text="Lift only the opt-out of this kind; leave it out to lift every opt-out.",
    )  # fmt: skip


class SenderOut(serializers.ModelSerializer):
    parts_per_second = serializers.SerializerMethodField()
    registration_id = serializers.IntegerField(allow_null=True)

    class Meta:
        model = Sender
        fields = [
            "id", "kind", "value", "iso_country", "number_type", "status", "parts_per_second",
            "registration_id",
        ]  # fmt: skip

    def get_parts_per_second(self, sender: Sender) -> float:
        return parts_per_second(sender)


class RegistrationOut(serializers.ModelSerializer):
    reasons = serializers.SerializerMethodField()

    class Meta:
        model = Registration
        fields = ["id", "registration_type", "name", "status", "submitted_at", "reasons"]

    def get_reasons(self, registration: Registration) -> list[dict]:
        version = registration.current_version  # prefetched by the selector
        return [
            {"reason": r.get("reason", ""), "description": r.get("short", "")}
            for r in (version.denied_reasons if version else [])
        ]


@extend_schema_field(OpenApiTypes.URI)
class ReceiverUrlField(serializers.CharField):
    """A tenant's receiver URL, checked by the outbound policy alone (its messages say what to
    fix, where a generic URL check would only say "not valid")."""


class WebhookIn(serializers.Serializer):
    url = ReceiverUrlField(
        max_length=500,
        help_text="https:// address of your receiver, reachable from the public internet.",
    )
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=WEBHOOK_EVENTS), required=False, default=list
    )

    def validate_url(self, value: str) -> str:
        """The outbound policy (portal/outbound_http.py), resolving the host when it can; the
        check at delivery time is the one that counts."""
        try:
            outbound_http.url_check(value)
        except outbound_http.OutboundRefused as exc:
            raise serializers.ValidationError(str(exc)) from exc
        return value


class WebhookOut(serializers.ModelSerializer):
    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "event_types", "active", "created_at"]


class WebhookSecretOut(WebhookOut):
    secret = serializers.CharField()

    class Meta(WebhookOut.Meta):
        fields = [*WebhookOut.Meta.fields, "secret"]


class DeliveryOut(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id", "event_type", "status", "attempts", "last_result", "created_at",
            "delivered_at",
        ]  # fmt: skip
