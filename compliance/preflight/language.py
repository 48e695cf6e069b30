"""Is a free text written in English? For the fields the reviewers read in English (toll-free:
"Answers must be written in English").

Two independent signals must agree before a text counts as not English: lingua's detector
(restricted to English and the languages tenants of a US / Asian SMS portal write most, in its
low-accuracy mode: about 20 MB of models and 0.2 s to load, built once and only when first
needed) and the share of common English function words. Brand names, links, e-mail addresses,
[variables] and numbers are removed first, so an English sentence full of Indonesian company
names is still English.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

_ENGLISH_TEXT = """
    a about after all also an and any are as at be because been before but by can could did
    do does each for from get gets had has have he her his how i if in into is it its may me more
    most my no not now of on once one only or other our out over per please receive receives
    she should so some such than that the their them then there these they this those through
    to under until up us via was we were what when where which while who whom why will with
    within would you your yours send sends sent message messages text texts customers customer
    users user"""
_ENGLISH_WORDS = frozenset(_ENGLISH_TEXT.split())

# Hindi written in Latin letters (Hinglish), which the detector's Hindi model (Devanagari) does
# not read: its common function words and verb endings.
_HINGLISH_TEXT = """
    hai hain ke ki ko se mein me aap aapka aapke aapki apne apna apni liye karte karein kare
    karo jab bhi woh wo yeh ye nahi nahin raha rahe rahi gaya gayi diya kiya hoga hogi kripya
    dhanyavaad dhanyavad bhejta bhejte bhejenge bhejti milega milegi sabhi unke unko humare
    hamare hum tak abhi agar lekin aur ya jo kya kaise dilane dilate yaad"""
_HINGLISH_WORDS = frozenset(_HINGLISH_TEXT.split())

# Languages a tenant of this portal plausibly writes besides English (the countries it serves
# and their neighbours). Restricting the set makes the detector smaller, faster and surer.
_LANGUAGES = (
    "ENGLISH", "SPANISH", "PORTUGUESE", "FRENCH", "GERMAN", "ITALIAN", "DUTCH", "INDONESIAN",
    "MALAY", "TAGALOG", "VIETNAMESE", "HINDI", "BENGALI", "TAMIL", "MARATHI", "CHINESE",
    "JAPANESE", "KOREAN", "ARABIC", "THAI", "RUSSIAN", "TURKISH",
)  # fmt: skip

_STRIP = re.compile(
    r"(?i)https?://\S+|www\.\S+|[\w.+-]+@[\w-]+\.[\w.]+|\[[^\]]*\]|\{[^}]*\}|<[^>]*>|\d[\d.,:/-]*"
)


@functools.cache
def _detector():
    # Loading lingua's models takes seconds and memory: only processes that run preflight pay.
    from lingua import Language, LanguageDetectorBuilder

    languages = [getattr(Language, name) for name in _LANGUAGES]
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


@dataclass(frozen=True)
class LanguageVerdict:
    language: str  # lingua's name of the most likely language, e.g. "INDONESIAN"
    confidence: float  # lingua's confidence in it
    english_share: float  # share of words that are common English function words
    sure: bool  # both signals agree strongly


def _clean(text: str, names: list[str]) -> list[str]:
    text = _STRIP.sub(" ", text)
    for name in sorted(names, key=len, reverse=True):
        if len(name) >= 3:
            text = re.sub(re.escape(name), " ", text, flags=re.IGNORECASE)
    words = re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", text)
    # Words in capitals are keywords, acronyms or brands (STOP, OTP, PT, ACME), unless the
    # whole text is typed in capitals: then they are its words.
    if words and sum(w.isupper() for w in words) >= 0.6 * len(words):
        return [w.lower() for w in words]
    return [w for w in words if not w.isupper()]


def not_english(text: str, names: list[str] | tuple[str, ...] = ()) -> LanguageVerdict | None:
    """A verdict when the text looks written in another language than English; None when it
    is English or too short to tell."""
    words = _clean(text, list(names))
    if len(words) < 5:
        return None
    letters = "".join(words)
    non_latin = sum(1 for ch in letters if ord(ch) > 0x24F) / max(len(letters), 1)
    share = sum(1 for w in words if w.lower() in _ENGLISH_WORDS) / len(words)
    if non_latin > 0.5:
        return LanguageVerdict("NON_LATIN", 1.0, share, sure=share < 0.1)
    hinglish = sum(1 for w in words if w.lower() in _HINGLISH_WORDS) / len(words)
    if hinglish >= 0.2 and hinglish > share:
        return LanguageVerdict("HINDI_LATIN", round(hinglish, 2), share, sure=share < 0.15)
    if share >= 0.3:
        return None  # plainly English prose
    values = _detector().compute_language_confidence_values(" ".join(words))
    top = values[0]
    english = next((v.value for v in values if v.language.name == "ENGLISH"), 0.0)
    if top.language.name == "ENGLISH" or english >= 0.25:
        return None
    sure = share < 0.12 and top.value >= 0.5 and english < 0.05
    return LanguageVerdict(top.language.name, round(top.value, 2), round(share, 2), sure)
