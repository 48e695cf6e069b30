"""AWS Support cases driven by the portal: short code applications and limit increases.

A short code is not a registration type at AWS: after staff approval the pipeline hands the
application to `short_code_submit`, which opens a case ("Service limit increase", quota type
Pinpoint SMS, resource type Dedicated SMS Short Codes; one case per country and use case) with
the completed application and the mock-ups attached. The beat's `support-cases-poll` follows
every open case: AWS Support's replies land on the case (and in the registration's timeline),
staff answer from the portal, and once the short code appears in the account
(DescribePhoneNumbers) it becomes the tenant's sender with the keywords of the application.

Without a Business or Enterprise support plan the Support API answers
SubscriptionRequiredException: the case is then FILE_IN_CONSOLE, the portal shows its exact
text and attachments, staff file it and record the case id, and paste AWS's replies.

AWS is always asked outside a transaction; what it said is applied in a short atomic block.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from portal.enqueue import enqueue
from registrations import shortcode
from registrations.aws import operations as aws
from registrations.aws import support as aws_support
from registrations.aws.clients import AccountContext
from registrations.aws.errors import PermanentError, RetryableError
from registrations.aws.gateway import Gateway
from registrations.aws.types import SupportFile
from registrations.models import (
    AwsAccount,
    FieldValue,
    Registration,
    Sender,
    SupportCase,
    SupportMessage,
)
from registrations.selectors import schema_for
from registrations.services.notifications import notify_status
from registrations.services.transitions import registration_transition, require_reviewer
from registrations.states import Status
from tenants.models import Tenant, User
from tenants.services import audit_record

MAX_ATTACHMENTS = 3  # per attachment set, as AWS documents
APPLICATION_FILE = "short-code-application.txt"
# Registration statuses in which a short code case waits for AWS Support and the carriers.
WAITING = (Status.SUBMITTED, Status.AWS_REVIEWING, Status.REVIEWING)


# --- What the case says -------------------------------------------------------------------------


def _values(registration: Registration) -> dict[str, FieldValue]:
    version = registration.versions.newest()
    return {
        v.field_path: v
        for v in FieldValue.objects.filter(version=version).select_related("attachment")
    }


def _text(values: dict[str, FieldValue], path: str) -> str:
    value = values.get(path)
    return value.display if value is not None else ""


def application_document(registration: Registration) -> bytes:
    """The completed application as a plain-text document, section by section, in the order of
    the form (attached to the case; shown to staff filing it by hand)."""
    schema = schema_for(registration)
    values = _values(registration)
    lines = [
        f"Short code application: {registration.name}",
        f"Form: the portal's short code application, version {shortcode.VERSION}",
        "",
    ]
    for section in schema.sections:
        lines += [section.title or section.path, "-" * len(section.title or section.path)]
        for fdef in schema.fields:
            if fdef.section != section.path:
                continue
            answer = _text(values, fdef.path)
            if fdef.type == "ATTACHMENT" and answer:
                answer = f"{answer} (attached to the case)"
            lines.append(f"{fdef.title or fdef.path}: {answer or '(not given)'}")
        lines.append("")
    return "\n".join(lines).encode()


def _short_code_text(registration: Registration, reference: str) -> tuple[str, str]:
    values = _values(registration)
    country = _text(values, shortcode.COUNTRY) or "US"
    region = _text(values, shortcode.REGION)
    message_type = _text(values, shortcode.MESSAGE_TYPE).replace("_", " ").lower()
    service = _text(values, shortcode.SERVICE_NAME) or registration.tenant.name
    hipaa = _text(values, "useCase.hipaa") == "Yes"
    subject = f"Dedicated SMS short code ({country}, {message_type}) for {service} [{reference}]"
    body = "\n".join(
        [
            "Service limit increase request",
            "Quota type: Pinpoint SMS",
            "Resource type: Dedicated SMS Short Codes",
            f"Region: {region}",
            f"Quota: {message_type} messages",
            "New quota value: 1 (one short code)",
            f"Which countries do you plan to send messages to: {country}",
            f"Link to the site or app which will be sending SMS messages: "
            f"{_text(values, 'companyInfo.website')}",
            f"How do your customers opt to receive messages from you: "
            f"{_text(values, 'optIn.optInDescription')}",
            f"Message template: {_text(values, 'messageSamples.messageSample1')}",
            "",
            "Use case description",
            f"Company: {_text(values, 'companyInfo.companyName')}",
            f"Program: {service}: {_text(values, 'useCase.programDescription')}",
            f"Expected volume: {_text(values, 'useCase.monthlyVolume')} messages per month, "
            f"{_text(values, 'useCase.throughputMps')} message parts per second",
            (
                "The messages will or may contain Protected Health Information (PHI): we need a "
                "HIPAA eligible short code."
                if hipaa
                else "The messages will not contain Protected Health Information (PHI)."
            ),
            "",
            "The completed short code application and the opt-in mock-ups are attached.",
            f"Portal reference: {reference}",
        ]
    )
    return subject[:200], body[:8000]


def case_files(case: SupportCase) -> list[SupportFile]:
    """What goes to AWS with the case: the application and the mock-ups (three at most)."""
    if case.registration_id is None:
        return []
    registration = case.registration
    files = [SupportFile(APPLICATION_FILE, application_document(registration))]
    for value in _values(registration).values():
        if value.attachment_id and len(files) < MAX_ATTACHMENTS:
            with value.attachment.file.open("rb") as handle:
                files.append(SupportFile(value.attachment.original_name, handle.read()))
    return files


# --- Opening a case -----------------------------------------------------------------------------


def _reference() -> str:
    return f"portal-{secrets.token_hex(6)}"


@transaction.atomic
def support_case_for_registration(*, registration: Registration) -> SupportCase:
    """The one case of a short code application (created on first use)."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    found = SupportCase.objects.filter(registration=registration).first()
    if found is not None:
        return found
    reference = _reference()
    subject, body = _short_code_text(registration, reference)
    return SupportCase.objects.create(
        tenant=registration.tenant,
        aws_account=AwsAccount.objects.filter(tenant=registration.tenant).first(),
        registration=registration,
        kind=SupportCase.Kind.SHORT_CODE,
        reference=reference,
        subject=subject,
        body=body,
        requested_value="1",
    )


