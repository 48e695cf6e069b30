"""Every response is checked against its operation's output shape in the service model.

The session fixture records every successful response of the whole sandbox suite (this file
runs last); the flow below also calls every emulated operation once, so the walk covers all of
them even when this file runs alone.
"""

from __future__ import annotations

from sandbox.model import HANDLERS, operation
from sandbox.validator import check_output
from tests.sandbox import forms
from tests.sandbox.conftest import RESPONSES

SIM = dict(
    IsoCountryCode="US",
    MessageType="TRANSACTIONAL",
    NumberCapabilities=["SMS"],
    NumberType="SIMULATOR",
)


def _every_operation(client, control, app) -> None:
    for name in [
        t["RegistrationType"]
        for t in client.describe_registration_type_definitions(MaxResults=100)[
            "RegistrationTypeDefinitions"
        ]
    ]:
        client.describe_registration_section_definitions(RegistrationType=name)
        client.describe_registration_field_definitions(RegistrationType=name, MaxResults=100)
    made = forms.tfn_registration(client, forms.TFN_CARELESS)
    rid = made["id"]
    client.put_registration_field_value(
        RegistrationId=rid, FieldPath="companyInfo.address2", TextValue="Suite 100"
    )
    client.delete_registration_field_value(RegistrationId=rid, FieldPath="companyInfo.address2")
    client.submit_registration_version(RegistrationId=rid, AwsReview=True)
    client.describe_registration_field_values(RegistrationId=rid)
    client.create_registration_version(RegistrationId=rid)
    # Only a SUBMITTED version can be discarded: keep version 2 SUBMITTED while it is.
    control.call("PATCH", "/_sandbox/config", {"review_delay": 600})
    client.submit_registration_version(RegistrationId=rid)
    client.discard_registration_version(RegistrationId=rid)
    control.call("PATCH", "/_sandbox/config", {"review_delay": 0})
    client.describe_registration_versions(RegistrationId=rid)
    client.describe_registrations()
    client.list_registration_associations(RegistrationId=rid)
    brand = forms.approved_brand(client)
    campaign = client.create_registration(RegistrationType="US_TEN_DLC_CAMPAIGN_REGISTRATION")[
        "RegistrationId"
    ]
    client.create_registration_association(RegistrationId=campaign, ResourceId=brand)
    attachment = client.create_registration_attachment(AttachmentUrl="s3://bucket/a.pdf")
    client.describe_registration_attachments()
    client.delete_registration_attachment(
        RegistrationAttachmentId=attachment["RegistrationAttachmentId"]
    )
    client.delete_registration(RegistrationId=campaign)
    sim = client.request_phone_number(**SIM, Tags=[{"Key": "k", "Value": "v"}])
    other = client.request_phone_number(**SIM)
    client.update_phone_number(PhoneNumberId=sim["PhoneNumberId"], DeletionProtectionEnabled=False)
    client.describe_phone_numbers()
    client.request_sender_id(SenderId="EXAMPLE", IsoCountryCode="GB")
    client.update_sender_id(
        SenderId="EXAMPLE", IsoCountryCode="GB", DeletionProtectionEnabled=False
    )
    client.describe_sender_ids()
    client.release_sender_id(SenderId="EXAMPLE", IsoCountryCode="GB")
    pool = client.create_pool(
        OriginationIdentity=sim["PhoneNumberId"], MessageType="TRANSACTIONAL", IsoCountryCode="US"
    )["PoolId"]
    client.update_pool(PoolId=pool, SharedRoutesEnabled=False)
    client.associate_origination_identity(
        PoolId=pool, OriginationIdentity=other["PhoneNumberId"], IsoCountryCode="US"
    )
    client.list_pool_origination_identities(PoolId=pool)
    client.disassociate_origination_identity(
        PoolId=pool, IsoCountryCode="US", OriginationIdentity=other["PhoneNumberId"]
    )
    client.describe_pools()
    client.put_keyword(OriginationIdentity=pool, Keyword="INFO", KeywordMessage="Info")
    client.describe_keywords(OriginationIdentity=pool)
    client.delete_keyword(OriginationIdentity=pool, Keyword="INFO")
    client.delete_pool(PoolId=pool)
    client.create_opt_out_list(OptOutListName="list")
    client.put_opted_out_number(OptOutListName="list", OptedOutNumber="+12065550142")
    client.describe_opted_out_numbers(OptOutListName="list")
    client.delete_opted_out_number(OptOutListName="list", OptedOutNumber="+12065550142")
    client.describe_opt_out_lists()
    client.delete_opt_out_list(OptOutListName="list")
    client.create_configuration_set(ConfigurationSetName="set")
    client.create_event_destination(
        ConfigurationSetName="set",
        EventDestinationName="d",
        MatchingEventTypes=["ALL"],
        SnsDestination={"TopicArn": "arn:aws:sns:us-east-1:123456789012:t"},
    )
    client.update_event_destination(
        ConfigurationSetName="set", EventDestinationName="d", Enabled=True
    )
    client.set_default_message_type(ConfigurationSetName="set", MessageType="TRANSACTIONAL")
    client.set_default_sender_id(ConfigurationSetName="set", SenderId="EXAMPLE")
    protect = client.create_protect_configuration()["ProtectConfigurationId"]
    client.update_protect_configuration(
        ProtectConfigurationId=protect, DeletionProtectionEnabled=False
    )
    client.update_protect_configuration_country_rule_set(
        ProtectConfigurationId=protect,
        NumberCapability="SMS",
        CountryRuleSetUpdates={"FR": {"ProtectStatus": "MONITOR"}},
    )
    client.get_protect_configuration_country_rule_set(
        ProtectConfigurationId=protect, NumberCapability="SMS"
    )
    client.associate_protect_configuration(
        ProtectConfigurationId=protect, ConfigurationSetName="set"
    )
    client.send_text_message(
        DestinationPhoneNumber="+14254147755",
        MessageBody="Hi",
        OriginationIdentity=other["PhoneNumberArn"],
        ConfigurationSetName="set",
        Context={"k": "v"},
    )
    client.disassociate_protect_configuration(
        ProtectConfigurationId=protect, ConfigurationSetName="set"
    )
    client.set_account_default_protect_configuration(ProtectConfigurationId=protect)
    client.describe_protect_configurations()
    client.describe_account_attributes()
    client.delete_account_default_protect_configuration()
    client.delete_protect_configuration(ProtectConfigurationId=protect)
    client.delete_event_destination(ConfigurationSetName="set", EventDestinationName="d")
    client.describe_configuration_sets()
    client.delete_configuration_set(ConfigurationSetName="set")
    client.set_text_message_spend_limit_override(MonthlyLimit=10)
    client.describe_spend_limits()
    client.delete_text_message_spend_limit_override()
    client.describe_account_limits()
    client.tag_resource(ResourceArn=sim["PhoneNumberArn"], Tags=[{"Key": "a", "Value": "b"}])
    client.list_tags_for_resource(ResourceArn=sim["PhoneNumberArn"])
    client.untag_resource(ResourceArn=sim["PhoneNumberArn"], TagKeys=["a"])
    client.release_phone_number(PhoneNumberId=other["PhoneNumberId"])
    # the code goes out from an active number of the destination's country (the US simulator)
    verified = client.create_verified_destination_number(DestinationPhoneNumber="+12065550142")
    vid = verified["VerifiedDestinationNumberId"]
    sent = client.send_destination_number_verification_code(
        VerifiedDestinationNumberId=vid, VerificationChannel="TEXT"
    )
    code = next(
        m["VerificationCode"]
        for m in control.get("/_sandbox/messages")["messages"]
        if m["MessageId"] == sent["MessageId"]
    )
    client.verify_destination_number(VerifiedDestinationNumberId=vid, VerificationCode=code)
    client.describe_verified_destination_numbers()
    with app.store.lock:  # deletable 24 hours after it was added: a day passes
        app.store.get("verified-destination-number", "123456789012", vid)["CreatedTimestamp"] -= (
            24 * 3600
        )
    client.delete_verified_destination_number(VerifiedDestinationNumberId=vid)


def test_every_response_matches_its_output_shape(client, control, app):
    _every_operation(client, control, app)
    problems = []
    for name, body in RESPONSES:
        model = operation(name)
        for problem in check_output(model.output_shape, body):
            problems.append(f"{name}: {problem}")
    assert problems == []
    covered = {name for name, _ in RESPONSES}
    assert set(HANDLERS) - covered == set()
    assert len(RESPONSES) > 100


def test_the_walk_can_fail():
    shape = operation("CreateRegistration").output_shape
    assert check_output(
        shape,
        {
            "RegistrationId": "r",
            "RegistrationStatus": "NOPE",
            "CurrentVersionNumber": "1",
            "Extra": 1,
        },
    ) == [
        "<root>: missing required member RegistrationArn",
        "<root>: missing required member RegistrationType",
        "<root>: missing required member CreatedTimestamp",
        "RegistrationStatus: 'NOPE' is not in enum RegistrationStatus",
        "CurrentVersionNumber: expected integer",
        "<root>: unknown member Extra",
    ]
