"""What AWS's definitions do not give: prefill from the business profile, the dependencies
between types, typical review times. A thin layer over the catalog, never a hard-coded form."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from compliance.selectors import hosted_page_field_values
from registrations import shortcode
from tenants.models import BusinessDetails

BRAND = "US_TEN_DLC_BRAND_REGISTRATION"
VETTING = "US_TEN_DLC_BRAND_VETTING"
CAMPAIGN = "US_TEN_DLC_CAMPAIGN_REGISTRATION"
TOLL_FREE = "US_TOLL_FREE_REGISTRATION"

# Types that need another registration of the tenant first: type -> (required type, why).
DEPENDENCIES = {
    VETTING: (BRAND, "Brand vetting is for an existing 10DLC brand."),
    CAMPAIGN: (BRAND, "A 10DLC campaign belongs to a registered 10DLC brand."),
}

SHORT_CODE = shortcode.NAME


@dataclass(frozen=True)
class ReviewTime:
    """How long AWS and the carriers take, as the AWS user guide and blogs state it (seed 001
    and the blog posts): `longest` calendar days, or `business_days` (weekends skipped)."""

    words: str  # shown to people, e.g. "up to 15 business days"
    longest: timedelta = timedelta(0)
    business_days: int = 0

    def calendar_bound(self) -> timedelta:
        """The longest calendar span: business days started on a Friday cross a weekend."""
        if self.business_days:
            weeks, rest = divmod(self.business_days, 5)
            return timedelta(days=weeks * 7 + rest + (2 if rest else 0))
        return self.longest

    def expected(self, start: datetime) -> datetime:
        if not self.business_days:
            return start + self.longest
        moment, left = start, self.business_days
        while left:
            moment += timedelta(days=1)
            if moment.weekday() < 5:
                left -= 1
        return moment


REVIEW_TIMES = {
    # "It can take up to 15 business days for your registration to be processed."
    TOLL_FREE: ReviewTime("up to 15 business days", business_days=15),
    # 10DLC registration process table (US-based companies): brand and vetting 1–2 business days.
    BRAND: ReviewTime("1–2 business days", business_days=2),
    VETTING: ReviewTime("1–2 business days", business_days=2),
    # "Reviews take at least 4 to 6 weeks to process" (10DLC campaign registration form).
    CAMPAIGN: ReviewTime("4–6 weeks", longest=timedelta(weeks=6)),
    # "It can take 8–12 weeks for short codes to become active on all carrier networks."
    SHORT_CODE: ReviewTime("8–12 weeks", longest=timedelta(weeks=12)),
    # Singapore: "a typical review takes 1 – 3 weeks, it may take up to 5 weeks".
    "SG_SENDER_ID_REGISTRATION": ReviewTime("1–5 weeks", longest=timedelta(weeks=5)),
    # "India can be completed in one week or less".
    "IN_SENDER_ID_REGISTRATION": ReviewTime("up to a week", longest=timedelta(weeks=1)),
}
# Sender IDs elsewhere: "In many countries, we can provide you with a Sender ID within 2–4
# weeks."
DEFAULT_REVIEW_TIME = ReviewTime("2–4 weeks", longest=timedelta(weeks=4))


def review_time(registration_type: str) -> ReviewTime:
    return REVIEW_TIMES.get(registration_type, DEFAULT_REVIEW_TIME)


# Calendar upper bounds, for the "stuck" query (compared in the database).
TYPICAL_REVIEW = {t: r.calendar_bound() for t, r in REVIEW_TIMES.items()}
DEFAULT_REVIEW = DEFAULT_REVIEW_TIME.calendar_bound()


def typical_review(registration_type: str) -> timedelta:
    return review_time(registration_type).calendar_bound()


# The last segment of a field path -> how to read it from the business profile.
def _choice(value: str) -> list[str] | None:
    return [value] if value else None


_BY_NAME = {
    "companyName": lambda p: p.legal_name,
    "dbaName": lambda p: p.dba_name,
    "website": lambda p: p.website,
    "address": lambda p: p.address_line1,
    "address1": lambda p: p.address_line1,
    "address2": lambda p: p.address_line2,
    "city": lambda p: p.city,
    "state": lambda p: p.state,
    "zipCode": lambda p: p.postal_code,
    "isoCountryCode": lambda p: p.country,
    "taxId": lambda p: p.tax_id,
    "taxIdCountry": lambda p: p.tax_id_country,
    "taxIdIssuingCountry": lambda p: p.tax_id_country,
    "taxIdAuthority": lambda p: _choice(p.tax_id_type),
    "businessType": lambda p: _choice(p.business_type),
    "legalType": lambda p: _choice(p.business_type),
    "vertical": lambda p: _choice(p.vertical),
    "stockSymbol": lambda p: p.stock_symbol,
    "stockExchange": lambda p: _choice(p.stock_exchange),
    "businessContactEmail": lambda p: p.contact_email,
    "firstName": lambda p: p.contact_first_name,
    "lastName": lambda p: p.contact_last_name,
    "supportEmail": lambda p: p.support_email,
    "supportPhoneNumber": lambda p: p.support_phone,
}


def profile_values(profile: BusinessDetails | None, field_paths: list[str]) -> dict:
    """Values for the given field paths that the business profile can answer."""
    if profile is None:
        return {}
    values = {}
    for path in field_paths:
        reader = _BY_NAME.get(path.rsplit(".", 1)[-1])
        value = reader(profile) if reader else None
        if value:
            values[path] = value
    return values


def hosted_page_values(tenant, registration_type: str) -> dict:
    """URLs of the tenant's published terms, privacy and opt-in pages for the fields asking for
    them (the compliance kit knows which fields those are)."""

    return hosted_page_field_values(tenant=tenant, registration_type=registration_type)


# The portal's own help where the catalog's hint is a compiler's note, not advice to a person.
FIELD_HELP = {
    "campaignInfo.campaignName": "A paragraph on the campaign: who sends the messages, who "
    "receives them and why (at least 40 characters).",
    "messagingUseCase.optInImage": "A screenshot or mockup of where and how people give "
    "consent: a PNG or JPEG image of at most 400 KB.",
}
_NOTES = (
    re.compile(r"(?i)\bdespite the (?:field )?path name,\s*"),
    re.compile(r"(?i)\s*\((?:console doc|note|internal)[^)]*\)"),
)


def field_help(path: str) -> str:
    return FIELD_HELP.get(path, "")


def help_plain(text: str) -> str:
    """A catalog hint without notes meant for the people who wrote the catalog."""
    for note in _NOTES:
        text = note.sub("", text)
    text = text.strip()
    return text[:1].upper() + text[1:] if text else text


# Option codes that are names as they are (stock exchanges, "SMS", "EIN").
_KEEP_CODES = frozenset(
    {"NASDAQ", "NYSE", "AMEX", "AMX", "ASX", "B3", "BME", "BSE", "FRA", "ICEX", "JPX", "JSE",
     "KRX", "LON", "NSE", "OMX", "SEHK", "SGX", "SSE", "STO", "SWX", "SZSE", "TSX", "TWSE",
     "VSE", "SMS", "MMS", "EIN", "VAT", "ABN", "ACN", "BRN", "CBN", "CRN", "NGO"}
)  # fmt: skip
_OPTION_WORDS = {
    "TWO_FACTOR_AUTHENTICATION": "Two-factor authentication (one-time passcodes)",
    "LOW_VOLUME": "Low volume mixed",
    "MIXED": "Mixed (several use cases)",
    "NGO": "Non-governmental organisation",
    "PRIVATE_PROFIT": "Private company",
    "PUBLIC_PROFIT": "Publicly traded company",
    "NON_PROFIT": "Non-profit organisation",
}


def option_title(fdef, code: str) -> str:
    """An option as people read it: AWS's own title when the catalog gives one, else the
    portal's words ("REAL_ESTATE" → "Real estate"); codes that are names stay as they are."""
    given = (fdef.option_titles or {}).get(code) if fdef is not None else None
    if given:
        return given
    if code in _OPTION_WORDS:
        return _OPTION_WORDS[code]
    if code in _KEEP_CODES or not re.fullmatch(r"[A-Z][A-Z0-9_]*", code):
        return code
    return code.replace("_", " ").capitalize()
