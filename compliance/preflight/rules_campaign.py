"""Rules specific to a 10DLC campaign: keyword replies, attributes and use case choices."""

from __future__ import annotations

import re

from compliance.preflight import sources
from compliance.preflight.engine import Draft, Violation, rule
from compliance.preflight.fields import CONFIRMATION, HELP_REPLY, STOP_REPLY, samples
from compliance.preflight.phrases import frequency
from compliance.preflight.text import (
    RATES,
    brand_names,
    mentions_brand,
    message_length,
    names_brand,
    own_line_numbers_in,
    phone_numbers_in,
    urls_in,
)

CAMPAIGN = {"campaign"}
# Phone numbers may be spelled in letters: "1-800-FLOWERS".
_VANITY = r"\b1?[-. ]?8(?:00|33|44|55|66|77|88)[-. ]?(?-i:[A-Z0-9]{3}[-. ]?[A-Z0-9]{4})\b"
_PHONE_OR_EMAIL_TEXT = r"\+?\d[\d\s().-]{6,}\d|[\w.+-]+@[\w-]+\.[\w.]+|" + _VANITY
# The 10DLC guide: "It is mandatory to include a phone number and/or email for end-user support"
# (seeds/003, 10DLC campaign registration); a web address alone is not enough there.
_PHONE_OR_EMAIL = re.compile("(?i)" + _PHONE_OR_EMAIL_TEXT)
_CONTACT = re.compile(
    "(?i)" + _PHONE_OR_EMAIL_TEXT + r"|https?://\S+|\b[\w-]+\.(?:com|net|org|io|co|us)\b"
)
# A STOP reply confirms that the messages end, in whatever words: "unsubscribed", "no more
# texts", "no more snow reports", "you will no longer receive messages", "we won't text you
# again", "texts are now off", "we'll stop texting you", "we will no longer text you",
# "opt-out confirmed", "your number has been removed", "subscription ended".
_STOP_VERB = (
    r"(?:receive|get|text|message|send|contact|e-?mail|call|be\s+(?:sent|texted|messaged|"
    r"contacted|sms(?:ed)?))"
)
_STOPPED = re.compile(
    r"(?i)\b(?:unsubscribed|opted[\s-]out|no\s+(?:more|further|other)\s+(?!than\b)(?:\w+\s+){0,2}"
    r"(?:messages|msgs|texts|alerts|sms|reports|updates|notifications|reminders|notices|offers|"
    r"codes|news)|(?:we|we['’]ll|we\s+will)\s+(?:now\s+)?stop\s+(?:texting|messaging|sending|"
    r"contacting)|(?:won['’]?t|will\s+not|no\s+longer|never)\s+hear\s+from\s+us|"
    rf"(?:will|shall)\s+(?:not|no\s+longer|never)\s+(?:\w+\s+)?{_STOP_VERB}|"
    rf"won['’]?t\s+(?:\w+\s+)?{_STOP_VERB}|no\s+longer\s+(?:\w+\s+)?{_STOP_VERB}|"
    r"removed\s+from|(?:has|have)\s+been\s+(?:removed|deactivated|unsubscribed)|stopped|"
    r"cancel(?:l)?ed|(?:opt[\s-]?out|unsubscribe|stop\s+request)\s+(?:request\s+)?(?:is\s+)?"
    r"(?:confirmed|complete|completed|processed|received)|(?:turned|switched)\s+off|"
    r"(?:texts|messages|alerts|sms|notifications|subscription)\s+(?:\w+\s+){0,3}"
    r"(?:(?:are|is|have\s+been|has\s+been)\s+)?(?:now\s+)?(?:off|turned\s+off|disabled|ended|"
    r"stopped|cancel(?:l)?ed|deactivated))\b"
)
_OPT_OUT = re.compile(r"(?i)\b(?:stop|opt[\s-]?out|unsubscribe)\b")
# HELP and STOP replies name "the program (brand) name OR a product description" ("account
# alerts", "offers and news", "appointment reminders").
_PROGRAM = re.compile(
    r"(?i)\b(?:alerts?|reminders?|offers?|updates?|notifications?|notices?|news|newsletters?|"
    r"deals?|promotions?|program(?:me)?|club|(?:pass)?codes?|appointments?|orders?|"
    r"deliver(?:y|ies)|shipments?|bookings?|reservations?|account|billing|receipts?|tips?|"
    r"announcements?)\b"
)


