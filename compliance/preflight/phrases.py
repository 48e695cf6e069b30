"""Reading what a free text says, not whether it contains a listed phrase: a message frequency
(a quantity, a unit and a period or event), a consent action (written, clicked, keyed, spoken or
signed), a sharing clause (who receives what, negations and exceptions included), a requirement
that makes SMS a condition of a service, lead generation, variables outside [brackets] and
sample messages that are placeholders.

Each reader returns what it found (the matched words, for the finding's message) and, where the
documents allow both, whether the reading is sure (an error) or only likely (a warning)."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Reading:
    found: str  # the words that carry the meaning
    sure: bool  # the wording leaves no doubt


def _search(pattern: str, text: str) -> re.Match | None:
    return re.search(pattern, text, flags=re.IGNORECASE)


def sentences(text: str) -> list[str]:
    """Sentences, then clauses joined by "but" or "; ", without list bullets."""
    # a sentence also ends at a closing quote or bracket after its stop: '… to them." Joining'
    parts = re.split(r"(?<=[.!?;])\s+|(?<=[.!?;][\"'”’)\]])\s+|\n+|\s+[•·-]\s+", text)
    out = []
    for part in parts:
        out += [p.strip() for p in re.split(r",?\s+but\s+|;\s+", part) if p and p.strip()]
    return out


def _words(n: int) -> str:
    """Up to n words in between."""
    return rf"(?:\(?[\w'’&/-]+\)?[,:]?\s+){{0,{n}}}"


# --- Frequency --------------------------------------------------------------------------------

_NUM = (  # a whole word: not the "one" of "phone" or "someone"
    r"(?<![\w'’])(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
    r"thirty|fifty|hundred|a\s+few|a\s+couple(?:\s+of)?|a\s+handful\s+of|several|single|"
    r"once|twice)"
)
_QTY = (
    r"(?:(?:up\s+to|at\s+most|no\s+more\s+than|not\s+more\s+than|a\s+maximum\s+of|maximum(?:\s+of)?"
    r"|max\.?|about|around|approximately|approx\.?|roughly|under|less\s+than|fewer\s+than|between|"
    r"at\s+least|typically|usually|only)\s+)?"
    rf"{_NUM}(?![\s-]time\b)(?:\s*(?:-|–|to|or)\s*{_NUM})?"
)
_UNIT = (
    r"(?:(?:text\s+|sms\s+)?messages?|msgs?|texts?|sms(?:es)?|alerts?|reminders?|notifications?|"
    r"notices?|(?:pass)?codes?|updates?|offers?|deals?|confirmations?|receipts?|surveys?|"
    r"follow[\s-]?ups?|replies|reply|nudges?|tips?|announcements?|newsletters?)"
)
_PERIOD = (
    r"(?:second|minute|hour|day|night|week|wk|weekend|fortnight|month|mo|quarter|year|yr|season|"
    r"morning|evening|monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?"
)
FREQUENCY = [
    r"(?:message|msg|text|txt|sms|alert)s?\s+freq(?:uency|\.)?(?![a-z])",
    r"freq(?:uency|\.)?\s+(?:varies|will\s+vary|may\s+vary|depends|is\s+based)",
    r"(?:number|amount|volume)\s+of\s+(?:messages|msgs|texts|alerts)\s+(?:varies|will\s+vary|"
    r"may\s+vary|depends)",
    rf"{_QTY}\s+{_words(2)}{_UNIT}\b",
    rf"(?:once|twice|\d+\s*(?:x|times))\s*(?:a|an|per|/|each|every)\s*{_PERIOD}\b",
    # "a few times a year", "several times per season", "three times in a month"
    rf"{_NUM}\s+times\s+(?:a|an|per|each|every|in\s+an?|a\s+single)\s+{_PERIOD}\b",
    # sent on an event of the world rather than of the person: "only when there is an outage"
    r"only\s+(?:when|if|whenever)\s+(?:there\s+is|there's|there\s+are|there\s+has\s+been)\s+an?\b",
    # a disclosure sentence that starts with the event: "Only when unusual activity is
    # detected.", "Only during outages at your address."
    r"(?:^|[.!:;]\s+|[\"“]\s*)only\s+(?:when|if|whenever|during|in\s+case\s+of)\s+",
    rf"\d+\s*(?:{_UNIT})?\s*/\s*(?:[a-z-]+\s+)?{_PERIOD}\b",  # "4/mo", "6/event day"
    # sent only on an event: "msgs only when your area is affected", "we text you only when the
    # prescription is ready", "texts only if a class is cancelled"
    rf"{_UNIT}\s+(?:are\s+|is\s+|will\s+be\s+)?(?:sent\s+|arrive\s+|come\s+|go\s+out\s+)?"
    r"only\s+(?:when|if|whenever|after|"
    r"on|for|during)\b",
    r"(?:text|texts|message|messages|alert|alerts|notify|notifies|contact|contacts|sms)\s+"
    r"(?:you|them|patients|customers|members|residents|parents|guests|users|clients)\s+only\s+"
    r"(?:when|if|whenever|after|once)\b",
    # rare events only: "closures and emergencies only", "outage alerts only"
    r"\b(?:emergenc(?:y|ies)|closures?|outages?|cancell?ations?|delays?|urgent\s+\w+|critical\s+"
    r"\w+)\s+(?:\w+\s+)?only\b",
    # one message tied to an event: "a text the day before each session", "a code whenever you
    # sign in", "a text when your order ships", "a reminder 24 hours before your visit"
    rf"\b(?:a|an|one|1|single)\s+(?:[\w-]+\s+)?{_UNIT}\s+(?:[\w-]+\s+){{0,4}}(?:before|after|"
    r"ahead\s+of|following|when|whenever|once|if|as\s+soon\s+as|on\s+the\s+day|the\s+(?:day|"
    r"morning|evening|night|week)\s+(?:of|before)|for\s+(?:each|every))\b",
    # timing tied to an event: "reminders 1 day prior", "texts two hours before pickup"
    rf"{_UNIT}\s+(?:[\w-]+\s+){{0,3}}{_NUM}\s+(?:hours?|days?|weeks?|minutes?|mins?|hrs?)\s+"
    r"(?:before|prior|ahead|after|in\s+advance)\b",
    r"\b(?:daily|weekly|monthly|quarterly|yearly|annually|nightly|hourly|bi-?weekly|"
    r"bi-?monthly|semi-?monthly)\b",
    rf"\b(?:every|each|per)\s+(?:other\s+)?{_PERIOD}\b",
    r"recurring\s+(?:\w+\s+)?(?:messages?|msgs?|texts?|alerts?|reminders?|offers?)",
    r"\b(?:per|each|every|for\s+each|one\s+per)\s+(?:login|log-?in|sign-?in|request|order|"
    r"purchase|booking|appointment|visit|delivery|shipment|transaction|attempt|reservation)",
    r"only\s+when\s+(?:you|they|the\s+(?:user|customer|member|patient))\s+(?:request|ask|log|sign)",
    # "2-3 per session", "about one a month", "one per stay"
    rf"{_NUM}(?:\s*(?:-|–|to)\s*{_NUM})?\s+(?:per|a|an|each|every)\s+(?:{_PERIOD}|session|visit|"
    r"booking|order|stay|appointment|reservation|class|event|trip|shipment|delivery|login|"
    r"sign-?in|transaction|request|purchase|ride|service|job|application)\b",
    r"(?:each|every)\s+time\s+(?:you|they|a|an|the)\b",
    # "a confirmation and a reminder the morning of"
    r"\b(?:a|an|one)\s+(?:\w+\s+)?(?:confirmation|reminder|alert|text|message|notification|code|"
    r"receipt|update)\s+(?:and|plus|then|followed\s+by)\s+(?:a|an|one)\s+(?:\w+\s+)?"
    r"(?:confirmation|reminder|alert|text|message|notification|follow[\s-]?up|receipt|update)\b",
]


def _in_a_name(text: str, found: re.Match) -> bool:
    """The match is one capitalised word inside a Title Case name, not at a sentence's start
    ("Text DEALS for Farrow & Finch Weekly Deals"): the program's name, not its frequency."""
    word = found.group(0)
    if " " in word.strip() or not word[:1].isupper():
        return False
    before = text[: found.start()].rstrip()
    after = text[found.end() :].lstrip()
    at_start = not before or before[-1] in '.!?:;"“(\n'
    return not at_start and after[:1].isupper()


def frequency(text: str) -> str | None:
    # a web address says nothing of frequency ("…/weekly-deals", "{portal}/p/daily-grind/terms")
    text = re.sub(r"(?i)\b(?:https?://|www\.)\S+|\S+\.[a-z]{2,}/\S*|\S+@\S+", " ", text)
    # nor does a phone number ("call 816-555-0166 for help, reply STOP" is no "0166 … reply")
    text = re.sub(r"\+?\d?[\s.-]?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}\b", " ", text)
    for pattern in FREQUENCY:
        for found in re.finditer(pattern, text, flags=re.IGNORECASE):
            if not _in_a_name(text, found):
                return found.group(0)
    return None


# --- Consent action ---------------------------------------------------------------------------

