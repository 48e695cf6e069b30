"""The one SNS HTTP(S) endpoint behind both hooks: read, verify, record, queue.

1. Read: the body must be an SNS message (`registrations.sns.message_parse`); anything else is
   answered 400 with what is wrong, and nothing is stored.
2. Verify: the hook's own topics only (from settings; an empty list accepts nothing), a trusted
   signing certificate, a valid signature, a Timestamp neither older than `MAX_AGE` nor more
   than `FUTURE_SKEW` ahead; a SubscriptionConfirmation also needs a trusted SubscribeURL.
   Refused: 403, nothing stored.
3. Record: one `SnsMessage` row per MessageId (a replay answers "already handled"), holding the
   payload. An UnsubscribeConfirmation is recorded and not acted on.
4. Queue: the handling (the hook's handler, or the visit of the SubscribeURL) runs in
   `sns_message_handle_task`, queued when the row commits. The row stays QUEUED until the task
   has done its work, so a task lost on the way is queued again by `sns_messages_sweep`; a
   transient failure retries with backoff. A handler that only writes the database runs in
   the transaction that marks the row DONE (its effect happens once); one that calls AWS
   (`SnsHook.atomic` False: the registration hook asks AWS for a denial's reasons) and the
   visit of a SubscribeURL run outside any transaction, before the row is marked DONE with a
   conditional UPDATE, and are idempotent: a repeated run changes nothing.

Message ids are kept while a replay could still pass the age check and pruned after: a message
is refused once its signed Timestamp is older than MAX_AGE, and the Timestamp is part of what
SNS signs, so a replay of a message whose Timestamp is past MAX_AGE (plus a margin for the
request in flight) is refused without looking its id up.
"""

from __future__ import annotations

import logging
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import F, Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.module_loading import import_string

from portal.enqueue import enqueue_now
from registrations.aws.errors import RetryableError
from registrations.models import SnsMessage
from registrations.services.accounts import (
    event_topics_of_tenant_accounts,
    registration_topics_of_tenant_accounts,
)
from registrations.sns import (
    MAX_AGE,
    SnsMalformed,
    SnsRejected,
    message_parse,
    url_trusted,
    verify_message,
)

log = logging.getLogger(__name__)

# Failures worth another try later: the database or the network was briefly unavailable.
TRANSIENT = (OperationalError, InterfaceError, RetryableError, OSError)
# Ids are kept this long past MAX_AGE: a request verified just before the cut-off may still be
# on its way to the insert.
PRUNE_MARGIN = timedelta(minutes=10)
# Rows whose handling failed for good are kept this long for a look, then pruned.
FAILED_KEEP = timedelta(days=30)
# A row still QUEUED this long after it arrived has lost its task (or keeps failing): queue
# it again, up to MAX_ATTEMPTS task runs in all.
REQUEUE_AFTER = timedelta(minutes=10)
MAX_ATTEMPTS = 40


@dataclass(frozen=True)
class SnsHook:
    name: str  # stored on SnsMessage.hook
    topics_setting: tuple[str, ...]  # settings whose topic ARNs this hook accepts
    handler: str  # dotted path of a function(payload: dict), run by the task
    # True: the handler runs inside the transaction that marks the row DONE. False: it calls
    # AWS, so it runs outside any transaction and must be idempotent.
    atomic: bool = True
    # More topics read from the database (tenants' own AWS accounts), or None.
    more_topics: Callable[[], list[str]] | None = None

    def topics(self) -> list[str]:
        found: list[str] = []
        for name in self.topics_setting:
            value = getattr(settings, name, None) or []
            found.extend([value] if isinstance(value, str) else value)
        if self.more_topics is not None:
            found.extend(self.more_topics())
        return [topic for topic in found if topic]


REGISTRATION_HOOK = SnsHook(
    name="registrations",
    topics_setting=("SNS_REGISTRATION_TOPIC_ARNS",),
    handler="registrations.services.tracking.registration_event_apply",
    atomic=False,
    more_topics=registration_topics_of_tenant_accounts,
)
DELIVERY_HOOK = SnsHook(
    name="delivery",
    topics_setting=("EUM_EVENTS_TOPIC_ARN", "SNS_INBOUND_TOPIC_ARNS"),
    handler="messaging.webhooks_in.delivery_or_inbound_apply",
    more_topics=event_topics_of_tenant_accounts,
)
HOOKS = {hook.name: hook for hook in (REGISTRATION_HOOK, DELIVERY_HOOK)}


def _text(body: str, status: int = 200) -> HttpResponse:
    return HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")


