"""Each preflight rule on failing and passing examples, the finding format, blocking and
overrides, and building a draft from a tenant."""

from __future__ import annotations

import dataclasses

import pytest

from bench.preflight import load_cases
from compliance.preflight import (
    RULES,
    AttachmentInfo,
    Draft,
    Finding,
    Override,
    blocking,
    draft_for_tenant,
    preflight_run,
)

PORTAL = "https://portal.example"
CASES = None


def cases() -> list[dict]:
    global CASES
    if CASES is None:
        CASES = load_cases(portal=PORTAL)
    return CASES


def _base(case_id: str) -> Draft:
    return next(c["draft"] for c in cases() if c["id"] == case_id)


def _with(case_id: str, **changes) -> Draft:
    draft = _base(case_id)
    values = {**draft.values, **changes.pop("values", {})}
    return dataclasses.replace(draft, values=values, **changes)


# Failing examples for rules the labelled set does not carry a defect for.
EXTRA_FAILING = {
    "CAMPAIGN_DESCRIPTION": lambda: _with(
        "campaign-fitness",
        values={
            "campaignInfo.campaignName": "Class reminders for members who booked a class with us "
            "the day before it starts."
        },
    ),
    "EMAIL_FORMAT": lambda: _with("brand-fitness", values={"contactInfo.supportEmail": "members"}),
    "PRIVACY_URL_DOMAIN": lambda: _with(
        "tfn-parcel",
        values={"messagingUseCase.privacyPolicyUrl": "https://sites.google.example/northwind"},
    ),
    "TERMS_URL_HOSTED": lambda: _with("tfn-dental", hosted_urls={"privacy": "x"}),
    # The rules added for wordings the labelled set does not carry (more in
    # test_preflight_phrasing.py).
    "LEAD_GENERATION": lambda: _with(
        "tfn-outfitters",
        values={"messagingUseCase.useCaseDetails": "We sell qualified leads to outfitters."},
    ),
    "LEAD_GENERATION_POSSIBLE": lambda: _with(
        "tfn-outfitters",
        values={
            "messagingUseCase.useCaseDetails": "Juniper and Pine Outfitters texts hikers and "
            "matches them with local guide companies."
        },
    ),
    "LEGAL_FORM_NON_US_PUBLIC": lambda: _with(
        "brand-public", values={"companyInfo.isoCountryCode": "GB"}
    ),
    "LEGAL_FORM_US_ONLY": lambda: _with(
        "brand-shelter", values={"companyInfo.isoCountryCode": "IN"}
    ),
    "LEGAL_NAME_IS_DBA": lambda: _with(
        "brand-fitness",
        values={"companyInfo.companyName": "Cobalt Fitness"},
        brand_names=("Cobalt Fitness Studios LLC",),
    ),
    "LEGAL_NAME_SUFFIX_MISSING": lambda: _with(
        "brand-fitness",
        values={"companyInfo.companyName": "Cobalt Fitness Studios"},
        brand_names=("Cobalt Fitness Studios LLC", "Cobalt Fitness"),
    ),
    "LEGAL_NAME_UNKNOWN": lambda: _with(
        "brand-fitness",
        values={"companyInfo.companyName": "Cobalt Gyms"},
        brand_names=("Cobalt Fitness Studios LLC",),
    ),
    "MAYBE_NOT_ENGLISH": lambda: _with(
        "campaign-fitness",
        values={
            "campaignInfo.campaignName": "Enviamos recordatorios de clases y avisos de horario a "
            "los socios del gimnasio que aceptaron recibir mensajes."
        },
    ),
    "NOT_ENGLISH": lambda: _with(
        "tfn-water",
        values={
            "messagingUseCase.useCaseDetails": "Nous envoyons des avis de coupure d'eau aux "
            "clients qui se sont inscrits sur notre site."
        },
    ),
    "OPTIN_IMPLIED_CONSENT": lambda: _with(
        "tfn-parcel",
        values={
            "messagingUseCase.optInDescription": "By entering a phone number on the tracking "
            "page, recipients agree to get updates from Northwind Parcel. Up to 5 msgs per "
            "shipment. Message and data rates may apply. Reply HELP for help, STOP to cancel. "
            "Terms and privacy policy at northwindparcel.com."
        },
    ),
    "OPTIN_SMS_MAYBE_REQUIRED": lambda: _with(
        "tfn-parcel",
        values={
            "messagingUseCase.optInDescription": _base("tfn-parcel")
            .text("messagingUseCase.optInDescription")
            .replace(
                "E-mail updates are offered as an alternative.",
                "Recipients must give a mobile number to use the tracking service.",
            )
        },
    ),
    "OPTIN_THIRD_PARTY_POSSIBLE": lambda: _with(
        "tfn-parcel",
        values={
            "messagingUseCase.optInDescription": _base("tfn-parcel").text(
                "messagingUseCase.optInDescription"
            )
            + " Numbers are shared with our messaging vendor."
        },
    ),
    "PROVIDER_BRANDED": lambda: _with(
        "tfn-parcel",
        values={"messageSamples.messageSample3": "Textwise: your parcel [TrackingID] is late."},
        provider_names=("Textwise Labs Inc.",),
    ),
    "PROVIDER_MENTIONED": lambda: _with(
        "tfn-parcel",
        values={
            "messageSamples.messageSample3": "Northwind Parcel via Textwise: your parcel "
            "[TrackingID] is late."
        },
        provider_names=("Textwise Labs Inc.",),
    ),
    "PROVIDER_REGISTERED": lambda: _with(
        "tfn-parcel",
        values={"contactInfo.supportEmail": "ops@textwise.io"},
        provider_domains=("textwise.io",),
    ),
    "SAMPLE_MAYBE_PLACEHOLDER": lambda: _with(
        "tfn-parcel", values={"messageSamples.messageSample3": "Northwind Parcel: [Message]"}
    ),
    "SAMPLE_PLACEHOLDER_TEXT": lambda: _with(
        "tfn-parcel", values={"messageSamples.messageSample3": "Test message for Northwind Parcel"}
    ),
    "OPTIN_CONFIRMATION_FREQUENCY": lambda: _with(
        "shortcode-pharmacy",
        values={
            "keywordResponses.confirmationMessage": "Pinecrest Pharmacy: you're signed up for "
            "refill alerts. Msg & data rates may apply. Reply HELP for help, STOP to cancel."
        },
    ),
    "PRIVACY_POLICY_SHARES": lambda: _with(
        "tfn-parcel",
        pages={
            "privacy": "We may share your name and mobile number with our marketing partners "
            "and affiliates."
        },
    ),
    "SAMPLE_BRAND_SENDER_ID": lambda: _with(
        "sid-indonesia",
        values={
            "messageSamples.messageSample1": "Kode login Anda [Code]. Jangan bagikan kode ini."
        },
    ),
    "TAX_ID_COUNTRY": lambda: _with(
        "brand-fitness", values={"companyInfo.taxIdIssuingCountry": "DE"}
    ),
    "TAX_ID_FORMAT": lambda: _with(
        "brand-fitness",
        values={
            "companyInfo.taxIdIssuingCountry": "CA",
            "companyInfo.isoCountryCode": "CA",
            "companyInfo.taxId": "123456789RT0001",
        },
    ),
    "VOLUME_IMPLAUSIBLE": lambda: _with(
        "sid-indonesia", values={"messagingUseCase.monthlyMessageVolume": "10,000,000+"}
    ),
    "VOLUME_OVER_TOLL_FREE_THROUGHPUT": lambda: _with(
        "tfn-parcel", values={"messagingUseCase.monthlyMessageVolume": "10,000,000+"}
    ),
    "SAMPLE_PLACEHOLDER_MASKED": lambda: _with(
        "tfn-parcel",
        values={"messageSamples.messageSample3": "Northwind Parcel: your code is XXXX."},
    ),
    "RESTRICTED_CONTENT_POSSIBLE": lambda: _with(
        "tfn-outfitters",
        values={
            "messageSamples.messageSample2": "Juniper & Pine Outfitters: rifles and pistols are "
            "back in stock. Reply STOP to end."
        },
    ),
    "PRIVACY_URL_HTTPS": lambda: _with(
        "tfn-parcel",
        values={"messagingUseCase.privacyPolicyUrl": "http://www.northwindparcel.com/privacy"},
    ),
    "EMBEDDED_ATTRIBUTE_UNUSED": lambda: _with(
        "campaign-fitness", values={"campaignUseCase.embeddedPhone": "Yes"}
    ),
    "OPTIN_IMAGE_DEGRADED": lambda: _with(
        "tfn-parcel",
        attachments={
            "messagingUseCase.optInImage": AttachmentInfo("image/jpeg", 9_000, 160, 120),
        },
    ),
    "PASSCODE_OUTSIDE_OTP": lambda: _with(
        "campaign-cafe",
        values={
            "messageSamples.messageSample2": "Your verification code is [Code]. Reply STOP to "
            "opt out."
        },
    ),
    "SENDER_ID_LOA": lambda: _with(
        "sid-indonesia", values={"senderIdInfo.registeringOnBehalf": "True"}
    ),
    "TAX_ID_COUNTRY_OTHER": lambda: _with(
        "brand-fitness",
        values={"companyInfo.isoCountryCode": "CA", "companyInfo.taxIdIssuingCountry": "US"},
    ),
    "TERMS_URL": lambda: _with(
        "tfn-water", values={"messagingUseCase.termsAndConditionsUrl": "harborcitywater terms"}
    ),
    "PHONE_NUMBER_UNKNOWN": lambda: _with(
        "tfn-parcel", values={"contactInfo.supportPhoneNumber": "+10005550100"}
    ),
    "USE_CASE_CATEGORY_MISMATCH": lambda: _with(
        "tfn-parcel",
        values={
            "messagingUseCase.useCaseDetails": "Northwind Parcel sends coupons, seasonal "
            "discounts and flash sale offers to its shoppers."
        },
    ),
    "EMBEDDED_PHONE_OWN_LINE": lambda: _with(
        "campaign-fitness",
        values={
            "messageSamples.messageSample2": "Cobalt Fitness: pool closed today. Call us at "
            "720-555-0190 to move your swim lesson."
        },
    ),
    "USE_CASE_SENDER_MISMATCH": lambda: _with(
        "campaign-fitness", values={"campaignUseCase.useCase": "HIGHER_EDUCATION"}
    ),
    "USE_CASE_DESCRIPTION_MISMATCH": lambda: _with(
        "shortcode-pharmacy",
        values={
            "useCase.programDescription": "Pinecrest Pharmacy sends voters its polls and "
            "surveys about the city council race."
        },
    ),
    # the alcohol sample of tfn-alcohol, behind an age gate the opt-in describes
    "AGE_GATED_CONTENT_CHECK": lambda: _with(
        "tfn-alcohol",
        values={
            "messagingUseCase.optInDescription": _base("tfn-alcohol").values[
                "messagingUseCase.optInDescription"
            ]
            + " The page asks for a date of birth and admits only shoppers 21 or older."
        },
    ),
}


