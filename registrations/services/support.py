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
What a case says is in `support_text.py`; following the cases in `support_tracking.py`.
"""

from __future__ import annotations

import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from portal.enqueue import enqueue
from registrations.aws import support as aws_support
from registrations.aws.clients import AccountContext
from registrations.aws.errors import PermanentError, RetryableError
from registrations.aws.gateway import Gateway
from registrations.models import (
    AwsAccount,
    Registration,
    SupportCase,
    SupportMessage,
)
from registrations.services.support_text import LIMIT_TEXT, case_files, short_code_case_text
from registrations.services.transitions import registration_transition, require_reviewer
from registrations.states import Status
from tenants.models import Tenant, User
from tenants.services import audit_record

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
    subject, body = short_code_case_text(registration, reference)
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


def support_gateway(case: SupportCase) -> Gateway:
    if case.registration_id:
        return Gateway.for_registration(case.registration).support()
    account = case.aws_account
    context = (
        AccountContext(account.role_arn, account.external_id, account.region)
        if account is not None
        else AccountContext()
    )
    return Gateway(tenant=case.tenant, context=context).support()


def support_case_open(*, case_id: int) -> str:
    """Opens a PREPARED case through the Support API (outside any transaction); a refusal
    (no support plan, or AWS not taking the case through the API) leaves it for staff to file
    in the console. Returns the state reached. Raises RetryableError for the task to retry."""
    case = SupportCase.objects.select_related("registration__tenant", "aws_account").get(pk=case_id)
    if case.state != SupportCase.State.PREPARED:
        return case.state
    gw = support_gateway(case)
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
    return support_case_open(case_id=case.pk)


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


@transaction.atomic
def support_case_resolve(*, case: SupportCase, actor: User, resolved: bool = True) -> SupportCase:
    """Staff record that a case filed in the console was resolved (or reopened) there. A case
    opened through the Support API takes its status from AWS (the poll), never from staff."""
    require_reviewer(actor)
    current = SupportCase.objects.select_for_update().get(pk=case.pk)
    if current.filing != SupportCase.Filing.CONSOLE or current.state not in (
        SupportCase.State.OPEN,
        SupportCase.State.RESOLVED,
    ):
        raise ValidationError(
            "Only a case filed in the console is resolved here; a case opened through the "
            "Support API shows the status AWS gives it."
        )
    wanted = SupportCase.State.RESOLVED if resolved else SupportCase.State.OPEN
    if current.state == wanted:
        raise ValidationError(
            "The case is already resolved." if resolved else "The case is already open."
        )
    before = {"state": current.state, "aws_status": current.aws_status}
    current.state = wanted
    current.aws_status = "resolved" if resolved else "reopened"
    current.save(update_fields=["state", "aws_status", "updated_at"])
    audit_record(
        tenant=current.tenant,
        actor=actor,
        action="support_case.resolve" if resolved else "support_case.reopen",
        obj=current,
        before=before,
        after={"state": current.state, "aws_status": current.aws_status},
    )
    return current


# --- Limit increases ----------------------------------------------------------------------------


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
    number: str = "",
) -> SupportCase:
    """A limit increase (spend limit, MPS of a number, a quota, or SMS production access)
    requested as a Support case; opened by a task through the Support API, or left for staff to
    file in the console."""
    require_reviewer(actor)
    if kind not in LIMIT_TEXT:
        raise ValidationError({"kind": "Choose what to increase."})
    value, justification, quota = value.strip(), justification.strip(), quota.strip()
    if kind == SupportCase.Kind.PRODUCTION_ACCESS:
        value = "1"  # AWS's form: the new quota value of SMS Production Access is 1
    if not value.replace(".", "", 1).isdigit() or float(value) <= 0:
        raise ValidationError({"value": "Enter the new limit as a positive number."})
    if kind == SupportCase.Kind.QUOTA and not quota:
        raise ValidationError({"quota": "Name the quota, for example Pools or Phone numbers."})
    number = number.strip().replace(" ", "")
    if kind == SupportCase.Kind.MPS and not re.fullmatch(r"\+[1-9]\d{6,14}|\d{3,8}", number):
        raise ValidationError(
            {
                "number": "Name the number whose throughput to raise: E.164 (+12065550142) or "
                "the short code's digits."
            }
        )
    if len(justification) < 20:
        raise ValidationError(
            {"justification": "Describe the use case and the expected volume (20+ characters)."}
        )
    if aws_account is not None and tenant is not None and aws_account.tenant_id != tenant.pk:
        raise ValidationError("This AWS account belongs to another tenant.")
    reference = _reference()
    title, text = LIMIT_TEXT[kind]
    region = (aws_account.region if aws_account else "") or settings.AWS_REGION
    said = {"value": value, "quota": quota, "region": region, "number": number}
    subject = f"{title.format(**said)} [{reference}]"
    body = (
        "Service limit increase request\n"
        f"{text.format(**said)}\n\n"
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
        after={"kind": kind, "value": value, "quota": quota, "number": number},
    )
    enqueue("registrations.tasks.support_case_open_task", case.pk)
    return case


# --- Communications -----------------------------------------------------------------------------


def registration_aws_answered(case: SupportCase, reason: str) -> None:
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


MESSAGE_MAX = 8000


def _text_checked(body: str, *, missing: str, what: str) -> str:
    """A case message's text, stripped; refused when empty or over AWS Support's length."""
    body = body.strip()
    if not body:
        raise ValidationError({"body": missing})
    if len(body) > MESSAGE_MAX:
        raise ValidationError({"body": f"{what} has at most {MESSAGE_MAX:,} characters."})
    return body


@transaction.atomic
def support_reply_paste(
    *, case: SupportCase, actor: User, body: str, shared: bool = False
) -> SupportMessage:
    """A reply from AWS Support that staff copied from the console."""
    require_reviewer(actor)
    body = _text_checked(body, missing="Paste AWS Support's reply.", what="A reply")
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
    registration_aws_answered(case, "AWS Support replied on the case")
    audit_record(tenant=case.tenant, actor=actor, action="support_case.paste_reply", obj=case)
    return message


@transaction.atomic
def support_case_answer(
    *, case: SupportCase, actor: User, body: str, shared: bool = False
) -> SupportMessage:
    """Staff's answer to AWS Support: sent through the API by a task, or (console filing)
    recorded for staff to post in the console."""
    require_reviewer(actor)
    body = _text_checked(body, missing="Write the answer.", what="An answer")
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


def support_message_send(*, message_id: int) -> bool:
    """Sends one answer with AddCommunicationToCase (outside a transaction); idempotent."""
    message = SupportMessage.objects.select_related("case__registration", "case__aws_account").get(
        pk=message_id
    )
    if message.sent_at is not None or message.case.filing != SupportCase.Filing.API:
        return False
    try:
        aws_support.case_communication_add(
            support_gateway(message.case), case_id=message.case.aws_case_id, body=message.body
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
