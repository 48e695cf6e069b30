"""Values as people write them, in the form AWS's field pattern wants.

A person writes a phone number "+1 206 555 0100" or "(206) 555-0100" and an EIN "12-3456789";
AWS's fields want "+12065550100" (pattern `^\\+[1-9][0-9]{1,18}$`) and "123456789"
(`^[A-Za-z0-9]+$`). `normalise` turns a typed value into the form the field's own pattern
accepts, only when the value does not match as written and the rewritten one does: a value
that already fits, or that no rewriting makes fit, is left for the field's check to report."""

from __future__ import annotations

import re

from portal import phones
from registrations.schema import FieldDef, Value

# Patterns that ask for an E.164 number (AWS writes them this way in its field definitions).
_PHONE_PATTERNS = re.compile(r"^\^\\\+\[1-9\]")
# Separators people put in identifiers: spaces, hyphens, dots, slashes.
_SEPARATORS = re.compile(r"[\s./-]+")
# Identifier fields whose separators carry no meaning (a tax or company registration number). Other
# fields keep what the person typed: a sender ID "EXAMPLE CO" is a mistake to report, not to join.
TAX_ID_NAMES = ("taxId", "companyId")


def is_phone_field(fdef: FieldDef) -> bool:
    return bool(fdef.pattern and _PHONE_PATTERNS.match(fdef.pattern))


def _fits(fdef: FieldDef, value: str) -> bool:
    return bool(re.fullmatch(fdef.pattern, value, flags=re.DOTALL))


def tax_id_compact(value: str) -> str:
    """A tax or registration number without the separators people write in it
    ("12-3456789" → "123456789")."""
    return _SEPARATORS.sub("", value or "").upper() if value else value


def normalise(fdef: FieldDef | None, value: Value, *, country: str = "US") -> Value:
    """The value the field's pattern accepts, when a known rewriting gets it there."""
    if fdef is None or fdef.type != "TEXT" or not isinstance(value, str):
        return value
    text = value.strip()
    if not text or not fdef.pattern or _fits(fdef, value):
        return value
    if is_phone_field(fdef):
        try:
            e164 = phones.phone_e164(text, country=country or "US")
        except phones.PhoneFormatError:
            return value
        return e164 if _fits(fdef, e164) else value
    if fdef.path.rsplit(".", 1)[-1] not in TAX_ID_NAMES:
        return value
    compact = _SEPARATORS.sub("", text)
    if compact != text and _fits(fdef, compact):
        return compact
    return value


def normalise_values(schema, values: dict[str, Value], *, country: str = "US") -> dict[str, Value]:
    return {path: normalise(schema.field(path), v, country=country) for path, v in values.items()}
