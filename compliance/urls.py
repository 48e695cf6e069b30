"""URL patterns of the compliance kit: public pages (/p/<tenant_slug>/) and tenant pages
(/t/<tenant_slug>/compliance/); its staff pages are the staff app's (/staff/compliance/)."""

from django.urls import path

from compliance.models import PageKind
from compliance.views import public, tenant

public_patterns = [
    path("terms/", public.policy_page, {"kind": PageKind.TERMS}, name="compliance_public_terms"),
    path(
        "terms/v<int:number>/",
        public.policy_page,
        {"kind": PageKind.TERMS},
        name="compliance_public_terms_version",
    ),
    path(
        "privacy/", public.policy_page, {"kind": PageKind.PRIVACY}, name="compliance_public_privacy"
    ),
    path(
        "privacy/v<int:number>/",
        public.policy_page,
        {"kind": PageKind.PRIVACY},
        name="compliance_public_privacy_version",
    ),
    path("opt-in/", public.optin_page, name="compliance_public_opt_in"),
    path("opt-in/v<int:number>/", public.optin_page, name="compliance_public_opt_in_version"),
    path("opt-out/", public.optout_page, name="compliance_public_opt_out"),
    path("widget/", public.optin_widget, name="compliance_widget"),
    path("widget.js", public.optin_widget_script, name="compliance_widget_script"),
]

tenant_patterns = [
    path("", tenant.overview, name="compliance_overview"),
    path("program/", tenant.program_edit, name="compliance_program_edit"),
    path(
        "pages/terms/",
        tenant.page_edit,
        {"kind": PageKind.TERMS},
        name="compliance_page_edit_terms",
    ),
    path(
        "pages/privacy/",
        tenant.page_edit,
        {"kind": PageKind.PRIVACY},
        name="compliance_page_edit_privacy",
    ),
    path(
        "pages/opt-in/",
        tenant.page_edit,
        {"kind": PageKind.OPT_IN},
        name="compliance_page_edit_opt_in",
    ),
    path("consents/", tenant.consent_list, name="compliance_consent_list"),
    path("consents/export.csv", tenant.consent_export, name="compliance_consent_export"),
    path("evidence/render/", tenant.evidence_render, name="compliance_evidence_render"),
    path("evidence/<int:pk>/", tenant.evidence_download, name="compliance_evidence_download"),
]
