"""The tenant's sending setup at AWS, after a registration completes (DESIGN.md §4):
an opt-out list, a dedicated pool with shared routes off holding every active sender (each
number given the pool's settings before it joins, as AWS requires), a configuration set whose
events go to the portal, the registration's own HELP / STOP / opt-in keywords on the pool,
two-way where the registration has recipients text in, and a protect configuration that
allows the tenant's countries and blocks every other. Each step reads before it writes, so
running the setup again creates nothing twice."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from portal.enqueue import enqueue
from registrations import overlay, shortcode
from registrations.aws import account as aws_account
from registrations.aws import operations as aws
from registrations.aws.clients import account_for
from registrations.aws.errors import AwsError
from registrations.aws.gateway import Gateway
from registrations.aws.types import Keyword, OriginationSettings
from registrations.models import (
    AccountReadiness,
    AwsAccount,
    FieldValue,
    Registration,
    Sender,
    SendingSetup,
)
from registrations.services.accounts import events_topic_of
from registrations.services.transitions import require_reviewer
from registrations.states import Status
from tenants.models import Tenant, User
from tenants.services import audit_record, notice_create

EVENT_DESTINATION = "portal-events"

# Where an approved registration keeps the texts of its keywords: HELP and STOP replies, and
# an opt-in keyword with its confirmation. Types without them (toll-free, sender IDs) keep
# the replies AWS gives every number; the portal never composes its own.
KEYWORD_FIELDS = {
    overlay.CAMPAIGN: {
        "HELP": "campaignInfo.helpMessage",
        "STOP": "campaignInfo.stopMessage",
        "OPT_IN_KEYWORD": "campaignInfo.optInKeyword",
        "OPT_IN_MESSAGE": "campaignInfo.optInMessage",
    },
    overlay.SHORT_CODE: {
        "HELP": shortcode.HELP,
        "STOP": shortcode.STOP,
        "OPT_IN_KEYWORD": shortcode.OPT_IN_KEYWORD,
        "OPT_IN_MESSAGE": shortcode.CONFIRMATION,
    },
}


def _name(tenant: Tenant) -> str:
    return f"portal-{tenant.slug}"[:64]


def _approved_values(registration: Registration, paths: list[str]) -> dict[str, FieldValue]:
    version = (
        registration.versions.filter(aws_status="APPROVED").newest()
        or registration.versions.newest()
    )
    return {
        v.field_path: v for v in FieldValue.objects.filter(version=version, field_path__in=paths)
    }


def registration_keywords(registration: Registration) -> list[Keyword]:
    """The keywords an approved registration states, in its own words (none for a type whose
    form has no keyword texts)."""
    fields = KEYWORD_FIELDS.get(registration.registration_type)
    if not fields:
        return []
    values = _approved_values(registration, list(fields.values()))

    def text(key: str) -> str:
        found = values.get(fields.get(key, ""))
        return (found.text_value or "").strip() if found else ""

    keywords = []
    if text("HELP"):
        keywords.append(Keyword("HELP", text("HELP")[:1600], "AUTOMATIC_RESPONSE"))
    if text("STOP"):
        keywords.append(Keyword("STOP", text("STOP")[:1600], "OPT_OUT"))
    if text("OPT_IN_KEYWORD") and text("OPT_IN_MESSAGE"):
        for word in re.split(r"[\s,;]+", text("OPT_IN_KEYWORD")):
            if word and word.upper() not in ("HELP", "STOP"):
                keywords.append(Keyword(word.upper()[:30], text("OPT_IN_MESSAGE")[:1600], "OPT_IN"))
    return keywords


def registration_wants_two_way(registration: Registration) -> bool:
    """Recipients text in to join: a campaign with an opt-in keyword, a short code whose
    opt-in methods include a keyword."""
    if registration.registration_type == overlay.CAMPAIGN:
        values = _approved_values(registration, ["campaignInfo.optInKeyword"])
        found = values.get("campaignInfo.optInKeyword")
        return bool(found and (found.text_value or "").strip())
    if registration.registration_type == overlay.SHORT_CODE:
        values = _approved_values(registration, ["optIn.optInMethods"])
        found = values.get("optIn.optInMethods")
        return bool(found and "KEYWORD" in (found.select_choices or []))
    return False


def _inbound_topic(tenant: Tenant) -> str:
    """A tenant's own account with a topic of its own answers there; otherwise the provider's
    inbound topic."""
    own = AwsAccount.objects.filter(tenant=tenant, verified_at__isnull=False).exclude(
        events_topic_arn=""
    )
    if own.exists():
        return events_topic_of(tenant)
    return next(iter(settings.SNS_INBOUND_TOPIC_ARNS), "") or settings.EUM_EVENTS_TOPIC_ARN


def _target(setup: SendingSetup, senders: list[Sender]) -> OriginationSettings:
    """What the pool and every number in it share (two-way only for numbers: sender IDs are
    one-way)."""
    registrations = {
        s.registration_id: s.registration
        for s in senders
        if s.registration_id and s.kind == Sender.Kind.PHONE_NUMBER
    }
    topic = _inbound_topic(setup.tenant)
    two_way = bool(topic) and any(registration_wants_two_way(r) for r in registrations.values())
    return OriginationSettings(
        opt_out_list=setup.opt_out_list_name,
        two_way=two_way,
        two_way_channel=topic if two_way else "",
        self_managed_opt_outs=False,
    )


def protect_countries(setup: SendingSetup, senders: list[Sender]) -> list[str]:
    """The countries AWS lets the tenant's messages go to: those it has an active sender for,
    narrowed to its own allow-list when it set one."""
    countries = {s.iso_country for s in senders}
    if setup.allowed_countries:
        countries &= set(setup.allowed_countries)
    return sorted(countries)


@transaction.atomic
def sending_setup_countries_set(*, tenant: Tenant, countries: list[str]) -> SendingSetup:
    """The tenant's allow-list changed (its sending policy): AWS-side protection follows it.
    The protect configuration is updated by the sending setup task, after the commit."""
    setup, _ = SendingSetup.objects.select_for_update().get_or_create(tenant=tenant)
    if sorted(countries) != sorted(setup.allowed_countries):
        setup.allowed_countries = sorted(countries)
        setup.save(update_fields=["allowed_countries", "updated_at"])
        if setup.protect_configuration_id:
            enqueue("registrations.tasks.sending_setup_task", tenant.pk)
    return setup


def _done(setup: SendingSetup, step: str) -> None:
    setup.steps = {**setup.steps, step: timezone.now().isoformat()}
    setup.save(update_fields=["steps", "updated_at"])


def sending_setup_run(*, tenant_id: int) -> SendingSetup:
    tenant = Tenant.objects.get(pk=tenant_id)
    setup, _ = SendingSetup.objects.get_or_create(tenant=tenant)
    senders = list(
        Sender.objects.filter(tenant=tenant, status="ACTIVE")
        .select_related("registration")
        .order_by("pk")
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
        target = _target(setup, senders)
        _pool(gw, setup, senders, name, target)
        _configuration_set(gw, setup, name)
        _keywords(gw, setup, senders)
        _protect(gw, setup, protect_countries(setup, senders), tenant)
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


@transaction.atomic
def sending_setup_rerun(*, tenant: Tenant, actor: User) -> None:
    """Staff run the tenant's setup again (a quota was raised, resources were freed): the
    `aws` worker reads the quotas again first, as every run does."""
    require_reviewer(actor)
    setup = SendingSetup.objects.select_for_update().filter(tenant=tenant).first()
    if setup is None:
        raise ValidationError(
            f"{tenant.name} has no sending setup yet: it starts by itself once a sender is active."
        )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="sending_setup.run",
        obj=setup,
        after={"held_reason": setup.held_reason},
    )
    _rerun(tenant.pk)


def held_setups_rerun(*, tenant_id: int | None) -> list[int]:
    """After a read of an account's quotas (the provider's when `tenant_id` is None): the held
    setups of the tenants sending from it run again when the account now has room for a new
    setup (each run checks its own needs exactly and stays held, without a second notice, when
    they still do not fit). Returns the tenants queued."""
    readiness = AccountReadiness.objects.filter(
        scope=AccountReadiness.scope_of(Tenant(pk=tenant_id) if tenant_id else None)
    ).first()
    if readiness is None or readiness.read_error or not readiness.limits:
        return []
    left = {item["name"]: item["maximum"] - item["used"] for item in readiness.limits}
    if any(left.get(name, 1) < 1 for name in QUOTA_LABELS):
        return []
    setups = SendingSetup.objects.exclude(held_reason="")
    own = AwsAccount.objects.filter(verified_at__isnull=False).values("tenant_id")
    setups = setups.filter(tenant_id=tenant_id) if tenant_id else setups.exclude(tenant_id__in=own)
    held = list(setups.values_list("tenant_id", flat=True))
    for held_tenant in held:
        _rerun(held_tenant)
    return held


def sending_setup_hold(*, tenant: Tenant, reason: str) -> SendingSetup:
    """Holds the tenant's setup with `reason` (staff see it; the tenant gets one notice)."""
    setup, _ = SendingSetup.objects.get_or_create(tenant=tenant)
    return _hold(setup, reason)