def _gateway(case: SupportCase) -> Gateway:
    if case.registration_id:
        return Gateway.for_registration(case.registration).support()
    account = case.aws_account
    context = (
        AccountContext(account.role_arn, account.external_id, account.region)
        if account is not None
        else AccountContext()
    )
    return Gateway(tenant=case.tenant, context=context).support()


def support_case_open(case_id: int) -> str:
    """Opens a PREPARED case through the Support API (outside any transaction); a refusal
    (no support plan, or AWS not taking the case through the API) leaves it for staff to file
    in the console. Returns the state reached. Raises RetryableError for the task to retry."""
    case = SupportCase.objects.select_related("registration__tenant", "aws_account").get(pk=case_id)
    if case.state != SupportCase.State.PREPARED:
        return case.state
    gw = _gateway(case)
    try:
        # A CreateCase whose answer was lost: the case is there, with our reference.
        earlier = [
            c
            for c in aws_support.cases_describe(gw, after=case.created_at.isoformat())
            if case.reference in c.subject
        ]
        if earlier:
            aws_case = earlier[0]
        else:
            files = case_files(case)
            set_id = aws_support.attachment_set_create(gw, files=files) if files else ""
            case_id_at_aws = aws_support.case_create(
                gw, subject=case.subject, body=case.body, attachment_set_id=set_id
            )
            aws_case = aws_support.cases_describe(gw, case_ids=[case_id_at_aws])[0]
    except RetryableError:
        raise
    except PermanentError as exc:
        _to_console(case.pk, f"{exc.operation}: {exc.code}: {exc.message}")
        return SupportCase.State.FILE_IN_CONSOLE
    _opened(
        case.pk,
        aws_case.case_id,
        aws_case.display_id,
        aws_case.status,
        SupportCase.Filing.API,
        actor=None,
    )
    return SupportCase.State.OPEN


