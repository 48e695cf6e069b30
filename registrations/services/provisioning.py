"""After COMPLETE: the identity the registration provides, per type.

Toll-free: the number requested before submitting turns ACTIVE. 10DLC campaign: a number is
requested with the campaign's RegistrationId. Sender IDs (ASSOCIATE_ON_APPROVAL) are provisioned
by AWS on approval when its form names them; otherwise (the portal asked the sender ID) the
portal requests it and associates it with the approved registration. A sender ID is ACTIVE once
AWS reports it registered.
The tenant's sending setup (pool, opt-out list, configuration set, keywords, country rules)
comes with the sending API.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from portal.enqueue import enqueue
from registrations import overlay, sender_ids, throughput
from registrations.aws import operations as aws
from registrations.aws.errors import AwsError, ConflictError, PermanentError
from registrations.aws.gateway import Gateway
from registrations.aws.types import PhoneNumber
from registrations.models import Registration, Sender
from registrations.selectors import schema_for, version_values
from registrations.services.sending_setup import sending_setup_hold
from registrations.services.transitions import require_reviewer
from registrations.states import Status
from tenants.models import Tenant, User
from tenants.services import audit_record

QUOTA_EXCEEDED = "ServiceQuotaExceededException"
PHONE_NUMBER_TYPES = {"TOLL_FREE", "TEN_DLC", "SHORT_CODE", "LONG_CODE", "SIMULATOR"}
# A number AWS is still working on: associating a 10DLC number with its campaign "can take
# approximately 14 days" (seed 001), so these are re-checked until ACTIVE or gone.
WAITING_NUMBER_STATUSES = ("PENDING", "ASSOCIATING")
# Young numbers are asked about often (the sandbox and most numbers are quick), old ones
# rarely: (age below, interval).
RECHECK_INTERVALS = (
    (timedelta(hours=1), timedelta(minutes=1)),
    (timedelta(days=1), timedelta(minutes=15)),
    (timedelta(days=7), timedelta(hours=1)),
)
OLD_RECHECK_INTERVAL = timedelta(hours=6)


def recheck_interval(age: timedelta) -> timedelta:
    return next((i for limit, i in RECHECK_INTERVALS if age < limit), OLD_RECHECK_INTERVAL)


def sender_record_number(
    *, registration: Registration, number: PhoneNumber, number_type: str
) -> Sender:
    """The portal's record of a number AWS gave for a registration (idempotent)."""
    sender, _ = Sender.objects.get_or_create(
        tenant_id=registration.tenant_id,
        aws_id=number.id,
        defaults={
            "registration": registration,
            "kind": Sender.Kind.PHONE_NUMBER,
            "value": number.number,
            "iso_country": number.country or "US",
            "number_type": number_type,
            "aws_arn": number.arn,
            "status": number.status,
        },
    )
    return sender


def _sender_id_request_and_associate(gw: Gateway, registration: Registration) -> None:
    """RequestSenderId for the sender ID the portal asked (its model has no registration
    parameter), then CreateRegistrationAssociation with the approved registration. Both are
    safe to repeat: a deterministic ClientToken, and a sender ID already in the account (the
    tenant requested it before, without a registration) is taken as it is, unless another
    tenant holds it."""
    iso = sender_ids.country_of(registration.registration_type)
    approved = registration.versions.filter(aws_status="APPROVED").newest()
    value = sender_ids.sender_id_value(version_values(approved or registration.current_version))
    if not value:
        raise AwsError(
            "RequestSenderId",
            "MissingSenderId",
            "The approved registration names no sender ID; add it in a new version.",
        )
    try:
        requested = aws.sender_id_request(
            gw,
            sender_id=value,
            country=iso,
            client_token=f"portal-sid-{registration.pk}",
            tags={"portal-tenant": str(registration.tenant_id)},
        )
    except ConflictError:
        requested = aws.sender_id_describe(gw, sender_id=value, country=iso)
        if requested is None:
            raise
        held = Sender.objects.filter(aws_arn=requested.arn).exclude(tenant=registration.tenant_id)
        if held.exists():
            raise AwsError(
                "RequestSenderId",
                "SenderIdHeldByAnotherTenant",
                f"The sender ID {value} ({iso}) already belongs to another tenant of this "
                "AWS account.",
            ) from None
    aws.registration_association_create(
        gw, registration_id=registration.aws_registration_id, resource_id=requested.arn
    )


