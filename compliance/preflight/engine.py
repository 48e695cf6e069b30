"""The preflight engine: the input (`Draft`), the output (`Finding`), the rule registry,
`preflight_run` and `blocking`.

A rule names the registration types it applies to, the field paths it reads, its severity,
its message and fix hint, and the source document that requires it. Its check returns the
violations it found; each violation becomes one finding.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

Severity = Literal["error", "warning"]

TOLL_FREE = "US_TOLL_FREE_REGISTRATION"
BRAND = "US_TEN_DLC_BRAND_REGISTRATION"
CAMPAIGN = "US_TEN_DLC_CAMPAIGN_REGISTRATION"
SHORT_CODE_SUFFIX = "_SHORT_CODE_REGISTRATION"  # an AWS short code type, should one appear
# The portal's own short code application (registrations/shortcode.py): AWS has no such type.
SHORT_CODE_APPLICATION = "PORTAL_SHORT_CODE_APPLICATION"
SENDER_ID_SUFFIX = "_SENDER_ID_REGISTRATION"


def type_family(registration_type: str) -> str:
    """tfn, brand, campaign, short_code, sender_id or other."""
    if registration_type == TOLL_FREE:
        return "tfn"
    if registration_type == BRAND:
        return "brand"
    if registration_type == CAMPAIGN:
        return "campaign"
    if registration_type == SHORT_CODE_APPLICATION or registration_type.endswith(SHORT_CODE_SUFFIX):
        return "short_code"
    if registration_type.endswith(SENDER_ID_SUFFIX):
        return "sender_id"
    return "other"


@dataclass(frozen=True)
class AttachmentInfo:
    """What the engine knows of an attachment: its real type (from the content) and size."""

    content_type: str
    size_bytes: int
    width: int = 0
    height: int = 0
    source: str = "upload"  # "upload" or "hosted_evidence"


@dataclass
class Draft:
    """A draft registration as the engine sees it. `values` are keyed by the catalog's field
    paths (e.g. "messageSamples.messageSample1"); SELECT values may be lists.

    `brand_names` are the names the brand goes by (legal name, DBA, program name) when they are
    not among the values (a 10DLC campaign carries none); `hosted_urls` maps "terms", "privacy"
    and "opt_in" to the tenant's published hosted pages; `tenant_slug` lets the engine tell the
    tenant's own hosted pages from another tenant's.

    `provider_names` and `provider_domains` are the provider's (the ISV's) own identity: its
    legal and brand names, and the domains of its website, e-mail and hosted pages. They let the
    engine notice a tenant registration that carries the provider instead of the tenant. Leave
    them empty for a program the provider runs as itself. `pages` holds the text of pages the
    tenant hosts itself ("privacy", "terms"), when it is known.
    """

    registration_type: str
    values: dict[str, str | list[str]]
    tenant: Any = None
    attachments: dict[str, AttachmentInfo] = field(default_factory=dict)
    brand_names: tuple[str, ...] = ()
    hosted_urls: Mapping[str, str] = field(default_factory=dict)
    tenant_slug: str = ""
    provider_names: tuple[str, ...] = ()
    provider_domains: tuple[str, ...] = ()
    pages: Mapping[str, str] = field(default_factory=dict)

    @property
    def family(self) -> str:
        return type_family(self.registration_type)

    def text(self, path: str) -> str:
        value = self.values.get(path, "")
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return str(value or "").strip()

    def choices(self, path: str) -> list[str]:
        value = self.values.get(path)
        if value is None or value == "":
            return []
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]

    def paths_with_prefix(self, prefix: str) -> list[str]:
        return sorted(p for p in self.values if p.startswith(prefix) and self.text(p))


@dataclass(frozen=True)
class Finding:
    rule_id: str
    severity: Severity
    field_paths: tuple[str, ...]
    message: str
    fix_hint: str
    source: str

    def as_dict(self) -> dict:
        return {
            "rule_id": self.rule_id,
            "severity": self.severity,
            "field_paths": list(self.field_paths),
            "message": self.message,
            "fix_hint": self.fix_hint,
            "source": self.source,
        }


@dataclass(frozen=True)
class Violation:
    """What a check returns: where, and an optional detail appended to the rule's message."""

    field_paths: tuple[str, ...]
    detail: str = ""


