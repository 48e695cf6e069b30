"""Registrations, their field values and registration attachments."""

from __future__ import annotations

import base64
import hashlib
import re
import time

from . import lifecycle
from .catalog import resolve
from .errors import ConflictError, NotFoundError, ValidationError
from .model import op
from .resources import Ctx, apply_filters, check_limit, new_id, now, page, strip_arn, tags_of

KIND = "registration"
ATTACHMENT = "registration-attachment"
_S3_URL = re.compile(r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.+$")
_TYPES_BY_EXT = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}


def get_registration(ctx: Ctx, rid: str) -> dict:
    reg = ctx.store.get(KIND, ctx.account, strip_arn(rid))
    if reg is None:
        raise NotFoundError("registration", rid)
    return reg


def info(reg: dict) -> dict:
    return {k: v for k, v in reg.items() if not k.startswith("_")}


@op("CreateRegistration")
def create_registration(ctx: Ctx, params: dict) -> dict:
    reg_type = ctx.app.catalog.type(params["RegistrationType"])
    check_limit(ctx, "REGISTRATIONS")
    rid = new_id("registration")
    reg = {
        "RegistrationArn": ctx.arn("registration", rid),
        "RegistrationId": rid,
        "RegistrationType": reg_type["RegistrationType"],
        "RegistrationStatus": "CREATED",
        "CurrentVersionNumber": 1,
        "AdditionalAttributes": {},
        "CreatedTimestamp": now(),
        "Tags": tags_of(params),
        "_account": ctx.account,
        "_region": ctx.region,
        "_versions": [lifecycle.new_version(1)],
        "_associations": [],
    }
    ctx.store.put(KIND, ctx.account, rid, reg)
    ctx.app.events.registration_status(reg)
    return info(reg)


@op("DeleteRegistration")
def delete_registration(ctx: Ctx, params: dict) -> dict:
    reg = get_registration(ctx, params["RegistrationId"])
    if reg["RegistrationStatus"] in lifecycle.IN_REVIEW:
        raise ConflictError(
            "A registration under review cannot be deleted.",
            "RESOURCE_DELETION_NOT_ALLOWED",
            "registration",
            reg["RegistrationId"],
        )
    users = [
        other["RegistrationId"]
        for other in ctx.store.items(KIND, ctx.account)
        if any(a["ResourceId"] == reg["RegistrationId"] for a in other["_associations"])
    ]
    if users:
        raise ConflictError(
            f"The registration is associated with {', '.join(users)}; delete those first.",
            "RESOURCE_DELETION_NOT_ALLOWED",
            "registration",
            reg["RegistrationId"],
        )
    lifecycle.delete_associations(ctx, reg)
    lifecycle.set_registration_status(ctx.app, reg, "DELETED")
    result = info(reg)
    ctx.store.delete(KIND, ctx.account, reg["RegistrationId"])
    return result


@op("DescribeRegistrations")
def describe_registrations(ctx: Ctx, params: dict) -> dict:
    ids = params.get("RegistrationIds")
    if ids:
        items = [get_registration(ctx, i) for i in ids]
    else:
        items = list(ctx.store.items(KIND, ctx.account))
    items = apply_filters(
        items,
        params.get("Filters"),
        {
            "registration-type": lambda r: r["RegistrationType"],
            "registration-status": lambda r: r["RegistrationStatus"],
        },
    )
    return page(params, [info(r) for r in items], "Registrations")


# -- field values ----------------------------------------------------------------------------
def _field_error(path: str, message: str) -> ValidationError:
    return ValidationError(
        f"Invalid value for {path}: {message}",
        "FIELD_VALIDATION_FAILED",
        [{"Name": path, "Message": message}],
    )


