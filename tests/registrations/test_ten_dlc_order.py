"""10DLC in its real order and timing, and the AWS-side controls of the sending setup, against
the sandbox over HTTP (issue 19): a campaign sent before its brand (or the brand's chosen
vetting) is complete waits and reaches review by itself; a 10DLC number that AWS keeps PENDING
becomes ACTIVE later and is then used; keywords are the registration's own and the same on
every number of the pool; AWS itself refuses a country outside the tenant's allow-list."""

from __future__ import annotations

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from messaging.checks import ApiRefusal, tenant_state_forget
from messaging.dispatch import message_dispatch
from messaging.models import Message
from messaging.services import message_send, sending_policy_set
from registrations.aws import operations as aws
from registrations.aws.errors import AwsError
from registrations.aws.gateway import Gateway
from registrations.models import Registration, Sender, SendingSetup
from registrations.services import drafts, review, tracking
from registrations.services.provisioning import senders_recheck
from registrations.states import Status
from tests.registrations.test_engine import _draft, _submit_and_approve, _tfn_ready
from tests.sandbox import forms
from tests.sandbox.forms import BRAND_GOOD, CAMPAIGN_GOOD, PNG
from tests.waiting import wait_until

pytestmark = pytest.mark.django_db

BRAND = "US_TEN_DLC_BRAND_REGISTRATION"
VETTING = "US_TEN_DLC_BRAND_VETTING"
CAMPAIGN = "US_TEN_DLC_CAMPAIGN_REGISTRATION"
US_OK = "+14254147755"  # the AWS simulator's US success number


@pytest.fixture
def association_delay(sandbox):
    """Sets how long the sandbox keeps a 10DLC number PENDING / ASSOCIATING; back to 0 after."""

    def set_to(seconds: float) -> None:
        sandbox.request("PATCH", "/_sandbox/config", {"ten_dlc_association_delay": seconds})

    yield set_to
    set_to(0)


def _client(sandbox):
    return boto3.client(
        "pinpoint-sms-voice-v2",
        endpoint_url=sandbox.base_url,
        region_name="us-east-1",
        aws_access_key_id="sandbox",
        aws_secret_access_key="sandbox",
    )


def _complete_at_aws(registration, sandbox, capture) -> Registration:
    """AWS approves the submitted version; the reconciliation poll sees it (no manual step)."""
    sandbox.decide(registration.aws_registration_id, 1, "approve")
    with capture(execute=True):
        tracking.reconcile_pass(force=True)
    return Registration.objects.get(pk=registration.pk)


def _complete_brand(tenant, alice, sam, sandbox, capture) -> Registration:
    brand = _submit_and_approve(
        _draft(tenant, alice, BRAND, BRAND_GOOD), tenant, alice, sam, capture
    )
    brand = _complete_at_aws(brand, sandbox, capture)
    assert brand.status == Status.COMPLETE
    return brand


def _complete_campaign(tenant, alice, sam, sandbox, capture, brand, values=None) -> Registration:
    campaign = _draft(tenant, alice, CAMPAIGN, values or CAMPAIGN_GOOD, depends_on=brand)
    campaign = _submit_and_approve(campaign, tenant, alice, sam, capture)
    assert campaign.status == Status.SUBMITTED
    campaign = _complete_at_aws(campaign, sandbox, capture)
    assert campaign.status == Status.COMPLETE
    return campaign


