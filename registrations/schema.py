"""Registration definitions in the portal's own types (normalised from AWS's answers once, at
catalog sync, by `registrations.aws.catalog`), and validation that follows them exactly,
including `ConditionalBehavior` (kept as AWS's rule document), so that what the portal accepts
AWS accepts.

Values are plain Python: a TEXT field holds a `str`, a SELECT field a `list[str]`, an
ATTACHMENT field an attachment reference (any non-empty `str`, e.g. a local id).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from compliance import sender_ids as sender_id_rules

Value = str | list[str] | None
# The portal's own sender ID field (registrations/sender_ids.py): its problems are said in the
# country's rules' words rather than "the expected format".
PORTAL_SENDER_ID = "portal.senderId"

TEXT_API_MAX = 2048  # the API-wide TextValue cap


@dataclass(frozen=True)
class FieldDef:
    path: str
    section: str
    type: str  # TEXT | SELECT | ATTACHMENT
    requirement: str  # REQUIRED | OPTIONAL | CONDITIONAL
    min_length: int = 0
    max_length: int = TEXT_API_MAX
    pattern: str = ""
    min_choices: int = 0
    max_choices: int = 100
    options: tuple[str, ...] = ()
    title: str = ""
    short_description: str = ""
    long_description: str = ""
    example: str = ""
    option_titles: dict = field(default_factory=dict)
    conditional: dict | None = None

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> FieldDef:
        return cls(**{**data, "options": tuple(data.get("options", ()))})


@dataclass(frozen=True)
class SectionDef:
    path: str
    title: str = ""
    description: str = ""

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> SectionDef:
        return cls(**data)


@dataclass(frozen=True)
class AssociationRule:
    """A resource a registration type can be associated with, and when."""

    resource_type: str
    behavior: str  # e.g. ASSOCIATE_BEFORE_SUBMIT

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class TypeHeader:
    """A registration type's own definition (its sections and fields come separately)."""

    registration_type: str
    title: str
    associations: tuple[AssociationRule, ...] = ()

    def to_json(self) -> dict:
        return {
            "registration_type": self.registration_type,
            "title": self.title,
            "associations": [a.to_json() for a in self.associations],
        }

    @classmethod
    def from_json(cls, data: dict) -> TypeHeader:
        return cls(
            registration_type=data["registration_type"],
            title=data["title"],
            associations=tuple(AssociationRule(**a) for a in data.get("associations", ())),
        )


def _strings(value: Value) -> list[str]:
    if value is None or value == "" or value == []:
        return []
    return list(value) if isinstance(value, list) else [value]


def _condition_holds(condition: dict, values: dict[str, Value]) -> bool:
    present = _strings(values.get(condition["DependsOnFieldPath"]))
    wanted = condition.get("Values") or []
    operator = condition.get("Operator")
    if operator == "HAS_VALUE":
        return bool(present)
    if operator == "NO_VALUE":
        return not present
    if operator in ("EQUALS", "IN"):
        return any(v in wanted for v in present)
    if operator in ("NOT_EQUALS", "NOT_IN"):
        return bool(present) and not any(v in wanted for v in present)
    return False  # an operator this code does not know never matches


def effective_rule(fdef: FieldDef, values: dict[str, Value]) -> tuple[str, dict]:
    """(REQUIRED | OPTIONAL | DISALLOWED, validation overrides) for the field given the others."""
    if fdef.requirement != "CONDITIONAL":
        return fdef.requirement, {}
    behavior = fdef.conditional
    if not behavior:
        return "OPTIONAL", {}
    for rule in behavior.get("Rules", []):
        if all(_condition_holds(c, values) for c in rule.get("Conditions", [])):
            return rule["RuleBehavior"], rule.get("ConditionalValidation") or {}
    return behavior.get("DefaultBehavior", "OPTIONAL"), {}


def validate_value(fdef: FieldDef, value: Value, overrides: dict | None = None) -> list[str]:
    """Errors of one present value against its definition (and conditional overrides)."""
    overrides = overrides or {}
    errors: list[str] = []
    if fdef.type == "TEXT":
        if not isinstance(value, str):
            return ["Enter text."]
        minimum = overrides.get("MinLength", fdef.min_length)
        maximum = min(overrides.get("MaxLength", fdef.max_length), TEXT_API_MAX)
        pattern = overrides.get("Pattern", fdef.pattern)
        if len(value) < minimum:
            errors.append(f"Enter at least {minimum} characters (now {len(value)}).")
        if len(value) > maximum:
            errors.append(f"Use at most {maximum} characters (now {len(value)}).")
        if pattern and not re.fullmatch(pattern, value, flags=re.DOTALL):
            errors.append(
                "Enter a value in the expected format"
                + (f", for example: {fdef.example}" if fdef.example else ".")
            )
        allowed = overrides.get("AllowedValues")
        if allowed and value not in allowed:
            errors.append(f"Use one of: {', '.join(allowed)}.")
    elif fdef.type == "SELECT":
        if not isinstance(value, list):
            return ["Choose from the list."]
        allowed = overrides.get("AllowedValues") or fdef.options
        unknown = [v for v in value if v not in allowed]
        if unknown:
            errors.append(f"Not a choice here: {', '.join(unknown)}.")
        if len(set(value)) != len(value):
            errors.append("A choice is listed twice.")
        if len(value) < max(fdef.min_choices, 1):
            errors.append(f"Choose at least {max(fdef.min_choices, 1)}.")
        if len(value) > fdef.max_choices:
            errors.append(f"Choose at most {fdef.max_choices}.")
    elif fdef.type == "ATTACHMENT" and not isinstance(value, str):
        errors.append("Upload a file.")
    return errors


@dataclass
class TypeSchema:
    registration_type: str
    title: str
    sections: list[SectionDef]
    fields: list[FieldDef]
    associations: tuple[AssociationRule, ...]

    @classmethod
    def from_typedef(cls, typedef) -> TypeSchema:
        """From a stored `RegistrationTypeDef` (or anything with its three JSON attributes)."""
        header = TypeHeader.from_json(typedef.definition)
        return cls(
            registration_type=header.registration_type,
            title=header.title,
            sections=[SectionDef.from_json(s) for s in typedef.sections],
            fields=[FieldDef.from_json(f) for f in typedef.fields],
            associations=header.associations,
        )

    def field(self, path: str) -> FieldDef | None:
        return next((f for f in self.fields if f.path == path), None)

    def associations_before_submit(self) -> list[AssociationRule]:
        return [a for a in self.associations if a.behavior == "ASSOCIATE_BEFORE_SUBMIT"]

    def validate(self, values: dict[str, Value], *, complete: bool) -> dict[str, list[str]]:
        """Errors per field path. `complete=True` also reports missing required fields."""
        errors: dict[str, list[str]] = {}
        known = {f.path for f in self.fields}
        for path in values:
            if path not in known:
                errors[path] = ["This field is not part of the form (any more)."]
        for fdef in self.fields:
            behavior, overrides = effective_rule(fdef, values)
            present = bool(_strings(values.get(fdef.path)))
            if present and behavior == "DISALLOWED":
                errors[fdef.path] = ["Leave this empty for the answers given above."]
            elif present:
                problems = validate_value(fdef, values[fdef.path], overrides)
                if problems and fdef.path == PORTAL_SENDER_ID:
                    country = self.registration_type[:2]
                    said = sender_id_rules.sender_id_problems(str(values[fdef.path]), country)
                    problems = said or problems
                if problems:
                    errors[fdef.path] = problems
            elif complete and behavior == "REQUIRED":
                errors[fdef.path] = ["This field is required."]
        return errors
