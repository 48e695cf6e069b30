"""Opt-out lists, keywords, configuration sets, protect configurations, spend limits, account
attributes and tags."""

from __future__ import annotations

import pytest

SIMULATOR = dict(
    IsoCountryCode="US",
    MessageType="TRANSACTIONAL",
    NumberCapabilities=["SMS"],
    NumberType="SIMULATOR",
)


def _reason(err) -> str:
    return err.value.response["Reason"]


def test_opt_out_lists_and_numbers(client):
    made = client.create_opt_out_list(OptOutListName="tenant-a")
    assert made["OptOutListArn"].endswith(":opt-out-list/tenant-a")
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.create_opt_out_list(OptOutListName="tenant-a")
    assert _reason(err) == "RESOURCE_ALREADY_EXISTS"
    names = [o["OptOutListName"] for o in client.describe_opt_out_lists()["OptOutLists"]]
    assert names == ["Default", "tenant-a"]
    put = client.put_opted_out_number(OptOutListName="tenant-a", OptedOutNumber="+12065550142")
    assert (put["OptedOutNumber"], put["EndUserOptedOut"]) == ("+12065550142", False)
    client.put_opted_out_number(OptOutListName="tenant-a", OptedOutNumber="+12065550143")
    listed = client.describe_opted_out_numbers(
        OptOutListName="tenant-a", OptedOutNumbers=["+12065550143"]
    )
    assert [n["OptedOutNumber"] for n in listed["OptedOutNumbers"]] == ["+12065550143"]
    assert (
        client.describe_opted_out_numbers(
            OptOutListName="tenant-a", Filters=[{"Name": "end-user-opted-out", "Values": ["true"]}]
        )["OptedOutNumbers"]
        == []
    )
    with pytest.raises(client.exceptions.ValidationException) as err:
        client.put_opted_out_number(OptOutListName="tenant-a", OptedOutNumber="12065550142")
    assert _reason(err) == "CANNOT_ADD_OPTED_OUT_NUMBER"
    client.delete_opted_out_number(OptOutListName="tenant-a", OptedOutNumber="+12065550142")
    with pytest.raises(client.exceptions.ResourceNotFoundException) as err:
        client.delete_opted_out_number(OptOutListName="tenant-a", OptedOutNumber="+12065550142")
    assert err.value.response["ResourceType"] == "opted-out-number"
    number = client.request_phone_number(**SIMULATOR, OptOutListName="tenant-a")
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.delete_opt_out_list(OptOutListName="tenant-a")
    assert _reason(err) == "RESOURCE_DELETION_NOT_ALLOWED"
    client.release_phone_number(PhoneNumberId=number["PhoneNumberId"])
    assert client.delete_opt_out_list(OptOutListName="tenant-a")["OptOutListName"] == "tenant-a"


def test_a_number_leaves_an_opt_out_list_once_every_30_days(client):
    """AWS: each destination number can be deleted from a list once every 30 days."""
    client.create_opt_out_list(OptOutListName="tenant-b")
    kwargs = {"OptOutListName": "tenant-b", "OptedOutNumber": "+12065550144"}
    client.put_opted_out_number(**kwargs)
    client.delete_opted_out_number(**kwargs)
    client.put_opted_out_number(**kwargs)  # opted out again: allowed
    with pytest.raises(client.exceptions.ValidationException) as err:
        client.delete_opted_out_number(**kwargs)
    assert _reason(err) == "PHONE_NUMBER_CANNOT_BE_OPTED_IN"
    listed = client.describe_opted_out_numbers(OptOutListName="tenant-b")["OptedOutNumbers"]
    assert [n["OptedOutNumber"] for n in listed] == ["+12065550144"]
    other = {"OptOutListName": "tenant-b", "OptedOutNumber": "+12065550145"}
    client.put_opted_out_number(**other)
    client.delete_opted_out_number(**other)  # the limit is per number


