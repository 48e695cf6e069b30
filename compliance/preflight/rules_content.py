"""Rules on what the messages are about: restricted content, age gating, lending, and whether
the samples fit the chosen use case."""

from __future__ import annotations

import re

from compliance.preflight import sources
from compliance.preflight.engine import ALL, Draft, Violation, rule
from compliance.preflight.fields import USE_CASE, content_texts, samples
from compliance.preflight.text import any_match

# Categories of prohibited content named by the AWS guide (cannabis, SHAFT, gambling,
# high-risk financial services, get-rich-quick, third-party lead generation, phishing).
RESTRICTED = {
    "cannabis": [r"cannabis", r"marijuana", r"cbd", r"thc", r"dispensar(?:y|ies)", r"kratom",
                 r"psilocybin", r"magic\s+mushrooms?"],
    "firearms": [r"firearms?", r"handguns?", r"guns?", r"ammo", r"ammunition", r"rifles?",
                 r"pistols?", r"gun\s+shop"],
    "sexual content": [r"escorts?", r"xxx", r"porn\w*", r"nudes?", r"sexting", r"hook-?ups?",
                       r"adult\s+(?:content|entertainment|videos?)"],
    "hate": [r"white\s+power", r"racial\s+purity"],
    "gambling": [r"casinos?", r"sportsbooks?", r"sports\s+betting", r"bet\s+now", r"betting",
                 r"wagers?", r"poker", r"free\s+spins", r"jackpots?"],
    "high-risk financial services": [r"payday\s+loans?", r"cash\s+advances?", r"title\s+loans?",
                                     r"no\s+credit\s+check", r"bad\s+credit", r"debt\s+relief",
                                     r"debt\s+consolidation", r"debt\s+forgiveness",
                                     r"credit\s+repair", r"crypto(?:currency|currencies)?",
                                     r"bitcoin", r"forex", r"stock\s+(?:tips?|alerts?|picks?)"],
    "get-rich-quick schemes": [r"get\s+rich", r"make\s+money\s+fast",
                               r"work\s+from\s+home\s+(?:and\s+)?earn", r"guaranteed\s+income",
                               r"\$\d[\d,]*\s+(?:a|per)\s+(?:day|week)\s+from\s+home"],
    "lead generation": [r"lead\s+generation", r"affiliate\s+(?:marketing|offers?)",
                        r"(?:partners|sponsors)\s+will\s+(?:text|contact|call)\s+you"],
    "phishing": [r"account\s+(?:will\s+be\s+)?(?:locked|suspended)\s+unless",
                 r"confirm\s+your\s+(?:ssn|social\s+security|bank\s+password)"],
}  # fmt: skip
AGE_GATED = [
    r"alcohol\w*", r"beers?", r"wines?", r"liquors?", r"vodka", r"whiske?y", r"tequila",
    r"cocktails?", r"brewery", r"winery", r"happy\s+hour", r"tobacco", r"cigars?", r"cigarettes?",
    r"vapes?", r"vaping", r"e-?cigs?", r"nicotine", r"hookah",
]  # fmt: skip
LENDING = [
    r"loans?", r"lending", r"lenders?", r"line\s+of\s+credit", r"mortgages?", r"refinanc\w+",
    r"financing",
]  # fmt: skip
PROMOTIONAL = [
    r"\d+\s*%\s*off", r"\$\d+\s+off", r"sale", r"discounts?", r"coupons?", r"promo(?:\s+code)?",
    r"deals?", r"limited[\s-]time", r"shop\s+now", r"buy\s+now", r"free\s+shipping",
    r"special\s+offers?", r"exclusive\s+offers?", r"flash\s+sale", r"bogo",
]  # fmt: skip
OTP_WORDS = re.compile(
    r"(?i)\b(?:code|passcode|otp|pin|verification|verify|one[\s-]time|login|log\s+in|sign[\s-]in)\b"
)
OTP_CATEGORIES = {"ONE_TIME_PASSCODES", "TWO_FACTOR_AUTHENTICATION", "One-time passcodes"}
PROMO_CATEGORIES = {
    "PROMOTIONS_AND_MARKETING",
    "MARKETING",
    "MIXED",
    "LOW_VOLUME",
    "Promotions and marketing",
    "Other",
}


