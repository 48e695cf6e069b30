"""Text helpers shared by the rules: brand matching, links, phone numbers, e-mail domains and
the keyword lists taken from the reference documents."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from compliance.preflight.engine import Draft
from compliance.preflight.phrases import sharing

_LEGAL_SUFFIXES = {
    "inc", "incorporated", "llc", "llp", "ltd", "limited", "corp", "corporation", "co",
    "company", "plc", "gmbh", "ag", "sa", "sas", "bv", "pty", "pte", "the", "pt", "tbk", "pvt",
    "private", "sdn", "bhd", "lp", "srl", "nv", "kk", "cv",
}  # fmt: skip


# Words written two ways in names: "St. Mary's" and "Saint Mary's", "Mt." and "Mount".
_SAME_WORD = {"saint": "st", "mount": "mt", "fort": "ft"}


def _fold(text: str) -> str:
    """The text without accents, "&" written "and" ("Café & Co" is "Cafe  and  Co")."""
    folded = unicodedata.normalize("NFKD", text.replace("&", " and "))
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def _words(text: str) -> list[str]:
    """Lower-case words without accents ("Café Lumière" is "cafe lumiere")."""
    return [_SAME_WORD.get(w, w) for w in re.findall(r"[a-z0-9]+", _fold(text.lower()))]


def brand_core(name: str) -> str:
    """The distinctive part of a company name: lower case, no punctuation or legal suffix."""
    words = [w for w in _words(name) if w not in _LEGAL_SUFFIXES]
    return " ".join(words)


# The program name a form asks for beside the company ("Service name" on the short code
# application): the name recipients see at the start of each message.
PROGRAM_NAME_PATHS = ("useCase.serviceName",)


def brand_names(draft: Draft) -> list[str]:
    names = list(draft.brand_names)
    for path in ("companyInfo.companyName", "contactInfo.dbaName"):
        if draft.text(path):
            names.append(draft.text(path))
    for path in PROGRAM_NAME_PATHS:
        # a program name made only of trade words ("Alerts", "Text Club") names no one
        program = brand_core(draft.text(path))
        if program and not set(program.split()) <= GENERIC_WORDS:
            names.append(draft.text(path))
    cores = []
    for name in names:
        core = brand_core(name)
        if core and core not in cores:
            cores.append(core)
    return cores


# Words that name a trade, not a business: one of them alone is not the brand ("Dental" is not
# "Larkspur Dental Group").
_GENERIC_TEXT = """
    dental dentistry health healthcare care group services service solutions partners clinic
    clinics medical medicine family home homes auto autos order orders alerts alert national
    american united global first city community center centre bank banking credit union
    insurance realty properties property market markets shop shops store stores pharmacy
    fitness studio studios salon spa school schools academy university college travel tours
    logistics delivery express parcel parcels energy water power electric utilities foods food
    kitchen cafe coffee pizza restaurant bakery pets vet veterinary animal law legal finance
    financial capital holdings ventures labs tech technologies technology digital media software
    systems network mobile wireless supply rentals rental repair plumbing cleaning construction
    builders roofing motors cars garden events tickets sports club church foundation charity
    hospital urgent pediatrics orthodontics vision optical beauty nails hair barber physical
    therapy wellness yoga north south east west northern southern eastern western central
    metro general standard premier prime best quality trusted local regional international
    world smart easy quick fast online direct plus pro max team office offices news updates
    reminders notifications account accounts messages message texts text program rewards
    trip trips tour excursion excursions adventure adventures charter charters cruise cruises"""
GENERIC_WORDS = frozenset(_GENERIC_TEXT.split())


def _brand_forms(core: str) -> list[str]:
    """The ways a brand is written in short messages: the full name, its leading words down to
    one distinctive word ("Larkspur Dental Group" → "larkspur dental", "larkspur"), and the
    squashed form ("nusantaratrip"). A trade word alone ("dental") is not a form."""
    words = core.split()
    forms = [" ".join(words[:k]) for k in range(len(words), 0, -1)]
    return [
        f
        for f in forms
        if f == core or (len(f.replace(" ", "")) >= 5 and not set(f.split()) <= GENERIC_WORDS)
    ]


def _squashed_runs(words: list[str], longest: int = 5) -> set[str]:
    """Every run of up to `longest` consecutive words written together."""
    runs = set()
    for i in range(len(words)):
        for j in range(i + 1, min(i + longest, len(words)) + 1):
            runs.add("".join(words[i:j]))
    return runs


def mentions_brand(text: str, cores: list[str]) -> bool:
    """True when the text names one of the brands (spacing and case do not matter; a brand
    written as one word, "NusantaraTrip" or in its domain, counts)."""
    for core in cores:
        # a brand whose name is written like a domain ("Tallie.io"), standing on its own, not
        # inside a link or an address
        dotted = r"\.".join(re.escape(w) for w in core.split())
        if "." in text and re.search(rf"(?i)(?<![\w./@-]){dotted}(?![\w/@-]|\.\w)", text):
            return True
    text = re.sub(r"(?i)https?://\S+|www\.\S+|[\w.+-]+@[\w-]+\.[\w.]+", " ", text)
    text = re.sub(
        r"(?i)\b[\w-]+\.(?:com|net|org|io|co|us|uk|in|id|sg|dev|app|edu|gov)\b\S*", " ", text
    )
    # the initials of a name of three words or more, written in capitals ("BLC" for Bemidji
    # Lakes College)
    capitals = set(re.findall(r"\b[A-Z]{3,6}\b", text))
    for core in cores:
        words = [w for w in core.split() if w not in ("and", "of", "the")]
        if len(words) >= 3 and "".join(w[0] for w in words).upper() in capitals:
            return True
    tokens = _words(text)
    words = " ".join(tokens)
    runs = _squashed_runs(tokens)
    for core in cores:
        for form in _brand_forms(core):
            if re.search(rf"(^|\s){re.escape(form)}($|\s)", words) and _as_a_name(text, form, core):
                return True
        for form in {core, *_brand_forms(core)}:
            squashed = form.replace(" ", "")
            if len(squashed) >= 4 and squashed in runs and _as_a_name(text, squashed, core):
                return True
    return False


def _as_a_name(text: str, form: str, core: str) -> bool:
    """The first word of a longer brand, alone, is the brand only where it is written as a
    name, with a capital ("Table: your seat…" for Table for Six, not "one long table"), unless
    the whole text is in lower case."""
    if form == core or " " in form or not re.search(r"[A-Z]", text):
        return True
    return any(
        found.group(0)[0].isupper()
        for found in re.finditer(rf"(?i)(?<![a-z0-9]){re.escape(form)}(?![a-z0-9])", _fold(text))
    )


# A message that opens with a sender label ("Jackrabbits: rain delay tonight", "BLC Alerts -
# campus closed"): the label is how recipients know the sender.
_SENDER_LABEL = re.compile(r"^\W*((?:[^\W_][\w'’&.+-]*\s*){1,3}?)\s*(?::|\s[-–—|]\s)")


def labelled_with_brand(text: str, cores: list[str]) -> bool:
    """True when the message opens with a label made of a distinctive word of a brand (a word
    that is not a trade word: "Jackrabbits" for Lubbock Jackrabbits) or its initials ("BLC"
    for Bemidji Lakes College), with perhaps trade words after it ("BLC Alerts")."""
    found = _SENDER_LABEL.match(text)
    if not found:
        return False
    label = _words(found.group(1))
    if not label or label[0] in GENERIC_WORDS or not set(label[1:]) <= GENERIC_WORDS:
        return False
    first = label[0]
    for core in cores:
        words = core.split()
        distinctive = {w for w in words if w not in GENERIC_WORDS and len(w) >= 4}
        initials = "".join(w[0] for w in words if w not in ("and", "of", "the"))
        if first in distinctive or (len(first) >= 3 and first == initials):
            return True
    return False


def names_brand(text: str, cores: list[str]) -> bool:
    """The brand named anywhere in the text, or in its opening label."""
    return mentions_brand(text, cores) or labelled_with_brand(text, cores)


# --- Links -----------------------------------------------------------------------------------

_URL = re.compile(
    r"(?i)\b(?:https?://[^\s<>\"']+|www\.[^\s<>\"']+|"
    r"(?:[a-z0-9-]+\.)+(?:com|net|org|io|co|ly|gl|gd|me|us|cc|at|id|to|info|biz|app|link|"
    r"shop|store|page|site|edu|gov|mil|uk|ca|au|nz|sg|ai|dev)(?![a-z0-9-])(?:/[^\s<>\"']*)?)"
)
# Public shorteners (the documents name TinyURL and Bit.ly; the others work the same way).
SHORTENERS = {
    "bit.ly", "bitly.com", "tinyurl.com", "goo.gl", "ow.ly", "t.co", "is.gd", "buff.ly",
    "cutt.ly", "shorturl.at", "tiny.cc", "rb.gy", "t.ly", "s.id", "v.gd", "rebrand.ly",
    "shorte.st", "adf.ly", "bl.ink", "tiny.one", "lnkd.in", "qr.net", "soo.gd", "clck.ru",
}  # fmt: skip


# An e-mail address names a mailbox, not a page: its domain is not a link in the message.
_EMAIL = re.compile(r"(?i)[\w.+-]+@(?:[a-z0-9-]+\.)+[a-z]{2,}")


def urls_in(text: str) -> list[str]:
    return [u.rstrip(".,;:!?)") for u in _URL.findall(_EMAIL.sub(" ", text))]


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


# A number the message gives as the sender's own line for the recipient to reach it: "call us
# at", "text us on", "call our front desk", "call the office", "Questions? Call". A number given
# for someone else ("our sales line", "our partner line", "their cell") is not one of these.
_OWN_LINE = re.compile(
    r"(?i)(?:\b(?:call|text|phone|ring|reach|contact|dial)\s+(?:us|(?:our|the)\s+(?:front\s+desk|"
    r"office|clinic|store|shop|branch|pharmacy|studio|team|support\s+(?:line|team|desk)|"
    r"help\s*(?:desk|line)|care\s+team|customer\s+(?:care|service|support)(?:\s+line)?|"
    r"member\s+(?:services|care)|patient\s+care))|\bquestions\?\s*(?:call|text|phone|dial))"
    r"(?:\s+(?:at|on))?[\s:]*$"
)


def message_length(text: str) -> int:
    """A reply's length as a handset shows it: runs of spaces, tabs and line breaks (a reply
    pasted from a word processor, two spaces after a full stop) count as one space."""
    return len(" ".join(text.split()))


def own_line_numbers_in(text: str) -> set[str]:
    """The numbers (last 10 digits) a message introduces as the sender's own line."""
    return {
        "".join(ch for ch in found.group(0) if ch.isdigit())[-10:]
        for found in _PHONE.finditer(text)
        if _OWN_LINE.search(text[max(0, found.start() - 60) : found.start()])
    }


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
# The keyword is written in capitals ("Text HELP", "Reply STOP"); in lower case the word is only
# an instruction after a verb that sends it ("reply stop"), else it is ordinary English ("happy to
# help", "stop by our store"). Care instructions may also be a contact: a phone number, an
# e-mail address or a support page.
_HELP_INSTRUCTION = re.compile(
    r"\bHELP\b|(?i:\b(?:text|txt|reply|send|texting|replying)\s+[\"“'‘]?help\b|"
    r"\bhelp\s+for\s+(?:help|assistance|support|info)\b|customer\s+"
    r"(?:care|service|support)|contact\s+us|support\s+(?:team|line|desk)|\bcall\s+(?:us\s+)?(?:at\s+)?"
    r"\+?\(?\d|[\w.+-]+@[\w-]+\.[a-z]{2,}|\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4})"
)
_STOP_INSTRUCTION = re.compile(
    r"\bSTOP\b|(?i:\b(?:text|txt|reply|send|texting|replying)\s+[\"“'‘]?(?:stop|end|cancel|quit|"
    r"unsubscribe|stopall)\b|(?:reply|text|send|txt)\s+\S+\s+to\s+(?:cancel|end|quit|stop)|"
    r"opt[\s-]?out|unsubscrib\w*|\bstop\s+to\s+(?:cancel|end|quit|unsubscribe|stop|leave|"
    r"switch\s+(?:back|off|to)|turn\s+(?:them\s+|texts\s+)?off)\b|"
    r"to\s+(?:cancel|end|quit|stop)\s+(?:\w+\s+)"
    r"{0,2}(?:texts|messages|alerts|subscription|sms|receiving))"
)


