"""Measures the preflight engine and prints one JSON object on its last line.

    .venv/bin/python bench/preflight.py [--verbose] [--skip-heldout]
        [--set-dir DIR]

Two labelled sets:

- `cases113`: tests/compliance/preflight_cases.yaml, written together with the rules. caught:
  share of defective registrations on which the expected rule reports a finding;
  wrongly_flagged: share of compliant ones with at least one error (the findings that block
  submission); wrongly_warned: share with any finding at all.
- `dev` … `dev26`, `heldout` … `heldout5`, `heldout7` … `heldout27` and `whole` (all of them
  together): tests/compliance/preflight_set/ (dev2/heldout2, dev3/heldout3 and dev4/heldout4: a
  second, third and fourth set; dev5, dev6 (written as "heldout6"), dev7, heldout5, heldout7
  and heldout8: parts written by hand, each by its own author; dev8, heldout9 … heldout27, dev10
  … dev26: each by two authors at once; every set with its own tenants and wording), written
  from the reference documents by someone who had not read the rules, each registration complete and
  labelled compliant or with one documented defect at one field. caught: share of defective
  registrations with at least one finding (error or warning) at the labelled field, or anywhere
  for a finding without a field, findings being the preflight's plus the catalog's validation
  (registrations.schema against sandbox/catalog.json, the forms the portal syncs);
  caught_as_error: the same counting errors only; blocked: share of compliant registrations
  with at least one error; warned: share with any finding; blocked_by_form_only: share of
  compliant registrations whose only error is the catalog's (a field the synced form requires is
  empty or malformed, so the registration could not be submitted as written).

The rules are never adjusted against the held-out parts: `--verbose` prints per-registration and
per-category details for the dev parts only; of the held-out parts only the aggregate figures are
printed. `--skip-heldout` leaves them (and `whole`) out altogether.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "compliance" / "preflight_cases.yaml"
PORTAL = "https://sms.provider.example"


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()


def load_cases(path: Path = CASES, portal: str = PORTAL) -> list[dict]:
    """Each case with its full registration (base plus the one change) and its label."""
    import yaml

    from compliance.preflight import AttachmentInfo, Draft

    raw = yaml.safe_load(path.read_text().replace("{portal}", portal))
    cases = []
    for case in raw["cases"]:
        base = raw["bases"][case["base"]]
        values = dict(base["values"])
        values.update(case.get("set", {}))
        for key in case.get("unset", []):
            values.pop(key)
        attachments = case.get("attachments", base.get("attachments", {}))
        draft = Draft(
            registration_type=base["registration_type"],
            values=values,
            attachments={k: AttachmentInfo(**v) for k, v in attachments.items()},
            brand_names=tuple(base.get("brand_names", ())),
            hosted_urls=base.get("hosted", {}),
            tenant_slug=base.get("tenant_slug", ""),
        )
        cases.append({"id": case["id"], "expect": case["expect"], "draft": draft})
    return cases


def measure(cases: list[dict]) -> dict:
    from compliance.preflight import preflight_run

    defects = [c for c in cases if c["expect"] != "compliant"]
    compliant = [c for c in cases if c["expect"] == "compliant"]
    missed, flagged, warned, details = [], [], [], []
    for case in cases:
        findings = preflight_run(case["draft"])
        ids = sorted({f.rule_id for f in findings})
        details.append({"id": case["id"], "expect": case["expect"], "found": ids})
        if case["expect"] == "compliant":
            if any(f.severity == "error" for f in findings):
                flagged.append(case["id"])
            if findings:
                warned.append(case["id"])
        elif case["expect"] not in ids:
            missed.append(case["id"])
    return {
        "cases": len(cases),
        "defective": len(defects),
        "compliant": len(compliant),
        "caught": round((len(defects) - len(missed)) / len(defects), 4),
        "wrongly_flagged": round(len(flagged) / len(compliant), 4),
        "wrongly_warned": round(len(warned) / len(compliant), 4),
        "missed": missed,
        "flagged": flagged,
        "details": details,
    }


SET_DIR = ROOT / "tests" / "compliance" / "preflight_set"
SET_PORTAL = "https://portal.example"


def _read_set(path: Path, portal: str) -> list[dict]:
    """The registrations of one part, with bench/preflight_set.py's loader when it is there
    (the set's own), else the same reading: the `registrations` list, "{portal}" replaced."""
    try:
        from bench.preflight_set import load_set as set_loader
    except ImportError:
        set_loader = None
    if set_loader is not None:
        return set_loader(path, portal)
    import yaml

    raw = yaml.safe_load(path.read_text(encoding="utf-8").replace("{portal}", portal.rstrip("/")))
    return list(raw["registrations"])


def set_draft(item: dict):
    """The Draft of one registration of the labelled set."""
    from compliance.preflight import AttachmentInfo, Draft

    tenant = item.get("tenant") or {}
    provider = item.get("provider") or {}
    attachments = {
        path: AttachmentInfo(
            content_type=str(info.get("content_type", "")),
            size_bytes=int(info.get("size_bytes", 0)),
            width=int(info.get("width", 0) or 0),
            height=int(info.get("height", 0) or 0),
        )
        for path, info in (item.get("attachments") or {}).items()
    }
    values = {
        k: (v if isinstance(v, list) else ("" if v is None else str(v)))
        for k, v in (item.get("values") or {}).items()
    }
    hosted = dict(item.get("hosted") or {})
    if "optin" in hosted and "opt_in" not in hosted:
        hosted["opt_in"] = hosted.pop("optin")
    return Draft(
        registration_type=item["registration_type"],
        values=values,
        attachments=attachments,
        brand_names=tuple(tenant.get("names") or ()),
        hosted_urls=hosted,
        tenant_slug=str(tenant.get("slug", "")),
        provider_names=tuple(provider.get("names") or ()),
        provider_domains=tuple(provider.get("domains") or ()),
        pages=dict(item.get("pages") or {}),
    )


def load_set(part: str, portal: str = SET_PORTAL, folder: Path | None = None) -> list[dict]:
    """The registrations of one part ("dev", "heldout", "dev2", "heldout2", "dev3", "heldout3",
    "dev4", "heldout4", "dev5" … "dev26", "heldout5", "heldout7" … "heldout27") of the labelled
    set, as {"id", "label", "defect", "draft"}; [] while the set is not in this tree."""
    path = (folder or SET_DIR) / f"{part}.yaml"
    if not path.exists():
        return []
    return [
        {
            "id": str(item["id"]),
            "label": item["label"],
            "defect": item.get("defect") or {},
            "draft": set_draft(item),
        }
        for item in _read_set(path, portal)
    ]


def part_names(prefix: str, folder: Path | None = None) -> list[str]:
    """The parts of the set whose names are the prefix and a number ("dev", "dev2", … in order
    of their numbers), as the files in the set's folder are named."""
    found = [p.stem for p in (folder or SET_DIR).glob(f"{prefix}*.yaml")]
    numbered = [n for n in found if n == prefix or n[len(prefix) :].isdigit()]
    return sorted(numbered, key=lambda n: int(n[len(prefix) :] or 1))


CATALOG = ROOT / "sandbox" / "catalog.json"


def catalog_schemas(path: Path = CATALOG) -> dict:
    """registrations.schema.TypeSchema per registration type of the catalog the portal syncs
    (the sandbox serves it as DescribeRegistration*Definitions), normalised as a sync does."""
    from registrations.aws import catalog  # after django.setup(), like the other imports here

    out = {}
    for raw in json.loads(path.read_text())["RegistrationTypes"]:
        if raw.get("Fields"):
            schema = catalog.schema_from_aws(raw, raw.get("Sections", []), raw["Fields"])
            out[schema.registration_type] = schema
    return out


def check(draft, schemas: dict) -> list:
    """What the portal checks before a draft goes anywhere: the preflight, plus the catalog's
    validation when the catalog defines the form."""
    from compliance.preflight import preflight_run
    from compliance.preflight.catalog import catalog_findings

    findings = preflight_run(draft)
    schema = schemas.get(draft.registration_type)
    if schema is not None:
        findings += catalog_findings(draft, schema)
    return findings


def _at_field(finding, field: str) -> bool:
    return not finding.field_paths or not field or field in finding.field_paths


def measure_set(items: list[dict]) -> dict:
    """caught / caught_as_error on the defective registrations, blocked / warned /
    blocked_by_form_only on the compliant ones, and the rows behind them."""
    from compliance.preflight.catalog import CATALOG_RULE  # after django.setup(), like check()

    schemas = catalog_schemas()
    defects = [i for i in items if i["label"] != "compliant"]
    compliant = [i for i in items if i["label"] == "compliant"]
    caught = caught_error = blocked = warned = blocked_form = 0
    rows = []
    for item in items:
        findings = check(item["draft"], schemas)
        row = {"id": item["id"], "label": item["label"]}
        if item["label"] == "compliant":
            errors = sorted({f.rule_id for f in findings if f.severity == "error"})
            blocked += bool(errors)
            blocked_form += errors == [CATALOG_RULE]
            warned += bool(findings)
            row.update(errors=errors, warnings=sorted({f.rule_id for f in findings} - set(errors)))
        else:
            field = str(item["defect"].get("field", ""))
            here = [f for f in findings if _at_field(f, field)]
            caught += bool(here)
            caught_error += any(f.severity == "error" for f in here)
            row.update(
                category=item["defect"].get("category", ""),
                field=field,
                caught=bool(here),
                as_error=any(f.severity == "error" for f in here),
                found_here=sorted({f.rule_id for f in here}),
                found_elsewhere=sorted({f.rule_id for f in findings} - {f.rule_id for f in here}),
            )
        rows.append(row)

    def ratio(n: int, d: int) -> float | None:
        return round(n / d, 4) if d else None

    return {
        "registrations": len(items),
        "defective": len(defects),
        "compliant": len(compliant),
        "caught": ratio(caught, len(defects)),
        "caught_as_error": ratio(caught_error, len(defects)),
        "blocked": ratio(blocked, len(compliant)),
        "warned": ratio(warned, len(compliant)),
        # blocked only because a field the synced form requires is empty or malformed: the
        # registration could not be submitted as written, whatever its wording
        "blocked_by_form_only": ratio(blocked_form, len(compliant)),
        "rows": rows,
    }


def misses_by_category(rows: list[dict]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for row in rows:
        if row["label"] == "compliant":
            continue
        entry = out.setdefault(
            row["category"] or "?", {"defects": 0, "missed": 0, "warning_only": 0}
        )
        entry["defects"] += 1
        entry["missed"] += not row["caught"]
        entry["warning_only"] += row["caught"] and not row["as_error"]
    return dict(sorted(out.items()))


def main() -> None:
    _setup()
    from django.conf import settings

    settings.PORTAL_BASE_URL = PORTAL
    verbose = "--verbose" in sys.argv
    old = measure(load_cases())
    details = old.pop("details")
    if verbose:
        for row in details:
            print(json.dumps(row))
    summary = {"cases113": old}
    folder = None
    if "--set-dir" in sys.argv:
        folder = Path(sys.argv[sys.argv.index("--set-dir") + 1])
    settings.PORTAL_BASE_URL = SET_PORTAL
    parts = {name: load_set(name, folder=folder) for name in part_names("dev", folder)}
    if "--skip-heldout" not in sys.argv:
        for held in part_names("heldout", folder):
            parts[held] = load_set(held, folder=folder)
        parts["whole"] = [item for items in list(parts.values()) for item in items]
    for name, items in parts.items():
        result = measure_set(items)
        rows = result.pop("rows")
        if name.startswith("dev"):
            result["misses_by_category"] = misses_by_category(rows)
            if verbose:
                for row in rows:
                    if not row.get("caught", True) or row.get("errors"):
                        print(json.dumps({"part": name, **row}))
        summary[name] = result
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
