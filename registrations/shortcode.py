"""The short code application: a registration form the portal keeps itself.

AWS issues short codes through an AWS Support case ("Service limit increase", quota type Pinpoint
SMS, resource type Dedicated SMS Short Codes; one case per country and use case), not through a
registration type, so there is no definition to read from AWS. This module is the portal's own
definition of the application, built from AWS's published short code guidance (the
"Requesting short codes" pages and the US short code guide): company, contacts, customer care,
the short code service (country, AWS Region, message type, random or vanity), the use case
(program, message types, frequency, volume and throughput, HIPAA), samples, the opt-in flow and
its mock-ups, terms and privacy links, and the exact keyword responses.

It is versioned: `VERSION` goes into the stored definition, so a change here reaches the catalog
(and flags drafts) like a change AWS makes to one of its forms. It is offered only while AWS's
catalog has no short code type of its own (`catalog_with_short_code`); when AWS publishes one, that
type is used instead.
"""

from __future__ import annotations

from registrations.schema import FieldDef, SectionDef, TypeHeader

NAME = "PORTAL_SHORT_CODE_APPLICATION"
VERSION = 1
SOURCE = (
    f"The portal's short code application (version {VERSION}), from AWS's short code guidance; "
    "it is sent to AWS Support as a document attached to the case."
)
NON_BLANK = r"^(?=\s*\S)[\s\S]+$"

SECTIONS = (
    ("companyInfo", "Company", "The business that owns the opt-in data and the messages."),
    ("primaryContact", "Primary contact", "Used in vetting, domain validation and audits."),
    ("customerCare", "Customer care", "Actively monitored support contact points."),
    ("shortCodeService", "Short code", "Country, AWS Region, message type and the code wanted."),
    ("useCase", "Use case", "The program, its message types, frequency, volume and HIPAA need."),
    ("messageSamples", "Message samples", "At least one sample per message type."),
    ("optIn", "Opt-in", "How people sign up, with a mock-up; the terms and privacy links."),
    ("keywordResponses", "Keywords and responses", "The opt-in keyword and the exact replies."),
)


def _text(path, title, desc, required="REQUIRED", max_len=100, min_len=1, pattern=NON_BLANK):
    return FieldDef(
        path=path,
        section=path.split(".")[0],
        type="TEXT",
        requirement=required,
        min_length=min_len,
        max_length=max_len,
        pattern=pattern,
        title=title,
        short_description=desc,
        long_description=SOURCE,
    )


def _select(path, title, desc, options, required="REQUIRED", max_choices=1, titles=None):
    return FieldDef(
        path=path,
        section=path.split(".")[0],
        type="SELECT",
        requirement=required,
        min_choices=1,
        max_choices=max_choices,
        options=tuple(options),
        option_titles=titles or {},
        title=title,
        short_description=desc,
        long_description=SOURCE,
    )


def _attachment(path, title, desc, required="REQUIRED"):
    return FieldDef(
        path=path,
        section=path.split(".")[0],
        type="ATTACHMENT",
        requirement=required,
        title=title,
        short_description=desc,
        long_description=SOURCE,
    )


def _when(fdef: FieldDef, depends_on: str, values: list[str]) -> FieldDef:
    # The same rule document the catalog keeps for AWS's conditional fields (schema.py).
    rule = {
        "Rules": [
            {
                "Conditions": [
                    {"DependsOnFieldPath": depends_on, "Operator": "IN", "Values": values}
                ],
                "RuleBehavior": "REQUIRED",
            }
        ],
        "DefaultBehavior": "OPTIONAL",
    }
    return FieldDef(**{**fdef.to_json(), "requirement": "CONDITIONAL", "conditional": rule})


