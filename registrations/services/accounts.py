"""The AWS accounts the portal sends from: the provider's own, and tenants' own accounts
reached by sts:AssumeRole ("bring your own account").

- Readiness: what AWS says about an account (tier, spend limits, quotas, verified destination
  numbers), read outside any transaction and stored on `AccountReadiness` with the time.
- Verified destination numbers: while an account is in the SMS sandbox tier it sends only to
  them; staff add one, AWS texts it a code, staff enter the code.
- Connecting a tenant's own account: the role is assumed and the account's attributes read
  before anything is stored; only then do the tenant's calls go there, and the portal
  subscribes its SNS hooks to the account's own topics (registration events; delivery events
  and inbound messages), which the hooks then accept and confirm.

Each function asks AWS first, outside any transaction, then records what AWS said (and the
audit entry) in one short `transaction.atomic` block.
"""

from __future__ import annotations

import contextlib
import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal.enqueue import enqueue
from registrations.aws import account as aws_account
from registrations.aws.clients import AccountContext
from registrations.aws.errors import AwsError, RetryableError
from registrations.aws.gateway import Gateway
from registrations.models import AccountReadiness, AwsAccount, SendingSetup
from tenants.models import Role, Tenant, User
from tenants.selectors import membership_get_any, provider_profile_get
from tenants.services import audit_record

ROLE_ARN = re.compile(r"^arn:aws(?:-[a-z]+)*:iam::(\d{12}):role/[\w+=,.@/-]{1,64}$")
TOPIC_ARN = re.compile(r"^arn:aws(?:-[a-z]+)*:sns:([a-z0-9-]+):(\d{12}):[\w-]{1,256}$")
EXTERNAL_ID = re.compile(r"^[\w+=,.@:/-]{2,1224}$")
REGION = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-\d$")
E164 = re.compile(r"^\+[1-9]\d{6,14}$")


def _require_staff(actor: User, *, act: bool = True) -> None:
    if not actor.is_provider_staff or (act and not actor.can_act_as_staff):
        raise PermissionDenied("Only provider staff who can act may change AWS accounts.")


def account_gateway(tenant: Tenant | None) -> Gateway:
    """The provider's account (no tenant), or the tenant's own verified account."""
    if tenant is None:
        return Gateway()
    if not AwsAccount.objects.filter(tenant=tenant, verified_at__isnull=False).exists():
        raise ValidationError(f"{tenant.name} sends from the provider's AWS account.")
    return Gateway.for_tenant(tenant)


def _said(exc: AwsError) -> str:
    return f"AWS answered {exc.code}: {exc.message}"


# --- Readiness ----------------------------------------------------------------------------


def account_readiness_read(*, tenant_id: int | None) -> AccountReadiness:
    """Asks AWS about the account (the provider's when `tenant_id` is None), then stores it.
    A permanent refusal is stored for staff to see; a transient one is raised (the task
    retries)."""
    tenant = Tenant.objects.get(pk=tenant_id) if tenant_id else None
    try:
        gw = account_gateway(tenant)
    except ValidationError as exc:  # the account was disconnected since the read was asked
        with transaction.atomic():
            readiness = _readiness_for_update(tenant)
            readiness.read_error = " ".join(exc.messages)
            readiness.save(update_fields=["read_error"])
        return readiness
    try:
        attributes = aws_account.account_attributes_get(gw)
        spend = aws_account.spend_limits_list(gw)
        limits = aws_account.account_limits_list(gw)
        numbers = aws_account.verified_numbers_list(gw)
    except RetryableError:
        raise
    except AwsError as exc:
        with transaction.atomic():
            readiness = _readiness_for_update(tenant)
            readiness.read_error = f"{exc.operation}: {_said(exc)}"
            readiness.save(update_fields=["read_error"])
        return readiness
    with transaction.atomic():
        readiness = _readiness_for_update(tenant)
        readiness.tier = attributes.tier
        readiness.spend_limits = [
            {
                "name": s.name,
                "enforced": s.enforced,
                "maximum": s.maximum,
                "overridden": s.overridden,
            }
            for s in spend
        ]
        readiness.limits = [{"name": x.name, "used": x.used, "maximum": x.maximum} for x in limits]
        readiness.verified_numbers = [_number(n) for n in numbers]
        readiness.read_at = timezone.now()
        readiness.read_error = ""
        readiness.save()
    if tenant is not None and subscriptions_wanted(tenant):
        aws_account_subscribe(tenant=tenant)  # the hourly read tries a refused one again
    return readiness


