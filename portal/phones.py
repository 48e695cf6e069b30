"""The one reading of a phone number typed by a person: "+1 206 555 0100", "(206) 555-0100",
"206.555.0100" or "+12065550100" all become E.164 ("+12065550100"). Every form that takes a
number (the business profile, the registration wizard, the opt-in and opt-out pages, staff's
opt-out page) goes through `phone_e164`, so a number is written the same way everywhere."""

from __future__ import annotations

import re

import phonenumbers

E164 = re.compile(r"\+[1-9][0-9]{1,18}")
EXAMPLE = "+1 206 555 0100"


class PhoneFormatError(ValueError):
    """What is wrong with the number, in words a person can act on."""


def phone_e164(value: str, *, country: str = "US", label: str = "phone number") -> str:
    """The number in E.164. Without a leading + (or 00) the number is read as one of `country`
    (the business's country; US by default). Raises PhoneFormatError saying what to fix."""
    text = (value or "").strip() if isinstance(value, str) else ""
    if not text:
        raise PhoneFormatError(f"Enter the {label}, for example {EXAMPLE}.")
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, (country or "US").upper())
    except phonenumbers.NumberParseException as exc:
        raise PhoneFormatError(
            f"Enter the {label} with its country code, for example {EXAMPLE}."
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise PhoneFormatError(f"{text} is not a valid phone number; check the digits.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_display(value: str) -> str:
    """An E.164 number written for people (+1 206-555-0100); anything else unchanged."""
    if not value or not E164.fullmatch(value):
        return value
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
