"""Sender IDs: the one place for their format and their countries' rules.

From AWS's SMS user guide (seed 001: "Considerations for a Sender ID", "Manage sender IDs",
"Supported countries and regions (SMS channel)", "India sender ID registration process",
"Singapore registration process") and the global sending blog (seed 004):

- 3 to 11 characters; letters a-z, A-Z, digits 0-9 and dashes only; no spaces; numeric-only
  sender IDs are not supported; "some countries may override these"; the API reference adds
  that it "must contain at least one letter and cannot start or end with a hyphen";
- India: "India requires sender IDs to be exactly 6 characters in length"; transactional sender
  IDs "only contain letters, and are case-sensitive" (the portal registers transactional ones);
- a generic word (OTP, INFO, NOTICE …) is not a sender ID a reviewer accepts: AWS itself uses
  NOTICE for shared, unregistered traffic;
- 40 countries do not support sender IDs at all (among them the US, Canada and China);
- 15 countries require a pre-registered sender ID (note 1 and 3 of the country table), and
  Singapore requires registration on its SSIR (else the ID is changed to LIKELY-SCAM);
- every other supporting country takes a sender ID without registration ("specify your
  Sender ID when you send"): `RequestSenderId` "Request a new sender ID that doesn't require
  registration".

Used by the preflight (`compliance/preflight/rules_sender_id.py`), the registration forms and
provisioning (`registrations`), and the tenant's no-registration requests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Countries whose column "Supports Sender IDs" says No (seed 001 country table, 40 of them).
UNSUPPORTED = frozenset(
    {
        "AR", "BS", "BE", "BR", "CA", "KY", "CL", "CN", "CO", "CR", "DO", "EC", "SV", "GU",
        "GT", "HU", "LR", "MY", "MH", "MX", "FM", "MC", "MZ", "NZ", "NI", "PY", "PE", "PR",
        "CG", "KN", "LC", "WS", "ZA", "KR", "TW", "TM", "US", "UY", "VE", "VI",
    }
)  # fmt: skip
# "Registration required" (notes 1 and 3: a pre-registered alphabetic sender ID), and Singapore
# (note 5: the Singapore SMS Sender ID Registry).
REGISTRATION_REQUIRED = frozenset(
    {
        "AU", "BY", "EG", "IN", "JO", "KW", "PH", "QA", "RU", "SA", "LK", "TH", "TR", "AE",
        "VN", "SG",
    }
)  # fmt: skip
# Where the user guide says how to register: a registration form (AWS's registration types) or,
# for the others, an AWS Support case ("Open an Amazon Pinpoint SMS support case to request a
# sender ID").
SUPPORT_CASE_NOTE = (
    "AWS issues registered sender IDs for {country} through an AWS Support case "
    "(resource type “Sender ID Registration”)."
)
# A long code that can send SMS without a registration: "if you purchase a long code that is
# based in the United States (including Puerto Rico) or Canada, you can also use it to send SMS
# messages"; US A2P traffic needs 10DLC, so only Canada is left. Elsewhere dedicated SMS long
# codes come through an AWS Support case ("Dedicated SMS Long Codes").
LONG_CODE_WITHOUT_REGISTRATION = frozenset({"CA"})

MIN_LENGTH, MAX_LENGTH = 3, 11
LENGTH_BY_COUNTRY = {"IN": (6, 6)}
LETTERS_ONLY = frozenset({"IN"})
GENERIC = frozenset(
    {
        "OTP", "2FA", "SMS", "INFO", "ALERT", "ALERTS", "NOTICE", "VERIFY", "TEST", "CODE",
        "AUTH", "PROMO", "NEWS", "BANK", "SERVICE", "SUPPORT", "MESSAGE", "LIKELY-SCAM",
    }
)  # fmt: skip
CHARACTERS = re.compile(r"[A-Za-z0-9-]+")


@dataclass(frozen=True)
class CountryRule:
    """What a country allows for sender IDs, in the words shown to tenants."""

    iso: str
    supported: bool
    registration_required: bool
    min_length: int
    max_length: int
    letters_only: bool

    @property
    def requestable(self) -> bool:
        """A sender ID AWS gives without a registration (RequestSenderId)."""
        return self.supported and not self.registration_required

    def describe(self) -> str:
        if not self.supported:
            return f"{self.iso} does not support sender IDs: messages need a phone number."
        size = (
            f"exactly {self.min_length}"
            if self.min_length == self.max_length
            else f"{self.min_length} to {self.max_length}"
        )
        kinds = "letters" if self.letters_only else "letters, digits or dashes"
        text = f"{size} {kinds}, at least one letter, no spaces, not a generic word (OTP, INFO…)"
        if self.registration_required:
            text += "; it must be registered before it can send"
        return text + "."


def country_rule(iso: str) -> CountryRule:
    iso = (iso or "").upper()
    low, high = LENGTH_BY_COUNTRY.get(iso, (MIN_LENGTH, MAX_LENGTH))
    return CountryRule(
        iso=iso,
        supported=iso not in UNSUPPORTED,
        registration_required=iso in REGISTRATION_REQUIRED,
        min_length=low,
        max_length=high,
        letters_only=iso in LETTERS_ONLY,
    )


def is_generic(value: str) -> bool:
    return value.upper().replace("-", "") in {g.replace("-", "") for g in GENERIC}


def format_problems(value: str, iso: str) -> list[str]:
    """Format problems only (characters, length), the way the preflight reports them."""
    rule = country_rule(iso)
    if not CHARACTERS.fullmatch(value or "") or not re.search(r"[A-Za-z]", value or ""):
        return ["Use letters, digits or dashes only, with at least one letter and no spaces."]
    if value.startswith("-") or value.endswith("-"):
        return ["Start and end the sender ID with a letter or digit, not a dash."]
    if rule.letters_only and not value.isalpha():
        return [f"In {rule.iso} a sender ID is letters only."]
    if not rule.min_length <= len(value) <= rule.max_length:
        size = (
            f"exactly {rule.min_length}"
            if rule.min_length == rule.max_length
            else f"{rule.min_length} to {rule.max_length}"
        )
        return [f"Use {size} characters in {rule.iso} (now {len(value)})."]
    return []


def sender_id_problems(value: str, iso: str) -> list[str]:
    """Everything wrong with `value` as a sender ID for country `iso`, in plain words
    (empty: it is acceptable)."""
    value = value or ""
    rule = country_rule(iso)
    if not rule.supported:
        return [rule.describe()]
    if not value.strip():
        return ["Enter the sender ID."]
    problems = format_problems(value, iso)
    if not problems and is_generic(value):
        problems.append(
            f"“{value}” is a generic word, not your brand; use the brand (e.g. ANYCO-OTP)."
        )
    return problems