def _readiness_for_update(tenant: Tenant | None) -> AccountReadiness:
    readiness, _ = AccountReadiness.objects.select_for_update().get_or_create(
        scope=AccountReadiness.scope_of(tenant), defaults={"tenant": tenant}
    )
    return readiness


def _number(n) -> dict:
    return {
        "id": n.id,
        "number": n.number,
        "status": n.status,
        "created_at": n.created_at.isoformat() if n.created_at else None,
    }


@transaction.atomic
def account_readiness_request(*, tenant: Tenant | None, actor: User) -> AccountReadiness:
    """Staff ask for a fresh read; the `aws` worker asks AWS."""
    _require_staff(actor, act=False)
    if tenant is not None:
        account_gateway(tenant)  # refuses a tenant without an account of its own
    readiness = _readiness_for_update(tenant)
    readiness.requested_at = timezone.now()
    readiness.save(update_fields=["requested_at"])
    enqueue("registrations.tasks.account_readiness_read_task", tenant.pk if tenant else None)
    return readiness


# --- Verified destination numbers ------------------------------------------------------------


def _after_number_change(
    *, tenant: Tenant | None, actor: User, action: str, number: str, gw: Gateway
) -> None:
    """Reads the account's numbers again and records the change, in one short block."""
    numbers = [_number(n) for n in aws_account.verified_numbers_list(gw)]
    with transaction.atomic():
        readiness = _readiness_for_update(tenant)
        readiness.verified_numbers = numbers
        readiness.save(update_fields=["verified_numbers"])
        audit_record(
            tenant=tenant,
            actor=actor,
            action=action,
            obj=readiness,
            after={"number": number},
        )


def _known_number(tenant: Tenant | None, verified_number_id: str) -> dict:
    readiness = AccountReadiness.objects.filter(scope=AccountReadiness.scope_of(tenant)).first()
    for item in readiness.verified_numbers if readiness else []:
        if item["id"] == verified_number_id:
            return item
    raise ValidationError("That verified number is not in this account; reload the page.")


def verified_number_add(*, tenant: Tenant | None, actor: User, number: str) -> str:
    """Adds `number` to the account's verified destination numbers and has AWS text it a
    code. Returns AWS's id of the number."""
    _require_staff(actor)
    number = number.strip().replace(" ", "")
    if not E164.match(number):
        raise ValidationError(
            {"number": "Write the number in E.164 form: + and the country code, e.g. +12065550142."}
        )
    gw = account_gateway(tenant)
    made = None
    try:
        made = aws_account.verified_number_create(gw, number=number)
        aws_account.verified_number_code_send(gw, verified_number_id=made.id)
    except AwsError as exc:
        if made is not None:  # added, but no code went out: it is listed with "Send the code"
            _after_number_change(
                tenant=tenant, actor=actor, action="aws_account.verified_number_add",
                number=number, gw=gw,
            )  # fmt: skip
        raise ValidationError({"number": _said(exc)}) from exc
    _after_number_change(
        tenant=tenant, actor=actor, action="aws_account.verified_number_add", number=number, gw=gw
    )
    return made.id


def verified_number_code_resend(
    *, tenant: Tenant | None, actor: User, verified_number_id: str
) -> None:
    _require_staff(actor)
    item = _known_number(tenant, verified_number_id)
    gw = account_gateway(tenant)
    try:
        aws_account.verified_number_code_send(gw, verified_number_id=verified_number_id)
    except AwsError as exc:
        raise ValidationError({"code": _said(exc)}) from exc
    with transaction.atomic():
        audit_record(
            tenant=tenant,
            actor=actor,
            action="aws_account.verified_number_code_send",
            after={"number": item["number"]},
        )


