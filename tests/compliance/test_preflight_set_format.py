"""Schema of the labelled preflight evaluation set (issue #15). It never runs the checker."""

from __future__ import annotations

import collections
import re
from pathlib import Path

import pytest
import yaml

from bench.preflight_set import (
    DEV,
    DEV2,
    DEV3,
    DEV4,
    DEV5,
    DEV6,
    DEV7,
    DEV8,
    DEV9,
    DEV10,
    DEV11,
    DEV12,
    DEV13,
    DEV14,
    DEV15,
    DEV16,
    DEV17,
    DEV18,
    DEV19,
    DEV20,
    DEV21,
    DEV22,
    DEV23,
    DEV24,
    DEV25,
    DEV26,
    FIELDS,
    HELDOUT,
    HELDOUT2,
    HELDOUT3,
    HELDOUT4,
    HELDOUT5,
    HELDOUT7,
    HELDOUT8,
    HELDOUT9,
    HELDOUT10,
    HELDOUT11,
    HELDOUT12,
    HELDOUT13,
    HELDOUT14,
    HELDOUT15,
    HELDOUT16,
    HELDOUT17,
    HELDOUT18,
    HELDOUT19,
    HELDOUT20,
    HELDOUT21,
    HELDOUT22,
    HELDOUT23,
    HELDOUT24,
    HELDOUT25,
    HELDOUT26,
    HELDOUT27,
    load_set,
)

SET_DIR = Path(__file__).resolve().parent / "preflight_set"

CATEGORIES = {
    "opt_in_missing_or_vague",
    "opt_in_consent_forced",
    "opt_in_shared_with_third_parties",
    "opt_in_missing_disclosures",
    "opt_in_image_missing",
    "sample_missing_brand",
    "sample_missing_opt_out",
    "sample_placeholder_unbracketed",
    "sample_is_placeholder_text",
    "sample_prohibited_content",
    "sample_url_shortener",
    "lead_generation",
    "use_case_mismatch",
    "use_case_not_english",
    "contact_email_foreign_domain",
    "website_invalid",
    "privacy_or_terms_missing",
    "privacy_shares_data",
    "isv_registered_instead_of_tenant",
    "dba_as_legal_name",
    "legal_form_mismatch",
    "tax_id_format",
    "volume_implausible",
    "sender_id_format",
    "sender_id_unrelated_to_brand",
    "country_specific",
    "keyword_response_missing",
    # added for this set (see README.md): a documented 10DLC rule no other category covers
    "campaign_attribute_mismatch",
}
SENDER_ID_TYPES = {
    "GB_SENDER_ID_REGISTRATION",
    "ID_SENDER_ID_REGISTRATION",
    "IN_SENDER_ID_REGISTRATION",
    "SG_SENDER_ID_REGISTRATION",
}
MINIMUMS = {
    "US_TOLL_FREE_REGISTRATION": 70,
    "US_TEN_DLC_BRAND_REGISTRATION": 45,
    "US_TEN_DLC_CAMPAIGN_REGISTRATION": 70,
    "PORTAL_SHORT_CODE_APPLICATION": 30,
}
REQUIRED_KEYS = {
    "id",
    "registration_type",
    "tenant",
    "provider",
    "hosted",
    "attachments",
    "values",
    "label",
}
OPTIONAL_KEYS = {"defect", "pages"}
# categories whose point is that the named field is absent (or empty)
MAY_BE_ABSENT = {
    "privacy_or_terms_missing",
    "opt_in_image_missing",
    "country_specific",
    "campaign_attribute_mismatch",
}


def _raw(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))["registrations"]


