"""After COMPLETE: the identity the registration provides, per type.

Toll-free: the number requested before submitting turns ACTIVE. 10DLC campaign: a number is
requested with the campaign's RegistrationId. Sender IDs are provisioned by AWS on approval.
The tenant's sending setup (pool, opt-out list, configuration set, keywords, country rules)
comes with the sending API.
"""

from __future__ import annotations

from registrations import overlay
from registrations.aws import operations as aws
from registrations.aws.gateway import Gateway
from registrations.aws.types import PhoneNumber
from registrations.models import Registration, Sender
from registrations.states import Status

PHONE_NUMBER_TYPES = {"TOLL_FREE", "TEN_DLC", "SHORT_CODE", "LONG_CODE", "SIMULATOR"}


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
        number = aws.phone_number_request(
            gw,
            country="US",
            number_type="TEN_DLC",
            registration_id=rid,
            client_token=f"portal-10dlc-{registration.pk}",
        )
        sender_record_number(registration=registration, number=number, number_type="TEN_DLC")
    known = {s.aws_id for s in registration.senders.all()} | {
        s.value for s in registration.senders.all()
    }
    for association in aws.registration_associations_list(gw, registration_id=rid):
        resource_id, kind = association.resource_id, association.resource_type
        if resource_id in known or association.phone_number in known:
            continue
        if kind == "SENDER_ID":
            Sender.objects.get_or_create(
                tenant_id=registration.tenant_id,
                aws_id=resource_id,
                defaults={
                    "registration": registration,
                    "kind": Sender.Kind.SENDER_ID,
                    "value": resource_id,
                    "iso_country": association.country,
                    "status": "ACTIVE",
                },
            )
        elif kind in PHONE_NUMBER_TYPES:
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
