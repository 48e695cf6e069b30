"""The sending policy: the tenant page (owners and admins change it, members read it) and
GET/PUT /api/v1/policy; both refuse the same values, and a saved policy governs the next send."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
import yaml
from django.test import Client

from messaging import checks
from messaging.models import Message, SendingPolicy
from tenants.api_keys import api_key_create
from tenants.models import ApiKey, AuditEntry
from tests.conftest import client_for
from tests.messaging.conftest import US_OK, Api

pytestmark = pytest.mark.django_db

VALID = {
    "allowed_countries": "us, CA",
    "monthly_spend_cap": "25.50",
    "quiet_start_hour": "22",
    "quiet_end_hour": "7",
}
API_VALID = {
    "allowed_countries": ["us", "CA"],
    "monthly_spend_cap": "25.50",
    "quiet_start_hour": 22,
    "quiet_end_hour": 7,
}
DEFAULTS = {
    "allowed_countries": [],
    "monthly_spend_cap": None,
    "month_estimated_spend": "0.00",
    "quiet_start_hour": 21,
    "quiet_end_hour": 8,
}


def _url(tenant) -> str:
    return f"/t/{tenant.slug}/sending-policy/"


def _nothing_stored() -> None:
    assert SendingPolicy.objects.count() == 0
    assert AuditEntry.objects.filter(action="sending_policy.set").count() == 0


def _put(api: Api, body) -> object:
    return api.client.put(
        "/api/v1/policy", data=json.dumps(body), content_type="application/json",
        **api._headers(None),
    )  # fmt: skip


@pytest.fixture
def policy_api_a(tenant_a, alice) -> Api:
    return Api(api_key_create(tenant=tenant_a, actor=alice, name="ops", scopes=["policy"]))


@pytest.fixture
def policy_api_b(tenant_b, carol) -> Api:
    return Api(api_key_create(tenant=tenant_b, actor=carol, name="ops", scopes=["policy"]))


# --- the page -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["owen", "alice"])
def test_owner_and_admin_change_the_policy(request, persona, tenant_a):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    page = client.get(_url(tenant_a))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Save policy" in html and "within 2 seconds" in html
    response = client.post(_url(tenant_a), VALID)
    assert response.status_code == 302 and response["Location"] == _url(tenant_a)
    policy = SendingPolicy.objects.get(tenant=tenant_a)
    assert (
        policy.allowed_countries, policy.monthly_spend_cap, policy.quiet_start_hour,
        policy.quiet_end_hour,
    ) == (["CA", "US"], Decimal("25.50"), 22, 7)  # fmt: skip
    entry = AuditEntry.objects.get(action="sending_policy.set")
    assert (entry.tenant, entry.actor, entry.object_id) == (tenant_a, user, str(policy.pk))
    assert entry.before == {
        "allowed_countries": "[]", "monthly_spend_cap": "None", "quiet_start_hour": "21",
        "quiet_end_hour": "8",
    }  # fmt: skip
    assert entry.after == {
        "allowed_countries": "['CA', 'US']", "monthly_spend_cap": "25.50",
        "quiet_start_hour": "22", "quiet_end_hour": "7",
    }  # fmt: skip
    shown = client.get(_url(tenant_a)).content.decode()
    assert "Sending policy saved. New messages follow it within 2 seconds." in shown
    assert 'value="CA, US"' in shown


def test_member_reads_but_cannot_change(tenant_a, bob):
    page = client_for(bob).get(_url(tenant_a))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Only owners and admins can change the sending policy." in html
    assert "Save policy" not in html and '<form method="post" action="/t/acme/sending-p' not in html
    assert "Any country with an active sender" in html and "21:00 to 08:00" in html
    assert client_for(bob).post(_url(tenant_a), VALID).status_code == 403
    _nothing_stored()


def test_other_tenant_gets_404_and_anonymous_the_login(tenant_a, carol):
    for method in ("get", "post"):
        assert getattr(client_for(carol), method)(_url(tenant_a), VALID).status_code == 404
        response = getattr(client_for(None), method)(_url(tenant_a), VALID)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    _nothing_stored()


def test_wrong_method_is_405(tenant_a, alice):
    assert client_for(alice).put(_url(tenant_a)).status_code == 405


def test_the_navigation_links_the_page_for_every_member(tenant_a, bob):
    html = client_for(bob).get(f"/t/{tenant_a.slug}/").content.decode()
    assert f'href="{_url(tenant_a)}"' in html


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"allowed_countries": "US, XX"}, "allowed_countries",
         "“XX” is not an ISO 3166-1 alpha-2 country code (two letters, e.g. US, CA)."),
        ({"allowed_countries": "USA; zz, CA"}, "allowed_countries",
         "“USA”, “ZZ” are not ISO 3166-1 alpha-2 country codes (two letters, e.g. US, CA)."),
        ({"monthly_spend_cap": "0"}, "monthly_spend_cap",
         "The cap must be more than 0; leave it empty for no cap."),
        ({"monthly_spend_cap": "-5"}, "monthly_spend_cap",
         "The cap must be more than 0; leave it empty for no cap."),
        ({"monthly_spend_cap": "1.005"}, "monthly_spend_cap",
         "Ensure that there are no more than 2 decimal places."),
        ({"quiet_start_hour": "7"}, "quiet_end_hour",
         "Quiet hours must end at another hour than they start (7:00)."),
        ({"quiet_start_hour": "24"}, "quiet_start_hour",
         "Select a valid choice. 24 is not one of the available choices."),
    ],
)  # fmt: skip
def test_page_refuses_bad_values_at_their_field(tenant_a, alice, change, field, message):
    response = client_for(alice).post(_url(tenant_a), {**VALID, **change})
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors == {field: [message]}
    html = response.content.decode()
    assert "The sending policy was not saved. Fix the fields marked below." in html
    _nothing_stored()


def test_blank_cap_and_countries_mean_none_and_any(tenant_a, alice):
    SendingPolicy.objects.create(
        tenant=tenant_a, allowed_countries=["US"], monthly_spend_cap=Decimal("9")
    )
    body = {**VALID, "allowed_countries": " ", "monthly_spend_cap": ""}
    assert client_for(alice).post(_url(tenant_a), body).status_code == 302
    policy = SendingPolicy.objects.get()
    assert (policy.allowed_countries, policy.monthly_spend_cap) == ([], None)


def test_page_shows_this_months_spend_next_to_the_cap(tenant_a, alice, sender_a):
    SendingPolicy.objects.create(tenant=tenant_a, monthly_spend_cap=Decimal("10.00"))
    Message.objects.create(
        tenant=tenant_a, sender=sender_a, destination=US_OK, iso_country="US", body="x",
        message_type="TRANSACTIONAL", encoding="GSM-7", parts=1,
        estimated_price=Decimal("2.50581"),
    )  # fmt: skip
    html = client_for(alice).get(_url(tenant_a)).content.decode()
    assert "$2.51" in html
    assert "of a $10.00 cap (25%)" in html


def test_page_change_refuses_the_next_send(tenant_a, owen, sender_a, api_a):
    assert api_a.post("messages", {"to": US_OK, "body": "before"}).status_code == 202
    assert (
        client_for(owen).post(_url(tenant_a), {**VALID, "allowed_countries": "CA"}).status_code
        == 302
    )
    response = api_a.post("messages", {"to": US_OK, "body": "after"})
    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "country_not_allowed",
        "message": "US is not among this account's sending countries (CA).",
        "field": "to",
    }
    assert Message.objects.count() == 1


# --- the API --------------------------------------------------------------------------------


def test_api_get_needs_read_and_answers_the_defaults(api_a, policy_api_a):
    response = api_a.get("policy")
    assert response.status_code == 200
    assert response.json() == DEFAULTS
    refused = policy_api_a.get("policy")  # the policy scope alone does not read
    assert refused.status_code == 403
    assert refused.json() == {"error": {
        "code": "forbidden", "message": "This API key lacks the “read” scope.", "field": None,
    }}  # fmt: skip
    assert SendingPolicy.objects.count() == 0  # reading stores no defaults


def test_api_put_needs_the_policy_scope(api_a):
    response = _put(api_a, API_VALID)
    assert response.status_code == 403
    assert response.json() == {"error": {
        "code": "forbidden", "message": "This API key lacks the “policy” scope.", "field": None,
    }}  # fmt: skip
    _nothing_stored()


def test_api_without_a_key_is_401(tenant_a):
    assert _put(Api(None), API_VALID).status_code == 401
    assert Api(None).get("policy").status_code == 401
    _nothing_stored()


def test_api_put_stores_normalises_and_audits(tenant_a, policy_api_a):
    response = _put(policy_api_a, API_VALID)
    assert response.status_code == 200
    assert response.json() == {
        "allowed_countries": ["CA", "US"], "monthly_spend_cap": "25.50",
        "month_estimated_spend": "0.00", "quiet_start_hour": 22, "quiet_end_hour": 7,
    }  # fmt: skip
    policy = SendingPolicy.objects.get(tenant=tenant_a)
    assert (policy.allowed_countries, policy.monthly_spend_cap) == (["CA", "US"], Decimal("25.5"))
    entry = AuditEntry.objects.get(action="sending_policy.set")
    assert (entry.tenant, entry.actor, entry.actor_label) == (tenant_a, None, "system")
    no_cap = _put(policy_api_a, {**API_VALID, "allowed_countries": [], "monthly_spend_cap": None})
    assert no_cap.json()["allowed_countries"] == [] and no_cap.json()["monthly_spend_cap"] is None


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"allowed_countries": ["US", "XX"]}, "allowed_countries",
         "“XX” is not an ISO 3166-1 alpha-2 country code (two letters, e.g. US, CA)."),
        ({"allowed_countries": "US"}, "allowed_countries",
         'Expected a list of items but got type "str".'),
        ({"monthly_spend_cap": "0.00"}, "monthly_spend_cap",
         "The cap must be more than 0; leave it empty for no cap."),
        ({"monthly_spend_cap": "abc"}, "monthly_spend_cap", "A valid number is required."),
        ({"quiet_start_hour": 24}, "quiet_start_hour", "Use an hour from 0 to 23."),
        ({"quiet_end_hour": -1}, "quiet_end_hour", "Use an hour from 0 to 23."),
        ({"quiet_end_hour": 22}, "quiet_end_hour",
         "Quiet hours must end at another hour than they start (22:00)."),
    ],
)  # fmt: skip
def test_api_put_refuses_bad_values_in_the_one_error_shape(policy_api_a, change, field, message):
    response = _put(policy_api_a, {**API_VALID, **change})
    assert response.status_code == 400
    assert response.json() == {
        "error": {"code": "invalid_field", "message": message, "field": field}
    }
    _nothing_stored()


def test_api_put_needs_every_field(policy_api_a):
    response = _put(policy_api_a, {"allowed_countries": ["US"]})
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "invalid_field", "message": "This field is required.",
        "field": "monthly_spend_cap",
    }  # fmt: skip
    _nothing_stored()


def test_api_other_methods_are_405(policy_api_a):
    response = policy_api_a.client.patch(
        "/api/v1/policy", data="{}", content_type="application/json", **policy_api_a._headers(None)
    )
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert policy_api_a.post("policy", API_VALID).status_code == 405
    _nothing_stored()


def test_api_tenants_are_isolated(tenant_a, tenant_b, api_a, api_b, policy_api_b):
    assert _put(policy_api_b, {**API_VALID, "allowed_countries": ["GB"]}).status_code == 200
    assert SendingPolicy.objects.get().tenant == tenant_b
    assert api_a.get("policy").json() == DEFAULTS
    assert api_b.get("policy").json()["allowed_countries"] == ["GB"]


def test_api_reports_this_months_spend(tenant_a, sender_a, api_a):
    Message.objects.create(
        tenant=tenant_a, sender=sender_a, destination=US_OK, iso_country="US", body="x",
        message_type="TRANSACTIONAL", encoding="GSM-7", parts=1, estimated_price=Decimal("1.23456"),
    )  # fmt: skip
    assert api_a.get("policy").json()["month_estimated_spend"] == "1.23"


def test_api_change_refuses_the_next_send(tenant_a, sender_a, api_a, policy_api_a):
    assert api_a.post("messages", {"to": US_OK, "body": "before"}).status_code == 202
    assert _put(policy_api_a, {**API_VALID, "allowed_countries": ["CA"]}).status_code == 200
    response = api_a.post("messages", {"to": US_OK, "body": "after"})
    assert (response.status_code, response.json()["error"]["code"]) == (422, "country_not_allowed")
    assert _put(policy_api_a, {**API_VALID, "allowed_countries": []}).status_code == 200
    assert api_a.post("messages", {"to": US_OK, "body": "again"}).status_code == 202
    assert Message.objects.count() == 2


def test_a_change_from_another_process_applies_within_the_state_time(
    tenant_a, sender_a, api_a, monkeypatch
):
    """Checks keep the policy per process for STATE_SECONDS; a save in another process (here:
    a direct write, which does not clear this process's copy) is seen once that time is over."""
    assert api_a.post("messages", {"to": US_OK, "body": "loads the state"}).status_code == 202
    SendingPolicy.objects.create(tenant=tenant_a, allowed_countries=["CA"])
    assert api_a.post("messages", {"to": US_OK, "body": "still cached"}).status_code == 202
    later = checks.time.monotonic() + checks.STATE_SECONDS + 0.1
    monkeypatch.setattr(checks.time, "monotonic", lambda: later)
    response = api_a.post("messages", {"to": US_OK, "body": "refused"})
    assert (response.status_code, response.json()["error"]["code"]) == (422, "country_not_allowed")


def test_the_key_page_offers_the_policy_scope(tenant_a, alice):
    response = client_for(alice).post(
        f"/t/{tenant_a.slug}/api-keys/", {"name": "ops", "scopes": ["policy"]}
    )
    assert response.status_code == 201
    assert ApiKey.objects.get().scopes == ["policy"]


def test_openapi_documents_the_policy_endpoint_as_it_answers(tenant_a, api_a, policy_api_a):
    from drf_spectacular.validation import validate_schema

    schema = yaml.safe_load(Client().get("/api/v1/schema").content)
    validate_schema(schema)
    operations = schema["paths"]["/api/v1/policy"]
    assert set(operations) == {"get", "put"}
    components = schema["components"]["schemas"]

    def ref(response: dict) -> str:
        return response["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]

    # Exactly the statuses each method answers with (the API fuzz checks that none is missing).
    errors = {
        "get": {"401", "403", "406", "429"},
        "put": {"400", "401", "403", "406", "413", "415", "429"},
    }
    for method in ("get", "put"):
        responses = operations[method]["responses"]
        assert ref(responses["200"]) == "PolicyOut"
        assert set(responses) == {"200", *errors[method]}
        assert {ref(responses[code]) for code in errors[method]} == {"ErrorOut"}
    body = operations["put"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["$ref"].endswith("/PolicyInRequest")
    assert set(components["PolicyInRequest"]["required"]) == set(API_VALID)
    answered = _put(policy_api_a, API_VALID).json()
    assert set(answered) == set(components["PolicyOut"]["properties"])
    assert set(api_a.get("policy").json()) == set(components["PolicyOut"]["properties"])
    refused = _put(policy_api_a, {**API_VALID, "quiet_end_hour": 22}).json()
    assert set(refused) == set(components["ErrorOut"]["properties"])
    assert set(refused["error"]) == set(components["ErrorDetail"]["properties"])
