"""Errors answered on the wire, shaped like the service model's error shapes."""

from __future__ import annotations


class ApiError(Exception):
    """An error that is serialised as ``{"__type": code, "Message": ..., <members>}``."""

    status = 400
    code = "ValidationException"

    def __init__(self, message: str, **members):
        super().__init__(message)
        self.message = message
        self.members = {k: v for k, v in members.items() if v is not None}

    def body(self) -> dict:
        return {"__type": self.code, "Message": self.message, **self.members}


class ValidationError(ApiError):
    code = "ValidationException"

    def __init__(self, message: str, reason: str = "INVALID_PARAMETER", fields=None):
        super().__init__(message, Reason=reason, Fields=fields)


class ConflictError(ApiError):
    code = "ConflictException"

    def __init__(self, message: str, reason: str, resource_type=None, resource_id=None):
        super().__init__(message, Reason=reason, ResourceType=resource_type, ResourceId=resource_id)


class NotFoundError(ApiError):
    status = 404
    code = "ResourceNotFoundException"

    def __init__(self, resource_type: str, resource_id: str, message: str | None = None):
        text = message or f"The {resource_type} {resource_id} does not exist."
        super().__init__(text, ResourceType=resource_type, ResourceId=resource_id)


class QuotaError(ApiError):
    code = "ServiceQuotaExceededException"

    def __init__(self, message: str, reason: str):
        super().__init__(message, Reason=reason)


class ThrottlingError(ApiError):
    code = "ThrottlingException"

    def __init__(self, message: str = "Rate exceeded"):
        super().__init__(message)


class InternalError(ApiError):
    status = 500
    code = "InternalServerException"

    def __init__(self, message: str = "Internal server error", request_id: str | None = None):
        super().__init__(message, RequestId=request_id)


class AccessDeniedError(ApiError):
    status = 403
    code = "AccessDeniedException"

    def __init__(self, message: str, reason: str = "ACCOUNT_DISABLED"):
        super().__init__(message, Reason=reason)


class ProtocolError(ApiError):
    """Generic awsJson errors that are not in the service model."""

    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code = code
        self.status = status
