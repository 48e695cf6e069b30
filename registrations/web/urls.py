"""Tenant pages for registrations, under /t/<tenant_slug>/registrations/."""

from django.urls import path

from registrations.web import views, wizard

urlpatterns = [
    path("", views.registration_list, name="registration_list"),
    path("start/", views.registration_start, name="registration_start"),
    path("aws-account/", views.aws_account_connect, name="aws_account_connect"),
    path("senders/request/", views.sender_request, name="sender_request"),
    path("<int:pk>/", views.registration_detail, name="registration_detail"),
    path("<int:pk>/step/<int:step>/", wizard.registration_step, name="registration_step"),
    path("<int:pk>/autosave/", wizard.registration_autosave, name="registration_autosave"),
    path("<int:pk>/evidence/", wizard.registration_evidence, name="registration_evidence"),
    path("<int:pk>/review/", wizard.registration_review, name="registration_review"),
    path("<int:pk>/submit/", wizard.registration_submit, name="registration_submit"),
    path("<int:pk>/cancel/", wizard.registration_cancel, name="registration_cancel"),
    path("<int:pk>/amend/", views.registration_amend, name="registration_amend"),
    path("<int:pk>/discard/", views.registration_discard, name="registration_discard"),
    path("<int:pk>/delete/", views.registration_delete, name="registration_delete"),
    path("<int:pk>/files/<int:attachment_id>/", views.registration_file, name="registration_file"),
]
