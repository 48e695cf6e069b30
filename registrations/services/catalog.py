"""Catalog sync: read every registration definition from AWS into a new catalog version when
anything changed, and flag the drafts whose form changed in a way that matters."""

from __future__ import annotations

import hashlib
import json

from django.db import transaction
from django.db.models import Max

from registrations import sender_ids, shortcode
from registrations.aws import operations as aws
from registrations.aws.gateway import Gateway
from registrations.models import CatalogVersion, Registration, RegistrationTypeDef
from registrations.schema import FieldDef
from registrations.services.notifications import notify_schema_change
from registrations.states import EDITABLE, Status


def catalog_fetch(gateway: Gateway) -> dict[str, dict]:
    """Every type's definition, sections and fields, read from AWS (outside any transaction)
    and normalised into the portal's types, in the JSON form they are stored in."""
    result = {}
    for header in aws.type_definitions_list(gateway):
        name = header.registration_type
        result[name] = {
            "definition": header.to_json(),
            "sections": [
                s.to_json() for s in aws.section_definitions_list(gateway, registration_type=name)
            ],
            "fields": [
                f.to_json() for f in aws.field_definitions_list(gateway, registration_type=name)
            ],
        }
    return result


def _digest(definitions: dict) -> str:
    return hashlib.sha256(json.dumps(definitions, sort_keys=True, default=str).encode()).hexdigest()


def catalog_diff(old_fields: list[dict], new_fields: list[dict]) -> list[dict]:
    """Changes between two field lists that can make a draft invalid ("breaking") or not."""
    old = {f.path: f for f in map(FieldDef.from_json, old_fields)}
    new = {f.path: f for f in map(FieldDef.from_json, new_fields)}
    changes: list[dict] = []

    def change(kind: str, path: str, breaking: bool, detail: str) -> None:
        changes.append({"kind": kind, "field": path, "breaking": breaking, "detail": detail})

    for path in new.keys() - old.keys():
        required = new[path].requirement in ("REQUIRED", "CONDITIONAL")
        change(
            "field_added",
            path,
            required,
            f"New {'required ' if new[path].requirement == 'REQUIRED' else ''}field "
            f"“{new[path].title}”.",
        )
    for path in old.keys() - new.keys():
        change("field_removed", path, True, f"The field “{old[path].title}” was removed.")
    for path in sorted(old.keys() & new.keys()):
        a, b = old[path], new[path]
        if a.requirement != b.requirement:
            change(
                "requirement",
                path,
                b.requirement != "OPTIONAL",
                f"“{b.title}” is now {b.requirement.lower()} (was {a.requirement.lower()}).",
            )
        if b.max_length < a.max_length or b.min_length > a.min_length or b.pattern != a.pattern:
            change(
                "text_validation",
                path,
                True,
                f"“{b.title}” now takes {b.min_length}–{b.max_length} characters"
                + (" in a new format." if b.pattern != a.pattern else "."),
            )
        if set(a.options) - set(b.options):
            change(
                "options_removed",
                path,
                True,
                f"“{b.title}” no longer offers: "
                + ", ".join(sorted(set(a.options) - set(b.options)))
                + ".",
            )
        if b.max_choices < a.max_choices or b.min_choices > a.min_choices:
            change(
                "choices",
                path,
                True,
                f"“{b.title}” now takes {b.min_choices}–{b.max_choices} choices.",
            )
        if a.conditional != b.conditional:
            change("conditional", path, True, f"When “{b.title}” is needed has changed.")
        if a.type != b.type:
            change("type", path, True, f"“{b.title}” changed from {a.type} to {b.type}.")
    return sorted(changes, key=lambda c: (c["field"], c["kind"]))


@transaction.atomic
def catalog_store(definitions: dict[str, dict]) -> tuple[CatalogVersion, bool]:
    """Stores the definitions as a new version unless identical to the latest one.

    Returns (version, created). Drafts of changed types are flagged and their tenants told.
    """
    digest = _digest(definitions)
    latest = CatalogVersion.objects.select_for_update().order_by("-number").first()
    if latest is not None and latest.digest == digest:
        return latest, False
    number = (CatalogVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    previous = {t.registration_type: t for t in latest.types.all()} if latest else {}
    version = CatalogVersion.objects.create(number=number, digest=digest)
    summary = []
    for name, item in sorted(definitions.items()):
        RegistrationTypeDef.objects.create(
            catalog=version,
            registration_type=name,
            definition=item["definition"],
            sections=item["sections"],
            fields=item["fields"],
        )
        if name in previous:
            changes = catalog_diff(previous[name].fields, item["fields"])
            if changes:
                summary.append({"type": name, "changes": changes})
                _flag_drafts(name, version, changes)
        elif latest is not None:
            summary.append(
                {
                    "type": name,
                    "changes": [
                        {
                            "kind": "type_added",
                            "field": "",
                            "breaking": False,
                            "detail": "New type.",
                        }
                    ],
                }
            )
    version.changes = summary
    version.save(update_fields=["changes"])
    return version, True


def _flag_drafts(registration_type: str, version: CatalogVersion, changes: list[dict]) -> None:
    breaking = [c for c in changes if c["breaking"]]
    # An approved registration keeps the form it was approved with (an amendment too).
    drafts = Registration.objects.filter(
        registration_type=registration_type, status__in=EDITABLE - {Status.COMPLETE}
    )
    for registration in drafts.select_related("tenant"):
        registration.catalog = version
        if breaking:
            registration.schema_outdated = True
            registration.schema_changes = breaking
        registration.save(update_fields=["catalog", "schema_outdated", "schema_changes"])
        if breaking:
            transaction.on_commit(
                lambda rid=registration.pk: notify_schema_change(registration_id=rid)
            )


def catalog_sync() -> tuple[CatalogVersion, bool]:
    """Reads the definitions from AWS (provider account), adds the portal's short code
    application while AWS offers no short code type, then stores them in one transaction if
    they changed."""
    definitions = sender_ids.catalog_with_sender_id_fields(catalog_fetch(Gateway()))
    return catalog_store(shortcode.catalog_with_short_code(definitions))


def catalog_latest() -> CatalogVersion | None:
    return CatalogVersion.objects.order_by("-number").first()


def short_code_type_get(catalog: CatalogVersion | None = None) -> str | None:
    """The registration type short codes are applied for with in the latest catalog."""
    catalog = catalog or catalog_latest()
    if catalog is None:
        return None
    return shortcode.short_code_type(
        {t.registration_type: {"definition": t.definition} for t in catalog.types.all()}
    )
