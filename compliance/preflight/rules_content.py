"""Rules on what the messages are about: restricted content, age gating, lending, and whether
the samples fit the chosen use case."""

from __future__ import annotations

import re

from compliance.preflight import sources
from compliance.preflight.engine import ALL, Draft, Violation, rule
from compliance.preflight.fields import USE_CASE, USE_CASE_TEXT, content_texts, samples
from compliance.preflight.language import not_english
from compliance.preflight.phrases import lead_generation, without_names
from compliance.preflight.text import any_match, brand_names

# Categories of prohibited content named by the AWS guide (cannabis, SHAFT, gambling,
# high-risk financial services, get-rich-quick, third-party lead generation, phishing).
RESTRICTED = {
    "cannabis": [r"cannabis", r"marijuana", r"thc", r"dispensar(?:y|ies)", r"kratom",
                 r"psilocybin", r"magic\s+mushrooms?", r"cbd\s+(?:[\w-]+\s+)?(?:oils?|"
                 r"gumm(?:y|ies)|products?|tinctures?|edibles?|vapes?|balms?|creams?|lotions?|"
                 r"salves?|drinks?|capsules?|shop|store)", r"hemp\s+(?:oils?|extracts?|gummies)",
                 r"weed[\s-](?:infused|delivery|shop|store|gummies|edibles)", r"delta[\s-]?[89]",
                 r"pre-?rolls?", r"420\s+(?:special|deals?|sale|menu)", r"microdos\w*",
                 r"shrooms?", r"mmj(?:\s+cards?)?"],
    "firearms": [r"firearms?", r"handguns?", r"shotguns?", r"ammo", r"ammunition", r"gun\s+(?:shop|"
                 r"store|show|range|sale)s?", r"assault\s+(?:rifles?|weapons?)",
                 r"(?:ar|ak)-?(?:15|47)s?", r"lower\s+receivers?",
                 r"ffl\s+(?:dealers?|holders?|transfers?|licen[cs]e\w*)",
                 # cartridges by calibre, load and bullet: "9mm 115gr FMJ", "5.56 NATO",
                 # ".308 Win", "12 gauge shells", "hollow points", "buckshot"
                 r"fmj", r"jhp", r"hollow[\s-]?points?", r"buckshot", r"birdshot",
                 r"\d+\s*(?:gr|grain)\s+(?:fmj|jhp|hp|sp|ammo|rounds?|loads?|bullets?)",
                 r"(?:5\.56|7\.62)(?:\s*(?:nato|x\s*\d+(?:mm)?))?",
                 r"\.(?:22|223|243|270|300|308|30-06|357|38|380|40|44|45)\s*(?:lr|wmr|rem|win|acp|"
                 r"s&w|special|spl|magnum|mag|auto|blackout|caliber|cal)",
                 r"\d+[\s-]?(?:gauge|ga)\s+(?:shells?|loads?|ammo|shotguns?|slugs?|buckshot)",
                 r"(?:9|10)\s*mm\s+(?:luger|parabellum|rounds?|ammo|fmj|jhp|hollow|\d+\s*gr)"],
    "sexual content": [r"xxx", r"porn\w*", r"sexting",
                       r"adult\s+(?:content|entertainment|videos?)"],
    "hate": [r"white\s+power", r"racial\s+purity"],
    "gambling": [r"casinos?", r"sportsbooks?", r"sports\s+betting", r"bet\s+now",
                 r"online\s+betting", r"free\s+spins",
                 r"(?:place|placing)\s+(?:a\s+|your\s+)?bets?", r"parlays?",
                 r"odds\s+boosts?", r"(?:bet|wager)\s+\$\d+", r"free\s+bets?",
                 r"slot\s+machines?"],
    "high-risk financial services": [r"payday\s+loans?", r"title\s+loans?",
                                     r"no\s+credit\s+check", r"debt\s+relief",
                                     r"debt\s+consolidation", r"debt\s+forgiveness",
                                     r"debt\s+settlement", r"credit\s+repair",
                                     # credit repair by what it does: "disputes late payments
                                     # on your credit report", "fix your credit"
                                     r"credit\s+(?:restoration|fix(?:ing)?|rebuild(?:ing)?\s+"
                                     r"(?:program|service|plan)s?)",
                                     r"(?:fix|repair|restore)\s+your\s+credit(?!\s+card)",
                                     r"(?:disput\w*|remov\w*|delet\w*|eras\w*|challeng\w*)\s+"
                                     r"(?:\w+\s+){0,4}?(?:late\s+payments?|collections?|"
                                     r"negative\s+(?:items?|marks?|entries)|charge[\s-]?offs?|"
                                     r"derogatory\s+(?:items?|marks?|accounts?)|repossessions?|"
                                     r"bankruptc(?:y|ies))\b[^.]{0,60}?\bcredit\s+(?:reports?|"
                                     r"files?|histor(?:y|ies)|scores?)",
                                     r"crypto\s+signals?", r"(?:trading|investment)\s+signals?",
                                     # a trade signal by what it says: "entry at $[price],
                                     # target +35%"
                                     r"target\s+\+\s?\d+\s*%",
                                     # payday pricing: "fee $15 per $100"
                                     r"\$\d+\s+(?:fee\s+)?per\s+\$100\b",
                                     r"(?:entry|buy\s+zone|buy)\s+(?:at|@|zone|price)\s+"
                                     r"[^.]{0,30}?\b(?:target|take[\s-]profit|tp)\b",
                                     r"debt\s+collect\w*", r"collections?\s+agency",
                                     r"placed\s+(?:with|in)\s+(?:\w+\s+){0,2}collections?",
                                     r"(?:collect\w*|recover\w*)\s+(?:\w+\s+){0,4}(?:for|on\s+"
                                     r"behalf\s+of)\s+(?:a|the|your)\s+(?:original\s+)?creditors?",
                                     r"creditor\]?[^.]{0,40}?(?:balance|debt|past\s+due|owed?)\b",
                                     # debt reduction: an offer to take away (part of)
                                     # what the person owes, "erase up to 60% of what you
                                     # owe", "cut your card debt in half"
                                     # debt consolidation by what it does: "consolidate
                                     # your high-interest card debt into one payment"
                                     r"consolidat\w*\s+(?:[\w$\[\]-]+\s+){0,6}?(?:debts?|"
                                     r"credit[\s-]cards?|card\s+balances|high[\s-]interest)",
                                     r"(?:reduce|cut|lower|slash|settle|erase|eliminate|"
                                     r"forgive|wipe\s+out)\s+(?:up\s+to\s+)?(?:(?:\d+\s*%|"
                                     r"half|most|part|some|much)\s+of\s+)?(?:what\s+you\s+owe|"
                                     r"your\s+(?:[\w-]+\s+){0,2}debts?|debts?)"],
    "get-rich-quick schemes": [r"get\s+rich", r"make\s+money\s+fast",
                               r"work\s+from\s+home\s+(?:and\s+)?earn", r"guaranteed\s+income",
                               r"\$\d[\d,]*\s+(?:a|per)\s+(?:day|week|month)\s+(?:from|at|"
                               r"with)\s+(?:home|your\s+phone)",
                               # AWS guide: pyramid or multi-level marketing schemes,
                               # risk-investment opportunities
                               r"multi-?level\s+marketing", r"mlm", r"pyramid\s+schemes?",
                               r"be\s+your\s+own\s+boss", r"downlines?",
                               r"guaranteed\s+(?:returns?|profits?|payouts?)",
                               r"risk[\s-]free\s+(?:investments?|returns?|profits?)"],
    "phishing": [r"account\s+(?:will\s+be\s+)?(?:locked|suspended)\s+unless",
                 r"confirm\s+your\s+(?:ssn|social\s+security|bank\s+password)"],
}  # fmt: skip
# Words that name a prohibited category in one business and something harmless in another
# (CBD is also Singapore's central business district, a glue gun is a tool, a bank warns about
# crypto scams, a first-party lender has a collections team): a warning staff read.
RESTRICTED_POSSIBLE = {
    "cannabis": [r"cbd", r"weed", r"edibles", r"420"],
    "firearms": [r"guns?", r"rifles?", r"pistols?", r"gun\s+shop", r"revolvers?",
                 r"silencers?", r"suppressors?", r"ffl",
                 r"cartridges?\s+(?:and|or|&)\s+(?:shells?|rounds?)"],
    "sexual content": [r"escorts?", r"nudes?", r"hook-?ups?"],
    "gambling": [r"split\s+the\s+pot", r"winners?\s+takes?\s+(?:all|the\s+pot)",
                 r"(?:\$\d+|cash)\s+buy-?ins?", r"betting", r"wagers?", r"poker", r"jackpots?",
                 r"bets?", r"sweepstakes",
                 r"lottery", r"lotto", r"powerball", r"mega\s+millions", r"scratch[\s-]?offs?",
                 r"raffles?"],
    "high-risk financial services": [r"cash\s+advances?", r"bad\s+credit",
                                     r"crypto(?:currency|currencies)?", r"bitcoin", r"forex",
                                     r"stock\s+(?:tips?|alerts?|picks?)",
                                     r"collections?\s+(?:team|department|account)",
                                     r"rebuild\s+your\s+credit",
                                     # an advance paid back out of the next pay
                                     r"repaid\s+(?:from|on|out\s+of|with)\s+(?:your\s+)?(?:next\s+)?"
                                     r"(?:paycheck|payday|pay\s*check|pay\s+day|\[\w*pay\w*\]\s+"
                                     r"(?:check|paycheck))",
                                     r"(?:boost|raise|improve)\s+your\s+(?:credit\s+)?score\s+"
                                     r"fast",
                                     r"(?:struggling\s+with|tired\s+of|drowning\s+in)\s+"
                                     r"(?:\w+\s+)?debts?"],
    # income claims: "clears $12k/mo working 2 hrs a day from her phone", "fired her boss",
    # "replacing their paycheck" (a course may also promise a career: staff read it)
    "get-rich-quick schemes": [r"\$\d[\d,.]*k?\s*(?:/|a|per)\s*(?:mo|month|wk|week|day)\b"
                               r"[^.]{0,60}?\b(?:from\s+(?:home|the\s+couch|(?:her|his|your|their|my)\s+"
                               r"(?:phone|couch|laptop|kitchen))|working\s+(?:just\s+|only\s+)?\d)",
                               r"fired\s+(?:her|his|my|their|your)\s+boss",
                               r"replac\w+\s+(?:your|their|her|his|my)\s+(?:paycheck|salary|"
                               r"income|9-to-5|day\s+job)",
                               r"quit\s+(?:your|their|her|his|my)\s+(?:9-to-5|day\s+job)"],
}  # fmt: skip
AGE_GATED = [
    r"alcohol\w*", r"beers?", r"wines?", r"liquors?", r"vodka", r"whiske?y", r"tequila",
    r"cocktails?", r"brewery", r"winery", r"happy\s+hour", r"tobacco", r"cigars?", r"cigarettes?",
    r"vapes?", r"vaping", r"e-?cigs?", r"nicotine", r"hookah",
    r"distiller(?:y|ies)", r"distilling", r"bourbon", r"mezcal", r"cognac", r"brandy",
    r"taprooms?", r"hard\s+seltzers?", r"shisha", r"cigarillos?", r"humidors?",
    r"mimosas?", r"margaritas?", r"sangria", r"champagne", r"prosecco", r"martinis?", r"mojitos?",
    r"spritz(?:es)?", r"booze", r"boozy", r"open\s+bar", r"hard\s+ciders?", r"lagers?",
    r"bottomless\s+(?:drinks|bellinis?|bloody\s+marys?)", r"rum",
]  # fmt: skip
# An age gate the registration describes: "21+", "21 or older", "of legal drinking age", "date
# of birth", "age verification", Indonesian "usia 21+".
AGE_GATE = re.compile(
    r"(?i)(?<![\w$.,])(?:1[89]|2[01])\s?\+|\b(?:1[89]|2[01])\s+(?:years?\s+(?:old\s+)?)?(?:or|and)\s+"
    r"(?:older|over|up)\b|\b(?:over|above|at\s+least|aged)\s+(?:the\s+age\s+of\s+)?(?:1[89]|2[01])\b|"
    r"\b(?:legal|lawful|minimum)\s+(?:drinking|smoking|purchase|purchasing)\s+age\b|"
    r"\bage[\s-](?:gat\w*|verif\w*|check\w*|confirm\w*|restrict\w*)|"
    r"\b(?:verif\w*|confirm\w*|check\w*)\s+(?:\w+\s+){0,2}age\b|\bdates?\s+of\s+birth\b|"
    r"\bbirth\s*dates?\b|\bdob\b|\busia\s+(?:minimal\s+)?(?:1[89]|2[01])\b|\bID[\s-]verified\b"
)
_NO_GATE_BEFORE = re.compile(
    r"(?i)\b(?:no|not|without|never|nor|don't|doesn't|isn't|aren't|don’t|doesn’t)\b[^.;:]{0,25}$"
)