def _reply_rule(
    rule_id: str,
    paths: dict[str, str],
    label: str,
    source: str,
    extra,
    campaign_extra: tuple[re.Pattern, str] | None = None,
) -> None:
    """`extra` is (the fix's last words, what the reply must contain, the problem without it);
    `campaign_extra` the same test and problem for 10DLC campaigns only."""

    @rule(
        rule_id,
        severity="error",
        families=frozenset(paths),
        field_paths=tuple(paths.values()),
        message=f"The {label} does not meet the carriers' requirements.",
        fix_hint=f"Keep the {label} 20–160 characters, name the brand, and " + extra[0],
        source=source,
    )
    def _check(draft: Draft):
        path = paths[draft.family]
        text = draft.text(path)
        if draft.family != "campaign" and not text:
            return  # the short code form: presence is the form's own check
        problems = []
        length = message_length(text)
        if not 20 <= length <= 160:
            problems.append(f"it is {length} characters long")
        cores = brand_names(draft)
        if text and cores and not names_brand(text, cores) and not _PROGRAM.search(text):
            problems.append("it names neither the brand nor the program")
        if text and not extra[1].search(text):
            problems.append(extra[2])
        elif text and draft.family == "campaign" and campaign_extra:
            needed, problem = campaign_extra
            if not needed.search(text):
                problems.append(problem)
        if problems:
            yield Violation((path,), "Here " + "; ".join(problems) + ".")


_reply_rule(
    "HELP_MESSAGE",
    HELP_REPLY,
    "HELP reply",
    sources.HELP_STOP,
    (
        "give a phone number or e-mail for support (10DLC asks for one of them; a web address "
        "may come beside it).",
        _CONTACT,
        "it has no contact",
    ),
    campaign_extra=(
        _PHONE_OR_EMAIL,
        "it gives a web address but no phone number or e-mail for support",
    ),
)
_reply_rule(
    "STOP_MESSAGE",
    STOP_REPLY,
    "STOP reply",
    sources.HELP_STOP,
    (
        "confirm that no more messages will be sent.",
        _STOPPED,
        "it does not confirm that messages stop",
    ),
)


@rule(
    "OPTIN_CONFIRMATION_MESSAGE",
    severity="error",
    families=frozenset(CONFIRMATION),
    field_paths=tuple(CONFIRMATION.values()),
    message="The opt-in confirmation message does not meet the carriers' requirements.",
    fix_hint="In 160 characters or fewer (a keyword response), include the brand, “Msg & data "
    "rates may apply” and how to opt out (STOP).",
    source=sources.CONFIRMATION,
)
def _confirmation(draft: Draft):
    path = CONFIRMATION[draft.family]
    text = draft.text(path)
    if draft.family != "campaign" and not text:
        return
    problems = []
    length = message_length(text)
    if not 20 <= length <= 160:
        problems.append(f"it is {length} characters long")
    cores = brand_names(draft)
    if text and cores and not names_brand(text, cores):
        problems.append("it does not name the brand")
    if text and not re.search(rf"(?i){RATES}", text):
        problems.append("it lacks “Msg & data rates may apply”")
    if text and not _OPT_OUT.search(text):
        problems.append("it lacks opt-out wording")
    if problems:
        yield Violation((path,), "Here " + "; ".join(problems) + ".")


