"""The hook through which an opt-in confirmation reaches the recipient.

The sending part of the portal (messaging) owns senders. It plugs in by naming, in the setting
`COMPLIANCE_CONFIRMATION_SENDER`, a callable `(tenant) -> ConfirmationSender | None` that
returns the tenant's active sender, or None when it has none. Until that exists, every
confirmation is recorded as not sent, with the reason.
"""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from tenants.models import Tenant


class ConfirmationSender(Protocol):
    def send(self, *, phone_e164: str, body: str) -> str:
        """Sends one SMS and returns its message id; raises on failure."""


def active_sender_get(*, tenant: Tenant) -> ConfirmationSender | None:
    path = getattr(settings, "COMPLIANCE_CONFIRMATION_SENDER", "")
    if not path:
        return None
    return import_string(path)(tenant)


def confirmation_text(facts: dict, labels: list[str]) -> str:
    """The confirmation: brand, what was joined, frequency, rates, HELP and STOP (≤160 chars)."""
    joined = ", ".join(labels) or "text messages"
    text = (
        f"{facts['brand']}: you're subscribed to {joined}. {facts['frequency']}. "
        "Msg & data rates may apply. Reply HELP for help, STOP to opt out."
    )
    if len(text) > 160:
        text = (
            f"{facts['brand']}: you're subscribed. {facts['frequency']}. "
            "Msg & data rates may apply. Reply HELP for help, STOP to opt out."
        )
    return text[:160]
