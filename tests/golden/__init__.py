"""Golden vectors shared by the portal's and the sandbox's copies of the same AWS rules
(segments.json, conditional_behavior.json). Plain Python: the sandbox's tests read them too,
and the sandbox stays free of Django."""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent


def cases(name: str) -> list[dict]:
    return json.loads((HERE / name).read_text(encoding="utf-8"))["cases"]


def fields(name: str) -> dict[str, dict]:
    return json.loads((HERE / name).read_text(encoding="utf-8"))["fields"]


def body(spec: str | list) -> str:
    """A message body: the string itself, or [piece, times] pairs joined."""
    if isinstance(spec, str):
        return spec
    return "".join(piece * times for piece, times in spec)


def plain(value: dict) -> str | list[str] | None:
    """An API field value ({"TextValue": …} etc.) as the portal holds it (str or list)."""
    if "TextValue" in value:
        return value["TextValue"]
    if "SelectChoices" in value:
        return list(value["SelectChoices"])
    return value.get("RegistrationAttachmentId")


SEGMENTS = cases("segments.json")
CONDITIONAL = cases("conditional_behavior.json")
CONDITIONAL_FIELDS = fields("conditional_behavior.json")


def ids(case: dict) -> str:
    return case["name"]