def age_gate(draft: Draft) -> str | None:
    """The age gate the registration describes, if it describes one (and does not deny it)."""
    for _path, text in content_texts(draft):
        for found in AGE_GATE.finditer(text):
            if not _NO_GATE_BEFORE.search(text[max(0, found.start() - 40) : found.start()]):
                return found.group(0)
    return None


LENDING = [
    r"loans?", r"lending", r"lenders?", r"line\s+of\s+credit", r"mortgages?", r"refinanc\w+",
    r"financing",
]  # fmt: skip
PROMOTIONAL = [
    r"\d+\s*%\s*off", r"\$\d+\s+off", r"sale", r"discounts?", r"coupons?", r"promo(?:\s+code)?",
    r"deals?", r"limited[\s-]time", r"shop\s+now", r"buy\s+now", r"free\s+shipping",
    r"special\s+offers?", r"exclusive\s+offers?", r"flash\s+sale", r"bogo",
]  # fmt: skip
# Passcode words, also in the languages the sender ID countries write their samples in
# (Indonesian "kode verifikasi", Hindi "कोड", Spanish "código").
OTP_WORDS = re.compile(
    r"(?i)\b(?:code|passcode|otp|pin|verification|verify|one[\s-]time|login|log\s+in|sign[\s-]in|"
    r"kode|verifikasi|sandi|código|codigo|verificaci\w+|contraseña)\b|कोड|ओटीपी|सत्यापन"
)


