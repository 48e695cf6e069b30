"""Strict parsing of configuration from the environment.

Every reader takes the variable's name, returns a typed value and raises
`ImproperlyConfigured` with the variable's name and what is wrong when the value
cannot be parsed, so a typo stops the process at start instead of being ignored.
A secret may also be given as `<NAME>_FILE`, the path of a file holding it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_UNSET = object()


def _raw(name: str) -> str | None:
    """The variable's value, from `NAME` or from the file named by `NAME_FILE`."""
    value = os.environ.get(name)
    file_name = os.environ.get(f"{name}_FILE")
    if value is not None and file_name is not None:
        raise ImproperlyConfigured(f"Set either {name} or {name}_FILE, not both.")
    if file_name is not None:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_name!r} cannot be read: {exc}") from exc
    return value


def is_set(name: str) -> bool:
    value = _raw(name)
    return value is not None and value.strip() != ""


def env_str(name: str, default: object = _UNSET, *, choices: tuple[str, ...] = ()) -> str:
    value = _raw(name)
    if value is None or value.strip() == "":
        if default is _UNSET:
            raise ImproperlyConfigured(f"{name} is required and is not set.")
        return default  # type: ignore[return-value]
    value = value.strip()
    if choices and value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} is not one of: {', '.join(choices)}.")
    return value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None or value.strip() == "":
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a boolean: use one of {sorted(_TRUE | _FALSE)}."
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value.strip())
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from exc
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} is below the minimum of {minimum}.")
    return number


def env_float(name: str, default: float, *, minimum: float | None = None) -> float:
    value = _raw(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = float(value.strip())
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={value!r} is not a number.") from exc
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} is below the minimum of {minimum}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None or value.strip() == "":
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


@dataclass(frozen=True)
class ParsedUrl:
    scheme: str
    user: str
    password: str
    host: str
    port: int | None
    path: str
    options: dict[str, str]


def parse_url(name: str, value: str, *, schemes: tuple[str, ...]) -> ParsedUrl:
    parts = urlsplit(value)
    if parts.scheme not in schemes:
        raise ImproperlyConfigured(
            f"{name} must start with one of {', '.join(s + '://' for s in schemes)}; "
            f"got {parts.scheme or 'no scheme'!r}."
        )
    try:
        port = parts.port
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} has an invalid port.") from exc
    return ParsedUrl(
        scheme=parts.scheme,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        host=parts.hostname or "",
        port=port,
        path=unquote(parts.path),
        options=dict(parse_qsl(parts.query)),
    )


def database_from_url(name: str, value: str, *, base_dir: Path) -> dict:
    """A Django DATABASES entry from `postgres://…` or `sqlite:///path`."""
    url = parse_url(name, value, schemes=("postgres", "postgresql", "sqlite"))
    if url.scheme == "sqlite":
        path = url.path
        if path in ("", "/"):
            raise ImproperlyConfigured(f"{name} needs a file path: sqlite:///var/portal.sqlite3")
        if path == "/:memory:":
            db_name = ":memory:"
        else:
            # sqlite:///relative/path is relative to the project; sqlite:////abs/path is absolute.
            relative = path[1:]
            db_name = relative if relative.startswith("/") else str(base_dir / relative)
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": db_name}
    db_name = url.path.lstrip("/")
    if not db_name:
        raise ImproperlyConfigured(
            f"{name} needs a database name: postgres://user@host:5432/portal"
        )
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": db_name,
        "USER": url.user,
        "PASSWORD": url.password,
        "HOST": url.host,
        "PORT": str(url.port or ""),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": url.options,
    }
