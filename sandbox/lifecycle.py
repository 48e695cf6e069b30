"""The two state machines (registration status, version status) and their side effects.

Each machine has one transition table; ``set_registration_status`` and ``set_version_status``
refuse anything the table does not allow. Every registration status change emits an
EventBridge-shaped "Registration Status Change" event.
"""

from __future__ import annotations

from .errors import ValidationError
from .resources import now

REGISTRATION_TRANSITIONS = {
    "CREATED": {"SUBMITTED", "DELETED"},
    # SUBMITTED -> CREATED / REQUIRES_UPDATES / COMPLETE: the submitted version was discarded
    # (DiscardRegistrationVersion), back to what the registration was before it.
    "SUBMITTED": {"CREATED", "AWS_REVIEWING", "REVIEWING", "REQUIRES_UPDATES", "COMPLETE"},
    "AWS_REVIEWING": {"REVIEWING", "REQUIRES_UPDATES", "COMPLETE"},
    "REVIEWING": {"PROVISIONING", "REQUIRES_UPDATES", "REQUIRES_AUTHENTICATION", "COMPLETE"},
    "REQUIRES_AUTHENTICATION": {"PROVISIONING", "REQUIRES_UPDATES"},
    "PROVISIONING": {"COMPLETE"},
    "REQUIRES_UPDATES": {"SUBMITTED", "CLOSED", "DELETED"},
    # COMPLETE -> REQUIRES_UPDATES: after approval, a carrier revokes the approved version or
    # asks for updates (the control API plays the carrier).
    "COMPLETE": {"SUBMITTED", "REQUIRES_UPDATES", "CLOSED", "DELETED"},
    "CLOSED": {"DELETED"},
    "DELETED": set(),
}
VERSION_TRANSITIONS = {
    # The user guide: "You can only discard the registration if it's status is Submitted."
    "DRAFT": {"SUBMITTED"},
    "SUBMITTED": {"AWS_REVIEWING", "REVIEWING", "DENIED", "DISCARDED"},
    "AWS_REVIEWING": {"REVIEWING", "DENIED"},
    "REVIEWING": {"APPROVED", "DENIED", "REQUIRES_AUTHENTICATION", "REQUIRES_OFFLINE_REVIEW"},
    "REQUIRES_AUTHENTICATION": {"APPROVED", "DENIED"},
    "REQUIRES_OFFLINE_REVIEW": {"APPROVED", "DENIED"},
    "APPROVED": {"ARCHIVED", "REVOKED"},
    "DENIED": set(),
    "DISCARDED": set(),
    "REVOKED": set(),
    "ARCHIVED": set(),
}
HISTORY_KEYS = {
    "DRAFT": "DraftTimestamp",
    "SUBMITTED": "SubmittedTimestamp",
    "AWS_REVIEWING": "AwsReviewingTimestamp",
    "REVIEWING": "ReviewingTimestamp",
    "REQUIRES_AUTHENTICATION": "RequiresAuthenticationTimestamp",
    "APPROVED": "ApprovedTimestamp",
    "DISCARDED": "DiscardedTimestamp",
    "DENIED": "DeniedTimestamp",
    "REVOKED": "RevokedTimestamp",
    "ARCHIVED": "ArchivedTimestamp",
}
IN_REVIEW = {"SUBMITTED", "AWS_REVIEWING", "REVIEWING", "REQUIRES_AUTHENTICATION", "PROVISIONING"}
VERSION_IN_REVIEW = {
    "SUBMITTED",
    "AWS_REVIEWING",
    "REVIEWING",
    "REQUIRES_AUTHENTICATION",
    "REQUIRES_OFFLINE_REVIEW",
}
VERSION_FINAL = {"APPROVED", "DENIED", "DISCARDED", "REVOKED", "ARCHIVED"}


class TransitionError(Exception):
    """A status change the transition table does not allow."""