def fields() -> list[FieldDef]:
    samples = [
        _text(
            f"messageSamples.messageSample{i}",
            f"Message sample {i}",
            "Starts with the service name; 160 characters or less.",
            "REQUIRED" if i <= 3 else "OPTIONAL",
            max_len=160,
        )
        for i in range(1, 6)
    ]
    digits = r"^[0-9]{1,9}$"
    return [
        _text("companyInfo.companyName", "Company name", "Legal name of the company."),
        _text("companyInfo.taxId", "Tax ID", "Company tax ID (EIN in the US).", max_len=30),
        _text("companyInfo.address1", "Address", "Street address of the headquarters."),
        _text("companyInfo.city", "City", "City of the headquarters."),
        _text("companyInfo.state", "State", "State or province.", max_len=50),
        _text("companyInfo.zipCode", "ZIP code", "Postal code.", max_len=20),
        _text(
            "companyInfo.isoCountryCode",
            "Company country",
            "Two-letter ISO country code.",
            max_len=2,
            min_len=2,
            pattern="^[A-Z]{2}$",
        ),
        _text("companyInfo.website", "Company URL", "Public website of the company."),
        _text("primaryContact.firstName", "First name", "Primary contact first name."),
        _text("primaryContact.lastName", "Last name", "Primary contact last name."),
        _text("primaryContact.email", "Email", "Primary contact email."),
        _text("primaryContact.phoneNumber", "Phone number", "E.164 phone number.", max_len=20),
        _text("customerCare.careUrl", "Customer care URL", "Page with support contacts."),
        _text(
            "customerCare.careEmail",
            "Customer care email",
            "Shared mailbox on the company's domain.",
        ),
        _text(
            "customerCare.carePhoneNumber", "Customer care phone", "A US phone number.", max_len=20
        ),
        _text(
            "shortCodeService.countryCode",
            "Country of the short code",
            "A short code only sends to its own country; one request per country.",
            max_len=2,
            min_len=2,
            pattern="^[A-Z]{2}$",
        ),
        _text(
            "shortCodeService.awsRegion",
            "AWS Region",
            "The Region the short code is used in; it cannot be moved later.",
            max_len=25,
            pattern=r"^[a-z]{2}(-[a-z]+)+-[0-9]$",
        ),
        _select(
            "shortCodeService.messageType",
            "Type of messages",
            "One request per use case: one-time passwords, promotional or transactional.",
            ["ONE_TIME_PASSWORD", "PROMOTIONAL", "TRANSACTIONAL"],
            titles={
                "ONE_TIME_PASSWORD": "One-time passwords",
                "PROMOTIONAL": "Promotional",
                "TRANSACTIONAL": "Transactional",
            },
        ),
        _select(
            "shortCodeService.shortCodeOption",
            "Short code option",
            "Random 5-6 digit code or a vanity code.",
            ["RANDOM", "VANITY"],
        ),
        _when(
            _text(
                "shortCodeService.vanityShortCode",
                "Vanity short code",
                "The requested numeric vanity code.",
                max_len=6,
                min_len=5,
                pattern="^[0-9]{5,6}$",
            ),
            "shortCodeService.shortCodeOption",
            ["VANITY"],
        ),
        _text(
            "useCase.companyOverview",
            "Company overview",
            "Who you are and what you do.",
            max_len=1000,
        ),
        _text(
            "useCase.serviceName",
            "Service name",
            "Recognisable brand name put at the start of every message.",
            max_len=30,
        ),
        _text(
            "useCase.programDescription",
            "Program description",
            "What subscribers receive, in one or two sentences.",
            max_len=1000,
        ),
        _select(
            "useCase.messageTypes",
            "Message types",
            "Each type needs samples and consent.",
            [
                "ACCOUNT_NOTIFICATIONS",
                "ONE_TIME_PASSWORDS",
                "PROMOTIONAL",
                "CUSTOMER_CARE",
                "DELIVERY_NOTIFICATIONS",
            ],
            max_choices=5,
        ),
        _select(
            "useCase.specialUse",
            "Sweepstakes or debt collection",
            "Special uses that need extra documents.",
            ["NOT_APPLICABLE", "SWEEPSTAKES_OR_CONTEST", "DEBT_COLLECTION"],
        ),
        _text(
            "useCase.messageFrequency",
            "Per-user message frequency",
            "For example 1 message per login.",
            max_len=100,
        ),
        _text(
            "useCase.monthlyVolume",
            "Expected messages per month",
            "All recipients together, in message parts.",
            max_len=9,
            pattern=digits,
        ),
        _text(
            "useCase.throughputMps",
            "Throughput needed (parts per second)",
            "US short codes carry 100 parts per second by default.",
            max_len=5,
            pattern=r"^[0-9]{1,5}$",
        ),
        _select(
            "useCase.hipaa",
            "Protected health information",
            "Will or may messages contain PHI as defined by HIPAA?",
            ["Yes", "No"],
        ),
        _select(
            "useCase.mmsRequested",
            "MMS requested",
            "MMS must be requested up front.",
            ["Yes", "No"],
        ),
        *samples,
        _when(
            _attachment(
                "messageSamples.mmsSample",
                "MMS sample",
                "At least one MMS sample when MMS is requested.",
                "OPTIONAL",
            ),
            "useCase.mmsRequested",
            ["Yes"],
        ),
        _select(
            "optIn.optInMethods",
            "Opt-in methods",
            "A mockup is needed for each method.",
            ["KEYWORD", "WEBSITE_OR_APP", "PHONE_OR_IN_PERSON", "PAPER_FORM", "OTHER"],
            max_choices=5,
        ),
        _text(
            "optIn.optInDescription",
            "User experience flow",
            "Where and how users opt in, with every required disclosure.",
            max_len=2048,
        ),
        _attachment("optIn.optInMockup", "Opt-in mockup", "Screenshot, script or form."),
        _text(
            "optIn.termsAndConditionsUrl",
            "Terms and conditions URL",
            "Public SMS terms.",
            max_len=500,
        ),
        _text(
            "optIn.privacyPolicyUrl", "Privacy policy URL", "Public privacy policy.", max_len=500
        ),
        _text(
            "keywordResponses.optInKeyword",
            "Opt-in keyword",
            "The word people text to confirm (double opt-in), for example YES.",
            max_len=20,
            pattern="^[A-Za-z0-9]{2,20}$",
        ),
        _text(
            "keywordResponses.confirmationMessage",
            "Confirmation message",
            "The reply to the opt-in keyword: service name, rates, frequency, HELP and STOP.",
            max_len=160,
        ),
        _text(
            "keywordResponses.helpMessage",
            "HELP response",
            "Brand and a support contact; 20-160 characters.",
            max_len=160,
        ),
        _text(
            "keywordResponses.stopMessage",
            "STOP response",
            "Brand and no-more-messages confirmation; 20-160 characters.",
            max_len=160,
        ),
    ]


