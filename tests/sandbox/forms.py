"""Registration forms filled carefully (they pass review) and carelessly (they are denied)."""

from __future__ import annotations

import io

from PIL import Image


def _png() -> bytes:
    # A real (tiny) PNG: the portal reads an image's header before it accepts the file.
    out = io.BytesIO()
    Image.new("RGB", (640, 8), "white").save(out, format="PNG")
    return out.getvalue()


PNG = _png()
PDF = b"%PDF-1.4\n%sandbox\n"

OPT_IN = (
    "Customers of Example Corp opt in on https://www.example.com/sms by entering their number and "
    "ticking an unchecked box that reads: I agree to receive account alerts from Example Corp. "
    "Message frequency varies, about 4 messages per month. Message and data rates may apply. "
    "Reply HELP for help, reply STOP to opt out. Terms: https://www.example.com/terms, privacy "
    "policy: https://www.example.com/privacy. Opt-in data is never shared with third parties."
)

TFN_GOOD = {
    "companyInfo.companyName": "Example Corp",
    "companyInfo.website": "https://www.example.com",
    "companyInfo.address1": "1 Main Street",
    "companyInfo.city": "Seattle",
    "companyInfo.state": "WA",
    "companyInfo.zipCode": "98101",
    "companyInfo.isoCountryCode": "US",
    "companyInfo.businessType": ["PRIVATE_PROFIT"],
    "companyInfo.taxId": "12-3456789",
    "companyInfo.taxIdAuthority": ["EIN"],
    "companyInfo.taxIdCountry": "US",
    "contactInfo.firstName": "Ada",
    "contactInfo.lastName": "Lovelace",
    "contactInfo.supportEmail": "ada@example.com",
    "contactInfo.supportPhoneNumber": "+12065550199",
    "messagingUseCase.monthlyMessageVolume": ["1,000"],
    "messagingUseCase.useCaseCategory": ["ACCOUNT_NOTIFICATIONS"],
    "messagingUseCase.useCaseDetails": "Example Corp sends account alerts to its customers.",
    "messagingUseCase.optInType": ["DIGITAL_FORM"],
    "messagingUseCase.optInDescription": OPT_IN,
    "messagingUseCase.privacyPolicyUrl": "https://www.example.com/privacy",
    "messagingUseCase.termsAndConditionsUrl": "https://www.example.com/terms",
    "messageSamples.messageSample1": (
        "Example Corp: your statement is ready. Reply STOP to opt out."
    ),
}

# The careless version: samples without the brand, a thin opt-in, a free-mail contact.
TFN_CARELESS = {
    **TFN_GOOD,
    "contactInfo.supportEmail": "ada.lovelace@gmail.com",
    "messagingUseCase.optInDescription": "Users sign up on our website.",
    "messageSamples.messageSample1": "Your statement is ready, see bit.ly/abc123",
}

BRAND_GOOD = {
    "companyInfo.companyName": "Example Corp",
    "companyInfo.taxIdIssuingCountry": "US",
    "companyInfo.taxId": "123456789",
    "companyInfo.legalType": ["PRIVATE_PROFIT"],
    "companyInfo.address": "1 Main Street",
    "companyInfo.city": "Seattle",
    "companyInfo.state": "WA",
    "companyInfo.zipCode": "98101",
    "companyInfo.isoCountryCode": "US",
    "contactInfo.dbaName": "Example",
    "contactInfo.vertical": ["TECHNOLOGY"],
    "contactInfo.website": "https://www.example.com",
    "contactInfo.supportEmail": "support@example.com",
    "contactInfo.supportPhoneNumber": "+12065550199",
}

CAMPAIGN_GOOD = {
    "campaignInfo.campaignName": "Example Corp account alerts for the customers of its app",
    "campaignInfo.vertical": ["TECHNOLOGY"],
    "campaignInfo.optInWorkflow": OPT_IN,
    "campaignInfo.optInMessage": "Example Corp: you are subscribed to alerts. Msg & data rates "
    "may apply. Reply HELP for help, STOP to cancel.",
    "campaignInfo.helpMessage": "Example Corp alerts: help at support@example.com or call "
    "+12065550199.",
    "campaignInfo.stopMessage": "Example Corp: you are unsubscribed and will receive no more "
    "messages.",
    "campaignCapabilities.numberCapabilities": ["SMS"],
    "campaignUseCase.useCase": ["ACCOUNT_NOTIFICATION"],
    "campaignUseCase.subscriberOptIn": ["Yes"],
    "campaignUseCase.subscriberOptOut": ["Yes"],
    "campaignUseCase.subscriberHelp": ["Yes"],
    "campaignUseCase.directLending": ["No"],
    "campaignUseCase.embeddedLink": ["No"],
    "campaignUseCase.embeddedPhone": ["No"],
    "campaignUseCase.ageGated": ["No"],
    "messageSamples.messageSample1": "Example Corp: your order shipped. Reply STOP to opt out.",
    "campaignInfo.termsAndConditionsLink": "https://www.example.com/terms",
    "campaignInfo.privacyPolicyLink": "https://www.example.com/privacy",
}


