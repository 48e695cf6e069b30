"""Text helpers shared by the rules: brand matching, links, phone numbers, e-mail domains and
the keyword lists taken from the reference documents."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from compliance.preflight.engine import Draft

_LEGAL_SUFFIXES = {
    "inc", "incorporated", "llc", "llp", "ltd", "limited", "corp", "corporation", "co",
    "company", "plc", "gmbh", "ag", "sa", "sas", "bv", "pty", "pte", "the",
}  # fmt: skip


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("&", " and "))


def brand_core(name: str) -> str:
    """The distinctive part of a company name: lower case, no punctuation or legal suffix."""
    words = [w for w in _words(name) if w not in _LEGAL_SUFFIXES]
    return " ".join(words)


def brand_names(draft: Draft) -> list[str]:
    names = list(draft.brand_names)
    for path in ("companyInfo.companyName", "contactInfo.dbaName"):
        if draft.text(path):
            names.append(draft.text(path))
    cores = []
    for name in names:
        core = brand_core(name)
        if core and core not in cores:
            cores.append(core)
    return cores


def _brand_forms(core: str) -> list[str]:
    """The ways a brand is written in short messages: the full name, its leading words down to
    one distinctive word ("Larkspur Dental Group" → "larkspur dental", "larkspur"), and the
    squashed form ("nusantaratrip")."""
    words = core.split()
    forms = [" ".join(words[:k]) for k in range(len(words), 0, -1)]
    return [f for f in forms if len(f.replace(" ", "")) >= 5 or f == core]


def mentions_brand(text: str, cores: list[str]) -> bool:
    """True when the text names one of the brands (spacing and case do not matter)."""
    words = " ".join(_words(text))
    squashed = words.replace(" ", "")
    for core in cores:
        for form in _brand_forms(core):
            if re.search(rf"(^|\s){re.escape(form)}($|\s)", words):
                return True
        if len(core.replace(" ", "")) >= 4 and core.replace(" ", "") in squashed:
            return True
    return False


# --- Links -----------------------------------------------------------------------------------

_URL = re.compile(
    r"(?i)\b(?:https?://[^\s<>\"']+|www\.[^\s<>\"']+|"
    r"(?:[a-z0-9-]+\.)+(?:com|net|org|io|co|ly|gl|gd|me|us|cc|at|id|to|info|biz|app|link|"
    r"shop|store|page|site)(?:/[^\s<>\"']*)?)"
)
# Public shorteners (the documents name TinyURL and Bit.ly; the others work the same way).
SHORTENERS = {
    "bit.ly", "bitly.com", "tinyurl.com", "goo.gl", "ow.ly", "t.co", "is.gd", "buff.ly",
    "cutt.ly", "shorturl.at", "tiny.cc", "rb.gy", "t.ly", "s.id", "v.gd", "rebrand.ly",
    "shorte.st", "adf.ly", "bl.ink", "tiny.one", "lnkd.in", "qr.net", "soo.gd", "clck.ru",
}  # fmt: skip


def urls_in(text: str) -> list[str]:
    return [u.rstrip(".,;:!?)") for u in _URL.findall(text)]


def host_of(url: str) -> str:
    url = url.strip()
    if "://" not in url:
        url = "https://" + url
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def is_shortener(url: str) -> bool:
    return host_of(url) in SHORTENERS


def same_site(host_a: str, host_b: str) -> bool:
    """True when one host is the other or a subdomain of it."""
    if not host_a or not host_b:
        return False
    return host_a == host_b or host_a.endswith("." + host_b) or host_b.endswith("." + host_a)


# --- Phone numbers and e-mail ----------------------------------------------------------------

_PHONE = re.compile(r"(?<![\w\[])(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?!\w)")


def phone_numbers_in(text: str) -> list[str]:
    return ["".join(ch for ch in m if ch.isdigit())[-10:] for m in _PHONE.findall(text)]


FREE_MAIL = {
    "gmail.com", "googlemail.com", "yahoo.com", "ymail.com", "hotmail.com", "outlook.com",
    "live.com", "msn.com", "aol.com", "icloud.com", "me.com", "mail.com", "gmx.com", "gmx.net",
    "protonmail.com", "proton.me", "zoho.com", "yandex.com", "qq.com", "163.com",
}  # fmt: skip

LIST_LOCAL_PARTS = {
    "all", "everyone", "staff", "team", "list", "group", "noreply", "no-reply", "donotreply",
    "do-not-reply", "mailinglist", "distribution",
}  # fmt: skip


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower() if "@" in email else ""


# --- Keyword families ------------------------------------------------------------------------


def any_match(patterns: list[str], text: str) -> str | None:
    """The first pattern (case-insensitive, whole words) found in the text, as matched."""
    for pattern in patterns:
        found = re.search(rf"(?i)(?<![\w-]){pattern}(?![\w-])", text)
        if found:
            return found.group(0)
    return None


RATES = r"(?:message|msg)s?\s*(?:and|&)\s*data\s+rates\s+(?:may|might|will|can)\s+apply"
FREQUENCY = [
    r"(?:message|msg)s?\s+frequency\s+(?:varies|may\s+vary)",
    r"frequency\s+varies",
    r"(?:up\s+to\s+|about\s+|one\s+|\d+\s+)?(?:message|msg|text)s?\s*(?:/|per|a|each)\s*"
    r"(?:day|week|wk|month|mo|year|login|order|request|appointment|visit|attempt|purchase)",
    r"(?:one|\d+)\s+(?:message|msg|text)s?\s+(?:per|a|each)\s+\w+(?:\s+\w+)?",
    r"recurring\s+(?:message|msg|text)s?",
    r"(?:daily|weekly|monthly)\s+(?:message|msg|text|update|alert|reminder)s?",
]
CONSENT_ACTION = [
    r"check(?:s|ed|ing)?\s+(?:a|an|the)?\s*(?:\w+\s+){0,3}(?:box|checkbox)",
    r"(?:unchecked|empty|blank)\s+(?:\w+\s+)?(?:box|checkbox)(?:es)?",
    r"checkbox(?:es)?",
    r"(?:switch|turn|toggle)(?:es|s|ed|ing)?\s+on",  # an off-by-default switch in a settings page
    r"tick(?:s|ed)?\s+(?:a|the)\s+box",
    r"text(?:s|ing)?\s+(?:the\s+keyword\s+)?\"?(?!(?:STOP|HELP|UNSTOP|CANCEL|END|QUIT)\b)"
    r"[A-Z]{2,}\"?\s+to",
    r"(?:reply|replies|replying)\s+\"?YES\"?",
    r"(?:verbal(?:ly)?|orally)\s+(?:consent|agree|opt)\w*",
    r"verbal\s+(?:opt-?in|script)",
    r"sign(?:s|ed)?\s+(?:and\s+date(?:s|d)?\s+)?(?:a|the|our)\s+(?:paper|written|consent)",
    r"scan(?:s|ned)?\s+(?:a|the|our)\s+qr\s+code",
    r"(?:explicit|express)\s+consent",
    r"(?:consent|agree)s?\s+to\s+receive",
]
HELP = [r"HELP", r"customer\s+care", r"contact\s+us", r"call\s+\+?\d", r"support@\S+"]
STOP = [r"STOP", r"opt[\s-]?out", r"unsubscribe"]
TERMS = [r"terms(?:\s+(?:and|&)\s+conditions)?", r"T&Cs?", r"terms\s+of\s+(?:service|use)"]
PRIVACY = [r"privacy(?:\s+policy|\s+notice)?"]
PRECHECKED = [
    r"pre-?(?:checked|ticked|selected|filled)",
    r"checked\s+by\s+default",
    r"(?:selected|ticked|enabled|opted[\s-]in)\s+(?:by\s+default|automatically)",
    r"automatically\s+(?:opted[\s-]in|enrolled|subscribed)",
]
SMS_REQUIRED = [
    r"(?:must|required\s+to|have\s+to|need\s+to)\s+(?:agree\s+to\s+|accept\s+|opt\s+in\s+to\s+)?"
    r"(?:receive\s+)?(?:sms|text(?:\s+messages)?|messages)\s+(?:to|in\s+order\s+to|before)",
    r"(?:sms|text\s+messages?|mobile\s+number)\s+(?:is|are)\s+(?:required|mandatory)"
    r"\s+(?:to|for)\s+(?:sign|create|register|join|complete|use)",
    r"(?:sms|text)\s+(?:consent\s+)?is\s+a\s+condition\s+of",
    r"only\s+(?:way|option)\s+to\s+(?:sign|register|join|get)",
]
IN_TERMS = [
    r"by\s+(?:accepting|agreeing\s+to)\s+(?:our|the)\s+terms(?:\s+of\s+(?:service|use)|\s+and"
    r"\s+conditions)?\s*,?\s+(?:\w+\s+){0,2}(?:also\s+)?(?:agree|consent|opt)",
    r"consent\s+(?:is|to\s+sms\s+is)\s+(?:included|contained|part\s+of)\s+(?:in\s+)?(?:our|the)"
    r"\s+terms",
]
THIRD_PARTY_SHARE = [
    r"(?:share|sell|sold|shared|rent|disclose)[sd]?\s+(?:\w+\s+){0,4}with\s+(?:our\s+|trusted"
    r"\s+|selected\s+)*(?:third[\s-]part(?:y|ies)|partners|affiliates|marketing\s+partners)",
    r"(?:third[\s-]part(?:y|ies)|partners|affiliates)\s+(?:may|will|can)\s+(?:also\s+)?"
    r"(?:contact|text|message|receive)",
]
NOT_SHARED = r"(?:not|never|no)\s+(?:be\s+)?(?:\w+\s+){0,3}(?:shared|sold|rented|disclosed)"


def has_third_party_sharing(text: str) -> bool:
    for sentence in re.split(r"(?<=[.!?;])\s+", text):
        if any_match(THIRD_PARTY_SHARE, sentence) and not re.search(rf"(?i){NOT_SHARED}", sentence):
            return True
    return False
