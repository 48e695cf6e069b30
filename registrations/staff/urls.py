from django.urls import path

from registrations.staff import views

urlpatterns = [
    path("", views.queue, name="staff_registration_queue"),
    path("pipeline/", views.pipeline, name="staff_registration_pipeline"),
    path("dashboard/", views.dashboard, name="staff_registration_dashboard"),
    path("<int:pk>/", views.review, name="staff_registration_review"),
    path(
        "<int:pk>/attachments/<int:attachment_id>/",
        views.attachment,
        name="staff_registration_attachment",
    ),
    path("<int:pk>/approve/", views.approve, name="staff_registration_approve"),
    path("<int:pk>/return/", views.return_, name="staff_registration_return"),
    path("<int:pk>/preflight/", views.preflight, name="staff_registration_preflight"),
    path("<int:pk>/retry/", views.retry, name="staff_registration_retry"),
    path("<int:pk>/cancel/", views.cancel, name="staff_registration_cancel"),
    path("<int:pk>/aws-calls/", views.aws_calls, name="staff_registration_aws_calls"),
]
