"""One generic validator driven by botocore's service model.

``validate_input`` checks a request against the operation's input shape (required members, JSON
types, string lengths, list and map sizes, numeric ranges, patterns, enums) and raises
``ValidationError`` the way AWS words it. ``render`` builds a response from internal data by
keeping only the members the output shape declares, and ``check_output`` lists every way a
response breaks its output shape (used by the test suite on every recorded response).
"""

from __future__ import annotations

import base64
import binascii
import functools
import re

from botocore.model import Shape

from .errors import ValidationError

_INT_TYPES = ("integer", "long")


@functools.lru_cache(maxsize=2048)
def _regex(pattern: str) -> re.Pattern:
    # The model's patterns are not anchored; the sandbox applies them to the whole value
    # (full match), which is stricter than a plain search and catches e.g. "bad-type!".
    return re.compile(pattern)


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def validate_input(shape: Shape | None, params: dict) -> None:
    """Raise ValidationError on the first batch of problems found in ``params``."""
    if shape is None:
        return
    problems: list[tuple[str, str, str]] = []
    _walk(shape, params, "", problems)
    if not problems:
        return
    missing = all(kind == "missing" for kind, _, _ in problems)
    parts = [f"Value at '{path}' failed to satisfy constraint: {msg}" for _, path, msg in problems]
    count = len(problems)
    message = f"{count} validation error{'s' if count > 1 else ''} detected: " + "; ".join(parts)
    fields = [{"Name": path, "Message": msg} for _, path, msg in problems]
    raise ValidationError(message, "MISSING_PARAMETER" if missing else "INVALID_PARAMETER", fields)


def _walk(shape: Shape, value, path: str, out: list) -> None:
    kind = shape.type_name
    meta = shape.metadata
    if kind == "structure":
        if not isinstance(value, dict):
            out.append(("type", path or "body", "Member must be an object"))
            return
        for name in shape.required_members:
            if value.get(name) is None:
                out.append(("missing", _join(path, name), "Member must not be null"))
        for name, member in shape.members.items():
            if name in value and value[name] is not None:
                _walk(member, value[name], _join(path, name), out)
        return
    if kind == "list":
        if not isinstance(value, list):
            out.append(("type", path, "Member must be a list"))
            return
        _size(meta, len(value), path, out, "Member must have length")
        for i, item in enumerate(value):
            _walk(shape.member, item, f"{path}.{i + 1}.member", out)
        return
    if kind == "map":
        if not isinstance(value, dict):
            out.append(("type", path, "Member must be a map"))
            return
        _size(meta, len(value), path, out, "Member must have length")
        for key, item in value.items():
            _walk(shape.key, key, f"{path}.key", out)
            _walk(shape.value, item, f"{path}.{key}", out)
        return
    if kind == "string":
        if not isinstance(value, str):
            out.append(("type", path, "Member must be a string"))
            return
        enum = meta.get("enum")
        if enum and value not in enum:
            out.append(("enum", path, f"Member must satisfy enum value set: [{', '.join(enum)}]"))
            return
        _size(meta, len(value), path, out, "Member must have length")
        pattern = meta.get("pattern")
        if pattern and not _regex(pattern).fullmatch(value):
            out.append(
                ("pattern", path, f"Member must satisfy regular expression pattern: {pattern}")
            )
        return
    if kind in _INT_TYPES:
        if isinstance(value, bool) or not isinstance(value, int):
            out.append(("type", path, "Member must be an integer"))
            return
        _range(meta, value, path, out)
        return
    if kind in ("float", "double"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            out.append(("type", path, "Member must be a number"))
        return
    if kind == "boolean":
        if not isinstance(value, bool):
            out.append(("type", path, "Member must be a boolean"))
        return
    if kind == "blob":
        if not isinstance(value, str):
            out.append(("type", path, "Member must be base64 text"))
            return
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            out.append(("type", path, "Member must be valid base64"))
            return
        _size(meta, len(raw), path, out, "Member must have length")
        return
    if kind == "timestamp" and not isinstance(value, (int, float, str)):
        out.append(("type", path, "Member must be a timestamp"))


def _size(meta: dict, size: int, path: str, out: list, text: str) -> None:
    if "min" in meta and size < meta["min"]:
        out.append(("length", path, f"{text} greater than or equal to {meta['min']}"))
    if "max" in meta and size > meta["max"]:
        out.append(("length", path, f"{text} less than or equal to {meta['max']}"))


def _range(meta: dict, number: int, path: str, out: list) -> None:
    if "min" in meta and number < meta["min"]:
        out.append(
            ("range", path, f"Member must have value greater than or equal to {meta['min']}")
        )
    if "max" in meta and number > meta["max"]:
        out.append(("range", path, f"Member must have value less than or equal to {meta['max']}"))


def _join(path: str, name: str) -> str:
    return f"{path}.{_lower_first(name)}" if path else _lower_first(name)


def render(shape: Shape | None, data):
    """Keep only what ``shape`` declares; internal keys (leading ``_``) never leave."""
    if shape is None or data is None:
        return data
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(data, dict):
            return data
        result = {}
        for name, member in shape.members.items():
            if name in data and data[name] is not None:
                result[name] = render(member, data[name])
        return result
    if kind == "list":
        return [render(shape.member, item) for item in data]
    if kind == "map":
        return {k: render(shape.value, v) for k, v in data.items()}
    return data


def check_output(shape: Shape | None, data, path: str = "") -> list[str]:
    """Every way ``data`` (a decoded JSON response) breaks ``shape``."""
    if shape is None:
        return []
    errors: list[str] = []
    kind = shape.type_name
    where = path or "<root>"
    if kind == "structure":
        if not isinstance(data, dict):
            return [f"{where}: expected object"]
        for name in shape.required_members:
            if data.get(name) is None:
                errors.append(f"{where}: missing required member {name}")
        for key, item in data.items():
            member = shape.members.get(key)
            if member is None:
                errors.append(f"{where}: unknown member {key}")
            else:
                errors.extend(check_output(member, item, f"{path}.{key}" if path else key))
    elif kind == "list":
        if not isinstance(data, list):
            return [f"{where}: expected list"]
        for i, item in enumerate(data):
            errors.extend(check_output(shape.member, item, f"{path}[{i}]"))
    elif kind == "map":
        if not isinstance(data, dict):
            return [f"{where}: expected map"]
        for key, item in data.items():
            errors.extend(check_output(shape.key, key, f"{path}<key>"))
            errors.extend(check_output(shape.value, item, f"{path}[{key}]"))
    elif kind == "string":
        if not isinstance(data, str):
            errors.append(f"{where}: expected string, got {type(data).__name__}")
        elif shape.metadata.get("enum") and data not in shape.metadata["enum"]:
            errors.append(f"{where}: {data!r} is not in enum {shape.name}")
    elif kind in _INT_TYPES:
        if isinstance(data, bool) or not isinstance(data, int):
            errors.append(f"{where}: expected integer")
    elif kind in ("float", "double"):
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            errors.append(f"{where}: expected number")
    elif kind == "boolean":
        if not isinstance(data, bool):
            errors.append(f"{where}: expected boolean")
    elif kind == "timestamp":
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            errors.append(f"{where}: expected epoch-seconds number")
    elif kind == "blob" and not isinstance(data, str):
        errors.append(f"{where}: expected base64 string")
    return errors
