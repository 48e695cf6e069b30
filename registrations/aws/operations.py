"""One typed function per AWS operation the portal uses (End User Messaging SMS,
`pinpoint-sms-voice-v2`). Each takes a `Gateway` (the account, and who the call log names)
and keyword arguments in the portal's terms, calls AWS through `Gateway.call` and returns the
portal's own types (`registrations.aws.types`). AWS's PascalCase names stay in this package.
"""

from __future__ import annotations

from registrations.aws import catalog
from registrations.aws.errors import NotFoundError
from registrations.aws.gateway import Gateway
from registrations.aws.types import (
    Association,
    Attachment,
    ConfigurationSet,
    DeniedReason,
    Keyword,
    OptedOutNumber,
    OriginationSettings,
    PhoneNumber,
    RegistrationCreated,
    RegistrationState,
    RemoteValue,
    SenderId,
    VersionState,
    VersionSubmitted,
)
from registrations.schema import FieldDef, SectionDef, TypeHeader

# --- Definitions (the catalog) ------------------------------------------------------------------


def type_definitions_list(gw: Gateway) -> list[TypeHeader]:
    return [
        catalog.type_from_aws(raw)
        for raw in gw.pages("DescribeRegistrationTypeDefinitions", "RegistrationTypeDefinitions")
    ]


def section_definitions_list(gw: Gateway, *, registration_type: str) -> list[SectionDef]:
    return [
        catalog.section_from_aws(raw)
        for raw in gw.pages(
            "DescribeRegistrationSectionDefinitions",
            "RegistrationSectionDefinitions",
            {"RegistrationType": registration_type},
        )
    ]


def field_definitions_list(gw: Gateway, *, registration_type: str) -> list[FieldDef]:
    return [
        catalog.field_from_aws(raw)
        for raw in gw.pages(
            "DescribeRegistrationFieldDefinitions",
            "RegistrationFieldDefinitions",
            {"RegistrationType": registration_type},
        )
    ]


# --- Registrations --------------------------------------------------------------------------


def registration_create(
    gw: Gateway, *, registration_type: str, client_token: str, name: str
) -> RegistrationCreated:
    response = gw.call(
        "CreateRegistration",
        {
            "RegistrationType": registration_type,
            "ClientToken": client_token,
            "Tags": [{"Key": "Name", "Value": name}],
        },
    )
    return RegistrationCreated(
        id=response["RegistrationId"],
        arn=response["RegistrationArn"],
        version=response["CurrentVersionNumber"],
        status=response["RegistrationStatus"],
    )


def registration_version_create(gw: Gateway, *, registration_id: str) -> int:
    """The new version's number."""
    response = gw.call("CreateRegistrationVersion", {"RegistrationId": registration_id})
    return response["VersionNumber"]


def registration_version_discard(gw: Gateway, *, registration_id: str) -> VersionState:
    """Discards the current version (AWS allows it only while that version is SUBMITTED)."""
    response = gw.call("DiscardRegistrationVersion", {"RegistrationId": registration_id})
    return VersionState(
        number=response["VersionNumber"], status=response["RegistrationVersionStatus"]
    )


def registration_delete(gw: Gateway, *, registration_id: str) -> RegistrationState:
    """Deletes the registration at AWS for good (DeleteRegistration)."""
    return _registration(gw.call("DeleteRegistration", {"RegistrationId": registration_id}))


def _registration(r: dict) -> RegistrationState:
    return RegistrationState(
        id=r["RegistrationId"],
        status=r["RegistrationStatus"],
        current_version=r["CurrentVersionNumber"],
        approved_version=r.get("ApprovedVersionNumber"),
        denied_version=r.get("LatestDeniedVersionNumber"),
    )


def registrations_list(gw: Gateway, *, statuses: list[str]) -> list[RegistrationState]:
    """Every registration of the account in one of `statuses`, 100 a call
    (DescribeRegistrations with a status filter)."""
    items = gw.pages(
        "DescribeRegistrations",
        "Registrations",
        {
            "MaxResults": 100,
            "Filters": [{"Name": "registration-status", "Values": statuses}],
        },
    )
    return [_registration(r) for r in items]