def category_key(value: str) -> str:
    """A use case category however a form spells it: "Promotions and Marketing",
    "PROMOTIONS_AND_MARKETING" and "promotions-and-marketing" are one key."""
    return re.sub(r"[^a-z0-9]+", "_", (value or "").lower()).strip("_")


OTP_CATEGORIES = {
    category_key(c)
    for c in (
        "ONE_TIME_PASSCODES",
        "TWO_FACTOR_AUTHENTICATION",
        "One-time passcodes",
        "One-time passwords",
        "Two-factor authentication",
    )
}
PROMO_CATEGORIES = {
    category_key(c)
    for c in (
        "PROMOTIONS_AND_MARKETING",
        "MARKETING",
        "MIXED",
        "LOW_VOLUME",
        "Other",
        "Promotional",  # the short code form's message type
        "Promotions and marketing",
    )
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
    "RESTRICTED_CONTENT_POSSIBLE",
    severity="warning",
    families=ALL - {"brand"},
    field_paths=("messageSamples.*", "use case and opt-in descriptions"),
    message="The registration may describe content carriers prohibit.",
    fix_hint="If the business deals in it (cannabis, firearms, gambling, high-risk finance, "
    "adult content), it cannot be registered; if the word means something else here, staff "
    "confirm it.",
    source=sources.PROHIBITED,
)
def _restricted_possible(draft: Draft):
    for path, text in content_texts(draft):
        if any(any_match(patterns, text) for patterns in RESTRICTED.values()):
            continue  # RESTRICTED_CONTENT says it
        for category, patterns in RESTRICTED_POSSIBLE.items():
            hit = any_match(patterns, text)
            if hit:
                yield Violation((path,), f"Category: {category} (“{hit}”).")
                break


