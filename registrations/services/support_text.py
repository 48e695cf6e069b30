"""What an AWS Support case says: the short code application rendered as a document, the
case's subject and description in the terms of the console's "Service limit increase" form, the
files attached to it, and the texts of the limit increase cases."""

from __future__ import annotations

from registrations import shortcode
from registrations.aws.types import SupportFile
from registrations.models import FieldValue, Registration, SupportCase
from registrations.selectors import schema_for

MAX_ATTACHMENTS = 3  # per attachment set, as AWS documents
APPLICATION_FILE = "short-code-application.txt"


# --- What the case says -------------------------------------------------------------------------


def application_values(registration: Registration) -> dict[str, FieldValue]:
    version = registration.versions.newest()
    return {
        v.field_path: v
        for v in FieldValue.objects.filter(version=version).select_related("attachment")
    }


def value_text(values: dict[str, FieldValue], path: str) -> str:
    value = values.get(path)
    return value.display if value is not None else ""


def application_document(registration: Registration) -> bytes:
    """The completed application as a plain-text document, section by section, in the order of
    the form (attached to the case; shown to staff filing it by hand)."""
    schema = schema_for(registration)
    values = application_values(registration)
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
            answer = value_text(values, fdef.path)
            if fdef.type == "ATTACHMENT" and answer:
                answer = f"{answer} (attached to the case)"
            lines.append(f"{fdef.title or fdef.path}: {answer or '(not given)'}")
        lines.append("")
    return "\n".join(lines).encode()


def short_code_case_text(registration: Registration, reference: str) -> tuple[str, str]:
    values = application_values(registration)
    country = value_text(values, shortcode.COUNTRY) or "US"
    region = value_text(values, shortcode.REGION)
    message_type = value_text(values, shortcode.MESSAGE_TYPE).replace("_", " ").lower()
    service = value_text(values, shortcode.SERVICE_NAME) or registration.tenant.name
    hipaa = value_text(values, "useCase.hipaa") == "Yes"
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
            f"{value_text(values, 'companyInfo.website')}",
            f"How do your customers opt to receive messages from you: "
            f"{value_text(values, 'optIn.optInDescription')}",
            f"Message template: {value_text(values, 'messageSamples.messageSample1')}",
            "",
            "Use case description",
            f"Company: {value_text(values, 'companyInfo.companyName')}",
            f"Program: {service}: {value_text(values, 'useCase.programDescription')}",
            f"Expected volume: {value_text(values, 'useCase.monthlyVolume')} messages per month, "
            f"{value_text(values, 'useCase.throughputMps')} message parts per second",
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
    for value in application_values(registration).values():
        if value.attachment_id and len(files) < MAX_ATTACHMENTS:
            with value.attachment.file.open("rb") as handle:
                files.append(SupportFile(value.attachment.original_name, handle.read()))
    return files


LIMIT_TEXT = {
    # The console's form asks for the Region in its Requests section (seed 001).
    SupportCase.Kind.SPEND_LIMIT: (
        "Monthly SMS spend limit increase to {value} USD",
        "Quota type: Pinpoint SMS\nRegion: {region}\nResource type: General Limits\nQuota: "
        "Account Spend Threshold Increase\nNew quota value: {value} (USD per month)",
    ),
    # "Provide your short code phone number, requested MPS, use case description, and expected
    # peak volume" (seed 000, step 5): the number whose throughput is raised.
    SupportCase.Kind.MPS: (
        "SMS messages per second increase to {value} for {number}",
        "Quota type: Pinpoint SMS\nRegion: {region}\nPhone number: {number}\nQuota: Message "
        "parts per second\nNew quota value: {value}",
    ),
    SupportCase.Kind.QUOTA: (
        "End User Messaging quota increase: {quota} to {value}",
        "Quota type: Pinpoint SMS\nQuota: {quota}\nNew quota value: {value}",
    ),
    # Moving from the SMS sandbox to production (seed 001): a service limit increase, per
    # Region, resource type General Limits, quota SMS Production Access, new value 1.
    SupportCase.Kind.PRODUCTION_ACCESS: (
        "SMS production access in {region}",
        "Quota type: Pinpoint SMS\nRegion: {region}\nResource type: General Limits\n"
        "Quota: SMS Production Access\nNew quota value: 1",
    ),
}