def registrations_describe(gw: Gateway, *, registration_ids: list[str]) -> list[RegistrationState]:
    """The given registrations, 5 a call (the API's limit); unknown ids are left out."""
    found = []
    for start in range(0, len(registration_ids), 5):
        batch = registration_ids[start : start + 5]
        try:
            items = gw.pages("DescribeRegistrations", "Registrations", {"RegistrationIds": batch})
        except NotFoundError:
            items = []
            for rid in batch:  # one missing id fails the batch: find the others alone
                try:
                    items += gw.call("DescribeRegistrations", {"RegistrationIds": [rid]})[
                        "Registrations"
                    ]
                except NotFoundError:
                    continue
        found += [_registration(r) for r in items]
    return found


def registration_versions_describe(
    gw: Gateway, *, registration_id: str, numbers: list[int] | None = None
) -> list[VersionState]:
    params: dict = {"RegistrationId": registration_id}
    if numbers:
        params["VersionNumbers"] = numbers
    return [
        VersionState(
            number=v["VersionNumber"],
            status=v["RegistrationVersionStatus"],
            denied_reasons=tuple(
                DeniedReason(
                    reason=d.get("Reason", ""),
                    short=d.get("ShortDescription", ""),
                    long=d.get("LongDescription", ""),
                    doc_title=d.get("DocumentationTitle", ""),
                    doc_link=d.get("DocumentationLink", ""),
                )
                for d in v.get("DeniedReasons", [])
            ),
            feedback=v.get("Feedback", ""),
        )
        for v in gw.pages("DescribeRegistrationVersions", "RegistrationVersions", params)
    ]


def field_values_describe(
    gw: Gateway, *, registration_id: str, version: int | None = None
) -> dict[str, RemoteValue]:
    """The values AWS holds for a version (the latest without `version`), by field path."""
    params: dict = {"RegistrationId": registration_id}
    if version is not None:
        params["VersionNumber"] = version
    return {
        v["FieldPath"]: RemoteValue(
            text=v.get("TextValue"),
            choices=v.get("SelectChoices"),
            attachment=v.get("RegistrationAttachmentId"),
            denied_reason=v.get("DeniedReason", ""),
            feedback=v.get("Feedback", ""),
        )
        for v in gw.pages("DescribeRegistrationFieldValues", "RegistrationFieldValues", params)
    }


def field_value_put(
    gw: Gateway,
    *,
    registration_id: str,
    field_path: str,
    text: str | None = None,
    choices: list[str] | None = None,
    attachment_id: str | None = None,
) -> None:
    params: dict = {"RegistrationId": registration_id, "FieldPath": field_path}
    if attachment_id is not None:
        params["RegistrationAttachmentId"] = attachment_id
    elif choices is not None:
        params["SelectChoices"] = choices
    else:
        params["TextValue"] = text or ""
    gw.call("PutRegistrationFieldValue", params)


def registration_version_submit(
    gw: Gateway, *, registration_id: str, aws_review: bool = False
) -> VersionSubmitted:
    response = gw.call(
        "SubmitRegistrationVersion",
        {"RegistrationId": registration_id, "AwsReview": aws_review},
    )
    return VersionSubmitted(
        version=response["VersionNumber"], status=response["RegistrationVersionStatus"]
    )


def registration_association_create(
    gw: Gateway, *, registration_id: str, resource_id: str
) -> Association:
    response = gw.call(
        "CreateRegistrationAssociation",
        {"RegistrationId": registration_id, "ResourceId": resource_id},
    )
    return Association(resource_id=response["ResourceId"], resource_type=response["ResourceType"])


def registration_associations_list(gw: Gateway, *, registration_id: str) -> list[Association]:
    return [
        Association(
            resource_id=a["ResourceId"],
            resource_type=a["ResourceType"],
            phone_number=a.get("PhoneNumber", ""),
            country=a.get("IsoCountryCode", ""),
        )
        for a in gw.pages(
            "ListRegistrationAssociations",
            "RegistrationAssociations",
            {"RegistrationId": registration_id},
        )
    ]