def _age_gated_content(draft: Draft):
    if draft.family == "campaign" and draft.text("campaignUseCase.ageGated") == "Yes":
        return
    for path, text in content_texts(draft):
        hit = any_match(AGE_GATED, text)
        if hit:
            yield Violation((path,), f"(“{hit}”)")


# The AWS rejection reasons read "alcohol with failure to age gate" and "tobacco/vape with
# failure to age gate": content with no age gate anywhere is the documented rejection.
@rule(
    "AGE_GATED_CONTENT",
    severity="error",
    families=ALL - {"brand", "campaign"},
    field_paths=("messageSamples.*", "campaignUseCase.ageGated"),
    message="Alcohol or tobacco content needs an age gate, and the registration describes none.",
    fix_hint="Gate the opt-in by age (a date of birth or a 21+ confirmation before the first "
    "message) and say so in the opt-in description; for 10DLC also answer Yes to age-gated "
    "content.",
    source=sources.CAMPAIGN_REJECTIONS,
)
def _age_gated(draft: Draft):
    if not age_gate(draft):
        yield from _age_gated_content(draft)


# With an age gate described, the guide still says such content "may be considered restricted,
# and [is] subject to heavy filtering": a warning staff read, not a block.
@rule(
    "AGE_GATED_CONTENT_CHECK",
    severity="warning",
    families=ALL - {"brand", "campaign"},
    field_paths=("messageSamples.*",),
    message="Alcohol or tobacco content: carriers may still filter it, even behind the age gate "
    "the registration describes.",
    fix_hint="Make sure the age is checked before the first message (not only at pickup) and "
    "that the opt-in description says how; staff confirm it.",
    source=sources.PROHIBITED,
)
def _age_gated_check(draft: Draft):
    gate = age_gate(draft)
    if gate:
        for violation in _age_gated_content(draft):
            yield Violation(violation.field_paths, f"{violation.detail} Age gate: “{gate}”.")


# On 10DLC the guide only warns ("a potential to be rejected or … suspended later if your
# content includes age gated material and you do not mark yes"), and a restaurant's wine dinner
# is read from a keyword: a warning staff confirm.
@rule(
    "AGE_GATED_ATTRIBUTE",
    severity="warning",
    families={"campaign"},
    field_paths=("messageSamples.*", "campaignUseCase.ageGated"),
    message="The campaign may carry alcohol or tobacco content but age-gated content says No.",
    fix_hint="If the messages promote alcohol or tobacco, answer Yes to age-gated content and "
    "gate the opt-in by age.",
    source=sources.CAMPAIGN_REJECTIONS,
)
def _age_gated_attribute(draft: Draft):
    for violation in _age_gated_content(draft):
        yield Violation((*violation.field_paths, "campaignUseCase.ageGated"), violation.detail)


