"""The preflight rule engine over draft registrations (DESIGN.md section 5).

    from compliance.preflight import Draft, AttachmentInfo, preflight_run, blocking, Override
    findings = preflight_run(Draft(registration_type=..., values={...}, tenant=tenant))
    still_blocking = blocking(findings, [Override(rule_id="…", reason="…")])

`draft_for_tenant` fills the brand names and hosted page URLs from the tenant.
"""

from compliance.preflight import (  # noqa: F401  (registers the rules)
    rules_campaign,
    rules_company,
    rules_content,
    rules_identity,
    rules_optin,
    rules_samples,
    rules_sender_id,
)
from compliance.preflight.engine import (
    RULES,
    AttachmentInfo,
    Draft,
    Finding,
    Override,
    Rule,
    blocking,
    preflight_run,
    type_family,
)
from compliance.preflight.tenant import draft_for_tenant

__all__ = [
    "RULES",
    "AttachmentInfo",
    "Draft",
    "Finding",
    "Override",
    "Rule",
    "blocking",
    "draft_for_tenant",
    "preflight_run",
    "type_family",
]