def help_instruction(text: str) -> str | None:
    found = _HELP_INSTRUCTION.search(text)
    return found.group(0) if found else None


def stop_instruction(text: str) -> str | None:
    found = _STOP_INSTRUCTION.search(text)
    return found.group(0) if found else None


TERMS = [r"terms(?:\s+(?:and|&)\s+conditions)?", r"T&Cs?", r"terms\s+of\s+(?:service|use)"]
PRIVACY = [r"privacy(?:\s+policy|\s+notice)?"]
# The words in their ordinary sense, which name no link ("in terms of frequency", "we respect
# your privacy"): taken out before the terms and privacy links are looked for. Any other mention
# counts, since the opt-in description only reports where the links are.
_NOT_TERMS = re.compile(r"(?i)\bin\s+terms\s+of\b|\bterms\s+of\s+(?:payment|delivery|the\s+sale)")
_NOT_PRIVACY = re.compile(
    r"(?i)\b(?:respect|respects|value|values|protect|protects|care\s+about|safeguard)\s+"
    r"(?:the\s+|your\s+|their\s+|our\s+\w+'?\s+|customer\s+|patient\s+)?privacy\b|"
    r"\bprivacy\s+(?:matters|is\s+important)"
)


def terms_link(text: str) -> str | None:
    return any_match(TERMS, _NOT_TERMS.sub(" ", text))