def failing_examples(rule_id: str) -> list[Draft]:
    found = [c["draft"] for c in cases() if c["expect"] == rule_id]
    if rule_id in EXTRA_FAILING:
        found.append(EXTRA_FAILING[rule_id]())
    return found


@pytest.fixture(autouse=True)
def _portal(settings):
    settings.PORTAL_BASE_URL = PORTAL


def test_every_rule_is_fully_described():
    assert len(RULES) == 100
    for rule in RULES.values():
        assert rule.severity in ("error", "warning"), rule.id
        assert rule.families, rule.id
        assert rule.field_paths and all(rule.field_paths), rule.id
        assert rule.message.endswith("."), rule.id
        assert rule.fix_hint and rule.source, rule.id


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_catches_its_failing_examples(rule_id):
    examples = failing_examples(rule_id)
    assert examples, f"{rule_id} has no failing example"
    for draft in examples:
        findings = [f for f in preflight_run(draft) if f.rule_id == rule_id]
        assert findings, (rule_id, draft.values)
        assert {f.severity for f in findings} == {RULES[rule_id].severity}


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_passes_every_compliant_registration(rule_id):
    compliant = [c for c in cases() if c["expect"] == "compliant"]
    applicable = [c for c in compliant if c["draft"].family in RULES[rule_id].families]
    assert applicable, f"{rule_id} has no passing example"
    for case in applicable:
        assert [f for f in preflight_run(case["draft"]) if f.rule_id == rule_id] == [], case["id"]