IN_SENDER_ID_GOOD = {
    "senderIdInfo.senderId": "EXMPLE",
    "companyInfo.companyName": "Example Corp",
    "companyInfo.companyId": "U12345",
    "companyInfo.website": "https://example.in",
    "companyInfo.areaOfBusiness": ["Communication"],
    "companyAddress.address1": "1 MG Road",
    "companyAddress.city": "Mumbai",
    "companyAddress.isoCountryCode": "IN",
    "contactInfo.emailAddress": "ops@example.in",
    "contactInfo.phoneNumber": "+919800000000",
    "messagingUseCase.useCaseCategory": ["One-time passcodes"],
    "messagingUseCase.useCaseDescription": "Login codes for Example Corp customers.",
    "messagingUseCase.monthlyMessageVolume": ["1,000"],
    "messagingUseCase.optInDescription": (
        "Customers give their mobile number when they create an Example Corp account at "
        "https://example.in/signup and tick an unchecked box to receive login codes by SMS. "
        "Message and data rates may apply. Reply STOP to opt out, HELP for help."
    ),
    "messageSamples.messageSample1": "Example Corp: your login code is 123456.",
    "inSidSpecificInfo.principalEntityId": "1101",
    "inSidSpecificInfo.chainId1": "1",
    "inSidSpecificInfo.chainId2": "2",
    "inSidSpecificInfo.chainId3": "3",
    "inSidSpecificInfo.chainId5": "5",
    "inSidSpecificInfo.sendingParametersAcknowledgement": ["Yes"],
}

# The portal's short code application (registrations/shortcode.py), filled in with care.
SHORT_CODE_GOOD = {
    "companyInfo.companyName": "Example Corp",
    "companyInfo.taxId": "12-3456789",
    "companyInfo.address1": "1 Main Street",
    "companyInfo.city": "Seattle",
    "companyInfo.state": "WA",
    "companyInfo.zipCode": "98101",
    "companyInfo.isoCountryCode": "US",
    "companyInfo.website": "https://www.example.com",
    "primaryContact.firstName": "Ada",
    "primaryContact.lastName": "Lovelace",
    "primaryContact.email": "ada@example.com",
    "primaryContact.phoneNumber": "+12065550199",
    "customerCare.careUrl": "https://www.example.com/help",
    "customerCare.careEmail": "care@example.com",
    "customerCare.carePhoneNumber": "+12065550198",
    "shortCodeService.countryCode": "US",
    "shortCodeService.awsRegion": "us-east-1",
    "shortCodeService.messageType": ["TRANSACTIONAL"],
    "shortCodeService.shortCodeOption": ["VANITY"],
    "shortCodeService.vanityShortCode": "12345",
    "useCase.companyOverview": "Example Corp makes accounting software.",
    "useCase.serviceName": "Example",
    "useCase.messageTypes": ["ACCOUNT_NOTIFICATIONS"],
    "useCase.specialUse": ["NOT_APPLICABLE"],
    "useCase.programDescription": "Invoice and payment alerts for Example Corp customers.",
    "useCase.messageFrequency": "4 per month",
    "useCase.monthlyVolume": "20000",
    "useCase.throughputMps": "100",
    "useCase.hipaa": ["No"],
    "useCase.mmsRequested": ["No"],
    "messageSamples.messageSample1": "Example: invoice ready. Reply STOP to cancel.",
    "messageSamples.messageSample2": "Example: payment received, thank you. Reply STOP to cancel.",
    "messageSamples.messageSample3": "Example: invoice due tomorrow. Reply STOP to cancel.",
    "optIn.optInMethods": ["WEBSITE_OR_APP"],
    "optIn.optInDescription": OPT_IN,
    "optIn.termsAndConditionsUrl": "https://www.example.com/terms",
    "optIn.privacyPolicyUrl": "https://www.example.com/privacy",
    "keywordResponses.optInKeyword": "YES",
    "keywordResponses.confirmationMessage": (
        "Example: subscribed. Msg & data rates may apply. Reply HELP for help, STOP to end."
    ),
    "keywordResponses.helpMessage": "Example alerts: help at care@example.com.",
    "keywordResponses.stopMessage": "Example: you are unsubscribed, no more messages.",
}


def fill(client, registration_id: str, values: dict, attachments: dict | None = None) -> None:
    for path, value in values.items():
        if isinstance(value, list):
            client.put_registration_field_value(
                RegistrationId=registration_id, FieldPath=path, SelectChoices=value
            )
        else:
            client.put_registration_field_value(
                RegistrationId=registration_id, FieldPath=path, TextValue=value
            )
    for path, attachment_id in (attachments or {}).items():
        client.put_registration_field_value(
            RegistrationId=registration_id, FieldPath=path, RegistrationAttachmentId=attachment_id
        )


def tfn_registration(client, values: dict | None = None, with_number: bool = True) -> dict:
    """A toll-free registration with its number and every value written (not submitted)."""
    reg = client.create_registration(RegistrationType="US_TOLL_FREE_REGISTRATION")
    rid = reg["RegistrationId"]
    number = None
    if with_number:
        number = client.request_phone_number(
            IsoCountryCode="US",
            MessageType="TRANSACTIONAL",
            NumberCapabilities=["SMS"],
            NumberType="TOLL_FREE",
            RegistrationId=rid,
        )
    image = client.create_registration_attachment(AttachmentBody=PNG)
    fill(
        client,
        rid,
        values if values is not None else TFN_GOOD,
        {"messagingUseCase.optInImage": image["RegistrationAttachmentId"]},
    )
    return {"id": rid, "number": number, "registration": reg}


def approved_brand(client) -> str:
    reg = client.create_registration(RegistrationType="US_TEN_DLC_BRAND_REGISTRATION")
    fill(client, reg["RegistrationId"], BRAND_GOOD)
    client.submit_registration_version(RegistrationId=reg["RegistrationId"])
    return reg["RegistrationId"]