def verified_number_confirm(
    *, tenant: Tenant | None, actor: User, verified_number_id: str, code: str
) -> None:
    _require_staff(actor)
    item = _known_number(tenant, verified_number_id)
    code = code.strip()
    if not re.fullmatch(r"\d{4,10}", code):
        raise ValidationError({"code": "Enter the digits of the code the phone received."})
    gw = account_gateway(tenant)
    try:
        aws_account.verified_number_verify(gw, verified_number_id=verified_number_id, code=code)
    except AwsError as exc:
        raise ValidationError({"code": _said(exc)}) from exc
    _after_number_change(
        tenant=tenant,
        actor=actor,
        action="aws_account.verified_number_verify",
        number=item["number"],
        gw=gw,
    )


def verified_number_remove(*, tenant: Tenant | None, actor: User, verified_number_id: str) -> None:
    _require_staff(actor)
    item = _known_number(tenant, verified_number_id)
    gw = account_gateway(tenant)
    try:
        aws_account.verified_number_delete(gw, verified_number_id=verified_number_id)
    except AwsError as exc:
        raise ValidationError({"number": _said(exc)}) from exc
    _after_number_change(
        tenant=tenant,
        actor=actor,
        action="aws_account.verified_number_delete",
        number=item["number"],
        gw=gw,
    )


# --- Bring your own account --------------------------------------------------------------------


def may_connect_account(*, tenant: Tenant, actor: User) -> bool:
    """Staff who can act always; a tenant owner where the provider allows it."""
    if actor.is_provider_staff:
        return actor.can_act_as_staff
    if not provider_profile_get().tenants_bring_aws_accounts:
        return False
    membership = membership_get_any(user=actor, tenant_slug=tenant.slug)
    return membership is not None and Role.at_least(membership.role, Role.OWNER)


def aws_account_connect(
    *,
    tenant: Tenant,
    actor: User,
    role_arn: str,
    external_id: str,
    region: str = "",
    registration_topic_arn: str = "",
    events_topic_arn: str = "",
) -> AwsAccount:
    """Verifies the role by assuming it and reading the account's attributes; only then is the
    account stored (and the tenant's calls go there). A refusal stores nothing."""
    if not may_connect_account(tenant=tenant, actor=actor):
        raise PermissionDenied("Connecting an AWS account needs provider staff or the owner role.")
    role_arn, external_id = role_arn.strip(), external_id.strip()
    region, registration_topic_arn = region.strip(), registration_topic_arn.strip()
    events_topic_arn = events_topic_arn.strip()
    errors: dict[str, str] = {}
    role = ROLE_ARN.match(role_arn)
    if not role:
        errors["role_arn"] = (
            "Enter the role's ARN as IAM shows it: arn:aws:iam::<12-digit account>:role/<name>."
        )
    if not EXTERNAL_ID.match(external_id):
        errors["external_id"] = (
            "Enter the external id the role's trust policy requires (2 or more letters, digits "
            "or +=,.@:/-)."
        )
    if region and not REGION.match(region):
        errors["region"] = "Enter an AWS region such as us-east-1, or leave it empty."
    for name, value, whose in (
        ("registration_topic_arn", registration_topic_arn, "the registration events come from"),
        ("events_topic_arn", events_topic_arn, "the configuration set publishes to a topic of"),
    ):
        topic = TOPIC_ARN.match(value) if value else None
        if value and not topic:
            errors[name] = "Enter an SNS topic ARN: arn:aws:sns:<region>:<account>:<topic name>."
        elif topic and role and topic.group(2) != role.group(1):
            errors[name] = (
                f"The topic belongs to account {topic.group(2)}, the role to {role.group(1)}: "
                f"{whose} the tenant's own account."
            )
    if errors:
        raise ValidationError(errors)
    # No tenant on the gateway: a refused attempt leaves no call-log row behind either.
    gw = Gateway(context=AccountContext(role_arn, external_id, region))
    try:
        attributes = aws_account.account_attributes_get(gw)
    except AwsError as exc:
        if exc.operation == "AssumeRole":
            raise ValidationError(
                {
                    "role_arn": f"The portal could not assume the role. {_said(exc)}. Check that "
                    "the role's trust policy allows the portal's account and requires this "
                    "external id."
                }
            ) from exc
        raise ValidationError(
            {"role_arn": f"The role was assumed but could not read the account. {_said(exc)}."}
        ) from exc
    with transaction.atomic():
        account = AwsAccount.objects.select_for_update().filter(tenant=tenant).first()
        before = {"role_arn": account.role_arn, "account_id": account.account_id} if account else {}
        topic_changed = account is not None and account.events_topic_arn != events_topic_arn
        account = account or AwsAccount(tenant=tenant)
        account.role_arn, account.external_id, account.region = role_arn, external_id, region
        account.account_id = role.group(1)
        account.registration_topic_arn = registration_topic_arn
        account.events_topic_arn = events_topic_arn
        account.verified_at, account.verify_error = timezone.now(), ""
        account.save()
        readiness = _readiness_for_update(tenant)
        readiness.tier = attributes.tier
        readiness.save(update_fields=["tier"])
        audit_record(
            tenant=tenant,
            actor=actor,
            action="aws_account.connect",
            obj=account,
            before=before,
            after={"role_arn": role_arn, "account_id": account.account_id, "tier": attributes.tier},
        )
        enqueue("registrations.tasks.account_readiness_read_task", tenant.pk)
        has_set = (
            SendingSetup.objects.filter(tenant=tenant).exclude(configuration_set_name="").exists()
        )
        if topic_changed and has_set:
            # The configuration set's event destination follows the new topic.
            enqueue("registrations.tasks.sending_setup_task", tenant.pk)
    aws_account_subscribe(tenant=tenant)
    account.refresh_from_db()
    return account


