"""The review simulator's checks, built from the documented rejection reasons.

Each check looks at the values of a submitted version and returns findings: a version-level
denied reason (Reason, ShortDescription, LongDescription, DocumentationTitle/Link) and the
fields to flag (field DeniedReason and Feedback). A carefully filled form passes all of them; a
careless one is denied the way carriers deny it.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from .catalog import resolve, value_strings
from .denials import DOC_CRITERIA, DOC_STATUS, REASONS, TYPES  # noqa: F401

FREE_MAIL = {
    "gmail.com",
    "yahoo.com",
    "hotmail.com",
    "outlook.com",
    "aol.com",
    "icloud.com",
    "mail.com",
    "gmx.com",
    "proton.me",
    "protonmail.com",
    "live.com",
    "msn.com",
}
SHORTENERS = {
    "bit.ly",
    "tinyurl.com",
    "goo.gl",
    "ow.ly",
    "t.co",
    "is.gd",
    "buff.ly",
    "rebrand.ly",
    "cutt.ly",
    "shorturl.at",
}
PROHIBITED = [
    ("cannabis", re.compile(r"\b(cannabis|marijuana|cbd|thc|weed)\b", re.I)),
    ("guns/ammo", re.compile(r"\b(guns?|firearms?|ammo|ammunition)\b", re.I)),
    ("gambling", re.compile(r"\b(casino|gambling|betting|poker)\b", re.I)),
    ("high risk financial", re.compile(r"\b(payday loans?|debt relief|credit repair)\b", re.I)),
]
URL = re.compile(r"(https?://\S+|\bwww\.\S+|\b[a-z0-9-]+\.(?:com|net|org|io|ly|co)(?:/\S*)?)", re.I)
PHONE = re.compile(r"(\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}")
OPT_OUT = re.compile(r"\b(stop|opt[- ]?out|unsubscribe|cancel)\b", re.I)
RATES = re.compile(r"(message|msg)\s*(and|&)\s*data\s*rates", re.I)
FREQUENCY = re.compile(
    r"(frequen|per (day|week|month|login)|msgs?/|messages? (per|a) |recurring)", re.I
)
SUFFIX = re.compile(r"[,.]?\s*\b(inc|llc|ltd|corp|corporation|co|gmbh|plc|limited)\b\.?$", re.I)
GENERIC_SENDER_IDS = {"OTP", "2FA", "INFO", "SMS", "VERIFY", "ALERT", "ALERTS", "NOTIFY", "TEST"}


def _text(values: dict, path: str) -> str:
    return (values.get(path) or {}).get("TextValue") or ""


def _choice(values: dict, path: str) -> str:
    choices = (values.get(path) or {}).get("SelectChoices") or []
    return choices[0] if choices else ""


def _brands(names: list[str]) -> list[str]:
    result = []
    for name in names:
        clean = SUFFIX.sub("", name.strip()).strip()
        if len(clean) >= 2:
            result.append(clean.lower())
    return result


def _domain(host: str) -> str:
    parts = host.lower().strip(".").split(".")
    return ".".join(parts[-2:])


def _site_ok(url: str) -> bool:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or "." not in host:
        return False
    try:
        ipaddress.ip_address(host)
        return False
    except ValueError:
        pass
    return not host.endswith((".invalid", ".test", ".localhost", ".local", ".example"))


class Review:
    """Collects findings for one version."""

    def __init__(self, family: str):
        self.family = family
        self.reasons: dict[str, list[str]] = {}
        self.fields: dict[str, dict] = {}

    def flag(self, kind: str, path: str | None, code: str, feedback: str) -> None:
        self.reasons.setdefault(kind, []).append(feedback)
        if path:
            self.fields.setdefault(path, {"DeniedReason": code, "Feedback": feedback})

    def denied_reasons(self) -> list[dict]:
        out = []
        for kind, details in self.reasons.items():
            table = REASONS[kind]
            short, long = table.get(self.family) or table["default"]
            title, link = DOC_CRITERIA
            out.append(
                {
                    "Reason": short,
                    "ShortDescription": short,
                    "LongDescription": f"{long} {' '.join(details)}",
                    "DocumentationTitle": title,
                    "DocumentationLink": link,
                }
            )
        return out


def missing_fields(catalog, reg_type: str, values: dict) -> dict[str, dict]:
    """REQUIRED (after conditional rules) fields without a value, and DISALLOWED ones with one."""
    found = {}
    for field in catalog.types.get(reg_type, {}).get("Fields", []):
        requirement, _ = resolve(field, values)
        has = bool(value_strings(values.get(field["FieldPath"])))
        if requirement == "REQUIRED" and not has:
            found[field["FieldPath"]] = {
                "DeniedReason": "MISSING_REQUIRED_FIELD",
                "Feedback": f"{field['DisplayHints']['Title']} is required.",
            }
        elif requirement == "DISALLOWED" and has:
            found[field["FieldPath"]] = {
                "DeniedReason": "FIELD_NOT_ALLOWED",
                "Feedback": "This field must be empty for the values given elsewhere in the form.",
            }
    return found


def run(reg_type: str, values: dict, brand_names: list[str]) -> Review:
    spec = TYPES.get(reg_type, {})
    review = Review(spec.get("family", "default"))
    names = _brands([_text(values, p) for p in spec.get("company", [])] + brand_names)
    samples = []
    if spec.get("samples"):
        samples = [
            (f"{spec['samples']}{i}", _text(values, f"{spec['samples']}{i}")) for i in range(1, 6)
        ]
        samples = [(p, t) for p, t in samples if t]
    # brand name in samples
    if names and samples:
        lacking = [(p, t) for p, t in samples if not any(n in t.lower() for n in names)]
        if spec.get("every_sample"):
            for path, _ in lacking:
                review.flag(
                    "brand",
                    path,
                    "SAMPLE_MISSING_BRAND_NAME",
                    "The sample message does not name the brand.",
                )
        elif len(lacking) == len(samples):
            review.flag(
                "brand",
                samples[0][0],
                "SAMPLE_MISSING_BRAND_NAME",
                "No sample message names the brand.",
            )
    for path, text in samples:
        if len(text) < 20:
            review.flag("samples", path, "SAMPLE_TOO_SHORT", "Samples need 20 characters or more.")
        hosts = {urlsplit(u if "//" in u else "//" + u).hostname or "" for u in URL.findall(text)}
        if hosts & SHORTENERS:
            review.flag(
                "samples",
                path,
                "GENERIC_LINK_SHORTENER",
                "Generic link shorteners are not allowed.",
            )
    if spec.get("sample_opt_out") and samples and not any(OPT_OUT.search(t) for _, t in samples):
        review.flag(
            "samples",
            samples[0][0],
            "SAMPLE_MISSING_OPT_OUT",
            "At least one sample must show opt-out language (e.g. Reply STOP).",
        )
    # opt-in description
    optin_path = spec.get("optin")
    optin = _text(values, optin_path) if optin_path else ""
    if optin:
        missing = [
            label
            for label, ok in [
                ("the brand name", not names or any(n in optin.lower() for n in names)),
                ("the message frequency", bool(FREQUENCY.search(optin))),
                ("'Message and data rates may apply'", bool(RATES.search(optin))),
                ("opt-out (STOP) instructions", bool(OPT_OUT.search(optin))),
                ("HELP instructions", "help" in optin.lower()),
                ("a link to the terms", "terms" in optin.lower()),
                ("a link to the privacy policy", "privacy" in optin.lower()),
            ]
            if not ok
        ]
        if missing:
            review.flag(
                "opt_in",
                optin_path,
                "NON_COMPLIANT_OPT_IN",
                "The opt-in description is missing " + ", ".join(missing) + ".",
            )
        if re.search(r"(shar|sell|sold)\w*[^.]{0,60}third[- ]part", optin, re.I) and not re.search(
            r"\b(not|never|no)\b[^.]{0,40}(shar|sell|sold)", optin, re.I
        ):
            review.flag(
                "third_party",
                optin_path,
                "OPT_IN_SHARED_WITH_THIRD_PARTIES",
                "Opt-in data must never be shared with third parties.",
            )
    # website and e-mail domains
    site_path = spec.get("website")
    site = _text(values, site_path) if site_path else ""
    site_host = ""
    if site:
        if _site_ok(site):
            site_host = urlsplit(site.strip()).hostname or ""
        else:
            review.flag("website", site_path, "INVALID_URL", "The website cannot be reached.")
    for path in spec.get("emails", []):
        email = _text(values, path)
        if "@" not in email:
            continue
        domain = email.rsplit("@", 1)[1].lower()
        if domain in FREE_MAIL:
            review.flag(
                "email",
                path,
                "UNOFFICIAL_EMAIL_DOMAIN",
                f"{domain} is a free mail provider, not the company's domain.",
            )
        elif site_host and _domain(domain) != _domain(site_host):
            review.flag(
                "email",
                path,
                "EMAIL_DOMAIN_MISMATCH",
                f"The e-mail domain {domain} does not match the website {site_host}.",
            )
    # prohibited content
    corpus = " ".join([t for _, t in samples] + [_text(values, spec.get("use_case", "")), optin])
    for label, pattern in PROHIBITED:
        if pattern.search(corpus):
            review.flag(
                "content",
                samples[0][0] if samples else None,
                "PROHIBITED_CONTENT",
                f"Prohibited content: {label}.",
            )
    # attestations (10DLC campaign)
    if spec.get("attestations") and samples:
        text = " ".join(t for _, t in samples)
        if _choice(values, "campaignUseCase.embeddedLink") == "No" and URL.search(text):
            review.flag(
                "attestation",
                "campaignUseCase.embeddedLink",
                "ATTESTATION_MISMATCH",
                "Samples contain a link but embedded link is No.",
            )
        if _choice(values, "campaignUseCase.embeddedPhone") == "No" and PHONE.search(text):
            review.flag(
                "attestation",
                "campaignUseCase.embeddedPhone",
                "ATTESTATION_MISMATCH",
                "Samples contain a phone number but embedded phone is No.",
            )
        if _choice(values, "campaignUseCase.directLending") == "No" and re.search(
            r"\bloans?\b|\blending\b", text, re.I
        ):
            review.flag(
                "attestation",
                "campaignUseCase.directLending",
                "ATTESTATION_MISMATCH",
                "Campaign appears to be a direct lending arrangement.",
            )
    # HELP / STOP texts
    for key, needs in (
        ("help", r"(\d{3}|@|https?://|www\.|call|visit|text|reply)"),
        (
            "stop",
            r"(no more|no longer|unsubscribed|opted out|will not receive|"
            r"won't receive)",
        ),
    ):
        path = spec.get(key)
        text = _text(values, path) if path else ""
        if text and (not 20 <= len(text) <= 160 or not re.search(needs, text, re.I)):
            review.flag(
                "keywords",
                path,
                f"NON_COMPLIANT_{key.upper()}_MESSAGE",
                f"The {key.upper()} response is not compliant.",
            )
    sender_path = spec.get("sender_id")
    sender = _text(values, sender_path) if sender_path else ""
    if sender and (sender.upper() in GENERIC_SENDER_IDS or sender.isdigit()):
        review.flag(
            "sender_id", sender_path, "GENERIC_SENDER_ID", f"{sender} is generic or numeric-only."
        )
    return review
