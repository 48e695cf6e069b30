"""Rules on whose registration it is: the provider (the ISV) registered instead of the tenant,
a contact on another company's domain, a trade name given as the legal name, a legal form only US
organisations may choose."""

from __future__ import annotations

import re

from compliance.preflight import sources
from compliance.preflight.domains import on_domains, registrable, same_organisation
from compliance.preflight.engine import ALL, Draft, Violation, rule
from compliance.preflight.fields import (
    CONFIRMATION,
    COUNTRY,
    HELP_REPLY,
    OPT_IN_TEXT,
    STOP_REPLY,
    SUPPORT_EMAIL,
    USE_CASE_TEXT,
    WEBSITE,
    samples,
)
from compliance.preflight.text import (
    FREE_MAIL,
    brand_core,
    brand_names,
    email_domain,
    mentions_brand,
)

COMPANY_NAME_PATHS = ("companyInfo.companyName", "contactInfo.dbaName")
US_AND_TERRITORIES = {"US", "PR", "VI", "GU", "AS", "MP", "UM"}


def _provider_cores(draft: Draft) -> list[str]:
    cores = []
    for name in draft.provider_names:
        core = brand_core(name)
        if core and core not in cores:
            cores.append(core)
    return cores


def _same_name(name: str, cores: list[str]) -> bool:
    core = brand_core(name)
    return bool(core) and any(
        core == other or core.replace(" ", "") == other.replace(" ", "") for other in cores
    )


def _names_in(text: str, cores: list[str]) -> bool:
    """One of the names (or its distinctive leading words) appears in the text."""
    return mentions_brand(text, cores)


def _tenant_cores(draft: Draft) -> list[str]:
    provider = _provider_cores(draft)
    return [c for c in brand_names(draft) if c not in provider]


@rule(
    "PROVIDER_REGISTERED",
    severity="error",
    families=ALL,
    field_paths=(
        *COMPANY_NAME_PATHS,
        *sorted(set(WEBSITE.values())),
        *sorted(set(SUPPORT_EMAIL.values())),
        "companyInfo.businessContactEmail",
    ),
    message="The registration carries the provider's identity instead of the tenant's business.",
    fix_hint="Register the business your recipients deal with (the tenant): its legal name, "
    "website and contact. The provider registers as itself only for its own program.",
    source=sources.ISV,
)
def _provider_registered(draft: Draft):
    cores = _provider_cores(draft)
    for path in COMPANY_NAME_PATHS:
        if cores and draft.text(path) and _same_name(draft.text(path), cores):
            yield Violation((path,), f"(“{draft.text(path)}” is the provider's name)")
    if not draft.provider_domains:
        return
    site_path = WEBSITE.get(draft.family)
    if site_path and draft.text(site_path):
        hit = on_domains(draft.text(site_path), draft.provider_domains)
        if hit:
            yield Violation((site_path,), f"({registrable(draft.text(site_path)) or hit})")
    for path in (SUPPORT_EMAIL.get(draft.family), "companyInfo.businessContactEmail"):
        value = draft.text(path) if path else ""
        if "@" in value and on_domains(value, draft.provider_domains):
            yield Violation((path,), f"({email_domain(value)} is the provider's domain)")


def _texts_sent_or_described(draft: Draft) -> list[tuple[str, str]]:
    out = samples(draft)
    for mapping in (USE_CASE_TEXT, OPT_IN_TEXT):
        path = mapping.get(draft.family)
        if path and draft.text(path):
            out.append((path, draft.text(path)))
    for mapping in (HELP_REPLY, STOP_REPLY, CONFIRMATION):
        path = mapping.get(draft.family)
        if path and draft.text(path):
            out.append((path, draft.text(path)))
    return out


@rule(
    "PROVIDER_BRANDED",
    severity="error",
    families=ALL - {"brand"},
    field_paths=("messageSamples.*", "use case, opt-in and keyword texts"),
    message="A message or description names the provider instead of the tenant's brand.",
    fix_hint="Messages must come from the tenant's brand; leave the provider's name out.",
    source=sources.ISV,
)
def _provider_branded(draft: Draft):
    cores = _provider_cores(draft)
    tenant = _tenant_cores(draft)
    if not cores:
        return
    for path, text in _texts_sent_or_described(draft):
        if _names_in(text, cores) and not (tenant and mentions_brand(text, tenant)):
            yield Violation((path,))