# The portal's SNS hooks, by name: the account's topic each takes, and the hook's URL name.
SUBSCRIBED_HOOKS = (
    ("registrations", "registration_topic_arn", "sns_registration_events"),
    ("delivery", "events_topic_arn", "sns_delivery_events"),
)


def hook_endpoint(url_name: str) -> str:
    """A hook's address as AWS reaches it (PORTAL_BASE_URL)."""
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse(url_name)


def _subscribe(gw: Gateway, topic: str, url_name: str) -> dict:
    """One hook subscribed to one topic: what SNS answered, or why it refused."""
    entry = {"topic": topic, "endpoint": hook_endpoint(url_name), "subscription": "", "error": ""}
    try:
        entry["subscription"] = aws_account.topic_subscribe(
            gw, topic_arn=topic, endpoint=entry["endpoint"]
        )
    except AwsError as exc:
        entry["error"] = f"{exc.operation}: {_said(exc)}"
    entry["at"] = timezone.now().isoformat()
    return entry


def aws_account_subscribe(*, tenant: Tenant) -> dict:
    """Subscribes the portal's hooks to the topics of the tenant's own account (SNS Subscribe
    through the role, outside any transaction), as the provider's topics are subscribed to
    them; SNS then posts a SubscriptionConfirmation that the hook confirms. What SNS answered
    (or why it refused) is stored on the account for staff. Subscribing again is harmless: SNS
    answers with the same subscription."""
    account = AwsAccount.objects.filter(tenant=tenant, verified_at__isnull=False).first()
    if account is None:
        return {}
    gw = Gateway.for_tenant(tenant)
    _unsubscribe_replaced(gw, account)
    found = {
        hook: _subscribe(gw, getattr(account, field), url_name)
        for hook, field, url_name in SUBSCRIBED_HOOKS
        if getattr(account, field)
    }
    with transaction.atomic():
        current = AwsAccount.objects.select_for_update().get(pk=account.pk)
        if (current.role_arn, current.registration_topic_arn, current.events_topic_arn) != (
            account.role_arn,
            account.registration_topic_arn,
            account.events_topic_arn,
        ):
            return current.subscriptions  # changed meanwhile: that change subscribes itself
        current.subscriptions = found
        current.save(update_fields=["subscriptions"])
        audit_record(
            tenant=tenant,
            actor=None,
            action="aws_account.subscribe",
            obj=current,
            after={hook: e["error"] or e["subscription"] for hook, e in found.items()},
        )
    return found


