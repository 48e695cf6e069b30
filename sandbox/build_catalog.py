"""Build ``sandbox/catalog.json`` from the researched registration field catalog.

    python -m sandbox.build_catalog [--source PATH] [--output PATH]

The source uses lowerCamelCase keys and carries provenance annotations (``_sources``,
``_confidence``, ``_inferred``, ``_notes`` ...). The output is the wire form (PascalCase, as
``Describe*Definitions`` answers) with every ``_``-prefixed key removed. AWS publishes no short
code registration type (short codes are requested through an AWS Support case), so there is none
here. The built file is committed, because CI does not have the source.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

HERE = Path(__file__).parent
DEFAULT_SOURCE = HERE.parent.parent / "shared" / "reference" / "registration-field-catalog.json"
DEFAULT_OUTPUT = HERE / "catalog.json"
MAX_TEXT = 2048  # TextValue max in the API model; used where the source has no maximum

TITLES = {
    "US_TEN_DLC_BRAND_REGISTRATION": "US 10DLC brand registration",
    "US_TEN_DLC_BRAND_VETTING": "US 10DLC brand vetting",
    "US_TEN_DLC_CAMPAIGN_REGISTRATION": "US 10DLC campaign registration",
    "GB_SENDER_ID_REGISTRATION": "United Kingdom sender ID registration",
    "ID_SENDER_ID_REGISTRATION": "Indonesia sender ID registration",
    "IN_SENDER_ID_REGISTRATION": "India sender ID registration",
    "SG_SENDER_ID_REGISTRATION": "Singapore sender ID registration",
    "TEST_RCS_LAUNCH_REGISTRATION": "Test RCS launch registration",
}

# The source leaves DisassociationBehavior open for some associations; the model requires it.
# These defaults are the sandbox's choice (documented in sandbox/README.md).
DISASSOCIATION_DEFAULTS = {
    "US_TEN_DLC_BRAND_REGISTRATION": "DELETE_REGISTRATION_DISASSOCIATES",
    "TEN_DLC": "DISASSOCIATE_ALL_ALLOWS_DELETE_REGISTRATION",
    "SENDER_ID": "DISASSOCIATE_ALL_CLOSES_REGISTRATION",
    "RCS_AGENT": "DELETE_REGISTRATION_DISASSOCIATES",
}


def pascal(key: str) -> str:
    return key[:1].upper() + key[1:]


def clean(value):
    """Drop provenance keys and turn lowerCamelCase keys into PascalCase."""
    if isinstance(value, dict):
        return {
            pascal(k): clean(v) for k, v in value.items() if not k.startswith("_") and v is not None
        }
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value


def convert_type(name: str, source: dict) -> dict:
    associations = []
    for assoc in source.get("supportedAssociations", []):
        item = clean(assoc)
        item.setdefault(
            "DisassociationBehavior",
            DISASSOCIATION_DEFAULTS.get(item["ResourceType"], "DELETE_REGISTRATION_DISASSOCIATES"),
        )
        associations.append(item)
    sections = []
    for section in source.get("sections", []):
        title = section.get("displayName") or section["path"]
        sections.append(
            {
                "SectionPath": section["path"],
                "DisplayHints": {
                    "Title": title,
                    "ShortDescription": section.get("description") or title,
                },
            }
        )
    fields = []
    for field in source.get("fields", []):
        item = clean(field)
        text = item.get("TextValidation")
        if text is not None and text.get("MaxLength") is None:
            text["MaxLength"] = MAX_TEXT
        if text is not None:
            text.setdefault("MinLength", 1)
            text.setdefault("Pattern", "^(?=\\s*\\S)[\\s\\S]+$")
        hints = item.setdefault("DisplayHints", {})
        hints.setdefault("Title", item["FieldPath"])
        hints.setdefault("ShortDescription", hints["Title"])
        fields.append(item)
    return {
        "RegistrationType": name,
        "SupportedAssociations": associations,
        "DisplayHints": {"Title": source.get("displayName") or TITLES.get(name, name)},
        "Sections": sections,
        "Fields": fields,
    }


def build(source: dict) -> dict:
    types = [convert_type(name, body) for name, body in source.items() if not name.startswith("_")]
    return {"RegistrationTypes": types}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=str(DEFAULT_SOURCE))
    parser.add_argument("--output", default=str(DEFAULT_OUTPUT))
    args = parser.parse_args(argv)
    source = json.loads(Path(args.source).read_text(encoding="utf-8"))
    catalog = build(source)
    Path(args.output).write_text(json.dumps(catalog, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {len(catalog['RegistrationTypes'])} registration types to {args.output}")


if __name__ == "__main__":
    main()