def test_campaign_sent_before_its_brand_completes_reaches_review_by_itself(
    catalog, sandbox, tenant_a, alice, sam, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    brand = _draft(tenant_a, alice, BRAND, BRAND_GOOD)
    campaign = _draft(tenant_a, alice, CAMPAIGN, CAMPAIGN_GOOD, depends_on=brand)
    review.registration_submit_for_review(tenant=tenant_a, actor=alice, registration=campaign)
    campaign.refresh_from_db()
    assert campaign.status == Status.WAITING_FOR_BRAND
    assert campaign.timeline.last().reason == (
        f"Version 1 sent; it waits for the brand “{brand.name}” to complete"
    )
    brand = _submit_and_approve(brand, tenant_a, alice, sam, capture)
    assert Registration.objects.get(pk=campaign.pk).status == Status.WAITING_FOR_BRAND

    brand = _complete_at_aws(brand, sandbox, capture)
    assert brand.status == Status.COMPLETE
    campaign.refresh_from_db()
    assert campaign.status == Status.IN_REVIEW
    assert list(campaign.timeline.values_list("to_status", flat=True)) == [
        "DRAFT",
        "WAITING_FOR_BRAND",
        "IN_REVIEW",
    ]
    with capture(execute=True):
        review.version_approve(actor=sam, registration=campaign)
    campaign.refresh_from_db()
    assert campaign.status == Status.SUBMITTED
    association = sandbox.calls("CreateRegistrationAssociation")[-1]["Parameters"]
    assert association == {
        "RegistrationId": campaign.aws_registration_id,
        "ResourceId": brand.aws_registration_id,
    }


def test_campaign_of_a_brand_with_vetting_waits_for_the_vetting_result(
    catalog, sandbox, tenant_a, alice, sam, django_capture_on_commit_callbacks
):
    """Vetting scores are not applied retroactively: a tenant who chose vetting has its
    campaign wait for the result, even once the brand itself is complete."""
    capture = django_capture_on_commit_callbacks
    brand = _complete_brand(tenant_a, alice, sam, sandbox, capture)
    vetting = _draft(tenant_a, alice, VETTING, {}, depends_on=brand)
    campaign = _draft(tenant_a, alice, CAMPAIGN, CAMPAIGN_GOOD, depends_on=brand)
    review.registration_submit_for_review(tenant=tenant_a, actor=alice, registration=campaign)
    campaign.refresh_from_db()
    assert campaign.status == Status.WAITING_FOR_BRAND
    assert campaign.timeline.last().reason == (
        "Version 1 sent; it waits for the brand's vetting result"
    )
    vetting = _submit_and_approve(vetting, tenant_a, alice, sam, capture)
    assert vetting.status == Status.SUBMITTED
    assert Registration.objects.get(pk=campaign.pk).status == Status.WAITING_FOR_BRAND
    submitted = sandbox.calls("SubmitRegistrationVersion")[-1]["Parameters"]
    assert submitted["RegistrationId"] == vetting.aws_registration_id

    vetting = _complete_at_aws(vetting, sandbox, capture)
    assert vetting.status == Status.COMPLETE
    campaign.refresh_from_db()
    assert campaign.status == Status.IN_REVIEW


def test_cancelling_the_vetting_lets_the_campaign_go(
    catalog, sandbox, tenant_a, alice, sam, django_capture_on_commit_callbacks
):
    brand = _complete_brand(tenant_a, alice, sam, sandbox, django_capture_on_commit_callbacks)
    vetting = _draft(tenant_a, alice, VETTING, {}, depends_on=brand)
    campaign = _draft(tenant_a, alice, CAMPAIGN, CAMPAIGN_GOOD, depends_on=brand)
    review.registration_submit_for_review(tenant=tenant_a, actor=alice, registration=campaign)
    assert Registration.objects.get(pk=campaign.pk).status == Status.WAITING_FOR_BRAND
    review.registration_cancel(tenant=tenant_a, actor=alice, registration=vetting)
    assert Registration.objects.get(pk=campaign.pk).status == Status.IN_REVIEW


def test_pending_ten_dlc_number_becomes_active_later_and_is_then_used(
    catalog, sandbox, tenant_a, alice, sam, association_delay, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    brand = _complete_brand(tenant_a, alice, sam, sandbox, capture)
    association_delay(1.5)
    campaign = _complete_campaign(tenant_a, alice, sam, sandbox, capture, brand)
    number = Sender.objects.get(registration=campaign)
    assert (number.number_type, number.status) == ("TEN_DLC", "PENDING")
    tenant_state_forget()
    with pytest.raises(ApiRefusal):  # no active US sender yet
        message_send(
            tenant=tenant_a,
            api_key=None,
            item={"to": US_OK, "body": "Example Corp: code 1234", "type": "TRANSACTIONAL"},
        )
    assert not SendingSetup.objects.filter(tenant=tenant_a).exclude(pool_id="").exists()

    with capture(execute=True):
        first = senders_recheck()
    assert first["checked"] == 1
    # Asked a moment ago: a young number is due again a minute later, not at once.
    assert senders_recheck() == {"checked": 0, "changed": 0, "tenants_set_up": 0}

    def recheck() -> bool:
        with capture(execute=True):
            senders_recheck(force=True)
        return Sender.objects.get(pk=number.pk).status == "ACTIVE"

    wait_until(recheck, timeout=10, interval=0.2, message="the 10DLC number to turn ACTIVE")
    setup = SendingSetup.objects.get(tenant=tenant_a)
    assert setup.pool_id  # the recheck ran the sending setup with the now active number
    members = aws.pool_origination_identities_list(Gateway(), pool_id=setup.pool_id)
    assert number.aws_id in members

    tenant_state_forget()
    with capture(execute=False):  # the dispatch is run by hand below
        message = message_send(
            tenant=tenant_a,
            api_key=None,
            item={"to": US_OK, "body": "Example Corp: code 1234", "type": "TRANSACTIONAL"},
        )
    assert message.sender_id == number.pk
    assert message_dispatch(tenant_id=tenant_a.pk, message_id=message.pk).status == "sent"
    sent = sandbox.request("GET", "/_sandbox/messages")["messages"]
    assert [(m["OriginationIdentity"], m["DestinationPhoneNumber"]) for m in sent] == [
        (number.value, US_OK)
    ]
    assert Message.objects.get(pk=message.pk).status in ("SENT", "DELIVERED")


def test_keywords_come_from_the_registration_and_are_the_same_on_every_number_of_the_pool(
    catalog, sandbox, tenant_a, alice, sam, settings, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    settings.SNS_INBOUND_TOPIC_ARNS = ["arn:aws:sns:us-east-1:123456789012:portal-inbound"]
    toll_free = _submit_and_approve(_tfn_ready(tenant_a, alice), tenant_a, alice, sam, capture)
    toll_free = _complete_at_aws(toll_free, sandbox, capture)
    brand = _complete_brand(tenant_a, alice, sam, sandbox, capture)
    values = {**CAMPAIGN_GOOD, "campaignInfo.optInKeyword": "JOIN"}
    _complete_campaign(tenant_a, alice, sam, sandbox, capture, brand, values)

    setup = SendingSetup.objects.get(tenant=tenant_a)
    assert setup.complete
    numbers = list(Sender.objects.filter(tenant=tenant_a, status="ACTIVE").order_by("pk"))
    assert [n.number_type for n in numbers] == ["TOLL_FREE", "TEN_DLC"]
    client = _client(sandbox)
    members = client.list_pool_origination_identities(PoolId=setup.pool_id)
    assert sorted(m["PhoneNumber"] for m in members["OriginationIdentities"]) == sorted(
        n.value for n in numbers
    )
    pool = client.describe_pools(PoolIds=[setup.pool_id])["Pools"][0]
    assert (pool["TwoWayEnabled"], pool["TwoWayChannelArn"], pool["OptOutListName"]) == (
        True,
        "arn:aws:sns:us-east-1:123456789012:portal-inbound",
        "portal-acme",
    )
    # The keywords were put on the pool, never on a number, in the campaign's own words.
    assert {c["Parameters"]["OriginationIdentity"] for c in sandbox.calls("PutKeyword")} == {
        setup.pool_id
    }
    for word, text in (
        ("HELP", values["campaignInfo.helpMessage"]),
        ("STOP", values["campaignInfo.stopMessage"]),
        ("JOIN", values["campaignInfo.optInMessage"]),
    ):
        replies = [
            sandbox.request(
                "POST",
                "/_sandbox/inbound",
                {
                    "OriginationNumber": "+12065550111",
                    "DestinationNumber": n.value,
                    "MessageBody": word,
                },
            )["AutoReply"]
            for n in numbers
        ]
        assert replies == [text, text], word


def test_a_send_to_a_country_outside_the_allow_list_is_refused_by_aws_itself(
    catalog, sandbox, tenant_a, alice, sam, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    registration = _draft(tenant_a, alice, "IN_SENDER_ID_REGISTRATION", forms.IN_SENDER_ID_GOOD)
    registration = _submit_and_approve(registration, tenant_a, alice, sam, capture)
    _complete_at_aws(registration, sandbox, capture)
    sender = Sender.objects.get(registration=registration)
    assert (sender.kind, sender.status) == ("SENDER_ID", "ACTIVE")
    setup = SendingSetup.objects.get(tenant=tenant_a)
    rules = aws.protect_configuration_rules(
        Gateway(), protect_configuration_id=setup.protect_configuration_id
    )
    # A new protect configuration allows every country: all but the tenant's are blocked.
    assert {iso for iso, status in rules.items() if status == "ALLOW"} == {"IN"}
    assert rules["US"] == rules["GB"] == "BLOCK"

    def send_past_the_portal() -> str:
        return aws.text_message_send(
            Gateway(),
            destination="+919876543210",
            body="EXMPLE: your code is 1234",
            origination_identity=sender.aws_id,
            message_type="TRANSACTIONAL",
            configuration_set=setup.configuration_set_name,
        )

    assert send_past_the_portal()
    # The tenant narrows its own allow-list to the US: the portal refuses India, and so does
    # AWS when the portal's check is bypassed.
    with capture(execute=True):
        sending_policy_set(tenant=tenant_a, actor=alice, allowed_countries=["US"])
    tenant_state_forget()
    with pytest.raises(ApiRefusal):
        message_send(
            tenant=tenant_a,
            api_key=None,
            item={"to": "+919876543210", "body": "EXMPLE: code 1234", "type": "TRANSACTIONAL"},
        )
    with pytest.raises(AwsError) as refused:
        send_past_the_portal()
    assert refused.value.reason == "DESTINATION_COUNTRY_BLOCKED_BY_PROTECT_CONFIGURATION"
    described = _client(sandbox).describe_configuration_sets(
        ConfigurationSetNames=[setup.configuration_set_name]
    )
    assert described["ConfigurationSets"][0]["ProtectConfigurationId"] == (
        setup.protect_configuration_id
    )


def test_a_number_joins_the_pool_only_with_the_pools_settings(
    catalog, sandbox, tenant_a, alice, sam, django_capture_on_commit_callbacks
):
    """Each number is given the pool's opt-out list before it joins (AWS refuses a number
    whose settings differ), and a pooled number is never updated directly."""
    capture = django_capture_on_commit_callbacks
    first = _submit_and_approve(_tfn_ready(tenant_a, alice), tenant_a, alice, sam, capture)
    _complete_at_aws(first, sandbox, capture)
    second = _tfn_ready(tenant_a, alice)
    second.name = "Second"
    second.save(update_fields=["name"])
    drafts.registration_attachment_add(
        tenant=tenant_a,
        actor=alice,
        registration=second,
        field_path="messagingUseCase.optInImage",
        upload=SimpleUploadedFile("optin.png", PNG, content_type="image/png"),
    )
    second = _submit_and_approve(second, tenant_a, alice, sam, capture)
    _complete_at_aws(second, sandbox, capture)
    setup = SendingSetup.objects.get(tenant=tenant_a)
    client = _client(sandbox)
    numbers = client.describe_phone_numbers()["PhoneNumbers"]
    assert [(n["OptOutListName"], n.get("PoolId")) for n in numbers] == [
        ("portal-acme", setup.pool_id),
        ("portal-acme", setup.pool_id),
    ]
    updates = [c["Parameters"]["PhoneNumberId"] for c in sandbox.calls("UpdatePhoneNumber")]
    assert sorted(updates) == sorted(n["PhoneNumberId"] for n in numbers)  # once each, before
    assert [c["Status"] for c in sandbox.calls("AssociateOriginationIdentity")] == [200]
