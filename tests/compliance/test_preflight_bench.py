"""The preflight figures on the labelled set (the same as bench/preflight.py prints)."""

from __future__ import annotations

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
    assert len(labels) == 56
