"""Tasks of the tenants app: ids in, one service call each."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from portal import backoff
from portal.backoff import Jitter
from tenants.models import Invitation, Membership, Role, User
from tenants.services import invitation_expire_due

# A mail server that refuses or times out (OSError) is tried again, up to five times, after
# 1 s, 2 s, 4 s … (at most ten minutes) with full jitter.
MAIL_RETRIES = 5


def _mail_retry(task, exc: OSError):
    countdown = backoff.delay(task.request.retries, base=1.0, cap=600.0, jitter=Jitter.FULL)
    return task.retry(exc=exc, countdown=countdown, max_retries=MAIL_RETRIES)


@shared_task(name="tenants.tasks.invitation_send_mail_task", bind=True)
def invitation_send_mail_task(self, invitation_id: int, token: str) -> None:
    """E-mails the invitation link. The token travels only in the task message and the e-mail."""
    invitation = (
        Invitation.objects.select_related("tenant", "invited_by")
        .filter(pk=invitation_id, status=Invitation.Status.PENDING)
        .first()
    )
    if invitation is None:
        return  # accepted, revoked or replaced meanwhile: nothing to send
    context = {
        "invitation": invitation,
        "link": f"{settings.PORTAL_BASE_URL}/invitations/{token}/",
        "inviter": invitation.invited_by.display_name if invitation.invited_by else "The provider",
    }
    try:
        send_mail(
            subject=f"You are invited to {invitation.tenant.name} on the SMS portal",
            message=render_to_string("tenants/email/invitation.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[invitation.email],
        )
    except OSError as exc:
        raise _mail_retry(self, exc) from exc


@shared_task(name="tenants.tasks.invitation_expire_task")
def invitation_expire_task() -> int:
    return invitation_expire_due()


def _mail_to(task, recipients: list[str], subject: str, body: str) -> int:
    """One e-mail to `recipients` (none: nothing sent); a mail server error retries the task."""
    if recipients:
        try:
            send_mail(
                subject=subject,
                message=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=recipients,
            )
        except OSError as exc:
            raise _mail_retry(task, exc) from exc
    return len(recipients)


@shared_task(name="tenants.tasks.tenant_notify_mail_task", bind=True)
def tenant_notify_mail_task(self, tenant_id: int, subject: str, body: str) -> int:
    """E-mails the owners and admins of a tenant; returns how many were addressed."""
    recipients = list(
        Membership.objects.filter(
            tenant_id=tenant_id, role__in=[Role.OWNER, Role.ADMIN]
        ).values_list("user__email", flat=True)
    )
    return _mail_to(self, recipients, subject, body)


@shared_task(name="tenants.tasks.staff_notify_mail_task", bind=True)
def staff_notify_mail_task(self, subject: str, body: str) -> int:
    """E-mails provider staff (users with a staff role); returns how many were addressed."""
    recipients = list(
        User.objects.filter(is_staff=True, is_active=True)
        .exclude(staff_role="")
        .values_list("email", flat=True)
    )
    return _mail_to(self, recipients, subject, body)
