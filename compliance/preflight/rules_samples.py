"""Rules on sample messages: length, brand, placeholders, links, opt-out wording."""

from __future__ import annotations

import re

from compliance.preflight import sources
from compliance.preflight.domains import named_after
from compliance.preflight.engine import ALL, US, Draft, Violation, rule
from compliance.preflight.fields import WEBSITE, samples
from compliance.preflight.phrases import bad_variable, placeholder_sample
from compliance.preflight.rules_sender_id import GENERIC as GENERIC_SENDER_IDS
from compliance.preflight.rules_sender_id import client_names, sender_id_forms
from compliance.preflight.text import (
    brand_names,
    host_of,
    is_shortener,
    message_length,
    names_brand,
    same_site,
    urls_in,
)

# Known forms without sample or opt-in fields (the United Kingdom sender ID form).
FORMS_WITHOUT_SAMPLES = {"GB_SENDER_ID_REGISTRATION"}
SAMPLES = ("messageSamples.messageSample1", "messageSamples.messageSample2", "…")


@rule(
    "SAMPLE_PRESENT",
    severity="error",
    families=ALL - {"brand"},
    field_paths=("messageSamples.messageSample1",),
    message="At least one sample message is required.",
    fix_hint="Write the message exactly as recipients will get it, brand name included.",
    source=sources.CATALOG,
)
def _sample_present(draft: Draft):
    if draft.registration_type in FORMS_WITHOUT_SAMPLES:
        return
    if not samples(draft):
        yield Violation(("messageSamples.messageSample1",))


@rule(
    "SAMPLE_MIN_LENGTH",
    severity="error",
    families=US,
    field_paths=SAMPLES,
    message="A sample message is shorter than 20 characters.",
    fix_hint="Give the full message, at least 20 characters, as it will really be sent.",
    source=sources.CAMPAIGN_FORM,
)
def _sample_min_length(draft: Draft):
    for path, text in samples(draft):
        if len(text) < 20:
            yield Violation((path,), f"({len(text)} characters)")


@rule(
    "SAMPLE_MAX_LENGTH",
    severity="error",
    families={"sender_id"},
    field_paths=SAMPLES,
    message="A sender ID sample message is longer than 306 characters.",
    fix_hint="Shorten the sample to at most 306 characters (two concatenated parts).",
    source=sources.CATALOG,
)
def _sample_max_length(draft: Draft):
    for path, text in samples(draft):
        if len(text) > 306:
            yield Violation((path,), f"({len(text)} characters)")


@rule(
    "SAMPLE_BRAND_EACH",
    severity="error",
    families={"tfn", "short_code"},
    field_paths=SAMPLES,
    message="A sample message does not name the brand.",
    fix_hint="Start each message with the brand or program name registered for this sender.",
    source=sources.TFN_BLOG,
)
def _sample_brand_each(draft: Draft):
    cores = brand_names(draft)
    if not cores:
        return
    for path, text in samples(draft):
        if not names_brand(text, cores):
            yield Violation((path,))


@rule(
    "SAMPLE_BRAND_SENDER_ID",
    severity="warning",
    families={"sender_id"},
    field_paths=SAMPLES,
    message="A sample message does not name the brand.",
    fix_hint="Name the brand or program in each message; registered originators must disclose "
    "the program name, a product description, or both.",
    source=sources.CTA,
)
def _sample_brand_sender_id(draft: Draft):
    cores = brand_names(draft)
    if not cores:
        return
    sender_id = draft.text("senderIdInfo.senderId")
    if sender_id.upper() not in GENERIC_SENDER_IDS:
        cores += sender_id_forms(sender_id)  # the sender ID shows the brand as recipients see it
    cores += client_names(draft)  # registered on behalf of that brand
    for path, text in samples(draft):
        if not names_brand(text, cores):
            yield Violation((path,))


@rule(
    "SAMPLE_BRAND_ANY",
    severity="error",
    families={"campaign"},
    field_paths=SAMPLES,
    message="No sample message names the brand.",
    fix_hint="Put the brand or program name in the samples (best at the start of each).",
    source=sources.CAMPAIGN_BLOG,
)
def _sample_brand_any(draft: Draft):
    cores = brand_names(draft)
    found = samples(draft)
    if cores and found and not any(names_brand(text, cores) for _, text in found):
        yield Violation(tuple(p for p, _ in found))


@rule(
    "SAMPLE_SERVICE_NAME_FIRST",
    severity="error",
    families={"short_code"},
    field_paths=SAMPLES,
    message="A short code sample does not begin with the service name.",
    fix_hint="Carriers require the service name at the beginning of every short code message.",
    source=sources.SHORT_CODE,
)
def _sample_service_first(draft: Draft):
    cores = brand_names(draft)
    if not cores:
        return
    for path, text in samples(draft):
        if not names_brand(text[:40], cores):
            yield Violation((path,))


@rule(
    "SAMPLE_SHORT_CODE_LENGTH",
    severity="warning",
    families={"short_code"},
    field_paths=SAMPLES,
    message="A short code sample is longer than 160 characters.",
    fix_hint="Keep short code messages to one part (160 characters) where you can.",
    source=sources.SHORT_CODE,
)
def _sample_short_code_length(draft: Draft):
    for path, text in samples(draft):
        length = message_length(text)
        if length > 160:
            yield Violation((path,), f"({length} characters)")


