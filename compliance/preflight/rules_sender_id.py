"""Rules on alphanumeric sender IDs: format per country, generic names, brand link."""

from __future__ import annotations

import re

from compliance.preflight import sources
from compliance.preflight.engine import Draft, Violation, rule
from compliance.preflight.text import GENERIC_WORDS, brand_names

PATH = "senderIdInfo.senderId"
GENERIC = {
    "OTP", "2FA", "SMS", "INFO", "ALERT", "ALERTS", "NOTICE", "VERIFY", "TEST", "CODE", "AUTH",
    "PROMO", "NEWS", "BANK", "SERVICE", "SUPPORT", "MESSAGE",
}  # fmt: skip
LENGTH_BY_COUNTRY = {"IN": (6, 6)}


def _country(draft: Draft) -> str:
    return draft.registration_type.split("_", 1)[0]


@rule(
    "SENDER_ID_FORMAT",
    severity="error",
    families={"sender_id"},
    field_paths=(PATH,),
    message="The sender ID does not have a valid format for this country.",
    fix_hint="Use 3–11 letters, digits or dashes, with at least one letter and no spaces "
    "(India: exactly 6).",
    source=sources.SENDER_ID,
)
def _format(draft: Draft):
    if PATH not in draft.values and _country(draft) == "GB":
        return  # the United Kingdom form known so far has no sender ID field
    value = draft.text(PATH)
    low, high = LENGTH_BY_COUNTRY.get(_country(draft), (3, 11))
    if not re.fullmatch(r"[A-Za-z0-9-]+", value) or not re.search(r"[A-Za-z]", value):
        yield Violation((PATH,), f"(“{value}”)")
    elif not low <= len(value) <= high:
        yield Violation((PATH,), f"(“{value}” has {len(value)} characters)")


@rule(
    "SENDER_ID_GENERIC",
    severity="error",
    families={"sender_id"},
    field_paths=(PATH,),
    message="The sender ID is a generic word, not tied to the brand.",
    fix_hint="Use the brand in the sender ID, e.g. ANYCO or ANYCO-OTP, not OTP or INFO alone.",
    source=sources.SENDER_ID,
)
def _generic(draft: Draft):
    if draft.text(PATH).upper().replace("-", "") in GENERIC:
        yield Violation((PATH,))


def _is_subsequence(short: str, long: str) -> bool:
    letters = iter(long)
    return all(ch in letters for ch in short)


def tied_to_brand(sender_id: str, names: list[str]) -> bool:
    """True when the sender ID is recognisably one of the names: a part of it, its initials, or
    an abbreviation keeping its letters in order ("MDKART" for MediKart, "BLJRPINTAR")."""
    value = re.sub(r"[^a-z0-9]", "", sender_id.lower())
    for name in names:
        words = [w for w in name.split() if w not in ("and", "of", "the", "for")]
        # A trade word ("travel", "dental") ties an ID to a trade, not to this company: the
        # distinctive words carry the link when the name has any.
        words = [w for w in words if w not in GENERIC_WORDS] or words
        core = "".join(words)
        if not core:
            continue
        initials = "".join(w[0] for w in words)
        # four letters in common (three for a short ID or name): "trav" is not "Trails"
        size = 4 if len(value) >= 4 and len(core) >= 4 else 3
        if value[:size] in core or core[:size] in value:
            return True
        if len(initials) >= 2 and value.startswith(initials):
            return True
        if len(value) >= 4 and value[0] == core[0] and _is_subsequence(value, core):
            return True
    return False


@rule(
    "SENDER_ID_BRAND",
    severity="warning",
    families={"sender_id"},
    field_paths=(PATH, "companyInfo.companyName"),
    message="The sender ID shares nothing recognisable with the company name.",
    fix_hint="Reviewers reject IDs not tied to the brand; explain the link or attach proof.",
    source=sources.SENDER_ID,
)
def _brand(draft: Draft):
    value = re.sub(r"[^a-z0-9]", "", draft.text(PATH).lower())
    cores = brand_names(draft)
    if len(value) < 3 or not cores or value.upper() in GENERIC:
        return
    # The form's own place for the link ("How is the sender ID connected to your business?"):
    # an answer that names the sender ID explains it.
    connection = re.sub(r"[^a-z0-9]", "", draft.text("senderIdInfo.senderIdConnection").lower())
    if value in connection:
        return
    if not tied_to_brand(value, cores):
        yield Violation((PATH,))


LOA = "senderIdInfo.letterOfAuthorization"
ON_BEHALF = "senderIdInfo.registeringOnBehalf"


@rule(
    "SENDER_ID_LOA",
    severity="error",
    families={"sender_id"},
    field_paths=(ON_BEHALF, LOA),
    message="Registering on behalf of another brand needs that brand's letter of authorization.",
    fix_hint="Upload the letter of authorization signed by the brand you represent (AWS offers a "
    "template), or answer that you register for yourself.",
    source=sources.SINGAPORE,
)
def _letter_of_authorization(draft: Draft):
    if draft.text(ON_BEHALF).lower() not in ("true", "yes"):
        return
    if LOA not in draft.attachments and not draft.text(LOA):
        yield Violation((ON_BEHALF, LOA))
