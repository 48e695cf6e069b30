"""A confirmation sender for tests, plugged in through COMPLIANCE_CONFIRMATION_SENDER the way
the messaging part will plug in the tenant's real active sender."""

from __future__ import annotations

SENT: list[tuple[str, str, str]] = []


class _Sender:
    def __init__(self, tenant) -> None:
        self.tenant = tenant

    def send(self, *, phone_e164: str, body: str) -> str:
        SENT.append((self.tenant.slug, phone_e164, body))
        return f"msg-{len(SENT)}"


def active_sender(tenant):
    return _Sender(tenant)


def no_sender(tenant):
    return None
