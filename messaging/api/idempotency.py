"""`Idempotency-Key` for creating calls: the first answer is stored with a hash of the request
and replayed for the same key; another request under the same key is refused (409).

A single send keeps its key on the message row itself (unique per tenant, no record of its
own: `messaging.services.message_send`); the other creating calls use `idempotent` below.

The record is inserted at the end of the same transaction as the work: a concurrent request with
the same key waits on the unique index until the first commits, then rolls back and replays.
"""

from __future__ import annotations

import hashlib
from functools import wraps

from django.db import transaction
from django.http.request import RawPostDataException
from rest_framework.response import Response

from messaging.api.auth import error_body
from messaging.models import IdempotencyRecord

HEADER = "HTTP_IDEMPOTENCY_KEY"


def _hash(request) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode() + b" " + request.path.encode() + b"\n")
    try:
        digest.update(request.body)
    except RawPostDataException:
        _form_hash(digest, request._request)
    return digest.hexdigest()


def _form_hash(digest, request) -> None:
    """A multipart body is parsed before the view (portal/request_limits.py), after which the
    raw body cannot be read: the parsed fields and files are hashed instead, in name order."""
    for name in sorted(request.POST):
        for value in request.POST.getlist(name):
            digest.update(f"field {name!r} {value!r}\n".encode("utf-8", "surrogatepass"))
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            digest.update(f"file {name!r} {upload.name!r} {upload.size}\n".encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)


def _replay(record: IdempotencyRecord, request_hash: str) -> Response:
    if record.request_hash != request_hash:
        return reused_key()
    if record.status_code is None:
        return Response(
            error_body("idempotency_in_progress", "The first request is still running.", None),
            status=409,
        )
    response = Response(record.response, status=record.status_code)
    response["Idempotent-Replayed"] = "true"
    return response


def key_of(request) -> str | Response:
    """The request's Idempotency-Key ("" when none), or the 400 answer for an invalid one."""
    key = request.META.get(HEADER, "").strip()
    if len(key) > 255:
        return Response(
            error_body("invalid_header", "Idempotency-Key is at most 255 characters.", None),
            status=400,
        )
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in key):
        # A NUL cannot be stored (PostgreSQL), other control characters are no key either.
        return Response(
            error_body(
                "invalid_header", "Idempotency-Key may not contain control characters.", None
            ),
            status=400,
        )
    return key


def request_hash(request) -> str:
    return _hash(request)


def reused_key() -> Response:
    return Response(
        error_body(
            "idempotency_key_reused", "This Idempotency-Key was used for a different request.", None
        ),
        status=409,
    )


def idempotent(handler):
    """Wraps a DRF handler method (`post`)."""

    @wraps(handler)
    def wrapper(view, request, *args, **kwargs):
        key = key_of(request)
        if isinstance(key, Response):
            return key
        if not key:
            return handler(view, request, *args, **kwargs)
        request_hash = _hash(request)
        tenant, api_key = request.auth.tenant, request.auth
        # No look-up first: a replay runs the handler, fails on the unique index when it writes
        # its record, rolls its work back and answers with the stored response.
        try:
            with transaction.atomic():
                response = handler(view, request, *args, **kwargs)
                if response.status_code >= 500:
                    transaction.set_rollback(True)
                    return response
                # Written after the work, in the same transaction: a concurrent request with
                # the same key blocks on the unique index until this commits, then fails
                # and rolls back its own work, and replays this answer.
                IdempotencyRecord.objects.create(
                    tenant=tenant, api_key=api_key, key=key, request_hash=request_hash,
                    status_code=response.status_code, response=response.data,
                )  # fmt: skip
                return response
        except Exception:
            # A replay whose handler now refuses (the number opted out since) or whose record
            # insert hit the first request's: the stored answer wins.
            existing = IdempotencyRecord.objects.filter(
                tenant=tenant, api_key=api_key, key=key
            ).first()
            if existing is None:
                raise
            return _replay(existing, request_hash)

    return wrapper
