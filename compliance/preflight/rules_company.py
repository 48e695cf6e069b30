"""Rules on company and contact data: website, e-mail domain, phone format, country, tax ID."""

from __future__ import annotations

import re

import phonenumbers
import pycountry

from compliance.preflight import sources
from compliance.preflight.domains import named_after, registrable, same_organisation
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
    elif re.search(r"\s", value.strip()) or not_public_site(value):
        yield Violation((path,), f"({host_of(value) or value} is not a public website)")


_PLACEHOLDER_SITES = re.compile(
    r"(?i)^(?:(?:your|my|the|our)[-]?(?:website|site|domain|company|business|companyname|brand)"
    r"|website|domain|companyname|placeholder|changeme|todo|tbd|n-?a|none)$"
)


def not_public_site(url: str) -> bool:
    """An address no reviewer can open: an IP address, localhost, a name that does not resolve
    on the internet (RFC 2606 .test, .invalid, .localhost; .local, .internal, .lan) or a
    placeholder domain (yourwebsite.com). example.com opens (it is the documents' own example)
    and is left to the reviewer."""
    host = host_of(url)
    if not host or "." not in host:
        return True
    if re.fullmatch(r"[\d.]+|\[?[0-9a-f:]+\]?", host):
        return True  # an IP address (public ones are not a company site either)
    labels = host.split(".")
    if labels[-1] in ("test", "invalid", "localhost", "local", "internal", "lan"):
        return True
    domain = registrable(host)
    return bool(_PLACEHOLDER_SITES.match(domain.split(".", 1)[0] if domain else labels[0]))


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
    if not re.fullmatch(r"\+[1-9]\d{7,14}", value):
        yield Violation((path,), f"(“{value}”)")


# The numbering plans change and a library's copy lags behind them: a number in E.164 form that
# the library does not know is a warning, not a block.
@rule(
    "PHONE_NUMBER_UNKNOWN",
    severity="warning",
    families=COMPANY,
    field_paths=tuple(sorted(set(SUPPORT_PHONE.values()))),
    message="The support phone number is not a number of its country's numbering plan.",
    fix_hint="Check the country code and the digits; staff confirm numbers the plan does not list.",
    source=sources.TFN_FORM,
)
def _phone_known(draft: Draft):
    path = _path(SUPPORT_PHONE, draft)
    value = draft.text(path) if path else ""
    if not re.fullmatch(r"\+[1-9]\d{7,14}", value):
        return
    try:
        ok = phonenumbers.is_valid_number(phonenumbers.parse(value, None))
    except phonenumbers.NumberParseException:
        ok = False
    if not ok:
        yield Violation((path,), f"(“{value}”)")


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
    families={"brand", "tfn", "short_code"},
    field_paths=(
        "companyInfo.taxId",
        "companyInfo.taxIdIssuingCountry",
        "companyInfo.taxIdAuthority",
    ),
    message="A US tax ID must be the 9-digit EIN.",
    fix_hint="Enter the EIN the IRS issued, as its 9 digits, e.g. 123456789.",
    source=sources.BRAND,
)
def _ein(draft: Draft):
    value = draft.text("companyInfo.taxId")
    if draft.family == "brand":
        us = draft.text("companyInfo.taxIdIssuingCountry") == "US"
    elif draft.family == "short_code":  # the company tax ID, the EIN for a US company
        country = draft.text("companyInfo.isoCountryCode").upper()
        us = country == "US" or (not country and _us_address(draft))
    else:  # toll-free: the ID's authority says it is an EIN
        us = draft.text("companyInfo.taxIdAuthority") == "EIN"
    if us and value and not re.fullmatch(r"\d{2}-?\d{7}", value):
        yield Violation(("companyInfo.taxId",), f"(“{value}”)")


_US_ADDRESS_END = re.compile(r"\b([A-Z]{2})\s+\d{5}(?:-\d{4})?\s*(?:,?\s*(?:US|USA))?\s*$")