def test_a_finding_says_where_what_how_and_why():
    draft = _with(
        "tfn-parcel", values={"messageSamples.messageSample2": "See https://bit.ly/abc now, ok?"}
    )
    finding = next(f for f in preflight_run(draft) if f.rule_id == "LINK_SHORTENER")
    assert finding == Finding(
        rule_id="LINK_SHORTENER",
        severity="error",
        field_paths=("messageSamples.messageSample2",),
        message="A message uses a public link shortener. (bit.ly)",
        fix_hint="Use full links on your own domain, or a shortener on a custom domain you own.",
        source="AWS SMS User Guide, 10DLC campaign registration form (seed-001 digest §2.5)",
    )


def test_errors_come_before_warnings():
    draft = _with(
        "tfn-water",
        values={
            "messagingUseCase.useCaseDetails": "Alerts.",
            "contactInfo.supportPhoneNumber": "253-555-0110",
        },
    )
    assert [(f.rule_id, f.severity) for f in preflight_run(draft)] == [
        ("PHONE_E164", "error"),
        ("USE_CASE_DETAILS", "warning"),
    ]


def test_blocking_keeps_errors_unless_overridden_with_a_reason():
    draft = _with(
        "tfn-water",
        values={
            "messagingUseCase.useCaseDetails": "Alerts.",
            "contactInfo.supportPhoneNumber": "253-555-0110",
        },
    )
    findings = preflight_run(draft)
    assert [f.rule_id for f in blocking(findings)] == ["PHONE_E164"]  # warnings never block
    assert blocking(findings, {"PHONE_E164": "Verified by phone with the customer."}) == []
    assert [f.rule_id for f in blocking(findings, {"PHONE_E164": "   "})] == ["PHONE_E164"]
    only_other_field = Override("PHONE_E164", "ok", field_path="contactInfo.supportEmail")
    assert [f.rule_id for f in blocking(findings, [only_other_field])] == ["PHONE_E164"]
    same_field = Override("PHONE_E164", "ok", field_path="contactInfo.supportPhoneNumber")
    assert blocking(findings, [same_field]) == []