@rule(
    "OPTIN_CONFIRMATION_FREQUENCY",
    severity="warning",
    families={"short_code"},  # the 10DLC guide asks for brand, rates and opt-out only
    field_paths=(CONFIRMATION["short_code"],),
    message="The opt-in confirmation message does not state the message frequency.",
    fix_hint="Add the frequency, e.g. “Up to 4 msgs/month” or “Msg frequency varies”.",
    source=sources.SHORT_CODE,
)
def _confirmation_frequency(draft: Draft):
    path = CONFIRMATION[draft.family]
    text = draft.text(path)
    if len(text) >= 20 and not frequency(text):
        yield Violation((path,))


@rule(
    "SUB_USE_CASES",
    severity="error",
    families=CAMPAIGN,
    field_paths=("campaignUseCase.useCase", "campaignUseCase.subUseCases"),
    message="Sub use cases belong only to MIXED or LOW_VOLUME campaigns, which need them.",
    fix_hint="Choose sub use cases only with MIXED or LOW_VOLUME, and then choose 1–5.",
    source=sources.CAMPAIGN_BLOG,
)
def _sub_use_cases(draft: Draft):
    use_case = draft.text("campaignUseCase.useCase")
    subs = draft.choices("campaignUseCase.subUseCases")
    if use_case in ("MIXED", "LOW_VOLUME"):
        if not 1 <= len(subs) <= 5:
            yield Violation(("campaignUseCase.subUseCases",), f"({len(subs)} chosen)")
    elif subs:
        yield Violation(("campaignUseCase.useCase", "campaignUseCase.subUseCases"))


@rule(
    "MESSAGE_TYPE_MATCHES_USE_CASE",
    severity="error",
    families=CAMPAIGN,
    field_paths=("campaignCapabilities.messageType", "campaignUseCase.useCase"),
    message="The message type does not match the campaign use case.",
    fix_hint="Marketing campaigns are Promotional; 2FA, alerts and notifications are "
    "Transactional.",
    source=sources.CAMPAIGN_BLOG,
)
def _message_type(draft: Draft):
    kind = draft.text("campaignCapabilities.messageType")
    use_case = draft.text("campaignUseCase.useCase")
    transactional = {
        "TWO_FACTOR_AUTHENTICATION",
        "ACCOUNT_NOTIFICATION",
        "DELIVERY_NOTIFICATION",
        "FRAUD_ALERT",
        "SECURITY_ALERT",
        "CUSTOMER_CARE",
    }
    if (kind == "Transactional" and use_case == "MARKETING") or (
        kind == "Promotional" and use_case in transactional
    ):
        yield Violation(("campaignCapabilities.messageType", "campaignUseCase.useCase"))


def _sample_texts(draft: Draft) -> list[tuple[str, str]]:
    return samples(draft)


@rule(
    "EMBEDDED_LINK_ATTRIBUTE",
    severity="error",
    families=CAMPAIGN,
    field_paths=("campaignUseCase.embeddedLink", "campaignUseCase.embeddedLinkSample"),
    message="The embedded-link attribute does not match the samples.",
    fix_hint="Answer Yes when any sample has a link, and give an example link; otherwise No.",
    source=sources.CAMPAIGN_BLOG,
)
def _embedded_link(draft: Draft):
    has_link = any(urls_in(text) for _, text in _sample_texts(draft))
    answer = draft.text("campaignUseCase.embeddedLink")
    if has_link and answer != "Yes":
        yield Violation(("campaignUseCase.embeddedLink",), "A sample contains a link.")
    if answer == "Yes" and not draft.text("campaignUseCase.embeddedLinkSample"):
        yield Violation(("campaignUseCase.embeddedLinkSample",), "The example link is missing.")


def _embedded_phone_unused(draft: Draft):
    return draft.text("campaignUseCase.embeddedPhone") == "Yes" and not any(
        phone_numbers_in(text) for _, text in _sample_texts(draft)
    )