# A keyword is written in capitals (case matters here even where the rest does not).
_OPT_OUT_WORDS = r"(?:STOP|HELP|UNSTOP|CANCEL|END|QUIT|INFO)"
_KEYWORD = rf"[\"“'‘]?(?-i:(?!{_OPT_OUT_WORDS}\b)[A-Z][A-Z0-9]{{1,}})[\"”'’]?"
_TEXTS = (
    r"(?:text|texts|texting|texted|send|sends|sending|reply|replies|replying|message|messages|sms)"
)
_TEXTED_KEYWORD = rf"{_TEXTS}\s+(?:the\s+)?(?:(?:word|keyword)\s+)?{_KEYWORD}(?=[\s,.;:!)]|$)"
# In a text typed all in capitals a word in capitals is no keyword by itself: it is one when it
# is quoted, called a keyword, or texted to a number ("TEXT JOIN TO 12345").
_TEXTED_KEYWORD_SHOUTED = (
    rf"{_TEXTS}\s+(?:the\s+)?(?!(?:(?:word|keyword)\s+)?[\"“'‘]?{_OPT_OUT_WORDS}\b)"
    r"(?:(?:word|keyword)\s+[\"“'‘]?[A-Z0-9]{2,}|[\"“'‘][A-Z0-9]{2,}[\"”'’]|"
    r"[A-Z0-9]{2,}\s+to\s+(?:\+?[\d-]{4,}|(?:our|the)\s+(?:short\s*code|number)))"
)
CONSENT = [
    # a box, button, toggle or option the person acts on
    r"(?<![\w-])(?:check|tick|select|click|tap|press|toggl|switch|turn|enabl|mark|choos|chose|"
    r"flip|slid|activat)\w*\s+(?:\([^()]{0,40}\)\s*)?"
    rf"{_words(6)}(?:box|boxes|checkbox|checkboxes|button|toggle|switch|option|radio|"
    r"yes|on|opt[\s-]?in|consent|[\"“'‘])",
    r"(?:unchecked|empty|blank|unticked|un-ticked|un-checked)\s+(?:[\"“][^\"”]{1,60}[\"”]\s+|"
    r"(?:\w+\s+){0,2})(?:check)?box",
    # a control labelled with the yes: a button "Yes, text me", a toggle marked "Send me texts"
    r"\b(?:button|toggle|switch|checkbox|check-box|tick\s*box)\s+(?:labell?ed\s+|marked\s+|"
    r"reading\s+|that\s+(?:says|reads)\s+)?[\"“]",
    # texts chosen among channels: "chooses how to get codes: app, e-mail or text", "picking SMS"
    r"(?:choos|chose|pick|select|prefer)\w*\s+(?:how|whether|between|which)\b[^.]{0,80}?"
    r"\b(?:text|sms)\b",
    r"(?:choos|chose|pick|select)\w*\s+(?:the\s+)?[\"“]?(?:text(?:\s+message)?|sms)\b",
    # a signature on the consent line: "its own signature box", "signature and date"
    r"\bsignature\s+(?:box|line|field|block|space)\b|\bsignature\s*(?:,\s*|\s+and\s+|\s*&\s*)"
    r"(?:the\s+)?date\b|\bdate\s+(?:and|&)\s+signature\b",
    r"\basks?\b[^.\"“]{0,60}[:,]?\s*[\"“](?:would|do|may|can|shall|want)\b[^\"”]{0,120}"
    r"\b(?:text|sms|message)[^\"”]{0,200}[\"”][^.]{0,40}?\b(?:if|when)\s+(?:\w+\s+){0,2}"
    r"(?:says?\s+)?yes\b",
    r"check-?box(?:es)?\b",
    r"\[\s?\]\s*(?:yes|i\s+agree|send|text)",  # a box drawn on a paper form: "[ ] Yes, text me"
    r"\bsigns?\s+and\s+dates?\b",
    r"\btaps?\s+(?:\w+\s+){0,2}(?:send|subscribe|join|yes|agree)\b",
    # a keyword texted, a QR code scanned
    _TEXTED_KEYWORD,
    r"(?:reply|replies|replying|respond|responds|answer|answers)\s+(?:with\s+)?[\"“']?(?:YES|Y)\b",
    r"(?:opt[\s-]?in|join|subscription)\s+keyword",
    r"keyword\s+[\"“']?(?-i:[A-Z]{2,})",
    r"scan(?:s|ned|ning)?\s+(?:\w+\s+){0,3}qr",
    # a spoken yes, recorded
    r"(?:verbal(?:ly)?|oral(?:ly)?|spoken|aloud|out\s+loud|over\s+the\s+phone|by\s+phone|on\s+the\s+"
    r"(?:phone|call))\s+(?:\w+\s+){0,3}(?:consent|agree|agreement|opt|yes|confirm|permission|"
    r"request|script)",
    r"(?:consent|agree|agreement|opt[\s-]?in|yes|permission|confirmation)\s+(?:\w+\s+){0,3}"
    r"(?:verbally|orally|aloud|out\s+loud|over\s+the\s+phone|by\s+phone|on\s+the\s+call)",
    r"(?:says?|said|saying|answers?|answered|answering|responds?|responded|gives?|gave|given|"
    r"provides?|provided)\s+(?:a\s+|their\s+|his\s+or\s+her\s+|an?\s+explicit\s+)?(?:verbal\s+|"
    r"spoken\s+|clear\s+|explicit\s+)?[\"“']?(?:yes|consent|agreement|permission|ok(?:ay)?)\b",
    r"verbal\s+(?:opt[\s-]?in|script|consent)",
    # the person turns the texts on: "members enable SMS notifications in their settings"
    r"(?:enabl\w*|activat\w*|turns?\s+on|turning\s+on|switch(?:es)?\s+on)\s+(?:\w+\s+){0,2}"
    r"(?:sms|text)\s+(?:\w+\s+)?(?:notifications|alerts|messages|reminders|updates|messaging)",
    # the person asks for a message: "users request a code on the login page"
    r"(?:request|requests|requested|requesting)\s+(?:a|an|the|their|your)\s+(?:[\w-]+\s+){0,2}"
    r"(?:code|passcode|otp|text|sms|reminder|alert)s?\b",
    # a signature on paper or screen
    r"(?:sign|signs|signed|signing|initial|initials|initialed)\s+(?:and\s+dates?\s+)?"
    r"(?:\w+\s+){0,4}(?:form|card|sheet|consent|agreement|waiver|slip|paper|document|line|box)",
    r"(?:paper|written|printed|signed)\s+(?:\w+\s+){0,2}(?:consent|opt[\s-]?in|form|card)",
    # the person asks for the messages
    r"(?:opt|opts|opted|opting)[\s-]in\s+(?:by|through|via|on|at|using|when|to)",
    r"(?:explicit|express|affirmative)\s+(?:written\s+)?consent",
    r"(?:request|requests|requested|ask|asks|asked|sign|signs|signed)\s+(?:up\s+)?"
    r"(?:\w+\s+){0,2}(?:for|to\s+(?:receive|get))\s+(?:\w+\s+){0,3}(?:texts?|sms|messages?|"
    r"alerts?|codes?|reminders?|notifications?|updates?)",
]
# How a consent is kept or asked for rather than given ("staff record the consent", "the yes
# goes into the chart", "asks for verbal consent"): it shows a consent step, but beside a
# consent taken for granted ("by entering a number you agree; consent is logged") it is no
# deliberate action of the person's.
KEPT = [
    # the yes given to a question asked by staff, then kept: "the yes, date and initials go
    # into the record", "if yes, ..."
    r"\bthe\s+(?:\w+['’]s\s+)?(?:spoken\s+|verbal\s+)?yes\b"
    r"[^.]{0,60}?\b(?:go(?:es)?|is|are|gets?)\s+(?:\w+\s+){0,2}(?:into|in|on|to)\s+",
    r"(?:records?|recorded|recording|logs?|logged|logging|notes?|noted|documents?|documented|"
    r"captures?|captured|saves?|saved|stores?|stored|timestamps?|timestamped)\s+"
    r"(?:\w+\s+){0,5}(?:consent|agreement|answer|response|yes|opt[\s-]?in|permission)",
    # the consent kept, said the other way round: "their consent is noted in the CRM"
    r"(?:consent|agreement|yes|permission|opt[\s-]?in)\s+(?:is|was|are|were|gets?|will\s+be)\s+"
    r"(?:\w+\s+){0,2}(?:recorded|logged|noted|documented|captured|saved|stored|timestamped)",
    r"\basks?\s+(?:\w+\s+){0,2}for\s+(?:\w+['’]s\s+|their\s+|his\s+or\s+her\s+)?(?:verbal\s+|"
    r"spoken\s+|explicit\s+|express\s+)?(?:permission|consent)\b",
    r"\bon\s+a\s+recorded\s+(?:phone\s+)?(?:line|call)\b",
]
CONSENT += KEPT
# The same, for a text typed all in capitals (see _TEXTED_KEYWORD_SHOUTED).
_CONSENT_SHOUTED = [_TEXTED_KEYWORD_SHOUTED if p is _TEXTED_KEYWORD else p for p in CONSENT]
# Consent taken for granted: an action that is not a request for messages.
IMPLIED = [
    r"by\s+(?:providing|entering|giving|submitting|sharing|supplying|leaving|using|creating|"
    r"registering|signing\s+up|booking|purchasing|visiting|continuing|placing|ordering|paying|"
    r"checking\s+out|joining|downloading|installing|logging\s+in|opening|completing)\s+"
    + _words(10)
    + r"(?:\w+\s+){0,3}(?:agree|agrees|consent|consents|accept|accepts|opt|opts)\b",
    r"(?:automatically|auto-?)\s*(?:\w+\s+){0,2}(?:opt\w*[\s-]in|enrol\w*|subscrib\w*|add(?:s|ed)?|"
    r"sign\w*\s+(?:you\s+)?up)",
    r"(?:all|every)\s+(?:\w+\s+){0,2}(?:customers?|users?|members?|patients?|guests?|buyers?|"
    r"subscribers?|account\s+holders?)\s+(?:\w+\s+){0,6}(?:receive|receives|get|gets|are\s+sent|"
    r"is\s+sent)\b",
    r"automatically\s+(?:\w+\s+){0,2}(?:receive|receives|get|gets|sent)\b",
    r"(?:implied|implicit|deemed)\s+consent",
    # the messages start by themselves: "reminders go out automatically before every due date"
    r"(?:go|goes|going|are\s+sent|get\s+sent|gets\s+sent|start|starts)\s+(?:out\s+)?"
    r"automatically\b",
    # numbers taken from records: "added from our billing system and guest lists", "already
    # part of our SMS list"
    r"(?:added|imported|uploaded|pulled|copied|synced|loaded|taken)\s+(?:\w+\s+){0,3}from\s+"
    r"(?:our|the|their)\s+(?:[\w-]+\s+){0,3}(?:system|database|records?|lists?|crm|files?|"
    r"spreadsheets?|software|pos|point[\s-]of[\s-]sale)\b",
    # "we will send to the customers in our client register", "those numbers go into our
    # customer database and we send them our promos", "so they are happy to get SMS"
    r"(?:send|text|message)\w*\s+(?:\w+\s+)?(?:to\s+)?(?:all\s+)?(?:the\s+)?(?:customers|clients|members|"
    r"patients|contacts|everyone|people)\s+(?:in|on|from)\s+our\s+(?:[\w-]+\s+){0,3}(?:register|"
    r"diary|records?|database|crm|list|files?|address\s+book|contacts)\b",
    r"(?:go|goes|are\s+(?:added|put|entered|saved|stored))\s+(?:in)?to\s+our\s+(?:[\w-]+\s+){0,2}"
    r"(?:database|list|crm|system|records?)\s+and\s+(?:then\s+)?(?:we\s+)?(?:send|text|message)",
    # "our SMS list is built from our customer database", "numbers are uploaded to the SMS
    # system", "our lab system has the numbers of all patients … these numbers will receive"
    r"(?:list|numbers|contacts)\s+(?:is|are|was|were)\s+(?:built|compiled|taken|drawn|made)\s+(?:up\s+)?"
    r"from\s+(?:our|the)\b",
    r"(?:uploaded|imported|added|loaded|synced|copied)\s+(?:in)?to\s+(?:the|our)\s+(?:sms|text|texting|"
    r"messaging|bulk)\s+(?:system|platform|list|tool|software|portal)",
    r"(?:these|those|all\s+(?:these|those|the|our))\s+(?:mobile\s+|phone\s+)?numbers\s+(?:will|would|are\s+"
    r"going\s+to|then)\s+(?:\w+\s+)?(?:receive|get)\b",
    r"\bso\s+(?:they|customers|clients|members)\s+(?:\w+\s+){0,6}(?:happy|glad|willing|keen)\s+to\s+"
    r"(?:get|receive)\s+(?:our\s+)?(?:sms|texts?|messages)",
    r"already\s+(?:part\s+of|on|in|enrolled\s+in|subscribed\s+to)\s+(?:our|the)\s+(?:[\w-]+\s+){0,2}"
    r"(?:sms|text|texting|messaging|alerts?)\s+(?:list|program(?:me)?|club|service)",
]


