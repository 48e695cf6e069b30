"""API-key authentication, scopes, request rate limits and the one error shape."""

from __future__ import annotations

import functools
import threading
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


# A web process takes its count of a window in shares (leases) instead of one Redis call per
# request: a share of 1 % of the limit (at least 1, at most LEASE_MAX) is added to the shared count
# at once and then spent locally. The shared count is never below what was allowed, so a limit is
# never passed; a process's unspent share only makes the others refuse up to that share early.
# Limits under 200 a minute are counted request by request, as before.
LEASE_SHARE = 100
LEASE_MAX = 100


def _lease_size(limit: int) -> int:
    return max(1, min(LEASE_MAX, limit // LEASE_SHARE))


class RateLeases:
    """One process's unspent shares of the current windows' counts, per counted name."""

    def __init__(self, count_by: Callable[[list[str], list[int]], list[int]]) -> None:
        self._count_by = count_by  # adds each size to its key's shared count, returns the totals
        self._left: dict[str, tuple[int, int, int]] = {}  # name -> (window, limit, left)
        self._lock = threading.Lock()

    def allow(self, limits: dict[str, int], window: int) -> bool:
        """Counts one request under each name; False when any name is over its limit."""
        allowed, needed = True, []
        with self._lock:
            for name, limit in limits.items():
                held = self._left.get(name)
                if held and held[0] == window and held[1] == limit and held[2] > 0:
                    self._left[name] = (window, limit, held[2] - 1)
                else:
                    needed.append((name, limit))
        if not needed:
            return True
        sizes = [_lease_size(limit) for _, limit in needed]
        totals = self._count_by([f"portal:api-rate:{name}:{window}" for name, _ in needed], sizes)
        with self._lock:
            for (name, limit), size, total in zip(needed, sizes, totals, strict=True):
                granted = min(size, limit - (total - size))
                if granted <= 0:
                    allowed = False
                    continue
                held = self._left.get(name)
                left = held[2] if held and held[0] == window and held[1] == limit else 0
                self._left[name] = (window, limit, left + granted - 1)
        return allowed

    def forget(self) -> None:
        with self._lock:
            self._left.clear()


@functools.cache
def _leases() -> RateLeases:
    """This process's leases, counted in Redis when REDIS_URL is set (one round trip for all the
    names that need a share, shared by every process), else in Django's cache."""
    if not settings.REDIS_URL:

        def cache_count_by(keys: list[str], sizes: list[int]) -> list[int]:
            return [_cache_count(k, n) for k, n in zip(keys, sizes, strict=True)]

        return RateLeases(cache_count_by)
    client = redis_client(settings.REDIS_URL)

    def count_by(keys: list[str], sizes: list[int]) -> list[int]:
        pipe = client.pipeline(transaction=False)
        for key, size in zip(keys, sizes, strict=True):
            pipe.incrby(key, size)
            pipe.expire(key, 70)
        return pipe.execute()[::2]

    return RateLeases(count_by)


def rate_leases_forget() -> None:
    """Drops this process's unspent shares (tests that change the limits or reuse ids)."""
    _leases().forget()


def _cache_count(key: str, size: int = 1) -> int:
    if cache.add(key, size, 70):
        count = size
    else:
        try:
            count = cache.incr(key, size)
        except ValueError:
            cache.set(key, size, 70)
            count = size
    return count


def _now() -> float:
    """The clock the windows are cut from (a seam so that tests can hold one minute still)."""
    return time.time()


def rate_check(request) -> None:
    """Fixed one-minute windows per key and per tenant, shared by every process."""
    key = request.auth
    now = _now()
    limits = {
        f"key:{key.pk}": settings.API_RATE_PER_KEY,
        f"tenant:{key.tenant_id}": settings.API_RATE_PER_TENANT,
    }
    if not _leases().allow(limits, int(now // 60)):
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
