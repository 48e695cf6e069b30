"""A synthetic ``US_SHORT_CODE_REGISTRATION`` type.

AWS has a console form for US short codes but publishes no registration type name or field
paths. This definition is built from the short-code application fields described in the seeds
(company, primary contact, customer care, service, use case, opt-in, HELP/STOP/confirmation
texts) and says so in every display hint, so that nobody mistakes it for AWS's form.
"""

from __future__ import annotations

NAME = "US_SHORT_CODE_REGISTRATION"
SYNTHETIC = "SYNTHETIC: field paths invented by the sandbox; AWS publishes no short code form."
NON_BLANK = "^(?=\\s*\\S)[\\s\\S]+$"

SECTIONS = [
    ("companyInfo", "Company info", "Legal identity of the business that owns the opt-in data."),
    ("primaryContact", "Primary contact", "Used in vetting, domain validation and audits."),
    ("customerCare", "Customer care", "Actively monitored support contact points."),
    ("shortCodeService", "Short code service", "Random or vanity code and its AWS Region."),
    ("useCase", "Use case", "Service name, message types, frequency and special uses."),
    ("messageSamples", "Message samples", "At least one sample per message type."),
    ("optIn", "Opt-in", "How users sign up, with a mockup for each method."),
    ("keywordResponses", "Keyword responses", "Confirmation, HELP and STOP texts."),
]


def _text(path, title, desc, required="REQUIRED", max_len=100, min_len=1, pattern=NON_BLANK):
    return {
        "SectionPath": path.split(".")[0],
        "FieldPath": path,
        "FieldType": "TEXT",
        "FieldRequirement": required,
        "TextValidation": {"MinLength": min_len, "MaxLength": max_len, "Pattern": pattern},
        "DisplayHints": {"Title": title, "ShortDescription": desc, "LongDescription": SYNTHETIC},
    }


def _select(path, title, desc, options, required="REQUIRED", max_choices=1):
    return {
        "SectionPath": path.split(".")[0],
        "FieldPath": path,
        "FieldType": "SELECT",
        "FieldRequirement": required,
        "SelectValidation": {"MinChoices": 1, "MaxChoices": max_choices, "Options": options},
        "DisplayHints": {"Title": title, "ShortDescription": desc, "LongDescription": SYNTHETIC},
    }


def _attachment(path, title, desc, required="REQUIRED"):
    return {
        "SectionPath": path.split(".")[0],
        "FieldPath": path,
        "FieldType": "ATTACHMENT",
        "FieldRequirement": required,
        "DisplayHints": {"Title": title, "ShortDescription": desc, "LongDescription": SYNTHETIC},
    }


def _when(field: dict, depends_on: str, values: list[str]) -> dict:
    field["FieldRequirement"] = "CONDITIONAL"
    field["ConditionalBehavior"] = {
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
    return field


def fields() -> list[dict]:
    samples = [
        _text(
            f"messageSamples.messageSample{i}",
            f"Message sample {i}",
            "Starts with the service name; 160 characters or less.",
            "REQUIRED" if i == 1 else "OPTIONAL",
            max_len=160,
        )
        for i in range(1, 6)
    ]
    return [
        _text("companyInfo.companyName", "Company name", "Legal name of the company."),
        _text("companyInfo.taxId", "Tax ID", "Company tax ID (EIN in the US).", max_len=30),
        _text("companyInfo.address1", "Address", "Street address of the headquarters."),
        _text("companyInfo.city", "City", "City of the headquarters."),
        _text("companyInfo.state", "State", "State or province.", max_len=50),
        _text("companyInfo.zipCode", "ZIP code", "Postal code.", max_len=20),
        _text(
            "companyInfo.isoCountryCode",
            "Country",
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
            "keywordResponses.confirmationMessage",
            "Confirmation message",
            "Service name, rates, frequency, HELP and STOP; 20-160 characters.",
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


def registration_type() -> dict:
    return {
        "RegistrationType": NAME,
        "SupportedAssociations": [
            {
                "ResourceType": "SHORT_CODE",
                "IsoCountryCode": "US",
                "AssociationBehavior": "ASSOCIATE_ON_APPROVAL",
                "DisassociationBehavior": "DISASSOCIATE_ALL_CLOSES_REGISTRATION",
            }
        ],
        "DisplayHints": {
            "Title": "US short code registration (synthetic)",
            "ShortDescription": "Dedicated US short code application.",
            "LongDescription": SYNTHETIC,
        },
        "Sections": [
            {
                "SectionPath": p,
                "DisplayHints": {"Title": t, "ShortDescription": d, "LongDescription": SYNTHETIC},
            }
            for p, t, d in SECTIONS
        ],
        "Fields": fields(),
    }