def _sender_id_record(gw: Gateway, registration: Registration, value: str, iso: str) -> Sender:
    """The tenant's sender for a sender ID associated with its registration: ACTIVE once AWS
    reports it registered, PENDING until then (idempotent; the status follows AWS)."""
    iso = iso or sender_ids.country_of(registration.registration_type)
    described = aws.sender_id_describe(gw, sender_id=value, country=iso)
    status = "ACTIVE" if described is not None and described.registered else "PENDING"
    arn = described.arn if described is not None else ""
    sender = (
        Sender.objects.filter(tenant_id=registration.tenant_id, kind=Sender.Kind.SENDER_ID)
        .filter(value=value, iso_country=iso)
        .first()
    )
    if sender is None:
        sender, _ = Sender.objects.get_or_create(
            tenant_id=registration.tenant_id,
            aws_id=arn or f"{value}:{iso}",
            defaults={
                "registration": registration,
                "kind": Sender.Kind.SENDER_ID,
                "value": value,
                "iso_country": iso,
                "aws_arn": arn,
                "status": status,
            },
        )
    # A conditional UPDATE: what AWS said replaces only the status it was compared with.
    Sender.objects.filter(pk=sender.pk, status=sender.status).update(
        status=status, registration=registration, aws_arn=arn or sender.aws_arn
    )
    sender.refresh_from_db()
    return sender


def registration_provision(*, registration_id: int) -> list[Sender]:
    """Records and refreshes the identities of a COMPLETE registration; safe to repeat."""
    registration = Registration.objects.select_related("tenant").get(pk=registration_id)
    if registration.status != Status.COMPLETE:
        return []
    if not registration.aws_registration_id:
        # A short code application has no registration at AWS: its sender is recorded when the
        # code appears in the account (services/support.py).
        return list(registration.senders.all())
    gw = Gateway.for_registration(registration)
    rid = registration.aws_registration_id
    if registration.registration_type == overlay.CAMPAIGN and not registration.senders.exists():
        try:
            number = aws.phone_number_request(
                gw,
                country="US",
                number_type="TEN_DLC",
                registration_id=rid,
                client_token=f"portal-10dlc-{registration.pk}",
            )
        except PermanentError as exc:
            if exc.code != QUOTA_EXCEEDED:
                raise
            # The account's phone number quota is reached: held with a clear message (and
            # run again once there is room) instead of failing in the worker.
            sending_setup_hold(
                tenant=registration.tenant,
                reason=(
                    "Held: the AWS account has reached its quota of phone numbers, so the number "
                    f"of the 10DLC campaign {registration.name} could not be requested "
                    f"(AWS answered {exc.code}: {exc.message}). Provider staff: request a quota "
                    "increase (or release unused numbers) and run the setup again."
                ),
            )
            return []
        sender_record_number(registration=registration, number=number, number_type="TEN_DLC")
    associations = aws.registration_associations_list(gw, registration_id=rid)
    on_approval = any(
        rule.resource_type == "SENDER_ID" and rule.behavior == "ASSOCIATE_ON_APPROVAL"
        for rule in schema_for(registration).associations
    )
    if on_approval and not any(a.resource_type == "SENDER_ID" for a in associations):
        # ASSOCIATE_ON_APPROVAL: AWS provisions the sender ID its form names; a form without one
        # (the portal asked it) has it requested and associated now, on approval.
        _sender_id_request_and_associate(gw, registration)
        associations = aws.registration_associations_list(gw, registration_id=rid)
    known = {s.aws_id for s in registration.senders.all()} | {
        s.value for s in registration.senders.all()
    }
    for association in associations:
        resource_id, kind = association.resource_id, association.resource_type
        if kind == "SENDER_ID":
            _sender_id_record(gw, registration, resource_id, association.country)
            continue
        if resource_id in known or association.phone_number in known:
            continue
        if kind in PHONE_NUMBER_TYPES:
            Sender.objects.get_or_create(
                tenant_id=registration.tenant_id,
                aws_id=resource_id,
                defaults={
                    "registration": registration,
                    "kind": Sender.Kind.PHONE_NUMBER,
                    "value": association.phone_number or resource_id,
                    "iso_country": association.country,
                    "number_type": kind,
                    "status": "PENDING",
                },
            )
    for sender in registration.senders.filter(kind=Sender.Kind.PHONE_NUMBER):
        described = aws.phone_number_describe(gw, phone_number_id=sender.aws_id)
        if described is not None and described.status != sender.status:
            # A conditional UPDATE: what AWS said replaces only the status it was compared with.
            Sender.objects.filter(pk=sender.pk, status=sender.status).update(
                status=described.status
            )
    return list(registration.senders.all())


