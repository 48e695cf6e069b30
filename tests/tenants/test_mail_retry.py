"""Mail tasks try again when the mail server fails (OSError), with the portal's one backoff."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from tenants.tasks import MAIL_RETRIES, tenant_notify_mail_task

FAILURES: list[int] = []


class FlakyBackend(EmailBackend):
    """Refuses the first ``FAILURES[0]`` messages like a server that is down, then delivers."""

    def send_messages(self, messages):
        if FAILURES and FAILURES[0] > 0:
            FAILURES[0] -= 1
            raise ConnectionRefusedError("mail server down")
        return super().send_messages(messages)


@pytest.fixture
def flaky_mail(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    FAILURES[:] = [0]
    yield FAILURES
    FAILURES.clear()


def test_a_refused_mail_is_sent_on_a_later_try(flaky_mail, tenant_a, alice, monkeypatch):
    waits: list[float] = []
    original = tenant_notify_mail_task.retry

    def recording_retry(*args, countdown=None, **kwargs):
        waits.append(countdown)
        return original(*args, countdown=countdown, **kwargs)

    monkeypatch.setattr(tenant_notify_mail_task, "retry", recording_retry)
    flaky_mail[0] = 2
    result = tenant_notify_mail_task.apply(args=(tenant_a.pk, "Subject", "Body"))
    assert result.successful()
    assert [m.to for m in mail.outbox] == [[alice.email]]
    # Two retries, after at most 1 s and 2 s (full jitter: anywhere from 0 to the nominal delay).
    assert len(waits) == 2
    assert 0 <= waits[0] <= 1.0 and 0 <= waits[1] <= 2.0


def test_a_mail_server_that_stays_down_fails_the_task_after_the_last_retry(
    flaky_mail, tenant_a, alice
):
    refusals = MAIL_RETRIES + 5
    flaky_mail[0] = refusals
    result = tenant_notify_mail_task.apply(args=(tenant_a.pk, "Subject", "Body"))
    assert result.failed()
    assert isinstance(result.result, OSError)
    assert mail.outbox == []
    assert flaky_mail[0] == refusals - (1 + MAIL_RETRIES)  # the first try and every retry