@rule(
    "PROVIDER_MENTIONED",
    severity="warning",
    families=ALL - {"brand"},
    field_paths=("messageSamples.*", "use case, opt-in and keyword texts"),
    message="A message or description names the provider beside the tenant's brand.",
    fix_hint="Recipients deal with the tenant; the provider's name should not appear in its "
    "messages (explain any relationship in the opt-in description).",
    source=sources.ISV,
)
def _provider_mentioned(draft: Draft):
    cores = _provider_cores(draft)
    tenant = _tenant_cores(draft)
    if not cores or not tenant:
        return
    for path, text in _texts_sent_or_described(draft):
        if _names_in(text, cores) and mentions_brand(text, tenant):
            yield Violation((path,))


@rule(
    "EMAIL_DOMAIN_MISMATCH",
    severity="warning",
    families=frozenset({"tfn", "brand", "sender_id", "short_code"}),
    field_paths=tuple(sorted(set(SUPPORT_EMAIL.values()))),
    message="The contact e-mail is on another domain than the company website's.",
    fix_hint="Reviewers check that the contact belongs to the company; use an address on its "
    "own domain.",
    source=sources.TFN_BLOG,
)
def _domain_mismatch(draft: Draft):
    path, site_path = SUPPORT_EMAIL.get(draft.family), WEBSITE.get(draft.family)
    if not path or not site_path:
        return
    email, site = draft.text(path), draft.text(site_path)
    domain = email_domain(email)
    if not domain or not site or domain in FREE_MAIL or not registrable(site):
        return
    if draft.provider_domains and on_domains(email, draft.provider_domains):
        return  # PROVIDER_REGISTERED says it
    if same_organisation(email, site):
        return
    yield Violation((path, site_path), f"({registrable(email)} vs {registrable(site)})")


_LEGAL_FORM = re.compile(
    r"(?i)(?:\b(?:inc|incorporated|llc|l\.l\.c|llp|l\.p|ltd|limited|corp|corporation|co|company|"
    r"plc|gmbh|ag|sa|s\.a|sas|srl|bv|b\.v|nv|pty|pte|pvt|sdn\s+bhd|bhd|tbk|kk|oy|ab|"
    r"pllc|pc|p\.c|dba)\b\.?\s*$|^\s*(?:pt|cv|ud)\b\.?\s+)"
)


def has_legal_form(name: str) -> bool:
    return bool(_LEGAL_FORM.search(name.strip().rstrip(".,")))


LEGAL_NAME_FAMILIES = frozenset({"tfn", "brand", "sender_id", "short_code"})


def _legal_names(draft: Draft) -> list[str]:
    """The tenant's legal names: those in a legal form, and the first name it goes by (a Draft
    lists the legal name first, as draft_for_tenant does)."""
    names = [n for n in draft.brand_names if has_legal_form(n)]
    if draft.brand_names and draft.brand_names[0] not in names:
        names.append(draft.brand_names[0])
    return names


def _trade_names(draft: Draft) -> list[str]:
    legal = set(_legal_names(draft))
    names = [n for n in draft.brand_names if n not in legal]
    for path in ("contactInfo.dbaName", "useCase.serviceName"):
        if draft.text(path):
            names.append(draft.text(path))
    return names