def test_unknown_types_get_no_findings():
    assert preflight_run(Draft(registration_type="TEST_RCS_LAUNCH_REGISTRATION", values={})) == []


def test_sender_id_country_override_india_is_exactly_six():
    draft = _with("sid-india", values={"senderIdInfo.senderId": "KIRAN"})
    assert [f.message for f in preflight_run(draft) if f.rule_id == "SENDER_ID_FORMAT"] == [
        "The sender ID does not have a valid format for this country. (“KIRAN” has 5 characters)"
    ]


def test_attachment_facts_drive_the_image_rules():
    ok = _with(
        "tfn-otp",
        attachments={"messagingUseCase.optInImage": AttachmentInfo("image/png", 400 * 1024)},
    )
    assert not [f for f in preflight_run(ok) if f.rule_id.startswith("OPTIN_IMAGE")]


@pytest.mark.django_db
def test_draft_for_tenant_uses_profile_program_and_published_pages(published_a, tenant_a):
    values = dict(_base("tfn-parcel").values)
    values["messagingUseCase.privacyPolicyUrl"] = f"{PORTAL}/p/acme/privacy/"
    values["messagingUseCase.termsAndConditionsUrl"] = f"{PORTAL}/p/bravo/terms/"
    draft = draft_for_tenant(
        tenant=tenant_a, registration_type="US_TOLL_FREE_REGISTRATION", values=values
    )
    assert draft.brand_names == ("Acme Anvils Inc.", "Acme Anvils", "Acme Order Alerts")
    assert draft.hosted_urls == {
        "terms": f"{PORTAL}/p/acme/terms/",
        "privacy": f"{PORTAL}/p/acme/privacy/",
        "opt_in": f"{PORTAL}/p/acme/opt-in/",
    }
    hosted = [f.rule_id for f in preflight_run(draft) if f.rule_id.endswith("_HOSTED")]
    assert hosted == ["TERMS_URL_HOSTED"]


@pytest.mark.django_db
def test_draft_for_tenant_carries_the_provider_identity(tenant_a):
    from tenants.models import ProviderProfile

    ProviderProfile.objects.create(
        legal_name="Textwise Labs Inc.",
        dba_name="Textwise",
        website="https://www.textwise.io",
        support_email="help@textwise.io",
        contact_email="ops@mail.textwise-corp.com",
    )
    values = dict(_base("tfn-parcel").values)
    values["companyInfo.website"] = "https://textwise.io/customers/northwind"
    draft = draft_for_tenant(
        tenant=tenant_a, registration_type="US_TOLL_FREE_REGISTRATION", values=values
    )
    assert draft.provider_names == ("Textwise Labs Inc.", "Textwise")
    assert draft.provider_domains == ("textwise.io", "mail.textwise-corp.com", "portal.example")
    assert [f.field_paths for f in preflight_run(draft) if f.rule_id == "PROVIDER_REGISTERED"] == [
        ("companyInfo.website",)
    ]
    # The provider's own program: its identity is the brand, not a mistake.
    own = draft_for_tenant(
        tenant=tenant_a,
        registration_type="US_TOLL_FREE_REGISTRATION",
        values=values,
        provider_program=True,
    )
    assert (own.provider_names, own.provider_domains) == ((), ())
    assert own.brand_names[:2] == ("Textwise Labs Inc.", "Textwise")
    assert not [f for f in preflight_run(own) if f.rule_id.startswith("PROVIDER_")]
