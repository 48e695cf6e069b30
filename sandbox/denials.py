"""What the review checks look at per registration type, and the denial texts they use.

The version-level texts are the documented rejection reasons (toll-free rejection reasons, 10DLC
campaign rejection reasons, common opt-in rejection causes) from the AWS SMS user guide.
"""

from __future__ import annotations

DOC_CRITERIA = (
    "Registration review criteria",
    "https://docs.aws.amazon.com/sms-voice/latest/userguide/registration-help-review-criteria.html",
)
DOC_STATUS = (
    "Check your registration status",
    "https://docs.aws.amazon.com/sms-voice/latest/userguide/registrations-status.html",
)
TYPES = {
    "US_TOLL_FREE_REGISTRATION": {
        "company": ["companyInfo.companyName"],
        "website": "companyInfo.website",
        "emails": ["contactInfo.supportEmail"],
        "samples": "messageSamples.messageSample",
        "every_sample": True,
        "optin": "messagingUseCase.optInDescription",
        "use_case": "messagingUseCase.useCaseDetails",
        "family": "TFN",
    },
    "US_TEN_DLC_BRAND_REGISTRATION": {
        "company": ["companyInfo.companyName", "contactInfo.dbaName"],
        "website": "contactInfo.website",
        "emails": ["contactInfo.supportEmail", "companyInfo.businessContactEmail"],
        "family": "10DLC",
    },
    "US_TEN_DLC_CAMPAIGN_REGISTRATION": {
        "samples": "messageSamples.messageSample",
        "every_sample": False,
        "sample_opt_out": True,
        "optin": "campaignInfo.optInWorkflow",
        "help": "campaignInfo.helpMessage",
        "stop": "campaignInfo.stopMessage",
        "attestations": True,
        "family": "10DLC",
    },
}
for _name in ("GB", "ID", "IN", "SG"):
    TYPES[f"{_name}_SENDER_ID_REGISTRATION"] = {
        "company": ["companyInfo.companyName"],
        "website": "companyInfo.website",
        "emails": ["contactInfo.emailAddress"],
        "samples": "messageSamples.messageSample",
        "every_sample": False,
        "sender_id": "senderIdInfo.senderId",
        "family": "SID",
    }

# (version-level reason per family) for each kind of finding
REASONS = {
    "brand": {
        "TFN": (
            "Invalid Overall",
            "Please ensure your company website, use case, opt-in, "
            "and message samples are all valid inputs and align with other inputs.",
        ),
        "default": (
            "Company and message samples are inconsistent or missing message samples.",
            "Every sample message must identify the brand.",
        ),
    },
    "opt_in": {
        "TFN": (
            "Non Compliant Opt In",
            "The opt-in workflow is either insufficient or non compliant.",
        ),
        "default": (
            "Opt-in process not compliant or opt-in isn't explicit.",
            "The opt-in description must show every required disclosure.",
        ),
    },
    "third_party": {
        "default": (
            "Non Compliant Opt In Third Party",
            "Opt-in is non compliant due to opt-in information being shared with 3rd parties.",
        )
    },
    "email": {
        "TFN": (
            "Invalid Business Connection",
            "The contact information and company information do not have a clear connection.",
        ),
        "default": (
            "Unofficial email domain for what appears to be large company that "
            "would have an official domain.",
            "Use an email address on the company's own domain.",
        ),
    },
    "website": {
        "TFN": ("Invalid URL", "The company URL you provided is unable to be accessed."),
        "default": (
            "Website not provided or not working.",
            "Provide a public website that the reviewer can open.",
        ),
    },
    "content": {
        "TFN": (
            "Non Compliant Use Case",
            "The use case and/or message samples provided "
            "are considered restricted content under US Telecom regulations.",
        ),
        "default": (
            "Restricted or disallowed content.",
            "The use case or message samples contain prohibited content.",
        ),
    },
    "samples": {
        "default": (
            "Use case and message samples are inconsistent.",
            "Message samples "
            "must be representative, at least 20 characters, without generic "
            "link shorteners, and one must show opt-out language.",
        )
    },
    "attestation": {
        "default": (
            "Campaign Attributes don't match the website, sample message content, or both.",
            "Content attributes (embedded link, "
            "embedded phone, direct lending) must match the samples.",
        )
    },
    "keywords": {
        "default": (
            "HELP or STOP response not compliant.",
            "HELP needs the brand and "
            "a contact; STOP needs the brand and a no-more-messages "
            "confirmation; both 20-160 characters.",
        )
    },
    "sender_id": {
        "default": (
            "Sender ID not tied to the brand.",
            "Generic or numeric-only sender IDs are not accepted.",
        )
    },
}