# Lending, marketing and passcode content are read from keywords ("loan" is also a library's,
# "sale" also a receipt's): these consistency checks are warnings staff confirm.
@rule(
    "DIRECT_LENDING_ATTRIBUTE",
    severity="warning",
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
    severity="warning",
    families=ALL - {"brand"},
    field_paths=("messageSamples.*", "campaignCapabilities.messageType"),
    message="A sample carries marketing content but the use case is not marketing.",
    fix_hint="Keep offers out of this use case, or register a marketing use case for them.",
    source=sources.CAMPAIGN_REJECTIONS,
)
def _promotional(draft: Draft):
    path = USE_CASE.get(draft.family)
    chosen = {category_key(c) for c in draft.choices(path)} if path else set()
    transactional = draft.text("campaignCapabilities.messageType") == "Transactional"
    paths = (path or "",)
    # A MIXED or LOW_VOLUME campaign carries offers only if marketing is among its sub use cases.
    subs = [category_key(s) for s in draft.choices("campaignUseCase.subUseCases")]
    if chosen & {"mixed", "low_volume"} and subs and "marketing" not in subs:
        paths = (path, "campaignUseCase.subUseCases")
    elif chosen & PROMO_CATEGORIES and not transactional:
        return
    for sample_path, text in samples(draft):
        hit = any_match(PROMOTIONAL, text)
        if hit:
            yield Violation((sample_path, *paths), f"(“{hit}”)")


@rule(
    "OTP_SAMPLES_CONSISTENT",
    severity="warning",
    families=ALL - {"brand"},
    field_paths=("messageSamples.*", "use case category"),
    message="The use case is one-time passcodes but a sample is not a passcode message.",
    fix_hint="Passcode registrations may only send codes; register other messages separately.",
    source=sources.TFN_REJECTIONS,
)
def _otp(draft: Draft):
    path = USE_CASE.get(draft.family)
    if not path or category_key(draft.text(path)) not in OTP_CATEGORIES:
        return
    for sample_path, text in samples(draft):
        # a booking, order or promo code is not a passcode ("booking code [BookingCode]")
        if not OTP_WORDS.search(_NOT_A_PASSCODE.sub(" ", text)):
            # the sample or the chosen category is what must change
            yield Violation((sample_path, path))


_NOT_A_PASSCODE = re.compile(
    r"(?i)\b(?:booking|order|confirmation|tracking|promo|discount|coupon|reference|ref|gift|"
    r"voucher|referral|reservation|ticket)\s+(?:code|no\.?|number)\b|(?:बुकिंग|ऑर्डर)\s+कोड"
)


PASSCODE = re.compile(
    r"(?i)\b(?:(?:verification|security|login|log-in|sign-in|one[\s-]time|access|auth\w*)\s+"
    r"(?:code|pin|passcode|password)|passcodes?|otp|2fa)\b"
)
# Categories under which a passcode has no place (the passcode is a use case of its own).
NO_PASSCODE = {
    category_key(c)
    for c in (
        "MARKETING",
        "PROMOTIONS_AND_MARKETING",
        "Promotions and marketing",
        "POLLING_VOTING",
        "NON_POLITICAL_POLLING_AND_SURVEY",
        "Polling and surveys",
        "PUBLIC_SERVICE_ANNOUNCEMENT",
        "PUBLIC_ANNOUNCEMENTS",
        "Public service announcements",
        "CHARITY",
        "NON_PROFIT",
        "DELIVERY_NOTIFICATION",
        "DELIVERY_NOTIFICATIONS",
        "APPOINTMENT",
        "BOOKING",
        "EVENT_NOTIFICATIONS",
    )
}


@rule(
    "PASSCODE_OUTSIDE_OTP",
    severity="warning",
    families=ALL - {"brand"},
    field_paths=("messageSamples.*",),
    message="A sample sends a passcode but the use case is not one-time passcodes.",
    fix_hint="Register passcodes under their own use case (2FA / one-time passcodes), or remove "
    "the sample.",
    source=sources.USE_CASE_MATCH,
)
def _passcode_outside(draft: Draft):
    path = USE_CASE.get(draft.family)
    if not path or not {category_key(c) for c in draft.choices(path)} & NO_PASSCODE:
        return
    for sample_path, text in samples(draft):
        found = PASSCODE.search(text)
        if found:
            yield Violation((sample_path, path), f"(“{found.group(0)}”)")


def _lead_rule(rule_id: str, sure: bool) -> None:
    @rule(
        rule_id,
        severity="error" if sure else "warning",
        families=ALL - {"brand"},
        field_paths=("messageSamples.*", "use case and opt-in descriptions"),
        message="The registration describes third-party lead generation or affiliate marketing."
        if sure
        else "The registration may describe lead generation (passing people on to other "
        "businesses).",
        fix_hint="Carriers prohibit lead generation: messages may only come from the business "
        "the person opted in with, about its own services."
        if sure
        else "If the tenant serves its own customers, say so plainly; staff check this wording.",
        source=sources.LEAD_GENERATION,
    )
    def _check(draft: Draft):
        names = [draft.text(p) for p in ("companyInfo.companyName", "contactInfo.dbaName")]
        names = [n for n in [*draft.brand_names, *names] if n]
        for path, text in content_texts(draft):
            found = lead_generation(text, names)
            if found and found.sure == sure:
                yield Violation((path,), f"(“{found.found}”)")


_lead_rule("LEAD_GENERATION", sure=True)
_lead_rule("LEAD_GENERATION_POSSIBLE", sure=False)


# --- The use case details say what the chosen category says ------------------------------------

