"""Routes of the tenant's sending pages, under /t/<tenant_slug>/."""

from django.urls import path

from messaging.web import views

tenant_patterns = [
    path("senders/", views.sender_list, name="sender_list"),
    path("messages/", views.message_list, name="message_list"),
    path("messages/<int:pk>/", views.message_detail, name="message_detail"),
    path("opt-outs/", views.opt_out_list, name="opt_out_list"),
    path("opt-outs/add/", views.opt_out_add, name="opt_out_add"),
    path("opt-outs/import/", views.opt_out_import, name="opt_out_import"),
    path("opt-outs/export.csv", views.opt_out_export, name="opt_out_export"),
    path("opt-outs/<int:pk>/remove/", views.opt_out_remove, name="opt_out_remove"),
    path("webhooks/", views.webhook_list, name="webhook_list"),
    path("webhooks/<int:pk>/", views.webhook_detail, name="webhook_detail"),
    path("webhooks/<int:pk>/rotate/", views.webhook_rotate, name="webhook_rotate"),
    path("webhooks/<int:pk>/remove/", views.webhook_delete, name="webhook_delete"),
]
