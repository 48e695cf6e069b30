"""AWS's registration definitions (DescribeRegistration{Type,Section,Field}Definitions)
normalised into the portal's types (`registrations.schema`) once, when the catalog is synced;
the rest of the portal reads only those types.

`ConditionalBehavior` is kept as AWS's rule document: it is a small language of its own, which
`registrations.schema` evaluates (and the browser's form script too) exactly as AWS does.
"""

from __future__ import annotations

from registrations.schema import (
    TEXT_API_MAX,
    AssociationRule,
    FieldDef,
    SectionDef,
    TypeHeader,
    TypeSchema,
)


def type_from_aws(raw: dict) -> TypeHeader:
    hints = raw.get("DisplayHints") or {}
    return TypeHeader(
        registration_type=raw["RegistrationType"],
        title=hints.get("Title") or raw["RegistrationType"],
        associations=tuple(
            AssociationRule(
                resource_type=a["ResourceType"], behavior=a.get("AssociationBehavior", "")
            )
            for a in raw.get("SupportedAssociations", [])
        ),
    )


def section_from_aws(raw: dict) -> SectionDef:
    hints = raw.get("DisplayHints") or {}
    return SectionDef(
        path=raw["SectionPath"],
        title=hints.get("Title") or raw["SectionPath"],
        description=hints.get("ShortDescription", ""),
    )


def field_from_aws(raw: dict) -> FieldDef:
    text = raw.get("TextValidation") or {}
    select = raw.get("SelectValidation") or {}
    hints = raw.get("DisplayHints") or {}
    return FieldDef(
        path=raw["FieldPath"],
        section=raw.get("SectionPath", raw["FieldPath"].split(".")[0]),
        type=raw["FieldType"],
        requirement=raw["FieldRequirement"],
        min_length=text.get("MinLength", 0),
        max_length=text.get("MaxLength", TEXT_API_MAX),
        pattern=text.get("Pattern", ""),
        min_choices=select.get("MinChoices", 0),
        max_choices=select.get("MaxChoices", 100),
        options=tuple(select.get("Options", ())),
        title=hints.get("Title", raw["FieldPath"]),
        short_description=hints.get("ShortDescription", ""),
        long_description=hints.get("LongDescription", ""),
        example=hints.get("ExampleTextValue", ""),
        option_titles={
            d["Option"]: d.get("Title", d["Option"])
            for d in hints.get("SelectOptionDescriptions", [])
        },
        conditional=raw.get("ConditionalBehavior"),
    )


def schema_from_aws(raw_type: dict, raw_sections: list[dict], raw_fields: list[dict]) -> TypeSchema:
    """A type's schema straight from AWS's three answers (the bench reads the sandbox's file)."""
    header = type_from_aws(raw_type)
    return TypeSchema(
        registration_type=header.registration_type,
        title=header.title,
        sections=[section_from_aws(s) for s in raw_sections],
        fields=[field_from_aws(f) for f in raw_fields],
        associations=header.associations,
    )