Check = Callable[[Draft], Iterable[Violation]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    families: frozenset[str]
    field_paths: tuple[str, ...]
    message: str
    fix_hint: str
    source: str
    check: Check

    def run(self, draft: Draft) -> list[Finding]:
        if draft.family not in self.families:
            return []
        return [
            Finding(
                rule_id=self.id,
                severity=self.severity,
                field_paths=v.field_paths,
                message=f"{self.message} {v.detail}".strip(),
                fix_hint=self.fix_hint,
                source=self.source,
            )
            for v in self.check(draft)
        ]


RULES: dict[str, Rule] = {}

US = frozenset({"tfn", "campaign", "short_code"})
ALL = frozenset({"tfn", "brand", "campaign", "short_code", "sender_id"})


def rule(
    rule_id: str,
    *,
    severity: Severity,
    families: Iterable[str],
    field_paths: Iterable[str],
    message: str,
    fix_hint: str,
    source: str,
) -> Callable[[Check], Check]:
    """Registers a check function as a rule."""

    def decorator(check: Check) -> Check:
        if rule_id in RULES:
            raise ValueError(f"Duplicate preflight rule id {rule_id}")
        RULES[rule_id] = Rule(
            id=rule_id,
            severity=severity,
            families=frozenset(families),
            field_paths=tuple(field_paths),
            message=message,
            fix_hint=fix_hint,
            source=source,
            check=check,
        )
        return check

    return decorator


# Forms with no published field paths are known under more than one name: the portal's
# synthetic US short code form (sandbox/README.md) and the names taken from the short code
# application guide; the Singapore and United Kingdom sender ID forms, whose paths are built by
# analogy with the toll-free or the Indonesian form. The rules read the first name; a draft that
# uses another is read under the first, and its findings name the draft's own paths.
ALIASES: dict[str, dict[str, str]] = {
    "short_code": {
        "optIn.userExperienceFlow": "optIn.optInDescription",
        "optIn.termsUrl": "optIn.termsAndConditionsUrl",
        "optIn.privacyUrl": "optIn.privacyPolicyUrl",
        "optIn.mockup": "optIn.optInMockup",
        "optIn.methods": "optIn.optInMethods",
        "customerCare.email": "customerCare.careEmail",
        "customerCare.phone": "customerCare.carePhoneNumber",
        "customerCare.url": "customerCare.careUrl",
        "keywords.helpResponse": "keywordResponses.helpMessage",
        "keywords.stopResponse": "keywordResponses.stopMessage",
        "keywords.confirmationMessage": "keywordResponses.confirmationMessage",
        "keywords.optInKeyword": "keywordResponses.optInKeyword",
        "useCase.mms": "useCase.mmsRequested",
        "useCase.specialUses": "useCase.specialUse",
        "shortCode.option": "shortCodeService.shortCodeOption",
        "primaryContact.phone": "primaryContact.phoneNumber",
        # the guide's "Company Name (Required): Legal company name" and one-line address
        "companyInfo.legalName": "companyInfo.companyName",
        "companyInfo.address": "companyInfo.address1",
        "useCase.monthlyMessageVolume": "useCase.monthlyVolume",
        "shortCode.awsRegion": "shortCodeService.awsRegion",
    },
    "sender_id": {
        "contactInfo.supportEmail": "contactInfo.emailAddress",
        "contactInfo.supportPhoneNumber": "contactInfo.phoneNumber",
        "companyInfo.isoCountryCode": "companyAddress.isoCountryCode",
        "companyInfo.address1": "companyAddress.address1",
        "companyInfo.city": "companyAddress.city",
        "messagingUseCase.useCaseDetails": "messagingUseCase.useCaseDescription",
        "senderIdInfo.senderIdDescription": "messagingUseCase.useCaseDescription",
    },
}


# Families whose alias names form one naming scheme: a draft that uses one of them uses them all,
# so a finding at a field the draft left out names it the draft's way too.
WHOLE_SCHEME = {"short_code"}


def _canonical(draft: Draft) -> tuple[Draft, dict[str, str]]:
    """The draft under the rules' field names, and the way back to the draft's own."""
    aliases = ALIASES.get(draft.family, {})
    back: dict[str, str] = {}
    if draft.family in WHOLE_SCHEME and any(
        a in draft.values or a in draft.attachments for a in aliases
    ):
        back = {
            name: alias
            for alias, name in aliases.items()
            if name not in draft.values and name not in draft.attachments
        }  # a field the draft fills under the form's own name keeps that name
    values, attachments = dict(draft.values), dict(draft.attachments)
    for alias, name in aliases.items():
        for store in (values, attachments):
            if alias in store and name not in store:
                store[name] = store.pop(alias)
                back[name] = alias
    if not back:
        return draft, back
    return replace(draft, values=values, attachments=attachments), back


def preflight_run(draft: Draft) -> list[Finding]:
    """Every finding of every rule that applies to the draft's type, errors first."""
    canonical, back = _canonical(draft)
    findings: list[Finding] = []
    for item in RULES.values():
        findings += item.run(canonical)
    if back:
        findings = [
            replace(f, field_paths=tuple(back.get(p, p) for p in f.field_paths)) for f in findings
        ]
    return sorted(findings, key=lambda f: (f.severity != "error", f.rule_id, f.field_paths))


@dataclass(frozen=True)
class Override:
    """A staff decision to let an error pass, with the reason (required)."""

    rule_id: str
    reason: str
    field_path: str = ""  # blank: every finding of the rule

    def covers(self, finding: Finding) -> bool:
        if not self.reason.strip() or finding.rule_id != self.rule_id:
            return False
        return not self.field_path or self.field_path in finding.field_paths


def blocking(
    findings: Iterable[Finding],
    overrides: Iterable[Override] | Mapping[str, str] = (),
) -> list[Finding]:
    """The errors that still block submission. Warnings never block; an error is lifted only by
    an override with a non-blank reason. `overrides` may be Override objects or a mapping of
    rule id to reason."""
    if isinstance(overrides, Mapping):
        overrides = [Override(rule_id=k, reason=v) for k, v in overrides.items()]
    overrides = list(overrides)
    return [
        f for f in findings if f.severity == "error" and not any(o.covers(f) for o in overrides)
    ]