PATHS = {
    "dev": DEV,
    "heldout": HELDOUT,
    "dev2": DEV2,
    "heldout2": HELDOUT2,
    "dev3": DEV3,
    "heldout3": HELDOUT3,
    "dev4": DEV4,
    "heldout4": HELDOUT4,
    "dev5": DEV5,
    "dev6": DEV6,
    "dev7": DEV7,
    "heldout5": HELDOUT5,
    "heldout7": HELDOUT7,
    "heldout8": HELDOUT8,
    "dev8": DEV8,
    "heldout9": HELDOUT9,
    "heldout10": HELDOUT10,
    "dev9": DEV9,
    "heldout11": HELDOUT11,
    "dev10": DEV10,
    "heldout12": HELDOUT12,
    "dev11": DEV11,
    "heldout13": HELDOUT13,
    "dev12": DEV12,
    "heldout14": HELDOUT14,
    "heldout15": HELDOUT15,
    "dev13": DEV13,
    "heldout16": HELDOUT16,
    "heldout17": HELDOUT17,
    "dev14": DEV14,
    "heldout18": HELDOUT18,
    "dev15": DEV15,
    "dev16": DEV16,
    "heldout19": HELDOUT19,
    "dev17": DEV17,
    "dev18": DEV18,
    "heldout20": HELDOUT20,
    "heldout21": HELDOUT21,
    "dev19": DEV19,
    "dev20": DEV20,
    "heldout22": HELDOUT22,
    "heldout23": HELDOUT23,
    "dev21": DEV21,
    "dev22": DEV22,
    "heldout24": HELDOUT24,
    "heldout25": HELDOUT25,
    "dev23": DEV23,
    "dev24": DEV24,
    "heldout26": HELDOUT26,
    "heldout27": HELDOUT27,
    "dev25": DEV25,
    "dev26": DEV26,
}
# the fifth round: parts written by hand, each by its own author (README.md, "Fifth round")
FIFTH_ROUND = ("dev5", "dev6", "heldout5", "heldout7", "heldout8")
FIFTH_ROUND_MINIMUM = 90
# the second set (dev2 + heldout2) was written apart from the first one, with its own tenants
SECOND_SET_MINIMUM = 170


def _tenants(regs: list[dict]) -> tuple[set, set, set, set]:
    """Slugs, domains, tenant names and provider names of some registrations."""
    return (
        {r["tenant"]["slug"] for r in regs},
        {d for r in regs for d in r["tenant"]["domains"]},
        {n for r in regs for n in r["tenant"]["names"]},
        {n for r in regs for n in r["provider"]["names"]},
    )


@pytest.fixture(scope="module")
def parts() -> dict[str, list[dict]]:
    return {name: _raw(path) for name, path in PATHS.items()}


def test_files_live_in_the_set_folder():
    assert all(path.parent == SET_DIR and path.is_file() for path in PATHS.values())
    assert (SET_DIR / "README.md").is_file()


@pytest.mark.parametrize("part", list(PATHS))
def test_each_registration_has_the_schema(parts, part):
    for reg in parts[part]:
        rid = reg.get("id")
        keys = set(reg)
        assert keys >= REQUIRED_KEYS, (rid, REQUIRED_KEYS - keys)
        assert keys <= REQUIRED_KEYS | OPTIONAL_KEYS, (rid, keys - REQUIRED_KEYS - OPTIONAL_KEYS)
        assert re.fullmatch(r"[a-z]+-\d{3,4}", rid), rid
        assert reg["registration_type"] in set(MINIMUMS) | SENDER_ID_TYPES, rid
        tenant = reg["tenant"]
        assert tenant["slug"] and tenant["names"] and tenant["domains"], rid
        assert reg["provider"]["names"] and reg["provider"]["domains"], rid
        assert set(reg["hosted"]) == {"terms", "privacy", "optin"}, rid
        assert all(u.startswith("{portal}/") for u in reg["hosted"].values()), rid
        values = reg["values"]
        assert isinstance(values, dict) and values, rid
        for path, value in values.items():
            assert re.fullmatch(r"[a-zA-Z]+\.[a-zA-Z0-9]+", path), (rid, path)
            assert isinstance(value, str) or (
                isinstance(value, list) and all(isinstance(x, str) for x in value)
            ), (rid, path)
        for path, att in reg["attachments"].items():
            assert re.fullmatch(r"[a-zA-Z]+\.[a-zA-Z0-9]+", path), (rid, path)
            assert isinstance(att["content_type"], str) and "/" in att["content_type"], rid
            assert isinstance(att["size_bytes"], int) and att["size_bytes"] > 0, rid
        assert reg["label"] in {"compliant", "defect"}, rid
        if reg["label"] == "compliant":
            assert reg.get("defect") is None, rid
        else:
            defect = reg["defect"]
            assert set(defect) == {"category", "field", "source"}, rid
            assert defect["category"] in CATEGORIES, (rid, defect["category"])
            assert re.fullmatch(r"[a-zA-Z]+\.[a-zA-Z0-9]+", defect["field"]), rid
            assert len(defect["source"]) > 20, rid
            present = defect["field"] in values or defect["field"] in reg["attachments"]
            assert present or defect["category"] in MAY_BE_ABSENT, (rid, defect["field"])
            assert "seeds/" in defect["source"] or "reference/" in defect["source"], rid


