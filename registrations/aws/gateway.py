"""The single call path to AWS: every operation in `registrations.aws.operations` goes through
`Gateway.call`, which

1. refuses to run while a database transaction is open (`AwsCallInTransaction`): a row lock
   held across a network call makes workers wait on each other, and the limiter's own rows
   would stay locked with it;
2. passes the account-wide rate limiter (entered by the client's botocore hooks, see
   `registrations.aws.clients`);
3. translates botocore's exceptions into the typed errors of `registrations.aws.errors`,
   retrying transient ones a few times;
4. writes the AWS call log when the call concerns a tenant or a registration.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from botocore.exceptions import BotoCoreError, ClientError
from django.db import connections

from portal import backoff
from portal.backoff import Jitter
from registrations.aws import limits
from registrations.aws.clients import (
    SERVICE,
    SNS,
    SUPPORT,
    AccountContext,
    account_for,
    client_for,
)
from registrations.aws.errors import AwsCallInTransaction, AwsError, RetryableError, translate
from registrations.models import AwsCall, Registration
from tenants.models import Tenant

CALL_ATTEMPTS = 4


def transaction_open() -> bool:
    """Whether code holds a database transaction open on any connection of this thread.

    The atomic blocks that Django's test cases wrap around each test (pytest-django's `db`
    fixture) are marked `_from_testcase` and do not count, the same rule Django applies to
    `atomic(durable=True)`: so production, `django_db(transaction=True)` tests and plain `db`
    tests all refuse an AWS call inside a `transaction.atomic` block of the code under test.
    """
    return any(
        not getattr(block, "_from_testcase", False)
        for connection in connections.all(initialized_only=True)
        for block in connection.atomic_blocks
    )


def _loggable(value):
    """The parameters as the call log keeps them: file contents replaced by their size, at any
    depth (a Support attachment set nests them in a list)."""
    if isinstance(value, bytes | bytearray):
        return f"<{len(value)} bytes>"
    if isinstance(value, dict):
        return {k: _loggable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_loggable(v) for v in value]
    return value


def _snake(operation: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in operation).lstrip("_")


@dataclass
class Gateway:
    """Who is calling: the AWS account (`context`) and, for the call log, the tenant and the
    registration the calls concern."""

    tenant: Tenant | None = None
    registration: Registration | None = None
    context: AccountContext = field(default_factory=AccountContext)
    # Which AWS API: End User Messaging SMS (`clients.SERVICE`), AWS Support (`clients.SUPPORT`)
    # or Amazon SNS (`clients.SNS`).
    service: str = SERVICE

    def support(self) -> Gateway:
        """The same account and call log, for the AWS Support API."""
        return Gateway(
            tenant=self.tenant,
            registration=self.registration,
            context=self.context,
            service=SUPPORT,
        )

    def sns(self, region: str) -> Gateway:
        """The same account and call log, for Amazon SNS in `region` (a topic's own)."""
        return Gateway(
            tenant=self.tenant,
            registration=self.registration,
            context=AccountContext(self.context.role_arn, self.context.external_id, region),
            service=SNS,
        )

    @classmethod
    def for_registration(cls, registration: Registration) -> Gateway:
        return cls(
            tenant=registration.tenant,
            registration=registration,
            context=account_for(registration.tenant),
        )

    @classmethod
    def for_tenant(cls, tenant: Tenant) -> Gateway:
        return cls(tenant=tenant, context=account_for(tenant))

    def call(
        self,
        operation: str,
        params: dict | None = None,
        *,
        attempts: int = CALL_ATTEMPTS,
        logged: bool = True,
    ) -> dict:
        """AWS's answer to `operation` (without its ResponseMetadata); raises a typed error.
        For `registrations.aws.operations` only: nothing else names AWS's operations."""
        if transaction_open():
            raise AwsCallInTransaction(
                f"{operation} called inside a database transaction: ask AWS first, then "
                "apply the answer in a short transaction.atomic block."
            )
        params = params or {}
        try:
            client = client_for(self.context, self.service)
        except (ClientError, BotoCoreError) as exc:
            # A tenant's own account: sts:AssumeRole refused (wrong role or external id) or
            # unreachable. Said as the AssumeRole failure it is.
            error = translate("AssumeRole", exc)
            if logged:
                self._log("AssumeRole", {"RoleArn": self.context.role_arn}, time.monotonic(), error)
            raise error from exc
        method = getattr(client, _snake(operation))
        for attempt in range(attempts):
            started = time.monotonic()
            try:
                response = method(**params)
            except (ClientError, BotoCoreError) as exc:
                cause, error = exc, translate(operation, exc)
            else:
                cause = error = None
            finally:
                # botocore's needs-retry has normally left the fence already; this covers an
                # exception it did not see, before any backoff below.
                limits.fence_leave()
            if logged:
                self._log(operation, params, started, error)
            if error is None:
                response.pop("ResponseMetadata", None)
                return response
            if isinstance(error, RetryableError) and attempt + 1 < attempts:
                time.sleep(backoff.delay(attempt, base=0.2, cap=2.0, jitter=Jitter.FULL))
                continue
            raise error from cause
        raise AssertionError("unreachable")

    def pages(self, operation: str, key: str, params: dict | None = None) -> list[dict]:
        """Every item under `key` of every page of `operation`."""
        params = dict(params or {})
        items: list[dict] = []
        while True:
            response = self.call(operation, params)
            items += response.get(key, [])
            token = response.get("NextToken")
            if not token:
                return items
            params["NextToken"] = token

    def _log(self, operation: str, params: dict, started: float, error: AwsError | None) -> None:
        if self.tenant is None and self.registration is None:
            return
        AwsCall.objects.create(
            tenant=self.tenant,
            registration=self.registration,
            operation=operation,
            parameters=_loggable(params),
            outcome="error" if error else "ok",
            error_code=error.code if error else "",
            error_message=error.message if error else "",
            duration_ms=int((time.monotonic() - started) * 1000),
        )