def _us_address(draft: Draft) -> bool:
    """True when the company's address, in its fields or on one line, ends in a US state and
    ZIP code ("…, Reno, NV 89501")."""
    state = draft.text("companyInfo.state").strip().upper()
    zip_code = draft.text("companyInfo.zipCode").strip()
    if state and zip_code:
        line = f"{state} {zip_code}"
    else:
        line = draft.text("companyInfo.address") or draft.text("companyInfo.address1")
    found = _US_ADDRESS_END.search(line.strip())
    return bool(found and pycountry.subdivisions.get(code=f"US-{found.group(1)}"))


# The countries whose authority issues each kind of company ID the toll-free form offers.
AUTHORITY_COUNTRIES = {
    "EIN": {"US", "PR", "VI", "GU", "AS", "MP"},
    "CBN": {"CA"},
    "PROVINCIAL_NUMBER": {"CA"},
    "NEQ": {"CA"},
    "ACN": {"AU"},
    "ABN": {"AU"},
    "SIREN": {"FR"},
    "SIRET": {"FR"},
    "NZBN": {"NZ"},
    "USt-IdNr": {"DE"},
    "CIF": {"ES"},
    "NIF": {"ES", "PT"},
    "CNPJ": {"BR"},
    "UID": {"AT", "CH", "LI"},
}
# A VAT number is issued by many countries; the United States (and its territories) issue none.
NO_VAT = AUTHORITY_COUNTRIES["EIN"]


@rule(
    "TAX_ID_COUNTRY",
    severity="error",
    families={"brand", "tfn"},
    field_paths=(
        "companyInfo.taxIdAuthority",
        "companyInfo.taxIdCountry",
        "companyInfo.taxIdIssuingCountry",
        "companyInfo.isoCountryCode",
    ),
    message="The tax ID's issuing country does not fit the company or the kind of ID.",
    fix_hint="A US-based company registers with its IRS EIN (issuing country US); give the ID "
    "type of the country that issued the number.",
    source=sources.BRAND,
)
def _tax_country(draft: Draft):
    if draft.family == "tfn":
        authority = draft.text("companyInfo.taxIdAuthority")
        country = draft.text("companyInfo.taxIdCountry").upper()
        allowed = AUTHORITY_COUNTRIES.get(authority)
        wrong = (allowed and country not in allowed) or (authority == "VAT" and country in NO_VAT)
        if authority and country and wrong:
            yield Violation(
                ("companyInfo.taxIdAuthority", "companyInfo.taxIdCountry"),
                f"({authority} issued in {country})",
            )
        return
    issuing = draft.text("companyInfo.taxIdIssuingCountry").upper()
    based = draft.text("companyInfo.isoCountryCode").upper()
    # A US-based organisation's tax ID is its IRS EIN (seed-001 §2.3): the IRS issues it.
    if (
        issuing
        and based in AUTHORITY_COUNTRIES["EIN"]
        and issuing not in AUTHORITY_COUNTRIES["EIN"]
    ):
        yield Violation(
            ("companyInfo.taxIdIssuingCountry", "companyInfo.isoCountryCode"),
            f"({issuing} for a US company)",
        )


@rule(
    "TAX_ID_COUNTRY_OTHER",
    severity="warning",
    families={"brand", "tfn"},
    field_paths=(
        "companyInfo.taxIdCountry",
        "companyInfo.taxIdIssuingCountry",
        "companyInfo.isoCountryCode",
    ),
    message="The tax ID was issued in another country than the one the company is based in.",
    fix_hint="Give the tax ID of the country where the company is registered; staff confirm a "
    "foreign registration.",
    source=sources.BRAND,
)
def _tax_country_other(draft: Draft):
    path = (
        "companyInfo.taxIdIssuingCountry" if draft.family == "brand" else "companyInfo.taxIdCountry"
    )
    issuing = draft.text(path).upper()
    based = draft.text("companyInfo.isoCountryCode").upper()
    if not issuing or not based or issuing == based:
        return
    us = AUTHORITY_COUNTRIES["EIN"]
    if based in us and issuing not in us and draft.family == "brand":
        return  # TAX_ID_COUNTRY says it
    if not (based in us and issuing in us):
        yield Violation(
            (path, "companyInfo.isoCountryCode"), f"({issuing} for a company in {based})"
        )


