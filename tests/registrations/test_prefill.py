"""The registration written for the tenant (registrations/prefill.py): with a complete business
profile and a published SMS program, each US draft needs at most three required answers typed
by hand, and the fresh draft has no preflight error. Formats (phones, tax IDs) are normalised
the same way everywhere; the portal's own hosted pages never block the tenant."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from compliance import services as compliance_services
from compliance.models import OptInEvidence, PageKind
from compliance.preflight import draft_for_tenant, preflight_run
from compliance.public_address import portal_address_check
from compliance.selectors import hosted_page_latest, hosted_page_urls
from portal.phones import PhoneFormatError, phone_e164
from registrations import formats, overlay
from registrations.schema import FieldDef
from registrations.selectors import schema_for, version_values
from registrations.services import drafts
from registrations.services.guided import registrations_start
from tenants.models import Tenant
from tests.conftest import client_for
from tests.registrations.test_engine import _profile

pytestmark = pytest.mark.django_db

PROGRAM = {
    "program_name": "Example Order Alerts",
    "description": "order confirmations and delivery updates",
    "message_frequency": "Up to 4 messages per order",
    "use_cases": [{"label": "order updates"}, {"label": "delivery notices"}],
    "category": "delivery",
    "monthly_volume": 800,
}
TYPED_BY_HAND_AT_MOST = 3


def _png() -> bytes:
    image = Image.new("RGB", (900, 700), "white")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def published_program(tenant: Tenant, actor, *, evidence: bool = True) -> Tenant:
    """A complete profile, the program, its three published pages and (like the "Render the
    opt-in page" button leaves it) a finished image of the live opt-in page."""
    _profile(tenant)
    tenant = Tenant.objects.get(pk=tenant.pk)  # the profile as saved, not a cached one
    compliance_services.sms_program_save(tenant=tenant, actor=actor, data=dict(PROGRAM))
    for kind in (PageKind.TERMS, PageKind.PRIVACY, PageKind.OPT_IN):
        body, _ = compliance_services.hosted_page_draft(tenant=tenant, kind=kind)
        compliance_services.hosted_page_publish(
            tenant=tenant, actor=actor, kind=kind, body_html=body
        )
    if evidence:
        name = default_storage.save(f"evidence/{tenant.slug}/opt-in.png", ContentFile(_png()))
        OptInEvidence.objects.create(
            tenant=tenant,
            page_version=hosted_page_latest(tenant=tenant, kind=PageKind.OPT_IN),
            status=OptInEvidence.Status.DONE,
            file_name=name,
            content_type="image/png",
        )
    return tenant


def _drafts(tenant, actor):
    return [
        *registrations_start(tenant=tenant, actor=actor, goal="toll_free"),
        *registrations_start(tenant=tenant, actor=actor, goal="ten_dlc"),
    ]


def test_each_prefilled_draft_needs_at_most_three_answers_and_has_no_preflight_error(
    catalog, tenant_a, alice, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    tenant = published_program(tenant_a, alice)
    created = _drafts(tenant, alice)
    assert [r.registration_type for r in created] == [
        overlay.TOLL_FREE,
        overlay.BRAND,
        overlay.CAMPAIGN,
    ]
    for registration in created:
        version = registration.current_version
        values = version_values(version)
        left = schema_for(registration).validate(values, complete=True)
        assert len(left) <= TYPED_BY_HAND_AT_MOST, (registration.registration_type, left)
        errors = [f for f in version.preflight_findings if f["severity"] == "error"]
        assert errors == [], (registration.registration_type, errors)
    toll_free, brand, campaign = (version_values(r.current_version) for r in created)
    assert toll_free["messagingUseCase.optInImage"].startswith("attachment:")
    assert toll_free["messagingUseCase.useCaseCategory"] == ["DELIVERY_NOTIFICATIONS"]
    assert toll_free["messagingUseCase.monthlyMessageVolume"] == ["1,000"]  # 800 a month
    assert toll_free["messagingUseCase.optInType"] == ["DIGITAL_FORM"]
    assert brand["companyInfo.taxId"] == "123456789"  # the profile's "12-3456789"
    assert campaign["campaignUseCase.useCase"] == ["DELIVERY_NOTIFICATION"]
    # What only the tenant can attest is left to the tenant.
    assert "campaignUseCase.ageGated" not in campaign
    assert "campaignUseCase.directLending" not in campaign


def test_the_opt_in_description_describes_the_live_page_as_carriers_ask(
    catalog, tenant_a, alice, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    tenant = published_program(tenant_a, alice)
    [registration] = registrations_start(tenant=tenant, actor=alice, goal="toll_free")
    text = version_values(registration.current_version)["messagingUseCase.optInDescription"]
    urls = hosted_page_urls(tenant=tenant)
    facts = hosted_page_latest(tenant=tenant, kind=PageKind.OPT_IN).program
    assert urls["opt_in"] in text  # where
    assert "type their mobile number" in text and "unchecked box" in text  # how
    # The exact consent text beside the box, as the page shows it.
    assert (
        "Yes, send me order updates text messages from Example (Example Order Alerts) "
        "at the number above." in text
    )
    assert facts["frequency"] in text
    assert "Message and data rates may apply." in text
    assert "HELP" in text and "STOP" in text
    assert urls["terms"] in text and urls["privacy"] in text
    assert len(text) <= 1500


def test_one_sample_per_kind_of_message_with_brand_and_opt_out(
    catalog, tenant_a, alice, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    tenant = published_program(tenant_a, alice)
    [registration] = registrations_start(tenant=tenant, actor=alice, goal="toll_free")
    values = version_values(registration.current_version)
    samples = [values[p] for p in sorted(values) if p.startswith("messageSamples.")]
    assert len(samples) == len(PROGRAM["use_cases"])
    for sample, use_case in zip(samples, PROGRAM["use_cases"], strict=True):
        assert sample.startswith("Example ")
        assert use_case["label"] in sample
        assert sample.endswith("Reply STOP to opt out.")
    assert len(set(samples)) == len(samples)  # two kinds, two different messages


def test_each_sample_speaks_of_its_own_kind_of_message():
    from registrations import prefill

    facts = {
        "brand": "Cedar Clinic",
        "use_cases": [{"label": "appointment reminders"}, {"label": "verification codes"}],
    }
    reminder, code = prefill.samples(facts, "account")
    assert reminder.startswith("Cedar Clinic appointment reminders: Reminder: your appointment")
    assert "verification code is" in code
    assert prefill.samples({**facts, "use_cases": [{"label": "news"}]}, "") == [
        "Cedar Clinic news: Here is your update about news. Reply STOP to opt out."
    ]


def test_without_a_published_program_nothing_is_invented(catalog, tenant_a, alice):
    _profile(tenant_a)
    [registration] = registrations_start(tenant=tenant_a, actor=alice, goal="toll_free")
    values = version_values(registration.current_version)
    assert "messagingUseCase.optInDescription" not in values
    assert "messageSamples.messageSample1" not in values
    assert values["companyInfo.companyName"] == "Example Corp"


# --- Formats -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["+1 206 555 0100", "(206) 555-0100", "206.555.0100", "+12065550100", "001 206 555 0100"],
)
def test_phone_numbers_written_any_common_way_become_e164(typed):
    assert phone_e164(typed) == "+12065550100"


@pytest.mark.parametrize("typed", ["", "12", "call me", "+1 555"])
def test_a_number_that_is_not_one_says_what_to_fix(typed):
    with pytest.raises(PhoneFormatError) as refused:
        phone_e164(typed)
    assert "phone number" in str(refused.value)


PHONE = FieldDef(
    path="contactInfo.supportPhoneNumber",
    section="contactInfo",
    type="TEXT",
    requirement="REQUIRED",
    pattern=r"^\+[1-9][0-9]{1,18}$",
)
TAX_ID = FieldDef(
    path="companyInfo.taxId",
    section="companyInfo",
    type="TEXT",
    requirement="REQUIRED",
    pattern=r"^[A-Za-z0-9]+$",
)


def test_formats_follow_the_fields_own_patterns():
    assert formats.normalise(PHONE, "(206) 555-0100") == "+12065550100"
    assert formats.normalise(TAX_ID, "12-3456789") == "123456789"
    assert formats.normalise(TAX_ID, "12 345 6789") == "123456789"
    # What no rewriting fixes is left for the field's own check to report.
    assert formats.normalise(PHONE, "call me") == "call me"
    assert formats.normalise(TAX_ID, "12#3456789") == "12#3456789"
    # Only identifiers lose their separators: other fields keep what was typed.
    sender_id = FieldDef(
        path="senderIdInfo.senderId",
        section="senderIdInfo",
        type="TEXT",
        requirement="REQUIRED",
        pattern=r"^[A-Za-z0-9]+$",
    )
    assert formats.normalise(sender_id, "EXAMPLE CO") == "EXAMPLE CO"


def test_the_wizard_accepts_numbers_as_people_write_them_and_shows_them_normalised(
    catalog, tenant_a, alice
):
    _profile(tenant_a)
    [brand, _campaign] = registrations_start(tenant=tenant_a, actor=alice, goal="ten_dlc")
    client = client_for(alice)
    url = f"/t/{tenant_a.slug}/registrations/{brand.pk}/autosave/"
    answer = client.post(
        url,
        {
            "contactInfo__supportPhoneNumber": "(206) 555-0100",
            "companyInfo__taxId": "98-7654321",
        },
    ).json()
    assert answer["errors"] == {}
    assert answer["values"] == {
        "contactInfo__supportPhoneNumber": "+12065550100",
        "companyInfo__taxId": "987654321",
    }
    values = version_values(brand.current_version)
    assert values["contactInfo.supportPhoneNumber"] == "+12065550100"
    assert values["companyInfo.taxId"] == "987654321"


def test_the_service_refuses_what_no_rewriting_fixes(catalog, tenant_a, alice):
    from django.core.exceptions import ValidationError

    _profile(tenant_a)
    [brand, _campaign] = registrations_start(tenant=tenant_a, actor=alice, goal="ten_dlc")
    with pytest.raises(ValidationError) as refused:
        drafts.registration_values_save(
            tenant=tenant_a,
            actor=alice,
            registration=brand,
            values={"contactInfo.supportPhoneNumber": "call me"},
        )
    assert "contactInfo.supportPhoneNumber" in refused.value.message_dict


# --- The portal's own pages ----------------------------------------------------------------------


def _policy_findings(tenant, privacy: str) -> set[str]:
    values = {
        "messagingUseCase.privacyPolicyUrl": privacy,
        "messagingUseCase.termsAndConditionsUrl": hosted_page_urls(tenant=tenant)["terms"],
        "companyInfo.website": "https://www.example.com",
    }
    findings = preflight_run(
        draft_for_tenant(tenant=tenant, registration_type=overlay.TOLL_FREE, values=values)
    )
    return {f.rule_id for f in findings if f.rule_id.startswith(("PRIVACY_URL", "TERMS_URL"))}


@pytest.mark.parametrize("base", ["http://127.0.0.1:8000", "http://localhost:8000"])
def test_the_tenants_published_pages_are_accepted_as_what_they_are(
    catalog, tenant_a, alice, settings, tmp_path, base
):
    settings.PORTAL_BASE_URL = base
    settings.MEDIA_ROOT = tmp_path
    tenant = published_program(tenant_a, alice, evidence=False)
    assert _policy_findings(tenant, hosted_page_urls(tenant=tenant)["privacy"]) == set()
    # Another address over http is still the tenant's to fix.
    assert _policy_findings(tenant, "http://www.example.com/privacy") == {"PRIVACY_URL_HTTPS"}


def test_the_portals_address_is_checked_once_for_the_provider(settings):
    settings.PORTAL_BASE_URL = "http://127.0.0.1:8000"
    [warning] = portal_address_check()
    assert warning.id == "compliance.W001"
    assert "uses http" in warning.msg and "127.0.0.1" in warning.msg
    settings.PORTAL_BASE_URL = "https://sms.portal-provider.com"
    assert portal_address_check() == []


@pytest.mark.parametrize("typed", ["(206) 555-0123", "+1 206 555 0123", "206.555.0123"])
def test_the_public_opt_out_page_reads_numbers_the_same_way(
    catalog, tenant_a, alice, settings, tmp_path, typed
):
    from django.test import Client

    from messaging.models import OptOut

    settings.MEDIA_ROOT = tmp_path
    tenant = published_program(tenant_a, alice, evidence=False)
    answer = Client().post(f"/p/{tenant.slug}/opt-out/", {"phone": typed, "website": ""})
    assert answer.status_code == 200
    assert list(OptOut.objects.filter(tenant=tenant).values_list("phone", flat=True)) == [
        "+12065550123"
    ]