def _shouted(text: str) -> bool:
    """Typed all in capitals, where capitals no longer single out a keyword."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 20 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _consent_patterns(text: str) -> list[str]:
    return _CONSENT_SHOUTED if _shouted(text) else CONSENT


def consent_action(text: str) -> str | None:
    for pattern in _consent_patterns(text):
        found = _search(pattern, text)
        if found:
            return found.group(0)
    return None


def explicit_action(text: str) -> str | None:
    """An action of the person's own (not only the record of one)."""
    for pattern in _consent_patterns(text):
        if pattern in KEPT:
            continue
        found = _search(pattern, text)
        if found:
            return found.group(0)
    return None


def implied_consent(text: str) -> str | None:
    for pattern in IMPLIED:
        found = _search(pattern, text)
        if found:
            return found.group(0)
    return None


# --- Sharing with third parties ----------------------------------------------------------------

_RECIPIENT = (
    r"(?:third[\s-]?part(?:y|ies)|3rd[\s-]?part(?:y|ies)|(?:marketing\s+|business\s+|trusted\s+|"
    r"selected\s+|select\s+|carefully\s+selected\s+|commercial\s+|media\s+|advertising\s+|"
    r"affiliate\s+|strategic\s+|lending\s+|insurance\s+)?partners?|(?:non-?)?affiliates?|"
    r"non-?affiliated\s+(?:companies|businesses|parties|third\s+parties|entities|firms)|affiliated\s+"
    r"(?!with\b)[\w-]+s\b|sponsors?|advertisers?|marketers?|"
    r"(?:other|outside|external|unaffiliated|partner|participating|selected|select|chosen|trusted|"
    r"reputable|interested)\s+(?:(?:carefully\s+)?(?:selected|chosen|like-minded|charitable|"
    r"local|national|nonprofit|non-profit)\s+)?(?:charities|nonprofits|non-profits|"
    r"companies|businesses|organi[sz]ations|brands|merchants|firms|"
    r"entities|parties|sellers|lenders|advertisers|retailers|stores|shops|dealers|dealerships|"
    r"venues|agencies)|franchisees|resellers|"
    # "companies we work with", "businesses we partner with"
    r"(?:companies|businesses|organi[sz]ations|firms|brands)\s+(?:that\s+|who\s+)?we\s+"
    r"(?:work|partner|deal|collaborate)\s+with|"
    # the makers of what the sender sells: "the hair-care brands we carry", "labels we stock",
    # "the companies whose products we sell"
    r"(?:brands|labels|manufacturers|makers|designers)\s+(?:that\s+|which\s+)?we\s+"
    r"(?:carry|stock|sell|represent|feature)|"
    r"(?:companies|brands|businesses|makers|firms)\s+whose\s+(?:products|goods|services|brands?|"
    r"lines)\s+we\s+(?:sell|carry|stock|offer|represent|feature)|"
    r"co-?sponsors?|local\s+(?:partners|sponsors)|"
    # "our preferred caterers, florists and bands", "preferred vendors"
    r"preferred\s+(?!(?:times?|days?|dates?|language|name|method|channel|way)\b)[\w-]+s\b|"
    # "sister" names a kin business whatever it is: "our sister inns", "sister restaurants"
    r"subsidiar(?:y|ies)|sister\s+(?!(?:is|was|has|says|does|and|or|who|as)\b)"
    r"(?:[\w-]+s\b|[\w-]*(?:company|brand|business|store|site|clinic|school|hotel|inn|restaurant|"
    r"caf[eé]|practice|property|shop|salon|studio|gym|location|venue|outlet|concern|organi[sz]ation|"
    r"firm|agency|label|station|spa|bar|pub|franchise|centre|center|club|farm|brewery|winery)\b)|"
    r"parent\s+company|"
    # "the other parks in our Desert Loop network", "members of our dealer alliance"
    r"(?:other\s+)?[\w-]+\s+(?:in|of|across|within)\s+(?:our|the)\s+(?:[\w&'-]+\s+){0,3}"
    r"(?:network|alliance|consortium|co-?op|cooperative|association|coalition|collection|"
    r"portfolio|chain)|"
    r"(?:companies|brands|businesses)\s+(?:in|within|of)\s+our\s+(?:group|family|network)|"
    r"our\s+(?:group\s+companies|family\s+of\s+(?:brands|companies)|network)|group\s+companies|"
    r"lenders|brokers|data\s+brokers|list\s+brokers|anyone\s+else|other\s+parties|"
    r"(?:partner|affiliate|advertising|marketing|referral)\s+networks?|"
    r"(?:family|group|network)\s+of\s+(?:companies|brands|businesses)|"
    r"(?:sister|group|affiliated|related|associated|partner|affiliate)\s+(?:compan(?:y|ies)|"
    r"brands?|business(?:es)?|entit(?:y|ies)|agenc(?:y|ies)|organi[sz]ations?)|"
    r"(?:marketing|advertising|media|lead|referral)\s+(?:agenc(?:y|ies)|firms?|companies))"
)
# Businesses that may as well be the ones the sender texts ("exhibitors who register receive
# load-in times"): third parties only when the person's data is what they are given.
_RECIPIENT_IF_GIVEN_DATA = (
    r"(?:manufacturers?|suppliers?|distributors?|wholesalers?|exhibitors?|promoters?|"
    r"(?:event\s+)?organi[sz]ers|co-?hosts?|charit(?:y|ies)|local\s+(?:businesses|merchants|shops|"
    r"stores|restaurants|companies)|the\s+(?:venue|landlord|property\s+owner)s?)"
)
# What of the person's can be handed on: "your mobile number", "guests' contact details".
_DATA_NOUN = r"(?:numbers?|details|information|info|data|contact\w*|lists?|opt[\s-]?ins?|consent)"
_PERSONS_DATA = (
    r"(?:your|their|the\s+(?:customer|guest|member|patient|client|subscriber)['’]?s?|"
    r"customers['’]|guests['’]|members['’]|patients['’]|clients['’]|subscribers['’])\s+"
    rf"(?:[\w-]+\s+){{0,2}}{_DATA_NOUN}"
)
# Those who only carry the messages for the sender: warned about, never an error.
_PROCESSOR = (
    r"(?:service\s+providers?|(?:sms|messaging|technology|platform|telecom)\s+(?:providers?|vendors?)"
    r"|vendors?|processors?|sub-?contractors?|carriers?|aggregators?)"
)
_SHARE_VERB = (
    r"(?:shar(?:e|es|ed|ing)|sell(?:s|ing)?|sold|resell(?:s|ing)?|resold|rent(?:s|ed|ing)?|"
    r"exchang(?:e|es|ed|ing)|swap(?:s|ped|ping)?|"
    r"leas(?:e|es|ed|ing)|trad(?:e|es|ed|ing)|disclos(?:e|es|ed|ing)|transfer(?:s|red|ring)?|"
    r"provid(?:e|es|ed|ing)|giv(?:e|es|en|ing)|gave|pass(?:es|ed|ing)?(?:\s+(?:on|along))?|"
    r"mak(?:e|es|ing)\s+available|made\s+available|distribut(?:e|es|ed|ing)|"
    r"exchang(?:e|es|ed|ing)|hand(?:s|ed)?\s+(?:over|on)|licens(?:e|es|ed|ing)|send\s+to|sent\s+to|"
    r"forward(?:s|ed)?|pool(?:s|ed|ing)?|combin(?:e|es|ed|ing)|merg(?:e|es|ed|ing)|"
    r"upload(?:s|ed|ing)?|syncs?|synced|export(?:s|ed|ing)?|"
    # the person put in touch with someone else: "we may connect you with partner lenders",
    # "your number is visible to our sponsors"
    r"introduc(?:e|es|ed|ing)|connect(?:s|ed|ing)?|put\s+you\s+in\s+touch|refer(?:s|red|ring)?|"
    r"visible|"
    # the data moves along with something else: "your number travels with your profile to …"
    r"travel(?:s|led|ling)?|carr(?:y|ies|ied)\s+over)"
)
_NEGATION = (
    r"(?:\bnot\b|\bnever\b|\bno\b|n't\b|n’t\b|\bnor\b|\bneither\b|\bnone\b|\bnothing\b|\bwithout\b|"
    r"under\s+no\s+circumstances|\bexclud(?:e|es|ed|ing)\b|\bexcept\b|\bprohibit|\brefrain)"
)
_EXCEPTION = r"(?:except|other\s+than|apart\s+from|besides|save\s+for|but\s+only|only)\s+" + _words(
    3
)


# Data sold or rented is shared whoever buys it: "your details may be sold", "we rent our
# subscriber list".
_SOLD = (
    r"\b(?:sell|sells|selling|rent|rents|renting|resell|resells|trade|trades|monetiz\w+)\s+"
    r"(?:\w+\s+){0,2}(?:your|their|customer|customers['’]|subscriber|subscribers['’]|contact|"
    r"personal|mobile|phone|opt[\s-]?in|our\s+(?:customer|subscriber|mailing|sms|text))\s+"
    r"(?:\w+\s+)?(?:numbers?|data|details|information|info|lists?)\b"
    # a product named after the data it handles is not the data: "we sell customer data
    # platforms", "personal information management software"
    r"(?!\s+(?:platforms?|software|systems?|tools?|services?|solutions?|management|products?|"
    r"analytics|plans?|apps?|hardware|devices?|security|protection)\b)|"
    r"\b(?:numbers?|data|details|information|info|lists?)\s+(?:\w+\s+){0,2}(?:be|are|is|get|"
    r"gets)\s+(?:\w+\s+)?(?:sold|rented|resold|traded|monetized|monetised)\b"
)
# Data that names no one: sharing it is not sharing an opt-in.
_NOT_PERSONAL = r"\b(?:aggregated?|anonymi[sz]ed|de-?identified|statistical|statistics|anonymous)\b"


def _negated(clause: str) -> bool:
    return bool(_search(_NEGATION, clause))


