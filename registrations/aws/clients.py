"""A boto3 client per AWS account: the provider's own (no role), or a tenant's reached by
sts:AssumeRole with the tenant's role and external id."""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache, partial

import boto3
from botocore.config import Config
from django.conf import settings

from registrations.aws import limits
from registrations.models import AwsAccount
from tenants.models import Tenant

SERVICE = "pinpoint-sms-voice-v2"
# The second client kind: AWS Support (cases for short codes and limit increases), a global
# service whose API is served from us-east-1 only.
SUPPORT = "support"
SUPPORT_REGION = "us-east-1"
# The third: Amazon SNS, to subscribe the portal's hooks to a tenant's own account's topics
# (reached at EUM_ENDPOINT_URL too when it is set: the sandbox answers Subscribe).
SNS = "sns"


@dataclass(frozen=True)
class AccountContext:
    """The provider's own account (role_arn empty) or a tenant's account by AssumeRole."""

    role_arn: str = ""
    external_id: str = ""
    region: str = ""

    @property
    def key(self) -> str:
        return self.role_arn or "provider"


def account_for(tenant: Tenant | None) -> AccountContext:
    if tenant is not None:
        # Only a verified role: until then (or while a new role is being checked) the
        # tenant's calls stay where they were.
        account = AwsAccount.objects.filter(tenant=tenant, verified_at__isnull=False).first()
        if account is not None:
            return AccountContext(account.role_arn, account.external_id, account.region)
    return AccountContext()


# botocore does not retry: its retries would bypass the shared rate limiter. `Gateway.call`
# retries transient failures a few times itself, each attempt through the limiter; longer
# outages are retried by the task with its own backoff.
_CONFIG = Config(
    retries={"mode": "standard", "total_max_attempts": 1},
    connect_timeout=5,
    read_timeout=20,
    # Enough kept-alive connections for every worker thread: a request that must open a new
    # connection leaves later than its slot, and the next one may then arrive too close.
    max_pool_connections=32,
)


def _session_kwargs() -> dict:
    if settings.AWS_ACCESS_KEY_ID:
        return {
            "aws_access_key_id": settings.AWS_ACCESS_KEY_ID,
            "aws_secret_access_key": settings.AWS_SECRET_ACCESS_KEY,
        }
    return {}


@lru_cache(maxsize=64)
def _client(
    context: AccountContext, endpoint: str, region: str, expires_bucket: int, service: str = SERVICE
):
    kwargs = {"region_name": context.region or region, "config": _CONFIG}
    if service == SUPPORT:
        kwargs["region_name"] = SUPPORT_REGION
    if endpoint:
        kwargs["endpoint_url"] = endpoint
    if not context.role_arn:
        client = boto3.client(service, **_session_kwargs(), **kwargs)
    else:
        # With an endpoint (the sandbox), STS is asked there too: it answers AssumeRole for the
        # roles declared to it. Without one, AWS's own STS.
        sts_kwargs = {"endpoint_url": endpoint} if endpoint else {}
        sts = boto3.client(
            "sts", region_name=region, config=_CONFIG, **sts_kwargs, **_session_kwargs()
        )
        credentials = sts.assume_role(
            RoleArn=context.role_arn,
            RoleSessionName="sms-portal",
            ExternalId=context.external_id,
            DurationSeconds=3600,
        )["Credentials"]
        client = boto3.client(
            service,
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
            **kwargs,
        )
    # The rate limiter's fence is entered at the last moment before the request leaves
    # (after serialising and signing) and left as soon as the answer or the failure is back.
    client.meta.events.register(f"before-send.{service}", partial(_limit, context.key))
    client.meta.events.register(f"needs-retry.{service}", _unlimit)
    return client


# Data-plane operations are limited by their caller per origination identity (messaging's
# parts-per-second limiter), not by the control-plane rate.
DATA_PLANE = {"SendTextMessage"}


def _limit(account_key: str, event_name: str, **_: object) -> None:
    operation = event_name.rsplit(".", 1)[-1]
    if operation in DATA_PLANE:
        return
    limits.fence_enter(f"{account_key}:{operation}")


def _unlimit(**_: object) -> None:
    # botocore asks whether to retry after every attempt, answered or failed: the moment the
    # next call of the operation may be timed from. Returning None leaves that decision alone.
    limits.fence_leave()


def client_for(context: AccountContext, service: str = SERVICE):
    # Assumed-role credentials last an hour; the cache key changes every 50 minutes.
    bucket = int(time.time() // 3000) if context.role_arn else 0
    endpoint = settings.EUM_ENDPOINT_URL
    if service == SUPPORT:
        endpoint = settings.AWS_SUPPORT_ENDPOINT_URL
    return _client(context, endpoint, settings.AWS_REGION, bucket, service)