def _rerun(tenant_id: int) -> None:
    """Runs a held setup again: a complete 10DLC campaign still without its number is
    provisioned first (that task runs the setup once the number is active), else the setup."""
    campaigns = list(
        Registration.objects.filter(
            tenant_id=tenant_id,
            registration_type=overlay.CAMPAIGN,
            status=Status.COMPLETE,
            senders__isnull=True,
        ).values_list("pk", flat=True)
    )
    for pk in campaigns:
        enqueue("registrations.tasks.registration_provision_task", pk)
    if not campaigns:
        enqueue("registrations.tasks.sending_setup_task", tenant_id)


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


def _number_matches(gw: Gateway, sender: Sender, target: OriginationSettings) -> None:
    """A number joins a pool only with the pool's settings: give it them first (possible only
    while it is in no pool; a pooled number's settings change through its pool)."""
    current = aws.phone_number_settings(gw, phone_number_id=sender.aws_id)
    if current is None or current.pool_id:
        return
    if (
        current.opt_out_list,
        current.two_way,
        current.self_managed_opt_outs,
    ) != (target.opt_out_list, target.two_way, target.self_managed_opt_outs) or (
        target.two_way and current.two_way_channel != target.two_way_channel
    ):
        aws.phone_number_settings_update(gw, phone_number_id=sender.aws_id, settings=target)


