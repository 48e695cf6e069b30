"""How the preflight's verdicts hold when the same registrations are typed another way, and
prints one JSON object on its last line.

    .venv/bin/python bench/preflight_retype.py [--verbose]

Every registration of the development parts of the labelled set (tests/compliance/
preflight_set/dev*.yaml) is retyped the way real tenants' text arrives, without changing what
it says, and checked again (the preflight plus the catalog's validation, as bench/preflight.py
does):

- `word_processor`: curly apostrophes and quotes, en dashes, "…", two spaces after a full stop;
- `line_breaks`: each sentence on its own line (Windows line ends);
- `no_break_spaces`: a no-break space after each number;
- `lower_case` / `capitals`: the free-text descriptions (use case, opt-in, campaign
  description) typed all in lower case / all in capitals.

Texts under 31 characters and addresses are left as they are; `lower_case` and `capitals` touch
the description fields only (never a keyword reply, a sample or an option of a select).

For each retyping: `newly_blocked`, compliant registrations that get an error they did not have
(the catalog's own findings left out: a retyped option is no longer an option); `newly_missed`,
defective registrations whose defect was found and no longer is. The held-out parts are not read.
"""

from __future__ import annotations

import dataclasses
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import preflight as measure  # noqa: E402  (after the path)

_SENTENCE_END = re.compile(r"([.!?]) (?=[A-Z])")
_DESCRIPTIONS = ("Description", "Details", "Workflow", "campaignName", "userExperienceFlow")


def word_processor(text: str) -> str:
    text = re.sub(r"(\w)'(\w)", "\\1\u2019\\2", text)
    text = re.sub(r'"([^"]*)"', "\u201c\\1\u201d", text)
    text = re.sub(r"(\w) - (\w)", "\\1 \u2013 \\2", text)
    text = text.replace("...", "\u2026")
    return _SENTENCE_END.sub("\\1  ", text)


def line_breaks(text: str) -> str:
    return _SENTENCE_END.sub("\\1\r\n", text)


def no_break_spaces(text: str) -> str:
    return re.sub(r"(\d) (?=\w)", "\\1\u00a0", text)


RETYPINGS = {
    "word_processor": (word_processor, False),
    "line_breaks": (line_breaks, False),
    "no_break_spaces": (no_break_spaces, False),
    "lower_case": (str.lower, True),
    "capitals": (str.upper, True),
}


def retyped(draft, change, descriptions_only: bool):
    def touch(path: str, value) -> bool:
        if not isinstance(value, str) or len(value) <= 30 or value.startswith("http"):
            return False
        return not descriptions_only or any(part in path for part in _DESCRIPTIONS)

    values = {k: (change(v) if touch(k, v) else v) for k, v in draft.values.items()}
    return dataclasses.replace(draft, values=values)


def main() -> None:
    measure._setup()
    from django.conf import settings

    from compliance.preflight.catalog import CATALOG_RULE

    settings.PORTAL_BASE_URL = measure.SET_PORTAL
    verbose = "--verbose" in sys.argv
    schemas = measure.catalog_schemas()
    items = [item for part in measure.part_names("dev") for item in measure.load_set(part)]
    before = {item["id"]: measure.check(item["draft"], schemas) for item in items}
    summary: dict = {"registrations": len(items)}
    for name, (change, descriptions_only) in RETYPINGS.items():
        blocked, missed = [], []
        for item in items:
            found = measure.check(retyped(item["draft"], change, descriptions_only), schemas)
            if item["label"] == "compliant":
                errors = {f.rule_id for f in found if f.severity == "error"}
                had = {f.rule_id for f in before[item["id"]] if f.severity == "error"}
                if errors - had - {CATALOG_RULE}:
                    blocked.append([item["id"], sorted(errors - had - {CATALOG_RULE})])
            else:
                field = str(item["defect"].get("field", ""))
                if any(measure._at_field(f, field) for f in before[item["id"]]) and not any(
                    measure._at_field(f, field) for f in found
                ):
                    missed.append([item["id"], item["defect"].get("category", "")])
        if verbose:
            print(json.dumps({"retyping": name, "blocked": blocked, "missed": missed}))
        summary[name] = {"newly_blocked": len(blocked), "newly_missed": len(missed)}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
