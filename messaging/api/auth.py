"""API-key authentication, scopes, request rate limits and the one error shape."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions, status
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import exception_handler

from messaging.checks import ApiRefusal
from registrations.aws.limits import redis_client
from tenants.api_keys import api_key_authenticate


class ApiPrincipal:
    """The caller: a tenant's API key (no person)."""

    is_authenticated = True

    def __init__(self, key) -> None:
        self.key, self.tenant = key, key.tenant


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise exceptions.AuthenticationFailed("Use Authorization: Bearer <API key>.")
        key = api_key_authenticate(token.strip())
        if key is None:
            raise exceptions.AuthenticationFailed("The API key is unknown, revoked or expired.")
        return ApiPrincipal(key), key

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


@functools.cache  # one class per scope, built once (not on every request)
def scoped(scope: str) -> type[BasePermission]:
    class HasScope(BasePermission):
        message = f"This API key lacks the “{scope}” scope."

        def has_permission(self, request, view) -> bool:
            return bool(request.auth) and scope in request.auth.scopes

    HasScope.__name__ = f"Has{scope.title().replace('_', '')}Scope"
    return HasScope


def _counts(names: list[str], window: int) -> list[int]:
    """Counts this minute's requests under each name."""
    return _counter()([f"portal:api-rate:{name}:{window}" for name in names])


@functools.cache
def _counter() -> Callable[[list[str]], list[int]]:
    """How this process counts, chosen once from the settings: Redis when REDIS_URL is set (one
    round trip for all the keys, shared by every process), else Django's cache."""
    if not settings.REDIS_URL:
        return lambda keys: [_cache_count(key) for key in keys]
    client = redis_client(settings.REDIS_URL)

    def count(keys: list[str]) -> list[int]:
        pipe = client.pipeline(transaction=False)
        for key in keys:
            pipe.incr(key)
            pipe.expire(key, 70)
        return pipe.execute()[::2]

    return count


def _cache_count(key: str) -> int:
    if cache.add(key, 1, 70):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, 70)
            count = 1
    return count


def rate_check(request) -> None:
    """Fixed one-minute windows per key and per tenant, shared by every process."""
    key = request.auth
    now = time.time()
    counts = _counts([f"key:{key.pk}", f"tenant:{key.tenant_id}"], int(now // 60))
    limits = (settings.API_RATE_PER_KEY, settings.API_RATE_PER_TENANT)
    if any(count > limit for count, limit in zip(counts, limits, strict=True)):
        raise exceptions.Throttled(
            wait=60 - (now % 60), detail="Too many requests for this key or account."
        )


_CODES = {
    400: "invalid_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}


def error_body(code: str, message: str, field: str | None = None) -> dict:
    return {"error": {"code": code, "message": message, "field": field}}


def too_large_body() -> dict:
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE (read by Django) but under REQUEST_BODY_MAX_BYTES
    (refused before it is read, portal/request_limits.py): the same code as the latter."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return error_body(
        "payload_too_large", f"The request body is larger than the {limit} bytes accepted."
    )


def _first(detail, path: str = "") -> tuple[str | None, str]:
    if isinstance(detail, dict):
        for name, value in detail.items():
            if isinstance(name, int):  # a list serializer's errors, by item index
                return _first(value, f"{path}[{name}]")
            sub = name if name != "non_field_errors" else ""
            return _first(value, f"{path}.{sub}".strip(".") if sub else path)
    if isinstance(detail, list) and detail:
        if all(isinstance(d, dict) for d in detail):
            for index, value in enumerate(detail):
                if value:
                    return _first(value, f"{path}[{index}]")
        return _first(detail[0], path)
    return (path or None), str(detail)


def api_exception_handler(exc, context):
    if isinstance(exc, ApiRefusal):
        return Response({"error": exc.as_dict()}, status=exc.status)
    if isinstance(exc, RequestDataTooBig):
        return Response(too_large_body(), status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        field, message = _first(exc.detail)
        response.data = error_body("invalid_field", message, field)
    else:
        code = _CODES.get(response.status_code, "error")
        response.data = error_body(code, str(getattr(exc, "detail", exc)))
    if response.status_code == status.HTTP_429_TOO_MANY_REQUESTS and "Retry-After" not in response:
        response["Retry-After"] = "60"
    return response


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI document (drf-spectacular) describes the API key."""

    target_class = "messaging.api.auth.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "smsk_<prefix>_<secret>"}
