"""After COMPLETE: the identity the registration provides, per type.

Toll-free: the number requested before submitting turns ACTIVE. 10DLC campaign: a number is
requested with the campaign's RegistrationId. Sender IDs are provisioned by AWS on approval.
The tenant's sending setup (pool, opt-out list, configuration set, keywords, country rules)
comes with the sending API.
"""

from __future__ import annotations

from registrations import overlay
from registrations.aws import Gateway
from registrations.models import Registration, Sender
from registrations.states import Status

PHONE_NUMBER_TYPES = {"TOLL_FREE", "TEN_DLC", "SHORT_CODE", "LONG_CODE", "SIMULATOR"}


def sender_record_number(*, registration: Registration, number: dict, number_type: str) -> Sender:
    """The portal's record of a number AWS gave for a registration (idempotent)."""
    sender, _ = Sender.objects.get_or_create(
        tenant_id=registration.tenant_id,
        aws_id=number["id"],
        defaults={
            "registration": registration,
            "kind": Sender.Kind.PHONE_NUMBER,
            "value": number["number"],
            "iso_country": number.get("country") or "US",
            "number_type": number_type,
            "aws_arn": number.get("arn", ""),
            "status": number["status"],
        },
    )
    return sender


def registration_provision(*, registration_id: int) -> list[Sender]:
    """Records and refreshes the identities of a COMPLETE registration; safe to repeat."""
    registration = Registration.objects.select_related("tenant").get(pk=registration_id)
    if registration.status != Status.COMPLETE:
        return []
    gw = Gateway.for_registration(registration)
    rid = registration.aws_registration_id
    if registration.registration_type == overlay.CAMPAIGN and not registration.senders.exists():
        number = gw.request_phone_number(
            country="US",
            number_type="TEN_DLC",
            registration_id=rid,
            client_token=f"portal-10dlc-{registration.pk}",
        )
        sender_record_number(registration=registration, number=number, number_type="TEN_DLC")
    known = {s.aws_id for s in registration.senders.all()} | {
        s.value for s in registration.senders.all()
    }
    for association in gw.associations(rid):
        resource_id, kind = association["resource_id"], association["resource_type"]
        if resource_id in known or association["phone_number"] in known:
            continue
        if kind == "SENDER_ID":
            Sender.objects.get_or_create(
                tenant_id=registration.tenant_id,
                aws_id=resource_id,
                defaults={
                    "registration": registration,
                    "kind": Sender.Kind.SENDER_ID,
                    "value": resource_id,
                    "iso_country": association["country"],
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
                    "value": association["phone_number"] or resource_id,
                    "iso_country": association["country"],
                    "number_type": kind,
                    "status": "PENDING",
                },
            )
    for sender in registration.senders.filter(kind=Sender.Kind.PHONE_NUMBER):
        described = gw.call("DescribePhoneNumbers", PhoneNumberIds=[sender.aws_id])["PhoneNumbers"]
        if described and described[0]["Status"] != sender.status:
            sender.status = described[0]["Status"]
            sender.save(update_fields=["status"])
    return list(registration.senders.all())