def test_ids_unique_within_and_across_parts(parts):
    everything = [r["id"] for regs in parts.values() for r in regs]
    assert len(everything) == len(set(everything)), [
        rid for rid, n in collections.Counter(everything).items() if n > 1
    ]


def test_counts_per_type_meet_the_minimums(parts):
    everything = parts["dev"] + parts["heldout"]
    assert len(everything) >= 300
    per_type = collections.Counter(r["registration_type"] for r in everything)
    for rtype, minimum in MINIMUMS.items():
        assert per_type[rtype] >= minimum, (rtype, per_type[rtype])
    assert sum(per_type[t] for t in SENDER_ID_TYPES) >= 60
    assert all(per_type[t] > 0 for t in SENDER_ID_TYPES)


def test_mix_of_labels_and_split_sizes(parts):
    everything = parts["dev"] + parts["heldout"]
    compliant = sum(r["label"] == "compliant" for r in everything) / len(everything)
    assert 0.3 <= compliant <= 0.5, compliant
    held_share = len(parts["heldout"]) / len(everything)
    assert 0.3 <= held_share <= 0.5, held_share


@pytest.mark.parametrize("part", ["dev2", "heldout2"])
def test_second_set_parts_are_large_and_mixed(parts, part):
    regs = parts[part]
    assert len(regs) >= SECOND_SET_MINIMUM, (part, len(regs))
    compliant = sum(r["label"] == "compliant" for r in regs) / len(regs)
    assert 0.3 <= compliant <= 0.5, (part, compliant)
    for rtype in set(MINIMUMS) | SENDER_ID_TYPES:
        labels = {r["label"] for r in regs if r["registration_type"] == rtype}
        assert labels == {"compliant", "defect"}, (part, rtype, labels)


def test_second_set_tenants_are_its_own(parts):
    """dev2 and heldout2 share no tenant with each other nor with the first set."""

    def _tenants(regs):
        return (
            {r["tenant"]["slug"] for r in regs},
            {d for r in regs for d in r["tenant"]["domains"]},
            {n for r in regs for n in r["tenant"]["names"]},
        )

    first = _tenants(parts["dev"] + parts["heldout"])
    dev2, held2 = _tenants(parts["dev2"]), _tenants(parts["heldout2"])
    for a, b, c in zip(first, dev2, held2, strict=True):
        assert not (b & c), b & c
        assert not (a & b), a & b
        assert not (a & c), a & c


@pytest.mark.parametrize("pair", [("dev", "heldout"), ("dev2", "heldout2")])
def test_every_category_is_used_several_times_in_both_parts(parts, pair):
    for part in pair:
        used = collections.Counter(
            r["defect"]["category"] for r in parts[part] if r["label"] == "defect"
        )
        assert set(used) == CATEGORIES, (part, CATEGORIES - set(used))
        assert min(used.values()) >= 2, (part, used.most_common()[-3:])
        types = {r["registration_type"] for r in parts[part]}
        assert types == set(MINIMUMS) | SENDER_ID_TYPES, part


