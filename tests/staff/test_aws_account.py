"""The AWS account readiness pages against the sandbox over HTTP: a sandbox-tier account
refuses unverified destinations until staff verify a number through the page; a tenant's
sending setup is held before anything is created when the account's pool quota is reached;
a tenant's own account is connected by assuming its role."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta

import boto3
import pytest
from django.core.management import CommandError, call_command

from registrations import overlay
from registrations.aws import account as aws_account
from registrations.aws import clients
from registrations.aws import operations as aws
from registrations.aws.errors import ConflictError
from registrations.aws.gateway import Gateway
from registrations.models import (
    AccountReadiness,
    AwsAccount,
    AwsCall,
    Registration,
    Sender,
    SendingSetup,
    SnsMessage,
)
from registrations.services import accounts, tracking
from registrations.services.sending_setup import sending_setup_run
from registrations.sns_endpoint import DELIVERY_HOOK, REGISTRATION_HOOK
from registrations.states import Status
from registrations.tasks import account_readiness_read_task
from tenants.models import AuditEntry, Membership, Notice, ProviderProfile, Role
from tests.conftest import client_for
from tests.registrations.test_engine import _draft, _submit_and_approve, _tfn_ready
from tests.sandbox.forms import BRAND_GOOD, CAMPAIGN_GOOD
from tests.waiting import wait_until

# Real transactions, as production runs: the gateway refuses an AWS call inside any of them.
pytestmark = pytest.mark.django_db(transaction=True)

DESTINATION = "+447700900123"
ROLE = "arn:aws:iam::210987654321:role/sms-portal"
TOPIC = "arn:aws:sns:us-east-1:210987654321:eum-registration-events"
EVENTS_TOPIC = "arn:aws:sns:us-east-1:210987654321:sms-events"
OTHER_TOPIC = "arn:aws:sns:us-east-1:123456789012:sms-events"


@pytest.fixture(autouse=True)
def _fresh_role_clients():
    """Assumed-role clients are cached per role for their credentials' hour; the sandbox is
    reset before each test and forgets the credentials it issued, so start without them."""
    clients._client.cache_clear()
    yield
    clients._client.cache_clear()


def _boto(sandbox, key: str = "sandbox"):
    return boto3.client(
        "pinpoint-sms-voice-v2",
        endpoint_url=sandbox.base_url,
        region_name="us-east-1",
        aws_access_key_id=key,
        aws_secret_access_key="sandbox",
    )


@pytest.fixture
def sandbox_tier(sandbox):
    sandbox.request("PATCH", "/_sandbox/config", {"account_tier": "SANDBOX"})
    yield sandbox
    sandbox.request("PATCH", "/_sandbox/config", {"account_tier": "PRODUCTION"})


def _simulator(sandbox) -> str:
    return _boto(sandbox).request_phone_number(
        IsoCountryCode="US",
        MessageType="TRANSACTIONAL",
        NumberCapabilities=["SMS"],
        NumberType="SIMULATOR",
    )["PhoneNumberId"]


def _send(origin: str) -> str:
    return aws.text_message_send(
        Gateway(),
        destination=DESTINATION,
        body="Acme: your order shipped.",
        origination_identity=origin,
        message_type="TRANSACTIONAL",
    )


def _code(sandbox) -> str:
    sent = [
        m
        for m in sandbox.request("GET", "/_sandbox/messages")["messages"]
        if m.get("VerificationCode") and m["DestinationPhoneNumber"] == DESTINATION
    ]
    return sent[-1]["VerificationCode"]


def _gb_number(sandbox) -> str:
    return _boto(sandbox).request_phone_number(
        IsoCountryCode="GB",
        MessageType="TRANSACTIONAL",
        NumberCapabilities=["SMS"],
        NumberType="LONG_CODE",
    )["PhoneNumberId"]


def test_a_sandbox_tier_account_sends_only_to_numbers_verified_on_the_page(
    sandbox_tier, sam, django_capture_on_commit_callbacks
):
    origin = _gb_number(sandbox_tier)
    with pytest.raises(ConflictError) as refused:
        _send(origin)
    assert refused.value.reason == "DESTINATION_PHONE_NUMBER_NOT_VERIFIED"

    staff = client_for(sam)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post("/staff/aws/refresh/")
    assert response.status_code == 302
    readiness = AccountReadiness.objects.get(scope="provider")
    assert readiness.tier == "SANDBOX"
    assert readiness.text_spend_limit == {
        "name": "TEXT_MESSAGE_MONTHLY_SPEND_LIMIT",
        "enforced": 1,
        "maximum": 1,
        "overridden": False,
    }
    page = staff.get("/staff/aws/").content.decode()
    assert 'data-tier="SANDBOX"' in page
    assert 'data-spend-limit="1"' in page
    assert "Read from AWS" in page

    response = staff.post("/staff/aws/numbers/", {"action": "add", "number": "206 555"})
    assert "Write the number in E.164 form" in staff.get("/staff/aws/").content.decode()
    response = staff.post("/staff/aws/numbers/", {"action": "add", "number": DESTINATION})
    assert response.status_code == 302
    (pending,) = AccountReadiness.objects.get(scope="provider").verified_numbers
    assert (pending["number"], pending["status"]) == (DESTINATION, "PENDING")
    page = staff.get("/staff/aws/").content.decode()
    assert f'data-verified="{DESTINATION}" data-status="PENDING"' in page

    code = _code(sandbox_tier)
    wrong = "000000" if code != "000000" else "111111"
    staff.post(
        "/staff/aws/numbers/",
        {"action": "verify", "verified_number_id": pending["id"], "code": wrong},
    )
    page = staff.get("/staff/aws/").content.decode()
    assert "AWS answered ValidationException: The verification code does not match." in page
    with pytest.raises(ConflictError):
        _send(origin)

    staff.post(
        "/staff/aws/numbers/",
        {"action": "verify", "verified_number_id": pending["id"], "code": code},
    )
    (verified,) = AccountReadiness.objects.get(scope="provider").verified_numbers
    assert verified["status"] == "VERIFIED"
    assert _send(origin)
    assert AuditEntry.objects.filter(action="aws_account.verified_number_verify").count() == 1

    staff.post("/staff/aws/numbers/", {"action": "delete", "verified_number_id": pending["id"]})
    page = staff.get("/staff/aws/").content.decode()
    assert "can be deleted 24 hours after it was added" in page
    assert len(AccountReadiness.objects.get(scope="provider").verified_numbers) == 1


def test_a_viewer_sees_the_page_but_cannot_verify_numbers(sandbox, vic):
    viewer = client_for(vic)
    assert viewer.get("/staff/aws/").status_code == 200
    response = viewer.post("/staff/aws/numbers/", {"action": "add", "number": DESTINATION})
    assert response.status_code == 403
    assert (
        _boto(sandbox).describe_verified_destination_numbers()["VerifiedDestinationNumbers"] == []
    )


def test_the_setup_is_held_when_the_accounts_pool_quota_is_reached(
    catalog, sandbox, tenant_a, alice, sam, vic, django_capture_on_commit_callbacks
):
    client = _boto(sandbox)
    client.create_pool(
        OriginationIdentity=_simulator(sandbox), IsoCountryCode="US", MessageType="TRANSACTIONAL"
    )
    sandbox.request("PATCH", "/_sandbox/config", {"limits": "POOLS=1"})
    try:
        registration = _submit_and_approve(
            _tfn_ready(tenant_a, alice), tenant_a, alice, sam, django_capture_on_commit_callbacks
        )
        sandbox.decide(registration.aws_registration_id, 1, "approve")
        with django_capture_on_commit_callbacks(execute=True):
            tracking.reconcile_pass(force=True)
        setup = SendingSetup.objects.get(tenant=tenant_a)
        assert setup.held_reason == (
            "Held before anything was created: the AWS account has reached its quota of phone "
            "pools: 1 of 1 used, 1 more needed. Provider staff: request a quota increase (or free "
            "unused resources) and run the setup again."
        )
        assert setup.steps == {}
        assert setup.pool_id == ""
        names = [o["OptOutListName"] for o in client.describe_opt_out_lists()["OptOutLists"]]
        assert names == ["Default"]
        assert client.describe_configuration_sets()["ConfigurationSets"] == []
        assert [c for c in sandbox.calls() if c["Operation"] == "CreatePool"][-1]["Status"] == 200
        notice = Notice.objects.get(tenant=tenant_a, title="Your sending setup is on hold")
        assert notice.body.startswith("Held before anything was created")
        staff = client_for(sam)
        assert setup.held_reason in staff.get("/staff/tenants/acme/").content.decode()
        assert 'data-held="acme"' in staff.get("/staff/aws/").content.decode()

        # The account's read finds no room yet: the setup stays held, without a new notice.
        account_readiness_read_task.delay(None)
        assert SendingSetup.objects.get(tenant=tenant_a).held_reason == setup.held_reason
        assert Notice.objects.filter(title="Your sending setup is on hold").count() == 1
        # Once the quota is raised, the account's next read runs the held setup again.
        sandbox.request("PATCH", "/_sandbox/config", {"limits": "POOLS=2"})
        account_readiness_read_task.delay(None)
        setup = SendingSetup.objects.get(tenant=tenant_a)
        assert (setup.held_reason, setup.held_at, setup.complete) == ("", None, True)
        assert Notice.objects.filter(title="Your sending setup is on hold").count() == 1
        pools = len(client.describe_pools()["Pools"])

        # Staff may run it again from the tenant's page: audited, nothing created twice.
        assert client_for(vic).post("/staff/tenants/acme/sending-setup/run/").status_code == 403
        response = staff.post("/staff/tenants/acme/sending-setup/run/")
        assert response.status_code == 302
        assert response["Location"] == "/staff/tenants/acme/#sending-setup"
        assert AuditEntry.objects.filter(action="sending_setup.run", actor=sam).count() == 1
        assert len(client.describe_pools()["Pools"]) == pools
        assert SendingSetup.objects.get(tenant=tenant_a).complete
    finally:
        sandbox.request("PATCH", "/_sandbox/config", {"limits": ""})


def test_a_tenants_own_account_is_verified_by_assuming_its_role(
    sandbox, tenant_a, sam, owen, django_capture_on_commit_callbacks
):
    staff = client_for(sam)
    form = {
        "role_arn": ROLE,
        "external_id": "portal-7f3a91",
        "region": "",
        "registration_topic_arn": TOPIC,
    }
    response = staff.post("/staff/aws/tenants/acme/connect/", form)
    assert response.status_code == 400
    assert "The portal could not assume the role. AWS answered AccessDenied" in (
        response.content.decode()
    )
    assert AwsAccount.objects.count() == 0
    assert AuditEntry.objects.filter(action="aws_account.connect").count() == 0
    assert AwsCall.objects.count() == 0

    response = staff.post(
        "/staff/aws/tenants/acme/connect/", {**form, "role_arn": "arn:aws:iam::12:role/x"}
    )
    assert response.status_code == 400
    assert "Enter the role&#x27;s ARN as IAM shows it" in response.content.decode()

    sandbox.request("PUT", "/_sandbox/roles", {"RoleArn": ROLE, "ExternalId": "portal-7f3a91"})
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post("/staff/aws/tenants/acme/connect/", form)
    assert response.status_code == 302
    account = AwsAccount.objects.get(tenant=tenant_a)
    assert (account.account_id, account.registration_topic_arn) == ("210987654321", TOPIC)
    assert account.verified_at is not None
    readiness = AccountReadiness.objects.get(tenant=tenant_a)
    assert (readiness.tier, readiness.read_at is not None) == ("SANDBOX", True)
    assert [x["name"] for x in readiness.limits][:2] == ["PHONE_NUMBERS", "POOLS"]
    page = staff.get("/staff/aws/tenants/acme/").content.decode()
    assert "210987654321" in page and 'data-tier="SANDBOX"' in page

    # The tenant's calls now go to its own account; the provider's stays as it was.
    aws.configuration_set_create(Gateway.for_tenant(tenant_a), name="tenant-own")
    created = [c for c in sandbox.calls("CreateConfigurationSet")]
    assert created[-1]["Account"] == "210987654321"
    assert _boto(sandbox).describe_configuration_sets()["ConfigurationSets"] == []
    assert aws_account.account_attributes_get(Gateway()).tier == "PRODUCTION"
    # Its registration events reach the portal's hook.
    assert TOPIC in REGISTRATION_HOOK.topics()


def test_a_tenant_owner_connects_only_where_the_provider_allows(sandbox, tenant_a, owen, sam):
    sandbox.request("PUT", "/_sandbox/roles", {"RoleArn": ROLE, "ExternalId": "portal-7f3a91"})
    owner = client_for(owen)
    form = {"role_arn": ROLE, "external_id": "portal-7f3a91"}
    page = owner.get("/t/acme/registrations/aws-account/").content.decode()
    assert "Your provider connects AWS accounts" in page
    assert owner.post("/t/acme/registrations/aws-account/", form).status_code == 403
    assert AwsAccount.objects.count() == 0

    client_for(sam).post("/staff/aws/settings/", {"tenants_bring_aws_accounts": "on"})
    assert ProviderProfile.objects.get().tenants_bring_aws_accounts is True
    response = owner.post("/t/acme/registrations/aws-account/", form)
    assert response.status_code == 302
    assert AwsAccount.objects.get(tenant=tenant_a).account_id == "210987654321"
    assert accounts.tenants_with_own_accounts() == [tenant_a.pk]
    page = owner.get("/t/acme/registrations/aws-account/").content.decode()
    assert "Events from the account" in page and "No topic given" in page


def test_connecting_a_tenants_own_account_subscribes_the_portal_to_its_topics(
    sandbox, sandbox_process, live_server, settings, tenant_a, sam
):
    """Connecting the account subscribes the portal's hooks to the account's own topics (SNS
    Subscribe through the role, as the provider's topics are subscribed at start); the hooks
    confirm the subscriptions. The account's registration events then reach the portal, and
    its sending setup's configuration set sends delivery events to the account's own topic,
    which reach the delivery hook. Before the account is connected the same topic is refused."""
    settings.SNS_TRUSTED_CERT_ORIGINS = [sandbox_process]
    settings.PORTAL_BASE_URL = live_server.url
    sandbox.request(
        "PUT",
        "/_sandbox/roles",
        {"RoleArn": ROLE, "ExternalId": "portal-7f3a91", "AccountTier": "PRODUCTION"},
    )
    hook = live_server.url + "/hooks/sns/registrations/"
    delivery_hook = live_server.url + "/hooks/sns/delivery/"
    sandbox.request("POST", "/_sandbox/subscriptions", {"TopicArn": TOPIC, "Endpoint": hook})
    wait_until(
        lambda: any(d["Endpoint"] == hook and d.get("Status") for d in _deliveries(sandbox)),
        timeout=15,
        message="the sandbox to offer the subscription",
    )
    assert SnsMessage.objects.count() == 0  # refused: not one of the portal's topics yet
    assert [d["Status"] for d in _deliveries(sandbox) if d["Endpoint"] == hook][:1] == [403]

    bad = client_for(sam).post(
        "/staff/aws/tenants/acme/connect/",
        {"role_arn": ROLE, "external_id": "portal-7f3a91", "events_topic_arn": OTHER_TOPIC},
    )
    assert bad.status_code == 400
    assert "The topic belongs to account 123456789012, the role to 210987654321" in (
        bad.content.decode()
    )
    assert AwsAccount.objects.count() == 0

    response = client_for(sam).post(
        "/staff/aws/tenants/acme/connect/",
        {
            "role_arn": ROLE,
            "external_id": "portal-7f3a91",
            "registration_topic_arn": TOPIC,
            "events_topic_arn": EVENTS_TOPIC,
        },
    )
    assert response.status_code == 302
    account = AwsAccount.objects.get(tenant=tenant_a)
    assert {hook_name: e["endpoint"] for hook_name, e in account.subscriptions.items()} == {
        "registrations": hook,
        "delivery": delivery_hook,
    }
    assert all(e["error"] == "" for e in account.subscriptions.values())
    # Through the role (the sandbox refuses a topic of another account than the caller's).
    subscribes = AwsCall.objects.filter(tenant=tenant_a, operation="Subscribe")
    assert [c.outcome for c in subscribes] == ["ok", "ok"]
    assert AuditEntry.objects.filter(action="aws_account.subscribe").count() == 1

    def confirmed(endpoint: str, topic: str) -> bool:
        return any(
            s["Confirmed"]
            for s in sandbox.request("GET", "/_sandbox/subscriptions")["subscriptions"]
            if s["Endpoint"] == endpoint and s["TopicArn"] == topic
        )

    wait_until(
        lambda: confirmed(hook, TOPIC) and confirmed(delivery_hook, EVENTS_TOPIC),
        timeout=15,
        message="the portal to confirm its subscriptions to the tenant's topics",
    )
    page = client_for(sam).get("/staff/aws/tenants/acme/").content.decode()
    assert 'data-subscription="registrations" data-subscribed="yes"' in page
    assert 'data-subscription="delivery" data-subscribed="yes"' in page
    # A subscription SNS refused is tried again by the account's hourly read; a working one
    # is left alone.
    accounts.account_readiness_read(tenant_id=tenant_a.pk)
    assert AwsCall.objects.filter(tenant=tenant_a, operation="Subscribe").count() == 2
    refused = {**account.subscriptions["delivery"], "error": "Subscribe: AWS answered Throttled"}
    AwsAccount.objects.filter(pk=account.pk).update(
        subscriptions={**account.subscriptions, "delivery": refused}
    )
    assert 'data-subscription="delivery" data-subscribed="no"' in (
        client_for(sam).get("/staff/aws/tenants/acme/").content.decode()
    )
    accounts.account_readiness_read(tenant_id=tenant_a.pk)
    account.refresh_from_db()
    assert account.subscriptions["delivery"]["error"] == ""
    assert AwsCall.objects.filter(tenant=tenant_a, operation="Subscribe").count() == 4
    # Connecting stored the account but never got to subscribe: the read does it once the
    # connection has settled.
    AwsAccount.objects.filter(pk=account.pk).update(subscriptions={})
    accounts.account_readiness_read(tenant_id=tenant_a.pk)
    assert AwsCall.objects.filter(tenant=tenant_a, operation="Subscribe").count() == 4
    AwsAccount.objects.filter(pk=account.pk).update(
        verified_at=account.verified_at - timedelta(hours=1)
    )
    accounts.account_readiness_read(tenant_id=tenant_a.pk)
    assert AwsCall.objects.filter(tenant=tenant_a, operation="Subscribe").count() == 6
    assert set(AwsAccount.objects.get(pk=account.pk).subscriptions) == {"registrations", "delivery"}

    gw = Gateway.for_tenant(tenant_a)
    brand = aws.registration_create(
        gw, registration_type="US_TEN_DLC_BRAND_REGISTRATION", client_token="byo-1", name="x"
    )
    aws.field_value_put(
        gw, registration_id=brand.id, field_path="companyInfo.companyName", text="Acme Anvils"
    )
    aws.registration_version_submit(gw, registration_id=brand.id)
    wait_until(
        lambda: SnsMessage.objects.filter(topic_arn=TOPIC, kind="Notification").exists(),
        timeout=15,
        message="the tenant account's registration event",
    )
    event = SnsMessage.objects.filter(topic_arn=TOPIC, kind="Notification").first()
    assert brand.id in json.dumps(event.payload)

    # The sending setup in the tenant's account sends its events to the account's own topic.
    own = _boto(sandbox, key="210987654321")
    number = own.request_phone_number(
        IsoCountryCode="GB",
        MessageType="TRANSACTIONAL",
        NumberCapabilities=["SMS"],
        NumberType="LONG_CODE",
    )
    Sender.objects.create(
        tenant=tenant_a,
        kind=Sender.Kind.PHONE_NUMBER,
        value=number["PhoneNumber"],
        iso_country="GB",
        number_type="LONG_CODE",
        aws_id=number["PhoneNumberId"],
        aws_arn=number["PhoneNumberArn"],
        status="ACTIVE",
    )
    setup = sending_setup_run(tenant_id=tenant_a.pk)
    (configuration_set,) = own.describe_configuration_sets()["ConfigurationSets"]
    (destination,) = configuration_set["EventDestinations"]
    assert destination["SnsDestination"]["TopicArn"] == EVENTS_TOPIC
    aws.text_message_send(
        gw,
        destination=DESTINATION,
        body="Acme: your order shipped.",
        origination_identity=setup.pool_id,
        message_type="TRANSACTIONAL",
        configuration_set=setup.configuration_set_name,
    )
    wait_until(
        lambda: SnsMessage.objects.filter(
            topic_arn=EVENTS_TOPIC, hook="delivery", kind="Notification"
        ).exists(),
        timeout=15,
        message="the tenant account's delivery event at the delivery hook",
    )

    # Connected again with another delivery topic: the portal's subscription to the old one
    # ends, the new one is subscribed and accepted, the old one no longer.
    newer = "arn:aws:sns:us-east-1:210987654321:sms-events-2"
    response = client_for(sam).post(
        "/staff/aws/tenants/acme/connect/",
        {
            "role_arn": ROLE,
            "external_id": "portal-7f3a91",
            "registration_topic_arn": TOPIC,
            "events_topic_arn": newer,
        },
    )
    assert response.status_code == 302
    topics = {
        s["TopicArn"]
        for s in sandbox.request("GET", "/_sandbox/subscriptions")["subscriptions"]
        if s["Endpoint"] == delivery_hook
    }
    assert topics == {newer}
    assert AwsCall.objects.filter(tenant=tenant_a, operation="Unsubscribe").count() == 1
    wait_until(
        lambda: confirmed(delivery_hook, newer),
        timeout=15,
        message="the portal to confirm its subscription to the new delivery topic",
    )
    assert EVENTS_TOPIC not in DELIVERY_HOOK.topics()
    # The configuration set follows the account's new topic: connecting ran the setup again.
    (configuration_set,) = own.describe_configuration_sets()["ConfigurationSets"]
    (destination,) = configuration_set["EventDestinations"]
    assert destination["SnsDestination"]["TopicArn"] == newer


def _deliveries(sandbox) -> list[dict]:
    return sandbox.request("GET", "/_sandbox/deliveries")["deliveries"]


def test_quotas_stand_against_what_tenants_hold_and_what_waiting_tenants_will_need(
    catalog, tenant_a, tenant_b, alice, sam
):
    """A tenant with registrations in the pipeline and no sending setup will need a pool, a
    configuration set and an opt-out list; a registration not yet at AWS a registration slot;
    a 10DLC campaign the phone number requested once it completes. A tenant that already has
    its setup needs none of those again."""
    in_review = _draft(tenant_a, alice)
    Registration.objects.filter(pk=in_review.pk).update(status=Status.IN_REVIEW)
    campaign = _draft(tenant_a, alice)
    Registration.objects.filter(pk=campaign.pk).update(
        status=Status.SUBMITTED, registration_type=overlay.CAMPAIGN, aws_registration_id="r-1"
    )
    SendingSetup.objects.create(tenant=tenant_b, pool_id="pool-b", configuration_set_name="b")
    Membership.objects.create(tenant=tenant_b, user=alice, role=Role.ADMIN)
    waiting_b = _draft(tenant_b, alice)
    Registration.objects.filter(pk=waiting_b.pk).update(
        status=Status.REVIEWING, aws_registration_id="r-2"
    )
    AccountReadiness.objects.create(
        scope="provider",
        tier="PRODUCTION",
        limits=[
            {"name": "POOLS", "used": 24, "maximum": 25},
            {"name": "PHONE_NUMBERS", "used": 25, "maximum": 25},
            {"name": "REGISTRATIONS", "used": 99, "maximum": 100},
            {"name": "CONFIGURATION_SETS", "used": 25, "maximum": 26},
        ],
    )

    def cells(name: str) -> tuple[str, list[str]]:
        """The row's state and its cells' texts: quota, used, maximum, tenants hold, waiting
        tenants need, state."""
        page = client_for(sam).get("/staff/aws/").content.decode()
        row = page.split(f'data-limit="{name}" data-state="')[1].split("</tr>")[0]
        texts = re.findall(r"<td[^>]*>(.*?)</td>", row)
        return row.split('"')[0], [re.sub(r"<[^>]+>", "", t).strip() for t in texts[:6]]

    assert cells("POOLS") == ("ok", ["Phone pools", "24", "25", "1", "1 (Acme Anvils)", "1 left"])
    assert cells("PHONE_NUMBERS") == (
        "full",
        ["Phone numbers", "25", "25", "0", "1 (Acme Anvils)", "Full"],
    )
    assert cells("REGISTRATIONS")[0] == "ok"
    assert cells("REGISTRATIONS")[1][4] == "1 (Acme Anvils)"
    assert cells("CONFIGURATION_SETS")[0] == "ok"
    Registration.objects.filter(pk=waiting_b.pk).update(
        status=Status.IN_REVIEW, aws_registration_id=""
    )
    state, row = cells("REGISTRATIONS")
    assert (state, row[4]) == ("short", "2 (Acme Anvils, Bravo Bakery)")  # 1 slot left


def test_the_deployment_subscribes_the_hooks_to_the_providers_own_topics(
    sandbox, sandbox_process, live_server, settings
):
    """`manage.py sns_subscribe`: the provider's topics subscribed to the portal's hooks with
    the portal's own credentials, the hooks confirming; a topic SNS refuses fails the command
    with what SNS said."""
    provider = "arn:aws:sns:us-east-1:123456789012:"
    settings.SNS_TRUSTED_CERT_ORIGINS = [sandbox_process]
    settings.PORTAL_BASE_URL = live_server.url
    settings.SNS_REGISTRATION_TOPIC_ARNS = [provider + "registrations-prod"]
    settings.EUM_EVENTS_TOPIC_ARN = provider + "events-prod"
    settings.SNS_INBOUND_TOPIC_ARNS = [provider + "events-prod"]  # the same topic: once
    out = io.StringIO()
    call_command("sns_subscribe", stdout=out)
    assert out.getvalue().count("→") == 2

    def confirmed(topic: str, hook: str) -> bool:
        return any(
            s["Confirmed"] and s["Endpoint"] == live_server.url + hook
            for s in sandbox.request("GET", "/_sandbox/subscriptions")["subscriptions"]
            if s["TopicArn"] == topic
        )

    wait_until(
        lambda: (
            confirmed(provider + "registrations-prod", "/hooks/sns/registrations/")
            and confirmed(provider + "events-prod", "/hooks/sns/delivery/")
        ),
        timeout=15,
        message="the portal to confirm the subscriptions to the provider's topics",
    )
    settings.SNS_INBOUND_TOPIC_ARNS = ["arn:aws:sns:us-east-1:210987654321:someone-elses"]
    err = io.StringIO()
    with pytest.raises(CommandError, match="SNS refused a subscription"):
        call_command("sns_subscribe", stdout=io.StringIO(), stderr=err)
    assert "AuthorizationError" in err.getvalue()


def test_a_campaigns_number_is_held_at_the_phone_number_quota_and_requested_once_raised(
    catalog, sandbox, tenant_a, alice, sam, django_capture_on_commit_callbacks
):
    """A 10DLC campaign completes while the account has no phone number left: the number is
    not requested half-way into a failing worker; the tenant's setup is held with the reason
    (one notice), and the account's next read with room requests the number and completes the
    setup."""
    sandbox.request("PATCH", "/_sandbox/config", {"limits": "PHONE_NUMBERS=0"})
    try:
        brand = _draft(tenant_a, alice, "US_TEN_DLC_BRAND_REGISTRATION", BRAND_GOOD)
        brand = _submit_and_approve(brand, tenant_a, alice, sam, django_capture_on_commit_callbacks)
        sandbox.decide(brand.aws_registration_id, 1, "approve")
        tracking.reconcile_pass(force=True)
        campaign = _draft(
            tenant_a, alice, "US_TEN_DLC_CAMPAIGN_REGISTRATION", CAMPAIGN_GOOD, depends_on=brand
        )
        campaign = _submit_and_approve(
            campaign, tenant_a, alice, sam, django_capture_on_commit_callbacks
        )
        sandbox.decide(campaign.aws_registration_id, 1, "approve")
        with django_capture_on_commit_callbacks(execute=True):
            tracking.reconcile_pass(force=True)
        campaign.refresh_from_db()
        assert campaign.status == Status.COMPLETE
        assert not Sender.objects.filter(registration=campaign).exists()
        setup = SendingSetup.objects.get(tenant=tenant_a)
        assert setup.held_reason.startswith(
            "Held: the AWS account has reached its quota of phone numbers, so the number of the "
            f"10DLC campaign {campaign.name} could not be requested (AWS answered "
            "ServiceQuotaExceededException"
        )
        assert Notice.objects.filter(title="Your sending setup is on hold").count() == 1
        assert 'data-held="acme"' in client_for(sam).get("/staff/aws/").content.decode()
        account_readiness_read_task.delay(None)  # still no room: held as it was
        assert SendingSetup.objects.get(tenant=tenant_a).held_reason == setup.held_reason
        assert Notice.objects.filter(title="Your sending setup is on hold").count() == 1

        sandbox.request("PATCH", "/_sandbox/config", {"limits": "PHONE_NUMBERS=5"})
        account_readiness_read_task.delay(None)
        sender = Sender.objects.get(registration=campaign)
        assert (sender.number_type, sender.status) == ("TEN_DLC", "ACTIVE")
        setup = SendingSetup.objects.get(tenant=tenant_a)
        assert (setup.held_reason, setup.complete) == ("", True)
    finally:
        sandbox.request("PATCH", "/_sandbox/config", {"limits": ""})