# --- Attachments ----------------------------------------------------------------------------


def attachment_create(gw: Gateway, *, body: bytes, client_token: str) -> Attachment:
    response = gw.call(
        "CreateRegistrationAttachment", {"AttachmentBody": body, "ClientToken": client_token}
    )
    return Attachment(id=response["RegistrationAttachmentId"], status=response["AttachmentStatus"])


def attachment_status(gw: Gateway, *, attachment_id: str) -> str:
    response = gw.call(
        "DescribeRegistrationAttachments", {"RegistrationAttachmentIds": [attachment_id]}
    )
    return response["RegistrationAttachments"][0]["AttachmentStatus"]


# --- Numbers --------------------------------------------------------------------------------


def phone_number_request(
    gw: Gateway,
    *,
    country: str,
    number_type: str,
    client_token: str,
    registration_id: str | None = None,
    message_type: str = "TRANSACTIONAL",
) -> PhoneNumber:
    params: dict = {
        "IsoCountryCode": country,
        "MessageType": message_type,
        "NumberCapabilities": ["SMS"],
        "NumberType": number_type,
        "ClientToken": client_token,
    }
    if registration_id:
        params["RegistrationId"] = registration_id
    response = gw.call("RequestPhoneNumber", params)
    return PhoneNumber(
        id=response["PhoneNumberId"],
        number=response["PhoneNumber"],
        status=response["Status"],
        arn=response["PhoneNumberArn"],
    )


def phone_number_describe(gw: Gateway, *, phone_number_id: str) -> PhoneNumber | None:
    found = gw.call("DescribePhoneNumbers", {"PhoneNumberIds": [phone_number_id]})["PhoneNumbers"]
    if not found:
        return None
    n = found[0]
    return PhoneNumber(
        id=n["PhoneNumberId"],
        number=n.get("PhoneNumber", ""),
        status=n["Status"],
        arn=n.get("PhoneNumberArn", ""),
        country=n.get("IsoCountryCode", ""),
    )


# --- Sender IDs -------------------------------------------------------------------------------


def _sender_id(item: dict) -> SenderId:
    return SenderId(
        sender_id=item["SenderId"],
        country=item["IsoCountryCode"],
        arn=item.get("SenderIdArn", ""),
        registered=bool(item.get("Registered")),
        message_types=tuple(item.get("MessageTypes") or ()),
    )


def sender_id_request(
    gw: Gateway,
    *,
    sender_id: str,
    country: str,
    client_token: str,
    message_types: tuple[str, ...] = ("TRANSACTIONAL",),
    tags: dict[str, str] | None = None,
) -> SenderId:
    """RequestSenderId: the model has no registration parameter; a sender ID that needs one is
    associated with its registration afterwards (CreateRegistrationAssociation)."""
    params: dict = {
        "SenderId": sender_id,
        "IsoCountryCode": country,
        "MessageTypes": list(message_types),
        "ClientToken": client_token,
    }
    if tags:
        params["Tags"] = [{"Key": k, "Value": v} for k, v in sorted(tags.items())]
    return _sender_id(gw.call("RequestSenderId", params))


def sender_id_describe(gw: Gateway, *, sender_id: str, country: str) -> SenderId | None:
    try:
        found = gw.call(
            "DescribeSenderIds",
            {"SenderIds": [{"SenderId": sender_id, "IsoCountryCode": country}]},
        )["SenderIds"]
    except NotFoundError:
        return None
    return _sender_id(found[0]) if found else None


# --- Sending (data plane) ---------------------------------------------------------------------


