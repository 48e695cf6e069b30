"""A registration written for the tenant: every answer the portal can know, before the tenant
types anything.

Sources, in order (a later one wins where both answer):
- the business profile (`overlay.profile_values`: company, address, tax ID, contacts);
- the SMS program (name, what is sent, frequency, kinds of message, category, volume);
- the live hosted pages: the terms and privacy URLs, and the opt-in description written from the
  published opt-in page the way carriers want it described: where (the page's address and the
  widget), how (number typed, one unchecked box per kind of message), the exact consent text,
  the disclosure (frequency, rates, HELP, STOP, the links).

Values go through `formats.normalise` (EIN "12-3456789" → "123456789", phone numbers to E.164)
and the field's own validation in `drafts.registration_create`: one a field refuses is left
empty. The tenant reviews and edits every value in the wizard.
"""

from __future__ import annotations

from compliance import content
from compliance.confirmation import confirmation_text
from compliance.models import HostedPageVersion, PageKind, ProgramCategory, SmsProgram
from compliance.selectors import hosted_page_latest, hosted_page_urls
from registrations import formats, overlay
from registrations.schema import TypeSchema, Value

TOLL_FREE = overlay.TOLL_FREE
CAMPAIGN = overlay.CAMPAIGN

# The program's category as each form's options name it.
TOLL_FREE_CATEGORY = {
    ProgramCategory.ACCOUNT: "ACCOUNT_NOTIFICATIONS",
    ProgramCategory.DELIVERY: "DELIVERY_NOTIFICATIONS",
    ProgramCategory.PASSCODES: "ONE_TIME_PASSCODES",
    ProgramCategory.APPOINTMENTS: "APPOINTMENT",
    ProgramCategory.BOOKINGS: "BOOKING",
    ProgramCategory.CUSTOMER_CARE: "CUSTOMER_CARE",
    ProgramCategory.FRAUD: "ACCOUNT_NOTIFICATIONS",
    ProgramCategory.EDUCATION: "EDUCATION",
    ProgramCategory.PUBLIC_SERVICE: "PUBLIC_ANNOUNCEMENTS",
    ProgramCategory.MARKETING: "PROMOTIONS_AND_MARKETING",
}
CAMPAIGN_USE_CASE = {
    ProgramCategory.ACCOUNT: "ACCOUNT_NOTIFICATION",
    ProgramCategory.DELIVERY: "DELIVERY_NOTIFICATION",
    ProgramCategory.PASSCODES: "TWO_FACTOR_AUTHENTICATION",
    ProgramCategory.APPOINTMENTS: "CUSTOMER_CARE",
    ProgramCategory.BOOKINGS: "CUSTOMER_CARE",
    ProgramCategory.CUSTOMER_CARE: "CUSTOMER_CARE",
    ProgramCategory.FRAUD: "FRAUD_ALERT",
    ProgramCategory.EDUCATION: "HIGHER_EDUCATION",
    ProgramCategory.PUBLIC_SERVICE: "PUBLIC_SERVICE_ANNOUNCEMENT",
    ProgramCategory.MARKETING: "MARKETING",
}
# What messages of each category say (the samples the tenant starts from), two of each so that
# two kinds of message in one category read differently.
SAMPLE_LINES = {
    ProgramCategory.ACCOUNT: (
        "your account settings were updated today",
        "your monthly statement is ready to view in your account",
    ),
    ProgramCategory.DELIVERY: (
        "your order #4821 has shipped and arrives Friday",
        "your package is out for delivery today",
    ),
    ProgramCategory.PASSCODES: (
        "your verification code is 482913; it expires in 10 minutes",
        "your sign-in code is 730255; do not share it",
    ),
    ProgramCategory.APPOINTMENTS: (
        "reminder: your appointment is tomorrow at 10:00 AM",
        "your appointment on May 4 at 2:30 PM is confirmed",
    ),
    ProgramCategory.BOOKINGS: (
        "your booking for Sat, May 4 at 7:00 PM is confirmed",
        "your reservation starts tomorrow; check-in opens at 3:00 PM",
    ),
    ProgramCategory.CUSTOMER_CARE: (
        "thanks for contacting us; your request #1093 is resolved",
        "an agent has answered your question in your account",
    ),
    ProgramCategory.FRAUD: (
        "we blocked an unusual sign-in to your account today",
        "a new device signed in to your account; not you? contact us",
    ),
    ProgramCategory.EDUCATION: (
        "class schedules for next term are now available",
        "your assignment grade has been posted",
    ),
    ProgramCategory.PUBLIC_SERVICE: (
        "the office is closed Monday for the holiday",
        "street cleaning on your block is moved to Thursday",
    ),
    ProgramCategory.MARKETING: (
        "this weekend only, 20% off your next order",
        "new arrivals are in; see them in our app",
    ),
}
# A kind of message whose name says its category ("appointment reminders", "offers").
_KIND_WORDS = (
    (ProgramCategory.PASSCODES, ("code", "passcode", "verification", "login", "sign-in")),
    (ProgramCategory.APPOINTMENTS, ("appointment", "reminder")),
    (ProgramCategory.BOOKINGS, ("booking", "reservation")),
    (ProgramCategory.DELIVERY, ("order", "shipping", "shipment", "delivery", "package")),
    (ProgramCategory.FRAUD, ("fraud", "security")),
    (ProgramCategory.MARKETING, ("offer", "promotion", "deal", "sale", "newsletter")),
    (ProgramCategory.CUSTOMER_CARE, ("support", "care", "request")),
    (ProgramCategory.ACCOUNT, ("account", "billing", "payment", "statement")),
)


