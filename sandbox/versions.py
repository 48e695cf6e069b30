"""Registration versions (create, describe, submit, discard) and registration associations."""

from __future__ import annotations

from . import lifecycle
from .errors import ConflictError, QuotaError, ValidationError
from .model import op
from .registrations import KIND, get_registration
from .resources import Ctx, apply_filters, page

VERSIONS_PER_DAY = 100
PHONE_NUMBERS_PER_REGISTRATION = {"TOLL_FREE": 1, "TEN_DLC": 49, "SHORT_CODE": 1}


def _version_result(reg: dict, item: dict) -> dict:
    return {
        "RegistrationArn": reg["RegistrationArn"],
        "RegistrationId": reg["RegistrationId"],
        **lifecycle.version_info(item),
    }


@op("CreateRegistrationVersion")
def create_version(ctx: Ctx, params: dict) -> dict:
    reg = get_registration(ctx, params["RegistrationId"])
    current = lifecycle.latest(reg)
    if current["RegistrationVersionStatus"] not in lifecycle.VERSION_FINAL:
        raise ConflictError(
            f"Version {current['VersionNumber']} is {current['RegistrationVersionStatus']}; a new "
            "version can be created once it is approved, denied or discarded.",
            "CREATE_REGISTRATION_VERSION_NOT_ALLOWED",
            "registration",
            reg["RegistrationId"],
        )
    if reg["RegistrationStatus"] in ("CLOSED", "DELETED"):
        raise ConflictError(
            "The registration is closed.",
            "CREATE_REGISTRATION_VERSION_NOT_ALLOWED",
            "registration",
            reg["RegistrationId"],
        )
    if len(reg["_versions"]) >= VERSIONS_PER_DAY:
        raise QuotaError(
            "Too many versions created today.", "REGISTRATION_VERSIONS_CREATED_PER_DAY"
        )
    inherited = current["_values"] if ctx.settings.inherit_values else None
    item = lifecycle.new_version(current["VersionNumber"] + 1, inherited)
    reg["_versions"].append(item)
    reg["CurrentVersionNumber"] = item["VersionNumber"]
    ctx.store.touch(KIND, ctx.account, reg["RegistrationId"])
    return _version_result(reg, item)


@op("DescribeRegistrationVersions")
def describe_versions(ctx: Ctx, params: dict) -> dict:
    reg = get_registration(ctx, params["RegistrationId"])
    numbers = params.get("VersionNumbers")
    items = (
        [lifecycle.version(reg, n) for n in numbers]
        if numbers
        else list(reversed(reg["_versions"]))
    )
    items = apply_filters(
        items,
        params.get("Filters"),
        {"registration-version-status": lambda v: v["RegistrationVersionStatus"]},
    )
    result = page(params, [lifecycle.version_info(v) for v in items], "RegistrationVersions")
    result.update(RegistrationArn=reg["RegistrationArn"], RegistrationId=reg["RegistrationId"])
    return result


def missing_before_submit(ctx: Ctx, reg: dict) -> list[str]:
    """ASSOCIATE_BEFORE_SUBMIT resource types that have no association yet."""
    rules = ctx.app.catalog.types[reg["RegistrationType"]].get("SupportedAssociations", [])
    have = {a["ResourceType"] for a in reg["_associations"]}
    return [
        r["ResourceType"]
        for r in rules
        if r["AssociationBehavior"] == "ASSOCIATE_BEFORE_SUBMIT" and r["ResourceType"] not in have
    ]


@op("SubmitRegistrationVersion")
def submit_version(ctx: Ctx, params: dict) -> dict:
    reg = get_registration(ctx, params["RegistrationId"])
    item = lifecycle.latest(reg)
    status = item["RegistrationVersionStatus"]
    if status in lifecycle.VERSION_IN_REVIEW:
        raise ConflictError(
            f"Version {item['VersionNumber']} is already submitted ({status}).",
            "REGISTRATION_ALREADY_SUBMITTED",
            "registration",
            reg["RegistrationId"],
        )
    if status != "DRAFT":
        raise ConflictError(
            f"Version {item['VersionNumber']} is {status}; only a DRAFT version can be submitted.",
            "SUBMIT_REGISTRATION_VERSION_NOT_ALLOWED",
            "registration",
            reg["RegistrationId"],
        )
    missing = missing_before_submit(ctx, reg)
    if missing:
        raise ConflictError(
            f"Associate a {', '.join(missing)} resource with the registration before submitting.",
            "SUBMIT_REGISTRATION_VERSION_NOT_ALLOWED",
            "registration",
            reg["RegistrationId"],
        )
    aws_review = bool(params.get("AwsReview"))
    item["_aws_review"] = aws_review
    lifecycle.set_version_status(ctx.app, reg, item, "SUBMITTED")
    lifecycle.set_registration_status(ctx.app, reg, "SUBMITTED")
    result = {**_version_result(reg, item), "AwsReview": aws_review}
    ctx.app.review.submitted(reg, item)
    return result


@op("DiscardRegistrationVersion")
def discard_version(ctx: Ctx, params: dict) -> dict:
    """The user guide: "You can only discard the registration if it's status is Submitted.
    This will permanently delete the current version of the registration." """
    reg = get_registration(ctx, params["RegistrationId"])
    item = lifecycle.latest(reg)
    if item["RegistrationVersionStatus"] != "SUBMITTED":
        raise ConflictError(
            f"Version {item['VersionNumber']} is {item['RegistrationVersionStatus']}; only a "
            "SUBMITTED version can be discarded.",
            "DISCARD_REGISTRATION_VERSION_NOT_ALLOWED",
            "registration",
            reg["RegistrationId"],
        )
    lifecycle.discard(ctx.app, reg, item)
    return _version_result(reg, item)