def text_message_send(
    gw: Gateway,
    *,
    destination: str,
    body: str,
    origination_identity: str,
    message_type: str,
    configuration_set: str = "",
    context: dict[str, str] | None = None,
    india_entity_id: str = "",
    india_template_id: str = "",
) -> str:
    """AWS's message id. One attempt (the caller retries throttling on its own schedule and
    spaces sends with its own limiter), and no AWS call log: messages keep their own record.
    A refusal's `reason` (e.g. DESTINATION_PHONE_NUMBER_OPTED_OUT) is on the error."""
    params: dict = {
        "DestinationPhoneNumber": destination,
        "OriginationIdentity": origination_identity,
        "MessageBody": body,
        "MessageType": message_type,
    }
    if configuration_set:
        params["ConfigurationSetName"] = configuration_set
    if context:
        params["Context"] = context
    # India's DLT registration: "used when you send messages to recipients in India using a
    # sender ID"; omitted otherwise.
    india = {"IN_ENTITY_ID": india_entity_id, "IN_TEMPLATE_ID": india_template_id}
    if any(india.values()):
        params["DestinationCountryParameters"] = {k: v for k, v in india.items() if v}
    return gw.call("SendTextMessage", params, attempts=1, logged=False)["MessageId"]


# --- Opt-out lists ----------------------------------------------------------------------------


def opt_out_list_exists(gw: Gateway, *, name: str) -> bool:
    try:
        gw.call("DescribeOptOutLists", {"OptOutListNames": [name]})
    except NotFoundError:
        return False
    return True


def opt_out_list_create(gw: Gateway, *, name: str, client_token: str | None = None) -> None:
    params: dict = {"OptOutListName": name}
    if client_token:
        params["ClientToken"] = client_token
    gw.call("CreateOptOutList", params)


def _opted_out(n: dict) -> OptedOutNumber:
    return OptedOutNumber(
        number=n["OptedOutNumber"],
        at=n.get("OptedOutTimestamp"),
        end_user=bool(n.get("EndUserOptedOut")),
    )


def opted_out_numbers_list(
    gw: Gateway, *, opt_out_list: str, numbers: list[str] | None = None
) -> list[OptedOutNumber]:
    """Every entry of the list, or only those of `numbers`."""
    params: dict = {"OptOutListName": opt_out_list}
    if numbers:
        params["OptedOutNumbers"] = numbers
    return [_opted_out(n) for n in gw.pages("DescribeOptedOutNumbers", "OptedOutNumbers", params)]


def opted_out_number_put(gw: Gateway, *, opt_out_list: str, number: str) -> None:
    gw.call("PutOptedOutNumber", {"OptOutListName": opt_out_list, "OptedOutNumber": number})


def opted_out_number_delete(gw: Gateway, *, opt_out_list: str, number: str) -> None:
    gw.call("DeleteOptedOutNumber", {"OptOutListName": opt_out_list, "OptedOutNumber": number})


# --- Pools ------------------------------------------------------------------------------------


def pool_create(
    gw: Gateway,
    *,
    origination_identity: str,
    country: str,
    client_token: str,
    message_type: str = "TRANSACTIONAL",
) -> str:
    """The new pool's id."""
    response = gw.call(
        "CreatePool",
        {
            "OriginationIdentity": origination_identity,
            "MessageType": message_type,
            "IsoCountryCode": country,
            "ClientToken": client_token,
        },
    )
    return response["PoolId"]


def pool_origination_identities_list(gw: Gateway, *, pool_id: str) -> set[str]:
    """The identities (ids or ARNs, as AWS names them) in the pool."""
    return {
        item["OriginationIdentity"]
        for item in gw.pages(
            "ListPoolOriginationIdentities", "OriginationIdentities", {"PoolId": pool_id}
        )
    }


def pool_origination_identity_associate(
    gw: Gateway, *, pool_id: str, origination_identity: str, country: str
) -> None:
    gw.call(
        "AssociateOriginationIdentity",
        {
            "PoolId": pool_id,
            "OriginationIdentity": origination_identity,
            "IsoCountryCode": country,
        },
    )


# --- Configuration sets and keywords ----------------------------------------------------------


def configuration_set_describe(gw: Gateway, *, name: str) -> ConfigurationSet | None:
    """The configuration set and the names of its event destinations; None when absent."""
    try:
        found = gw.call("DescribeConfigurationSets", {"ConfigurationSetNames": [name]})
    except NotFoundError:
        return None
    item = found["ConfigurationSets"][0]
    return ConfigurationSet(
        name=item["ConfigurationSetName"],
        event_destinations=tuple(
            d["EventDestinationName"] for d in item.get("EventDestinations", [])
        ),
    )