def new_version(number: int, values: dict | None = None) -> dict:
    return {
        "VersionNumber": number,
        "RegistrationVersionStatus": "DRAFT",
        "RegistrationVersionStatusHistory": {"DraftTimestamp": now()},
        "_values": {
            k: {"FieldPath": v["FieldPath"], **_plain(v)}
            for k, v in (values or {}).items()
            if _plain(v)
        },
    }


def _plain(value: dict) -> dict:
    return {
        k: v
        for k, v in value.items()
        if k in ("TextValue", "SelectChoices", "RegistrationAttachmentId")
    }


def latest(reg: dict) -> dict:
    return reg["_versions"][-1]


def version(reg: dict, number: int | None) -> dict:
    if number is None:
        return latest(reg)
    for item in reg["_versions"]:
        if item["VersionNumber"] == number:
            return item
    raise ValidationError(
        f"Version {number} of {reg['RegistrationId']} does not exist.",
        "UNKNOWN_REGISTRATION_VERSION",
        [{"Name": "VersionNumber", "Message": str(number)}],
    )


def version_info(item: dict) -> dict:
    return {k: v for k, v in item.items() if not k.startswith("_")}


def set_registration_status(app, reg: dict, status: str) -> None:
    current = reg["RegistrationStatus"]
    if status == current:
        return
    if status not in REGISTRATION_TRANSITIONS[current]:
        raise TransitionError(f"registration {current} -> {status} is not allowed")
    reg["RegistrationStatus"] = status
    app.store.touch("registration", reg["_account"], reg["RegistrationId"])
    app.events.registration_status(reg, version=latest(reg)["VersionNumber"])


def set_version_status(app, reg: dict, item: dict, status: str) -> None:
    current = item["RegistrationVersionStatus"]
    if status not in VERSION_TRANSITIONS[current]:
        raise TransitionError(f"version {current} -> {status} is not allowed")
    item["RegistrationVersionStatus"] = status
    key = HISTORY_KEYS.get(status)
    if key:
        item["RegistrationVersionStatusHistory"][key] = now()
    app.store.touch("registration", reg["_account"], reg["RegistrationId"])


# -- outcomes ---------------------------------------------------------------------------------
def approve(app, reg: dict, item: dict) -> None:
    for other in reg["_versions"]:
        if other is not item and other["RegistrationVersionStatus"] == "APPROVED":
            set_version_status(app, reg, other, "ARCHIVED")
    set_version_status(app, reg, item, "APPROVED")
    reg["ApprovedVersionNumber"] = item["VersionNumber"]
    if reg["RegistrationStatus"] in ("REVIEWING", "REQUIRES_AUTHENTICATION"):
        set_registration_status(app, reg, "PROVISIONING")
    provision(app, reg, item)
    set_registration_status(app, reg, "COMPLETE")


def deny(app, reg: dict, item: dict, reasons: list[dict], fields: dict, feedback=None) -> None:
    """``fields`` maps FieldPath -> {"DeniedReason": ..., "Feedback": ...}."""
    set_version_status(app, reg, item, "DENIED")
    item["DeniedReasons"] = reasons
    if feedback:
        item["Feedback"] = feedback
    for path, notes in fields.items():
        value = item["_values"].setdefault(path, {"FieldPath": path})
        value.update({k: v for k, v in notes.items() if k in ("DeniedReason", "Feedback") and v})
    reg["LatestDeniedVersionNumber"] = item["VersionNumber"]
    set_registration_status(
        app, reg, "COMPLETE" if reg.get("ApprovedVersionNumber") else "REQUIRES_UPDATES"
    )


def discard(app, reg: dict, item: dict) -> None:
    """DiscardRegistrationVersion of a SUBMITTED version: the version is DISCARDED and the
    registration goes back to what it was before that version was submitted (COMPLETE while
    an approved version is in force, REQUIRES_UPDATES after a denial, CREATED otherwise)."""
    set_version_status(app, reg, item, "DISCARDED")
    if reg.get("ApprovedVersionNumber"):
        back = "COMPLETE"
    elif reg.get("LatestDeniedVersionNumber"):
        back = "REQUIRES_UPDATES"
    else:
        back = "CREATED"
    set_registration_status(app, reg, back)


