"""What the hosted pages say: the facts they are built from, the default wording, the HTML
sanitiser, and the guardrails that keep the required clauses in whatever the tenant writes."""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

import nh3

from compliance.models import PageKind, SmsProgram
from compliance.preflight.text import has_third_party_sharing
from tenants.models import Tenant

ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "b", "i", "a", "br", "blockquote",
    "code", "hr", "small",
}  # fmt: skip
RATES_TEXT = "Message and data rates may apply."
NO_SHARING_TEXT = (
    "The above excludes text messaging originator opt-in data and consent; this information "
    "will not be shared with any third parties."
)


def sanitize(html: str) -> str:
    """Tenant HTML made safe for the public: a small set of tags, links with http(s), mailto
    and tel only, no scripts, styles or event handlers."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


class _TextAndLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links += [v for k, v in attrs if k == "href" and v]
        if tag in ("p", "li", "br", "h2", "h3", "h4"):
            self.text.append(" ")

    def handle_data(self, data):
        self.text.append(data)


def text_and_links(html: str) -> tuple[str, list[str]]:
    parser = _TextAndLinks()
    parser.feed(html)
    return re.sub(r"\s+", " ", "".join(parser.text)).strip(), parser.links


def program_facts(*, tenant: Tenant, program: SmsProgram, urls: dict[str, str]) -> dict:
    """The facts every page version is built from, snapshotted into the version."""
    profile = getattr(tenant, "profile", None)
    brand = (profile.dba_name or profile.legal_name) if profile else tenant.name
    return {
        "brand": brand or tenant.name,
        "legal_name": (profile.legal_name if profile else "") or tenant.name,
        "program_name": program.program_name,
        "description": program.description,
        "frequency": program.message_frequency.rstrip("."),
        "number": program.sending_number or "this number",
        "support_email": profile.support_email if profile else "",
        "support_phone": profile.support_phone if profile else "",
        "website": profile.website if profile else "",
        "use_cases": [dict(u) for u in program.use_cases],
        "alternative_channel": program.alternative_channel,
        "terms_url": urls["terms"],
        "privacy_url": urls["privacy"],
        "opt_in_url": urls["opt_in"],
    }


def support_contact(facts: dict) -> str:
    parts = [p for p in (facts.get("support_email"), facts.get("support_phone")) if p]
    return " or ".join(parts)


def default_body(kind: str, facts: dict) -> str:
    """The wording a tenant starts from. Every required clause is in it."""
    f = {k: escape(str(v)) for k, v in facts.items() if isinstance(v, str)}
    contact = escape(support_contact(facts)) or "our support team"
    if kind == PageKind.TERMS:
        return "\n".join(
            [
                f"<h2>{f['program_name']}</h2>",
                f"<p>When you opt in to {f['program_name']}, {f['brand']} sends you text "
                f"messages about {f['description']}.</p>",
                f"<h3>Message frequency and costs</h3><p>{f['frequency']}. {RATES_TEXT} "
                "If you have questions about your text or data plan, contact your wireless "
                "provider.</p>",
                "<h3>How to stop</h3><p>You can cancel at any time: text <strong>STOP</strong> "
                f"to {f['number']}. We will send one message to confirm that you are "
                "unsubscribed, and then no more messages. To join again, sign up as you did "
                "the first time.</p>",
                "<h3>Help</h3><p>Text <strong>HELP</strong> to "
                f"{f['number']} for help, or contact us at {contact}.</p>",
                "<h3>Carriers</h3><p>Carriers are not liable for delayed or undelivered "
                "messages.</p>",
                "<h3>Privacy</h3><p>If you have any questions regarding privacy, read our "
                f'<a href="{f["privacy_url"]}">privacy policy</a>.</p>',
            ]
        )
    if kind == PageKind.PRIVACY:
        return "\n".join(
            [
                f"<p>This policy explains how {f['legal_name']} handles the information you "
                f"give when you sign up for {f['program_name']} text messages.</p>",
                "<h2>What we collect</h2><p>Your mobile number, the messages you agreed to "
                "receive, and when, where and how you agreed (date, time, web page, IP address "
                "and browser).</p>",
                "<h2>How we use it</h2><p>Only to send you the messages you asked for, to "
                "answer HELP and STOP requests, and to keep a record of your consent.</p>",
                "<h2>Sharing</h2><p>We may share information with service providers that help "
                "us run our business, such as our messaging platform, who may use it only on "
                f"our behalf. {NO_SHARING_TEXT}</p>",
                f"<h2>Contact</h2><p>Questions about this policy: {contact}.</p>",
            ]
        )
    return (
        f"<p>Get {f['description']} from {f['brand']} by text message. Choose what you want to "
        "receive below; you can stop at any time.</p>"
    )


def missing_clauses(kind: str, body_html: str, facts: dict) -> list[str]:
    """The required clauses the page text lacks (empty when it may be published)."""
    text, links = text_and_links(body_html)
    low = text.lower()
    missing = []
    if kind == PageKind.TERMS:
        checks = [
            ("the program name", facts["program_name"].lower() in low),
            ("the message frequency", facts["frequency"].lower() in low),
            ("“Message and data rates may apply”", "message and data rates may apply" in low),
            ("how to stop (text STOP)", re.search(r"\bSTOP\b", text) is not None),
            ("how to get help (text HELP)", re.search(r"\bHELP\b", text) is not None),
            (
                "the support contact",
                any(c and c.lower() in low for c in _contacts(facts)) or not support_contact(facts),
            ),
            (
                "“Carriers are not liable for delayed or undelivered messages”",
                "carriers are not liable for delayed or undelivered messages" in low,
            ),
            ("a link to the privacy policy", facts["privacy_url"] in links),
        ]
        missing = [label for label, ok in checks if not ok]
    elif kind == PageKind.PRIVACY:
        if not re.search(
            r"opt-in data and consent.{0,40}not be shared with any third parties", low
        ):
            missing.append(f"the statement “{NO_SHARING_TEXT}”")
        rest = low.replace(NO_SHARING_TEXT.lower(), "")
        if re.search(r"\b(?:sell|rent)\b", rest) or _sharing_opt_in(rest):
            missing.append("no clause that sells or shares opt-in data")
    return missing


def _contacts(facts: dict) -> tuple[str, str]:
    return facts["support_email"], facts["support_phone"]


def _sharing_opt_in(text: str) -> bool:
    return (
        has_third_party_sharing(text)
        and re.search(r"(?:phone|mobile)\s+numbers?|opt-?in|consent", text) is not None
    )


def optin_statement(facts: dict, use_case: dict) -> str:
    """The consent sentence beside one use case's checkbox."""
    return (
        f"Yes, send me {use_case['label']} text messages from {facts['brand']} "
        f"({facts['program_name']}) at the number above."
    )


def optin_disclosure(facts: dict) -> str:
    """The disclosure printed under the consent boxes (plain text, also stored as shown)."""
    contact = support_contact(facts)
    return " ".join(
        filter(
            None,
            [
                f"{facts['program_name']}: {facts['description']}.",
                f"{facts['frequency']}.",
                RATES_TEXT,
                f"Text HELP to {facts['number']} for help"
                + (f" or contact {contact}." if contact else "."),
                f"Text STOP to {facts['number']} to opt out at any time.",
                "Consent is not a condition of purchase.",
                facts.get("alternative_channel", ""),
                "We never share your mobile number or opt-in consent with third parties.",
                f"Terms: {facts['terms_url']} Privacy: {facts['privacy_url']}",
            ],
        )
    )
