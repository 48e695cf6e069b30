"""The AWS boundary (DESIGN.md §3): the only module that builds the `pinpoint-sms-voice-v2`
client and knows its PascalCase wire names.

Callers get plain Python values and a small set of typed errors. Every call passes the
account-wide rate limiter first and is written to the AWS call log when it concerns a
registration.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from functools import lru_cache, partial

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from django.conf import settings

from registrations import ratelimit
from registrations.models import AwsAccount, AwsCall, Registration
from tenants.models import Tenant

SERVICE = "pinpoint-sms-voice-v2"


# --- Typed errors ------------------------------------------------------------------------------


class AwsError(Exception):
    """An AWS call failed. `message` is AWS's own text, kept for staff."""

    def __init__(self, operation: str, code: str, message: str) -> None:
        super().__init__(f"{operation}: {code}: {message}")
        self.operation, self.code, self.message = operation, code, message


class RetryableError(AwsError):
    """Throttling, 5xx, timeouts, dropped connections: try again later."""


class ConflictError(AwsError):
    def __init__(
        self,
        operation: str,
        code: str,
        message: str,
        reason: str = "",
        resource_type: str = "",
        resource_id: str = "",
    ) -> None:
        super().__init__(operation, code, message)
        self.reason, self.resource_type, self.resource_id = reason, resource_type, resource_id


class ValidationFailed(AwsError):
    def __init__(
        self,
        operation: str,
        code: str,
        message: str,
        reason: str = "",
        fields: list[dict] | None = None,
    ) -> None:
        super().__init__(operation, code, message)
        self.reason = reason
        self.fields = [
            {"name": f.get("Name", ""), "message": f.get("Message", "")} for f in (fields or [])
        ]


class NotFoundError(AwsError):
    pass


class PermanentError(AwsError):
    """Access denied, quota exceeded, anything retrying will not fix."""


_RETRYABLE_CODES = {
    "ThrottlingException",
    "InternalServerException",
    "ServiceUnavailable",
    "RequestTimeout",
    "RequestTimeoutException",
}


def _translate(operation: str, exc: Exception) -> AwsError:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = error.get("Code", "Unknown")
        message = error.get("Message", str(exc))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        body = exc.response
        if code in _RETRYABLE_CODES or status >= 500:
            return RetryableError(operation, code, message)
        if code == "ConflictException":
            return ConflictError(
                operation,
                code,
                message,
                body.get("Reason", ""),
                body.get("ResourceType", ""),
                body.get("ResourceId", ""),
            )
        if code == "ValidationException":
            return ValidationFailed(
                operation, code, message, body.get("Reason", ""), body.get("Fields")
            )
        if code == "ResourceNotFoundException":
            return NotFoundError(operation, code, message)
        return PermanentError(operation, code, message)
    if isinstance(
        exc,
        EndpointConnectionError | ConnectionClosedError | ConnectTimeoutError | ReadTimeoutError,
    ):
        return RetryableError(operation, type(exc).__name__, str(exc))
    return RetryableError(operation, type(exc).__name__, str(exc))


# --- Clients per account context ------------------------------------------------------------


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
        account = AwsAccount.objects.filter(tenant=tenant).first()
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
CALL_ATTEMPTS = 4


def _session_kwargs() -> dict:
    if settings.AWS_ACCESS_KEY_ID:
        return {
            "aws_access_key_id": settings.AWS_ACCESS_KEY_ID,
            "aws_secret_access_key": settings.AWS_SECRET_ACCESS_KEY,
        }
    return {}


@lru_cache(maxsize=64)
def _client(context: AccountContext, endpoint: str, region: str, expires_bucket: int):
    kwargs = {"region_name": context.region or region, "config": _CONFIG}
    if endpoint:
        kwargs["endpoint_url"] = endpoint
    if not context.role_arn:
        client = boto3.client(SERVICE, **_session_kwargs(), **kwargs)
    else:
        sts = boto3.client("sts", region_name=region, **_session_kwargs())
        credentials = sts.assume_role(
            RoleArn=context.role_arn,
            RoleSessionName="sms-portal",
            ExternalId=context.external_id,
            DurationSeconds=3600,
        )["Credentials"]
        client = boto3.client(
            SERVICE,
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
            **kwargs,
        )
    # The rate limiter's fence is entered at the last moment before the request leaves
    # (after serialising and signing) and left as soon as the answer or the failure is back.
    client.meta.events.register(f"before-send.{SERVICE}", partial(_limit, context.key))
    client.meta.events.register(f"needs-retry.{SERVICE}", _unlimit)
    return client


