"""Measures the preflight engine on the labelled registrations in
tests/compliance/preflight_cases.yaml and prints one JSON object on its last line.

    .venv/bin/python bench/preflight.py [--verbose]

caught: share of defective registrations on which the expected rule reports a finding.
wrongly_flagged: share of compliant registrations that get at least one error (the findings
that block submission); wrongly_warned counts those with any finding at all.
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


def main() -> None:
    _setup()
    from django.conf import settings

    settings.PORTAL_BASE_URL = PORTAL
    result = measure(load_cases())
    details = result.pop("details")
    if "--verbose" in sys.argv:
        for row in details:
            print(json.dumps(row))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