@rule(
    "EMBEDDED_ATTRIBUTE_UNUSED",
    severity="warning",
    families=CAMPAIGN,
    field_paths=("campaignUseCase.embeddedLink", "campaignUseCase.embeddedPhone"),
    message="An embedded-link or embedded-phone attribute says Yes but no sample shows one.",
    fix_hint="Attributes must match the samples: add a sample with the link or number, or "
    "answer No.",
    source=sources.CAMPAIGN_BLOG,
)
def _embedded_unused(draft: Draft):
    if draft.text("campaignUseCase.embeddedLink") == "Yes" and not any(
        urls_in(text) for _, text in _sample_texts(draft)
    ):
        yield Violation(("campaignUseCase.embeddedLink",), "No sample contains a link.")
    if _embedded_phone_unused(draft):
        yield Violation(("campaignUseCase.embeddedPhone",), "No sample contains a phone number.")


def _embedded_numbers(draft: Draft):
    """(sample path, numbers given for someone else, the sender's own numbers) for the samples
    that show a number; the sender's own are the support number of the HELP reply and the
    numbers a sample introduces as the sender's line."""
    support = set(phone_numbers_in(draft.text(HELP_REPLY["campaign"])))
    for path, text in _sample_texts(draft):
        numbers = phone_numbers_in(text)
        own = own_line_numbers_in(text) | support
        if numbers:
            yield path, [n for n in numbers if n not in own], [n for n in numbers if n in own]


@rule(
    "EMBEDDED_PHONE_ATTRIBUTE",
    severity="error",
    families=CAMPAIGN,
    field_paths=("campaignUseCase.embeddedPhone",),
    message="A sample contains a phone number but the embedded-phone attribute says No.",
    fix_hint="Answer Yes, or remove phone numbers other than the support number from samples.",
    source=sources.CAMPAIGN_BLOG,
)
def _embedded_phone(draft: Draft):
    if draft.text("campaignUseCase.embeddedPhone") == "Yes":
        return
    for path, foreign, _own in _embedded_numbers(draft):
        if foreign:
            yield Violation((path, "campaignUseCase.embeddedPhone"))
            return


# The AWS guide's attribute is "a phone number that isn't a customer support number"; the 10DLC
# blog says any number in a sample ("you must mark this as a 'yes'"). A number the sample gives
# as the sender's own line ("call us at …", "call the front desk"), or the support number of the
# HELP reply, is a support number by the first and not by the second, so the mismatch is a
# warning staff read, not an error.
@rule(
    "EMBEDDED_PHONE_OWN_LINE",
    severity="warning",
    families=CAMPAIGN,
    field_paths=("campaignUseCase.embeddedPhone",),
    message="A sample gives a phone number of the sender's own (its line or the HELP reply's "
    "support number) while the embedded-phone attribute says No.",
    fix_hint="The 10DLC blog counts any number in a sample, the AWS guide only numbers that "
    "are not customer support: answer Yes to be safe, or take the number out of the sample.",
    source=f"{sources.CAMPAIGN_FORM}; {sources.CAMPAIGN_BLOG}",
)
def _embedded_phone_own_line(draft: Draft):
    if draft.text("campaignUseCase.embeddedPhone") == "Yes":
        return
    found = list(_embedded_numbers(draft))
    if found and not any(foreign for _path, foreign, _own in found):
        yield Violation((found[0][0], "campaignUseCase.embeddedPhone"))


@rule(
    "CAMPAIGN_DESCRIPTION",
    severity="warning",
    families=CAMPAIGN,
    field_paths=("campaignInfo.campaignName",),
    message="The campaign description does not name the sender.",
    fix_hint="Say who sends the messages, to whom and why, e.g. “Acme sends its customers …”.",
    source=sources.CAMPAIGN_BLOG,
)
def _description(draft: Draft):
    text = draft.text("campaignInfo.campaignName")
    cores = brand_names(draft)
    if text and cores and not mentions_brand(text, cores):
        yield Violation(("campaignInfo.campaignName",))
