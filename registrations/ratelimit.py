"""An account-wide rate limiter for AWS control-plane calls, shared by every worker.

Each call reserves the next free slot of its key (slots are 1/rate seconds apart) and sleeps
until then, so that the account never exceeds the configured rate and AWS never has to
throttle. With Redis the reservation is one atomic script using Redis's clock; without it, a
row per key in the database, updated under a row lock.
"""

from __future__ import annotations

import time
from functools import lru_cache

from django.conf import settings
from django.db import transaction

from registrations.models import RateSlot

_RESERVE = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
local interval = tonumber(ARGV[1])
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, nxt)
local ttl = math.ceil(interval * 1000) + 60000
redis.call('SET', KEYS[1], string.format('%.6f', slot + interval), 'PX', ttl)
return {string.format('%.6f', slot - now)}
"""


@lru_cache(maxsize=4)
def _redis(url: str):
    import redis

    client = redis.Redis.from_url(url)
    return client, client.register_script(_RESERVE)


def reserve(key: str, rate: float) -> float:
    """Reserves a slot for `key` at `rate` calls per second; returns the seconds to wait."""
    interval = 1.0 / rate
    if settings.REDIS_URL:
        _, script = _redis(settings.REDIS_URL)
        (wait,) = script(keys=[f"portal:rate:{key}"], args=[interval])
        return max(0.0, float(wait))
    with transaction.atomic():
        slot, _ = RateSlot.objects.select_for_update().get_or_create(key=key)
        now = time.time()
        start = max(now, slot.next_at)
        slot.next_at = start + interval
        slot.save(update_fields=["next_at"])
    return max(0.0, start - now)


def acquire(key: str, rate: float | None = None) -> float:
    """Blocks until `key` may be called; returns the seconds waited."""
    wait = reserve(key, rate or settings.EUM_CONTROL_PLANE_RPS)
    if wait > 0:
        time.sleep(wait)
    return wait
