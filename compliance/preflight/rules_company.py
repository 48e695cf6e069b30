"""Rules on company and contact data: website, e-mail domain, phone format, country, tax ID."""

from __future__ import annotations

import re

import phonenumbers
import pycountry

from compliance.preflight import sources
from compliance.preflight.domains import same_organisation
from compliance.preflight.engine import Draft, Violation, rule
from compliance.preflight.fields import (
    COUNTRY,
    SUPPORT_EMAIL,
    SUPPORT_PHONE,
    USE_CASE_TEXT,
    WEBSITE,
)
from compliance.preflight.rules_samples import FORMS_WITHOUT_SAMPLES
from compliance.preflight.text import (
    FREE_MAIL,
    LIST_LOCAL_PARTS,
    email_domain,
    host_of,
    is_shortener,
)

COMPANY = frozenset({"tfn", "brand", "sender_id", "short_code"})


def _path(mapping: dict[str, str], draft: Draft) -> str | None:
    return mapping.get(draft.family)


@rule(
    "WEBSITE_FORMAT",
    severity="error",
    families=COMPANY,
    field_paths=tuple(sorted(set(WEBSITE.values()))),
    message="The company website is not a full web address.",
    fix_hint="Give the public address of the company's own site, starting with https://.",
    source=sources.TFN_REJECTIONS,
)
def _website(draft: Draft):
    path = _path(WEBSITE, draft)
    value = draft.text(path) if path else ""
    if not value:
        return  # presence is the catalog's REQUIRED check
    if not re.match(r"(?i)^https?://[^\s/]+\.[^\s/]+", value) or is_shortener(value):
        yield Violation((path,))


@rule(
    "EMAIL_FREE_DOMAIN",
    severity="error",
    families=COMPANY,
    field_paths=tuple(sorted(set(SUPPORT_EMAIL.values()) | {"companyInfo.businessContactEmail"})),
    message="The contact e-mail uses a free mail provider instead of the company's domain.",
    fix_hint="Use an address on the company's own domain (the one of its website).",
    source=sources.CAMPAIGN_REJECTIONS,
)
def _free_mail(draft: Draft):
    for path in (_path(SUPPORT_EMAIL, draft), "companyInfo.businessContactEmail"):
        if path and email_domain(draft.text(path)) in FREE_MAIL:
            yield Violation((path,), f"({email_domain(draft.text(path))})")


@rule(
    "EMAIL_DISTRIBUTION_LIST",
    severity="warning",
    families={"tfn"},
    field_paths=("contactInfo.supportEmail",),
    message="The contact e-mail looks like a distribution list or an unattended address.",
    fix_hint="The toll-free contact may not be a distribution list; give a monitored mailbox.",
    source=sources.TFN_BLOG,
)
def _distribution(draft: Draft):
    value = draft.text("contactInfo.supportEmail")
    if "@" in value and value.split("@")[0].lower() in LIST_LOCAL_PARTS:
        yield Violation(("contactInfo.supportEmail",))


