"""Reads for the staff's AWS account readiness pages: what AWS last said about an account
(`AccountReadiness`), set against what the portal's tenants use there, what the tenants
waiting in the pipeline will need, this month's estimated spend, and whether the portal's
public address is fit to give AWS (hosted terms, privacy and opt-in pages)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from compliance.public_address import public_address_checks
from messaging.models import GoLiveCheck, Message
from registrations import overlay
from registrations.models import (
    AccountReadiness,
    AwsAccount,
    Registration,
    Sender,
    SendingSetup,
    SupportCase,
)
from registrations.states import Status
from tenants.models import Tenant

LIMIT_LABELS = {
    "PHONE_NUMBERS": "Phone numbers",
    "POOLS": "Phone pools",
    "CONFIGURATION_SETS": "Configuration sets",
    "OPT_OUT_LISTS": "Opt-out lists (AWS's Default list counts too)",
    "SENDER_IDS": "Sender IDs",
    "REGISTRATIONS": "Registrations",
    "REGISTRATION_ATTACHMENTS": "Registration attachments",
    "VERIFIED_DESTINATION_NUMBERS": "Verified destination numbers",
}
# A tenant waiting in the pipeline: its registration is with the provider or AWS.
WAITING = (
    Status.IN_REVIEW,
    Status.QUEUED,
    Status.SUBMITTING,
    Status.SUBMITTED,
    Status.AWS_REVIEWING,
    Status.REVIEWING,
    Status.REQUIRES_AUTHENTICATION,
    Status.PROVISIONING,
)
NOT_YET_AT_AWS = (Status.IN_REVIEW, Status.QUEUED)


@dataclass(frozen=True)
class LimitRow:
    name: str
    label: str
    used: int  # at AWS
    maximum: int
    tenants_use: int | None  # what the portal's tenants here hold (None: not counted)
    waiting_need: int  # what tenants waiting in the pipeline will add
    waiting_tenants: tuple[str, ...]

    @property
    def left(self) -> int:
        return self.maximum - self.used

    @property
    def state(self) -> str:
        if self.left <= 0:
            return "full"
        if self.waiting_need > self.left:
            return "short"
        return "ok"


def tenant_ids_in_account(tenant: Tenant | None) -> list[int]:
    """The tenants whose resources live in the account: the tenant itself, or every tenant
    without a verified account of its own (the provider's)."""
    if tenant is not None:
        return [tenant.pk]
    own = AwsAccount.objects.filter(verified_at__isnull=False).values("tenant_id")
    return list(Tenant.objects.exclude(pk__in=own).values_list("pk", flat=True))


def _portal_use(tenant_ids: list[int]) -> dict[str, int]:
    setups = SendingSetup.objects.filter(tenant_id__in=tenant_ids)
    senders = Sender.objects.filter(tenant_id__in=tenant_ids).exclude(aws_id="")
    return {
        "POOLS": setups.exclude(pool_id="").count(),
        "CONFIGURATION_SETS": setups.exclude(configuration_set_name="").count(),
        "OPT_OUT_LISTS": setups.exclude(opt_out_list_name="").count(),
        "PHONE_NUMBERS": senders.filter(kind=Sender.Kind.PHONE_NUMBER).count(),
        "SENDER_IDS": senders.filter(kind=Sender.Kind.SENDER_ID).count(),
        "REGISTRATIONS": Registration.objects.filter(tenant_id__in=tenant_ids)
        .exclude(aws_registration_id="")
        .exclude(status=Status.DELETED)
        .count(),
    }


def _waiting(tenant_ids: list[int]) -> tuple[dict[str, int], dict[str, tuple[str, ...]]]:
    """What tenants waiting in the pipeline will need: a tenant without a sending setup yet
    needs a pool, a configuration set and an opt-out list once a registration completes; a
    registration not yet at AWS needs a registration slot; a 10DLC campaign, the phone number
    requested for it once it completes."""
    waiting = Registration.objects.filter(tenant_id__in=tenant_ids, status__in=WAITING)
    with_setup = SendingSetup.objects.exclude(pool_id="").values("tenant_id")
    new_tenants = tuple(
        Tenant.objects.filter(pk__in=waiting.values("tenant_id"))
        .exclude(pk__in=with_setup)
        .order_by("name")
        .values_list("name", flat=True)
    )
    not_at_aws = waiting.filter(status__in=NOT_YET_AT_AWS, aws_registration_id="")
    registration_tenants = tuple(sorted(set(not_at_aws.values_list("tenant__name", flat=True))))
    # A 10DLC campaign's number is requested once the campaign completes (provisioning.py).
    campaigns = waiting.filter(registration_type=overlay.CAMPAIGN, senders__isnull=True)
    needs = {key: len(new_tenants) for key in ("POOLS", "CONFIGURATION_SETS", "OPT_OUT_LISTS")}
    needs["REGISTRATIONS"] = not_at_aws.count()
    needs["PHONE_NUMBERS"] = campaigns.count()
    names = {key: new_tenants for key in ("POOLS", "CONFIGURATION_SETS", "OPT_OUT_LISTS")}
    names["REGISTRATIONS"] = registration_tenants
    names["PHONE_NUMBERS"] = tuple(sorted(set(campaigns.values_list("tenant__name", flat=True))))
    return needs, names


def limit_rows(readiness: AccountReadiness | None, tenant: Tenant | None) -> list[LimitRow]:
    if readiness is None:
        return []
    ids = tenant_ids_in_account(tenant)
    use = _portal_use(ids)
    needs, names = _waiting(ids)
    return [
        LimitRow(
            name=item["name"],
            label=LIMIT_LABELS.get(item["name"], item["name"]),
            used=item["used"],
            maximum=item["maximum"],
            tenants_use=use.get(item["name"]),
            waiting_need=needs.get(item["name"], 0),
            waiting_tenants=names.get(item["name"], ()),
        )
        for item in readiness.limits
    ]


def month_spend(tenant: Tenant | None) -> Decimal:
    """This month's estimated text spend of the tenants in the account (messages not failed)."""
    start = timezone.now().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    total = (
        Message.objects.filter(tenant_id__in=tenant_ids_in_account(tenant), created_at__gte=start)
        .exclude(status=Message.Status.FAILED)
        .aggregate(total=Sum("estimated_price"))["total"]
    )
    return (total or Decimal("0")).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class VerifiedRow:
    id: str
    number: str
    status: str
    created_at: datetime | None
    deletable_from: datetime | None  # AWS: 24 hours after it was added


def verified_rows(readiness: AccountReadiness | None) -> list[VerifiedRow]:
    rows = []
    for item in readiness.verified_numbers if readiness else []:
        created = parse_datetime(item["created_at"]) if item.get("created_at") else None
        rows.append(
            VerifiedRow(
                id=item["id"],
                number=item["number"],
                status=item["status"],
                created_at=created,
                deletable_from=created + timedelta(hours=24) if created else None,
            )
        )
    return rows


OPEN_CASE_STATES = (
    SupportCase.State.PREPARED,
    SupportCase.State.FILE_IN_CONSOLE,
    SupportCase.State.OPEN,
)


def open_support_cases(account: AwsAccount | None) -> list[SupportCase]:
    """The account's Support cases still waiting on AWS or on staff (None: the provider's)."""
    cases = SupportCase.objects.filter(state__in=OPEN_CASE_STATES).select_related("tenant")
    cases = cases.filter(aws_account=account) if account else cases.filter(aws_account=None)
    return list(cases[:20])


def provider_account_overview() -> dict:
    readiness = AccountReadiness.objects.filter(scope=AccountReadiness.PROVIDER).first()
    return {
        "readiness": readiness,
        "limit_rows": limit_rows(readiness, None),
        "verified_rows": verified_rows(readiness),
        "spend": month_spend(None),
        "address_checks": public_address_checks(),
        "tenant_accounts": list(
            AwsAccount.objects.select_related("tenant", "tenant__aws_readiness").order_by(
                "tenant__name"
            )
        ),
        "held_setups": list(
            SendingSetup.objects.exclude(held_reason="")
            .select_related("tenant")
            .order_by("tenant__name")
        ),
        "support_cases": open_support_cases(None),
    }


def tenant_account_overview(tenant: Tenant) -> dict:
    account = AwsAccount.objects.filter(tenant=tenant).first()
    readiness = AccountReadiness.objects.filter(tenant=tenant).first()
    verified = account is not None and account.verified_at is not None
    return {
        "account": account,
        "own_account": verified,
        "readiness": readiness if verified else None,
        "limit_rows": limit_rows(readiness, tenant) if verified else [],
        "verified_rows": verified_rows(readiness) if verified else [],
        "spend": month_spend(tenant),
        "held_setups": list(SendingSetup.objects.filter(tenant=tenant).exclude(held_reason="")),
        "support_cases": open_support_cases(account) if verified else [],
    }


def spend_share(readiness: AccountReadiness | None, spend: Decimal) -> int | None:
    """This month's estimated spend as a percentage of the enforced text limit."""
    limit = readiness.text_spend_limit if readiness else None
    if not limit or not limit["enforced"]:
        return None
    return int(spend * 100 / Decimal(limit["enforced"]))


def sender_for_staff(*, tenant: Tenant, pk: int) -> Sender | None:
    return Sender.objects.filter(tenant=tenant, pk=pk).select_related("registration").first()


def go_live_check_of(sender: Sender) -> GoLiveCheck | None:
    return GoLiveCheck.objects.filter(sender=sender).select_related("test_message").first()


def go_live_checklist(check: GoLiveCheck | None) -> list[dict]:
    """Each check with its label, the time it passed (a datetime) or None, and the detail."""
    rows = []
    for key, label in GoLiveCheck.CHECKS:
        found = check.checks.get(key, {}) if check else {}
        passed = parse_datetime(found["passed_at"]) if found.get("passed_at") else None
        detail = found.get("detail", "")
        rows.append({"key": key, "label": label, "passed_at": passed, "detail": detail})
    return rows
