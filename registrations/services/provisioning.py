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


def sender_record_number(*, registration: Registration, number: dict, number_type: str) -> Sender:
    """The portal's record of a number AWS gave for a registration (idempotent)."""
    sender, _ = Sender.objects.get_or_create(
        tenant_id=registration.tenant_id,
        aws_id=number["id"],
        defaults={
            "registration": registration,
            "kind": Sender.Kind.PHONE_NUMBER,
            "value": number["number"],
            "iso_country": "US",
            "number_type": number_type,
            "aws_arn": number["arn"],
            "status": number["status"],
        },
    )
    return sender


def registration_provision(*, registration_id: int) -> list[Sender]:
    registration = Registration.objects.select_related("tenant").get(pk=registration_id)
    if registration.status != Status.COMPLETE:
        return []
    gw = Gateway.for_registration(registration)
    if registration.registration_type == overlay.CAMPAIGN and not registration.senders.exists():
        number = gw.request_phone_number(
            country="US",
            number_type="TEN_DLC",
            registration_id=registration.aws_registration_id,
            client_token=f"portal-10dlc-{registration.pk}",
        )
        sender_record_number(registration=registration, number=number, number_type="TEN_DLC")
    for sender in registration.senders.filter(kind=Sender.Kind.PHONE_NUMBER):
        described = gw.call("DescribePhoneNumbers", PhoneNumberIds=[sender.aws_id])["PhoneNumbers"]
        if described and described[0]["Status"] != sender.status:
            sender.status = described[0]["Status"]
            sender.save(update_fields=["status"])
    return list(registration.senders.all())
