"""The AWS account itself, as AWS End User Messaging SMS describes it: its tier (the SMS
sandbox or production), monthly spend limits, resource quotas, the verified destination
numbers a sandbox-tier account may send to, the reads the go-live check makes, and (Amazon
SNS) the portal's hooks subscribed to a tenant's own account's topics. Each
function takes a `Gateway` and goes through `Gateway.call`; AWS's wire names stay here."""

from __future__ import annotations

from registrations.aws.errors import NotFoundError
from registrations.aws.gateway import Gateway
from registrations.aws.types import (
    AccountAttributes,
    AccountLimit,
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


def topic_subscribe(gw: Gateway, *, topic_arn: str, endpoint: str) -> str:
    """Subscribes `endpoint` (one of the portal's SNS hooks) to a topic of the account, through
    Amazon SNS in the topic's own region; SNS then posts a SubscriptionConfirmation that the
    hook confirms. Returns the subscription's ARN (SNS gives it while still pending too)."""
    region = topic_arn.split(":")[3]
    protocol = endpoint.split("://", 1)[0]
    response = gw.sns(region).call(
        "Subscribe",
        {
            "TopicArn": topic_arn,
            "Protocol": protocol,
            "Endpoint": endpoint,
            "ReturnSubscriptionArn": True,
        },
    )
    return response.get("SubscriptionArn", "")


def topic_unsubscribe(gw: Gateway, *, subscription_arn: str) -> None:
    """Ends a subscription (of a topic the account no longer uses), in the topic's region."""
    gw.sns(subscription_arn.split(":")[3]).call(
        "Unsubscribe", {"SubscriptionArn": subscription_arn}
    )
