"""The tenant's sending setup at AWS, after a registration completes (DESIGN.md §4):
an opt-out list, a dedicated pool with shared routes off, every active sender in it, a
configuration set whose events go to the portal, HELP / STOP replies from the registration,
and a protect configuration with the tenant's countries. Each step reads before it writes, so
running the setup again creates nothing twice."""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.utils import timezone

from registrations.aws import AwsError, ConflictError, Gateway, NotFoundError, account_for
from registrations.models import FieldValue, Registration, Sender, SendingSetup
from registrations.states import Status
from tenants.models import Tenant
from tenants.selectors import business_profile_get

EVENT_DESTINATION = "portal-events"


def _name(tenant: Tenant) -> str:
    return f"portal-{tenant.slug}"[:64]


def _replies(tenant: Tenant, sender: Sender) -> dict[str, str]:
    """HELP and STOP texts: the registration's own where it has them, else from the profile."""
    profile = business_profile_get(tenant=tenant)
    brand = profile.dba_name or profile.legal_name or tenant.name
    contact = " or ".join(x for x in (profile.support_email, profile.support_phone) if x)
    replies = {
        "HELP": f"{brand}: for help contact {contact or 'us'}. Msg & data rates may apply. "
        "Reply STOP to cancel.",
        "STOP": f"{brand}: you are unsubscribed and will receive no more messages.",
    }
    if sender.registration_id:
        version = sender.registration.versions.newest()
        found = dict(
            FieldValue.objects.filter(
                version=version,
                field_path__in=[
                    "campaignInfo.helpMessage",
                    "campaignInfo.stopMessage",
                ],
            ).values_list("field_path", "text_value")
        )
        replies["HELP"] = found.get("campaignInfo.helpMessage") or replies["HELP"]
        replies["STOP"] = found.get("campaignInfo.stopMessage") or replies["STOP"]
    return {k: v[:1600] for k, v in replies.items()}


def _done(setup: SendingSetup, step: str) -> None:
    setup.steps = {**setup.steps, step: timezone.now().isoformat()}
    setup.save(update_fields=["steps", "updated_at"])


def sending_setup_run(*, tenant_id: int) -> SendingSetup:
    tenant = Tenant.objects.get(pk=tenant_id)
    setup, _ = SendingSetup.objects.get_or_create(tenant=tenant)
    senders = list(
        Sender.objects.filter(tenant=tenant, status="ACTIVE").select_related("registration")
    )
    if not senders:
        return setup
    gw = Gateway(tenant=tenant, context=account_for(tenant))
    name = _name(tenant)
    try:
        _opt_out_list(gw, setup, name)
        _pool(gw, setup, senders, name)
        _configuration_set(gw, setup, name)
        for sender in senders:
            for keyword, message in _replies(tenant, sender).items():
                gw.call(
                    "PutKeyword",
                    OriginationIdentity=sender.aws_id,
                    Keyword=keyword,
                    KeywordMessage=message,
                    KeywordAction="OPT_OUT" if keyword == "STOP" else "AUTOMATIC_RESPONSE",
                )
        _done(setup, "keywords")
        _protect(gw, setup, sorted({s.iso_country for s in senders}))
    except AwsError as exc:
        setup.last_error = f"{exc.operation}: {exc.code}: {exc.message}"
        setup.save(update_fields=["last_error", "updated_at"])
        raise
    setup.last_error = ""
    setup.save(update_fields=["last_error", "updated_at"])
    return setup


def _opt_out_list(gw: Gateway, setup: SendingSetup, name: str) -> None:
    try:
        gw.call("DescribeOptOutLists", OptOutListNames=[name])
    except NotFoundError:
        gw.call("CreateOptOutList", OptOutListName=name, ClientToken=f"{name}-optout")
    setup.opt_out_list_name = name
    setup.save(update_fields=["opt_out_list_name"])
    _done(setup, "opt_out_list")


def _pool(gw: Gateway, setup: SendingSetup, senders: list[Sender], name: str) -> None:
    if not setup.pool_id:
        first = senders[0]
        created = gw.call(
            "CreatePool",
            OriginationIdentity=first.aws_id,
            MessageType="TRANSACTIONAL",
            IsoCountryCode=first.iso_country,
            ClientToken=f"{name}-pool",
        )
        setup.pool_id = created["PoolId"]
        setup.save(update_fields=["pool_id"])
    gw.call(
        "UpdatePool",
        PoolId=setup.pool_id,
        OptOutListName=setup.opt_out_list_name,
        SharedRoutesEnabled=False,
        SelfManagedOptOutsEnabled=False,
    )
    _done(setup, "pool")
    members = {
        item["OriginationIdentity"]
        for item in gw._pages(
            "ListPoolOriginationIdentities", "OriginationIdentities", PoolId=setup.pool_id
        )
    }
    for sender in senders:
        if not ({sender.aws_id, sender.aws_arn, sender.value} & members):
            gw.call(
                "AssociateOriginationIdentity",
                PoolId=setup.pool_id,
                OriginationIdentity=sender.aws_id,
                IsoCountryCode=sender.iso_country,
            )
    _done(setup, "pool_members")


def _configuration_set(gw: Gateway, setup: SendingSetup, name: str) -> None:
    try:
        found = gw.call("DescribeConfigurationSets", ConfigurationSetNames=[name])
        destinations = found["ConfigurationSets"][0].get("EventDestinations", [])
    except NotFoundError:
        gw.call("CreateConfigurationSet", ConfigurationSetName=name, ClientToken=f"{name}-cs")
        destinations = []
    setup.configuration_set_name = name
    setup.save(update_fields=["configuration_set_name"])
    topic = settings.EUM_EVENTS_TOPIC_ARN
    if topic and not any(d["EventDestinationName"] == EVENT_DESTINATION for d in destinations):
        gw.call(
            "CreateEventDestination",
            ConfigurationSetName=name,
            EventDestinationName=EVENT_DESTINATION,
            MatchingEventTypes=["ALL"],
            SnsDestination={"TopicArn": topic},
        )
    if topic:
        _done(setup, "configuration_set")


def _protect(gw: Gateway, setup: SendingSetup, countries: list[str]) -> None:
    if not setup.protect_configuration_id:
        created = gw.call(
            "CreateProtectConfiguration", ClientToken=f"{_name(setup.tenant)}-protect"
        )
        setup.protect_configuration_id = created["ProtectConfigurationId"]
        setup.save(update_fields=["protect_configuration_id"])
    gw.call(
        "UpdateProtectConfigurationCountryRuleSet",
        ProtectConfigurationId=setup.protect_configuration_id,
        NumberCapability="SMS",
        CountryRuleSetUpdates={c: {"ProtectStatus": "ALLOW"} for c in countries},
    )
    with contextlib.suppress(ConflictError):  # already associated with this configuration set
        gw.call(
            "AssociateProtectConfiguration",
            ConfigurationSetName=setup.configuration_set_name,
            ProtectConfigurationId=setup.protect_configuration_id,
        )
    setup.countries = countries
    setup.save(update_fields=["countries"])
    _done(setup, "protect")


def tenants_ready_for_setup() -> list[int]:
    """Tenants with an active sender from a complete registration."""
    return list(
        Registration.objects.filter(status=Status.COMPLETE, senders__status="ACTIVE")
        .values_list("tenant_id", flat=True)
        .distinct()
    )