_BAD_PLACEHOLDER = re.compile(
    r"\{\{?\s*\w[\w .-]*\}\}?|<\s*[A-Za-z_][\w .-]*>|%[sd]\b|%\(\w+\)s|\$\{\w+\}|"
    r"\$[A-Za-z_]\w*|_{3,}"
)
# Runs of X stand for a variable in drafts ("code XXXX") but also mask digits in real messages
# ("card ending XXXX"): a warning staff read.
_MASKED = re.compile(r"\b(?:X{4,}|x{4,})\b(?![\])])")


@rule(
    "SAMPLE_PLACEHOLDER_FORMAT",
    severity="error",
    families=ALL - {"brand"},
    field_paths=SAMPLES,
    message="A sample message has a variable that is not written in [brackets].",
    fix_hint="Write every variable in square brackets and say what it holds, e.g. [FirstName].",
    source=sources.TFN_BLOG,
)
def _sample_placeholder(draft: Draft):
    for path, text in samples(draft):
        bad = _BAD_PLACEHOLDER.search(re.sub(r"\[[^\]]*\]", " ", text))
        found = bad.group(0) if bad else bad_variable(text)
        if found:
            yield Violation((path,), f"Found “{found}”.")


@rule(
    "SAMPLE_PLACEHOLDER_MASKED",
    severity="warning",
    families=ALL - {"brand"},
    field_paths=SAMPLES,
    message="A sample message has a run of X that may be a variable outside [brackets].",
    fix_hint="If XXXX stands for a value that changes, write it as a bracketed variable, e.g. "
    "[Last4Digits]; masked digits shown as such to recipients are fine.",
    source=sources.TFN_BLOG,
)
def _sample_masked(draft: Draft):
    for path, text in samples(draft):
        found = _MASKED.search(re.sub(r"\[[^\]]*\]", " ", text))
        if found:
            yield Violation((path,), f"Found “{found.group(0)}”.")


def _placeholder_rule(rule_id: str, sure: bool) -> None:
    @rule(
        rule_id,
        severity="error" if sure else "warning",
        families=ALL - {"brand"},
        field_paths=SAMPLES,
        message="A sample message is placeholder text, not a message that will be sent."
        if sure
        else "A sample message is mostly variables; it may not show what will be sent.",
        fix_hint="Write each sample as recipients will read it, with only the changing parts "
        "in [brackets], e.g. “Acme: your table for [Guests] is ready.”",
        source=sources.PLACEHOLDER_TEXT,
    )
    def _check(draft: Draft):
        for path, text in samples(draft):
            found = placeholder_sample(text)
            if found and found.sure == sure:
                yield Violation((path,), f"(“{found.found}”)")


_placeholder_rule("SAMPLE_PLACEHOLDER_TEXT", sure=True)
_placeholder_rule("SAMPLE_MAYBE_PLACEHOLDER", sure=False)


@rule(
    "LINK_SHORTENER",
    severity="error",
    families=ALL - {"brand"},
    field_paths=SAMPLES + ("campaignUseCase.embeddedLinkSample",),
    message="A message uses a public link shortener.",
    fix_hint="Use full links on your own domain, or a shortener on a custom domain you own.",
    source=sources.CAMPAIGN_FORM,
)
def _link_shortener(draft: Draft):
    items = samples(draft)
    if draft.text("campaignUseCase.embeddedLinkSample"):
        items.append(
            ("campaignUseCase.embeddedLinkSample", draft.text("campaignUseCase.embeddedLinkSample"))
        )
    for path, text in items:
        for url in urls_in(text):
            if is_shortener(url):
                yield Violation((path,), f"({host_of(url)})")


@rule(
    "LINK_OFF_DOMAIN",
    severity="warning",
    families={"tfn", "short_code", "sender_id"},
    field_paths=SAMPLES,
    message="A sample links to a domain other than the company website.",
    fix_hint="Links should be branded and on the company's own domain.",
    source=sources.CAMPAIGN_BLOG,
)
def _link_off_domain(draft: Draft):
    site = host_of(draft.text(WEBSITE.get(draft.family, ""))) if WEBSITE.get(draft.family) else ""
    if not site:
        return
    for path, text in samples(draft):
        for url in urls_in(text):
            host = host_of(url)
            if named_after(host, [*draft.brand_names, *brand_names(draft)]):
                continue  # a domain named after the brand ("ledger.ly" for Ledgerly)
            if not is_shortener(url) and not same_site(host, site):
                yield Violation((path,), f"({host})")


_OPT_OUT_WORDS = re.compile(r"(?i)\b(?:stop|opt[\s-]?out|unsubscribe)\b")


@rule(
    "SAMPLE_OPT_OUT",
    severity="error",
    families={"campaign"},
    field_paths=SAMPLES,
    message="No sample message tells recipients how to opt out.",
    fix_hint="Add opt-out wording to at least one sample, e.g. “Reply STOP to opt out.”",
    source=sources.CAMPAIGN_BLOG,
)
def _sample_opt_out(draft: Draft):
    found = samples(draft)
    if found and not any(_OPT_OUT_WORDS.search(text) for _, text in found):
        yield Violation(tuple(p for p, _ in found))