@transaction.atomic
def _to_console(case_id: int, error: str) -> None:
    case = SupportCase.objects.select_for_update().get(pk=case_id)
    if case.state != SupportCase.State.PREPARED:
        return
    case.state, case.filing, case.api_error = (
        SupportCase.State.FILE_IN_CONSOLE,
        SupportCase.Filing.CONSOLE,
        error,
    )
    case.save(update_fields=["state", "filing", "api_error", "updated_at"])
    audit_record(
        tenant=case.tenant,
        actor=None,
        action="support_case.file_in_console",
        obj=case,
        after={"error": error},
    )


@transaction.atomic
def _opened(
    case_id: int,
    aws_case_id: str,
    display_id: str,
    aws_status: str,
    filing: str,
    actor: User | None,
) -> SupportCase:
    case = SupportCase.objects.select_for_update().get(pk=case_id)
    case.state, case.filing = SupportCase.State.OPEN, filing
    case.aws_case_id, case.display_id, case.aws_status = aws_case_id, display_id, aws_status
    case.save(
        update_fields=[
            "state",
            "filing",
            "aws_case_id",
            "display_id",
            "aws_status",
            "updated_at",
        ]
    )
    if case.registration_id:
        registration = Registration.objects.select_for_update().get(pk=case.registration_id)
        if registration.status == Status.SUBMITTING:
            registration_transition(
                registration=registration,
                to=Status.SUBMITTED,
                actor=actor,
                reason=f"AWS Support case {display_id or aws_case_id} opened",
                expected=Status.SUBMITTING,
            )
    audit_record(
        tenant=case.tenant,
        actor=actor,
        action="support_case.open",
        obj=case,
        after={"case_id": aws_case_id, "display_id": display_id, "filing": filing},
    )
    return case


def short_code_submit(*, registration: Registration) -> str:
    """The pipeline's step for a short code application: the case, opened."""
    case = support_case_for_registration(registration=registration)
    return support_case_open(case.pk)


@transaction.atomic
def support_case_record_filed(
    *, case: SupportCase, actor: User, aws_case_id: str, display_id: str = ""
) -> SupportCase:
    """Staff filed the case in the console: its id, from then on the case is followed."""
    require_reviewer(actor)
    aws_case_id, display_id = aws_case_id.strip(), display_id.strip()
    if not aws_case_id:
        raise ValidationError({"aws_case_id": "Enter the case ID AWS Support shows."})
    if len(aws_case_id) > 128 or not all(c.isalnum() or c == "-" for c in aws_case_id):
        raise ValidationError(
            {"aws_case_id": "A case ID has letters, digits and dashes, like case-1234…"}
        )
    if display_id and not display_id.isdigit():
        raise ValidationError({"display_id": "The displayed case number has digits only."})
    current = SupportCase.objects.select_for_update().get(pk=case.pk)
    if current.state != SupportCase.State.FILE_IN_CONSOLE:
        raise ValidationError("This case is not waiting to be filed.")
    if (
        SupportCase.objects.filter(aws_account=current.aws_account, aws_case_id=aws_case_id)
        .exclude(pk=current.pk)
        .exists()
    ):
        raise ValidationError({"aws_case_id": "Another case already has this ID."})
    return _opened(
        current.pk, aws_case_id, display_id, "opened", SupportCase.Filing.CONSOLE, actor=actor
    )


# --- Limit increases ----------------------------------------------------------------------------

