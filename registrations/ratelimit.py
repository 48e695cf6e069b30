"""An account-wide rate limiter for AWS control-plane calls, shared by every worker.

Each call reserves the next free slot of its key (slots are 1/rate seconds apart) and sleeps
until then, so that the account never exceeds the configured rate and AWS never has to
throttle. With Redis the reservation is one atomic script using Redis's clock; without it, a
row per key in the database, updated under a row lock.
"""

from __future__ import annotations

import threading
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


# Slots are spaced a little wider than 1/rate, so that jitter between this process and AWS
# (two calls leaving 1/rate apart and arriving closer) does not cost a throttling error.
HEADROOM = 0.93


def reserve(key: str, rate: float, weight: float = 1.0, headroom: float = HEADROOM) -> float:
    """Reserves a slot for `key` at `rate` calls per second; returns the seconds to wait.

    `weight` counts one call as several units (message parts: a 3-part message takes three
    slots' worth of time); `headroom` widens the spacing (1.0: exactly the rate).
    """
    interval = weight / (rate * headroom)
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


_sent_lock = threading.Lock()
_sent: dict[str, tuple[threading.Lock, list[float]]] = {}


def _local(key: str) -> tuple[threading.Lock, list[float]]:
    with _sent_lock:
        return _sent.setdefault(key, (threading.Lock(), [0.0]))


def acquire(key: str, rate: float | None = None) -> float:
    """Blocks until `key` may be called; returns the seconds waited.

    The shared reservation orders callers across processes; within a process the actual
    departure times are kept apart too, because a thread that wakes late (scheduling, the GIL)
    would otherwise leave right before the next one.
    """
    rate = rate or settings.EUM_CONTROL_PLANE_RPS
    wait = reserve(key, rate)
    if wait > 0:
        time.sleep(wait)
    lock, last = _local(key)
    with lock:
        gap = 1.0 / (rate * HEADROOM) - (time.monotonic() - last[0])
        if gap > 0:
            time.sleep(gap)
            wait += gap
        last[0] = time.monotonic()
    return wait