@pytest.mark.parametrize("part", list(PATHS))
def test_loader_returns_plain_dicts_with_the_portal_filled_in(part):
    regs = load_set(PATHS[part], portal="https://portal.test/")
    assert regs and len(regs) == len(_raw(PATHS[part]))
    for reg in regs:
        assert set(reg) == set(FIELDS)
        assert reg["hosted"]["terms"].startswith("https://portal.test/p/")
        blob = repr(reg["values"]) + repr(reg["hosted"]) + repr(reg["pages"])
        assert "{portal}" not in blob
        for att in reg["attachments"].values():
            assert set(att) == {"content_type", "size_bytes", "width", "height"}


# the third set (dev3 + heldout3) skips short code; written apart from the first two sets
THIRD_SET_MINIMUM = 150
THIRD_SET_TYPES = (set(MINIMUMS) - {"PORTAL_SHORT_CODE_APPLICATION"}) | SENDER_ID_TYPES


@pytest.mark.parametrize("part", ["dev3", "heldout3"])
def test_third_set_parts_are_large_and_mixed(parts, part):
    regs = parts[part]
    assert len(regs) >= THIRD_SET_MINIMUM, (part, len(regs))
    compliant = sum(r["label"] == "compliant" for r in regs) / len(regs)
    assert 0.35 <= compliant <= 0.5, (part, compliant)
    assert {r["registration_type"] for r in regs} == THIRD_SET_TYPES, part
    for rtype in THIRD_SET_TYPES:
        labels = {r["label"] for r in regs if r["registration_type"] == rtype}
        assert labels == {"compliant", "defect"}, (part, rtype, labels)
    used = collections.Counter(r["defect"]["category"] for r in regs if r["label"] == "defect")
    assert set(used) == CATEGORIES, (part, CATEGORIES - set(used))
    assert min(used.values()) >= 2, (part, used.most_common()[-3:])


def test_third_set_tenants_are_its_own(parts):
    """dev3 and heldout3 share no tenant with each other nor with the first two sets."""

    def _tenants(regs):
        return (
            {r["tenant"]["slug"] for r in regs},
            {d for r in regs for d in r["tenant"]["domains"]},
            {n for r in regs for n in r["tenant"]["names"]},
        )

    earlier = _tenants(parts["dev"] + parts["heldout"] + parts["dev2"] + parts["heldout2"])
    dev3, held3 = _tenants(parts["dev3"]), _tenants(parts["heldout3"])
    for a, b, c in zip(earlier, dev3, held3, strict=True):
        assert not (b & c), b & c
        assert not (a & b), a & b
        assert not (a & c), a & c


# the fourth set (dev4 + heldout4): every type again, short code included; written apart from the
# rules and from the first three sets
FOURTH_SET_MINIMUM = 165
FOURTH_SET_TYPES = set(MINIMUMS) | SENDER_ID_TYPES


@pytest.mark.parametrize("part", ["dev4", "heldout4"])
def test_fourth_set_parts_are_large_and_mixed(parts, part):
    regs = parts[part]
    assert len(regs) >= FOURTH_SET_MINIMUM, (part, len(regs))
    compliant = sum(r["label"] == "compliant" for r in regs) / len(regs)
    assert 0.35 <= compliant <= 0.5, (part, compliant)
    assert {r["registration_type"] for r in regs} == FOURTH_SET_TYPES, part
    for rtype in FOURTH_SET_TYPES:
        labels = {r["label"] for r in regs if r["registration_type"] == rtype}
        assert labels == {"compliant", "defect"}, (part, rtype, labels)
    used = collections.Counter(r["defect"]["category"] for r in regs if r["label"] == "defect")
    assert set(used) == CATEGORIES, (part, CATEGORIES - set(used))
    assert min(used.values()) >= 2, (part, used.most_common()[-3:])


def test_fourth_set_tenants_are_its_own(parts):
    """dev4 and heldout4 share no tenant or provider with each other nor with earlier sets."""

    earlier = _tenants(
        parts["dev"]
        + parts["heldout"]
        + parts["dev2"]
        + parts["heldout2"]
        + parts["dev3"]
        + parts["heldout3"]
    )
    dev4, held4 = _tenants(parts["dev4"]), _tenants(parts["heldout4"])
    for a, b, c in zip(earlier, dev4, held4, strict=True):
        assert not (b & c), b & c
        assert not (a & b), a & b
        assert not (a & c), a & c


