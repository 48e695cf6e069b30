"""Writes of the compliance kit (services per CONVENTIONS.md)."""

from compliance.services.consent import (
    ConsentLimitExceeded,
    ConsentRejected,
    Submission,
    TenantUnavailable,
    consent_capture,
    consent_confirm,
    consent_log_append,
    consent_opt_out,
    consent_text,
    consent_throttle_prune,
    form_token_issue,
)
from compliance.services.evidence import (
    optin_evidence_capture,
    optin_evidence_render,
    optin_page_html,
)
from compliance.services.pages import hosted_page_draft, hosted_page_publish, sms_program_save
from compliance.services.templates import message_template_save, template_policy_set

__all__ = [
    "ConsentLimitExceeded",
    "ConsentRejected",
    "Submission",
    "TenantUnavailable",
    "consent_capture",
    "consent_confirm",
    "consent_log_append",
    "consent_opt_out",
    "consent_text",
    "consent_throttle_prune",
    "form_token_issue",
    "hosted_page_draft",
    "hosted_page_publish",
    "message_template_save",
    "optin_evidence_capture",
    "optin_evidence_render",
    "optin_page_html",
    "sms_program_save",
    "template_policy_set",
]