def _unsubscribe_replaced(gw: Gateway, account: AwsAccount) -> None:
    """Ends the portal's subscriptions to topics of the account it no longer uses (a topic
    replaced or cleared on connecting again). Their messages would be refused by the hooks
    anyway; a refusal here (the topic gone, the role without sns:Unsubscribe) is left at that."""
    for hook, field, _ in SUBSCRIBED_HOOKS:
        old = (account.subscriptions or {}).get(hook) or {}
        topic = TOPIC_ARN.match(old.get("topic", ""))
        if (
            topic is None
            or old["topic"] == getattr(account, field)
            or topic.group(2) != account.account_id
            or not old.get("subscription", "").startswith(old["topic"] + ":")
        ):
            continue
        with contextlib.suppress(AwsError):
            aws_account.topic_unsubscribe(gw, subscription_arn=old["subscription"])


def provider_topics_subscribe() -> list[dict]:
    """Subscribes the portal's hooks to the provider's own topics (SNS_REGISTRATION_TOPIC_ARNS;
    EUM_EVENTS_TOPIC_ARN and SNS_INBOUND_TOPIC_ARNS) with the portal's own credentials, for a
    deployment (`manage.py sns_subscribe`). One entry per topic: what SNS answered, or why it
    refused. Subscribing again is harmless."""
    wanted = [(t, "sns_registration_events") for t in settings.SNS_REGISTRATION_TOPIC_ARNS]
    delivery = [settings.EUM_EVENTS_TOPIC_ARN, *settings.SNS_INBOUND_TOPIC_ARNS]
    wanted += [(t, "sns_delivery_events") for t in dict.fromkeys(delivery) if t]
    gw = Gateway()
    return [_subscribe(gw, topic, url_name) for topic, url_name in wanted]


# Connecting subscribes right after the account is stored; a topic still without a subscription
# this long after is one that connecting did not get to.
SUBSCRIBE_GRACE = timedelta(minutes=10)


def subscriptions_wanted(tenant: Tenant) -> bool:
    """Whether a topic of the tenant's own account has no working subscription of the portal's
    hook: SNS refused it, or connecting never got to it."""
    account = AwsAccount.objects.filter(tenant=tenant, verified_at__isnull=False).first()
    if account is None:
        return False
    settled = account.verified_at < timezone.now() - SUBSCRIBE_GRACE
    for hook, field, _ in SUBSCRIBED_HOOKS:
        entry = account.subscriptions.get(hook) or {}
        topic = getattr(account, field)
        if topic and (entry.get("error") or (settled and entry.get("topic") != topic)):
            return True
    return False


def events_topic_of(tenant: Tenant) -> str:
    """Where the tenant's configuration set sends its delivery events (and its numbers their
    inbound messages): its own account's topic once connected, else the provider's."""
    own = (
        AwsAccount.objects.filter(tenant=tenant, verified_at__isnull=False)
        .values_list("events_topic_arn", flat=True)
        .first()
    )
    return own or settings.EUM_EVENTS_TOPIC_ARN


def event_topics_of_tenant_accounts() -> list[str]:
    """The delivery and inbound topics of tenants' own verified accounts: accepted by the
    delivery hook like the provider's own."""
    return list(
        AwsAccount.objects.filter(verified_at__isnull=False)
        .exclude(events_topic_arn="")
        .values_list("events_topic_arn", flat=True)
    )


def registration_topics_of_tenant_accounts() -> list[str]:
    """The SNS topics of tenants' own verified accounts: their registration events are
    accepted by the registration hook like the provider's own topics."""
    return list(
        AwsAccount.objects.filter(verified_at__isnull=False)
        .exclude(registration_topic_arn="")
        .values_list("registration_topic_arn", flat=True)
    )


def tenants_with_own_accounts() -> list[int]:
    return list(
        AwsAccount.objects.filter(verified_at__isnull=False).values_list("tenant_id", flat=True)
    )
