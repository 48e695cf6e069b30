"""Following AWS Support cases: the beat's `support-cases-poll` reads AWS's replies and status
for the cases opened through the Support API, and looks for the short codes that appeared in
the accounts (for every filing); a short code found becomes the tenant's active sender with the
keywords and responses of its approved application. AWS is asked outside any transaction; what
it said is applied in short atomic blocks."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from portal.enqueue import enqueue
from registrations import shortcode
from registrations.aws import operations as aws
from registrations.aws import support as aws_support
from registrations.aws.gateway import Gateway
from registrations.models import Registration, Sender, SupportCase, SupportMessage
from registrations.services.notifications import notify_status
from registrations.services.support import registration_aws_answered, support_gateway
from registrations.services.support_text import application_values, value_text
from registrations.services.transitions import registration_transition
from registrations.states import Status
from tenants.services import audit_record

# Registration statuses in which a short code case waits for AWS Support and the carriers.
WAITING = (Status.SUBMITTED, Status.AWS_REVIEWING, Status.REVIEWING)


@dataclass
class PollResult:
    cases: int = 0
    replies: int = 0
    short_codes: int = 0


@transaction.atomic
def _apply_poll(case_id: int, status: str, replies: list) -> int:
    case = SupportCase.objects.select_for_update().get(pk=case_id)
    added = 0
    for reply in replies:
        _, created = SupportMessage.objects.get_or_create(
            case=case,
            aws_time=reply.time_created,
            direction=(
                SupportMessage.Direction.FROM_AWS
                if reply.from_aws
                else SupportMessage.Direction.TO_AWS
            ),
            defaults={
                "tenant": case.tenant,
                "source": SupportMessage.Source.API,
                "body": reply.body,
                "submitted_by": reply.submitted_by,
                "attachment_names": list(reply.attachments),
                "sent_at": None if reply.from_aws else timezone.now(),
            },
        )
        if created and reply.from_aws:
            added += 1
    if added:
        registration_aws_answered(case, "AWS Support replied on the case")
    if replies:
        case.last_seen = max(case.last_seen, *(r.time_created for r in replies))
    case.aws_status = status or case.aws_status
    if status == "resolved":
        case.state = SupportCase.State.RESOLVED
    elif case.state == SupportCase.State.RESOLVED:
        case.state = SupportCase.State.OPEN  # reopened at AWS
    case.last_polled_at = timezone.now()
    case.save(update_fields=["aws_status", "state", "last_seen", "last_polled_at", "updated_at"])
    return added


def _poll_case(case: SupportCase) -> int:
    gw = support_gateway(case)
    found = aws_support.cases_describe(gw, case_ids=[case.aws_case_id])
    status = found[0].status if found else ""
    replies = aws_support.case_communications_list(
        gw, case_id=case.aws_case_id, after=case.last_seen
    )
    # Answers the portal sent are already recorded (without AWS's time): keep AWS's copies of
    # them out, so that each answer shows once.
    sent = set(
        case.messages.filter(
            direction=SupportMessage.Direction.TO_AWS, source=SupportMessage.Source.PORTAL
        ).values_list("body", flat=True)
    )
    replies = [
        r
        for r in replies
        if r.time_created != case.last_seen and (r.from_aws or r.body not in sent)
    ]
    return _apply_poll(case.pk, status, replies)


def _short_code_found(case: SupportCase, claimed: set[str]) -> bool:
    """Looks for the case's short code in the account; binds it as the tenant's sender."""
    registration = case.registration
    if registration is None or registration.status not in WAITING:
        return False
    values = application_values(registration)
    country = value_text(values, shortcode.COUNTRY) or "US"
    gw = Gateway.for_registration(registration)
    numbers = [
        n
        for n in aws.phone_numbers_list(gw, number_type="SHORT_CODE")
        if n.id not in claimed and (n.country or country) == country
    ]
    if case.short_code:
        numbers = [n for n in numbers if n.number == case.short_code]
    else:
        waiting = SupportCase.objects.filter(
            kind=SupportCase.Kind.SHORT_CODE,
            aws_account=case.aws_account,
            registration__status__in=WAITING,
            short_code="",
        )
        if waiting.count() != 1:
            return False  # which code is whose is for staff to say (the case names it)
    if len(numbers) != 1:
        return False
    short_code_activate(case_id=case.pk, number=numbers[0])
    claimed.add(numbers[0].id)
    return True


@transaction.atomic
def short_code_activate(*, case_id: int, number) -> Sender:
    """The short code is in the account: the tenant's active sender, the application complete,
    and the sending setup (with the application's keywords and responses) queued."""
    case = SupportCase.objects.select_for_update().get(pk=case_id)
    registration = Registration.objects.select_for_update().get(pk=case.registration_id)
    sender, _ = Sender.objects.get_or_create(
        tenant_id=registration.tenant_id,
        aws_id=number.id,
        defaults={
            "registration": registration,
            "kind": Sender.Kind.PHONE_NUMBER,
            "value": number.number,
            "iso_country": number.country or "US",
            "number_type": "SHORT_CODE",
            "aws_arn": number.arn,
            "status": number.status,
        },
    )
    case.short_code = number.number
    case.save(update_fields=["short_code", "updated_at"])
    if registration.status in WAITING:
        registration_transition(
            registration=registration,
            to=Status.COMPLETE,
            reason=f"Short code {number.number} is in the AWS account",
        )
        notify_status(
            registration=registration,
            headline=f"your short code {number.number} is ready",
            detail="AWS Support and the carriers have provisioned it; it sends with the "
            "keywords and responses of your application.",
            important=True,
        )
    audit_record(
        tenant=registration.tenant,
        actor=None,
        action="support_case.short_code_active",
        obj=case,
        after={"short_code": number.number},
    )
    if sender.status == "ACTIVE":
        enqueue("registrations.tasks.sending_setup_task", registration.tenant_id)
    return sender


def support_cases_poll() -> PollResult:
    """One pass over the open cases: AWS's status and new communications (cases opened through
    the API), and the short codes that appeared in the accounts (every filing)."""
    result = PollResult()
    claimed = set(Sender.objects.exclude(aws_id="").values_list("aws_id", flat=True))
    cases = SupportCase.objects.filter(
        state__in=(SupportCase.State.OPEN, SupportCase.State.RESOLVED)
    ).select_related("registration__tenant", "aws_account", "tenant")
    for case in cases:
        waiting = case.registration is not None and case.registration.status in WAITING
        if case.filing == SupportCase.Filing.API and (
            case.state == SupportCase.State.OPEN or waiting
        ):
            result.cases += 1
            result.replies += _poll_case(case)
        if case.kind == SupportCase.Kind.SHORT_CODE and _short_code_found(case, claimed):
            result.short_codes += 1
    return result
