"""Tasks of the compliance kit: ids in, one service call each."""

from __future__ import annotations

from celery import shared_task

from compliance import services


@shared_task(name="compliance.tasks.consent_confirm_task", acks_late=True)
def consent_confirm_task(tenant_id: int, consent_id: int) -> str | None:
    record = services.consent_confirm(tenant_id=tenant_id, consent_id=consent_id)
    return record.confirmation if record else None


@shared_task(
    name="compliance.tasks.optin_evidence_capture_task",
    acks_late=True,
    time_limit=120,
    soft_time_limit=100,
)
def optin_evidence_capture_task(tenant_id: int, evidence_id: int) -> str | None:
    item = services.optin_evidence_capture(tenant_id=tenant_id, evidence_id=evidence_id)
    return item.status if item else None


@shared_task(name="compliance.tasks.consent_throttle_prune_task")
def consent_throttle_prune_task() -> int:
    return services.consent_throttle_prune()
