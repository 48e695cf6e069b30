"""Registration type, section and field definitions, served from a catalog file."""

from __future__ import annotations

import json
from pathlib import Path

from .errors import ValidationError
from .model import op
from .resources import Ctx, apply_filters, page


class Catalog:
    def __init__(self, data: dict):
        self.types = {t["RegistrationType"]: t for t in data["RegistrationTypes"]}
        self.fields = {
            name: {f["FieldPath"]: f for f in t.get("Fields", [])} for name, t in self.types.items()
        }

    @classmethod
    def load(cls, path: str | Path) -> Catalog:
        return cls(json.loads(Path(path).read_text(encoding="utf-8")))

    def type(self, name: str) -> dict:
        found = self.types.get(name)
        if found is None:
            raise ValidationError(
                f"The registration type {name} is not known.",
                "UNKNOWN_REGISTRATION_TYPE",
                [{"Name": "RegistrationType", "Message": name}],
            )
        return found

    def field(self, type_name: str, path: str) -> dict:
        found = self.fields.get(type_name, {}).get(path)
        if found is None:
            raise ValidationError(
                f"The field {path} is not part of {type_name}.",
                "UNKNOWN_REGISTRATION_FIELD",
                [{"Name": "FieldPath", "Message": path}],
            )
        return found

    def association(self, type_name: str, resource_type: str) -> dict | None:
        for assoc in self.types[type_name].get("SupportedAssociations", []):
            if assoc["ResourceType"] == resource_type:
                return assoc
        return None


def value_strings(value: dict | None) -> list[str]:
    if not value:
        return []
    if value.get("TextValue") is not None:
        return [value["TextValue"]]
    if value.get("SelectChoices"):
        return list(value["SelectChoices"])
    if value.get("RegistrationAttachmentId"):
        return [value["RegistrationAttachmentId"]]
    return []


def _condition(cond: dict, values: dict) -> bool:
    present = value_strings(values.get(cond["DependsOnFieldPath"]))
    wanted = cond.get("Values") or []
    operator = cond["Operator"]
    if operator == "HAS_VALUE":
        return bool(present)
    if operator == "NO_VALUE":
        return not present
    if operator in ("EQUALS", "IN"):
        return any(v in wanted for v in present)
    if operator in ("NOT_EQUALS", "NOT_IN"):
        return bool(present) and not any(v in wanted for v in present)
    return False  # unknown operators never match (forward compatible, like AWS)


def resolve(field: dict, values: dict) -> tuple[str, dict]:
    """The field's effective requirement (REQUIRED/OPTIONAL/DISALLOWED) and validation override."""
    requirement = field["FieldRequirement"]
    if requirement != "CONDITIONAL":
        return requirement, {}
    behavior = field.get("ConditionalBehavior")
    if not behavior:
        return "OPTIONAL", {}
    for rule in behavior["Rules"]:
        if all(_condition(c, values) for c in rule["Conditions"]):
            return rule["RuleBehavior"], rule.get("ConditionalValidation") or {}
    return behavior["DefaultBehavior"], {}


@op("DescribeRegistrationTypeDefinitions")
def describe_types(ctx: Ctx, params: dict) -> dict:
    catalog = ctx.app.catalog
    names = params.get("RegistrationTypes")
    items = [catalog.type(n) for n in names] if names else list(catalog.types.values())
    items = apply_filters(
        items,
        params.get("Filters"),
        {
            "supported-association-resource-type": lambda t: [
                a["ResourceType"] for a in t.get("SupportedAssociations", [])
            ],
            "supported-association-iso-country-code": lambda t: [
                a.get("IsoCountryCode") for a in t.get("SupportedAssociations", [])
            ],
        },
    )
    return page(params, items, "RegistrationTypeDefinitions")


@op("DescribeRegistrationSectionDefinitions")
def describe_sections(ctx: Ctx, params: dict) -> dict:
    reg_type = ctx.app.catalog.type(params["RegistrationType"])
    sections = reg_type.get("Sections", [])
    wanted = params.get("SectionPaths")
    if wanted:
        known = {s["SectionPath"] for s in sections}
        for path in wanted:
            if path not in known:
                raise ValidationError(
                    f"The section {path} is not part of {params['RegistrationType']}.",
                    "UNKNOWN_REGISTRATION_SECTION",
                    [{"Name": "SectionPaths", "Message": path}],
                )
        sections = [s for s in sections if s["SectionPath"] in wanted]
    result = page(params, sections, "RegistrationSectionDefinitions")
    result["RegistrationType"] = params["RegistrationType"]
    return result


@op("DescribeRegistrationFieldDefinitions")
def describe_fields(ctx: Ctx, params: dict) -> dict:
    catalog = ctx.app.catalog
    name = params["RegistrationType"]
    reg_type = catalog.type(name)
    fields = reg_type.get("Fields", [])
    section = params.get("SectionPath")
    if section:
        if section not in {s["SectionPath"] for s in reg_type.get("Sections", [])}:
            raise ValidationError(
                f"The section {section} is not part of {name}.",
                "UNKNOWN_REGISTRATION_SECTION",
                [{"Name": "SectionPath", "Message": section}],
            )
        fields = [f for f in fields if f["SectionPath"] == section]
    paths = params.get("FieldPaths")
    if paths:
        fields = [catalog.field(name, p) for p in paths]
    result = page(params, fields, "RegistrationFieldDefinitions")
    result["RegistrationType"] = name
    return result