def _pool(
    gw: Gateway,
    setup: SendingSetup,
    senders: list[Sender],
    name: str,
    target: OriginationSettings,
) -> None:
    """One dedicated pool per tenant, by AWS's rules: created from a number that already has
    the pool's settings (the pool inherits its opt-out list, two-way, self-managed opt-outs and
    keywords), then kept at those settings; each number gets them before it joins; a sender ID
    joins as it is (it may sit in several pools)."""
    if not setup.pool_id:
        numbers = [s for s in senders if s.kind == Sender.Kind.PHONE_NUMBER]
        first = numbers[0] if numbers else senders[0]
        if first.kind == Sender.Kind.PHONE_NUMBER:
            _number_matches(gw, first, target)
        setup.pool_id = aws.pool_create(
            gw,
            origination_identity=first.aws_arn or first.aws_id,
            country=first.iso_country,
            client_token=f"{name}-pool",
        )
        setup.save(update_fields=["pool_id"])
    current = aws.pool_settings(gw, pool_id=setup.pool_id)
    if current is None or (
        current.opt_out_list,
        current.two_way,
        current.two_way_channel if target.two_way else "",
        current.self_managed_opt_outs,
    ) != (
        target.opt_out_list,
        target.two_way,
        target.two_way_channel,
        target.self_managed_opt_outs,
    ):
        aws.pool_settings_update(gw, pool_id=setup.pool_id, settings=target)
    _done(setup, "pool")
    members = aws.pool_origination_identities_list(gw, pool_id=setup.pool_id)
    for sender in senders:
        if {sender.aws_id, sender.aws_arn, sender.value} & members:
            continue
        if sender.kind == Sender.Kind.PHONE_NUMBER:
            _number_matches(gw, sender, target)
        aws.pool_origination_identity_associate(
            gw,
            pool_id=setup.pool_id,
            origination_identity=sender.aws_arn or sender.aws_id,
            country=sender.iso_country,
        )
    _done(setup, "pool_members")


