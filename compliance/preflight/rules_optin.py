"""Rules on the opt-in description, the opt-in image and the terms / privacy links."""

from __future__ import annotations

import re

from django.conf import settings

from compliance.preflight import sources
from compliance.preflight.engine import US, Draft, Violation, rule
from compliance.preflight.fields import (
    OPT_IN_IMAGE,
    OPT_IN_TEXT,
    PRIVACY_FILE,
    PRIVACY_URL,
    TERMS_FILE,
    TERMS_URL,
    WEBSITE,
)
from compliance.preflight.rules_samples import FORMS_WITHOUT_SAMPLES
from compliance.preflight.text import (
    CONSENT_ACTION,
    FREQUENCY,
    HELP,
    IN_TERMS,
    PRECHECKED,
    PRIVACY,
    RATES,
    SMS_REQUIRED,
    STOP,
    TERMS,
    any_match,
    brand_names,
    has_third_party_sharing,
    host_of,
    mentions_brand,
    same_site,
)

OPT_IN_PATHS = tuple(sorted(set(OPT_IN_TEXT.values())))


def _opt_in(draft: Draft) -> tuple[str, str] | None:
    path = OPT_IN_TEXT.get(draft.family)
    return (path, draft.text(path)) if path else None


@rule(
    "OPTIN_DESCRIPTION_PRESENT",
    severity="error",
    families=US | {"sender_id"},
    field_paths=OPT_IN_PATHS,
    message="The opt-in description is missing or too short to show how people consent.",
    fix_hint="Describe where and how people opt in (at least 40 characters), with the page URL.",
    source=sources.CAMPAIGN_FORM,
)
def _opt_in_present(draft: Draft):
    if draft.registration_type in FORMS_WITHOUT_SAMPLES:
        return
    found = _opt_in(draft)
    if found and len(found[1]) < 40:
        yield Violation((found[0],), f"({len(found[1])} characters)")


def _element_rule(rule_id: str, what: str, hint: str, test) -> None:
    @rule(
        rule_id,
        severity="error",
        families=US,
        field_paths=OPT_IN_PATHS,
        message=f"The opt-in description does not show {what}.",
        fix_hint=hint,
        source=sources.CTA,
    )
    def _check(draft: Draft):
        found = _opt_in(draft)
        if found and len(found[1]) >= 40 and not test(draft, found[1]):
            yield Violation((found[0],))


_element_rule(
    "OPTIN_BRAND",
    "the program (brand) name",
    "Name the brand exactly as registered, as it appears on the opt-in page.",
    lambda d, t: not brand_names(d) or mentions_brand(t, brand_names(d)),
)
_element_rule(
    "OPTIN_CONSENT_ACTION",
    "the explicit action by which people consent",
    "Say what the person does to consent, e.g. checks an unchecked box and enters a number.",
    lambda d, t: any_match(CONSENT_ACTION, t),
)
_element_rule(
    "OPTIN_FREQUENCY",
    "the message frequency",
    "Add the frequency shown at opt-in, e.g. “Message frequency varies” or “2 msgs/month”.",
    lambda d, t: any_match(FREQUENCY, t),
)
_element_rule(
    "OPTIN_HELP",
    "the HELP / customer care instructions",
    "Add the care instructions shown at opt-in, e.g. “Text HELP or call 1-800-111-2222”.",
    lambda d, t: any_match(HELP, t),
)
_element_rule(
    "OPTIN_STOP",
    "the opt-out (STOP) instructions",
    "Add the opt-out instructions shown at opt-in, e.g. “Text STOP to opt out”.",
    lambda d, t: any_match(STOP, t),
)
_element_rule(
    "OPTIN_RATES",
    "the disclosure “Message and data rates may apply”",
    "Quote the disclosure word for word: “Message and data rates may apply.”",
    lambda d, t: re.search(rf"(?i){RATES}", t),
)
_element_rule(
    "OPTIN_TERMS_LINK",
    "a link to the terms and conditions",
    "Mention the terms and conditions link shown beside the consent box.",
    lambda d, t: any_match(TERMS, t),
)
_element_rule(
    "OPTIN_PRIVACY_LINK",
    "a link to the privacy policy",
    "Mention the privacy policy link shown beside the consent box.",
    lambda d, t: any_match(PRIVACY, t),
)


def _pattern_rule(rule_id: str, message: str, hint: str, source: str, test) -> None:
    @rule(
        rule_id,
        severity="error",
        families=US | {"sender_id"},
        field_paths=OPT_IN_PATHS,
        message=message,
        fix_hint=hint,
        source=source,
    )
    def _check(draft: Draft):
        found = _opt_in(draft)
        if found and found[1]:
            hit = test(found[1])
            if hit:
                yield Violation((found[0],), f"Found “{hit}”." if isinstance(hit, str) else "")