def configuration_set_create(gw: Gateway, *, name: str, client_token: str | None = None) -> None:
    params: dict = {"ConfigurationSetName": name}
    if client_token:
        params["ClientToken"] = client_token
    gw.call("CreateConfigurationSet", params)


def event_destination_create(
    gw: Gateway,
    *,
    configuration_set: str,
    name: str,
    topic_arn: str,
    event_types: tuple[str, ...] = ("ALL",),
) -> None:
    """An event destination sending the configuration set's events to an SNS topic."""
    gw.call(
        "CreateEventDestination",
        {
            "ConfigurationSetName": configuration_set,
            "EventDestinationName": name,
            "MatchingEventTypes": list(event_types),
            "SnsDestination": {"TopicArn": topic_arn},
        },
    )


def event_destination_topic_set(
    gw: Gateway, *, configuration_set: str, name: str, topic_arn: str
) -> None:
    """Points an existing event destination at another SNS topic (the account's topic
    changed)."""
    gw.call(
        "UpdateEventDestination",
        {
            "ConfigurationSetName": configuration_set,
            "EventDestinationName": name,
            "SnsDestination": {"TopicArn": topic_arn},
        },
    )


# --- Protect configurations -------------------------------------------------------------------


def protect_configuration_create(gw: Gateway, *, client_token: str) -> str:
    """The new protect configuration's id."""
    response = gw.call("CreateProtectConfiguration", {"ClientToken": client_token})
    return response["ProtectConfigurationId"]


def protect_configuration_associate(
    gw: Gateway, *, protect_configuration_id: str, configuration_set: str
) -> None:
    gw.call(
        "AssociateProtectConfiguration",
        {
            "ConfigurationSetName": configuration_set,
            "ProtectConfigurationId": protect_configuration_id,
        },
    )


# --- Pools by AWS's rules, keywords on pools, protect rules (issue 19) -------------------------


def _origination_settings(item: dict) -> OriginationSettings:
    return OriginationSettings(
        opt_out_list=item.get("OptOutListName", "Default"),
        two_way=bool(item.get("TwoWayEnabled")),
        two_way_channel=item.get("TwoWayChannelArn", ""),
        self_managed_opt_outs=bool(item.get("SelfManagedOptOutsEnabled")),
        pool_id=item.get("PoolId", ""),
    )


def phone_number_settings(gw: Gateway, *, phone_number_id: str) -> OriginationSettings | None:
    """A number's opt-out list, two-way and self-managed opt-out settings, and its pool."""
    found = gw.call("DescribePhoneNumbers", {"PhoneNumberIds": [phone_number_id]})["PhoneNumbers"]
    return _origination_settings(found[0]) if found else None


def phone_number_settings_update(
    gw: Gateway, *, phone_number_id: str, settings: OriginationSettings
) -> None:
    """Gives a number that is in no pool the given settings (AWS refuses a pooled number:
    its settings change through the pool)."""
    params: dict = {
        "PhoneNumberId": phone_number_id,
        "OptOutListName": settings.opt_out_list,
        "SelfManagedOptOutsEnabled": settings.self_managed_opt_outs,
        "TwoWayEnabled": settings.two_way,
    }
    if settings.two_way_channel:
        params["TwoWayChannelArn"] = settings.two_way_channel
    gw.call("UpdatePhoneNumber", params)


def pool_settings(gw: Gateway, *, pool_id: str) -> OriginationSettings | None:
    try:
        found = gw.call("DescribePools", {"PoolIds": [pool_id]})["Pools"]
    except NotFoundError:
        return None
    return _origination_settings(found[0]) if found else None