def senders_recheck(*, force: bool = False) -> dict:
    """Asks AWS again about the numbers of COMPLETE registrations that are not ACTIVE yet
    (PENDING or ASSOCIATING) and are due (by age: every minute in their first hour, then every
    15 minutes, hourly after a day, every 6 hours after a week), and records what it says; a
    number AWS no longer knows is recorded as DELETED. A tenant with a number that turned
    ACTIVE gets its sending setup run again, which puts the number in the pool. A sender ID of
    a COMPLETE registration that AWS did not report registered yet is asked about the same
    way (DescribeSenderIds), and turns ACTIVE once it is."""
    now = timezone.now()
    waiting = [
        sender
        for sender in Sender.objects.filter(
            Q(kind=Sender.Kind.PHONE_NUMBER, status__in=WAITING_NUMBER_STATUSES)
            | Q(kind=Sender.Kind.SENDER_ID, status="PENDING"),
            registration__status=Status.COMPLETE,
        )
        .exclude(aws_id="")
        .select_related("registration", "tenant")
        if force
        or sender.checked_at is None
        or now - sender.checked_at >= recheck_interval(now - sender.created_at)
    ]
    changed, activated = 0, set()
    for sender in waiting:
        gw = Gateway.for_registration(sender.registration)
        if sender.kind == Sender.Kind.SENDER_ID:
            found = aws.sender_id_describe(gw, sender_id=sender.value, country=sender.iso_country)
            status = "DELETED" if found is None else ("ACTIVE" if found.registered else "PENDING")
        else:
            described = aws.phone_number_describe(gw, phone_number_id=sender.aws_id)
            status = described.status if described is not None else "DELETED"
        Sender.objects.filter(pk=sender.pk).update(checked_at=timezone.now())
        if status == sender.status:
            continue
        # A conditional UPDATE: what AWS said replaces only the status it was compared with.
        if Sender.objects.filter(pk=sender.pk, status=sender.status).update(status=status):
            changed += 1
            if status == "ACTIVE":
                activated.add(sender.tenant_id)
    for tenant_id in sorted(activated):
        enqueue("registrations.tasks.sending_setup_task", tenant_id)
    return {"checked": len(waiting), "changed": changed, "tenants_set_up": len(activated)}


# The highest per-sender rate AWS sells (a short code's 100 parts per second, raised on
# request); a figure above it is a typing mistake.
MAX_PARTS_PER_SECOND = 1000.0


@transaction.atomic
def sender_throughput_set(
    *,
    tenant: Tenant,
    actor: User,
    sender: Sender,
    parts_per_second: float | None,
    reason: str,
) -> Sender:
    """Staff record the limit AWS raised for one sender (e.g. a 10DLC number's parts per
    second after an MPS increase request); None returns to AWS's default for its type."""
    require_reviewer(actor)
    sender = Sender.objects.select_for_update().get(pk=sender.pk, tenant=tenant)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": ["Say where AWS raised it (e.g. the support case)."]})
    if parts_per_second is not None and not 0 < parts_per_second <= MAX_PARTS_PER_SECOND:
        raise ValidationError(
            {"parts_per_second": [f"Give a figure above 0 and at most {MAX_PARTS_PER_SECOND:g}."]}
        )
    before = sender.parts_per_second_override
    sender.parts_per_second_override = parts_per_second
    sender.save(update_fields=["parts_per_second_override"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="sender.throughput",
        obj=sender,
        before={"parts_per_second": before},
        after={"parts_per_second": parts_per_second, "reason": reason},
    )
    return sender


@transaction.atomic
def vetting_score_record(
    *,
    actor: User,
    registration: Registration,
    score: int | None,
    source: str,
) -> Registration:
    """Staff record the score of a complete 10DLC brand vetting, read in AWS's console (AWS's
    API does not return it), with where they read it. The score gives the brand's 10DLC class
    (registrations.throughput); it never changes a sender's rate by itself."""
    require_reviewer(actor)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.registration_type != overlay.VETTING:
        raise ValidationError(
            {"vetting_score": ["A vetting score is recorded only on a 10DLC brand vetting."]}
        )
    if registration.status != Status.COMPLETE:
        raise ValidationError(
            {"vetting_score": ["Record the score once the vetting is complete at AWS."]}
        )
    errors: dict[str, list[str]] = {}
    if (
        score is None
        or isinstance(score, bool)
        or not isinstance(score, int)
        or not throughput.MIN_SCORE <= score <= throughput.MAX_SCORE
    ):
        errors["vetting_score"] = [
            f"Give the score as a whole number from {throughput.MIN_SCORE} to "
            f"{throughput.MAX_SCORE}, as AWS's console shows it."
        ]
    source = (source or "").strip()
    if not source:
        errors["source"] = ["Say where you read the score (e.g. AWS console, the date)."]
    elif len(source) > 200:
        errors["source"] = ["Keep where you read it to 200 characters."]
    if errors:
        raise ValidationError(errors)
    before = {"score": registration.vetting_score, "source": registration.vetting_score_source}
    registration.vetting_score = score
    registration.vetting_score_source = source
    registration.vetting_score_recorded_at = timezone.now()
    registration.save(
        update_fields=["vetting_score", "vetting_score_source", "vetting_score_recorded_at"]
    )
    audit_record(
        tenant=registration.tenant,
        actor=actor,
        action="registration.vetting_score",
        obj=registration,
        before=before,
        after={
            "score": score,
            "source": source,
            "class": throughput.ten_dlc_class(score).name,
        },
    )
    return registration
