"""Rate limiters shared by every worker, for AWS calls.

Three kinds:

* `reserve` (data plane, message parts per second): each call reserves the next free slot of
  its key (slots are weight/rate seconds apart, taken at most `horizon` seconds ahead) and
  sleeps until then. AWS keeps a bucket of one second's parts per sender, so the jitter
  between leaving here and arriving there is absorbed, as long as the calls leave at their
  slots.
* `bucket_take` (data plane, before a call leaves): a token bucket over the actual departures,
  smaller than AWS's. Threads of a worker that stalled (CPU, GC, a slow query) wake past their
  slots together and would leave in one burst; the bucket lets at most its size of them go at
  once and spaces the rest, so a burst never exceeds what AWS's bucket holds.
* `fence` (control plane, requests per second per operation): AWS and the sandbox keep a
  bucket of a single request, so there is no burst to absorb jitter: two calls that leave
  1/rate apart can arrive closer, and one is throttled. The fence removes the jitter from the
  reckoning instead of leaving a margin for it. One call per key is in flight at a time, and
  the next one leaves no sooner than 1/rate after the previous one's answer came back. AWS
  counted the previous call before it answered, and counts the next one after it left, so
  the two are always more than 1/rate apart where AWS counts them, whatever the network or
  the scheduler did. The price is one round trip per call: at 20 requests/second and a 3 ms
  round trip, 94 % of the quota.

All three run on one backend, chosen once per process from the settings (`backend()`): Redis
(atomic scripts on Redis's clock) when REDIS_URL is configured, a row per key in the database
otherwise. The database backend locks its row in a short transaction of its own that commits
at once; it refuses to run inside a caller's transaction (AWS is never called inside one, see
`registrations.aws.gateway`), where its row would stay locked until the caller commits.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple, Protocol

import redis
from django.conf import settings
from django.db import transaction

from registrations.models import RateSlot

# KEYS[1]: the slot key; ARGV: interval, horizon (0: none). Returns {1, wait} with a slot
# `wait` seconds from now, or {0, wait} when the next free slot is further than the horizon
# away: nothing is reserved, ask again in `wait` seconds.
_RESERVE = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
local interval = tonumber(ARGV[1])
local horizon = tonumber(ARGV[2] or '0')
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, nxt)
if horizon > 0 and slot - now > horizon then
  return {0, string.format('%.6f', slot - now - horizon)}
end
local ttl = math.ceil(interval * 1000) + 60000
redis.call('SET', KEYS[1], string.format('%.6f', slot + interval), 'PX', ttl)
return {1, string.format('%.6f', slot - now)}
"""

# KEYS[1]: the fence's hash; ARGV: holder token, lease seconds. Returns {1, wait} when the
# caller holds the fence (and must wait `wait` seconds before calling), {0, 0} when another
# holder's lease is still running.
_FENCE_ENTER = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local holder = redis.call('HGET', KEYS[1], 'holder')
local expires = tonumber(redis.call('HGET', KEYS[1], 'expires') or '0')
if holder and holder ~= ARGV[1] and expires > now then
  return {0, '0'}
end
local nxt = tonumber(redis.call('HGET', KEYS[1], 'next') or '0')
local wait = math.max(0, nxt - now)
redis.call('HSET', KEYS[1], 'holder', ARGV[1],
           'expires', string.format('%.6f', now + wait + tonumber(ARGV[2])))
redis.call('PEXPIRE', KEYS[1], 3600000)
return {1, string.format('%.6f', wait)}
"""

# KEYS[1]: the fence's hash; ARGV: holder token, interval. The next call may leave
# `interval` after now (the answer has come back); the holder lets go.
_FENCE_LEAVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local nxt = tonumber(redis.call('HGET', KEYS[1], 'next') or '0')
redis.call('HSET', KEYS[1], 'next', string.format('%.6f', math.max(nxt, now + tonumber(ARGV[2]))))
if redis.call('HGET', KEYS[1], 'holder') == ARGV[1] then
  redis.call('HDEL', KEYS[1], 'holder', 'expires')
end
redis.call('PEXPIRE', KEYS[1], 3600000)
return 1
"""


# KEYS[1]: the bucket's hash; ARGV: rate, capacity, amount. Returns 0 when the amount was
# taken, or the seconds until it can be. An amount larger than the bucket is let through when
# the bucket is full, and leaves it in debt.
_BUCKET_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local rate, capacity, amount = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local tokens = tonumber(redis.call('HGET', KEYS[1], 'tokens') or ARGV[2])
local stamp = tonumber(redis.call('HGET', KEYS[1], 'stamp')) or now
tokens = math.min(capacity, tokens + math.max(0, now - stamp) * rate)
local wait = 0
if tokens >= amount or (amount > capacity and tokens >= capacity) then
  tokens = tokens - amount