LIMIT_TEXT = {
    SupportCase.Kind.SPEND_LIMIT: (
        "Monthly SMS spend limit increase to {value} USD",
        "Quota type: Pinpoint SMS\nResource type: General Limits\nQuota: Account Spend "
        "Threshold Increase\nNew quota value: {value} (USD per month)",
    ),
    SupportCase.Kind.MPS: (
        "SMS messages per second increase to {value}",
        "Quota type: Pinpoint SMS\nQuota: Message parts per second\nNew quota value: {value}",
    ),
    SupportCase.Kind.QUOTA: (
        "End User Messaging quota increase: {quota} to {value}",
        "Quota type: Pinpoint SMS\nQuota: {quota}\nNew quota value: {value}",
    ),
}


@transaction.atomic
def support_case_request(
    *,
    tenant: Tenant | None,
    actor: User,
    aws_account: AwsAccount | None,
    kind: str,
    value: str,
    justification: str,
    quota: str = "",
) -> SupportCase:
    """A limit increase (spend limit, MPS or a quota) requested as a Support case; opened by a
    task through the Support API, or left for staff to file in the console."""
    require_reviewer(actor)
    if kind not in LIMIT_TEXT:
        raise ValidationError({"kind": "Choose what to increase."})
    value, justification, quota = value.strip(), justification.strip(), quota.strip()
    if not value.replace(".", "", 1).isdigit() or float(value) <= 0:
        raise ValidationError({"value": "Enter the new limit as a positive number."})
    if kind == SupportCase.Kind.QUOTA and not quota:
        raise ValidationError({"quota": "Name the quota, for example Pools or Phone numbers."})
    if len(justification) < 20:
        raise ValidationError(
            {"justification": "Describe the use case and the expected volume (20+ characters)."}
        )
    if aws_account is not None and tenant is not None and aws_account.tenant_id != tenant.pk:
        raise ValidationError("This AWS account belongs to another tenant.")
    reference = _reference()
    title, text = LIMIT_TEXT[kind]
    subject = f"{title.format(value=value, quota=quota)} [{reference}]"
    body = (
        f"Service limit increase request\n{text.format(value=value, quota=quota)}\n\n"
        f"Use case and justification:\n{justification}\n\nPortal reference: {reference}"
    )
    case = SupportCase.objects.create(
        tenant=tenant if tenant is not None else (aws_account.tenant if aws_account else None),
        aws_account=aws_account,
        kind=kind,
        reference=reference,
        subject=subject[:200],
        body=body[:8000],
        requested_value=value,
        created_by=actor,
    )
    audit_record(
        tenant=case.tenant,
        actor=actor,
        action="support_case.request",
        obj=case,
        after={"kind": kind, "value": value, "quota": quota},
    )
    enqueue("registrations.tasks.support_case_open_task", case.pk)
    return case


# --- Communications -----------------------------------------------------------------------------


def _aws_answered(case: SupportCase, reason: str) -> None:
    """AWS Support wrote on a short code case: the registration shows AWS is reviewing it."""
    if case.registration_id is None:
        return
    registration = Registration.objects.select_for_update().get(pk=case.registration_id)
    if registration.status == Status.SUBMITTED:
        registration_transition(
            registration=registration,
            to=Status.AWS_REVIEWING,
            reason=reason,
            expected=Status.SUBMITTED,
        )


