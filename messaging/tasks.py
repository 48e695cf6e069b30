"""Tasks of the sending path: ids in, one service call, retries for transient failures."""

from __future__ import annotations

import random

from celery import shared_task

from messaging.dispatch import message_dispatch, messages_requeue_accepted, messages_resume
from messaging.outbound import retry_delay, webhook_attempt


@shared_task(bind=True, acks_late=True, max_retries=12)
def message_dispatch_task(self, tenant_id: int, message_id: int) -> str:
    outcome = message_dispatch(
        tenant_id=tenant_id, message_id=message_id, attempt=self.request.retries
    )
    if outcome.status == "retry":
        if self.request.retries >= self.max_retries:
            return "retries exhausted (left ACCEPTED; requeued by the periodic sweep)"
        raise self.retry(countdown=outcome.retry_in * random.uniform(0.8, 1.2))
    return outcome.status


@shared_task(acks_late=True)
def messages_fanout_task(tenant_id: int, message_ids: list[int]) -> int:
    for message_id in message_ids:
        message_dispatch_task.delay(tenant_id, message_id)
    return len(message_ids)


@shared_task
def messages_resume_task() -> int:
    return len(messages_resume()) + messages_requeue_accepted()


@shared_task(bind=True, acks_late=True, max_retries=10)
def webhook_deliver_webhook_task(self, tenant_id: int, delivery_id: int) -> str:
    result = webhook_attempt(tenant_id=tenant_id, delivery_id=delivery_id)
    if result == "retry":
        raise self.retry(countdown=retry_delay(self.request.retries + 1))
    return result