# -- associations -----------------------------------------------------------------------------
@op("CreateRegistrationAssociation")
def create_association(ctx: Ctx, params: dict) -> dict:
    from . import numbers

    reg = get_registration(ctx, params["RegistrationId"])
    resource = numbers.resolve_resource(ctx, params["ResourceId"])
    assoc = associate(ctx, reg, resource)
    ctx.store.touch(KIND, ctx.account, reg["RegistrationId"])
    return {
        "RegistrationArn": reg["RegistrationArn"],
        "RegistrationId": reg["RegistrationId"],
        "RegistrationType": reg["RegistrationType"],
        **{k: v for k, v in assoc.items() if not k.startswith("_")},
    }


def associate(ctx: Ctx, reg: dict, resource: dict) -> dict:
    """Attach ``resource`` (from numbers.resolve_resource) to ``reg`` if the type allows it."""
    from . import numbers

    rule = ctx.app.catalog.association(reg["RegistrationType"], resource["ResourceType"])
    if rule is None or (
        rule.get("IsoCountryCode")
        and resource.get("IsoCountryCode")
        and rule["IsoCountryCode"] != resource["IsoCountryCode"]
    ):
        raise ValidationError(
            f"A {resource['ResourceType']} resource cannot be associated with a "
            f"{reg['RegistrationType']} registration.",
            "INVALID_REGISTRATION_ASSOCIATION",
            [{"Name": "ResourceId", "Message": resource["ResourceId"]}],
        )
    if any(a["ResourceId"] == resource["ResourceId"] for a in reg["_associations"]) or (
        resource["_kind"] != "registration" and resource.get("_registration")
    ):
        raise ConflictError(
            f"{resource['ResourceId']} is already associated with a registration.",
            "RESOURCE_ALREADY_ASSOCIATED",
            "registration",
            reg["RegistrationId"],
        )
    behavior = rule["AssociationBehavior"]
    if behavior == "ASSOCIATE_BEFORE_SUBMIT":
        if reg["RegistrationStatus"] in lifecycle.IN_REVIEW:
            raise ConflictError(
                "The registration is under review; associations cannot change until it returns.",
                "REGISTRATION_ALREADY_SUBMITTED",
                "registration",
                reg["RegistrationId"],
            )
        if resource["_kind"] == "registration" and resource["_status"] != "COMPLETE":
            raise ConflictError(
                f"The registration {resource['ResourceId']} is not COMPLETE.",
                "REGISTRATION_NOT_COMPLETE",
                "registration",
                resource["ResourceId"],
            )
    if behavior == "ASSOCIATE_AFTER_COMPLETE" and reg["RegistrationStatus"] != "COMPLETE":
        raise ConflictError(
            f"The registration {reg['RegistrationId']} is not COMPLETE.",
            "REGISTRATION_NOT_COMPLETE",
            "registration",
            reg["RegistrationId"],
        )
    cap = PHONE_NUMBERS_PER_REGISTRATION.get(resource["ResourceType"])
    same = sum(1 for a in reg["_associations"] if a["ResourceType"] == resource["ResourceType"])
    if cap is not None and same >= cap:
        raise QuotaError(
            f"A registration takes at most {cap} {resource['ResourceType']} number(s).",
            "PHONE_NUMBERS_PER_REGISTRATION"
            if resource["ResourceType"] == "TEN_DLC"
            else "ASSOCIATIONS_PER_REGISTRATION",
        )
    assoc = {k: resource[k] for k in ("ResourceArn", "ResourceId", "ResourceType", "_kind")}
    for key in ("IsoCountryCode", "PhoneNumber"):
        if resource.get(key):
            assoc[key] = resource[key]
    reg["_associations"].append(assoc)
    numbers.attach(ctx.app, ctx.account, assoc, reg)
    if reg["RegistrationStatus"] == "COMPLETE" and assoc["_kind"] == "phone-number":
        numbers.activate_number(ctx.app, ctx.account, assoc["ResourceId"])
    if reg["RegistrationStatus"] == "COMPLETE" and assoc["_kind"] == numbers.SENDER:
        # ASSOCIATE_ON_APPROVAL: a sender ID associated with an approved registration is
        # registered by it.
        numbers.mark_registered(ctx.app, ctx.account, assoc)
    return assoc


@op("ListRegistrationAssociations")
def list_associations(ctx: Ctx, params: dict) -> dict:
    reg = get_registration(ctx, params["RegistrationId"])
    items = apply_filters(
        reg["_associations"],
        params.get("Filters"),
        {
            "resource-type": lambda a: a["ResourceType"],
            "iso-country-code": lambda a: a.get("IsoCountryCode"),
        },
    )
    rendered = [{k: v for k, v in a.items() if not k.startswith("_")} for a in items]
    result = page(params, rendered, "RegistrationAssociations")
    result.update(
        RegistrationArn=reg["RegistrationArn"],
        RegistrationId=reg["RegistrationId"],
        RegistrationType=reg["RegistrationType"],
    )
    return result