TOPICS = {
    "otp": r"(?:pass)?codes?|otp|one[\s-]time|passwords?|verif\w+|2fa|two[\s-]factor|"
    r"multi[\s-]factor|mfa|authenticat\w+|log(?:s|ging)?[\s-]?in|sign(?:s|ing)?[\s-]?in",
    "marketing": r"offers?|promotions?|promotional|promo|discounts?|sales?|deals?|coupons?|"
    r"marketing|new\s+arrivals|product\s+launch\w*|launch(?:es)?|specials?|flash|loyalty|rewards?|"
    r"vip|exclusive|newsletters?|news|invitations?|invites?|menus?|seasonal|% off",
    "delivery": r"deliver(?:y|ies|ed)|shipments?|shipping|shipped|packages?|parcels?|couriers?|"
    r"tracking|dispatch\w*|out\s+for\s+delivery|pick[\s-]?ups?|drop[\s-]?offs?",
    "appointment": r"appointments?|bookings?|reservations?|visits?|reschedul\w+|check[\s-]?ins?|"
    r"schedul\w+|consultations?|sessions?|classes|tables?",
    "account": r"accounts?|balances?|statements?|bills?|billing|invoices?|payments?|due|"
    r"subscriptions?|renewals?|memberships?|profile|password\s+reset|orders?|receipts?",
    "fraud": r"fraud\w*|suspicious|unauthori[sz]ed|security|breach\w*|compromised|unusual\s+"
    r"activity|locked",
    "care": r"support|customer\s+(?:service|care)|help\s*desk|inquir(?:y|ies)|questions?|"
    r"tickets?|conversations?|replies|chat|agents?",
    "polling": r"surveys?|polls?|polling|feedback|vot(?:e|es|ing)|ratings?|questionnaires?|"
    r"rate|rates\s+(?:the|their|your|us)|recommend(?:s|ed|ation)?|satisfaction|nps|reviews?",
    "public": r"public|residents?|citizens?|emergenc(?:y|ies)|outages?|weather|closures?|"
    r"advisor(?:y|ies)|community|safety|boil[\s-]water|evacuat\w+",
    "education": r"students?|school|courses?|campus|classes|enrol+(?:ment)?|tuition|"
    r"semesters?|parents|teachers?|university|college|admissions?",
    "health": r"patients?|prescriptions?|medications?|clinic|lab\s+results?|doctors?|"
    r"dental|medical|health|pharmacy|refills?|care\s+team",
    "charity": r"donations?|donors?|volunteers?|fundrais\w+|charit\w+|non[\s-]?profit|"
    r"giving|campaigns?",
    "financial": r"payments?|transactions?|deposits?|withdrawals?|transfers?|receipts?|"
    r"invoices?|card|purchases?|refunds?|charges?|"
    # a booking or order confirmed is a purchase confirmed
    r"(?:booking|order|purchase|reservation|ticket)\s+confirmations?",
    "event": r"events?|tickets?|concerts?|shows?|festivals?|conferences?|schedule\s+changes?|"
    r"gates?|venues?",
}
# The topics each category is about. A category missing here (MIXED, LOW_VOLUME, "Other",
# "Info on demand") fits any topic.
_CATEGORY_TOPICS = {
    "Two-factor authentication": {"otp"},
    "One-time passwords": {"otp"},
    "Notifications": {
        "account",
        "delivery",
        "appointment",
        "event",
        "fraud",
        "financial",
        "otp",
        "public",
        "health",
        "education",
        "care",
    },
    "ONE_TIME_PASSCODES": {"otp"},
    "TWO_FACTOR_AUTHENTICATION": {"otp"},
    "One-time passcodes": {"otp"},
    "PROMOTIONS_AND_MARKETING": {"marketing", "event"},
    "MARKETING": {"marketing", "event"},
    "Promotions and marketing": {"marketing", "event"},
    "DELIVERY_NOTIFICATIONS": {"delivery", "account"},
    "DELIVERY_NOTIFICATION": {"delivery", "account"},
    "Purchase or delivery notifications": {"delivery", "account", "financial"},
    "APPOINTMENT": {"appointment", "health"},
    "BOOKING": {"appointment", "event"},
    "ACCOUNT_NOTIFICATIONS": {"account", "fraud", "financial", "otp", "appointment", "delivery"},
    "ACCOUNT_NOTIFICATION": {"account", "fraud", "financial", "otp", "appointment", "delivery"},
    # the sender ID forms' short list has no appointment category: reminders for an
    # account holder's booking are the account alerts there (as ACCOUNT_NOTIFICATIONS above)
    "Account or security alerts": {"account", "fraud", "otp", "appointment"},
    "FRAUD_ALERT": {"fraud"},
    "SECURITY_ALERT": {"fraud", "account", "otp"},
    "CUSTOMER_CARE": {"care", "account", "appointment", "delivery"},  # "all customer interaction"
    "NON_POLITICAL_POLLING_AND_SURVEY": {"polling"},
    "POLLING_VOTING": {"polling"},
    "Polling and surveys": {"polling"},
    "PUBLIC_ANNOUNCEMENTS": {"public", "event", "education", "health", "charity"},
    # a not-for-profit's notices to its community and volunteers are public service messages
    "PUBLIC_SERVICE_ANNOUNCEMENT": {"public", "event", "education", "health", "charity"},
    "Public service announcements": {"public", "event", "education", "health", "charity"},
    "EDUCATION": {"education", "appointment", "event"},
    "HIGHER_EDUCATION": {"education", "appointment", "event"},
    "HEALTH_CARE": {"health", "appointment"},
    "FINANCIAL_TRANSACTIONS": {"financial", "account", "fraud"},
    "EVENT_NOTIFICATIONS": {"event", "appointment"},
    "NON_PROFIT": {"charity", "public", "event"},
    "CHARITY": {"charity", "public", "event"},
}
CATEGORY_TOPICS = {category_key(k): v for k, v in _CATEGORY_TOPICS.items()}
# Categories so narrow that details which never name their topic describe something else.
NARROW = {"otp", "polling", "fraud", "marketing", "event"}
_NARROW_WORDS = {
    "otp": "codes",
    "polling": "surveys",
    "fraud": "fraud or security",
    "marketing": "offers",
    "event": "events",
}
# Topics that are not a kind of message of their own: they describe who or what, not why.
_CONTEXT_ONLY = {"health", "care", "education", "event", "account", "financial", "public"}


