"""What AWS's definitions do not give: prefill from the business profile, the dependencies
between types, typical review times. A thin layer over the catalog, never a hard-coded form."""

from __future__ import annotations

from datetime import timedelta

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

# Typical time at AWS and the carriers (reference: toll-free up to 15 business days, sender IDs
# 2–4+ weeks, 10DLC campaigns hours to days). Used for "expected by" and "stuck" signals.
TYPICAL_REVIEW = {
    TOLL_FREE: timedelta(days=21),
    BRAND: timedelta(days=3),
    VETTING: timedelta(days=7),
    CAMPAIGN: timedelta(days=7),
    # Short codes: 8-12 weeks at the carriers, with no SLA (AWS's short code pages).
    shortcode.NAME: timedelta(weeks=12),
}
DEFAULT_REVIEW = timedelta(days=28)  # sender IDs and anything else


def typical_review(registration_type: str) -> timedelta:
    return TYPICAL_REVIEW.get(registration_type, DEFAULT_REVIEW)


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
