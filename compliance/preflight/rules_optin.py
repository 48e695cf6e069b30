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
    USE_CASE_TEXT,
    WEBSITE,
)
from compliance.preflight.phrases import (
    consent_action,
    explicit_action,
    frequency,
    implied_consent,
    sentences,
    sharing,
    sms_required,
)
from compliance.preflight.rules_samples import FORMS_WITHOUT_SAMPLES
from compliance.preflight.text import (
    IN_TERMS,
    PRECHECKED,
    RATES,
    any_match,
    brand_names,
    help_instruction,
    host_of,
    mentions_brand,
    privacy_link,
    same_site,
    stop_instruction,
    terms_link,
)
from portal import upload_policy

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
    # An empty one is the catalog's REQUIRED check (and forms without the field have none).
    if found and 0 < len(found[1]) < 40:
        yield Violation((found[0],), f"({len(found[1])} characters)")


def _element_rule(rule_id: str, what: str, hint: str, test, severity: str = "error") -> None:
    @rule(
        rule_id,
        severity=severity,
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
# Reading a consent action or a frequency out of free text can miss an unusual wording: these
# two are warnings staff confirm, not errors that block the tenant.
_element_rule(
    "OPTIN_CONSENT_ACTION",
    "the explicit action by which people consent",
    "Say what the person does to consent: checks an unchecked box, texts a keyword, signs a "
    "form, or says yes to a script that staff record.",
    lambda d, t: consent_action(t) or implied_consent(t),
    severity="warning",
)
_element_rule(
    "OPTIN_FREQUENCY",
    "the message frequency",
    "Add the frequency shown at opt-in, e.g. “Message frequency varies”, “2 msgs/month” or "
    "“one message per login”.",
    lambda d, t: frequency(t),
    severity="warning",
)
_element_rule(
    "OPTIN_HELP",
    "the HELP / customer care instructions",
    "Add the care instructions shown at opt-in, e.g. “Text HELP or call 1-800-111-2222”.",
    lambda d, t: help_instruction(t),
)
_element_rule(
    "OPTIN_STOP",
    "the opt-out (STOP) instructions",
    "Add the opt-out instructions shown at opt-in, e.g. “Text STOP to opt out”.",
    lambda d, t: stop_instruction(t),
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
    lambda d, t: terms_link(t),
)
_element_rule(
    "OPTIN_PRIVACY_LINK",
    "a link to the privacy policy",
    "Mention the privacy policy link shown beside the consent box.",
    lambda d, t: privacy_link(t),
)


@rule(
    "OPTIN_IMPLIED_CONSENT",
    severity="error",
    families=US | {"sender_id"},
    field_paths=OPT_IN_PATHS,
    message="The opt-in takes consent for granted instead of asking for it.",
    fix_hint="Consent is a deliberate action: an unchecked box the person ticks, a keyword they "
    "text, a form they sign or a yes they say. Giving a number or buying is not consent.",
    source=sources.TFN_REJECTIONS,
)
def _implied(draft: Draft):
    found = _opt_in(draft)
    if found and found[1]:
        implied = implied_consent(found[1])
        if implied and not explicit_action(found[1]):
            yield Violation((found[0],), f"Found “{implied}”.")


# A denial that follows the words it denies: "pre-checked boxes are never used", "a
# pre-ticked box is not used", but not "a pre-ticked box; do not untick it".
_DENIED_AFTER = (
    r"(?i)^\W*(?:[\w-]+\W+){0,2}?(?:(?:is|are|was|were|will\s+be|would\s+be)\s+"
    r"(?:never|not|no\s+longer)|never)\b"
)


def _unless_negated(patterns: list[str]):
    """The first pattern found in a clause that does not deny it ("not pre-checked")."""

    def test(text: str) -> str | None:
        for clause in sentences(text):
            hit = any_match(patterns, clause)
            if not hit:
                continue
            at = clause.lower().find(hit.lower())
            before, after = clause[:at], clause[at + len(hit) :]
            if re.search(
                r"(?i)\b(?:not|never|no|none|nothing|without|neither|nor)\b|n't\b|n’t\b", before
            ):
                continue
            # denied right after it: "pre-checked boxes are never used"
            if re.match(_DENIED_AFTER, after):
                continue
            return hit
        return None

    return test


def _pattern_rule(
    rule_id: str, message: str, hint: str, source: str, test, severity: str = "error"
) -> None:
    @rule(
        rule_id,
        severity=severity,
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
    _unless_negated(PRECHECKED),
)
_pattern_rule(
    "OPTIN_IN_TERMS",
    "The SMS consent is bundled into the terms of service.",
    "Collect SMS consent separately, with its own unchecked box; link the terms beside it.",
    sources.OPT_IN_REJECTIONS,
    _unless_negated(IN_TERMS),
)


def _reading(reader, sure: bool):
    def test(text: str) -> str | None:
        found = reader(text)
        return found.found if found and found.sure == sure else None

    return test


_pattern_rule(
    "OPTIN_SMS_REQUIRED",
    "The opt-in makes text messages a condition of signing up.",
    "Make SMS optional and offer another channel (e-mail, voice, the app).",
    sources.OPT_IN_REJECTIONS,
    _reading(sms_required, sure=True),
)
_pattern_rule(
    "OPTIN_SMS_MAYBE_REQUIRED",
    "The opt-in may make text messages a condition of the service.",
    "Say that SMS is optional and name the other channel (e-mail, voice, the app); staff check "
    "this wording.",
    sources.OPT_IN_REJECTIONS,
    _reading(sms_required, sure=False),
    severity="warning",
)


def _sharing_rule(rule_id: str, sure: bool) -> None:
    paths = tuple(sorted(set(OPT_IN_TEXT.values()) | set(USE_CASE_TEXT.values())))

    @rule(
        rule_id,
        severity="error" if sure else "warning",
        families=US | {"sender_id"},
        field_paths=paths,
        message="The registration lets opt-in data reach third parties."
        if sure
        else "The registration may let opt-in data reach someone other than the sender (a "
        "service provider, or someone it does not name).",
        fix_hint="Remove the sharing language, or state that opt-in data is never shared with "
        "third parties."
        if sure
        else "If they only deliver the messages, say so; otherwise remove it. Staff check this "
        "wording.",
        source=sources.TFN_REJECTIONS,
    )
    def _check(draft: Draft):
        names = _names(draft)
        for mapping in (OPT_IN_TEXT, USE_CASE_TEXT):
            path = mapping.get(draft.family)
            text = draft.text(path) if path else ""
            found = sharing(text, names) if text else None
            if found and found.sure == sure:
                yield Violation((path,), f"Found “{found.found}”.")


def _names(draft: Draft) -> list[str]:
    names = list(draft.brand_names)
    for path in ("companyInfo.companyName", "contactInfo.dbaName"):
        if draft.text(path):
            names.append(draft.text(path))
    return names


_sharing_rule("OPTIN_THIRD_PARTY", sure=True)
_sharing_rule("OPTIN_THIRD_PARTY_POSSIBLE", sure=False)


# --- Opt-in image ------------------------------------------------------------------------------

IMAGE_TYPES = set(upload_policy.REGISTRATION_ATTACHMENT.kinds)
IMAGE_HARD_LIMIT = upload_policy.REGISTRATION_ATTACHMENT.max_bytes  # blog and the API: 500 KB
IMAGE_CONSOLE_LIMIT = upload_policy.TOLL_FREE_OPTIN_IMAGE.max_bytes  # toll-free console: 400 KB


# Toll-free: the form's required opt-in image. Short code: "you must provide mockups of the
# opt-in workflows for all of the options that you select" (the short code guide), and the
# portal's short code form requires the mockup too.
IMAGE_REQUIRED = {"tfn": OPT_IN_IMAGE["tfn"], "short_code": OPT_IN_IMAGE["short_code"]}


@rule(
    "OPTIN_IMAGE_REQUIRED",
    severity="error",
    families=frozenset(IMAGE_REQUIRED),
    field_paths=tuple(IMAGE_REQUIRED.values()),
    message="The opt-in image (screenshot of the opt-in) is missing.",
    fix_hint="Attach the rendered hosted opt-in page, or upload a screenshot of your own form "
    "(for a verbal or paper opt-in: the script or the form).",
    source=sources.TFN_FORM,
)
def _image_required(draft: Draft):
    path = IMAGE_REQUIRED[draft.family]
    if path not in draft.attachments:
        yield Violation((path,))


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


# "Make sure that the screenshot is clear and readable; degraded image quality will likely be
# rejected regardless of compliance." Pixels and bytes say when it cannot be: a thumbnail, or an
# image compressed to a few hundredths of a bit per pixel. Whether it reads well, staff judge.
IMAGE_MIN_SIDE = 480
IMAGE_MIN_BITS_PER_PIXEL = 0.1


@rule(
    "OPTIN_IMAGE_DEGRADED",
    severity="warning",
    families=US,
    field_paths=tuple(sorted(set(OPT_IN_IMAGE.values()))),
    message="The opt-in image looks too small or too compressed to be read.",
    fix_hint="Upload a full-size screenshot (at least 480 px on each side) in which every word "
    "of the opt-in and its disclosures can be read.",
    source=sources.TFN_BLOG,
)
def _image_degraded(draft: Draft):
    path = OPT_IN_IMAGE.get(draft.family)
    info = draft.attachments.get(path) if path else None
    if not info or not info.width or not info.height:
        return
    bits = info.size_bytes * 8 / (info.width * info.height)
    if min(info.width, info.height) < IMAGE_MIN_SIDE or bits < IMAGE_MIN_BITS_PER_PIXEL:
        yield Violation((path,), f"({info.width}×{info.height} px, {info.size_bytes // 1024} KB)")


# --- Terms and privacy links ---------------------------------------------------------------------


def _own_hosted_page(draft: Draft, value: str, kind: str) -> bool:
    """The tenant's own published hosted page: accepted as what it is. Whether the portal's
    public address suits carriers is checked once, for the provider (compliance.W001 and the
    staff readiness page), never per tenant field."""
    live = draft.hosted_urls.get(kind, "")
    return bool(value and live) and value.rstrip("/") == live.rstrip("/")


def _policy_rule(rule_id: str, label: str, urls: dict, files: dict, kind: str) -> None:
    paths = tuple(sorted(set(urls.values())))

    @rule(
        rule_id,
        severity="error",
        families=US,
        field_paths=paths,
        message=f"The {label} link is missing or is not a web address.",
        fix_hint=f"Use the portal's hosted {label} page; its address fills this field.",
        source=sources.POLICIES,
    )
    def _present(draft: Draft):
        path = urls.get(draft.family)
        value = draft.text(path) if path else ""
        if not value and files.get(draft.family) in draft.attachments:
            return
        if _own_hosted_page(draft, value, kind):
            return  # the portal's address is the provider's check (compliance.W001)
        if not re.match(r"(?i)^https?://", value) or "." not in host_of(value):
            yield Violation((path,))

    # The forms ask for a reachable page; http:// is accepted (the 10DLC form asks for
    # "http:// or https://"), though reviewers prefer https.
    @rule(
        f"{rule_id}_HTTPS",
        severity="warning",
        families=US,
        field_paths=paths,
        message=f"The {label} link is not an https address.",
        fix_hint=f"Serve the {label} page over https, or use the portal's hosted page.",
        source=sources.POLICIES,
    )
    def _https(draft: Draft):
        path = urls.get(draft.family)
        value = draft.text(path) if path else ""
        if _own_hosted_page(draft, value, kind):
            return  # the portal's address is the provider's check (compliance.W001)
        if re.match(r"(?i)^http://", value) and "." in host_of(value):
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


# --- The tenant's own privacy policy -------------------------------------------------------------

_SMS_EXCLUDED = re.compile(
    r"(?i)(?:exclud\w*|except|not\s+(?:be\s+)?(?:shared|sold|disclosed)|never\s+(?:\w+\s+){0,2}"
    r"(?:shared|sold|share|sell|disclose)|will\s+not\s+(?:be\s+)?(?:share|shared|sold|sell)|"
    r"(?:do|does)\s+not\s+(?:share|sell))[^.]{0,200}?(?:sms|text(?:\s+messag\w*)?|opt[\s-]?in|mobile"
    r"|phone\s+numbers?)|(?:sms|text\s+messag\w*|opt[\s-]?in|mobile\s+(?:numbers?|information)|"
    r"phone\s+numbers?)[^.]{0,200}?(?:exclud\w*|not\s+(?:be\s+)?(?:shared|sold|disclosed)|never\s+"
    r"(?:be\s+)?(?:shared|sold))"
)


@rule(
    "PRIVACY_POLICY_SHARES",
    severity="error",
    families=US,
    field_paths=tuple(sorted(set(PRIVACY_URL.values()))),
    message="The privacy policy lets phone numbers reach third parties and does not exclude SMS "
    "opt-in data.",
    fix_hint="Add: “The above excludes text messaging originator opt-in data and consent; this "
    "information will not be shared with any third parties.”",
    source=sources.POLICIES,
)
def _privacy_page(draft: Draft):
    page = str(draft.pages.get("privacy") or "")
    path = PRIVACY_URL.get(draft.family)
    if not page or not path:
        return
    found = sharing(page, _names(draft))
    if found and found.sure and not _SMS_EXCLUDED.search(page):
        yield Violation((path,), f"Found “{found.found}”.")