def _kind_category(label: str, default: str) -> str:
    low = label.lower()
    for category, words in _KIND_WORDS:
        if any(word in low for word in words):
            return category
    return default


OPT_OUT = "Reply STOP to opt out."


def _volume_option(volume: int | None, options: tuple[str, ...]) -> str | None:
    """The smallest option of the form at or above the estimate ("1,000" for 800 a month)."""
    if not volume:
        return None
    for option in options:
        digits = option.replace(",", "").rstrip("+")
        if digits.isdigit() and int(digits) >= volume:
            return option
    return options[-1] if options else None


def _facts(tenant, profile, program: SmsProgram) -> tuple[dict, dict, HostedPageVersion | None]:
    """(current facts, facts of the live opt-in page as published, the live page). Messages are
    written from the current profile and program; the opt-in description quotes the page."""
    urls = hosted_page_urls(tenant=tenant)
    current = content.program_facts(tenant=tenant, program=program, urls=urls)
    if profile is not None:
        current.update(
            brand=profile.dba_name or profile.legal_name or current["brand"],
            legal_name=profile.legal_name or current["legal_name"],
            support_email=profile.support_email,
            support_phone=profile.support_phone,
            website=profile.website,
        )
    live = hosted_page_latest(tenant=tenant, kind=PageKind.OPT_IN)
    if live is not None and live.program:
        return current, dict(live.program), live
    return current, current, None


def opt_in_description(facts: dict, *, widget_site: str = "", limit: int = 1500) -> str:
    """How people opt in, as carriers ask it described: where, how, the exact consent text,
    the unchecked box, frequency, rates, HELP, STOP and the links."""
    boxes = [content.optin_statement(facts, u) for u in facts.get("use_cases", [])]
    where = f"on {facts['brand']}'s sign-up page at {facts['opt_in_url']}"
    if widget_site:
        where += f" (the same form is embedded on {widget_site})"
    parts = [
        f"Recipients opt in online {where}. They type their mobile number and tick an unchecked "
        "box for each kind of message they want; the boxes are never checked in advance and "
        "consent is not a condition of purchase.",
        "The box reads: " + " / ".join(f"“{b}”" for b in boxes) + ".",
        f"Under the boxes the page states: “{content.optin_disclosure(facts)}”",
        "After signing up they receive a text confirming the subscription. They can reply HELP "
        "for help and STOP to opt out at any time.",
    ]
    text = " ".join(parts)
    if len(text) > limit:  # the short form: one box, the essentials of the disclosure
        parts[1] = f"The box reads: “{boxes[0]}”." if boxes else ""
        parts[2] = (
            f"Under the boxes the page states the frequency ({facts['frequency']}), "
            f"“{content.RATES_TEXT}”, HELP and STOP instructions, and links to the terms "
            f"({facts['terms_url']}) and privacy policy ({facts['privacy_url']})."
        )
        text = " ".join(p for p in parts if p)
    return text[:limit]


def use_case_details(facts: dict) -> str:
    return (
        f"{facts['brand']} sends {facts['program_name']} text messages: {facts['description']}. "
        f"They go to customers who signed up on {facts['brand']}'s opt-in page. "
        f"{facts['frequency']}."
    )


def campaign_description(facts: dict) -> str:
    legal = facts.get("legal_name") or facts["brand"]
    by = facts["brand"] if legal == facts["brand"] else f"{facts['brand']} ({legal})"
    return (
        f"{by} sends {facts['program_name']}, {facts['description']}, to customers who opted "
        f"in on its web sign-up page. {facts['frequency']}."
    )


def samples(facts: dict, category: str) -> list[str]:
    """One sample per kind of message, each with the brand and the opt-out wording, in the
    words of the kind's own category (its name's, else the program's)."""
    out, used = [], {}
    for use_case in facts.get("use_cases", []):
        label = use_case["label"]
        lines = SAMPLE_LINES.get(_kind_category(label, category), ())
        if lines:
            n = used.get(lines, 0)
            used[lines] = n + 1
            body = lines[n % len(lines)]
        else:
            body = f"here is your update about {label}"
        out.append(f"{facts['brand']} {label}: {body[:1].upper()}{body[1:]}. {OPT_OUT}")
    return out


