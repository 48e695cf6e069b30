"""Tasks of the sending path: ids in, one service call, retries for transient failures.

Services queue these by name through `portal.enqueue` (they never import this module); the
names are given explicitly so that a moved function keeps the name the services use.
"""

from __future__ import annotations

import logging

from celery import shared_task

from messaging.dispatch import sender_drain, senders_wake_all
from messaging.golive import go_live_check_run, go_live_check_waiting
from messaging.optouts import aws_sync, reconcile, tenants_with_opt_out_lists
from messaging.outbound import webhook_attempt
from portal import backoff
from registrations.aws.errors import AwsError, RetryableError
from tenants.models import Tenant

log = logging.getLogger(__name__)


@shared_task(name="messaging.tasks.sender_drain_task")
def sender_drain_task(sender_id: int, slot: int = 0) -> dict[str, int]:
    """Sends the sender's accepted messages (the outbox) until none is left."""
    return sender_drain(sender_id, slot)


@shared_task(name="messaging.tasks.senders_wake_task")
def senders_wake_task() -> int:
    """Starts the drain of every sender with messages to send and none running."""
    return senders_wake_all()


@shared_task(
    name="messaging.tasks.webhook_deliver_webhook_task", bind=True, acks_late=True, max_retries=10
)
def webhook_deliver_webhook_task(self, tenant_id: int, delivery_id: int) -> str:
    result = webhook_attempt(tenant_id=tenant_id, delivery_id=delivery_id)
    if result == "retry":
        # 10 s, 20 s, 40 s … an hour at most, each jittered down by up to half.
        raise self.retry(countdown=backoff.delay(self.request.retries, base=10.0, cap=3600.0))
    return result


@shared_task(name="messaging.tasks.opt_out_sync_task", bind=True, acks_late=True, max_retries=10)
def opt_out_sync_task(self, tenant_id: int, phone: str) -> str:
    """Puts the number on the tenant's AWS opt-out list or takes it off, as the portal says at
    the time the task runs; transient AWS failures are retried with backoff."""
    try:
        return aws_sync(tenant_id=tenant_id, phone=phone)
    except RetryableError as exc:
        if self.request.retries >= self.max_retries:
            return f"retries exhausted ({exc.code}); the periodic reconciliation catches up"
        # 2 s, 4 s, 8 s … ten minutes at most, each jittered down by up to half.
        wait = backoff.delay(self.request.retries, base=2.0, cap=600.0)
        raise self.retry(countdown=wait) from exc


@shared_task(name="messaging.tasks.opt_outs_reconcile_task", acks_late=True)
def opt_outs_reconcile_task() -> dict[str, int]:
    """Each tenant's AWS opt-out list against the portal's; one tenant's failure is logged and
    the others go on."""
    totals: dict[str, int] = {}
    for tenant in Tenant.objects.filter(pk__in=tenants_with_opt_out_lists()):
        try:
            done = reconcile(tenant=tenant)
        except AwsError as exc:
            log.warning("opt-out reconciliation of tenant %s failed: %s", tenant.pk, exc)
            totals["failed"] = totals.get("failed", 0) + 1
            continue
        for key, count in done.items():
            totals[key] = totals.get(key, 0) + count
    return totals


@shared_task(name="messaging.tasks.go_live_check_task", bind=True, max_retries=6)
def go_live_check_task(self, tenant_id: int, sender_id: int) -> bool:
    """A sender's go-live check; checked again while its test message is on its way."""
    try:
        check = go_live_check_run(tenant_id=tenant_id, sender_id=sender_id)
    except RetryableError as exc:
        raise self.retry(
            exc=exc, countdown=backoff.delay(self.request.retries, base=5.0, cap=120.0)
        ) from exc
    if go_live_check_waiting(check) and self.request.retries < self.max_retries:
        raise self.retry(countdown=10)
    return check.passed