else
  wait = (math.min(amount, capacity) - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens),
           'stamp', string.format('%.6f', now))
redis.call('PEXPIRE', KEYS[1], 3600000)
return string.format('%.6f', wait)
"""


@lru_cache(maxsize=4)
def redis_client(url: str) -> redis.Redis:
    """One connection pool per Redis URL and process, for every Redis user in the portal."""
    return redis.Redis.from_url(url)


class _Scripts(NamedTuple):
    reserve: object
    fence_enter: object
    fence_leave: object
    bucket_take: object


# How long a call may hold its fence: botocore's connect and read timeouts and a margin. A
# worker that dies holding it delays that operation by at most this much.
FENCE_LEASE_SECONDS = 30.0


def _poll_seconds(interval: float) -> float:
    return min(0.05, max(0.002, interval / 5))


class Backend(Protocol):
    """Where the shared state of the limiters lives; each method is one atomic step."""

    def reserve_try(self, key: str, interval: float, horizon: float) -> tuple[bool, float]:
        """(True, wait) with a slot `wait` seconds from now, or (False, wait) when the next
        free slot is further than `horizon` (0: none) away: ask again in `wait` seconds."""

    def bucket_try(self, key: str, rate: float, capacity: float, amount: float) -> float:
        """0 when `amount` was taken from the bucket, or the seconds until it can be."""

    def fence_enter(self, key: str, token: str, interval: float) -> float:
        """Takes the shared fence of `key` (waiting for another holder's lease); returns the
        seconds the call must still wait."""

    def fence_leave(self, key: str, token: str, interval: float) -> None:
        """The next call may leave `interval` from now; the holder lets go."""


class RedisBackend:
    def __init__(self, url: str) -> None:
        client = redis_client(url)
        self.scripts = _Scripts(
            *(
                client.register_script(s)
                for s in (_RESERVE, _FENCE_ENTER, _FENCE_LEAVE, _BUCKET_TAKE)
            )
        )

    def reserve_try(self, key: str, interval: float, horizon: float) -> tuple[bool, float]:
        reserved, wait = self.scripts.reserve(keys=[f"portal:rate:{key}"], args=[interval, horizon])
        return bool(int(reserved)), max(0.0, float(wait))

    def bucket_try(self, key: str, rate: float, capacity: float, amount: float) -> float:
        take = self.scripts.bucket_take
        return float(take(keys=[f"portal:bucket:{key}"], args=[rate, capacity, amount]))

    def fence_enter(self, key: str, token: str, interval: float) -> float:
        while True:
            held, wait = self.scripts.fence_enter(
                keys=[f"portal:fence:{key}"], args=[token, FENCE_LEASE_SECONDS]
            )
            if int(held):
                return max(0.0, float(wait))
            time.sleep(_poll_seconds(interval))

    def fence_leave(self, key: str, token: str, interval: float) -> None:
        self.scripts.fence_leave(keys=[f"portal:fence:{key}"], args=[token, interval])


class DatabaseBackend:
    @staticmethod
    @contextmanager
    def _locked_row(key: str) -> Iterator[RateSlot]:
        """The row of `key`, locked, in a transaction that ends with the block. Durable: the
        lock must not outlive the block in a caller's transaction (RuntimeError if there is
        one; Django's test-case transactions do not count)."""
        with transaction.atomic(durable=True):
            yield RateSlot.objects.select_for_update().get_or_create(key=key)[0]

    def reserve_try(self, key: str, interval: float, horizon: float) -> tuple[bool, float]:
        with self._locked_row(key) as slot:
            now = time.time()
            start = max(now, slot.next_at)
            if horizon > 0 and start - now > horizon:
                return False, start - now - horizon
            slot.next_at = start + interval
            slot.save(update_fields=["next_at"])
        return True, max(0.0, start - now)

    def bucket_try(self, key: str, rate: float, capacity: float, amount: float) -> float:
        with self._locked_row(f"bucket:{key}") as row:
            now = time.time()
            tokens = capacity if row.tokens is None else row.tokens
            tokens = min(capacity, tokens + max(0.0, now - row.next_at) * rate)
            wait = 0.0
            if tokens >= amount or (amount > capacity and tokens >= capacity):
                tokens -= amount
            else:
                wait = (min(amount, capacity) - tokens) / rate
            row.tokens, row.next_at = tokens, now
            row.save(update_fields=["tokens", "next_at"])
        return wait

    def fence_enter(self, key: str, token: str, interval: float) -> float:
        while True:
            with self._locked_row(key) as slot:
                now = time.time()
                if not slot.holder or slot.holder == token or slot.held_until <= now:
                    wait = max(0.0, slot.next_at - now)
                    slot.holder = token
                    slot.held_until = now + wait + FENCE_LEASE_SECONDS
                    slot.save(update_fields=["holder", "held_until"])
                    return wait
            time.sleep(_poll_seconds(interval))

    def fence_leave(self, key: str, token: str, interval: float) -> None:
        with self._locked_row(key) as slot:
            slot.next_at = max(slot.next_at, time.time() + interval)
            if slot.holder == token:
                slot.holder = ""
                slot.held_until = 0.0
            slot.save(update_fields=["next_at", "holder", "held_until"])


_chosen: Backend | None = None


def backend() -> Backend:
    """The backend of this process, chosen from the settings on first use and kept."""
    global _chosen
    if _chosen is None:
        _chosen = RedisBackend(settings.REDIS_URL) if settings.REDIS_URL else DatabaseBackend()
    return _chosen


_registry_lock = threading.Lock()
_gates: dict[str, threading.Lock] = {}


def _per_key(registry: dict, key: str, factory):
    """This process's object for `key` in `registry`, made by `factory` the first time."""
    found = registry.get(key)
    if found is not None:
        return found
    with _registry_lock:
        return registry.setdefault(key, factory())


def reserve(
    key: str, rate: float, weight: float = 1.0, headroom: float = 1.0, horizon: float = 0.0
) -> float:
    """Reserves a slot for `key` at `rate` units per second; returns the seconds to wait.

    `weight` counts one call as several units (message parts: a 3-part message takes three
    slots' worth of time); `headroom` below 1 widens the spacing. With a `horizon`, a slot is
    only taken at most that many seconds ahead: the caller waits (in turn with the other
    threads of this process) until one is that close. Slots taken far ahead are lost when
    their worker dies: with many threads queueing for one busy sender, a killed worker would
    otherwise leave seconds of the sender's capacity unused.
    """
    interval = weight / (rate * headroom)
    if not horizon:
        return backend().reserve_try(key, interval, 0.0)[1]
    with _per_key(_gates, key, threading.Lock):  # one thread per process asks at a time
        while True:
            reserved, wait = backend().reserve_try(key, interval, horizon)
            if reserved:
                return wait
            time.sleep(wait)


def bucket_take(key: str, rate: float, capacity: float, amount: float = 1.0) -> float:
    """Blocks until `amount` can be taken from the bucket `key` (refilled at `rate` per second,
    holding at most `capacity`); returns the seconds waited."""
    waited = 0.0
    while (wait := backend().bucket_try(key, rate, capacity, amount)) > 0:
        time.sleep(wait)
        waited += wait
    return waited


# --- The fence (control plane) ----------------------------------------------------------------


@dataclass
class _Local:
    """Within a process only one thread per key takes part in the shared fence at a time, so
    that waiting threads do not poll Redis or the database."""

    cond: threading.Condition = field(default_factory=threading.Condition)
    owner: int | None = None
    until: float = 0.0


_locals: dict[str, _Local] = {}
_held = threading.local()


def fence_enter(key: str, rate: float | None = None) -> float:
    """Blocks until this thread may call `key` (at most `rate` per second); returns the
    seconds waited. Must be followed by `fence_leave()` once the answer (or the failure) is
    back; a thread holds one fence at a time."""
    fence_leave()  # a call that never reported back (an exception botocore did not catch)
    rate = rate or settings.EUM_CONTROL_PLANE_RPS
    interval = 1.0 / rate
    local = _per_key(_locals, key, _Local)
    started = time.monotonic()
    me = threading.get_ident()
    with local.cond:
        while local.owner is not None and local.owner != me and time.monotonic() < local.until:
            local.cond.wait(timeout=max(0.001, local.until - time.monotonic()))
        local.owner = me
        local.until = time.monotonic() + FENCE_LEASE_SECONDS * 2
    token = uuid.uuid4().hex
    try:
        wait = backend().fence_enter(key, token, interval)
    except BaseException:
        _release_local(local, me)
        raise
    _held.fence = (key, token, interval, local, me)
    if wait > 0:
        time.sleep(wait)
    return time.monotonic() - started


def fence_leave() -> None:
    """Lets the next call of the fence this thread holds leave 1/rate from now. Safe to call
    when nothing is held."""
    held = getattr(_held, "fence", None)
    if held is None:
        return
    _held.fence = None
    key, token, interval, local, me = held
    try:
        backend().fence_leave(key, token, interval)
    finally:
        _release_local(local, me)


def _release_local(local: _Local, me: int) -> None:
    with local.cond:
        if local.owner == me:
            local.owner = None
            local.cond.notify()