def _keywords(gw: Gateway, setup: SendingSetup, senders: list[Sender]) -> None:
    """HELP, STOP and opt-in keywords on the pool, so that every number in it answers alike,
    from the oldest approved registration that states them. Sender IDs have no keywords
    ("Sender IDs do not support two-way SMS messaging"): their registrations give none, and a
    pool of sender IDs only gets none."""
    numbers = [s for s in senders if s.kind == Sender.Kind.PHONE_NUMBER]
    registrations = sorted(
        {s.registration_id: s.registration for s in numbers if s.registration_id}.values(),
        key=lambda r: r.pk,
    )
    wanted = next((k for k in map(registration_keywords, registrations) if k), [])
    present = aws.keywords_describe(gw, origination_identity=setup.pool_id) if wanted else {}
    for keyword in wanted:
        have = present.get(keyword.keyword.upper())
        if have is None or (have.message, have.action) != (keyword.message, keyword.action):
            aws.keyword_set(gw, origination_identity=setup.pool_id, keyword=keyword)
    _done(setup, "keywords")


def _configuration_set(gw: Gateway, setup: SendingSetup, name: str) -> None:
    found = aws.configuration_set_describe(gw, name=name)
    if found is None:
        aws.configuration_set_create(gw, name=name, client_token=f"{name}-cs")
    destinations = found.event_destinations if found else ()
    setup.configuration_set_name = name
    setup.save(update_fields=["configuration_set_name"])
    topic = events_topic_of(setup.tenant)
    if topic and EVENT_DESTINATION not in destinations:
        aws.event_destination_create(
            gw, configuration_set=name, name=EVENT_DESTINATION, topic_arn=topic
        )
    elif topic:
        # The events topic changed (a tenant's own account connected again with another one).
        current = aws_account.event_destinations_enabled(gw, configuration_set=name)
        if current.get(EVENT_DESTINATION, topic) != topic:
            aws.event_destination_topic_set(
                gw, configuration_set=name, name=EVENT_DESTINATION, topic_arn=topic
            )
    if topic:
        _done(setup, "configuration_set")


def _protect(gw: Gateway, setup: SendingSetup, countries: list[str], tenant: Tenant) -> None:
    """A new protect configuration allows every country: the tenant's countries are allowed and
    every other country is blocked, so AWS itself refuses a send the portal's own checks
    missed. In a tenant's own AWS account it is also the account default (it then covers sends
    made without the configuration set); in the provider's shared account the default is left
    alone, as it would apply to every tenant."""
    if not setup.protect_configuration_id:
        setup.protect_configuration_id = aws.protect_configuration_create(
            gw, client_token=f"{_name(setup.tenant)}-protect"
        )
        setup.save(update_fields=["protect_configuration_id"])
    pid = setup.protect_configuration_id
    allowed = set(countries)
    rules = aws.protect_configuration_rules(gw, protect_configuration_id=pid)
    changes = {
        iso: ("ALLOW" if iso in allowed else "BLOCK")
        for iso in set(rules) | allowed
        if rules.get(iso) != ("ALLOW" if iso in allowed else "BLOCK")
    }
    if changes:
        aws.protect_configuration_rules_update(gw, protect_configuration_id=pid, rules=changes)
    # AssociateProtectConfiguration replaces the configuration set's protect configuration.
    aws.protect_configuration_associate(
        gw, protect_configuration_id=pid, configuration_set=setup.configuration_set_name
    )
    if account_for(tenant).role_arn and not aws.protect_configuration_is_account_default(
        gw, protect_configuration_id=pid
    ):
        aws.protect_configuration_account_default_set(gw, protect_configuration_id=pid)
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