# Data-plane operations are limited by their caller per origination identity (messaging's
# parts-per-second limiter), not by the control-plane rate.
DATA_PLANE = {"SendTextMessage"}


def _limit(account_key: str, event_name: str, **_: object) -> None:
    operation = event_name.rsplit(".", 1)[-1]
    if operation in DATA_PLANE:
        return
    ratelimit.fence_enter(f"{account_key}:{operation}")


def _unlimit(**_: object) -> None:
    # botocore asks whether to retry after every attempt, answered or failed: the moment the
    # next call of the operation may be timed from. Returning None leaves that decision alone.
    ratelimit.fence_leave()


def client_for(context: AccountContext):
    # Assumed-role credentials last an hour; the cache key changes every 50 minutes.
    bucket = int(time.time() // 3000) if context.role_arn else 0
    return _client(context, settings.EUM_ENDPOINT_URL, settings.AWS_REGION, bucket)


# --- The gateway ------------------------------------------------------------------------------


def _loggable(params: dict) -> dict:
    return {
        k: (f"<{len(v)} bytes>" if isinstance(v, bytes | bytearray) else v)
        for k, v in params.items()
    }


def _snake(operation: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in operation).lstrip("_")


@dataclass
class Gateway:
    tenant: Tenant | None = None
    registration: Registration | None = None
    context: AccountContext = field(default_factory=AccountContext)

    @classmethod
    def for_registration(cls, registration: Registration) -> Gateway:
        return cls(
            tenant=registration.tenant,
            registration=registration,
            context=account_for(registration.tenant),
        )

    def call(self, operation: str, **params) -> dict:
        method = getattr(client_for(self.context), _snake(operation))
        for attempt in range(CALL_ATTEMPTS):
            started = time.monotonic()
            try:
                response = method(**params)
            except (ClientError, BotoCoreError) as exc:
                cause, error = exc, _translate(operation, exc)
            else:
                cause = error = None
            finally:
                # botocore's needs-retry has normally left the fence already; this covers an
                # exception it did not see, before any backoff below.
                ratelimit.fence_leave()
            self._log(operation, params, started, error)
            if error is None:
                response.pop("ResponseMetadata", None)
                return response
            if isinstance(error, RetryableError) and attempt + 1 < CALL_ATTEMPTS:
                time.sleep(random.uniform(0, min(2.0, 0.2 * 2**attempt)))
                continue
            raise error from cause
        raise AssertionError("unreachable")

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

    def _pages(self, operation: str, key: str, **params) -> list[dict]:
        items: list[dict] = []
        while True:
            response = self.call(operation, **params)
            items += response.get(key, [])
            token = response.get("NextToken")
            if not token:
                return items
            params["NextToken"] = token

    # Definitions ---------------------------------------------------------------------------
    def type_definitions(self) -> list[dict]:
        return self._pages("DescribeRegistrationTypeDefinitions", "RegistrationTypeDefinitions")

    def section_definitions(self, registration_type: str) -> list[dict]:
        return self._pages(
            "DescribeRegistrationSectionDefinitions",
            "RegistrationSectionDefinitions",
            RegistrationType=registration_type,
        )

    def field_definitions(self, registration_type: str) -> list[dict]:
        return self._pages(
            "DescribeRegistrationFieldDefinitions",
            "RegistrationFieldDefinitions",
            RegistrationType=registration_type,
        )

    # Registrations -------------------------------------------------------------------------
    def create_registration(self, registration_type: str, client_token: str, name: str) -> dict:
        response = self.call(
            "CreateRegistration",
            RegistrationType=registration_type,
            ClientToken=client_token,
            Tags=[{"Key": "Name", "Value": name}],
        )
        return {
            "id": response["RegistrationId"],
            "arn": response["RegistrationArn"],
            "version": response["CurrentVersionNumber"],
            "status": response["RegistrationStatus"],
        }

    def create_version(self, registration_id: str) -> int:
        response = self.call("CreateRegistrationVersion", RegistrationId=registration_id)
        return response["VersionNumber"]

    @staticmethod
    def _registration(r: dict) -> dict:
        return {
            "id": r["RegistrationId"],
            "status": r["RegistrationStatus"],
            "current_version": r["CurrentVersionNumber"],
            "approved_version": r.get("ApprovedVersionNumber"),
            "denied_version": r.get("LatestDeniedVersionNumber"),
        }

    def list_registrations(self, statuses: list[str]) -> list[dict]:
        """Every registration of the account in one of `statuses`, 100 a call."""
        items = self._pages(
            "DescribeRegistrations",
            "Registrations",
            MaxResults=100,
            Filters=[{"Name": "registration-status", "Values": statuses}],
        )
        return [self._registration(r) for r in items]

    def describe_registrations(self, registration_ids: list[str]) -> list[dict]:
        """The given registrations, 5 a call (the API's limit); unknown ids are left out."""
        found = []
        for start in range(0, len(registration_ids), 5):
            batch = registration_ids[start : start + 5]
            try:
                items = self._pages("DescribeRegistrations", "Registrations", RegistrationIds=batch)
            except NotFoundError:
                items = []
                for rid in batch:  # one missing id fails the batch: find the others alone
                    try:
                        items += self.call("DescribeRegistrations", RegistrationIds=[rid])[
                            "Registrations"
                        ]
                    except NotFoundError:
                        continue
            found += [self._registration(r) for r in items]
        return found

    def describe_versions(
        self, registration_id: str, numbers: list[int] | None = None
    ) -> list[dict]:
        params = {"RegistrationId": registration_id}
        if numbers:
            params["VersionNumbers"] = numbers
        return [
            {
                "number": v["VersionNumber"],
                "status": v["RegistrationVersionStatus"],
                "denied_reasons": [
                    {
                        "reason": d.get("Reason", ""),
                        "short": d.get("ShortDescription", ""),
                        "long": d.get("LongDescription", ""),
                        "doc_title": d.get("DocumentationTitle", ""),
                        "doc_link": d.get("DocumentationLink", ""),
                    }
                    for d in v.get("DeniedReasons", [])
                ],
                "feedback": v.get("Feedback", ""),
            }
            for v in self._pages("DescribeRegistrationVersions", "RegistrationVersions", **params)
        ]

    def field_values(self, registration_id: str, version: int | None = None) -> dict[str, dict]:
        params = {"RegistrationId": registration_id}
        if version is not None:
            params["VersionNumber"] = version
        return {
            v["FieldPath"]: {
                "text": v.get("TextValue"),
                "choices": v.get("SelectChoices"),
                "attachment": v.get("RegistrationAttachmentId"),
                "denied_reason": v.get("DeniedReason", ""),
                "feedback": v.get("Feedback", ""),
            }
            for v in self._pages(
                "DescribeRegistrationFieldValues", "RegistrationFieldValues", **params
            )
        }

    def put_value(
        self,
        registration_id: str,
        field_path: str,
        *,
        text: str | None = None,
        choices: list[str] | None = None,
        attachment_id: str | None = None,
    ) -> None:
        params = {"RegistrationId": registration_id, "FieldPath": field_path}
        if attachment_id is not None:
            params["RegistrationAttachmentId"] = attachment_id
        elif choices is not None:
            params["SelectChoices"] = choices
        else:
            params["TextValue"] = text or ""
        self.call("PutRegistrationFieldValue", **params)

    def submit_version(self, registration_id: str, aws_review: bool = False) -> dict:
        response = self.call(
            "SubmitRegistrationVersion", RegistrationId=registration_id, AwsReview=aws_review
        )
        return {
            "version": response["VersionNumber"],
            "status": response["RegistrationVersionStatus"],
        }

    def create_association(self, registration_id: str, resource_id: str) -> dict:
        response = self.call(
            "CreateRegistrationAssociation", RegistrationId=registration_id, ResourceId=resource_id
        )
        return {"resource_id": response["ResourceId"], "resource_type": response["ResourceType"]}

    def associations(self, registration_id: str) -> list[dict]:
        return [
            {
                "resource_id": a["ResourceId"],
                "resource_type": a["ResourceType"],
                "phone_number": a.get("PhoneNumber", ""),
                "country": a.get("IsoCountryCode", ""),
            }
            for a in self._pages(
                "ListRegistrationAssociations",
                "RegistrationAssociations",
                RegistrationId=registration_id,
            )
        ]

    # Attachments ---------------------------------------------------------------------------
    def create_attachment(self, body: bytes, client_token: str) -> dict:
        response = self.call(
            "CreateRegistrationAttachment", AttachmentBody=body, ClientToken=client_token
        )
        return {"id": response["RegistrationAttachmentId"], "status": response["AttachmentStatus"]}

    def attachment_status(self, attachment_id: str) -> str:
        response = self.call(
            "DescribeRegistrationAttachments", RegistrationAttachmentIds=[attachment_id]
        )
        return response["RegistrationAttachments"][0]["AttachmentStatus"]

    # Numbers -------------------------------------------------------------------------------
    def request_phone_number(
        self,
        *,
        country: str,
        number_type: str,
        client_token: str,
        registration_id: str | None = None,
        message_types: tuple[str, ...] = ("TRANSACTIONAL",),
    ) -> dict:
        params = {
            "IsoCountryCode": country,
            "MessageType": message_types[0],
            "NumberCapabilities": ["SMS"],
            "NumberType": number_type,
            "ClientToken": client_token,
        }
        if registration_id:
            params["RegistrationId"] = registration_id
        response = self.call("RequestPhoneNumber", **params)
        return {
            "id": response["PhoneNumberId"],
            "number": response["PhoneNumber"],
            "status": response["Status"],
            "arn": response["PhoneNumberArn"],
        }

    # Sending (data plane) --------------------------------------------------------------------
    def send_text_message(
        self,
        *,
        destination: str,
        body: str,
        origination_identity: str,
        message_type: str,
        configuration_set: str = "",
        context: dict[str, str] | None = None,
    ) -> str:
        """One attempt (the caller retries throttling on its own schedule); returns the id.

        Not written to the AWS call log: messages keep their own record.
        """
        params = {
            "DestinationPhoneNumber": destination,
            "OriginationIdentity": origination_identity,
            "MessageBody": body,
            "MessageType": message_type,
        }
        if configuration_set:
            params["ConfigurationSetName"] = configuration_set
        if context:
            params["Context"] = context
        try:
            response = client_for(self.context).send_text_message(**params)
        except (ClientError, BotoCoreError) as exc:
            error = _translate("SendTextMessage", exc)
            if isinstance(exc, ClientError):
                error.reason = exc.response.get("Reason", "")
            raise error from exc
        return response["MessageId"]

    def opted_out_numbers(self, opt_out_list: str) -> list[dict]:
        """Every entry of the list: `number`, `at` (when it was opted out) and `end_user`
        (True when the recipient opted out with a keyword, False when added by a call)."""
        return [
            {
                "number": n["OptedOutNumber"],
                "at": n.get("OptedOutTimestamp"),
                "end_user": bool(n.get("EndUserOptedOut")),
            }
            for n in self._pages(
                "DescribeOptedOutNumbers", "OptedOutNumbers", OptOutListName=opt_out_list
            )
        ]

    def put_opted_out_number(self, opt_out_list: str, number: str) -> None:
        self.call("PutOptedOutNumber", OptOutListName=opt_out_list, OptedOutNumber=number)

    def delete_opted_out_number(self, opt_out_list: str, number: str) -> None:
        self.call("DeleteOptedOutNumber", OptOutListName=opt_out_list, OptedOutNumber=number)
