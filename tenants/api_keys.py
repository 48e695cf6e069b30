"""API keys of the sending API: create (the secret is shown once), rotate with an overlap
window, revoke, and authenticate a presented key. Only an HMAC of the secret is stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tenants.models import ApiKey, Tenant, User
from tenants.services import audit_record

KEY_PREFIX = "smsk_"
LAST_USED_RESOLUTION = timedelta(seconds=60)
SCOPES = [scope for scope, _ in ApiKey.Scope.choices]

# Every API call authenticates: a key (with its tenant) is read from the database once per
# process every AUTH_CACHE_SECONDS, not on every call. The secret's HMAC, expiry, rotation
# overlap and revocation are still checked on every call against what was read; a revocation
# or a suspended tenant applies at once in the process that made the change and within
# AUTH_CACHE_SECONDS in the others.
AUTH_CACHE_SECONDS = 2.0
_AUTH_CACHE_MAX = 10_000
_auth_cache: dict[str, tuple[float, ApiKey]] = {}
_auth_cache_lock = threading.Lock()


def api_key_cache_forget(prefix: str | None = None) -> None:
    """Drops this process's cached key (all keys when `prefix` is None)."""
    with _auth_cache_lock:
        if prefix is None:
            _auth_cache.clear()
        else:
            _auth_cache.pop(prefix, None)


def _key_by_prefix(prefix: str) -> ApiKey | None:
    now = time.monotonic()
    cached = _auth_cache.get(prefix)
    if cached is not None and now - cached[0] <= AUTH_CACHE_SECONDS:
        return cached[1]
    key = ApiKey.objects.select_related("tenant").filter(prefix=prefix).first()
    if key is not None:  # unknown prefixes are not kept: nobody can fill the cache with them
        with _auth_cache_lock:
            if len(_auth_cache) >= _AUTH_CACHE_MAX:
                _auth_cache.clear()
            _auth_cache[prefix] = (now, key)
    return key


def _hmac(secret: str) -> str:
    key = hashlib.sha256(f"api-key:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, secret.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class IssuedKey:
    key: ApiKey
    plaintext: str  # shown once, never stored


def _issue(*, tenant: Tenant, actor: User | None, name: str, scopes: list[str], expires_at):
    # Read fresh and locked: a suspension committed meanwhile stops the issue.
    current = Tenant.objects.select_for_update().filter(pk=tenant.pk).values("status").first()
    if current is None or current["status"] != Tenant.Status.ACTIVE:
        raise ValidationError(
            "This account is suspended or closed: no API key can be issued. Contact your provider."
        )
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        tenant=tenant,
        name=name,
        prefix=prefix,
        secret_hmac=_hmac(secret),
        scopes=scopes,
        created_by=actor,
        expires_at=expires_at,
    )
    return IssuedKey(key, f"{KEY_PREFIX}{prefix}_{secret}")


def _clean_scopes(scopes: list[str]) -> list[str]:
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise ValidationError({"scopes": "Choose at least one of: " + ", ".join(SCOPES) + "."})
    return [s for s in SCOPES if s in scopes]


@transaction.atomic
def api_key_create(
    *,
    tenant: Tenant,
    actor: User,
    name: str,
    scopes: list[str],
    expires_at: datetime | None = None,
) -> IssuedKey:
    if not name.strip():
        raise ValidationError({"name": "Give the key a name."})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": "The expiry must be in the future."})
    issued = _issue(
        tenant=tenant, actor=actor, name=name.strip(), scopes=_clean_scopes(scopes),
        expires_at=expires_at,
    )  # fmt: skip
    audit_record(
        tenant=tenant,
        actor=actor,
        action="api_key.create",
        obj=issued.key,
        after={"name": issued.key.name, "prefix": issued.key.prefix, "scopes": issued.key.scopes},
    )
    return issued


@transaction.atomic
def api_key_rotate(
    *, tenant: Tenant, actor: User, key: ApiKey, overlap: timedelta = timedelta(hours=24)
) -> IssuedKey:
    """A new key with the same name and scopes; the old one keeps working for `overlap`."""
    old = ApiKey.objects.select_for_update().get(pk=key.pk, tenant=tenant)
    now = timezone.now()
    if not old.usable_at(now):
        raise ValidationError("This key is no longer valid and cannot be rotated.")
    issued = _issue(
        tenant=tenant, actor=actor, name=old.name, scopes=old.scopes, expires_at=old.expires_at
    )
    issued.key.rotated_from = old
    issued.key.save(update_fields=["rotated_from"])
    old.valid_until = now + overlap
    old.save(update_fields=["valid_until"])
    api_key_cache_forget(old.prefix)  # now, and again once the change is visible to others
    transaction.on_commit(lambda: api_key_cache_forget(old.prefix))
    audit_record(
        tenant=tenant,
        actor=actor,
        action="api_key.rotate",
        obj=old,
        before={"prefix": old.prefix},
        after={"prefix": issued.key.prefix, "old_valid_until": old.valid_until.isoformat()},
    )
    return issued


@transaction.atomic
def api_key_revoke(*, tenant: Tenant, actor: User, key: ApiKey) -> ApiKey:
    updated = ApiKey.objects.filter(pk=key.pk, tenant=tenant, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    key.refresh_from_db()
    api_key_cache_forget(key.prefix)  # now, and again once the change is visible to others
    transaction.on_commit(lambda: api_key_cache_forget(key.prefix))
    if updated:
        audit_record(
            tenant=tenant, actor=actor, action="api_key.revoke", obj=key,
            before={"revoked": False}, after={"revoked": True},
        )  # fmt: skip
    return key


def api_key_authenticate(presented: str) -> ApiKey | None:
    """The key for a presented `smsk_<prefix>_<secret>`, or None (unknown, wrong secret,
    revoked, expired, past its rotation overlap). Records the last use once a minute."""
    if not presented.startswith(KEY_PREFIX):
        return None
    prefix, _, secret = presented[len(KEY_PREFIX) :].partition("_")
    if not prefix or not secret:
        return None
    key = _key_by_prefix(prefix)
    if key is None or not hmac.compare_digest(key.secret_hmac, _hmac(secret)):
        return None
    now = timezone.now()
    if not key.usable_at(now) or key.tenant.status != Tenant.Status.ACTIVE:
        return None
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


def api_key_list(*, tenant: Tenant):
    return ApiKey.objects.filter(tenant=tenant).select_related("created_by")


def api_key_get(*, tenant: Tenant, pk: int) -> ApiKey | None:
    return ApiKey.objects.filter(tenant=tenant, pk=pk).first()