def test_keywords(client):
    number = client.request_phone_number(**SIMULATOR)
    pid = number["PhoneNumberId"]
    defaults = client.describe_keywords(OriginationIdentity=pid)
    assert sorted(k["Keyword"] for k in defaults["Keywords"]) == ["HELP", "STOP"]
    assert defaults["OriginationIdentityArn"] == number["PhoneNumberArn"]
    put = client.put_keyword(
        OriginationIdentity=pid,
        Keyword="JOIN",
        KeywordAction="OPT_IN",
        KeywordMessage="Welcome back to Example Corp alerts.",
    )
    assert put["KeywordAction"] == "OPT_IN"
    opt_in = client.describe_keywords(
        OriginationIdentity=pid, Filters=[{"Name": "keyword-action", "Values": ["OPT_IN"]}]
    )["Keywords"]
    assert [k["Keyword"] for k in opt_in] == ["JOIN"]
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.delete_keyword(OriginationIdentity=pid, Keyword="STOP")
    assert _reason(err) == "KEYWORD_MISMATCH"
    assert client.delete_keyword(OriginationIdentity=pid, Keyword="join")["Keyword"] == "JOIN"
    for i in range(28):
        client.put_keyword(OriginationIdentity=pid, Keyword=f"K{i}", KeywordMessage="m")
    with pytest.raises(client.exceptions.ServiceQuotaExceededException) as err:
        client.put_keyword(OriginationIdentity=pid, Keyword="ONEMORE", KeywordMessage="m")
    assert _reason(err) == "KEYWORDS_PER_PHONE_NUMBER"
    # CreatePool: "The new pool inherits its configuration from the specified origination
    # identity. This includes keywords ..."
    pool = client.create_pool(
        OriginationIdentity=pid, IsoCountryCode="US", MessageType="TRANSACTIONAL"
    )
    pages = client.get_paginator("describe_keywords").paginate(OriginationIdentity=pool["PoolArn"])
    inherited = [k for page in pages for k in page["Keywords"]]
    assert sorted(k["Keyword"] for k in inherited) == sorted(
        ["HELP", "STOP"] + [f"K{i}" for i in range(28)]
    )
    other = client.request_phone_number(**SIMULATOR)["PhoneNumberId"]
    pool = client.create_pool(
        OriginationIdentity=other, IsoCountryCode="US", MessageType="TRANSACTIONAL"
    )
    client.put_keyword(OriginationIdentity=pool["PoolId"], Keyword="INFO", KeywordMessage="i")
    assert [
        k["Keyword"]
        for k in client.describe_keywords(OriginationIdentity=pool["PoolArn"])["Keywords"]
    ] == ["HELP", "STOP", "INFO"]


