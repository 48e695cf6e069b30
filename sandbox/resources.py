"""Helpers every operation module uses: the request context, ids and ARNs, time, pagination,
Describe filters and account limits."""

from __future__ import annotations

import base64
import dataclasses
import time
import uuid
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from .errors import QuotaError, ValidationError

if TYPE_CHECKING:
    from .app import Sandbox

DEFAULT_PAGE = 25


@dataclasses.dataclass
class Ctx:
    app: Sandbox
    account: str
    region: str
    operation: str = ""

    @property
    def store(self):
        return self.app.store

    @property
    def settings(self):
        return self.app.settings

    def arn(self, kind: str, rid: str) -> str:
        return f"arn:aws:sms-voice:{self.region}:{self.account}:{kind}/{rid}"


def now() -> float:
    return round(time.time(), 3)


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


def strip_arn(value: str) -> str:
    """``arn:aws:sms-voice:r:a:kind/id`` -> ``id`` (other values unchanged)."""
    if value.startswith("arn:"):
        return value.rsplit("/", 1)[-1] if "/" in value else value.rsplit(":", 1)[-1]
    return value


def page(params: dict, items: list, key: str, default: int = DEFAULT_PAGE) -> dict:
    """Slice ``items`` by ``NextToken``/``MaxResults``; the token is an opaque offset."""
    start = 0
    token = params.get("NextToken")
    if token:
        try:
            kind, _, number = base64.urlsafe_b64decode(token.encode()).decode().partition(":")
            start = int(number)
            if kind != "offset" or start < 0:
                raise ValueError(token)
        except ValueError:
            raise ValidationError(
                "The NextToken is not valid.",
                "INVALID_NEXT_TOKEN",
                [{"Name": "NextToken", "Message": "invalid"}],
            ) from None
    size = params.get("MaxResults") or default
    chunk = items[start : start + size]
    result = {key: chunk}
    if start + size < len(items):
        result["NextToken"] = base64.urlsafe_b64encode(f"offset:{start + size}".encode()).decode()
    return result


def _as_strings(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple, set)):
        return [s for v in value for s in _as_strings(v)]
    if isinstance(value, bool):
        return ["true" if value else "false"]
    return [str(value)]


def apply_filters(
    items: Iterable[dict], filters: list | None, getters: dict[str, Callable[[dict], object]]
) -> list[dict]:
    """Keep items matching every filter (any of its values). Unknown names are refused."""
    items = list(items)
    for flt in filters or []:
        getter = getters.get(flt["Name"])
        if getter is None:
            raise ValidationError(
                f"The filter {flt['Name']} is not supported.",
                "INVALID_FILTER_VALUES",
                [{"Name": "Filters", "Message": flt["Name"]}],
            )
        wanted = {v.lower() for v in flt["Values"]}
        items = [i for i in items if wanted & {s.lower() for s in _as_strings(getter(i))}]
    return items


LIMIT_KINDS = {
    "PHONE_NUMBERS": "phone-number",
    "POOLS": "pool",
    "CONFIGURATION_SETS": "configuration-set",
    "OPT_OUT_LISTS": "opt-out-list",
    "SENDER_IDS": "sender-id",
    "REGISTRATIONS": "registration",
    "REGISTRATION_ATTACHMENTS": "registration-attachment",
    "VERIFIED_DESTINATION_NUMBERS": "verified-destination-number",
}
LIMIT_REASONS = {
    "PHONE_NUMBERS": "PHONE_NUMBERS_PER_ACCOUNT",
    "POOLS": "POOLS_PER_ACCOUNT",
    "CONFIGURATION_SETS": "CONFIGURATION_SETS_PER_ACCOUNT",
    "OPT_OUT_LISTS": "OPT_OUT_LISTS_PER_ACCOUNT",
    "SENDER_IDS": "SENDER_IDS_PER_ACCOUNT",
    "REGISTRATIONS": "REGISTRATIONS_PER_ACCOUNT",
    "REGISTRATION_ATTACHMENTS": "REGISTRATION_ATTACHMENTS_PER_ACCOUNT",
    "VERIFIED_DESTINATION_NUMBERS": "VERIFIED_DESTINATION_NUMBERS_PER_ACCOUNT",
}


def used(ctx: Ctx, limit: str) -> int:
    kind = LIMIT_KINDS[limit]
    return sum(1 for o in ctx.store.items(kind, ctx.account) if o.get("_live", True))


def check_limit(ctx: Ctx, limit: str) -> None:
    maximum = ctx.settings.limits[limit]
    if used(ctx, limit) >= maximum:
        raise QuotaError(
            f"The account limit {limit} of {maximum} has been reached.", LIMIT_REASONS[limit]
        )


def tags_of(params: dict) -> list[dict]:
    return [{"Key": t["Key"], "Value": t.get("Value", "")} for t in params.get("Tags") or []]