@rule(
    "EMAIL_FORMAT",
    severity="error",
    families=COMPANY,
    field_paths=tuple(sorted(set(SUPPORT_EMAIL.values()))),
    message="The contact e-mail is not an e-mail address.",
    fix_hint="Give a monitored address such as help@yourcompany.com.",
    source=sources.CATALOG,
)
def _email_format(draft: Draft):
    path = _path(SUPPORT_EMAIL, draft)
    value = draft.text(path) if path else ""
    if value and not re.match(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$", value):
        yield Violation((path,))


@rule(
    "PHONE_E164",
    severity="error",
    families=COMPANY,
    field_paths=tuple(sorted(set(SUPPORT_PHONE.values()))),
    message="The support phone number is not in E.164 form.",
    fix_hint="Write it as + and digits only, e.g. +12065550142 (no spaces or dashes).",
    source=sources.TFN_FORM,
)
def _phone(draft: Draft):
    path = _path(SUPPORT_PHONE, draft)
    value = draft.text(path) if path else ""
    if not value:
        return
    ok = bool(re.fullmatch(r"\+[1-9]\d{7,14}", value))
    if ok:
        try:
            ok = phonenumbers.is_valid_number(phonenumbers.parse(value, None))
        except phonenumbers.NumberParseException:
            ok = False
    if not ok:
        yield Violation((path,), f"(“{value}”)" if value else "")


@rule(
    "COUNTRY_CODE",
    severity="error",
    families=COMPANY,
    field_paths=tuple(sorted(set(COUNTRY.values()))),
    message="The country is not a two-letter ISO 3166 code.",
    fix_hint="Use the two-letter code in capitals, e.g. US, CA, GB.",
    source=sources.TFN_FORM,
)
def _country(draft: Draft):
    path = _path(COUNTRY, draft)
    value = draft.text(path) if path else ""
    if value and not (re.fullmatch(r"[A-Z]{2}", value) and pycountry.countries.get(alpha_2=value)):
        yield Violation((path,), f"(“{value}”)" if value else "")


@rule(
    "TAX_ID_EIN",
    severity="error",
    families={"brand"},
    field_paths=("companyInfo.taxId", "companyInfo.taxIdIssuingCountry"),
    message="A US tax ID must be the 9-digit EIN.",
    fix_hint="Enter the EIN exactly as the IRS issued it, e.g. 12-3456789.",
    source=sources.BRAND,
)
def _ein(draft: Draft):
    us = draft.text("companyInfo.taxIdIssuingCountry") == "US"
    if us and not re.fullmatch(r"\d{2}-?\d{7}", draft.text("companyInfo.taxId")):
        yield Violation(("companyInfo.taxId",))


@rule(
    "PUBLIC_COMPANY_FIELDS",
    severity="error",
    families={"brand"},
    field_paths=(
        "companyInfo.legalType",
        "companyInfo.stockSymbol",
        "companyInfo.stockExchange",
        "companyInfo.businessContactEmail",
    ),
    message="A publicly traded company needs its stock symbol, exchange and a verification e-mail.",
    fix_hint="Fill in the symbol, the exchange and a personal e-mail on the company domain.",
    source=sources.BRAND,
)
def _public(draft: Draft):
    if draft.text("companyInfo.legalType") != "PUBLIC_PROFIT":
        return
    missing = [
        p
        for p in ("companyInfo.stockSymbol", "companyInfo.businessContactEmail")
        if not draft.text(p)
    ]
    if draft.text("companyInfo.stockExchange") in ("", "NONE"):
        missing.append("companyInfo.stockExchange")
    if missing:
        yield Violation(tuple(missing))


@rule(
    "PUBLIC_CONTACT_DOMAIN",
    severity="error",
    families={"brand"},
    field_paths=("companyInfo.businessContactEmail", "contactInfo.website"),
    message="The verification e-mail of a public company is not on the company's domain.",
    fix_hint="The Campaign Registry e-mails this address; it must be on the company domain.",
    source=sources.BRAND,
)
def _public_domain(draft: Draft):
    email = draft.text("companyInfo.businessContactEmail")
    site = host_of(draft.text("contactInfo.website"))
    domain = email_domain(email)
    if email and site and domain not in FREE_MAIL and not same_organisation(domain, site):
        yield Violation(("companyInfo.businessContactEmail",), f"({domain} vs {site})")


@rule(
    "USE_CASE_DETAILS",
    severity="warning",
    families={"tfn", "sender_id", "short_code"},
    field_paths=(
        "messagingUseCase.useCaseDetails",
        "messagingUseCase.useCaseDescription",
        "useCase.companyOverview",
    ),
    message="The use case description is too short for a reviewer without context.",
    fix_hint="Say who sends, to whom, why and how often, in plain English (40+ characters).",
    source=sources.TFN_BLOG,
)
def _use_case_details(draft: Draft):
    if draft.registration_type in FORMS_WITHOUT_SAMPLES:
        return  # that form has no use case description field
    path = USE_CASE_TEXT[draft.family]
    if len(draft.text(path)) < 40:
        yield Violation((path,))
