"""Hosted pages: every required element present (read from the served HTML), versions, the
stable address, guardrails on publishing, and the URLs handed to the registration engine."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from compliance import selectors, services
from compliance.content import NO_SHARING_TEXT
from compliance.models import HostedPageVersion, PageKind
from compliance.services import pages
from tenants.models import AuditEntry
from tests.compliance.conftest import publish_default
from tests.compliance.htmlparse import read
from tests.conftest import client_for

BASE = "https://portal.example/p/acme"


@pytest.mark.django_db
def test_terms_page_has_every_required_clause(published_a):
    page = read(client_for(None).get("/p/acme/terms/").content)
    for clause in (
        "Acme Order Alerts",  # program name
        "order confirmations and delivery updates",  # program description
        "Up to 4 messages per order",  # frequency
        "Message and data rates may apply.",
        "text STOP to +1 833 555 0100",
        "Text HELP to +1 833 555 0100 for help",
        "help@acme-anvils.example or +12065550100",  # support contact
        "Carriers are not liable for delayed or undelivered messages.",
    ):
        assert clause in page.text, clause
    assert f"{BASE}/privacy/" in page.links


@pytest.mark.django_db
def test_privacy_page_states_that_opt_in_data_is_never_shared(published_a):
    page = read(client_for(None).get("/p/acme/privacy/").content)
    assert NO_SHARING_TEXT in page.text
    assert "Acme Anvils Inc." in page.text


@pytest.mark.django_db
def test_opt_in_page_has_every_disclosure_and_an_unchecked_box_per_use_case(published_a):
    response = client_for(None).get("/p/acme/opt-in/")
    assert response.status_code == 200
    page = read(response.content)
    for element in (
        "Acme Anvils",  # brand
        "order confirmations and delivery updates",  # purpose
        "Up to 4 messages per order.",  # frequency
        "Message and data rates may apply.",
        "Text HELP to +1 833 555 0100 for help",
        "Text STOP to +1 833 555 0100 to opt out at any time.",
        "Consent is not a condition of purchase.",
        "You can also follow your order by e-mail.",  # not the only way
        "We never share your mobile number or opt-in consent with third parties.",
    ):
        assert element in page.text, element
    assert f"{BASE}/terms/" in page.links
    assert f"{BASE}/privacy/" in page.links
    boxes = [i for i in page.inputs if i.get("type") == "checkbox"]
    assert [b["value"] for b in boxes] == ["order_updates", "delivery_notices"]
    assert all("checked" not in b for b in boxes)
    assert page.labels["id_use_case_order_updates"] == (
        "Yes, send me order updates text messages from Acme Anvils (Acme Order Alerts) at the "
        "number above."
    )
    phone = [i for i in page.inputs if i.get("name") == "phone"]
    assert phone == [{**phone[0], "type": "tel", "id": "id_phone"}]
    assert page.labels["id_phone"] == "Mobile number"
    assert page.labels["id_website"] == "Leave this empty"  # honeypot, hidden by CSS
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_each_publish_is_a_new_version_and_the_stable_url_shows_the_newest(published_a, owen):
    tenant = published_a[PageKind.TERMS].tenant
    body = published_a[PageKind.TERMS].body_html.replace(
        "<h2>Acme Order Alerts</h2>", "<h2>Acme Order Alerts (updated)</h2>"
    )
    v2 = services.hosted_page_publish(tenant=tenant, actor=owen, kind="terms", body_html=body)
    assert v2.number == 2
    client = client_for(None)
    assert "(updated)" in read(client.get("/p/acme/terms/").content).text
    old = read(client.get("/p/acme/terms/v1/").content).text
    assert "(updated)" not in old
    assert "This is an earlier version." in old
    assert "(updated)" in read(client.get("/p/acme/terms/v2/").content).text
    missing = client.get("/p/acme/terms/v9/")
    assert (missing.status_code, missing["Location"]) == (302, "/p/acme/terms/")
    assert list(
        HostedPageVersion.objects.filter(tenant=tenant, kind="terms").values_list(
            "number", flat=True
        )
    ) == [2, 1]


@pytest.mark.django_db
def test_unpublished_page_says_so_and_unknown_tenant_is_404(tenant_a):
    client = client_for(None)
    response = client.get("/p/acme/privacy/")
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex"
    assert "has not published this page yet" in read(response.content).text
    assert client.get("/p/nobody/privacy/").status_code == 404


@pytest.mark.django_db
def test_a_required_clause_cannot_be_removed(program_a, tenant_a, owen):
    body, _ = services.hosted_page_draft(tenant=tenant_a, kind="terms")
    body = body.replace("Carriers are not liable for delayed or undelivered messages.", "")
    with pytest.raises(ValidationError) as exc:
        services.hosted_page_publish(tenant=tenant_a, actor=owen, kind="terms", body_html=body)
    assert exc.value.message_dict == {
        "body_html": [
            "The page must keep “Carriers are not liable for delayed or undelivered messages”."
        ]
    }
    assert HostedPageVersion.objects.count() == 0
    assert AuditEntry.objects.filter(action="hosted_page.publish").count() == 0


@pytest.mark.django_db
def test_privacy_cannot_allow_selling_numbers(program_a, tenant_a, owen):
    body, _ = services.hosted_page_draft(tenant=tenant_a, kind="privacy")
    body += "<p>We may sell phone numbers to marketing partners.</p>"
    with pytest.raises(ValidationError) as exc:
        services.hosted_page_publish(tenant=tenant_a, actor=owen, kind="privacy", body_html=body)
    assert exc.value.message_dict == {
        "body_html": ["The page must keep no clause that sells or shares opt-in data."]
    }


@pytest.mark.django_db
def test_opt_in_page_needs_terms_and_privacy_first(program_a, tenant_a, owen):
    publish_default(tenant_a, owen, "terms")
    with pytest.raises(ValidationError) as exc:
        publish_default(tenant_a, owen, "opt_in")
    assert exc.value.messages == [
        "Publish the SMS terms and the privacy policy first: the opt-in page links them."
    ]


@pytest.mark.django_db
def test_urls_for_the_registration_engine(published_a, tenant_a, tenant_b):
    assert selectors.hosted_page_urls(tenant=tenant_a) == {
        "terms": f"{BASE}/terms/",
        "privacy": f"{BASE}/privacy/",
        "opt_in": f"{BASE}/opt-in/",
    }
    assert selectors.hosted_page_field_values(
        tenant=tenant_a, registration_type="US_TOLL_FREE_REGISTRATION"
    ) == {
        "messagingUseCase.privacyPolicyUrl": f"{BASE}/privacy/",
        "messagingUseCase.termsAndConditionsUrl": f"{BASE}/terms/",
    }
    assert selectors.hosted_page_field_values(
        tenant=tenant_a, registration_type="US_TEN_DLC_CAMPAIGN_REGISTRATION"
    ) == {
        "campaignInfo.privacyPolicyLink": f"{BASE}/privacy/",
        "campaignInfo.termsAndConditionsLink": f"{BASE}/terms/",
    }
    # Nothing published for tenant B: no field is filled.
    assert (
        selectors.hosted_page_field_values(
            tenant=tenant_b, registration_type="US_TOLL_FREE_REGISTRATION"
        )
        == {}
    )


@pytest.mark.django_db
def test_publishing_is_audited(program_a, tenant_a, owen):
    version = publish_default(tenant_a, owen, "privacy")
    entry = AuditEntry.objects.get(action="hosted_page.publish")
    assert (entry.tenant, entry.actor, entry.object_id) == (tenant_a, owen, str(version.pk))
    assert entry.after == {"kind": "privacy", "number": 1}


@pytest.mark.django_db
def test_pages_are_marked_out_of_date_when_the_program_changes(published_a, tenant_a, owen, bob):
    assert pages.hosted_pages_out_of_date(tenant=tenant_a) == set()
    services.sms_program_save(
        tenant=tenant_a, actor=owen, data={"message_frequency": "Up to 2 messages per order"}
    )
    assert pages.hosted_pages_out_of_date(tenant=tenant_a) == {"terms", "privacy", "opt_in"}
    assert read(client_for(bob).get("/t/acme/compliance/").content).text.count("Out of date") == 3
    # The published pages keep what was published until the next publish.
    assert "Up to 4 messages per order" in read(client_for(None).get("/p/acme/terms/").content).text
