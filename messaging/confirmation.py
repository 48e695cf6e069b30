"""The compliance kit's confirmation hook (`COMPLIANCE_CONFIRMATION_SENDER`): an opt-in
confirmation goes out through the tenant's own sending path, with every check applied."""

from __future__ import annotations

from dataclasses import dataclass

from messaging.checks import _active_senders
from messaging.models import MessageType
from messaging.services import message_send
from tenants.models import Tenant


@dataclass
class TenantSender:
    tenant: Tenant

    def send(self, *, phone_e164: str, body: str) -> str:
        message = message_send(
            tenant=self.tenant,
            api_key=None,
            item={"to": phone_e164, "body": body, "type": MessageType.TRANSACTIONAL},
        )
        return str(message.pk)


def confirmation_sender(tenant: Tenant) -> TenantSender | None:
    if tenant.status != Tenant.Status.ACTIVE:  # a suspended or closed tenant sends nothing
        return None
    return TenantSender(tenant) if _active_senders(tenant) else None
