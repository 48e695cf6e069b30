"""Routes of /api/v1/. API views authenticate by key: they are marked ("api", …) for the
URL walk, which checks that an anonymous call gets 401."""

from __future__ import annotations

from django.http import JsonResponse
from django.urls import path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from messaging.api import views as v
from messaging.api.policy import PolicyView
from tenants.permissions import public_view


class ObjectIdConverter:
    """An object's id in a path: any segment, so that a malformed id still reaches its view,
    which authenticates the caller and then answers 404 in the API's JSON error shape."""

    regex = "[^/]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


register_converter(ObjectIdConverter, "object_id")


def _api(view_class):
    view = view_class.as_view()
    view.access = ("api",)
    return view


@public_view
def ping(request):
    """A bare JSON answer: the baseline of the sending benchmark."""
    return JsonResponse({"ok": True})


api_patterns = [
    path("messages", _api(v.MessagesView), name="api_messages"),
    path("messages/batch", _api(v.MessageBatchView), name="api_message_batch"),
    path("messages/<object_id:pk>", _api(v.MessageDetailView), name="api_message_detail"),
    path("opt-outs", _api(v.OptOutsView), name="api_opt_outs"),
    path("opt-outs/<str:phone>", _api(v.OptOutDetailView), name="api_opt_out_detail"),
    path("senders", _api(v.SendersView), name="api_senders"),
    path("registrations", _api(v.RegistrationsView), name="api_registrations"),
    path(
        "registrations/<object_id:pk>",
        _api(v.RegistrationDetailView),
        name="api_registration_detail",
    ),
    path("webhooks", _api(v.WebhooksView), name="api_webhooks"),
    path("webhooks/<object_id:pk>", _api(v.WebhookDetailView), name="api_webhook_detail"),
    path(
        "webhooks/<object_id:pk>/rotate-secret",
        _api(v.WebhookRotateView),
        name="api_webhook_rotate",
    ),
    path(
        "webhooks/<object_id:pk>/deliveries",
        _api(v.WebhookDeliveriesView),
        name="api_webhook_deliveries",
    ),
    path("policy", _api(PolicyView), name="api_policy"),
    path("schema", public_view(SpectacularAPIView.as_view()), name="api_schema"),
    path(
        "docs",
        # The split view serves its start-up script from ?script: no inline script (CSP).
        public_view(
            SpectacularSwaggerSplitView.as_view(
                url_name="api_schema", template_name="messaging/api_docs.html"
            )
        ),
        name="api_docs",
    ),
    path("ping", ping, name="api_ping"),
]
