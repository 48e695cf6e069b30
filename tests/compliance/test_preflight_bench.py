"""The preflight figures on the labelled set (the same as bench/preflight.py prints)."""

from __future__ import annotations

import dataclasses
import re

from bench.preflight import load_cases, measure


def test_labelled_set_figures(settings):
    settings.PORTAL_BASE_URL = "https://sms.provider.example"
    result = measure(load_cases())
    assert (result["cases"], result["defective"], result["compliant"]) == (113, 86, 27)
    assert result["caught"] >= 0.95
    assert result["wrongly_flagged"] <= 0.02
    # Exact figures today, so that a change in either direction is noticed.
    assert (result["caught"], result["wrongly_flagged"], result["wrongly_warned"]) == (
        1.0,
        0.0,
        0.0,
    )
    assert result["missed"] == [] and result["flagged"] == []


def test_each_defect_is_labelled_with_a_known_rule():
    from compliance.preflight import RULES

    labels = {c["expect"] for c in load_cases()} - {"compliant"}
    assert labels <= set(RULES)
    assert len(labels) == 57


def test_dev_part_of_the_outside_set(settings):
    """The dev part of the set written apart from the rules (tests/compliance/preflight_set/):
    the issue's goal, at least 95 % of defects caught at their field and at most
    2 % of compliant registrations blocked. The held-out part is never read here."""
    from bench.preflight import SET_DIR, SET_PORTAL, load_set, measure_set

    assert (SET_DIR / "dev.yaml").exists()
    settings.PORTAL_BASE_URL = SET_PORTAL
    result = measure_set(load_set("dev"))
    assert result["defective"] >= 100 and result["compliant"] >= 50
    assert result["caught"] >= 0.95, [r for r in result["rows"] if not r.get("caught", True)]
    assert result["blocked"] <= 0.02, [r for r in result["rows"] if r.get("errors")]
    assert result["caught_as_error"] >= 0.85


def test_the_bench_reads_the_set_format(tmp_path, settings):
    """The loader and the measure on a two-registration set in the set's format: one compliant,
    one with a defect at a field (so the bench's figures are checked even before the set lands)."""
    from bench.preflight import SET_PORTAL, load_set, measure_set

    settings.PORTAL_BASE_URL = SET_PORTAL
    base = {
        "registration_type": "US_TEN_DLC_BRAND_REGISTRATION",
        "tenant": {"slug": "cobalt", "names": ["Cobalt Fitness Studios LLC", "Cobalt Fitness"]},
        "provider": {"names": ["Textwise Inc.", "Textwise"], "domains": ["textwise.io"]},
        "hosted": {"terms": "{portal}/p/cobalt/terms/"},
        "attachments": {},
        "values": {
            "companyInfo.companyName": "Cobalt Fitness Studios LLC",
            "companyInfo.taxIdIssuingCountry": "US",
            "companyInfo.taxId": "843321907",
            "companyInfo.legalType": "PRIVATE_PROFIT",
            "companyInfo.address": "77 Spring Street",
            "companyInfo.city": "Denver",
            "companyInfo.state": "CO",
            "companyInfo.zipCode": "80202",
            "companyInfo.isoCountryCode": "US",
            "contactInfo.dbaName": "Cobalt Fitness",
            "contactInfo.vertical": "ENTERTAINMENT",
            "contactInfo.website": "https://cobaltfitness.com",
            "contactInfo.supportEmail": "members@cobaltfitness.com",
            "contactInfo.supportPhoneNumber": "+17205550161",
        },
    }
    bad = {
        **base,
        "id": "brand-2",
        "label": "defect",
        "defect": {"category": "isv", "field": "contactInfo.supportEmail", "source": "x"},
        "values": {**base["values"], "contactInfo.supportEmail": "ops@textwise.io"},
    }
    import yaml

    (tmp_path / "dev.yaml").write_text(
        yaml.safe_dump({"registrations": [{**base, "id": "brand-1", "label": "compliant"}, bad]})
    )
    items = load_set("dev", folder=tmp_path)
    assert [i["id"] for i in items] == ["brand-1", "brand-2"]
    assert items[0]["draft"].hosted_urls == {"terms": f"{SET_PORTAL}/p/cobalt/terms/"}
    assert items[1]["draft"].provider_domains == ("textwise.io",)
    result = measure_set(items)
    assert {k: result[k] for k in ("caught", "caught_as_error", "blocked", "warned")} == {
        "caught": 1.0,
        "caught_as_error": 1.0,
        "blocked": 0.0,
        "warned": 0.0,
    }
    assert result["rows"][1]["found_here"] == ["PROVIDER_REGISTERED"]

    # a compliant text with a field the synced form requires left empty: blocked by the form alone
    city_empty = {**items[0], "id": "brand-3"}
    city_empty["draft"] = dataclasses.replace(
        items[0]["draft"], values={**items[0]["draft"].values, "companyInfo.city": ""}
    )
    result = measure_set([items[0], city_empty])
    assert (result["blocked"], result["blocked_by_form_only"]) == (0.5, 0.5)
    assert result["rows"][1]["errors"] == ["CATALOG"]


def test_the_retyping_bench_changes_the_form_of_the_text_only():
    from bench.preflight_retype import RETYPINGS, retyped
    from compliance.preflight import Draft

    opt_in = "They tick \"Yes, text me\". Don't worry - it's optional. 2 texts a month. Reply STOP."
    draft = Draft(
        registration_type="US_TOLL_FREE_REGISTRATION",
        values={
            "messagingUseCase.optInDescription": opt_in,
            "messagingUseCase.useCaseCategory": "ACCOUNT_NOTIFICATIONS",
            "companyInfo.website": "https://a-very-long-website-address.example/x",
        },
    )
    for name, (change, descriptions_only) in RETYPINGS.items():
        values = retyped(draft, change, descriptions_only).values
        changed = values["messagingUseCase.optInDescription"]
        assert changed != opt_in, name
        # the words are the same, whatever their case, quotes and spacing
        assert re.sub(r"\W+", "", changed).lower() == re.sub(r"\W+", "", opt_in).lower(), name
        assert values["messagingUseCase.useCaseCategory"] == "ACCOUNT_NOTIFICATIONS", name
        assert values["companyInfo.website"] == draft.values["companyInfo.website"], name