# -- what carriers do after approval (the control API plays them) ----------------------------
def revoke(app, reg: dict, item: dict, reasons: list[dict] | None = None) -> None:
    """A carrier revokes an approved version (e.g. a toll-free number used for another use
    case "can be revoked"): the version is REVOKED; when it was the approved one, the
    registration has no approved version any more and needs updates."""
    if item["RegistrationVersionStatus"] != "APPROVED":
        raise TransitionError(
            f"version {item['VersionNumber']} is {item['RegistrationVersionStatus']}; "
            "only an APPROVED version can be revoked"
        )
    set_version_status(app, reg, item, "REVOKED")
    if reasons:
        item["DeniedReasons"] = reasons
    if reg.get("ApprovedVersionNumber") == item["VersionNumber"]:
        reg.pop("ApprovedVersionNumber", None)
        if reg["RegistrationStatus"] == "COMPLETE":
            set_registration_status(app, reg, "REQUIRES_UPDATES")


def require_updates(app, reg: dict) -> None:
    """A carrier asks for updates to a COMPLETE registration (its approved version stays)."""
    if reg["RegistrationStatus"] != "COMPLETE":
        raise TransitionError(
            f"registration {reg['RegistrationStatus']}; only a COMPLETE one can be sent back"
        )
    set_registration_status(app, reg, "REQUIRES_UPDATES")


def close(app, reg: dict) -> None:
    """The registration is closed (its identity is gone: the registration must be deleted)."""
    if reg["RegistrationStatus"] not in ("COMPLETE", "REQUIRES_UPDATES"):
        raise TransitionError(
            f"registration {reg['RegistrationStatus']}; only a COMPLETE or REQUIRES_UPDATES "
            "one can be closed"
        )
    set_registration_status(app, reg, "CLOSED")


def provision(app, reg: dict, item: dict) -> None:
    """What approval creates: active numbers and registered sender IDs."""
    from . import numbers  # late import: numbers imports lifecycle

    account = reg["_account"]
    for assoc in reg["_associations"]:
        if assoc["_kind"] == "phone-number":
            numbers.activate_number(app, account, assoc["ResourceId"])
        elif assoc["_kind"] == numbers.SENDER:
            # "Your phone number or sender ID is associated with this registration and can't
            # send messages until your registration has been approved."
            numbers.mark_registered(app, account, assoc)
    catalog_type = app.catalog.types.get(reg["RegistrationType"], {})
    behaviors = {a["ResourceType"]: a for a in catalog_type.get("SupportedAssociations", [])}
    sender = behaviors.get("SENDER_ID")
    if sender and sender["AssociationBehavior"] == "ASSOCIATE_ON_APPROVAL":
        value = item["_values"].get("senderIdInfo.senderId", {}).get("TextValue")
        if value and not any(a["_kind"] == "sender-id" for a in reg["_associations"]):
            assoc = numbers.register_sender_id(app, reg, value, sender["IsoCountryCode"])
            reg["_associations"].append(assoc)


def delete_associations(ctx, reg: dict) -> None:
    """DeleteRegistration: associations go away where the type's behaviour allows it."""
    from . import numbers

    catalog_type = ctx.app.catalog.types.get(reg["RegistrationType"], {})
    behaviors = {a["ResourceType"]: a for a in catalog_type.get("SupportedAssociations", [])}
    for assoc in list(reg["_associations"]):
        rule = behaviors.get(assoc["ResourceType"], {})
        if rule.get("DisassociationBehavior") == "DELETE_REGISTRATION_DISASSOCIATES":
            continue
        if assoc["_kind"] == "phone-number" and reg["RegistrationStatus"] != "CLOSED":
            from .errors import ConflictError

            raise ConflictError(
                f"Release {assoc['ResourceId']} before deleting this registration.",
                "RESOURCE_DELETION_NOT_ALLOWED",
                "registration",
                reg["RegistrationId"],
            )
    for assoc in reg["_associations"]:
        numbers.detach(ctx.app, reg["_account"], assoc)
    reg["_associations"] = []
