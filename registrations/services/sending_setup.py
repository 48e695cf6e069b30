"""The tenant's sending setup at AWS, after a registration completes (DESIGN.md §4):
an opt-out list, a dedicated pool with shared routes off, every active sender in it, a
configuration set whose events go to the portal, HELP / STOP replies from the registration,
and a protect configuration with the tenant's countries. Each step reads before it writes, so
running the setup again creates nothing twice."""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from registrations.aws import account as aws_account
from registrations.aws import operations as aws
from registrations.aws.errors import AwsError, ConflictError
from registrations.aws.gateway import Gateway
from registrations.models import FieldValue, Registration, Sender, SendingSetup
from registrations.states import Status
from tenants.models import Tenant
from tenants.selectors import business_profile_get
from tenants.services import notice_create

EVENT_DESTINATION = "portal-events"


def _name(tenant: Tenant) -> str:
    return f"portal-{tenant.slug}"[:64]


def sender_replies(tenant: Tenant, sender: Sender) -> dict[str, str]:
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
    gw = Gateway.for_tenant(tenant)
    name = _name(tenant)
    try:
        held = _over_quota(gw, setup, name)
        if held:
            return _hold(setup, held)
        _opt_out_list(gw, setup, name)
        _pool(gw, setup, senders, name)
        _configuration_set(gw, setup, name)
        for sender in senders:
            for keyword, message in sender_replies(tenant, sender).items():
                aws.keyword_put(
                    gw,
                    origination_identity=sender.aws_id,
                    keyword=keyword,
                    message=message,
                    opt_out=keyword == "STOP",
                )
        _done(setup, "keywords")
        _protect(gw, setup, sorted({s.iso_country for s in senders}))
    except AwsError as exc:
        setup.last_error = f"{exc.operation}: {exc.code}: {exc.message}"
        setup.save(update_fields=["last_error", "updated_at"])
        raise
    setup.last_error = ""
    setup.held_reason, setup.held_at = "", None
    setup.save(update_fields=["last_error", "held_reason", "held_at", "updated_at"])
    return setup


# What each new resource of the setup counts against (DescribeAccountLimits's names).
QUOTA_LABELS = {
    "OPT_OUT_LISTS": "opt-out lists",
    "POOLS": "phone pools",
    "CONFIGURATION_SETS": "configuration sets",
}


def setup_needs(
    *, has_pool: bool, has_opt_out_list: bool, has_configuration_set: bool
) -> dict[str, int]:
    """The resources a setup run would create, by the account limit each counts against."""
    needs = {
        "OPT_OUT_LISTS": 0 if has_opt_out_list else 1,
        "POOLS": 0 if has_pool else 1,
        "CONFIGURATION_SETS": 0 if has_configuration_set else 1,
    }
    return {k: v for k, v in needs.items() if v}


def _over_quota(gw: Gateway, setup: SendingSetup, name: str) -> str:
    """Why the setup cannot be completed in this account ('' when it fits), decided before
    anything is created: a setup stopped half-way by a quota leaves resources behind that
    count against the same quota."""
    needs = setup_needs(
        has_pool=bool(setup.pool_id),
        has_opt_out_list=aws.opt_out_list_exists(gw, name=name),
        has_configuration_set=aws.configuration_set_describe(gw, name=name) is not None,
    )
    if not needs:
        return ""
    limits = {limit.name: limit for limit in aws_account.account_limits_list(gw)}
    short = [
        f"{QUOTA_LABELS[key]}: {limits[key].used} of {limits[key].maximum} used, {count} more "
        "needed"
        for key, count in needs.items()
        if key in limits and limits[key].used + count > limits[key].maximum
    ]
    if not short:
        return ""
    return (
        "Held before anything was created: the AWS account has reached its quota of "
        + "; ".join(short)
        + ". Provider staff: request a quota increase (or free unused resources) and run the "
        "setup again."
    )


def _hold(setup: SendingSetup, reason: str) -> SendingSetup:
    first = setup.held_reason != reason
    with transaction.atomic():
        setup.held_reason, setup.held_at = reason, timezone.now()
        setup.save(update_fields=["held_reason", "held_at", "updated_at"])
        if first:
            notice_create(
                tenant=setup.tenant,
                title="Your sending setup is on hold",
                body=f"{reason} Your provider has been told; nothing is needed from you.",
            )
    return setup


def _opt_out_list(gw: Gateway, setup: SendingSetup, name: str) -> None:
    if not aws.opt_out_list_exists(gw, name=name):
        aws.opt_out_list_create(gw, name=name, client_token=f"{name}-optout")
    setup.opt_out_list_name = name
    setup.save(update_fields=["opt_out_list_name"])
    _done(setup, "opt_out_list")


def _pool(gw: Gateway, setup: SendingSetup, senders: list[Sender], name: str) -> None:
    if not setup.pool_id:
        first = senders[0]
        setup.pool_id = aws.pool_create(
            gw,
            origination_identity=first.aws_id,
            country=first.iso_country,
            client_token=f"{name}-pool",
        )
        setup.save(update_fields=["pool_id"])
    aws.pool_update(
        gw,
        pool_id=setup.pool_id,
        opt_out_list=setup.opt_out_list_name,
        shared_routes=False,
        self_managed_opt_outs=False,
    )
    _done(setup, "pool")
    members = aws.pool_origination_identities_list(gw, pool_id=setup.pool_id)
    for sender in senders:
        if not ({sender.aws_id, sender.aws_arn, sender.value} & members):
            aws.pool_origination_identity_associate(
                gw,
                pool_id=setup.pool_id,
                origination_identity=sender.aws_id,
                country=sender.iso_country,
            )
    _done(setup, "pool_members")


def _configuration_set(gw: Gateway, setup: SendingSetup, name: str) -> None:
    found = aws.configuration_set_describe(gw, name=name)
    if found is None:
        aws.configuration_set_create(gw, name=name, client_token=f"{name}-cs")
    destinations = found.event_destinations if found else ()
    setup.configuration_set_name = name
    setup.save(update_fields=["configuration_set_name"])
    topic = settings.EUM_EVENTS_TOPIC_ARN
    if topic and EVENT_DESTINATION not in destinations:
        aws.event_destination_create(
            gw, configuration_set=name, name=EVENT_DESTINATION, topic_arn=topic
        )
    if topic:
        _done(setup, "configuration_set")


def _protect(gw: Gateway, setup: SendingSetup, countries: list[str]) -> None:
    if not setup.protect_configuration_id:
        setup.protect_configuration_id = aws.protect_configuration_create(
            gw, client_token=f"{_name(setup.tenant)}-protect"
        )
        setup.save(update_fields=["protect_configuration_id"])
    aws.protect_configuration_countries_allow(
        gw, protect_configuration_id=setup.protect_configuration_id, countries=countries
    )
    # Every other country AWS lists is blocked (seed 000, "Restrict destination countries":
    # the defence against artificially inflated traffic); the rule set comes from AWS.
    rules = aws_account.protect_country_rules(
        gw, protect_configuration_id=setup.protect_configuration_id
    )
    others = sorted(c for c, rule in rules.items() if c not in countries and rule != "BLOCK")
    if others:
        aws_account.protect_countries_block(
            gw, protect_configuration_id=setup.protect_configuration_id, countries=others
        )
    with contextlib.suppress(ConflictError):  # already associated with this configuration set
        aws.protect_configuration_associate(
            gw,
            protect_configuration_id=setup.protect_configuration_id,
            configuration_set=setup.configuration_set_name,
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