def _check_value(ctx: Ctx, field: dict, params: dict, override: dict) -> dict:
    path = field["FieldPath"]
    kinds = {
        "TEXT": "TextValue",
        "SELECT": "SelectChoices",
        "ATTACHMENT": "RegistrationAttachmentId",
    }
    wanted = kinds[field["FieldType"]]
    given = [k for k in kinds.values() if params.get(k) is not None]
    if given != [wanted]:
        raise ValidationError(
            f"The field {path} is of type {field['FieldType']} and takes {wanted} only.",
            "INVALID_PARAMETER",
            [{"Name": path, "Message": f"expected {wanted}"}],
        )
    if wanted == "TextValue":
        text = params["TextValue"]
        rules = {**field.get("TextValidation", {}), **override}
        if len(text) < rules.get("MinLength", 0):
            raise _field_error(path, f"shorter than {rules['MinLength']} characters")
        if len(text) > rules.get("MaxLength", 2048):
            raise _field_error(path, f"longer than {rules['MaxLength']} characters")
        pattern = rules.get("Pattern")
        if pattern and not re.search(pattern, text):
            raise _field_error(path, f"does not match {pattern}")
        return {"FieldPath": path, "TextValue": text}
    if wanted == "SelectChoices":
        choices = params["SelectChoices"]
        rules = field.get("SelectValidation", {})
        options = override.get("AllowedValues") or rules.get("Options", [])
        low, high = rules.get("MinChoices", 1), rules.get("MaxChoices", 1)
        if not low <= len(choices) <= high:
            raise _field_error(path, f"between {low} and {high} choices are allowed")
        bad = [c for c in choices if c not in options]
        if bad:
            raise _field_error(path, f"{', '.join(bad)} is not one of the options")
        return {"FieldPath": path, "SelectChoices": list(choices)}
    attachment = _get_attachment(ctx, params["RegistrationAttachmentId"])
    if _status(ctx, attachment) != "UPLOAD_COMPLETE":
        raise _field_error(path, "the attachment upload is not complete")
    return {"FieldPath": path, "RegistrationAttachmentId": attachment["RegistrationAttachmentId"]}


def _editable(reg: dict) -> dict:
    version = lifecycle.latest(reg)
    if version["RegistrationVersionStatus"] != "DRAFT":
        raise ConflictError(
            f"Version {version['VersionNumber']} is {version['RegistrationVersionStatus']}; "
            "field values can only change on a DRAFT version.",
            "EDIT_REGISTRATION_FIELD_VALUES_NOT_ALLOWED",
            "registration",
            reg["RegistrationId"],
        )
    return version


def _value_result(reg: dict, version: dict, value: dict) -> dict:
    return {
        "RegistrationArn": reg["RegistrationArn"],
        "RegistrationId": reg["RegistrationId"],
        "VersionNumber": version["VersionNumber"],
        **value,
    }


@op("PutRegistrationFieldValue")
def put_field_value(ctx: Ctx, params: dict) -> dict:
    reg = get_registration(ctx, params["RegistrationId"])
    field = ctx.app.catalog.field(reg["RegistrationType"], params["FieldPath"])
    version = _editable(reg)
    _, override = resolve(field, version["_values"])
    value = _check_value(ctx, field, params, override)
    version["_values"][field["FieldPath"]] = value
    ctx.store.touch(KIND, ctx.account, reg["RegistrationId"])
    return _value_result(reg, version, value)


@op("DeleteRegistrationFieldValue")
def delete_field_value(ctx: Ctx, params: dict) -> dict:
    reg = get_registration(ctx, params["RegistrationId"])
    field = ctx.app.catalog.field(reg["RegistrationType"], params["FieldPath"])
    version = _editable(reg)
    value = version["_values"].pop(field["FieldPath"], None)
    if value is None:
        raise ValidationError(
            f"The field {field['FieldPath']} has no value to delete.",
            "REGISTRATION_FIELD_CANNOT_BE_DELETED",
            [{"Name": field["FieldPath"], "Message": "no value"}],
        )
    ctx.store.touch(KIND, ctx.account, reg["RegistrationId"])
    return _value_result(reg, version, value)


@op("DescribeRegistrationFieldValues")
def describe_field_values(ctx: Ctx, params: dict) -> dict:
    reg = get_registration(ctx, params["RegistrationId"])
    version = lifecycle.version(reg, params.get("VersionNumber"))
    catalog = ctx.app.catalog
    values = version["_values"]
    order = [f["FieldPath"] for f in catalog.types[reg["RegistrationType"]].get("Fields", [])]
    items = [values[p] for p in order if p in values]
    if params.get("SectionPath"):
        items = [v for v in items if v["FieldPath"].split(".")[0] == params["SectionPath"]]
    if params.get("FieldPaths"):
        for path in params["FieldPaths"]:
            catalog.field(reg["RegistrationType"], path)
        items = [v for v in items if v["FieldPath"] in params["FieldPaths"]]
    result = page(params, items, "RegistrationFieldValues")
    result.update(
        RegistrationArn=reg["RegistrationArn"],
        RegistrationId=reg["RegistrationId"],
        VersionNumber=version["VersionNumber"],
    )
    return result


# -- attachments -----------------------------------------------------------------------------
def _sniff(raw: bytes) -> str | None:
    if raw.startswith(b"%PDF"):
        return "application/pdf"
    if raw.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if raw.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return None


def _get_attachment(ctx: Ctx, aid: str) -> dict:
    found = ctx.store.get(ATTACHMENT, ctx.account, strip_arn(aid))
    if found is None or found["AttachmentStatus"] == "DELETED":
        raise NotFoundError("registration-attachment", aid)
    return found


