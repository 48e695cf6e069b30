"""The documents the rules come from (the digests in the project's reference material)."""

TFN_REJECTIONS = "AWS SMS User Guide, toll-free rejection reasons (seed-001 digest §1.5.1)"
CAMPAIGN_REJECTIONS = "AWS SMS User Guide, 10DLC campaign rejection reasons (seed-001 §1.5.2)"
OPT_IN_REJECTIONS = "AWS SMS User Guide, noncompliant opt-in causes (seed-001 digest §1.5.3)"
TFN_FORM = "AWS SMS User Guide, US toll-free registration form (seed-001 digest §2.1.2, §1.6)"
TFN_BLOG = "AWS Messaging blog, toll-free registration (blogs digest §2.2, §2.4)"
CAMPAIGN_FORM = "AWS SMS User Guide, 10DLC campaign registration form (seed-001 digest §2.5)"
CAMPAIGN_BLOG = "AWS Messaging blog, 10DLC campaign best practices (blogs digest §3.8)"
BRAND = "AWS SMS User Guide, 10DLC brand data (seed-001 digest §5.5; blogs digest §3.4)"
CTA = "AWS Messaging blog, compliant opt-in call to action (blogs digest §6.3, §6.4)"
HELP_STOP = "AWS Messaging blog, HELP and STOP responses (blogs digest §6.6)"
CONFIRMATION = "AWS Messaging blog, opt-in confirmation message (blogs digest §3.8, §6.5)"
POLICIES = "AWS SMS User Guide, SMS terms and privacy policy (blogs digest §6.8)"
PROHIBITED = "AWS SMS User Guide, prohibited message content (seed-001 digest §5.4)"
SENDER_ID = "AWS SMS User Guide, sender ID format (seed-001 digest §2.8; blogs digest §5.1)"
SINGAPORE = (
    "AWS SMS User Guide, Singapore registration form: the letter of authorization when "
    "“registering on behalf of another brand/entity” (seed-001 digest §2.10)"
)
SHORT_CODE = "AWS Messaging blog, short code application (blogs digest §4.3)"
CATALOG = "Registration field catalog (registration-field-catalog.json)"
VALIDATION = "Seeds digest, validation rules before submission (blogs digest §9.2)"
HOSTED = "Portal hosted pages (DESIGN.md §5)"
ISV = (
    "AWS SMS User Guide, ISV/Reseller campaign rejection and Invalid Business Connection "
    "(seed-001 digest §1.5.1, §1.5.2, §4.1, §5.5.5); AWS Messaging blog, whose information goes "
    "in the registration (blogs digest §1.2, §9.1.1)"
)
BRAND_FORM = (
    "AWS SMS User Guide, 10DLC brand registration form: legal form of organisation "
    "(seed-001 digest §2.3, §5.5.2)"
)
ENGLISH = (
    "AWS Messaging blog, toll-free use case details: “Answers must be written in English” "
    "(blogs digest §2.2, §2.4)"
)
USE_CASE_MATCH = (
    "AWS Messaging blog, use case details and samples consistent with the category (blogs digest "
    "§2.2, §3.8, §9.1.14); 10DLC rejection “Use case and message samples are inconsistent” "
    "(seed-001 digest §1.5.2)"
)
LEAD_GENERATION = (
    "AWS SMS User Guide, prohibited content: third-party lead generation, companies that buy, "
    "sell or share consumer information (seed-001 digest §1.5.2, §5.4.5)"
)
PLACEHOLDER_TEXT = (
    "AWS SMS User Guide, 10DLC message samples: “Don't use placeholder text” (seed-001 digest §2.5)"
)