@rule(
    "TAX_ID_FORMAT",
    severity="error",
    families={"brand", "sender_id", "tfn"},
    field_paths=("companyInfo.taxId",),
    message="The tax ID is not the number this form asks for.",
    fix_hint="Canada: the federal or provincial corporation number, not the CRA Business Number "
    "(…RT0001); Singapore: the UEN (e.g. 201912345K).",
    source=sources.BRAND_FORM,
)
def _tax_format(draft: Draft):
    value = draft.text("companyInfo.taxId").replace(" ", "").upper()
    if not value:
        return
    canada = "CA" in (
        draft.text("companyInfo.taxIdIssuingCountry").upper(),
        draft.text("companyInfo.taxIdCountry").upper(),
    )
    if draft.family == "brand" and canada and re.fullmatch(r"\d{9}-?RT-?\d{4}", value):
        yield Violation(("companyInfo.taxId",), "(a CRA Business Number)")
    if draft.registration_type.startswith("SG_") and not re.fullmatch(
        r"\d{8}[A-Z]|(?:19|20)\d{7}[A-Z]|[TSR]\d{2}[A-Z]{2}\d{4}[A-Z]", value
    ):
        yield Violation(("companyInfo.taxId",), f"(“{value}” is not a UEN)")


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
    names = [*draft.brand_names, draft.text("companyInfo.companyName")]
    if named_after(domain, [n for n in names if n]):
        return  # the company's own domain, named after it, though not its website's
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


# --- Monthly volume ------------------------------------------------------------------------------

VOLUME = {
    "tfn": "messagingUseCase.monthlyMessageVolume",
    "sender_id": "messagingUseCase.monthlyMessageVolume",
    "short_code": "useCase.monthlyVolume",  # the portal's form (registrations/shortcode.py)
}
TOLL_FREE_MONTHLY_CEILING = 3 * 60 * 60 * 24 * 31  # 3 message parts a second, a whole month


def monthly_volume(value: str) -> int | None:
    """The number a volume answer states ("10,000", "10,000,000+", "about 40 per month")."""
    found = re.search(r"\d[\d,.\s]*", value or "")
    if not found:
        return None
    digits = re.sub(r"[^\d]", "", found.group(0).split(".")[0])
    number = int(digits) if digits else None
    if number is not None and re.search(
        r"(?i)\bk\b|thousand", value[found.end() : found.end() + 10]
    ):
        number *= 1000
    return number


@rule(
    "VOLUME_OVER_TOLL_FREE_THROUGHPUT",
    severity="error",
    families={"tfn"},
    field_paths=("messagingUseCase.monthlyMessageVolume",),
    message="The monthly volume is more than a toll-free number can send (3 message parts a "
    "second).",
    fix_hint="Above 3 MPS use 10DLC or a short code; spreading traffic over several toll-free "
    "numbers is snowshoeing and gets filtered.",
    source=sources.TFN_FORM,
)
def _volume_tfn(draft: Draft):
    number = monthly_volume(draft.text(VOLUME["tfn"]))
    if number is not None and number > TOLL_FREE_MONTHLY_CEILING:
        yield Violation((VOLUME["tfn"],), f"({draft.text(VOLUME['tfn'])})")


@rule(
    "VOLUME_IMPLAUSIBLE",
    severity="warning",
    families={"sender_id", "short_code"},
    field_paths=tuple(sorted(set(VOLUME.values()))),
    message="The monthly volume is out of line with this kind of sender.",
    fix_hint="Give the volume you really expect; reviewers compare it with the business and its "
    "use case.",
    source=sources.SHORT_CODE,
)
def _volume(draft: Draft):
    path = VOLUME.get(draft.family)
    number = monthly_volume(draft.text(path)) if path else None
    if number is None:
        return
    # Sender IDs here are one-way programs of one business; a million a month is a national
    # operator's volume, far out of line with a described small program.
    if draft.family == "sender_id" and number >= 1_000_000:
        yield Violation((path,), f"({draft.text(path)})")
    if draft.family == "short_code" and number < 1_000:
        # A short code costs $650 + $995 a month and is chosen for high throughput.
        yield Violation((path,), f"({draft.text(path)})")