@rule(
    "LEGAL_NAME_IS_DBA",
    severity="error",
    families=LEGAL_NAME_FAMILIES,
    field_paths=("companyInfo.companyName", "contactInfo.dbaName"),
    message="The legal company name is the trade (DBA) name, not the name on the tax records.",
    fix_hint="Enter the legal name exactly as registered with the tax ID (e.g. with its LLC or "
    "Inc.), and the brand in “Doing Business As”.",
    source=sources.BRAND,
)
def _legal_is_dba(draft: Draft):
    name = draft.text("companyInfo.companyName")
    if not name:
        return
    legal = _legal_names(draft)
    if has_legal_form(name):
        # A trade name may itself end like a legal form ("Crumb & Co."): it is still not the
        # legal name when the tenant goes by it and its legal name (listed first) is another.
        first = draft.brand_names[0] if draft.brand_names else ""
        trade = {brand_core(n) for n in draft.brand_names[1:]} - {brand_core(first)}
        if first and brand_core(name) in trade:
            yield Violation(
                ("companyInfo.companyName",), f"(“{name}”; the legal name is “{first}”)"
            )
        return
    if not legal or any(n.strip() == name.strip() for n in legal):
        return
    # The name the tenant trades under, given where the legal name belongs. (The legal name
    # without its LLC or Inc. is LEGAL_NAME_SUFFIX_MISSING, a warning.)
    if any(brand_core(n) == brand_core(name) for n in _trade_names(draft)):
        exact = [n for n in legal if has_legal_form(n) and brand_core(n) == brand_core(name)]
        known = exact[0] if exact else legal[0]
        yield Violation(("companyInfo.companyName",), f"(“{name}”; the legal name is “{known}”)")


@rule(
    "LEGAL_NAME_SUFFIX_MISSING",
    severity="warning",
    families=LEGAL_NAME_FAMILIES,
    field_paths=("companyInfo.companyName",),
    message="The legal company name lacks the legal form it is registered with.",
    fix_hint="Enter the name exactly as on the tax records, with its LLC, Inc. or Ltd.",
    source=sources.BRAND,
)
def _legal_suffix_missing(draft: Draft):
    name = draft.text("companyInfo.companyName")
    if not name or has_legal_form(name):
        return
    legal = _legal_names(draft)
    if any(n.strip() == name.strip() for n in legal):
        return
    if any(brand_core(n) == brand_core(name) for n in _trade_names(draft)):
        return  # LEGAL_NAME_IS_DBA says it
    exact = [n for n in legal if has_legal_form(n) and brand_core(n) == brand_core(name)]
    if exact:
        yield Violation(("companyInfo.companyName",), f"(“{name}”; registered as “{exact[0]}”)")


@rule(
    "LEGAL_NAME_UNKNOWN",
    severity="warning",
    families=LEGAL_NAME_FAMILIES,
    field_paths=("companyInfo.companyName",),
    message="The legal company name is none of the tenant's known legal names.",
    fix_hint="The name must match the tax records exactly; check it against the tax ID.",
    source=sources.BRAND,
)
def _legal_unknown(draft: Draft):
    name = draft.text("companyInfo.companyName")
    if not name or has_legal_form(name):
        return
    legal = _legal_names(draft)
    known = [brand_core(n) for n in [*legal, *_trade_names(draft)]]
    if legal and brand_core(name) not in known:
        yield Violation(("companyInfo.companyName",), f"(known: “{legal[0]}”)")


@rule(
    "LEGAL_FORM_US_ONLY",
    severity="error",
    families={"brand"},
    field_paths=("companyInfo.legalType", "companyInfo.isoCountryCode"),
    message="Not-for-profit and government are legal forms for US organisations only.",
    fix_hint="An organisation based outside the US registers as Private for-profit, whatever "
    "its legal form at home.",
    source=sources.BRAND_FORM,
)
def _legal_form_us_only(draft: Draft):
    country = draft.text(COUNTRY["brand"]) or draft.text("companyInfo.taxIdIssuingCountry")
    kind = draft.text("companyInfo.legalType")
    us_only = kind in ("NON_PROFIT", "GOVERNMENT")
    if country and country.upper() not in US_AND_TERRITORIES and us_only:
        yield Violation(("companyInfo.legalType",), f"({kind} in {country})")


@rule(
    "LEGAL_FORM_NON_US_PUBLIC",
    severity="warning",
    families={"brand"},
    field_paths=("companyInfo.legalType", "companyInfo.isoCountryCode"),
    message="The guide asks organisations based outside the US to register as Private for-profit.",
    fix_hint="Choose Private for-profit unless AWS told you otherwise for a listed company.",
    source=sources.BRAND_FORM,
)
def _legal_form_public(draft: Draft):
    country = draft.text(COUNTRY["brand"]) or draft.text("companyInfo.taxIdIssuingCountry")
    if (
        country
        and country.upper() not in US_AND_TERRITORIES
        and draft.text("companyInfo.legalType") == "PUBLIC_PROFIT"
    ):
        yield Violation(("companyInfo.legalType",), f"(in {country})")