def without_names(text: str, names: list[str] | tuple[str, ...] = ()) -> str:
    """The text with the sender's own names taken out ("Bayview Health Partners will text you"
    is the sender, not a partner)."""
    variants = set()
    for name in names:
        short = re.sub(_TRAILING_LEGAL_FORM, "", name.strip()).strip()
        variants |= {name.strip(), short, short.replace("&", "and"), short.replace(" and ", " & ")}
    for name in sorted((n for n in variants if len(n) >= 3), key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", "the sender", text, flags=re.IGNORECASE)
    return text


_TRAILING_LEGAL_FORM = (
    r"(?i)[,.]?\s+(?:inc|incorporated|llc|l\.l\.c|llp|ltd|limited|corp|corporation|co|company|plc|"
    r"gmbh|pty|pte|pvt|private\s+limited|sdn\s+bhd|tbk)\.?$"
)


_ON_THEIR_LIST = (
    r"\b(?:numbers?|details|contact\s+(?:details|information|info)|information|data)\s+"
    r"(?:\w+\s+){0,2}(?:goes|go|(?:is|are|gets?)\s+(?:also\s+)?(?:added|put|listed|placed))\s+"
    r"(?:on|to|in)\s+(?:\S+\s+){0,5}"
    r"(?:vendor|vendors['’]?|partner|partners['’]?|sponsor|sponsors['’]?|exhibitor|exhibitors['’]?|"
    r"merchant|merchants['’]?|member\s+business|shared|marketing|mailing)\s+(?:contact\s+)?lists?\b"
)
# Other businesses that may text the person: "so the other stands can text you their specials"
# (a warning: "other stylists can text you" may be the sender's own staff).
_OTHERS_TEXT_YOU = (
    r"\b(?:the\s+)?other\s+(?:[\w-]+\s+)?[\w-]+s\s+(?:\w+\s+)?(?:can|may|will|could|might)\s+"
    r"(?:also\s+)?(?:text|call|contact|message|e-?mail|send)\s+you\b"
)


_TO_THEM = (
    rf"\b(?:{_SHARE_VERB}|hand(?:s|ed|ing)?)\s+(?:your|their|the|members['’]?|customers['’]?|guests['’]?)\s+"
    rf"(?:[\w-]+\s+){{0,2}}{_DATA_NOUN}"
    r"\s+(?:(?:along|on|over)\s+)?(?:to|with)\s+(?:(?:each|all|both)\s+(?:of\s+)?)?"
    r"(?:them|those|these)\b"
)


# Whom data handed "to" does not leave the sender for: the person, the sender, its own people.
_NOT_THE_SENDERS_OWN = (
    r"(?!(?:you|us|them\s+only|our\s+(?:own\s+)?(?:team|staff|office|front\s+desk|technicians?|"
    r"drivers?|dispatch\w*|stylists?|employees|crew|coordinators?|agents?))\b)"
)


# The person's data handed to anyone but the person and the sender's own people, whoever they are
# ("we pass guests' contact details to the host"): not sure enough to block, a warning to read.
_HANDED_ON = (
    r"\b(?:shar\w*|pass\w*|giv\w*|gave|send\w*|sent|forward\w*|provid\w*|hand\w*|disclos\w*|"
    r"transfer\w*|releas\w*)\s+(?:(?!us\b)\w+\s+){0,3}(?:your|their|the|customers?['’]?|"
    r"guests?['’]?|members?['’]?|clients?['’]?|patients?['’]?|renters?['’]?|parents?['’]?)\s+"
    rf"(?:[\w-]+\s+){{0,2}}{_DATA_NOUN}\s+"
    r"(?:(?:along|on|over|onward|also)\s+)?(?:to|with)\s+" + _NOT_THE_SENDERS_OWN + r"\w+"
)


# The same said of the data: "your name and number may be passed to the host venue".
_HANDED_ON_PASSIVE = (
    rf"\b{_DATA_NOUN}\s+(?:\w+\s+){{0,2}}(?:is|are|may\s+be|will\s+be|can\s+be|might\s+be|gets?|"
    r"could\s+be)\s+(?:also\s+)?(?:passed|given|handed|forwarded|sent|provided|released|disclosed|"
    r"shared|transferred)\s+(?:(?:along|on|over|onward)\s+)?(?:to|with)\s+"
    + _NOT_THE_SENDERS_OWN
    + r"\w+"
)
# Whoever received it then contacts the person: "… so they can text you about the night".
_THEY_CONTACT_YOU = (
    r"\bso\s+(?:that\s+)?(?:they|it|the\s+[\w-]+(?:\s+[\w-]+)?)\s+(?:can|may|will|could|might)\s+"
    r"(?:also\s+|then\s+)?(?:text|call|contact|message|e-?mail|reach|market\s+to|send\s+you)\b"
)


def sharing(text: str, names: list[str] | tuple[str, ...] = ()) -> Reading | None:
    """A clause that lets opt-in data (or the person) reach someone other than the sender."""
    possible: str | None = None
    previous = ""  # the clause before: who "them" are
    for clause in sentences(without_names(text, names)):
        to_them = _search(_TO_THEM, clause)
        # "never shared, except with our marketing partners": the exception is the sharing
        exception = _search(rf"{_EXCEPTION}(?:with|to)?\s*{_words(2)}{_RECIPIENT}\b", clause)
        # ("used for sign-in only and are not shared with third parties" excepts nothing)
        denied = exception and re.search(r"(?i)\b(?:not|never|no)\b|n['’]t\b", exception.group(0))
        if exception and not denied and _search(_SHARE_VERB, clause):
            return Reading(exception.group(0), sure=True)
        positive = (
            _search(rf"\b{_SHARE_VERB}\b\s+{_words(14)}(?:with|to|within|among|across|between)\s+"
                    rf"{_words(7)}{_RECIPIENT}\b", clause)
            # a list of recipients, one of them further on: "share it with our practices, with
            # billing agencies, and with selected companies that …"
            or _search(rf"\b{_SHARE_VERB}\b\s+{_words(22)}with\s+[^.;]{{0,160}}?,\s+"
                       rf"(?:and\s+|or\s+)?with\s+{_words(3)}{_RECIPIENT}\b", clause)
            # the number put on someone else's list: "your number also goes on the market's
            # vendor list"
            or _search(_ON_THEIR_LIST, clause)
            or _search(rf"\b{_RECIPIENT},?\s+(?:(?:who|which|that)\s+)?{_words(3)}(?:may|might|"
                       r"will|can|could|would)\s+(?:also\s+)?(?:contact|text|message|call|send|"
                       r"reach|receive|access|use|market)", clause)
            # the person's yes lets someone else message them: "checking the box also lets our
            # sponsors text you", "you allow our partners to call you"
            or _search(rf"\b(?:lets?|allows?|permits?|authori[sz]es?|enables?)\s+{_words(3)}"
                       rf"{_RECIPIENT}\s+(?:\w+\s+){{0,3}}(?:to\s+)?(?:contact|text|message|call|"
                       r"send|reach|email|e-mail|market\s+to)\b", clause)
            or _search(r"(?:receive|get|be\s+sent)\s+(?:\w+\s+){0,4}(?:from|by)\s+(?:our\s+|"
                       rf"trusted\s+|select\s+)*{_RECIPIENT}\b", clause)
            or _search(rf"(?:contacted|texted|messaged|called)\s+by\s+{_words(2)}{_RECIPIENT}\b",
                       clause)
            or _search(rf"on\s+behalf\s+of\s+{_words(2)}{_RECIPIENT}\b", clause)
            # who it goes to, named first: "nonaffiliates we share with include …"
            or _search(rf"\b{_RECIPIENT}\s+(?:that\s+|whom\s+|to\s+whom\s+)?we\s+(?:may\s+|can\s+)?"
                       rf"{_SHARE_VERB}\b", clause)
            # the US banks' model privacy notice (GLBA): "for nonaffiliates to market to you: Yes"
            or _search(r"\bfor\s+(?:our\s+)?(?:non-?)?affiliates\s+to\s+market\s+to\s+you\W{0,4}"
                       r"yes\b", clause)
            or _search(r"\bfor\s+joint\s+marketing\s+with\s+(?:other\s+)?(?:financial\s+)?"
                       r"(?:companies|institutions)\W{0,4}yes\b", clause)
            # "our marketing partners include insurers, who may contact you"
            or _search(rf"\b{_RECIPIENT}\s+(?:include|are|such\s+as)\s+[^.]{{0,80}}?,?\s+"
                       r"(?:who|which|that)\s+(?:may|might|will|can|could)\s+(?:also\s+)?(?:contact|"
                       r"text|message|call|send|reach|market)", clause)
            or _search(rf"(?:used|accessed|received|viewed|seen|reused)\s+(?:\w+\s+){{0,2}}by\s+"
                       rf"{_words(2)}{_RECIPIENT}\b", clause)
            or _search(rf"\b{_RECIPIENT}\s+{_words(4)}(?:access\s+to|receive|get|obtain)\s+"
                       r"(?:your|their|the|our)\s+(?:\w+\s+){0,2}(?:number|data|information|"
                       r"details|list|consent)", clause)
            or _search(rf"\b{_SHARE_VERB}\s+{_words(2)}{_PERSONS_DATA}\s+{_words(8)}"
                       rf"(?:with|to)\s+{_words(3)}{_RECIPIENT_IF_GIVEN_DATA}\b", clause)
            or _search(rf"{_PERSONS_DATA}\s+(?:\w+\s+){{0,3}}(?:is|are|gets?|will\s+be|may\s+be|"
                       rf"can\s+be)\s+(?:also\s+)?{_SHARE_VERB}\s+(?:(?:along|on|over)\s+)?"
                       rf"(?:with|to)\s+{_words(3)}{_RECIPIENT_IF_GIVEN_DATA}\b", clause)
            # a recipient named first, then the data handed "to them": "… free samples from the
            # brands we carry, so we'll pass your number along to them"
            or (to_them and _search(rf"\b{_RECIPIENT}\b", previous + clause))
        )  # fmt: skip
        if not positive:
            positive = _search(_SOLD, clause)  # sold or rented, to anyone
        if positive and _search(_NOT_PERSONAL, positive.group(0)):
            positive = None  # "aggregated statistics with partners": no one's number
        if positive and not _negated(clause):
            return Reading(positive.group(0), sure=True)
        # someone unnamed: staff read who
        handed = to_them or _search(_HANDED_ON, clause) or _search(_HANDED_ON_PASSIVE, clause)
        if handed and not _negated(clause):
            if _search(_THEY_CONTACT_YOU, clause[handed.end() :]):
                return Reading(handed.group(0), sure=True)  # and they text the person
            if possible is None:
                possible = handed.group(0)
        processor = _search(
            rf"\b{_SHARE_VERB}\b\s+{_words(10)}(?:with|to)\s+{_words(3)}{_PROCESSOR}\b", clause
        )
        if processor and not _negated(clause) and possible is None:
            possible = processor.group(0)
        others = _search(_OTHERS_TEXT_YOU, clause)
        if others and not _negated(clause) and possible is None:
            possible = others.group(0)
        previous = clause + " "
    return Reading(possible, sure=False) if possible else None


# --- SMS as a condition of service -------------------------------------------------------------

_SMS = (
    r"(?:sms|texts?|text\s+messag(?:es|ing)|texting|mobile\s+(?:number|phone)|phone\s+number|"
    r"cell(?:\s+phone)?\s+number|opt[\s-]?in|messages|alerts|consent)"
)
# The messages or the consent to them, not the number alone: a phone number required to open an
# account ("for delivery questions") does not make texts a condition.
_SMS_ITSELF = (
    r"(?:sms|texts?|text\s+messag(?:es|ing)|texting|opt[\s-]?in|messages|alerts|consent)"
    r"(?!\s+number)"
)
_SERVICE = (
    r"(?:sign(?:ing)?[\s-]?up|register|registration|create|creating|open|opening|account|service|"
    r"membership|join|joining|enrol+|enrol+ment|book|booking|checkout|check\s+out|purchase|"
    r"order|use|using|access|continue|proceed|complete|completing|activate|participate|"
    r"application|apply|receive\s+(?:our|the)\s+(?:service|product|loan)|the\s+app|program|"
    r"check[\s-]?in|reservation|request|rent|rental|lease|move[\s-]in|hold)"
)
SMS_REQUIRED_SURE = [
    # "To complete a booking, customers must … agree to texts" (the purpose not SMS itself)
    rf"^(?:to|in\s+order\s+to)\s+(?!{_words(3)}{_SMS})(?:{_words(2)}){_SERVICE}\b[^.]{{0,80}}?"
    r"\b(?:must|have\s+to|has\s+to|need\s+to|needs\s+to|are\s+required\s+to|is\s+required\s+to)"
    rf"\s+[^.]{{0,80}}?\b(?:agree|accept|opt|consent|receive|tick|check|subscribe)\b[^.]{{0,60}}?"
    rf"\b{_SMS}",
    # the booking / checkout button stays off until the SMS box is ticked
    # (the button's name may be quoted: "'Next' stays disabled until it is ticked"; not the
    # texts' own Join or Confirm button)
    r"(?:booking|checkout|check-out|check-in|order|purchase|registration|sign[\s-]?up|account|"
    r"pay|continue|next|proceed|finish|done|apply|register|book|reserve|plan|"
    r"get\s+started|create\s+account)[\"”'’]?\s+(?:\w+\s+){0,4}(?:is|are|stays?|remains?)\s+"
    r"(?:disabled|greyed(?:\s+out)?|grayed(?:\s+out)?|grey|gray|inactive|blocked|locked|"
    r"unavailable)\s+until\s+(?:(?:\w+\s+){0,8}(?:box|checkbox|consent|opt[\s-]?in|sms|text)|"
    r"(?:it|this|that)(?:\s+is|\s+has\s+been|\s+gets?|['’]s)\s+(?:ticked|checked|selected))",
    # "the checkbox has to be ticked or the Send Request button stays grey"
    r"(?:box|checkbox|check-box|tick\s*box)\s+(?:[\w'’-]+\s+){0,4}(?:has\s+to|must|needs\s+to|is\s+"
    r"required\s+to)\s+be\s+(?:ticked|checked|selected)\s+or\s+(?:[\w'’-]+\s+){0,5}(?:stays?|"
    r"remains?|is|won't|will\s+not|can't|cannot)\s+(?:disabled|greyed|grayed|grey|gray|inactive|"
    r"locked|unclickable|submit|send|go\s+through|work)",
    # "all confirmations go out by text only" (not "by text only to those who opt in")
    r"(?:go|goes|are\s+sent|come|comes)\s+(?:out\s+)?(?:by|via|through|over)\s+(?:sms|text)\s+only\b"
    r"(?!\s+(?:to|for)\s+(?:those|people|customers|patients|members|users|guests|clients|anyone)\b)",
    # the texts the only channel: "the driver's updates only go by text"
    r"\bonly\s+(?:go|goes|come|comes|arrive|arrives|travel|travels)\s+(?:out\s+)?(?:by|via|"
    r"through|over)\s+(?:sms|text)",
    rf"{_SERVICE}\s+{_words(4)}requires?\s+{_words(2)}(?:sign(?:ing)?\s+up\s+for|agree(?:ing)?\s+to|"
    rf"opt(?:ing)?\s+in(?:to)?|accept(?:ing)?|consent(?:ing)?\s+to|receiv(?:e|ing)|subscrib(?:e|ing)"
    rf"\s+to)\s+{_words(3)}{_SMS}",
    rf"{_SMS_ITSELF}\s+{_words(3)}(?:is|are|becomes?)\s+(?:a\s+|the\s+)?(?:condition|prerequisite|"
    rf"requirement)\s+(?:of|for|to)\s+{_words(2)}{_SERVICE}",
    rf"(?:condition|prerequisite|requirement)\s+(?:of|for|to)\s+{_words(3)}{_SERVICE}\s+"
    rf"{_words(4)}{_SMS}",
    rf"{_SMS_ITSELF}\s+{_words(3)}(?:is|are)\s+(?:required|mandatory|compulsory|obligatory|needed|"
    rf"necessary)\s+(?:to|for|in\s+order\s+to|before)\s+{_words(2)}{_SERVICE}",
    rf"(?:must|have\s+to|has\s+to|need\s+to|needs\s+to|are\s+required\s+to|is\s+required\s+to)\s+"
    rf"(?:\w+\s+){{0,3}}(?:agree|accept|opt|consent|receive|enable|subscribe|sign\s+up\s+for)\s+"
    rf"{_words(4)}{_SMS}\s+{_words(3)}(?:to|in\s+order\s+to|before|for)\s+{_words(2)}{_SERVICE}",
    rf"(?:cannot|can't|can’t|can\s+not|unable\s+to|not\s+able\s+to|won't\s+be\s+able\s+to)\s+"
    rf"{_words(4)}{_SERVICE}\s+{_words(4)}without\s+{_words(4)}{_SMS}",
    rf"(?:sms|text(?:\s+messag(?:e|es|ing))?|texting)\s+{_words(2)}(?:is|are)\s+the\s+only\s+"
    r"(?:way|channel|option|method|means)",
    r"(?:no|without\s+any|there\s+is\s+no|there\s+are\s+no)\s+(?:other|alternative|"
    r"e-?mail|email|voice)\s+(?:\w+\s+){0,2}(?:channel|option|way|method|alternative)",
    # the consent box the form will not go without: "a checkbox that must be checked before
    # the form can be submitted: 'I agree to receive text messages …'"
    r"(?:box|checkbox|check-box|tick\s*box|toggle)\s+(?:that\s+|which\s+)?(?:\w+\s+){0,2}"
    r"(?:must|has\s+to|needs\s+to|is\s+required\s+to)\s+be\s+(?:checked|ticked|selected|"
    r"accepted|enabled|switched\s+on|turned\s+on)\s+(?:before|to|in\s+order\s+to|for)\s+"
    r"(?:\w+\s+){0,4}(?:submit\w*|continu\w*|finish\w*|complet\w*|proceed\w*|book\w*|enrol\w*|"
    r"register\w*|order\w*|check\w*\s+out|pay\w*|sign\w*\s+up)\b[^.]{0,60}?\b"
    r"(?:sms|texts?|text\s+messag\w+|texting)\b",
    r"only\s+(?:available|offered|possible|sent|delivered)\s+(?:by|via|through|over)\s+"
    r"(?:sms|text)",
    # "gate codes are delivered only by text"
    r"(?:sent|delivered|available|given|provided|issued)\s+only\s+(?:by|via|through|over)\s+"
    r"(?:sms|text)",
    # "a mobile number able to receive texts is required to rent a unit"
    r"(?:number|phone)\s+(?:that\s+can|able\s+to|capable\s+of)\s+receiv\w+\s+(?:sms|texts?|"
    r"text\s+messages)\s+(?:is|are)\s+(?:required|mandatory|needed|necessary)\s+(?:to|for|before)\s+"
    rf"{_words(2)}{_SERVICE}",
    r"(?:required|mandatory)\s+(?:sms|text)\s+(?:opt[\s-]?in|consent|checkbox|box|enrol+ment)",
    # SMS the only way in: "sign-in is only possible with a code sent by text"
    r"(?:sign(?:ing)?[\s-]?in|log(?:ging)?[\s-]?in|login|access)\s+(?:\w+\s+){0,6}only\s+"
    r"(?:\w+\s+){0,4}(?:by|via|through|over|with)\s+(?:\w+\s+){0,4}(?:sms|text(?:\s+message)?)\b",
    r"only\s+(?:way|option|method|means)\s+to\s+(?:sign|log)[\s-]?in\b[^.]{0,60}?\b(?:sms|text)",
    r"(?:sms|text)\s+(?:opt[\s-]?in|consent|enrol+ment)\s+(?:is\s+)?(?:required|mandatory)",
    rf"{_SMS_ITSELF}\s+{_words(3)}(?:is|are)\s+(?:mandatory|compulsory|obligatory|not\s+optional)\b",
    # the service kept only for those who take texts: "we can only hold slots for families who
    # can be reached by text"
    r"\bonly\s+(?:\w+\s+){0,2}(?:hold|holds|keep|keeps|reserve|reserves|accept|accepts|book|books|"
    r"confirm|confirms|guarantee|guarantees|honou?r|honou?rs|schedule|schedules|seat|seats)\s+"
    r"(?:\w+\s+){0,3}(?:for|to|from)\s+(?:\w+\s+){0,3}(?:who|that)\s+(?:can\s+be\s+reached|"
    r"are\s+reachable|receive|get|agree\s+to|accept|opt\s+in\s+to|sign\s+up\s+for|keep|have)\s+"
    r"(?:\w+\s+){0,3}(?:by\s+|via\s+|over\s+)?(?:sms|texts?|text\s+messag\w+|text\s+reminders?)\b",
    # the service lost without the texts: "bookings without text reminders are released"
    r"(?:appointments?|bookings?|reservations?|slots?|orders?|places?|spots?|seats?|tables?|"
    r"memberships?|accounts?|tickets?|registrations?|enrol+ments?)\s+without\s+"
    rf"{_words(3)}{_SMS_ITSELF}\s+{_words(3)}(?:are|is|will\s+be|get|gets)\s+(?:automatically\s+)?"
    r"(?:released|cancel+ed|forfeited|given\s+away|lost|dropped|closed|refused|declined|"
    r"rejected|removed|not\s+(?:held|kept|confirmed|accepted))\b",
]
_DECLINE = (
    r"(?:declin\w*|refus\w*|opt(?:s|ing|ed)?\s+out\s+of|say(?:s|ing)?\s+no\s+to|untick\w*|"
    r"uncheck\w*|(?:don't|do\s+not|doesn't|does\s+not|not)\s+(?:accept\w*|agree\w*|want\w*|"
    r"tick\w*|check\w*))"
)
_CANT = (
    r"(?:can't|can’t|cannot|can\s+not|won't|won’t|will\s+not|unable\s+to|not\s+able\s+to|"
    r"no\s+longer)"
)
# What the person keeps only while the texts stay on (the messages themselves are not it:
# "cancels your appointment reminders" is the opt-out working).
_MESSAGES = (
    r"(?:sms|texts?|text\s+messag\w+|alerts?|messages|msgs|subscriptions?|reminders?|"
    r"notifications?|updates?|offers?|news|codes?|deals?|promotions?|notices?|confirmations?)"
)
_KEPT = (
    rf"(?!(?:[\w'’-]+\s+){{0,2}}{_MESSAGES}\b)"
    r"(?:[\w'’-]+\s+){0,2}(?:bookings?|accounts?|memberships?|orders?|reservations?|"
    r"enrol+ments?|rewards?|points|loyalty|appointments?|places?|spots?|seats?|tables?|plans?|"
    r"polic(?:y|ies)|warrant(?:y|ies)|registrations?|tickets?|visits?)\b"
    rf"(?!\s+{_MESSAGES}\b)"
)


def _words_no_negation(n: int) -> str:
    """Up to n words in between, none of them a negation ("does not cancel" is no cost)."""
    return (
        r"(?:(?!(?:not|never|no|doesn't|don't|won't|isn't|does|will|can't|cannot)\b)"
        rf"[\w'’&/-]+[,:]?\s+){{0,{n}}}"
    )


SMS_REQUIRED_SURE += [
    # the service refused to whoever will not take the texts: "we don't write bonds for people
    # who won't take our reminder texts"
    r"(?:don't|don’t|do\s+not|never|won't|won’t|will\s+not|can't|can’t|cannot)\s+(?:\w+\s+){1,4}"
    r"(?:for|to)\s+(?:anyone|anybody|people|those|customers|clients|guests|members|patients|"
    r"users|students|tenants|defendants)\s+who\s+(?:don't|don’t|do\s+not|won't|won’t|will\s+not|"
    rf"refuse\s+to|decline\s+to)\s+(?:take|accept|agree\s+to|want|get|receive)\s+{_words(3)}"
    rf"{_SMS_ITSELF}",
    # nothing to decline them with: "there is no box to skip it"
    r"\bno\s+(?:box|checkbox|option|way|toggle|setting)\s+to\s+(?:skip|decline|refuse|avoid|opt\s+out\s+of|"
    r"turn\s+off|untick|uncheck)\s+(?:it|them|the\s+texts?|texts|(?:the\s+)?(?:sms|text)\s+\w+)\b",
    # the texts part of the agreement: "SMS consent is part of the slip agreement", "text
    # verification is a built-in part of the monitoring"
    rf"\b{_SMS_ITSELF}\s+(?:[\w-]+\s+){{0,2}}(?:is|are)\s+(?:a\s+|an\s+)?(?:built[\s-]in\s+|required\s+|"
    r"mandatory\s+|integral\s+|standard\s+|fixed\s+|non-optional\s+)?part\s+of\s+(?:(?:the|our|"
    r"every|each|your|all)\s+)?(?:[\w+&'’-]+\s+){0,3}(?:agreement|contract|terms|membership|service|plan|"
    r"subscription|enrol+ment|booking|monitoring|package|account|program(?:me)?)\b",
    # the service held until the SMS consent: "activation cannot be finished until a mobile
    # number is enrolled for alarm texts", "the order cannot be placed until this box is ticked"
    rf"(?:{_SERVICE}|activation|installation|setup|set-up)\w*\s+{_words(2)}(?:cannot|can\s+not|"
    r"can't|can’t|won't|will\s+not)\s+(?:be\s+"
    r"(?:finished|completed|placed|submitted|made|done|processed|confirmed|booked|activated|"
    r"opened)|go\s+through|proceed|complete)\s+until\s+(?:(?:[\w'’-]+\s+){0,8}(?:enrolled|opted\s+in|signed\s+up|registered)\s+"
    rf"(?:for|in|to)\s+{_words(2)}{_SMS_ITSELF}|(?:this|the|that)\s+(?:sms\s+|text\s+|consent\s+)?"
    r"(?:box|checkbox|check-box|tick\s*box)\s+(?:is|has\s+been|gets)\s+(?:ticked|checked|selected))",
    # a button that unlocks only once the box is ticked (not the texts' own button)
    r"(?:must|has\s+to|have\s+to|needs\s+to|need\s+to)\s+be\s+(?:checked|ticked|selected)\s+(?:before|"
    r"for|so)\s+(?:the\s+)?[\"“'‘]?"
    r"(?:(?!(?:the|join|confirm|subscribe|opt|yes|sign\s+me|text\s+me)\b)[\w-]+\s+){0,2}"
    r"[\"”'’]?\s*(?:button|link)\s+(?:unlocks|activates|is\s+enabled|works|appears|turns\s+on|"
    r"lights\s+up|goes\s+live|becomes\s+(?:active|clickable|available))",
    # "ticking the box is needed to open a plan" (the box of an SMS opt-in is the texts')
    r"(?:ticking|checking|selecting)\s+(?:the\s+|this\s+|that\s+|our\s+)?(?:(?:sms|text|texting|"
    r"consent)\s+)?(?:box|checkbox|check-box|tick\s*box)\s+(?:is|was|will\s+be)\s+(?:also\s+)?"
    r"(?:needed|required|mandatory|necessary|compulsory)\s+(?:to|for|in\s+order\s+to|before)\s+"
    rf"(?!{_words(2)}{_SMS_ITSELF})(?:{_words(2)}){_SERVICE}\b(?!\s+{_words(2)}{_SMS_ITSELF})",
    # the service withheld from whoever does not take the texts: "a table can't be held for
    # anyone who doesn't agree to the texts"
    rf"{_CANT}\s+{_words(4)}(?:for|to|from)\s+(?:anyone|anybody|any\s+\w+|guests?|customers?|people|"
    r"those|members?|patients?|users?|clients?|tenants?|students?)\s+who\s+(?:don't|doesn't|"
    r"don’t|doesn’t|do\s+not|does\s+not|won't|will\s+not|refuses?\s+to|declines?\s+to)\s+"
    rf"(?:\w+\s+)?(?:agree|accept|opt\s+in|consent|sign\s+up|want)\s+{_words(3)}{_SMS_ITSELF}",
    # "you can't book a table unless you agree to receive texts"
    rf"{_CANT}\s+{_words(4)}{_SERVICE}\s+{_words(4)}unless\s+{_words(4)}(?:agree|accept|opt|"
    rf"consent|sign\s+up|subscribe|receive|tick|check)\w*\s+{_words(4)}{_SMS}",
    # "only customers who accept texts can place an order"
    r"\bonly\s+(?:\w+\s+){0,2}(?:who|that)\s+(?:accept|agree\s+to|opt\s+in\s+to|sign\s+up\s+for|"
    rf"consent\s+to|receive|allow)\s+{_words(3)}{_SMS_ITSELF}\s+(?:can|may|are\s+able\s+to|get\s+to)"
    rf"\s+{_words(3)}{_SERVICE}",
    # "we require all patients to accept appointment texts"
    r"\brequire[sd]?\s+(?:all\s+|every\s+|each\s+)?(?:\w+\s+){0,2}to\s+(?:accept|receive|agree\s+to|"
    rf"opt\s+in\s+to|sign\s+up\s+for|consent\s+to)\s+{_words(3)}{_SMS_ITSELF}",
    # declining the texts costs the service: "if you decline texts, we can't process your
    # order", "declining texts means we can't hold your reservation", "unticking the SMS box
    # cancels the booking", "replying STOP also ends your rewards" (seed 003: SMS may not be a
    # requirement to join a rewards program)
    rf"\bif\s+(?:you|they|\w+s)\s+{_DECLINE}\s+{_words(3)}{_SMS_ITSELF}[^.]{{0,40}}?{_CANT}\s+"
    rf"{_words(3)}(?:process|accept|complete|hold|book|confirm|open|ship|serve|enrol\w*|register|"
    r"take|keep|honou?r)",
    rf"\b{_DECLINE}\s+{_words(3)}{_SMS_ITSELF}\s+(?:box\s+)?(?:also\s+)?(?:means|will\s+mean)\s+"
    rf"{_words_no_negation(3)}{_CANT}",
    rf"(?:{_DECLINE}|(?:replying|texting|sending)\s+stop|opting\s+out|unsubscribing)\s+"
    rf"{_words_no_negation(3)}(?:(?:{_SMS_ITSELF}|box)\s+)?(?:also\s+|automatically\s+)?"
    r"(?:cancels?|closes?|ends?|"
    r"terminates?|forfeits?|voids?|deletes?|releases?|removes?\s+you\s+from|will\s+(?:also\s+)?"
    rf"(?:cancel|close|end|terminate|forfeit|void|delete|release))\s+(?:your\s+|the\s+)?{_KEPT}",
    # the texts cannot be refused: "text alerts are part of the membership and can't be turned
    # off", "texts can't be declined during checkout"
    rf"{_SMS_ITSELF}\s+{_words(6)}(?:can't|can’t|cannot|can\s+not|may\s+not)\s+be\s+"
    r"(?:turned\s+off|switched\s+off|disabled|declined|refused|opted\s+out\s+of|unchecked|"
    r"unticked)",
    r"\bno\s+way\s+to\s+(?:opt\s+out|decline|refuse|turn\s+(?:them\s+|texts\s+)?off)",
    # "members must keep text alerts on to stay enrolled"
    rf"must\s+(?:keep|leave|have)\s+{_words(3)}{_SMS_ITSELF}\s+(?:on|enabled|turned\s+on|active|"
    r"switched\s+on)\s+to\s+(?:stay|remain|keep)",
]
_REQUIRE_CUE = (
    r"(?:required|require[sd]?|mandatory|compulsory|obligatory|must|have\s+to|has\s+to|"
    r"need\s+to|needs\s+to|only\s+way|only\s+option|cannot|can't|can’t|unless|condition)"
)
_NOT_REQUIRED = (
    r"(?:not\s+(?:\w+\s+){0,2}(?:required|mandatory|a\s+condition|necessary|needed)|optional|"
    r"(?:don't|do\s+not|doesn't|does\s+not|never)\s+(?:\w+\s+){0,2}(?:have|need)\s+to|"
    # "booking never requires signing up for texts", "is not conditioned on"
    r"(?:never|doesn't|does\s+not|don't|do\s+not|won't|will\s+not|isn't|is\s+not|aren't|are\s+not)"
    r"\s+(?:\w+\s+)?(?:require[sd]?|requiring|mandate[sd]?|conditioned|contingent|dependent|"
    r"depends?)\b|"
    # nobody is made to: "nobody has to sign up for texts to buy service", "no patient needs to"
    r"\b(?:nobody|no[\s-]?one|none\s+of\s+(?:\w+\s+){1,2}|no\s+\w+)\s+(?:has|have|needs?|is\s+"
    r"(?:required|obliged|forced|made)|are\s+(?:required|obliged|forced|made))\s+to\b|"
    r"instead|(?<!\bno )(?<!\bany )(?<!other )alternative|or\s+(?:by\s+)?e-?mail|"
    r"choose\s+(?:e-?mail|voice)|"
    r"(?:may|can|could)\s+(?:also\s+)?(?:choose\s+to\s+)?(?:tick|check|select|opt|choose|toggle)|"
    r"optionally|"
    r"if\s+(?:you|they)\s+(?:wish|want|prefer|choose|like)|can\s+(?:still\s+)?(?:sign|book|"
    r"check|order|use|create|register|join)|without\s+(?:opting|agreeing|consenting|giving))"
)
_CANNOT_WITHOUT = next(p for p in SMS_REQUIRED_SURE if p.startswith("(?:cannot"))
# The service withheld without the consent: "membership is not available without this box",
# "accounts are not opened unless the text box is ticked".
_WITHHELD_WITHOUT = (
    rf"{_SERVICE}s?\s+{_words(3)}(?:(?:is|are|will\s+be)\s+not|isn't|aren't|won't\s+be|"
    r"can\s*not\s+be|can't\s+be|can’t\s+be)\s+(?:available|possible|offered|open|opened|granted|"
    r"allowed|permitted|"
    r"complete|completed|accepted|processed|activated)\s+(?:to\s+\w+\s+)?(?:without|unless)\s+"
    r"(?!(?:[\w'’&/-]+\s+){0,3}(?:parent|parental|guardian)\b)"
    rf"{_words(4)}(?:{_SMS}|box|check-?box|tick\s*box|toggle|switch)\b"
)


# The same, the consent named in the clause before: "… a checkbox for texts. Enrollment cannot
# be finished without it."
_WITHHELD_WITHOUT_IT = (
    rf"{_SERVICE}s?\s+{_words(3)}(?:cannot|can\s+not|can't|can’t|won't|will\s+not|is\s+not|"
    r"isn't)\s+be\s+(?:finished|completed|complete|submitted|done|processed|accepted|finali[sz]ed|"
    r"confirmed|approved)\s+without\s+(?:it|this|that|them)\b"
)
_CONSENT_BOX = rf"(?:box|checkbox|check-box|tick\s*box|toggle|{_SMS_ITSELF})"
# No other way in: "there is no password or e-mail login to fall back on" (its "or e-mail" is
# no alternative, so it is read before the clause's alternatives are).
_NO_OTHER_LOGIN = (
    r"\bno\s+(?:password\s+(?:or|nor|and)\s+)?(?:e-?mail|email)(?:\s+(?:or|nor|and)\s+password)?"
    r"\s+(?:log[\s-]?in|sign[\s-]?in|sign[\s-]?on|fall[\s-]?back|backup|option)"
)


# A Submit button held until the box is ticked, or a form that will not send: on a form made
# for the texts alone that is the texts' own button, so staff read it.
_SUBMIT_HELD = (
    r"(?:\bsubmit[\"”'’]?\s+(?:\w+\s+){0,4}(?:is|are|stays?|remains?)\s+(?:disabled|greyed(?:\s+out)?|"
    r"grayed(?:\s+out)?|grey|gray|inactive|locked)|\bform\s+(?:won't|won’t|will\s+not|can't|"
    r"cannot|doesn't|does\s+not)\s+(?:submit|send|go\s+through|be\s+submitted|be\s+sent))\s+until\s+"
    r"(?:the|this|that|it)\b"
)


def sms_required(text: str) -> Reading | None:
    """SMS made a condition of the service (no other channel, no way around it)."""
    possible = None
    previous = ""
    for clause in sentences(text):
        found = _search(_CANNOT_WITHOUT, clause)
        found = found or _search(_WITHHELD_WITHOUT, clause) or _search(_NO_OTHER_LOGIN, clause)
        context = previous + " " + clause
        if (
            not found
            and _search(rf"\b{_CONSENT_BOX}\b", context)
            and not _search(_NOT_REQUIRED, context)
        ):
            found = _search(_WITHHELD_WITHOUT_IT, clause)
        previous = clause
        if found:
            return Reading(found.group(0), sure=True)
        if _search(_NOT_REQUIRED, clause):
            continue
        for pattern in SMS_REQUIRED_SURE:
            found = _search(pattern, clause)
            if found:
                return Reading(found.group(0), sure=True)
        held = _search(_SUBMIT_HELD, clause)
        if held and possible is None:
            possible = held.group(0)
        cue = _search(_REQUIRE_CUE, clause)
        rest = re.sub(
            rf"(?i)(?:sign(?:ing)?\s+up|subscrib\w*|enrol+\w*|join\w*|register\w*|opt\w*\s+in)\s+"
            rf"(?:for|to|in)\s+{_words(2)}{_SMS}",
            " ",
            clause,
        )
        if (
            cue
            and _search(rf"\b{_SMS}\b", clause)
            and _search(rf"\b{_SERVICE}\b", rest)
            and not _search(r"\b(?:stop|help|unsubscribe|opt[\s-]?out)\b", clause)
            and possible is None
        ):
            possible = clause
    # "a mobile number is required to open an account, but texts are optional": the text
    # itself says the messages are not the condition
    if possible and _search(rf"{_SMS_ITSELF}\s+{_words(3)}(?:are|is)\s+(?:\w+\s+)?optional", text):
        return None
    return Reading(possible, sure=False) if possible else None


# --- Lead generation ---------------------------------------------------------------------------

_PARTY = (
    r"(?:lenders?|agents?|brokers?|insurers?|insurance\s+(?:companies|carriers|providers)|"
    r"carriers?|providers?|contractors?|partners?|dealers?|dealerships?|attorneys?|lawyers?|"
    r"law\s+firms?|companies|businesses|professionals|pros|specialists|advisors?|advisers?|"
    r"(?:insurance\s+|partner\s+|mortgage\s+|real\s+estate\s+)?agenc(?:y|ies)|bidders?|"
    r"therapists?|doctors?|physicians?|dentists?|practitioners?|vendors?|sellers?|merchants?|"
    r"suppliers?|firms?|experts?|consultants?|planners?|counsel(?:l)?ors?|tutors?|coaches|"
    r"installers?|sponsors?|buyers?|clinics?|schools?|colleges?|realtors?|movers?|"
    r"solar\s+(?:companies|installers)|roofers?|plumbers?|electricians?|builders?|remodel+ers?|"
    r"landscapers?|handym[ae]n|tradespeople|tradesmen)"
)
LEAD_SURE = [
    r"lead[\s-]?gen(?:eration)?\b",
    r"(?:sell|sells|sold|selling|resell|resells|buy|buys|bought|purchase|purchases)\s+"
    r"(?:\w+\s+){0,3}leads\b",
    r"\b(?:qualified|consumer|customer|sales|insurance|mortgage|loan|solar|debt)\s+leads\b",
    r"affiliate\s+(?:marketing|offers?|programs?|links?|networks?|campaigns?|commissions?)",
    r"(?:buy|buys|sell|sells|share|shares|trade|trades)\s+(?:\w+\s+){0,2}consumer\s+"
    r"(?:information|data|details|profiles)",
]
LEAD_SURE += [
    r"(?:generat\w+|captur\w+|collect\w*|sell\w*|buy\w*|purchas\w*)\s+(?:\w+\s+){0,2}leads\b",
    r"(?:referral|finder'?s|per[\s-]lead|bounty)\s+(?:fees?|commissions?|payments?)|"
    r"commissions?\s+(?:per|for\s+each)\s+(?:\w+\s+)?(?:sign[\s-]?ups?|leads?|referrals?|sales?|"
    r"customers?)|(?:earn|earns|earning|receive|receives|paid)\s+(?:\w+\s+){0,2}commissions?\b",
    r"third[\s-]party\s+(?:\w+\s+)?(?:offers?|promotions?|deals?)\b",
    # paid for each person passed on: "we are paid per referral", "earn a fee for every sign-up"
    r"(?:paid|compensated|earn|earns|receive|receives|get|gets|charge|charges)\s+(?:\w+\s+){0,2}"
    r"(?:per|for\s+(?:each|every))\s+(?:\w+\s+)?(?:referral|lead|sign[\s-]?up|applicant|"
    r"inquiry|enquiry|request|prospect|transfer|match|introduction)\b",
    # others buy what people submit: "agencies that buy the contact requests we collect"
    r"(?:buy|buys|bought|purchase|purchases|purchased|pay\s+for|pays\s+for|paid\s+for)\s+"
    r"(?:\w+\s+){0,3}(?:contact\s+requests?|quote\s+requests?|requests|inquir(?:y|ies)|"
    r"enquir(?:y|ies)|referrals|contact\s+(?:details|information|info)|submissions)\b",
    r"(?:multiple|several|competing|many|up\s+to\s+\w+)\s+(?:\w+\s+)?"
    + _PARTY
    + r"\s+(?:\w+\s+){0,3}(?:compet\w+|bid\w*|will\s+(?:contact|call|text))",
    r"(?:sell|sells|sold|selling|pass|passes|passed|hand|hands|forward|forwards|forwarded)\s+"
    r"(?:it|them|this\s+(?:information|data)|(?:the|their|that)\s+(?:information|data|details|"
    r"requests?|contacts?))\s+(?:on\s+)?(?:to|with)\s+" + _words(3) + _PARTY,
    r"(?:pass|passes|passed|forward|forwards|forwarded|send|sends|sent|sell|sells|sold|give|gives|"
    r"hand|hands|share|shares|shared|provide|provides|route|routes|routed|deliver|delivers|"
    r"delivered|transfer|transfers|transferred)\s+(?:\w+\s+){0,3}(?:leads?|name\s+and\s+"
    r"(?:phone\s+)?number|names\s+and\s+numbers|contact\s+(?:details|information)|details|"
    r"(?:quote|insurance|loan|service)\s+requests?|requests?|inquir(?:y|ies)|enquir(?:y|ies)|"
    r"applications?|submissions?|consumer\s+(?:information|data|details))\s+"
    + _words(2)
    + r"(?:to|with)\s+"
    + _words(3)
    + _PARTY,
]
LEAD_POSSIBLE = [
    r"(?:bid|bids|bidding)\s+(?:for|on)\s+(?:\w+\s+){0,2}(?:leads?|requests?|customers|consumers|"
    r"referrals)|(?:comparison|quote)\s+(?:site|website|platform|marketplace)",
    r"(?:are|is|get|gets|be|being)\s+(?:matched|connected|paired|referred|introduced|put\s+in\s+"
    r"touch)\s+(?:with|to)\s+" + _words(4) + _PARTY,
    r"(?:connect|connects|connecting|match|matches|matching|pair|pairs|refer|refers|referring|"
    r"introduce|introduces|put|puts|link|links)\s+(?:\w+\s+){0,3}(?:you|them|customers|"
    r"consumers|users|homeowners?|shoppers|borrowers|applicants|visitors|drivers|patients|"
    rf"people|subscribers|(?:each|every)\s+\w+)\s+{_words(5)}(?:with|to|in\s+touch\s+with)\s+{_words(3)}{_PARTY}",
    rf"quotes?\s+from\s+{_words(3)}{_PARTY}",
    rf"(?:our|a|the)\s+network\s+of\s+{_words(2)}{_PARTY}",
    # businesses of a "partner network" who then reach the person themselves
    rf"{_PARTY}\s+(?:from|in|of)\s+(?:its|our|their|a|the)\s+(?:partner|referral|affiliate)\s+"
    r"network\b",
    r"partner\s+(?:lenders?|agents?|brands?|offers?|companies|insurers?|dealers?|"
    r"advertisers?|merchants?)",
    r"(?:offers?|deals?|promotions?|opportunities)\s+from\s+(?:our\s+|trusted\s+|select\s+)*"
    r"(?:partners?|sponsors?|third[\s-]part(?:y|ies)|advertisers?|affiliates?)",
]


def lead_generation(text: str, names: list[str] | tuple[str, ...] = ()) -> Reading | None:
    text = without_names(text, names)
    for clause in sentences(text):
        for pattern in LEAD_SURE:
            found = _search(pattern, clause)
            if found and not _search(r"\b(?:no|not|never|don't|do\s+not)\b", clause):
                return Reading(found.group(0), sure=True)
    for clause in sentences(text):
        for pattern in LEAD_POSSIBLE:
            found = _search(pattern, clause)
            if found and not _negated(clause):
                return Reading(found.group(0), sure=False)
    return None


# --- Variables and placeholder samples -------------------------------------------------------

_VAR_WORDS = (
    r"(?:first|last|full|given|family|customer|cust|user|client|patient|member|guest|contact|"
    r"recipient|company|business|store|shop|agent|doctor|account|order|tracking|booking|"
    r"appointment|reservation|confirmation|ticket|invoice|reference|ref|due|delivery|pickup|"
    r"event|product|item|promo|coupon|discount|otp|verification|auth|security)?[\s_-]?"
    r"(?:name|fname|lname|firstname|lastname|date|time|code|number|no|num|id|amount|total|"
    r"link|url|address|location|city|balance|otp|pin|value|price|qty|status)"
)
_BAD_VARIABLE = [
    r"\{\{?\s*[\w .-]+\}\}?",  # {name}, {{ name }}
    r"<\s*[A-Za-z_][\w .-]*>",  # <name>
    r"%%?[A-Za-z_][\w .-]*%%?",  # %NAME%, %%name%%
    r"%[sd]\b|%\(\w+\)[sd]",  # printf
    r"\*\|[\w ]+\|\*",  # *|FNAME|*
    r"\$\{\w+\}|\$[A-Za-z_]\w*|#\{\w+\}",  # ${name}, $name, #{name}
    r"(?<![\w\[])#[A-Za-z_]\w*#",  # #name#
    r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b",  # FIRST_NAME, ORDER_ID
    r"\b(?:FIRSTNAME|LASTNAME|FULLNAME|FNAME|LNAME|USERNAME|CUSTNAME|CUSTOMERNAME|"
    r"CUSTOMER NAME|FIRST NAME|LAST NAME|ORDERID|ORDERNO|TRACKINGNO|TRACKINGID|OTPCODE|"
    r"DATETIME|APPTDATE|APPTTIME)\b",
    rf"\((?:{_VAR_WORDS})\)",  # (first name), (date)
    r"_{3,}",  # ___
    rf"(?<![\w.@])@(?:{_VAR_WORDS})\b",  # @name, @date
    r"\b(?:MM/DD(?:/YY(?:YY)?)?|DD/MM(?:/YY(?:YY)?)?|YYYY-MM-DD|HH:MM(?:\s*[AP]M)?)\b",
    # a variable named in CamelCase ("FirstName", "ApptDate", "OrderNumber")
    r"\b(?:First|Last|Full|Given|Customer|Cust|User|Client|Patient|Member|Guest|Contact|Order|"
    r"Tracking|Booking|Appt|Appointment|Reservation|Confirmation|Ticket|Invoice|Due|Delivery|"
    r"Pickup|Event|Product|Item|Account|Store|Promo|Coupon|Verification|Auth)(?:Name|Date|Time|"
    r"Code|Number|No|Num|Id|ID|Amount|Total|Link|Url|URL|Address|Location|Balance|Status)\b",
]
# A generic variable word in capitals where a value belongs ("Hi NAME, … on DATE at TIME"),
# read only in a sample not written in capitals throughout.
_CAPS_VARIABLE = re.compile(
    r"(?<![A-Z][\s-])\b(?:NAME|FIRST|DATE|TIME|AMOUNT|LINK|URL|ADDRESS|LOCATION|BALANCE|TOTAL|"
    r"PRICE)\b(?![\s-][A-Z]{2,}\b)"  # not in a run of capitals: "PRICE DROP" is emphasis
)


# A token built of words that name a kind of value ("PICKUP_CODE", "ORDER_ID") is the name of a
# variable even where a code or keyword is expected ("pickup code PICKUP_CODE").
_NAMES_A_VALUE = re.compile(
    r"(?:^|_)(?:CODE|NAME|DATE|TIME|NUMBER|NUM|NO|ID|AMOUNT|LINK|URL|PIN|OTP)(?:_|$)"
)


def bad_variable(sample: str) -> str | None:
    """A variable written some other way than in [square brackets]."""
    text = re.sub(r"\[[^\]]*\]", " ", sample)  # bracketed variables are right
    text = re.sub(r"https?://\S+", " ", text)
    for pattern in _BAD_VARIABLE:
        flags = 0 if pattern.startswith(r"\b") else re.IGNORECASE
        for found in re.finditer(pattern, text, flags=flags):
            before = text[: found.start()].split()[-1:] or [""]
            if before[0].lower().strip(":") in (
                "code",
                "coupon",
                "promo",
                "keyword",
                "text",
            ) and not _NAMES_A_VALUE.search(found.group(0)):
                continue  # a promo code or keyword written in capitals, not a variable
            return found.group(0)
    letters = re.findall(r"[^\W\d_]", text)
    if sum(ch.isupper() for ch in letters) <= 0.5 * len(letters):
        found = _CAPS_VARIABLE.search(text)
        if found:
            return found.group(0)
    return None


_FILLER = [
    r"lorem\s+ipsum",
    r"dolor\s+sit\s+amet",
    r"\b(?:sample|example|test|dummy|placeholder|demo)\s+(?:(?!results?\b)[\w-]+\s+){0,2}"
    r"(?:message|msg|text|sms|content|copy|wording)(?:\s+(?:#?\d+|one|two|three|here))?\b",
    r"\b(?:sample|example|test)\s+(?:sms|message|msg|text)\s*#?\d*\s*$",
    # a label where the message belongs: "Message sample 2", "SMS example #1 - ..."
    r"^\W*(?:message|msg|sms|text)\s+(?:sample|example|template)\b",
    r"\b(?:hello|hi)\s+world\b|\bfoo\s*bar\b|^\W*(?:abc|xyz|asdf|qwerty)\b",
    r"(?:your|insert|enter|add|put|type)\s+(?:\w+\s+){0,3}(?:message|text|content|copy)\s+"
    r"(?:here|goes\s+here)",
    r"(?:message|text|content|copy)\s+goes\s+here\b",
    r"(?:^|[\[(])\s*(?:message|text|content|sms)\s+here\b",
    r"^\s*(?:tbd|tba|n/?a|none|todo|to\s+do|test(?:ing)?|asdf\w*|qwerty|xxx+|\.\.\.|-+|same\s+as\s+"
    r"above|see\s+above|etc\.?)\s*[.!]?\s*$",
    r"^\s*(?:tbd|tba|todo|placeholder)\b",
    r"(?:final|real|actual)\s+(?:copy|text|wording|message)\s+(?:\w+\s+){0,2}(?:pending|to\s+follow|"
    r"tbd|will\s+follow|coming)",
    r"(?:message|text|copy|content|wording|sample|sms)\s+(?:\w+\s+){0,2}(?:to\s+be\s+(?:determined|"
    r"decided|confirmed|written|added|finali[sz]ed|drafted|approved)|coming\s+soon|will\s+be\s+"
    r"(?:provided|added|written|updated|finali[sz]ed)\s+later|pending|tbd|tba|to\s+follow)",
    r"(?:this\s+is\s+(?:a|an|just\s+a)\s+(?:test|sample|example|placeholder))",
]
# Words that mark an unfinished text but also occur in real messages ("new menu coming soon",
# "venue to be confirmed"): a warning, unless the sample says little else.
_UNFINISHED = (
    r"(?:to\s+be\s+(?:determined|decided|confirmed|written|added|finali[sz]ed)|coming\s+soon|"
    r"will\s+be\s+(?:provided|added|written|updated|finali[sz]ed)\s+later|"
    r"(?<![\w-])(?-i:TBD|TBA|TBC|tbd|tba)(?![\w-]))"
)


# A sample that describes the messages instead of being one ("we will send appointment
# reminders", "Acme - reminder message"): likely, not sure (a real message may say "we will
# send your receipt").
_DESCRIBED = [
    r"\b(?:we|they|the\s+(?:business|company|brand|sender))\s+(?:will|would|may|can)\s+"
    r"(?:send|text)\s+(?:\w+\s+){0,3}(?:reminders|alerts|notifications|messages|updates|texts|"
    r"offers|codes)\s*\.?\s*$",
    r"\b(?:customers|users|members|patients|clients|subscribers|recipients)\s+(?:will|would)\s+"
    r"(?:receive|get)\b",
    r"\b(?:this|the)\s+(?:message|text|sms)\s+(?:will|would)\s+(?:say|contain|include|tell|"
    r"inform|remind)",
]


def _label_only(sample: str) -> bool:
    """A few words naming a kind of message, nothing a recipient could act on
    ("Acme - reminder message", "Acme: appointment reminder")."""
    words = re.findall(r"[^\W\d_]+", sample)
    return (
        len(words) <= 5
        and not re.search(r"[\[\]?!]|\d|https?://|\b(?:your|you|reply|text|call|visit)\b", sample,
                          flags=re.IGNORECASE)
        and bool(re.search(r"(?i)\b(?:message|reminder|alert|notification|update|offer|"
                           r"confirmation|notice|promo|promotion)s?\b", sample))
    )  # fmt: skip


def placeholder_sample(sample: str) -> Reading | None:
    """A sample that is not a real message: filler text, or nothing but variables."""
    for pattern in _FILLER:
        found = _search(pattern, sample)
        if found:
            return Reading(found.group(0), sure=True)
    for pattern in _DESCRIBED:
        found = _search(pattern, sample)
        if found:
            return Reading(found.group(0), sure=False)
    if _label_only(sample):
        return Reading(sample.strip()[:60], sure=False)
    bracketed = re.findall(r"\[[^\]]*\]", sample)
    rest = re.findall(r"[^\W\d_]{2,}", re.sub(r"\[[^\]]*\]", " ", sample))
    unfinished = _search(_UNFINISHED, sample)
    if unfinished:
        return Reading(unfinished.group(0), sure=len(rest) <= 6)
    if bracketed and not rest:
        return Reading(sample.strip()[:60], sure=True)
    if bracketed and len(rest) <= 2:
        return Reading(sample.strip()[:60], sure=False)
    if bracketed and _search(r"\[(?:message|content|text|body|sms|msg|details|info)\]", sample):
        return Reading(bracketed[0], sure=False)
    return None