def privacy_link(text: str) -> str | None:
    return any_match(PRIVACY, _NOT_PRIVACY.sub(" ", text))


_CONTROL = (
    r"(?:check-?box(?:es)?|box(?:es)?|tick\s*box|radio(?:\s+buttons?)?|toggles?|switch|option|"
    r"consent|opt[\s-]?in|selection)"
)
# A quoted label between a control and what is said of it: the box "Text me offers" is ...
_LABEL = r"(?:(?:\"[^\"]{0,160}\"|“[^”]{0,160}”|‘[^’]{0,160}’|'[^']{0,160}')[,:]?\s+)?"
PRECHECKED = [
    r"pre-?(?:checked|ticked|selected)",
    rf"pre-?(?:filled|populated|set)\s+(?:\w+\s+){{0,2}}{_CONTROL}",
    r"(?<![\w-])checked\s+by\s+default",
    rf"{_CONTROL}\s+(?:\w+\s+){{0,3}}(?:comes?|starts?|appears?|loads?|is\s+shown|are\s+shown)\s+"
    r"(?:already\s+)?(?:checked|ticked|selected|enabled|on|filled\s+in)\b",
    # the control, perhaps with its quoted label, then "is already ticked"
    rf"{_CONTROL}\s+{_LABEL}(?:\w+\s+){{0,3}}(?:is|are)\s+already\s+(?:checked|ticked|selected|"
    r"enabled|on)\b",
    # ticked beforehand, by someone else ("ticked for them" is not here: staff recording a
    # spoken yes tick the box for the person)
    rf"(?<![\w-])(?:(?:checked|ticked|selected)|(?:checks?|ticks?|selects?)\s+(?:[\w'-]+\s+){{0,3}}"
    rf"{_CONTROL})\s+(?:in\s+advance|ahead\s+of\s+time|beforehand)\b",
    r"(?<![\w-])(?:selected|ticked|enabled|opted[\s-]in|checked|on)\s+(?:by\s+default|"
    r"automatically)",
    r"automatically\s+(?:opted[\s-]in|enrolled|subscribed|checked|ticked|selected)",
    # checked as the form appears: "… is checked when the page loads", "ticked on page load"
    r"(?:is|are|comes|come)\s+(?:already\s+)?(?:checked|ticked|selected|switched\s+on|turned\s+on)"
    r"\s+(?:when|as\s+soon\s+as|once|as)\s+(?:the\s+|it\s+|they\s+)?(?:\w+\s+)?(?:page|form|"
    r"screen|app|window|it|they)\s+(?:first\s+)?(?:loads?|opens?|appears?|is\s+(?:shown|opened|"
    r"loaded|displayed))",
    r"(?:checked|ticked|selected)\s+on\s+(?:page\s+)?load\b",
    r"defaults?\s+to\s+(?:yes|on|checked|opted[\s-]in)",
]
_TERMS_DOC = (
    r"(?:terms(?:\s+of\s+(?:service|use))?|terms\s+(?:and|&)\s+conditions|t&cs?|service\s+"
    r"agreement|(?:membership|customer|client|user|rental|lease|account|patient|subscriber|member|"
    r"program)\s+agreement|contract|"
    r"general\s+conditions)"
)
_SMS_CONSENT = r"(?:sms|text(?:\s+messag(?:e|es|ing))?|texts|texting|messages?|alerts?)"
IN_TERMS = [
    r"by\s+(?:accepting|agreeing\s+to)\s+(?:our|the)\s+terms(?:\s+of\s+(?:service|use)|\s+and"
    r"\s+conditions)?\s*,?\s+(?:\w+\s+){0,2}(?:also\s+)?(?:agree|consent|opt)",
    rf"(?:consent|opt[\s-]?in|agreement)\s+(?:to\s+(?:receive\s+)?{_SMS_CONSENT}\s+)?(?:is|are)\s+"
    rf"(?:included|contained|embedded|bundled|built|part|covered)\s+(?:of|in|into|with|by)\s+"
    rf"(?:\w+\s+){{0,2}}{_TERMS_DOC}",
    rf"{_SMS_CONSENT}\s+(?:consent|opt[\s-]?in)\s+(?:is\s+)?(?:included|contained|embedded|part\s+of|"
    rf"covered)\s+(?:in|by)\s+(?:our|the)\s+{_TERMS_DOC}",
    rf"{_TERMS_DOC}[^.]{{0,40}}?\b(?:include|includes|including|contain|contains|cover|covers)\s+"
    rf"(?:\w+\s+){{0,3}}(?:consent|agreement|opt[\s-]?in)\s+to\s+(?:receive\s+)?{_SMS_CONSENT}",
    r"(?:cannot|can't|can’t|may\s+not)\s+be\s+(?:declined|refused|unticked|removed|opted\s+out\s+of)"
    r"\s+separately",
    # "by accepting the Terms of Service at installation, the subscriber consents to …"
    rf"by\s+(?:accepting|agreeing\s+to|signing)\s+(?:our|the)\s+{_TERMS_DOC}[^.]{{0,60}}?\b"
    rf"(?:agrees?|consents?|opts?\s+in|accepts?)\s+to\s+(?:receive\s+)?(?:[\w-]+\s+){{0,3}}"
    rf"{_SMS_CONSENT}",
    rf"{_SMS_CONSENT}\s+(?:\w+\s+){{0,2}}(?:are|is)\s+(?:a\s+)?part\s+of\s+(?:the|our)\s+"
    rf"(?:\w+\s+){{0,3}}{_TERMS_DOC}",
    # "Section 14 of the terms states that by signing, the customer agrees to receive texts"
    rf"{_TERMS_DOC}[^.]{{0,80}}?\b(?:states?|says|provides?|specif(?:y|ies)|stipulates?|reads?)\s+"
    rf"that\b[^.]{{0,80}}?\b(?:agree|agrees|consent|consents|accept|accepts)\s+to\s+(?:receive\s+)?"
    rf"[^.]{{0,40}}?{_SMS_CONSENT}",
    r"no\s+separate\s+(?:sms\s+|text\s+|marketing\s+)?(?:check-?box|tick\s*box|box|consent|"
    r"opt[\s-]?in|agreement)",
]


def has_third_party_sharing(text: str) -> bool:
    """True when a clause lets opt-in data reach third parties (negations understood)."""

    found = sharing(text)
    return bool(found and found.sure)
