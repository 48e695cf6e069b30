"""Telling a tenant's owners and admins that a registration needs them or changed state."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction

from portal.enqueue import enqueue
from registrations.models import Registration
from tenants.services import notice_coalesce, notice_create
from tenants.tasks import tenant_notify_mail_task


def _path(registration: Registration) -> str:
    return f"/t/{registration.tenant.slug}/registrations/{registration.pk}/"


def _link(registration: Registration) -> str:
    return f"{settings.PORTAL_BASE_URL}{_path(registration)}"


def notify_schema_change(*, registration_id: int) -> None:
    registration = Registration.objects.select_related("tenant").get(pk=registration_id)
    lines = "\n".join(f"- {c['detail']}" for c in registration.schema_changes)
    notice_create(
        tenant=registration.tenant,
        link=_path(registration),
        title=f"AWS changed the form of “{registration.name}”",
        body=lines,
    )
    tenant_notify_mail_task.delay(
        registration.tenant_id,
        f"AWS changed the form of “{registration.name}”",
        f"AWS changed the registration form your draft “{registration.name}” uses:\n\n{lines}\n\n"
        f"Please review the draft before submitting it: {_link(registration)}",
    )


# Progress seen at AWS within this span (submitted, pre-review, carrier review, approved) reads
# as one notice that says the newest state, not one notice per step.
COALESCE = timedelta(minutes=5)


def notify_status(
    *, registration: Registration, headline: str, detail: str = "", important: bool = False
) -> None:
    """An in-app notice now, and an e-mail after the current transaction commits.

    An unread notice of the same registration from the last `COALESCE` is brought up to date
    instead of adding another; the e-mail goes with a new notice, or when the change needs the
    tenant or ends the review (`important`)."""
    created = notice_coalesce(
        tenant=registration.tenant,
        title=f"{registration.name}: {headline}",
        body=detail,
        link=_path(registration),
        within=COALESCE,
    )
    if not (created or important):
        return
    transaction.on_commit(
        lambda: tenant_notify_mail_task.delay(
            registration.tenant_id,
            f"{registration.name}: {headline}",
            f"{headline}\n\n{detail}\n\nSee it in the portal: {_link(registration)}".strip(),
        )
    )


def notify_staff(*, subject: str, body: str) -> None:
    """An e-mail to provider staff (every user with a staff role), after the transaction."""
    enqueue("tenants.tasks.staff_notify_mail_task", subject, body)
