"""Typed errors of the AWS edge: what callers catch instead of botocore's exceptions."""

from __future__ import annotations

from botocore.exceptions import ClientError


class AwsError(Exception):
    """An AWS call failed. `message` is AWS's own text, kept for staff; `reason` is AWS's
    machine-readable reason when it gave one (a refused send says why)."""

    def __init__(self, operation: str, code: str, message: str, reason: str = "") -> None:
        super().__init__(f"{operation}: {code}: {message}")
        self.operation, self.code, self.message, self.reason = operation, code, message, reason


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
        super().__init__(operation, code, message, reason)
        self.resource_type, self.resource_id = resource_type, resource_id


class ValidationFailed(AwsError):
    def __init__(
        self,
        operation: str,
        code: str,
        message: str,
        reason: str = "",
        fields: list[dict] | None = None,
    ) -> None:
        super().__init__(operation, code, message, reason)
        self.fields = [
            {"name": f.get("Name", ""), "message": f.get("Message", "")} for f in (fields or [])
        ]


class NotFoundError(AwsError):
    pass


class PermanentError(AwsError):
    """Access denied, quota exceeded, anything retrying will not fix."""


class SupportPlanRequired(PermanentError):
    """The account has no Business or Enterprise support plan, so the AWS Support API answers
    SubscriptionRequiredException: Support cases are filed by a person in the console."""


class AwsCallInTransaction(RuntimeError):
    """An AWS call was about to leave while a database transaction is open: ask AWS first,
    then apply what it said in a short `transaction.atomic` block."""


_RETRYABLE_CODES = {
    "ThrottlingException",
    "InternalServerException",
    "ServiceUnavailable",
    "RequestTimeout",
    "RequestTimeoutException",
    "Throttled",  # Amazon SNS
}


def translate(operation: str, exc: Exception) -> AwsError:
    """The typed error for a botocore exception raised by `operation`."""
    if not isinstance(exc, ClientError):
        # Connection refused, closed or timed out, and botocore's other transport failures.
        return RetryableError(operation, type(exc).__name__, str(exc))
    body = exc.response
    error = body.get("Error", {})
    code = error.get("Code", "Unknown")
    message = error.get("Message", str(exc))
    reason = body.get("Reason", "")
    status = body.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    if code in _RETRYABLE_CODES or status >= 500:
        return RetryableError(operation, code, message, reason)
    if code == "ConflictException":
        return ConflictError(
            operation,
            code,
            message,
            reason,
            body.get("ResourceType", ""),
            body.get("ResourceId", ""),
        )
    if code == "ValidationException":
        return ValidationFailed(operation, code, message, reason, body.get("Fields"))
    if code in ("ResourceNotFoundException", "CaseIdNotFound"):
        return NotFoundError(operation, code, message, reason)
    if code == "SubscriptionRequiredException":
        return SupportPlanRequired(operation, code, message, reason)
    return PermanentError(operation, code, message, reason)
