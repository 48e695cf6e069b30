"""Where each kind of value lives, per registration family, as field paths of the catalog
(registration-field-catalog.json). No public source gives the US short code form's paths; the
ones here are those of the sandbox's synthetic form, built from the short-code application
fields of the AWS Messaging blog (sandbox/README.md), and change with it."""

from __future__ import annotations

from compliance.preflight.engine import Draft

SAMPLE_PREFIX = "messageSamples.messageSample"

OPT_IN_TEXT = {
    "tfn": "messagingUseCase.optInDescription",
    "campaign": "campaignInfo.optInWorkflow",
    "short_code": "optIn.optInDescription",
    "sender_id": "messagingUseCase.optInDescription",
}
PRIVACY_URL = {
    "tfn": "messagingUseCase.privacyPolicyUrl",
    "campaign": "campaignInfo.privacyPolicyLink",
    "short_code": "optIn.privacyPolicyUrl",
}
TERMS_URL = {
    "tfn": "messagingUseCase.termsAndConditionsUrl",
    "campaign": "campaignInfo.termsAndConditionsLink",
    "short_code": "optIn.termsAndConditionsUrl",
}
PRIVACY_FILE = {"campaign": "campaignInfo.privacyPolicyFile"}
TERMS_FILE = {"campaign": "campaignInfo.termsAndConditionsFile"}
OPT_IN_IMAGE = {
    "tfn": "messagingUseCase.optInImage",
    "campaign": "campaignInfo.optInScreenshot",
    "short_code": "optIn.optInMockup",
}
WEBSITE = {
    "tfn": "companyInfo.website",
    "brand": "contactInfo.website",
    "sender_id": "companyInfo.website",
    "short_code": "companyInfo.website",
}
SUPPORT_EMAIL = {
    "tfn": "contactInfo.supportEmail",
    "brand": "contactInfo.supportEmail",
    "sender_id": "contactInfo.emailAddress",
    "short_code": "customerCare.careEmail",
}
SUPPORT_PHONE = {
    "tfn": "contactInfo.supportPhoneNumber",
    "brand": "contactInfo.supportPhoneNumber",
    "sender_id": "contactInfo.phoneNumber",
    "short_code": "customerCare.carePhoneNumber",
}
COUNTRY = {
    "tfn": "companyInfo.isoCountryCode",
    "brand": "companyInfo.isoCountryCode",
    "sender_id": "companyAddress.isoCountryCode",
    "short_code": "companyInfo.isoCountryCode",
}
USE_CASE = {
    "tfn": "messagingUseCase.useCaseCategory",
    "campaign": "campaignUseCase.useCase",
    "sender_id": "messagingUseCase.useCaseCategory",
    "short_code": "useCase.messageTypes",
}
USE_CASE_TEXT = {
    "tfn": "messagingUseCase.useCaseDetails",
    "campaign": "campaignInfo.campaignName",
    "sender_id": "messagingUseCase.useCaseDescription",
    "short_code": "useCase.companyOverview",
}
HELP_MESSAGE = "campaignInfo.helpMessage"
STOP_MESSAGE = "campaignInfo.stopMessage"
OPT_IN_MESSAGE = "campaignInfo.optInMessage"
# The keyword replies per family (the short code form's are registered with the carriers too).
HELP_REPLY = {"campaign": HELP_MESSAGE, "short_code": "keywordResponses.helpMessage"}
STOP_REPLY = {"campaign": STOP_MESSAGE, "short_code": "keywordResponses.stopMessage"}
CONFIRMATION = {"campaign": OPT_IN_MESSAGE, "short_code": "keywordResponses.confirmationMessage"}
# Other free texts that describe the program, where a form has them.
DESCRIPTIONS = ("useCase.description",)


def samples(draft: Draft) -> list[tuple[str, str]]:
    """(path, text) of every non-empty sample message, in order."""
    return [(p, draft.text(p)) for p in draft.paths_with_prefix(SAMPLE_PREFIX)]


def content_texts(draft: Draft) -> list[tuple[str, str]]:
    """Every free text that describes what will be sent: samples, use case, opt-in text."""
    out = samples(draft)
    for mapping in (USE_CASE_TEXT, OPT_IN_TEXT, HELP_REPLY, STOP_REPLY, CONFIRMATION):
        path = mapping.get(draft.family)
        if path and draft.text(path):
            out.append((path, draft.text(path)))
    for path in ("campaignUseCase.embeddedLinkSample", *DESCRIPTIONS):
        if draft.text(path):
            out.append((path, draft.text(path)))
    return out


def get(mapping: dict[str, str], draft: Draft) -> str | None:
    return mapping.get(draft.family)