def sns_receive(request: HttpRequest, hook: SnsHook) -> HttpResponse:
    """Steps 1-4 above for one POST to `hook`."""
    try:
        envelope = message_parse(request.body)
    except SnsMalformed as exc:
        log.warning("SNS %s hook: unreadable message: %s", hook.name, exc)
        return _text(f"not an SNS message: {exc}", status=400)
    message = envelope.message
    origins = settings.SNS_TRUSTED_CERT_ORIGINS
    try:
        verify_message(
            message,
            trusted_origins=origins,
            topics=hook.topics(),
            header_type=request.headers.get("x-amz-sns-message-type"),
        )
        if message["Type"] == "SubscriptionConfirmation" and not url_trusted(
            message["SubscribeURL"], origins
        ):
            raise SnsRejected(f"untrusted SubscribeURL {message['SubscribeURL']!r}")
    except SnsRejected as exc:
        log.warning("SNS %s hook: message refused: %s", hook.name, exc)
        return _text("rejected", status=403)
    kind = message["Type"]
    if kind == "Notification":
        payload, status = envelope.payload, SnsMessage.Status.QUEUED
    elif kind == "SubscriptionConfirmation":
        payload, status = {"SubscribeURL": message["SubscribeURL"]}, SnsMessage.Status.QUEUED
    else:  # UnsubscribeConfirmation: noted; re-subscribing is the operator's decision
        payload, status = None, SnsMessage.Status.DONE
        log.warning("SNS %s hook: unsubscribed from %s", hook.name, message["TopicArn"])
    try:
        with transaction.atomic():
            row = SnsMessage.objects.create(
                message_id=message["MessageId"],
                kind=kind,
                topic_arn=message["TopicArn"],
                hook=hook.name,
                status=status,
                payload=payload,
                sent_at=envelope.sent_at,
                handled_at=timezone.now() if status == SnsMessage.Status.DONE else None,
            )
            if status == SnsMessage.Status.QUEUED:
                transaction.on_commit(lambda: _enqueue(row.pk), robust=True)
    except IntegrityError:
        return _text("already handled")
    return _text("ok")


def _enqueue(sns_message_id: int) -> None:
    enqueue_now("registrations.tasks.sns_message_handle_task", sns_message_id)


def _confirm(subscribe_url: str) -> None:
    if not url_trusted(subscribe_url, settings.SNS_TRUSTED_CERT_ORIGINS):
        raise SnsRejected(f"untrusted SubscribeURL {subscribe_url!r}")
    with urllib.request.urlopen(subscribe_url, timeout=10):  # noqa: S310 - checked above
        pass


def sns_message_handle(sns_message_id: int) -> str:
    """The task's work: applies a QUEUED message once. Transient failures propagate (the task
    retries them); any other failure marks the row FAILED."""
    SnsMessage.objects.filter(pk=sns_message_id, status=SnsMessage.Status.QUEUED).update(
        attempts=F("attempts") + 1
    )
    try:
        row = SnsMessage.objects.filter(pk=sns_message_id).first()
        if row is None or row.status != SnsMessage.Status.QUEUED:
            return "nothing to do"
        if row.kind == "SubscriptionConfirmation":
            _confirm(row.payload["SubscribeURL"])  # a network call: outside any transaction
            _mark_done(sns_message_id)
        elif not HOOKS[row.hook].atomic:
            import_string(HOOKS[row.hook].handler)(row.payload)
            _mark_done(sns_message_id)
        else:
            with transaction.atomic():
                row = SnsMessage.objects.select_for_update().filter(pk=sns_message_id).first()
                if row is None or row.status != SnsMessage.Status.QUEUED:
                    return "nothing to do"
                import_string(HOOKS[row.hook].handler)(row.payload)
                _mark_done(sns_message_id)
    except TRANSIENT as exc:
        SnsMessage.objects.filter(pk=sns_message_id).update(last_error=_describe(exc))
        raise
    except Exception as exc:
        log.exception("SNS message %s could not be handled", sns_message_id)
        SnsMessage.objects.filter(pk=sns_message_id).update(
            status=SnsMessage.Status.FAILED, last_error=_describe(exc)
        )
        return "failed"
    return "done"


def _mark_done(sns_message_id: int) -> None:
    SnsMessage.objects.filter(pk=sns_message_id, status=SnsMessage.Status.QUEUED).update(
        status=SnsMessage.Status.DONE, handled_at=timezone.now(), last_error=""
    )


def _describe(exc: BaseException) -> str:
    return f"{exc.__class__.__name__}: {exc}"[:300]


def sns_messages_sweep(now: datetime | None = None) -> int:
    """Queues again the messages whose task was lost or gave up on a transient failure; a
    message that has used up MAX_ATTEMPTS is marked FAILED. Returns how many were queued."""
    now = now or timezone.now()
    stale = SnsMessage.objects.filter(
        status=SnsMessage.Status.QUEUED, received_at__lt=now - REQUEUE_AFTER
    )
    stale.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=SnsMessage.Status.FAILED, last_error="gave up after repeated failures"
    )
    ids = list(stale.filter(attempts__lt=MAX_ATTEMPTS).values_list("pk", flat=True))
    for pk in ids:
        _enqueue(pk)
    return len(ids)


def sns_messages_prune(now: datetime | None = None) -> int:
    """Deletes the ids of handled messages too old to pass the age check again (see the module
    text), and failed ones after FAILED_KEEP. QUEUED rows are never pruned."""
    now = now or timezone.now()
    cutoff = now - MAX_AGE - PRUNE_MARGIN
    too_old = Q(sent_at__lt=cutoff) | Q(sent_at__isnull=True, received_at__lt=cutoff)
    deleted, _ = (
        SnsMessage.objects.filter(too_old)
        .filter(
            Q(status=SnsMessage.Status.DONE)
            | Q(status=SnsMessage.Status.FAILED, received_at__lt=now - FAILED_KEEP)
        )
        .delete()
    )
    return deleted