def test_configuration_sets_and_event_destinations(client):
    made = client.create_configuration_set(ConfigurationSetName="tenant-a")
    assert made["ConfigurationSetArn"].endswith(":configuration-set/tenant-a")
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.create_configuration_set(ConfigurationSetName="tenant-a")
    assert _reason(err) == "RESOURCE_ALREADY_EXISTS"
    topic = {"TopicArn": "arn:aws:sns:us-east-1:123456789012:delivery"}
    dest = client.create_event_destination(
        ConfigurationSetName="tenant-a",
        EventDestinationName="portal",
        MatchingEventTypes=["TEXT_ALL"],
        SnsDestination=topic,
    )["EventDestination"]
    assert dest == {
        "EventDestinationName": "portal",
        "Enabled": True,
        "MatchingEventTypes": ["TEXT_ALL"],
        "SnsDestination": topic,
    }
    cases = [
        (dict(MatchingEventTypes=["TEXT_SENT"], SnsDestination=topic), "INVALID_PARAMETER"),
        (dict(MatchingEventTypes=["ALL"]), "MISSING_PARAMETER"),
        (
            dict(
                MatchingEventTypes=["ALL"],
                SnsDestination=topic,
                CloudWatchLogsDestination={
                    "IamRoleArn": "arn:aws:iam::123456789012:role/x",
                    "LogGroupArn": "arn:aws:logs:us-east-1:123456789012:log-group:x",
                },
            ),
            "PARAMETERS_CANNOT_BE_USED_TOGETHER",
        ),
    ]
    for kwargs, reason in cases:
        with pytest.raises(client.exceptions.ValidationException) as err:
            client.create_event_destination(
                ConfigurationSetName="tenant-a", EventDestinationName="x", **kwargs
            )
        assert _reason(err) == reason
    with pytest.raises(client.exceptions.ValidationException):
        client.create_event_destination(
            ConfigurationSetName="tenant-a",
            EventDestinationName="x",
            MatchingEventTypes=["TEXT_FAILED"],
            SnsDestination=topic,
        )
    for i in range(4):
        client.create_event_destination(
            ConfigurationSetName="tenant-a",
            EventDestinationName=f"d{i}",
            MatchingEventTypes=["ALL"],
            SnsDestination=topic,
        )
    with pytest.raises(client.exceptions.ServiceQuotaExceededException) as err:
        client.create_event_destination(
            ConfigurationSetName="tenant-a",
            EventDestinationName="d9",
            MatchingEventTypes=["ALL"],
            SnsDestination=topic,
        )
    assert _reason(err) == "EVENT_DESTINATIONS_PER_CONFIGURATION_SET"
    updated = client.update_event_destination(
        ConfigurationSetName="tenant-a",
        EventDestinationName="portal",
        Enabled=False,
        MatchingEventTypes=["TEXT_DELIVERED"],
    )
    assert (
        updated["EventDestination"]["Enabled"],
        updated["EventDestination"]["MatchingEventTypes"],
    ) == (False, ["TEXT_DELIVERED"])
    client.delete_event_destination(ConfigurationSetName="tenant-a", EventDestinationName="d0")
    client.set_default_message_type(ConfigurationSetName="tenant-a", MessageType="PROMOTIONAL")
    client.set_default_sender_id(ConfigurationSetName="tenant-a", SenderId="EXAMPLE")
    found = client.describe_configuration_sets(
        Filters=[{"Name": "event-destination-name", "Values": ["portal"]}]
    )["ConfigurationSets"]
    assert [
        (
            c["ConfigurationSetName"],
            len(c["EventDestinations"]),
            c["DefaultMessageType"],
            c["DefaultSenderId"],
        )
        for c in found
    ] == [("tenant-a", 4, "PROMOTIONAL", "EXAMPLE")]
    assert (
        client.delete_configuration_set(ConfigurationSetName="tenant-a")["ConfigurationSetName"]
        == "tenant-a"
    )
    with pytest.raises(client.exceptions.ResourceNotFoundException) as err:
        client.describe_configuration_sets(ConfigurationSetNames=["tenant-a"])
    assert err.value.response["ResourceType"] == "configuration-set"


def test_protect_configurations_and_country_rules(client):
    made = client.create_protect_configuration(DeletionProtectionEnabled=True)
    pid = made["ProtectConfigurationId"]
    assert pid.startswith("protect-") and made["AccountDefault"] is False
    rules = client.get_protect_configuration_country_rule_set(
        ProtectConfigurationId=pid, NumberCapability="SMS"
    )
    assert rules["CountryRuleSet"]["US"] == {"ProtectStatus": "ALLOW"}
    assert len(rules["CountryRuleSet"]) > 100
    changed = client.update_protect_configuration_country_rule_set(
        ProtectConfigurationId=pid,
        NumberCapability="SMS",
        CountryRuleSetUpdates={
            "NG": {"ProtectStatus": "BLOCK"},
            "GB": {"ProtectStatus": "MONITOR"},
        },
    )
    assert changed["CountryRuleSet"]["NG"] == {"ProtectStatus": "BLOCK"}
    assert changed["CountryRuleSet"]["GB"] == {"ProtectStatus": "MONITOR"}
    client.create_configuration_set(ConfigurationSetName="tenant-a")
    linked = client.associate_protect_configuration(
        ProtectConfigurationId=pid, ConfigurationSetName="tenant-a"
    )
    assert linked["ProtectConfigurationId"] == pid
    # AWS: associating "replaces the configuration sets current protect configuration".
    other = client.create_protect_configuration()["ProtectConfigurationId"]
    client.associate_protect_configuration(
        ProtectConfigurationId=other, ConfigurationSetName="tenant-a"
    )
    described = client.describe_configuration_sets(ConfigurationSetNames=["tenant-a"])
    assert described["ConfigurationSets"][0]["ProtectConfigurationId"] == other
    client.associate_protect_configuration(
        ProtectConfigurationId=pid, ConfigurationSetName="tenant-a"
    )
    client.set_account_default_protect_configuration(ProtectConfigurationId=pid)
    attributes = {
        a["Name"]: a["Value"] for a in client.describe_account_attributes()["AccountAttributes"]
    }
    assert attributes == {"ACCOUNT_TIER": "PRODUCTION", "DEFAULT_PROTECT_CONFIGURATION_ID": pid}
    assert (
        client.describe_protect_configurations(
            Filters=[{"Name": "account-default", "Values": ["true"]}]
        )["ProtectConfigurations"][0]["ProtectConfigurationId"]
        == pid
    )
    client.update_protect_configuration(ProtectConfigurationId=pid, DeletionProtectionEnabled=False)
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.delete_protect_configuration(ProtectConfigurationId=pid)
    assert _reason(err) == "PROTECT_CONFIGURATION_IS_ACCOUNT_DEFAULT"
    client.delete_account_default_protect_configuration()
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.delete_protect_configuration(ProtectConfigurationId=pid)
    assert _reason(err) == "PROTECT_CONFIGURATION_ASSOCIATED_WITH_CONFIGURATION_SET"
    client.disassociate_protect_configuration(
        ProtectConfigurationId=pid, ConfigurationSetName="tenant-a"
    )
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.disassociate_protect_configuration(
            ProtectConfigurationId=pid, ConfigurationSetName="tenant-a"
        )
    assert _reason(err) == "PROTECT_CONFIGURATION_NOT_ASSOCIATED_WITH_CONFIGURATION_SET"
    assert (
        client.delete_protect_configuration(ProtectConfigurationId=pid)["ProtectConfigurationId"]
        == pid
    )


