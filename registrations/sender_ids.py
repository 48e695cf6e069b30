"""Sender IDs in registrations: where the sender ID is asked, and for which country.

The format and country rules themselves are in `compliance/sender_ids.py` (the preflight
uses them too). A sender ID registration type whose AWS form has the sender ID
(`senderIdInfo.senderId`, e.g. India and Indonesia) asks it there: AWS provisions it on
approval (`ASSOCIATE_ON_APPROVAL`). A type whose known form has no such field (the United
Kingdom's) gets the portal's own field, `portal.senderId`, added at catalog sync: the portal
keeps it (it is never written to AWS as a field value) and, once the registration is approved,
requests that sender ID (`RequestSenderId`) and associates it with the registration
(`services/provisioning.py`).
"""

from __future__ import annotations

from compliance import sender_ids as rules
from registrations.models import FieldValue, Sender
from registrations.schema import PORTAL_SENDER_ID, FieldDef, SectionDef

FORM_FIELD = "senderIdInfo.senderId"
PORTAL_FIELD = PORTAL_SENDER_ID
PORTAL_PREFIX = "portal."
PORTAL_SECTION = "portal"
SUFFIX = "_SENDER_ID_REGISTRATION"
# The form's version of the portal's field: a change here reaches the catalog (and flags drafts)
# like a change AWS makes to a form.
VERSION = 1


def is_portal_field(path: str) -> bool:
    """A field the portal asks and keeps itself: never sent to AWS as a field value."""
    return path.startswith(PORTAL_PREFIX)


def country_of(registration_type: str) -> str:
    """The country of a sender ID registration type (GB_SENDER_ID_REGISTRATION → GB); empty
    for other types."""
    if registration_type.endswith(SUFFIX):
        return registration_type[: -len(SUFFIX)][:2]
    return ""


def _pattern(iso: str) -> str:
    rule = rules.country_rule(iso)
    generic = "|".join(sorted(g.replace("-", "-?") for g in rules.GENERIC))
    chars = "A-Za-z" if rule.letters_only else "A-Za-z0-9-"
    size = f"{{{rule.min_length},{rule.max_length}}}"
    # not generic; at least one letter; no dash first or last; the country's characters and size
    return rf"^(?!(?i:{generic})$)(?=.*[A-Za-z])(?!-)(?!.*-$)[{chars}]{size}$"


def portal_field(iso: str) -> FieldDef:
    rule = rules.country_rule(iso)
    return FieldDef(
        path=PORTAL_FIELD,
        section=PORTAL_SECTION,
        type="TEXT",
        requirement="REQUIRED",
        min_length=rule.min_length,
        max_length=rule.max_length,
        pattern=_pattern(iso),
        title="Sender ID",
        short_description=f"The name your messages come from in {iso}: {rule.describe()}",
        long_description=(
            "AWS's form for this country has no sender ID field: the portal asks it here and "
            "requests it from AWS once the registration is approved."
        ),
        example="ANYCO",
    )


def _offers_sender_ids(item: dict) -> bool:
    return any(a.get("resource_type") == "SENDER_ID" for a in item["definition"]["associations"])


def catalog_with_sender_id_fields(definitions: dict[str, dict]) -> dict[str, dict]:
    """AWS's definitions, with the portal's sender ID field added to each sender ID type
    whose form has none."""
    result = dict(definitions)
    for name, item in definitions.items():
        iso = country_of(name)
        paths = {f["path"] for f in item["fields"]}
        if not iso or not _offers_sender_ids(item) or FORM_FIELD in paths:
            continue
        section = SectionDef(
            PORTAL_SECTION, "Sender ID", "The sender ID your messages will show."
        ).to_json()
        result[name] = {
            **item,
            "definition": {**item["definition"], "portal_sender_id_version": VERSION},
            "sections": [section, *item["sections"]],
            "fields": [portal_field(iso).to_json(), *item["fields"]],
        }
    return result


def sender_id_value(values: dict) -> str:
    """The sender ID a registration's values name (the form's field, else the portal's)."""
    value = values.get(FORM_FIELD) or values.get(PORTAL_FIELD) or ""
    return value if isinstance(value, str) else ""


# India's DLT registration: the Principal Entity ID the registration gives (AWS's form field).
INDIA_ENTITY_FIELD = "inSidSpecificInfo.principalEntityId"


def india_sending_parameters(sender: Sender) -> dict[str, str]:
    """What a send to India from this sender carries (AWS's DestinationCountryParameters:
    "only used when you send messages to recipients in India using a sender ID"): the entity
    id of the sender's approved registration. Empty for any other sender."""
    if sender.kind != Sender.Kind.SENDER_ID or sender.registration_id is None:
        return {}
    values = FieldValue.objects.filter(
        tenant_id=sender.tenant_id,
        version__registration_id=sender.registration_id,
        field_path=INDIA_ENTITY_FIELD,
    ).order_by("-version__number")
    # The approved version's (an amendment in the making does not count yet), else the newest.
    value = (
        values.filter(version__aws_status="APPROVED").values_list("text_value", flat=True).first()
        or values.values_list("text_value", flat=True).first()
    )
    return {"entity_id": value} if value else {}
