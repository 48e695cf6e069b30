"""Every page under /staff/ (mounted by portal/urls.py). Paths and names are the console's
addresses: templates and tests reverse them by name."""

from django.urls import include, path

from staff.views import (
    accounts,
    compliance,
    dashboard,
    opt_outs,
    registrations,
    support,
    tenants,
)

tenant_patterns = [
    path("", tenants.staff_tenant_list, name="staff_tenant_list"),
    path("tenants/new/", tenants.staff_tenant_create, name="staff_tenant_create"),
    path("tenants/<slug:slug>/", tenants.staff_tenant_detail, name="staff_tenant_detail"),
    path("tenants/<slug:slug>/invite/", tenants.staff_tenant_invite, name="staff_tenant_invite"),
    path("tenants/<slug:slug>/status/", tenants.staff_tenant_status, name="staff_tenant_status"),
    path(
        "tenants/<slug:slug>/senders/<int:pk>/throughput/",
        tenants.staff_sender_throughput,
        name="staff_sender_throughput",
    ),
    path(
        "tenants/<slug:slug>/sending-setup/run/",
        tenants.staff_sending_setup_run,
        name="staff_sending_setup_run",
    ),
    path("audit/", tenants.staff_audit_log, name="staff_audit_log"),
    path("provider-profile/", tenants.staff_provider_profile, name="staff_provider_profile"),
]

registration_patterns = [
    path("", registrations.queue, name="staff_registration_queue"),
    path("pipeline/", registrations.pipeline, name="staff_registration_pipeline"),
    path("dashboard/", dashboard.dashboard, name="staff_registration_dashboard"),
    path("<int:pk>/", registrations.review, name="staff_registration_review"),
    path(
        "<int:pk>/attachments/<int:attachment_id>/",
        registrations.attachment,
        name="staff_registration_attachment",
    ),
    path("<int:pk>/approve/", registrations.approve, name="staff_registration_approve"),
    path("<int:pk>/return/", registrations.return_, name="staff_registration_return"),
    path("<int:pk>/preflight/", registrations.preflight, name="staff_registration_preflight"),
    path("<int:pk>/retry/", registrations.retry, name="staff_registration_retry"),
    path("<int:pk>/cancel/", registrations.cancel, name="staff_registration_cancel"),
    path("<int:pk>/amend/", registrations.amend, name="staff_registration_amend"),
    path("<int:pk>/discard/", registrations.discard, name="staff_registration_discard"),
    path("<int:pk>/delete/", registrations.delete, name="staff_registration_delete"),
    path("<int:pk>/aws-calls/", registrations.aws_calls, name="staff_registration_aws_calls"),
    path(
        "<int:pk>/vetting-score/",
        registrations.vetting_score,
        name="staff_registration_vetting_score",
    ),
]

compliance_patterns = [
    path("templates/", compliance.template_list, name="compliance_staff_templates"),
    path("templates/new/", compliance.template_create, name="compliance_staff_template_create"),
    path(
        "templates/<int:pk>/", compliance.template_update, name="compliance_staff_template_update"
    ),
    path(
        "tenants/<slug:slug>/template-policy/",
        compliance.template_policy,
        name="compliance_staff_template_policy",
    ),
]

messaging_patterns = [
    path("tenants/<slug:slug>/opt-outs/", opt_outs.staff_opt_outs, name="staff_opt_outs"),
    path(
        "tenants/<slug:slug>/opt-outs/change/",
        opt_outs.staff_opt_out_change,
        name="staff_opt_out_change",
    ),
]

support_patterns = [
    path("aws-accounts/provider/support/", support.account_cases, name="staff_support_cases"),
    path(
        "aws-accounts/provider/support/request/",
        support.account_request,
        name="staff_support_request",
    ),
    path(
        "aws-accounts/<int:account_id>/support/",
        support.account_cases,
        name="staff_support_cases_account",
    ),
    path(
        "aws-accounts/<int:account_id>/support/request/",
        support.account_request,
        name="staff_support_request_account",
    ),
    path("support-cases/<int:pk>/", support.case_detail, name="staff_support_case"),
    path(
        "support-cases/<int:pk>/files/<int:index>/",
        support.case_file,
        name="staff_support_case_file",
    ),
    path("support-cases/<int:pk>/act/", support.case_act, name="staff_support_case_act"),
]

aws_patterns = [
    path("", accounts.aws_account, name="staff_aws_account"),
    path("refresh/", accounts.aws_account_refresh, name="staff_aws_account_refresh"),
    path("numbers/", accounts.aws_account_numbers, name="staff_aws_account_numbers"),
    path("settings/", accounts.aws_account_settings, name="staff_aws_account_settings"),
    path("tenants/<slug:slug>/", accounts.aws_tenant_account, name="staff_aws_tenant_account"),
    path(
        "tenants/<slug:slug>/refresh/",
        accounts.aws_tenant_account_refresh,
        name="staff_aws_tenant_account_refresh",
    ),
    path(
        "tenants/<slug:slug>/numbers/",
        accounts.aws_tenant_account_numbers,
        name="staff_aws_tenant_account_numbers",
    ),
    path(
        "tenants/<slug:slug>/connect/",
        accounts.aws_tenant_account_connect,
        name="staff_aws_tenant_account_connect",
    ),
]

sender_patterns = [
    path(
        "tenants/<slug:slug>/senders/<int:pk>/",
        accounts.staff_sender_detail,
        name="staff_sender_detail",
    ),
    path(
        "tenants/<slug:slug>/senders/<int:pk>/go-live/",
        accounts.staff_sender_go_live,
        name="staff_sender_go_live",
    ),
]

urlpatterns = [
    path("", include(support_patterns)),
    path("compliance/", include(compliance_patterns)),
    path("registrations/", include(registration_patterns)),
    path("messaging/", include(messaging_patterns)),
    path("aws/", include(aws_patterns)),
    path("", include(sender_patterns)),
    path("", include(tenant_patterns)),
]