def definition() -> dict:
    """The application in the form the catalog stores a type in."""
    header = TypeHeader(registration_type=NAME, title="Short code application")
    return {
        "definition": {**header.to_json(), "portal_definition_version": VERSION},
        "sections": [SectionDef(p, t, d).to_json() for p, t, d in SECTIONS],
        "fields": [f.to_json() for f in fields()],
    }


def offers_short_codes(item: dict) -> bool:
    """Whether a stored type definition (AWS's) provides short codes."""
    return any(a.get("resource_type") == "SHORT_CODE" for a in item["definition"]["associations"])


def catalog_with_short_code(definitions: dict[str, dict]) -> dict[str, dict]:
    """AWS's definitions, plus the portal's application when AWS offers no short code type."""
    if any(offers_short_codes(item) for item in definitions.values()):
        return definitions
    return {**definitions, NAME: definition()}


def short_code_type(definitions: dict[str, dict]) -> str | None:
    """The registration type short codes are applied for with, among stored definitions
    ({name: {"definition": …}}): AWS's own when its catalog has one, else the portal's
    application (None when neither is there)."""
    for name, item in sorted(definitions.items()):
        if name != NAME and offers_short_codes(item):
            return name
    return NAME if NAME in definitions else None


def is_application(registration_type: str) -> bool:
    """Whether registrations of this type go to AWS as a Support case (the portal's form)."""
    return registration_type == NAME


# Answers of the application: which field says what (the Support case and the sender use them).
COUNTRY = "shortCodeService.countryCode"
REGION = "shortCodeService.awsRegion"
MESSAGE_TYPE = "shortCodeService.messageType"
SERVICE_NAME = "useCase.serviceName"
OPT_IN_KEYWORD = "keywordResponses.optInKeyword"
CONFIRMATION = "keywordResponses.confirmationMessage"
HELP = "keywordResponses.helpMessage"
STOP = "keywordResponses.stopMessage"


def prefill(*, profile, program, region: str) -> dict[str, str]:
    """Answers the business profile and the SMS program give beyond what the profile's common
    names (company, address, tax ID, contact names) already fill: contacts, customer care, the
    program and the short code's country and AWS Region."""
    values: dict[str, str] = {REGION: region}
    if profile is not None:
        values.update(
            {
                "primaryContact.email": profile.contact_email,
                "primaryContact.phoneNumber": profile.contact_phone or profile.support_phone,
                "customerCare.careEmail": profile.support_email,
                "customerCare.carePhoneNumber": profile.support_phone,
                "customerCare.careUrl": profile.website,
                COUNTRY: profile.country or "US",
                SERVICE_NAME: profile.dba_name or profile.legal_name,
            }
        )
    if program is not None:
        values.update(
            {
                SERVICE_NAME: program.program_name or values.get(SERVICE_NAME, ""),
                "useCase.programDescription": program.description,
                "useCase.messageFrequency": program.message_frequency,
            }
        )
    return {path: value for path, value in values.items() if value}