@pytest.mark.parametrize("part", ["dev4", "heldout4"])
def test_fourth_set_defect_fields_name_the_registration_type(parts, part):
    """The labelled field belongs to the registration's own form (catalog paths or the set's
    documented provisional names), so a finding elsewhere cannot count as the catch."""
    for reg in parts[part]:
        if reg["label"] != "defect":
            continue
        field = reg["defect"]["field"]
        known = set(reg["values"]) | set(reg["attachments"])
        assert field in known or reg["defect"]["category"] in MAY_BE_ABSENT, (reg["id"], field)


@pytest.mark.parametrize("part", FIFTH_ROUND)
def test_fifth_round_parts_are_large_and_mixed(parts, part):
    regs = parts[part]
    assert len(regs) >= FIFTH_ROUND_MINIMUM, (part, len(regs))
    compliant = sum(r["label"] == "compliant" for r in regs) / len(regs)
    assert 0.35 <= compliant <= 0.5, (part, compliant)
    assert {r["registration_type"] for r in regs} == set(MINIMUMS) | SENDER_ID_TYPES, part
    used = collections.Counter(r["defect"]["category"] for r in regs if r["label"] == "defect")
    assert set(used) == CATEGORIES, (part, CATEGORIES - set(used))


def test_fifth_round_tenants_are_their_own(parts):
    """Each part of the fifth round and after shares no tenant or provider with any other part,
    earlier or not."""

    for part in FIFTH_ROUND + SIXTH_ROUND + SEVENTH_ROUND:
        mine = _tenants(parts[part])
        others = _tenants([r for name, regs in parts.items() if name != part for r in regs])
        for a, b in zip(mine, others, strict=True):
            assert not (a & b), (part, a & b)


# the sixth round: two parts, each written by two authors at once (README.md, "Sixth round")
SIXTH_ROUND = ("dev8", "heldout9", "heldout10")


# the seventh round: the outside set's types only, each part by two authors at once (README.md,
# "Seventh round")
SEVENTH_ROUND = (
    "heldout11",
    "dev10",
    "heldout12",
    "dev11",
    "heldout13",
    "dev12",
    "heldout14",
    "heldout15",
    "dev13",
    "heldout16",
    "heldout17",
    "dev14",
    "heldout18",
    "dev15",
    "dev16",
    "heldout19",
    "dev17",
    "dev18",
    "heldout20",
    "heldout21",
    "dev19",
    "dev20",
    "heldout22",
    "heldout23",
    "dev21",
    "dev22",
    "heldout24",
    "heldout25",
    "dev23",
    "dev24",
    "heldout26",
    "heldout27",
    "dev25",
    "dev26",
)
OUTSIDE_SET_TYPES = {
    "US_TOLL_FREE_REGISTRATION",
    "US_TEN_DLC_BRAND_REGISTRATION",
    "US_TEN_DLC_CAMPAIGN_REGISTRATION",
    "ID_SENDER_ID_REGISTRATION",
    "IN_SENDER_ID_REGISTRATION",
}


# (part, the types it covers, the fewest defect categories): the sixth round's authors wrote 21
# categories each over every type, the seventh round's 18 each over the outside set's types
ROUND_PARTS = [(part, set(MINIMUMS) | SENDER_ID_TYPES, 20) for part in SIXTH_ROUND] + [
    (part, OUTSIDE_SET_TYPES, 18) for part in SEVENTH_ROUND
]


@pytest.mark.parametrize(("part", "types", "categories"), ROUND_PARTS)
def test_the_later_rounds_parts_are_large_and_mixed(parts, part, types, categories):
    regs = parts[part]
    assert len(regs) >= 60, (part, len(regs))
    compliant = sum(r["label"] == "compliant" for r in regs) / len(regs)
    assert 0.35 <= compliant <= 0.5, (part, compliant)
    assert {r["registration_type"] for r in regs} == types, part
    used = collections.Counter(r["defect"]["category"] for r in regs if r["label"] == "defect")
    assert len(used) >= categories, (part, CATEGORIES - set(used))