@rule(
    "RESTRICTED_CONTENT",
    severity="error",
    families=ALL - {"brand"},
    field_paths=("messageSamples.*", "use case and opt-in descriptions"),
    message="The registration describes content carriers prohibit.",
    fix_hint="Remove the restricted content; it cannot be registered for SMS.",
    source=sources.PROHIBITED,
)
def _restricted(draft: Draft):
    for path, text in content_texts(draft):
        for category, patterns in RESTRICTED.items():
            hit = any_match(patterns, text)
            if hit:
                yield Violation((path,), f"Category: {category} (“{hit}”).")
                break


@rule(
    "AGE_GATED_CONTENT",
    severity="error",
    families=ALL - {"brand"},
    field_paths=("messageSamples.*", "campaignUseCase.ageGated"),
    message="Alcohol or tobacco content needs an age gate.",
    fix_hint="For 10DLC answer Yes to age-gated content and gate the opt-in by age; toll-free "
    "and short codes cannot carry it.",
    source=sources.CAMPAIGN_REJECTIONS,
)
def _age_gated(draft: Draft):
    if draft.family == "campaign" and draft.text("campaignUseCase.ageGated") == "Yes":
        return
    for path, text in content_texts(draft):
        hit = any_match(AGE_GATED, text)
        if hit:
            yield Violation((path,), f"(“{hit}”)")
            return


@rule(
    "DIRECT_LENDING_ATTRIBUTE",
    severity="error",
    families={"campaign"},
    field_paths=("campaignUseCase.directLending",),
    message="The campaign is about lending but the direct-lending attribute says No.",
    fix_hint="Answer Yes to “Direct lending or loan arrangement” for any lending business.",
    source=sources.CAMPAIGN_REJECTIONS,
)
def _lending(draft: Draft):
    if draft.text("campaignUseCase.directLending") == "Yes":
        return
    for path, text in content_texts(draft):
        hit = any_match(LENDING, text)
        if hit:
            yield Violation((path, "campaignUseCase.directLending"), f"(“{hit}”)")
            return


@rule(
    "PROMOTIONAL_IN_TRANSACTIONAL",
    severity="error",
    families=ALL - {"brand"},
    field_paths=("messageSamples.*", "campaignCapabilities.messageType"),
    message="A sample carries marketing content but the use case is not marketing.",
    fix_hint="Keep offers out of this use case, or register a marketing use case for them.",
    source=sources.CAMPAIGN_REJECTIONS,
)
def _promotional(draft: Draft):
    path = USE_CASE.get(draft.family)
    category = draft.text(path) if path else ""
    transactional = draft.text("campaignCapabilities.messageType") == "Transactional"
    if category in PROMO_CATEGORIES and not transactional:
        return
    for sample_path, text in samples(draft):
        hit = any_match(PROMOTIONAL, text)
        if hit:
            yield Violation((sample_path, path or ""), f"(“{hit}”)")


@rule(
    "OTP_SAMPLES_CONSISTENT",
    severity="error",
    families=ALL - {"brand"},
    field_paths=("messageSamples.*",),
    message="The use case is one-time passcodes but a sample is not a passcode message.",
    fix_hint="Passcode registrations may only send codes; register other messages separately.",
    source=sources.TFN_REJECTIONS,
)
def _otp(draft: Draft):
    path = USE_CASE.get(draft.family)
    if not path or draft.text(path) not in OTP_CATEGORIES:
        return
    for sample_path, text in samples(draft):
        if not OTP_WORDS.search(text):
            yield Violation((sample_path,))