def help_message(facts: dict) -> str:
    contact = content.support_contact(facts) or facts.get("website", "")
    text = (
        f"{facts['brand']} {facts['program_name']}: for help, contact {contact}. "
        f"Msg & data rates may apply. {OPT_OUT}"
    )
    if len(text) > 160:
        text = f"{facts['brand']}: for help, contact {contact}. {OPT_OUT}"
    return text[:160]


def stop_message(facts: dict) -> str:
    text = (
        f"{facts['brand']}: you are unsubscribed from {facts['program_name']} and will receive "
        "no more messages."
    )
    if len(text) > 160:
        text = f"{facts['brand']}: you are unsubscribed and will receive no more messages."
    return text[:160]


def program_values(
    *, tenant, profile, program: SmsProgram | None, schema: TypeSchema, registration_type: str
) -> dict[str, Value]:
    """What the SMS program and the live opt-in page answer for this registration type."""
    if program is None:
        return {}
    facts, page, live = _facts(tenant, profile, program)
    widget_site = ", ".join(program.embed_origins or [])
    values: dict[str, Value] = {}
    written = samples(facts, program.category)
    if registration_type == TOLL_FREE:
        values.update(
            {
                "messagingUseCase.useCaseDetails": use_case_details(facts),
                "messagingUseCase.optInType": ["DIGITAL_FORM"] if live else None,
                "messagingUseCase.optInDescription": (
                    opt_in_description(page, widget_site=widget_site) if live else None
                ),
            }
        )
        if program.category:
            values["messagingUseCase.useCaseCategory"] = [TOLL_FREE_CATEGORY[program.category]]
        volume = schema.field("messagingUseCase.monthlyMessageVolume")
        option = _volume_option(program.monthly_volume, volume.options if volume else ())
        if option:
            values["messagingUseCase.monthlyMessageVolume"] = [option]
    elif registration_type == CAMPAIGN:
        values.update(
            {
                "campaignInfo.campaignName": campaign_description(facts),
                "campaignInfo.optInWorkflow": (
                    opt_in_description(page, widget_site=widget_site, limit=2048) if live else None
                ),
                "campaignInfo.optInMessage": confirmation_text(
                    facts, [u["label"] for u in facts.get("use_cases", [])]
                ),
                "campaignInfo.helpMessage": help_message(facts),
                "campaignInfo.stopMessage": stop_message(facts),
                "campaignCapabilities.numberCapabilities": ["SMS"],
                # The portal's opt-in page, HELP and STOP replies and opt-out handling.
                "campaignUseCase.subscriberOptIn": ["Yes"],
                "campaignUseCase.subscriberOptOut": ["Yes"],
                "campaignUseCase.subscriberHelp": ["Yes"],
                # The samples written here carry no link and no phone number; a tenant whose
                # real messages do changes both answers (preflight compares them).
                "campaignUseCase.embeddedLink": ["No"],
                "campaignUseCase.embeddedPhone": ["No"],
            }
        )
        if program.category:
            values["campaignUseCase.useCase"] = [CAMPAIGN_USE_CASE[program.category]]
            values["campaignCapabilities.messageType"] = [
                "Promotional" if program.category == ProgramCategory.MARKETING else "Transactional"
            ]
    sample_paths = sorted(
        (f.path for f in schema.fields if f.path.startswith("messageSamples.messageSample")),
        key=lambda p: int("".join(c for c in p if c.isdigit()) or 0),
    )
    for path, text in zip(sample_paths, written, strict=False):
        values[path] = text
    return {p: v for p, v in values.items() if v and schema.field(p) is not None}


def registration_prefill(
    *, tenant, profile, program: SmsProgram | None, schema: TypeSchema, hosted: bool = True
) -> dict[str, Value]:
    """Every value the portal can give a fresh draft of `schema`'s type, normalised to the
    fields' patterns. `hosted=False` (a provider-branded program) leaves the tenant's program
    and hosted pages out."""
    registration_type = schema.registration_type
    paths = [f.path for f in schema.fields]
    values: dict[str, Value] = dict(overlay.profile_values(profile, paths))
    if hosted:
        values.update(
            program_values(
                tenant=tenant,
                profile=profile,
                program=program,
                schema=schema,
                registration_type=registration_type,
            )
        )
        values.update(overlay.hosted_page_values(tenant, registration_type))
    country = (getattr(profile, "country", "") or "US") if profile else "US"
    return formats.normalise_values(schema, values, country=country)