_pattern_rule(
    "OPTIN_PRECHECKED",
    "The opt-in uses a pre-checked box or a default that opts people in.",
    "Consent boxes must start unchecked; the person ticks them.",
    sources.CTA,
    lambda t: any_match(PRECHECKED, t),
)
_pattern_rule(
    "OPTIN_SMS_REQUIRED",
    "The opt-in makes text messages a condition of signing up.",
    "Make SMS optional and offer another channel (e-mail, voice, the app).",
    sources.OPT_IN_REJECTIONS,
    lambda t: any_match(SMS_REQUIRED, t),
)
_pattern_rule(
    "OPTIN_IN_TERMS",
    "The SMS consent is bundled into the terms of service.",
    "Collect SMS consent separately, with its own unchecked box; link the terms beside it.",
    sources.OPT_IN_REJECTIONS,
    lambda t: any_match(IN_TERMS, t),
)
_pattern_rule(
    "OPTIN_THIRD_PARTY",
    "The opt-in text allows sharing opt-in data with third parties.",
    "Remove the sharing language, or state that opt-in data is never shared with third parties.",
    sources.TFN_REJECTIONS,
    lambda t: has_third_party_sharing(t),
)


# --- Opt-in image ------------------------------------------------------------------------------

IMAGE_TYPES = {"image/png", "image/jpeg", "application/pdf"}
IMAGE_HARD_LIMIT = 500 * 1024  # blog and CreateRegistrationAttachment: 500 KB
IMAGE_CONSOLE_LIMIT = 400 * 1024  # toll-free console form: PNG, 400 KB


@rule(
    "OPTIN_IMAGE_REQUIRED",
    severity="error",
    families={"tfn"},
    field_paths=("messagingUseCase.optInImage",),
    message="The opt-in image (screenshot of the opt-in) is missing.",
    fix_hint="Attach the rendered hosted opt-in page, or upload a screenshot of your own form.",
    source=sources.TFN_FORM,
)
def _image_required(draft: Draft):
    if "messagingUseCase.optInImage" not in draft.attachments:
        yield Violation(("messagingUseCase.optInImage",))


@rule(
    "OPTIN_IMAGE_FORMAT",
    severity="error",
    families=US,
    field_paths=tuple(sorted(set(OPT_IN_IMAGE.values()))),
    message="The opt-in image is not a PNG, JPEG or PDF of at most 500 KB.",
    fix_hint="Export the screenshot as PNG or JPEG under 400 KB (the toll-free form's limit).",
    source=sources.TFN_BLOG,
)
def _image_format(draft: Draft):
    path = OPT_IN_IMAGE.get(draft.family)
    info = draft.attachments.get(path) if path else None
    if info and (info.content_type not in IMAGE_TYPES or info.size_bytes > IMAGE_HARD_LIMIT):
        yield Violation((path,), f"({info.content_type}, {info.size_bytes // 1024} KB)")


@rule(
    "OPTIN_IMAGE_CONSOLE_LIMIT",
    severity="warning",
    families={"tfn"},
    field_paths=("messagingUseCase.optInImage",),
    message="The opt-in image is over the toll-free form's 400 KB limit.",
    fix_hint="Compress the image below 400 KB; the console form documents that limit.",
    source=sources.TFN_FORM,
)
def _image_console(draft: Draft):
    info = draft.attachments.get("messagingUseCase.optInImage")
    if info and IMAGE_CONSOLE_LIMIT < info.size_bytes <= IMAGE_HARD_LIMIT:
        yield Violation(("messagingUseCase.optInImage",))


# --- Terms and privacy links ---------------------------------------------------------------------


def _policy_rule(rule_id: str, label: str, urls: dict, files: dict, kind: str) -> None:
    paths = tuple(sorted(set(urls.values())))

    @rule(
        rule_id,
        severity="error",
        families=US,
        field_paths=paths,
        message=f"The {label} link is missing or is not an https address.",
        fix_hint=f"Use the portal's hosted {label} page; its address fills this field.",
        source=sources.POLICIES,
    )
    def _present(draft: Draft):
        path = urls.get(draft.family)
        value = draft.text(path) if path else ""
        if not value and files.get(draft.family) in draft.attachments:
            return
        if not value.lower().startswith("https://") or not host_of(value):
            yield Violation((path,))

    @rule(
        f"{rule_id}_HOSTED",
        severity="error",
        families=US,
        field_paths=paths,
        message=f"The {label} link points at a hosted page that is not this tenant's or is not "
        "published.",
        fix_hint=f"Publish the {label} page under Compliance, then use its stable address.",
        source=sources.HOSTED,
    )
    def _hosted(draft: Draft):
        path = urls.get(draft.family)
        value = draft.text(path) if path else ""
        base = settings.PORTAL_BASE_URL.rstrip("/") + "/p/"
        if not value.startswith(base):
            return
        if value.rstrip("/") != draft.hosted_urls.get(kind, "").rstrip("/"):
            yield Violation((path,))

    @rule(
        f"{rule_id}_DOMAIN",
        severity="warning",
        families=US,
        field_paths=paths,
        message=f"The {label} link is neither the hosted page nor on the company website.",
        fix_hint="Reviewers expect the page on your own site or the hosted page.",
        source=sources.POLICIES,
    )
    def _domain(draft: Draft):
        path = urls.get(draft.family)
        value = draft.text(path) if path else ""
        site_path = WEBSITE.get(draft.family)
        site = host_of(draft.text(site_path)) if site_path else ""
        host = host_of(value)
        portal = host_of(settings.PORTAL_BASE_URL)
        if value and site and not same_site(host, site) and not same_site(host, portal):
            yield Violation((path,), f"({host})")


_policy_rule("PRIVACY_URL", "privacy policy", PRIVACY_URL, PRIVACY_FILE, "privacy")
_policy_rule("TERMS_URL", "terms and conditions", TERMS_URL, TERMS_FILE, "terms")
