"""The AWS account itself, as AWS End User Messaging SMS describes it: its tier (the SMS
sandbox or production), monthly spend limits, resource quotas, the verified destination
numbers a sandbox-tier account may send to, and the reads the go-live check makes. Each
function takes a `Gateway` and goes through `Gateway.call`; AWS's wire names stay here."""

from __future__ import annotations

from registrations.aws.errors import NotFoundError
from registrations.aws.gateway import Gateway
from registrations.aws.types import (
    AccountAttributes,
    AccountLimit,
    PoolState,
    SpendLimit,
    VerifiedNumber,
)


def account_attributes_get(gw: Gateway) -> AccountAttributes:
    found = {
        a["Name"]: a["Value"] for a in gw.pages("DescribeAccountAttributes", "AccountAttributes")
    }
    return AccountAttributes(
        tier=found.get("ACCOUNT_TIER", ""),
        default_protect_configuration_id=found.get("DEFAULT_PROTECT_CONFIGURATION_ID", ""),
    )


def spend_limits_list(gw: Gateway) -> list[SpendLimit]:
    return [
        SpendLimit(
            name=s["Name"],
            enforced=int(s["EnforcedLimit"]),
            maximum=int(s["MaxLimit"]),
            overridden=bool(s["Overridden"]),
        )
        for s in gw.pages("DescribeSpendLimits", "SpendLimits")
    ]


def account_limits_list(gw: Gateway) -> list[AccountLimit]:
    return [
        AccountLimit(name=a["Name"], used=int(a["Used"]), maximum=int(a["Max"]))
        for a in gw.pages("DescribeAccountLimits", "AccountLimits")
    ]


def _verified(v: dict) -> VerifiedNumber:
    return VerifiedNumber(
        id=v["VerifiedDestinationNumberId"],
        number=v["DestinationPhoneNumber"],
        status=v.get("Status", ""),
        created_at=v.get("CreatedTimestamp"),
    )


def verified_numbers_list(gw: Gateway) -> list[VerifiedNumber]:
    return [
        _verified(v)
        for v in gw.pages("DescribeVerifiedDestinationNumbers", "VerifiedDestinationNumbers")
    ]


def verified_number_create(gw: Gateway, *, number: str) -> VerifiedNumber:
    return _verified(gw.call("CreateVerifiedDestinationNumber", {"DestinationPhoneNumber": number}))


def verified_number_code_send(gw: Gateway, *, verified_number_id: str) -> str:
    """Sends the code by text message; AWS's message id."""
    response = gw.call(
        "SendDestinationNumberVerificationCode",
        {"VerifiedDestinationNumberId": verified_number_id, "VerificationChannel": "TEXT"},
    )
    return response["MessageId"]


def verified_number_verify(gw: Gateway, *, verified_number_id: str, code: str) -> VerifiedNumber:
    return _verified(
        gw.call(
            "VerifyDestinationNumber",
            {"VerifiedDestinationNumberId": verified_number_id, "VerificationCode": code},
        )
    )


def verified_number_delete(gw: Gateway, *, verified_number_id: str) -> None:
    gw.call("DeleteVerifiedDestinationNumber", {"VerifiedDestinationNumberId": verified_number_id})


# --- What the go-live check reads --------------------------------------------------------------


def pool_describe(gw: Gateway, *, pool_id: str) -> PoolState | None:
    try:
        found = gw.call("DescribePools", {"PoolIds": [pool_id]})["Pools"]
    except NotFoundError:
        return None
    if not found:
        return None
    pool = found[0]
    return PoolState(
        id=pool["PoolId"],
        opt_out_list=pool.get("OptOutListName", ""),
        shared_routes=bool(pool.get("SharedRoutesEnabled")),
    )


def event_destinations_enabled(gw: Gateway, *, configuration_set: str) -> dict[str, str]:
    """Enabled event destinations of a configuration set: name → SNS topic ARN ('' for others)."""
    try:
        found = gw.call("DescribeConfigurationSets", {"ConfigurationSetNames": [configuration_set]})
    except NotFoundError:
        return {}
    return {
        d["EventDestinationName"]: (d.get("SnsDestination") or {}).get("TopicArn", "")
        for item in found["ConfigurationSets"]
        for d in item.get("EventDestinations", [])
        if d.get("Enabled", True)
    }


def keywords_list(gw: Gateway, *, origination_identity: str) -> dict[str, tuple[str, str]]:
    """Keyword (upper case) → (its reply, its action) of an origination identity."""
    return {
        k["Keyword"].upper(): (k["KeywordMessage"], k["KeywordAction"])
        for k in gw.pages(
            "DescribeKeywords", "Keywords", {"OriginationIdentity": origination_identity}
        )
    }


def protect_country_rules(gw: Gateway, *, protect_configuration_id: str) -> dict[str, str]:
    """ISO country → ALLOW, BLOCK, MONITOR or FILTER, for SMS."""
    found = gw.call(
        "GetProtectConfigurationCountryRuleSet",
        {"ProtectConfigurationId": protect_configuration_id, "NumberCapability": "SMS"},
    )
    return {iso: rule["ProtectStatus"] for iso, rule in found["CountryRuleSet"].items()}


def protect_countries_block(
    gw: Gateway, *, protect_configuration_id: str, countries: list[str]
) -> None:
    gw.call(
        "UpdateProtectConfigurationCountryRuleSet",
        {
            "ProtectConfigurationId": protect_configuration_id,
            "NumberCapability": "SMS",
            "CountryRuleSetUpdates": {c: {"ProtectStatus": "BLOCK"} for c in countries},
        },
    )


def phone_number_opt_out_list(gw: Gateway, *, phone_number_id: str) -> str | None:
    """The opt-out list a phone number uses; None when AWS does not know the number."""
    try:
        found = gw.call("DescribePhoneNumbers", {"PhoneNumberIds": [phone_number_id]})
    except NotFoundError:
        return None
    numbers = found["PhoneNumbers"]
    return numbers[0].get("OptOutListName", "") if numbers else None