def test_spend_limits(client):
    limits = {s["Name"]: s for s in client.describe_spend_limits()["SpendLimits"]}
    assert limits["TEXT_MESSAGE_MONTHLY_SPEND_LIMIT"] == {
        "Name": "TEXT_MESSAGE_MONTHLY_SPEND_LIMIT",
        "EnforcedLimit": 100,
        "MaxLimit": 100,
        "Overridden": False,
    }
    assert client.set_text_message_spend_limit_override(MonthlyLimit=5)["MonthlyLimit"] == 5
    text = client.describe_spend_limits()["SpendLimits"][0]
    assert (text["EnforcedLimit"], text["Overridden"]) == (5, True)
    with pytest.raises(client.exceptions.ValidationException) as err:
        client.set_text_message_spend_limit_override(MonthlyLimit=1000)
    assert _reason(err) == "REQUESTED_SPEND_LIMIT_HIGHER_THAN_SERVICE_LIMIT"
    assert client.delete_text_message_spend_limit_override()["MonthlyLimit"] == 100
    assert client.describe_spend_limits()["SpendLimits"][0]["Overridden"] is False


def test_tags(client):
    reg = client.create_registration(
        RegistrationType="US_TOLL_FREE_REGISTRATION", Tags=[{"Key": "tenant", "Value": "a"}]
    )
    arn = reg["RegistrationArn"]
    client.tag_resource(
        ResourceArn=arn, Tags=[{"Key": "env", "Value": "dev"}, {"Key": "tenant", "Value": "b"}]
    )
    assert client.list_tags_for_resource(ResourceArn=arn)["Tags"] == [
        {"Key": "tenant", "Value": "b"},
        {"Key": "env", "Value": "dev"},
    ]
    client.untag_resource(ResourceArn=arn, TagKeys=["tenant"])
    assert client.list_tags_for_resource(ResourceArn=arn)["Tags"] == [
        {"Key": "env", "Value": "dev"}
    ]
    pool_number = client.request_phone_number(**SIMULATOR)
    client.tag_resource(
        ResourceArn=pool_number["PhoneNumberArn"], Tags=[{"Key": "k", "Value": "v"}]
    )
    assert (
        client.describe_phone_numbers()["PhoneNumbers"][0]["PhoneNumberArn"]
        == pool_number["PhoneNumberArn"]
    )
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.list_tags_for_resource(
            ResourceArn="arn:aws:sms-voice:us-east-1:123456789012:pool/pool-x"
        )
