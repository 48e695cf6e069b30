"""Senders for countries that need no registration: a sender ID (`RequestSenderId`, "Request a
new sender ID that doesn't require registration") or a long code where AWS sells one that sends
SMS without a registration (Canada), asked for by a tenant admin.

The request is checked against the country's rules (`compliance/sender_ids.py`), recorded as a
PENDING `Sender` with no registration, and made at AWS by `sender_request_task` (outside any
transaction); the sender turns ACTIVE when AWS gives it, and the sending setup then puts it in
the tenant's pool.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from compliance import sender_ids as rules
from portal.enqueue import enqueue
from registrations.aws import operations as aws
from registrations.aws.errors import AwsError, RetryableError
from registrations.aws.gateway import Gateway
from registrations.models import Sender
from registrations.services.transitions import require_role
from tenants.models import Role, Tenant, User
from tenants.services import audit_record

SENDER_ID, LONG_CODE = "SENDER_ID", "LONG_CODE"
REFUSED = "REFUSED"  # AWS refused the request (its message is in the audit log)


def _country(value: str) -> str:
    iso = (value or "").strip().upper()
    if len(iso) != 2 or not iso.isalpha():
        raise ValidationError({"country": ["Choose a country (two-letter ISO code, e.g. GB)."]})
    return iso


def request_problems(*, kind: str, country: str, sender_id: str) -> dict[str, list[str]]:
    """What stops this request, per field (empty: AWS allows it without a registration)."""
    rule = rules.country_rule(country)
    if kind == LONG_CODE:
        if country not in rules.LONG_CODE_WITHOUT_REGISTRATION:
            return {
                "country": [
                    f"AWS sells long codes that send SMS without a registration only in "
                    f"{', '.join(sorted(rules.LONG_CODE_WITHOUT_REGISTRATION))}; in {country} "
                    "register a sender (Get registered) or ask your provider for a dedicated "
                    "long code through AWS Support."
                ]
            }
        return {}
    if kind != SENDER_ID:
        return {"kind": ["Choose a sender ID or a long code."]}
    if not rule.supported:
        return {"country": [rule.describe()]}
    if rule.registration_required:
        return {
            "country": [
                f"{country} needs a registered sender ID: use Get registered for {country}, or "
                "ask your provider (AWS issues some countries' sender IDs through AWS Support)."
            ]
        }
    problems = rules.sender_id_problems(sender_id, country)
    return {"sender_id": problems} if problems else {}


@transaction.atomic
def sender_request(
    *, tenant: Tenant, actor: User, kind: str, country: str, sender_id: str = ""
) -> Sender:
    """Records the request and queues it for AWS; raises ValidationError per field."""
    require_role(tenant, actor, Role.ADMIN)
    country = _country(country)
    sender_id = (sender_id or "").strip() if kind == SENDER_ID else ""
    problems = request_problems(kind=kind, country=country, sender_id=sender_id)
    if problems:
        raise ValidationError(problems)
    if kind == SENDER_ID:
        same = Sender.objects.filter(
            kind=Sender.Kind.SENDER_ID, iso_country=country, value__iexact=sender_id
        )
        if same.filter(tenant=tenant).exists():
            raise ValidationError({"sender_id": [f"You already have {sender_id} for {country}."]})
        if same.exists():
            # One AWS account holds a sender ID once per country.
            raise ValidationError(
                {"sender_id": [f"{sender_id} is taken in {country}; choose another."]}
            )
    sender = Sender.objects.create(
        tenant=tenant,
        kind=Sender.Kind.SENDER_ID if kind == SENDER_ID else Sender.Kind.PHONE_NUMBER,
        value=sender_id,
        iso_country=country,
        number_type="" if kind == SENDER_ID else LONG_CODE,
        status="PENDING",
    )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="sender.request",
        obj=sender,
        after={"kind": kind, "country": country, "sender_id": sender_id},
    )
    enqueue("registrations.tasks.sender_request_task", sender.pk)
    return sender


def sender_request_run(*, sender_pk: int) -> Sender:
    """Makes a recorded request at AWS (safe to repeat: a deterministic ClientToken, and a
    sender already given is left alone), then records what AWS gave."""
    sender = Sender.objects.select_related("tenant").get(pk=sender_pk, registration=None)
    if sender.aws_id or sender.status != "PENDING":
        return sender
    gw = Gateway.for_tenant(sender.tenant)
    token = f"portal-sender-{sender.pk}"
    try:
        if sender.kind == Sender.Kind.SENDER_ID:
            got = aws.sender_id_request(
                gw,
                sender_id=sender.value,
                country=sender.iso_country,
                client_token=token,
                tags={"portal-tenant": str(sender.tenant_id)},
            )
            update = {
                "aws_id": got.arn,
                "aws_arn": got.arn,
                "status": "ACTIVE" if got.registered else "PENDING",
            }
        else:
            number = aws.phone_number_request(
                gw, country=sender.iso_country, number_type=LONG_CODE, client_token=token
            )
            update = {
                "aws_id": number.id,
                "aws_arn": number.arn,
                "value": number.number,
                "status": number.status,
            }
    except RetryableError:
        raise
    except AwsError as exc:
        with transaction.atomic():
            Sender.objects.filter(pk=sender.pk, status="PENDING", aws_id="").update(status=REFUSED)
            audit_record(
                tenant=sender.tenant,
                actor=None,
                action="sender.refused",
                obj=sender,
                after={"operation": exc.operation, "message": str(exc)[:500]},
            )
        sender.refresh_from_db()
        return sender
    with transaction.atomic():
        Sender.objects.filter(pk=sender.pk, aws_id="").update(**update)
    sender.refresh_from_db()
    if sender.status == "ACTIVE":
        enqueue("registrations.tasks.sending_setup_task", sender.tenant_id)
    return sender
