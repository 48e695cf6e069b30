"""Small display helpers for the registration pages."""

import json

from django import template

from registrations.states import Status

register = template.Library()

_GOOD = {Status.COMPLETE, Status.PROVISIONING}
_BAD = {Status.REQUIRES_UPDATES, Status.SUBMISSION_FAILED, Status.CHANGES_REQUESTED}
_QUIET = {Status.CANCELLED, Status.CLOSED, Status.DELETED}


@register.filter
def status_badge(status: str) -> str:
    if status in _GOOD:
        return "ok"
    if status in _BAD:
        return "bad"
    if status in _QUIET:
        return ""
    if status in (Status.DRAFT, Status.REQUIRES_AUTHENTICATION):
        return "warn"
    return "brand"


@register.filter
def status_label(status: str) -> str:
    try:
        return Status(status).label
    except ValueError:
        return status


@register.filter
def anchor(path: str) -> str:
    return "f-" + path.replace(".", "-")


@register.filter
def get_item(mapping: dict, key: str):
    return mapping.get(key, "")


@register.filter
def as_json(value) -> str:

    return json.dumps(value)