@transaction.atomic
def support_reply_paste(
    *, case: SupportCase, actor: User, body: str, shared: bool = False
) -> SupportMessage:
    """A reply from AWS Support that staff copied from the console."""
    require_reviewer(actor)
    body = body.strip()
    if not body:
        raise ValidationError({"body": "Paste AWS Support's reply."})
    if len(body) > 8000:
        raise ValidationError({"body": "A reply has at most 8,000 characters."})
    case = SupportCase.objects.select_for_update().get(pk=case.pk)
    if case.state not in (SupportCase.State.OPEN, SupportCase.State.RESOLVED):
        raise ValidationError("Record the case ID first: the case is not filed yet.")
    message = SupportMessage.objects.create(
        tenant=case.tenant,
        case=case,
        direction=SupportMessage.Direction.FROM_AWS,
        source=SupportMessage.Source.PASTED,
        body=body,
        submitted_by="Amazon Web Services",
        shared_with_tenant=shared,
        author=actor,
    )
    _aws_answered(case, "AWS Support replied on the case")
    audit_record(tenant=case.tenant, actor=actor, action="support_case.paste_reply", obj=case)
    return message


@transaction.atomic
def support_case_answer(
    *, case: SupportCase, actor: User, body: str, shared: bool = False
) -> SupportMessage:
    """Staff's answer to AWS Support: sent through the API by a task, or (console filing)
    recorded for staff to post in the console."""
    require_reviewer(actor)
    body = body.strip()
    if not body:
        raise ValidationError({"body": "Write the answer."})
    if len(body) > 8000:
        raise ValidationError({"body": "An answer has at most 8,000 characters."})
    case = SupportCase.objects.select_for_update().get(pk=case.pk)
    if case.state != SupportCase.State.OPEN:
        raise ValidationError("Only an open case can be answered.")
    message = SupportMessage.objects.create(
        tenant=case.tenant,
        case=case,
        direction=SupportMessage.Direction.TO_AWS,
        source=SupportMessage.Source.PORTAL,
        body=body,
        submitted_by=actor.email,
        shared_with_tenant=shared,
        author=actor,
    )
    audit_record(tenant=case.tenant, actor=actor, action="support_case.answer", obj=case)
    if case.filing == SupportCase.Filing.API:
        enqueue("registrations.tasks.support_message_send_task", message.pk)
    return message


def support_message_send(message_id: int) -> bool:
    """Sends one answer with AddCommunicationToCase (outside a transaction); idempotent."""
    message = SupportMessage.objects.select_related("case__registration", "case__aws_account").get(
        pk=message_id
    )
    if message.sent_at is not None or message.case.filing != SupportCase.Filing.API:
        return False
    try:
        aws_support.case_communication_add(
            _gateway(message.case), case_id=message.case.aws_case_id, body=message.body
        )
    except PermanentError as exc:
        SupportMessage.objects.filter(pk=message.pk).update(send_error=f"{exc.code}: {exc.message}")
        return False
    SupportMessage.objects.filter(pk=message.pk, sent_at=None).update(
        sent_at=timezone.now(), send_error=""
    )
    return True


@transaction.atomic
def support_message_share(*, message: SupportMessage, actor: User, shared: bool) -> None:
    """Whether the tenant sees this message on its registration page."""
    require_reviewer(actor)
    SupportMessage.objects.filter(pk=message.pk).update(shared_with_tenant=shared)
    audit_record(
        tenant=message.tenant,
        actor=actor,
        action="support_case.share" if shared else "support_case.unshare",
        obj=message.case,
    )


@transaction.atomic
def support_case_short_code_expect(*, case: SupportCase, actor: User, short_code: str) -> None:
    """The short code AWS Support named, so that the poll binds exactly that number."""
    require_reviewer(actor)
    short_code = short_code.strip()
    if not short_code.isdigit() or not 3 <= len(short_code) <= 8:
        raise ValidationError({"short_code": "A short code has 3 to 8 digits."})
    SupportCase.objects.filter(pk=case.pk).update(short_code=short_code)
    audit_record(
        tenant=case.tenant,
        actor=actor,
        action="support_case.short_code",
        obj=case,
        after={"short_code": short_code},
    )


# --- Following the cases ------------------------------------------------------------------------


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
        _aws_answered(case, "AWS Support replied on the case")
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
    gw = _gateway(case)
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
    values = _values(registration)
    country = _text(values, shortcode.COUNTRY) or "US"
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
