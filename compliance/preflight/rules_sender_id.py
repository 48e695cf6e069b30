"""Rules on alphanumeric sender IDs: format per country, generic names, brand link."""

from __future__ import annotations

import re

from compliance import sender_ids
from compliance.preflight import sources
from compliance.preflight.engine import Draft, Violation, rule
from compliance.preflight.text import GENERIC_WORDS, brand_core, brand_names

PATH = "senderIdInfo.senderId"
# The portal asks the sender ID itself where AWS's form has no field for it (GB).
PORTAL_PATH = "portal.senderId"
GENERIC = sender_ids.GENERIC


def _country(draft: Draft) -> str:
    return draft.registration_type.split("_", 1)[0]


@rule(
    "SENDER_ID_FORMAT",
    severity="error",
    families={"sender_id"},
    field_paths=(PATH, PORTAL_PATH),
    message="The sender ID does not have a valid format for this country.",
    fix_hint="Use 3–11 letters, digits or dashes, with at least one letter and no spaces "
    "(India: exactly 6).",
    source=sources.SENDER_ID,
)
def _format(draft: Draft):
    path = PATH if PATH in draft.values else PORTAL_PATH
    if path not in draft.values:
        return  # no sender ID yet: the form's own required-field check says so
    value = draft.text(path)
    problems = sender_ids.format_problems(value, _country(draft))
    if problems:
        chars = sender_ids.CHARACTERS.fullmatch(value) and re.search(r"[A-Za-z]", value)
        yield Violation(
            (path,), f"(“{value}” has {len(value)} characters)" if chars else f"(“{value}”)"
        )


@rule(
    "SENDER_ID_GENERIC",
    severity="error",
    families={"sender_id"},
    field_paths=(PATH, PORTAL_PATH),
    message="The sender ID is a generic word, not tied to the brand.",
    fix_hint="Use the brand in the sender ID, e.g. ANYCO or ANYCO-OTP, not OTP or INFO alone.",
    source=sources.SENDER_ID,
)
def _generic(draft: Draft):
    path = PATH if PATH in draft.values else PORTAL_PATH
    if sender_ids.is_generic(draft.text(path)):
        yield Violation((path,))


def sender_id_forms(sender_id: str) -> list[str]:
    """The sender ID as recipients read it: its words when it is written in mixed case or with
    dashes ("PeonyClinic" is "peony clinic", "Katong-Dent" is "katong dent"), else itself."""
    parts = re.findall(r"[A-Z]+(?![a-z])|[A-Z][a-z]+|[a-z]+|\d+", sender_id)
    forms = [sender_id.lower()] if len(sender_id) >= 4 else []
    if len(parts) > 1:
        forms.append(" ".join(p.lower() for p in parts))
    return forms


ON_BEHALF_PATH = "senderIdInfo.registeringOnBehalf"
CONNECTION_PATH = "senderIdInfo.senderIdConnection"


_OPENERS = {"we", "the", "our", "their", "this", "it", "they", "a", "an", "its", "on", "for", "as"}


def client_names(draft: Draft) -> list[str]:
    """When the registration is made on behalf of another brand, the names that brand goes by
    in the answer explaining the link (runs of capitalised words: "Peony Family Clinic")."""
    if draft.text(ON_BEHALF_PATH).strip().lower() not in ("true", "yes"):
        return []
    text = draft.text(CONNECTION_PATH)
    runs = re.findall(r"(?:[A-Z][\w'&.-]*(?:\s+|$)){1,5}", text)
    cores = []
    for run in runs:
        # short acronyms ("LOA", "UEN", "SMS") and sentence openers ("We", "The") name no one
        words = [w for w in run.split() if not (w.isupper() and len(w.strip(".,")) <= 3)]
        words = [w for w in words if w.lower().strip(".,") not in _OPENERS]
        core = brand_core(" ".join(words))
        if len(core.replace(" ", "")) >= 4 and not set(core.split()) <= GENERIC_WORDS:
            cores.append(core)
    return cores


def _is_subsequence(short: str, long: str) -> bool:
    letters = iter(long)
    return all(ch in letters for ch in short)


def tied_to_brand(sender_id: str, names: list[str]) -> bool:
    """True when the sender ID is recognisably one of the names: a part of it, its initials, or
    an abbreviation keeping its letters in order ("MDKART" for MediKart, "BLJRPINTAR")."""
    value = re.sub(r"[^a-z0-9]", "", sender_id.lower())
    for name, small in ((n, s) for n in names for s in (False, True)):
        # the small words are left out ("Bank of Anywhere" is "BOA"), or kept where the ID spells
        # them ("OakandKey" for Oak & Key)
        words = [w for w in name.split() if small or w not in ("and", "of", "the", "for")]
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
    field_paths=(PATH, PORTAL_PATH, "companyInfo.companyName"),
    message="The sender ID shares nothing recognisable with the company name.",
    fix_hint="Reviewers reject IDs not tied to the brand; explain the link or attach proof.",
    source=sources.SENDER_ID,
)
def _brand(draft: Draft):
    path = PATH if PATH in draft.values else PORTAL_PATH
    value = re.sub(r"[^a-z0-9]", "", draft.text(path).lower())
    cores = brand_names(draft)
    if len(value) < 3 or not cores or value.upper() in GENERIC:
        return
    # The form's own place for the link ("How is the sender ID connected to your business?"):
    # an answer that names the sender ID explains it.
    connection = re.sub(r"[^a-z0-9]", "", draft.text(CONNECTION_PATH).lower())
    if value in connection:
        return
    # on behalf of another brand: the sender ID belongs to that brand, named in the answer
    if not tied_to_brand(value, cores + client_names(draft)):
        yield Violation((path,))


LOA = "senderIdInfo.letterOfAuthorization"
ON_BEHALF = ON_BEHALF_PATH


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