def _status(ctx: Ctx, attachment: dict) -> str:
    """Uploads finish lazily: IN_PROGRESS until ``_complete_at`` has passed."""
    if (
        attachment["AttachmentStatus"] == "UPLOAD_IN_PROGRESS"
        and time.time() >= attachment["_complete_at"]
    ):
        attachment["AttachmentStatus"] = "UPLOAD_COMPLETE"
        ctx.store.touch(ATTACHMENT, ctx.account, attachment["RegistrationAttachmentId"])
    return attachment["AttachmentStatus"]


def _unsupported(what: str) -> ValidationError:
    return ValidationError(
        f"{what} is not a supported attachment type (PDF, PNG or JPEG).",
        "ATTACHMENT_TYPE_NOT_SUPPORTED",
        [{"Name": "AttachmentBody", "Message": "PDF, PNG or JPEG only"}],
    )


@op("CreateRegistrationAttachment")
def create_attachment(ctx: Ctx, params: dict) -> dict:
    body, url = params.get("AttachmentBody"), params.get("AttachmentUrl")
    if body is not None and url is not None:
        raise ValidationError(
            "AttachmentBody and AttachmentUrl cannot be used together.",
            "PARAMETERS_CANNOT_BE_USED_TOGETHER",
            [
                {"Name": "AttachmentBody", "Message": "use one"},
                {"Name": "AttachmentUrl", "Message": "use one"},
            ],
        )
    if body is None and url is None:
        raise ValidationError(
            "Either AttachmentBody or AttachmentUrl is required.",
            "MISSING_PARAMETER",
            [{"Name": "AttachmentBody", "Message": "missing"}],
        )
    limit = ctx.settings.max_attachment_bytes
    entry: dict = {}
    if body is not None:
        raw = base64.b64decode(body)
        if len(raw) > limit:
            raise ValidationError(
                f"The attachment is {len(raw)} bytes; the maximum is {limit}.",
                "MAXIMUM_SIZE_EXCEEDED",
                [{"Name": "AttachmentBody", "Message": "too large"}],
            )
        content_type = _sniff(raw)
        if content_type is None:
            raise _unsupported("The attachment body")
        entry.update(_size=len(raw), _sha256=hashlib.sha256(raw).hexdigest())
    else:
        if not _S3_URL.match(url):
            raise ValidationError(
                "AttachmentUrl must be an s3://bucket/key URL.",
                "INVALID_PARAMETER",
                [{"Name": "AttachmentUrl", "Message": "not an S3 URL"}],
            )
        ext = "." + url.rsplit(".", 1)[-1].lower() if "." in url.rsplit("/", 1)[-1] else ""
        content_type = _TYPES_BY_EXT.get(ext)
        if content_type is None:
            raise _unsupported(url)
        entry["AttachmentUrl"] = url
    check_limit(ctx, "REGISTRATION_ATTACHMENTS")
    aid = new_id("attachment")
    entry.update(
        RegistrationAttachmentArn=ctx.arn("registration-attachment", aid),
        RegistrationAttachmentId=aid,
        AttachmentStatus="UPLOAD_IN_PROGRESS",
        CreatedTimestamp=now(),
        Tags=tags_of(params),
        _content_type=content_type,
        _complete_at=time.time() + ctx.settings.attachment_delay,
    )
    ctx.store.put(ATTACHMENT, ctx.account, aid, entry)
    return {k: v for k, v in entry.items() if not k.startswith("_")}


@op("DescribeRegistrationAttachments")
def describe_attachments(ctx: Ctx, params: dict) -> dict:
    ids = params.get("RegistrationAttachmentIds")
    if ids:
        items = [_get_attachment(ctx, i) for i in ids]
    else:
        items = [
            a
            for a in ctx.store.items(ATTACHMENT, ctx.account)
            if a["AttachmentStatus"] != "DELETED"
        ]
    for item in items:
        _status(ctx, item)
    items = apply_filters(
        items, params.get("Filters"), {"attachment-status": lambda a: a["AttachmentStatus"]}
    )
    rendered = [
        {k: v for k, v in a.items() if not k.startswith("_") and k != "Tags"} for a in items
    ]
    return page(params, rendered, "RegistrationAttachments")


@op("DeleteRegistrationAttachment")
def delete_attachment(ctx: Ctx, params: dict) -> dict:
    attachment = _get_attachment(ctx, params["RegistrationAttachmentId"])
    _status(ctx, attachment)
    result = {k: v for k, v in attachment.items() if not k.startswith("_") and k != "Tags"}
    ctx.store.delete(ATTACHMENT, ctx.account, attachment["RegistrationAttachmentId"])
    return result