def topic_hits(text: str) -> dict[str, set[str]]:
    hits = {}
    for topic, pattern in TOPICS.items():
        found = {m.lower() for m in re.findall(rf"(?i)(?<![\w-])(?:{pattern})(?![\w-])", text)}
        if found:
            hits[topic] = found
    return hits


@rule(
    "USE_CASE_CATEGORY_MISMATCH",
    severity="warning",
    families={"tfn", "campaign", "sender_id"},
    field_paths=tuple(sorted(set(USE_CASE_TEXT.values()) - {"useCase.companyOverview"}))
    + tuple(sorted(set(USE_CASE.values()) - {"useCase.messageTypes"})),
    message="The use case description is about something else than the chosen category.",
    fix_hint="Choose the category the messages belong to, or describe the messages of that "
    "category; reviewers reject a mismatch.",
    source=sources.USE_CASE_MATCH,
)
def _category_mismatch(draft: Draft):
    category_path, text_path = USE_CASE.get(draft.family), USE_CASE_TEXT.get(draft.family)
    if draft.family == "short_code" or not category_path or not text_path:
        return
    wanted = CATEGORY_TOPICS.get(category_key(draft.text(category_path)))
    text = draft.text(text_path)
    if not wanted or len(text) < 30:
        return
    names = [draft.text(p) for p in ("companyInfo.companyName", "contactInfo.dbaName")]
    hits = topic_hits(without_names(text, [n for n in [*draft.brand_names, *names] if n]))
    if any(topic in hits for topic in wanted):
        return
    if wanted <= NARROW:  # codes or surveys: the details must speak of them
        yield Violation(
            (text_path, category_path),
            f"(“{draft.text(category_path)}”, but it does not speak of "
            f"{', '.join(_NARROW_WORDS[t] for t in sorted(wanted))})",
        )
        return
    strong = {t: words for t, words in hits.items() if t not in _CONTEXT_ONLY and len(words) >= 2}
    if strong:
        topic = max(strong, key=lambda t: len(strong[t]))
        words = ", ".join(sorted(strong[topic])[:3])
        yield Violation(
            (text_path, category_path), f"(“{draft.text(category_path)}”, but it speaks of {words})"
        )


# Use cases defined by who sends, not by what (AWS SMS User Guide, 10DLC use cases): "Higher
# education – Campaigns created on behalf of Colleges or Universities … School Districts and
# education institutions"; "Charity – Communications from a non-religious registered 501(c)(3)
# charity". The vertical the campaign gives, its names and its texts show who sends.
SENDER_KINDS = {
    "HIGHER_EDUCATION": (
        {"EDUCATION"},
        "a college, university, school district or other education institution",
        TOPICS["education"] + r"|academy|institute|faculty|alumni|tutor\w*|lessons?|"
        r"school\s+district",
    ),
    "CHARITY": (
        {"NGO"},
        "a registered charity",
        TOPICS["charity"] + r"|501\s*\(c\)\s*\(3\)|food\s+(?:bank|pantry)|pantry|shelter|"
        r"foundation|relief",
    ),
}