def pool_settings_update(gw: Gateway, *, pool_id: str, settings: OriginationSettings) -> None:
    """The pool's opt-out list, two-way and self-managed opt-outs; shared routes off."""
    params: dict = {
        "PoolId": pool_id,
        "OptOutListName": settings.opt_out_list,
        "SelfManagedOptOutsEnabled": settings.self_managed_opt_outs,
        "SharedRoutesEnabled": False,
        "TwoWayEnabled": settings.two_way,
    }
    if settings.two_way_channel:
        params["TwoWayChannelArn"] = settings.two_way_channel
    gw.call("UpdatePool", params)


def keywords_describe(gw: Gateway, *, origination_identity: str) -> dict[str, Keyword]:
    """The keywords of a phone number or pool, by upper-case keyword."""
    return {
        item["Keyword"].upper(): Keyword(
            keyword=item["Keyword"], message=item["KeywordMessage"], action=item["KeywordAction"]
        )
        for item in gw.pages(
            "DescribeKeywords", "Keywords", {"OriginationIdentity": origination_identity}
        )
    }


def keyword_set(gw: Gateway, *, origination_identity: str, keyword: Keyword) -> None:
    """PutKeyword with its action (AUTOMATIC_RESPONSE, OPT_OUT or OPT_IN)."""
    gw.call(
        "PutKeyword",
        {
            "OriginationIdentity": origination_identity,
            "Keyword": keyword.keyword,
            "KeywordMessage": keyword.message,
            "KeywordAction": keyword.action,
        },
    )


def protect_configuration_rules(gw: Gateway, *, protect_configuration_id: str) -> dict[str, str]:
    """The SMS country rule set: ISO code -> ALLOW, BLOCK, MONITOR or FILTER."""
    answer = gw.call(
        "GetProtectConfigurationCountryRuleSet",
        {"ProtectConfigurationId": protect_configuration_id, "NumberCapability": "SMS"},
    )
    return {iso: rule["ProtectStatus"] for iso, rule in answer["CountryRuleSet"].items()}


# UpdateProtectConfigurationCountryRuleSet takes at most 300 countries a call (the model's max).
RULE_SET_UPDATE_MAX = 300


def protect_configuration_rules_update(
    gw: Gateway, *, protect_configuration_id: str, rules: dict[str, str]
) -> None:
    """Sets the SMS status of each country in `rules` (in calls of at most 300 countries)."""
    items = sorted(rules.items())
    for start in range(0, len(items), RULE_SET_UPDATE_MAX):
        gw.call(
            "UpdateProtectConfigurationCountryRuleSet",
            {
                "ProtectConfigurationId": protect_configuration_id,
                "NumberCapability": "SMS",
                "CountryRuleSetUpdates": {
                    iso: {"ProtectStatus": status}
                    for iso, status in items[start : start + RULE_SET_UPDATE_MAX]
                },
            },
        )


def protect_configuration_is_account_default(gw: Gateway, *, protect_configuration_id: str) -> bool:
    found = gw.call(
        "DescribeProtectConfigurations", {"ProtectConfigurationIds": [protect_configuration_id]}
    )["ProtectConfigurations"]
    return bool(found and found[0].get("AccountDefault"))


def protect_configuration_account_default_set(
    gw: Gateway, *, protect_configuration_id: str
) -> None:
    """Makes the protect configuration the account default (it replaces the current one)."""
    gw.call(
        "SetAccountDefaultProtectConfiguration",
        {"ProtectConfigurationId": protect_configuration_id},
    )


# --- Phone numbers in the account ---------------------------------------------------------------


def phone_numbers_list(gw: Gateway, *, number_type: str) -> list[PhoneNumber]:
    """Every phone number of one type in the account (a short code appears here once AWS
    Support has obtained it)."""
    return [
        PhoneNumber(
            id=raw["PhoneNumberId"],
            number=raw["PhoneNumber"],
            status=raw["Status"],
            arn=raw.get("PhoneNumberArn", ""),
            country=raw.get("IsoCountryCode", ""),
        )
        for raw in gw.pages(
            "DescribePhoneNumbers",
            "PhoneNumbers",
            {"Filters": [{"Name": "number-type", "Values": [number_type]}]},
        )
    ]
