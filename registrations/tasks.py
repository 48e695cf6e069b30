"""Celery tasks of the registration engine: ids in, one service call each (queue `aws`)."""

from __future__ import annotations

from celery import shared_task

from portal import backoff
from portal.backoff import Jitter
from registrations import sns_endpoint
from registrations.aws.errors import RetryableError
from registrations.services import (
    accounts,
    catalog,
    pipeline,
    provisioning,
    sender_requests,
    sending_setup,
    support,
    support_tracking,
    tracking,
)

MAX_RETRIES = 8


def retry_in(retries: int) -> float:
    """An AWS step's retry: 2 s, 4 s, 8 s … at most five minutes, with full jitter."""
    return backoff.delay(retries, base=2.0, cap=300.0, jitter=Jitter.FULL)


@shared_task(
    bind=True, name="registrations.tasks.registration_submit_task", max_retries=MAX_RETRIES
)
def registration_submit_task(self, registration_id: int) -> str:
    try:
        return pipeline.pipeline_run(registration_id)
    except pipeline.PipelineBusy as exc:
        raise self.retry(exc=exc, countdown=60) from exc
    except RetryableError as exc:
        if self.request.retries >= self.max_retries:
            pipeline.pipeline_fail(
                registration_id=registration_id,
                operation=exc.operation,
                message=f"gave up after {self.max_retries} retries: {exc.message}",
            )
            return "failed"
        raise self.retry(exc=exc, countdown=retry_in(self.request.retries)) from exc


@shared_task(name="registrations.tasks.registration_resume_task")
def registration_resume_task() -> list[int]:
    return pipeline.pipeline_resume_stalled()


@shared_task(name="registrations.tasks.catalog_sync_task")
def catalog_sync_task() -> int:
    version, _ = catalog.catalog_sync()
    return version.number


@shared_task(name="registrations.tasks.registration_reconcile_task")
def registration_reconcile_task() -> dict:
    return tracking.reconcile_pass()


@shared_task(
    bind=True, name="registrations.tasks.registration_provision_task", max_retries=MAX_RETRIES
)
def registration_provision_task(self, registration_id: int) -> int:
    try:
        senders = provisioning.registration_provision(registration_id=registration_id)
    except RetryableError as exc:
        raise self.retry(exc=exc, countdown=retry_in(self.request.retries)) from exc
    if any(sender.status == "ACTIVE" for sender in senders):
        sending_setup_task.delay(senders[0].tenant_id)
    return len(senders)


@shared_task(bind=True, name="registrations.tasks.sending_setup_task", max_retries=MAX_RETRIES)
def sending_setup_task(self, tenant_id: int) -> bool:
    try:
        return sending_setup.sending_setup_run(tenant_id=tenant_id).complete
    except RetryableError as exc:
        raise self.retry(exc=exc, countdown=retry_in(self.request.retries)) from exc


@shared_task(
    bind=True,
    name="registrations.tasks.sns_message_handle_task",
    acks_late=True,
    max_retries=MAX_RETRIES,
)
def sns_message_handle_task(self, sns_message_id: int) -> str:
    """Applies one message accepted by an SNS hook (queue `default`: delivery events must not
    wait behind the AWS calls of the `aws` queue)."""
    try:
        return sns_endpoint.sns_message_handle(sns_message_id)
    except sns_endpoint.TRANSIENT as exc:
        if self.request.retries >= self.max_retries:
            return "retries exhausted (left queued; the periodic sweep queues it again)"
        raise self.retry(exc=exc, countdown=retry_in(self.request.retries)) from exc


@shared_task(name="registrations.tasks.sns_messages_maintain_task")
def sns_messages_maintain_task() -> dict:
    return {
        "queued_again": sns_endpoint.sns_messages_sweep(),
        "pruned": sns_endpoint.sns_messages_prune(),
    }


@shared_task(bind=True, name="registrations.tasks.sender_request_task", max_retries=MAX_RETRIES)
def sender_request_task(self, sender_pk: int) -> str:
    try:
        return sender_requests.sender_request_run(sender_pk=sender_pk).status
    except RetryableError as exc:
        raise self.retry(exc=exc, countdown=retry_in(self.request.retries)) from exc


@shared_task(name="registrations.tasks.senders_recheck_task")
def senders_recheck_task() -> dict:
    return provisioning.senders_recheck()


@shared_task(bind=True, name="registrations.tasks.support_case_open_task", max_retries=MAX_RETRIES)
def support_case_open_task(self, case_id: int) -> str:
    try:
        return support.support_case_open(case_id=case_id)
    except RetryableError as exc:
        raise self.retry(exc=exc, countdown=retry_in(self.request.retries)) from exc


@shared_task(
    bind=True, name="registrations.tasks.support_message_send_task", max_retries=MAX_RETRIES
)
def support_message_send_task(self, message_id: int) -> bool:
    try:
        return support.support_message_send(message_id=message_id)
    except RetryableError as exc:
        raise self.retry(exc=exc, countdown=retry_in(self.request.retries)) from exc


@shared_task(
    bind=True, name="registrations.tasks.account_readiness_read_task", max_retries=MAX_RETRIES
)
def account_readiness_read_task(self, tenant_id: int | None) -> str:
    """Reads an AWS account's tier, spend limits, quotas and verified numbers (None: the
    provider's account)."""
    try:
        scope = accounts.account_readiness_read(tenant_id=tenant_id).scope
    except RetryableError as exc:
        raise self.retry(exc=exc, countdown=retry_in(self.request.retries)) from exc
    sending_setup.held_setups_rerun(tenant_id=tenant_id)  # a quota raised since: run again
    return scope


@shared_task(name="registrations.tasks.support_cases_poll_task")
def support_cases_poll_task() -> dict:
    result = support_tracking.support_cases_poll()
    return {"cases": result.cases, "replies": result.replies, "short_codes": result.short_codes}


@shared_task(name="registrations.tasks.account_readiness_read_all_task")
def account_readiness_read_all_task() -> int:
    """Queues a read of every account: the provider's and each tenant's own verified one."""
    ids = [None, *accounts.tenants_with_own_accounts()]
    for tenant_id in ids:
        account_readiness_read_task.delay(tenant_id)
    return len(ids)