@rule(
    "USE_CASE_SENDER_MISMATCH",
    severity="warning",
    families={"campaign"},
    field_paths=("campaignUseCase.useCase", "campaignInfo.vertical"),
    message="The use case is reserved for a kind of sender this campaign does not show itself "
    "to be.",
    fix_hint="Choose the use case the messages belong to (for example fraud alerts or account "
    "notifications); reviewers reject a use case that does not fit the sender.",
    source=f"{sources.CAMPAIGN_FORM}; {sources.USE_CASE_MATCH}",
)
def _sender_mismatch(draft: Draft):
    use_case = category_key(draft.text("campaignUseCase.useCase")).upper()
    if use_case not in SENDER_KINDS:
        return
    verticals, kind, pattern = SENDER_KINDS[use_case]
    vertical = draft.text("campaignInfo.vertical").upper()
    if vertical in verticals:
        return
    names = [draft.text(p) for p in ("companyInfo.companyName", "contactInfo.dbaName")]
    texts = [*draft.brand_names, *names, *(text for _, text in content_texts(draft))]
    if any(re.search(rf"(?i)(?<![\w-])(?:{pattern})(?![\w-])", t) for t in texts if t):
        return
    yield Violation(
        ("campaignUseCase.useCase", "campaignInfo.vertical"),
        f"(“{draft.text('campaignUseCase.useCase')}” is for {kind}"
        + (f"; the vertical is {vertical})" if vertical else ")"),
    )


# A short code's use case description names the messages the program sends; the samples, the
# company overview and the opt-in show what it really sends. A description about a subject
# (patients and prescriptions, students, donations, passcodes, surveys, fraud) that none of them
# speaks of describes another program (AWS Messaging blog: samples consistent with the use case).
SUBJECTS = ("health", "education", "charity", "otp", "polling", "fraud")
SHORT_CODE_DESCRIPTIONS = ("useCase.programDescription", "useCase.description")


@rule(
    "USE_CASE_DESCRIPTION_MISMATCH",
    severity="warning",
    families={"short_code"},
    field_paths=SHORT_CODE_DESCRIPTIONS,
    message="The use case description speaks of messages the samples and the program do not send.",
    fix_hint="Describe the messages this program sends, as its samples show them; reviewers "
    "reject a description that does not fit the samples.",
    source=sources.USE_CASE_MATCH,
)
def _description_mismatch(draft: Draft):
    path = next((p for p in SHORT_CODE_DESCRIPTIONS if draft.text(p)), "")
    if not path:
        return
    names = [draft.text("companyInfo.companyName"), *draft.brand_names]
    described = topic_hits(without_names(draft.text(path), [n for n in names if n]))
    subjects = {t: words for t, words in described.items() if t in SUBJECTS}
    if not subjects:
        return
    rest = " \n".join(
        [text for _, text in samples(draft)]
        + [draft.text(p) for p in ("useCase.companyOverview", "optIn.optInDescription")]
    )
    if not rest.strip():
        return
    shown = topic_hits(rest)
    if set(subjects) & set(shown):
        return
    # The description may name that subject beside what the program does send ("receipts,
    # renewals and security notices"): only a description mostly about it is another program's.
    shared = sum(len(words) for t, words in described.items() if t in shown)
    if sum(len(words) for words in subjects.values()) <= shared:
        return
    words = ", ".join(sorted(w for words in subjects.values() for w in words)[:3])
    yield Violation((path,), f"(it speaks of {words})")


# --- Written in English -------------------------------------------------------------------------

ENGLISH_PATHS = {
    "tfn": ("messagingUseCase.useCaseDetails", "messagingUseCase.optInDescription"),
    "campaign": ("campaignInfo.campaignName", "campaignInfo.optInWorkflow"),
    "sender_id": ("messagingUseCase.useCaseDescription", "messagingUseCase.optInDescription"),
    "short_code": ("useCase.companyOverview", "optIn.optInDescription"),
}


def _english_rule(rule_id: str, sure: bool) -> None:
    @rule(
        rule_id,
        severity="error" if sure else "warning",
        # English is the toll-free form's rule ("Answers must be written in English"); US
        # reviewers read 10DLC and short code too. Sender ID forms are read in their country,
        # where the local language is natural: no finding there.
        families={"tfn"} if sure else {"tfn", "campaign", "short_code"},
        field_paths=tuple(p for paths in ENGLISH_PATHS.values() for p in paths),
        message="A description the reviewers read is not written in English."
        if sure
        else "A description the reviewers read may not be in English.",
        fix_hint="Write the use case and opt-in descriptions in English (sample messages may be "
        "in the language recipients read).",
        source=sources.ENGLISH,
    )
    def _check(draft: Draft):
        names = [n for n in [*draft.brand_names, *brand_names(draft)] if n]
        for path in ENGLISH_PATHS.get(draft.family, ()):
            text = draft.text(path)
            verdict = not_english(text, names) if len(text) >= 30 else None
            if verdict is None:
                continue
            # An error only on toll-free, where the rule is written, and when both signals agree.
            is_error = draft.family == "tfn" and verdict.sure
            if is_error == sure:
                yield Violation((path,), f"(reads as {verdict.language.title()})")


_english_rule("NOT_ENGLISH", sure=True)
_english_rule("MAYBE_NOT_ENGLISH", sure=False)
