"""The shared rate limiters: `reserve` slots and `bucket_take` for the data plane, and the
control plane's fence, which keeps every call of an operation more than 1/rate after the
previous one's answer, so that AWS's one-request bucket never throttles, whatever the jitter."""

from __future__ import annotations

import random
import threading
import time

import pytest
from django.db import connections, transaction

from registrations.aws import limits
from registrations.aws import operations as aws
from registrations.aws.gateway import Gateway

BACKENDS = ["configured", "database"]


def _backend(monkeypatch, backend: str) -> None:
    """The configured backend (Redis when REDIS_URL is set, as in CI), or the database's."""
    chosen = limits.DatabaseBackend() if backend == "database" else None  # None: from settings
    monkeypatch.setattr(limits, "_chosen", chosen)


def _key(name: str) -> str:
    return f"test:{name}:{time.monotonic_ns()}"


def _threads(count: int, target) -> None:
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            target(n)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.django_db(transaction=True)
def test_reserve_spaces_slots_by_weight(monkeypatch, backend):
    _backend(monkeypatch, backend)
    key = _key("reserve")
    # A slow rate, so that the time each call takes (a contended database on a busy machine)
    # stays well inside the tolerance: the waits are measured from each call's own clock.
    started = time.monotonic()
    waits = [limits.reserve(key, 4.0) for _ in range(4)]
    elapsed = time.monotonic() - started
    for n, wait in enumerate(waits):  # slots 0.25 s apart, less the time the calls took
        assert n / 4 - elapsed - 0.01 <= wait <= n / 4 + 0.01, (waits, elapsed)
    before = time.monotonic()
    heavy = limits.reserve(key, 4.0, weight=3)  # a 3-part message: 0.75 s of the sender
    after = limits.reserve(key, 4.0)
    took = time.monotonic() - before
    assert 0.75 - took - 0.01 <= after - heavy <= 0.75 + 0.01, (heavy, after, took)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.django_db(transaction=True)
def test_reserve_takes_no_slot_beyond_the_horizon(monkeypatch, backend):
    """Ten callers at 5 per second with a 0.5 s horizon: nobody holds a slot more than 0.5 s
    ahead (a killed worker loses at most that much of the sender), and the slots still follow
    each other at the rate. A slot's time is read as "returned + wait", which is late by however
    long the thread took to get back (commit, lock queue, GIL): the slow rate keeps that noise
    well inside half an interval."""
    _backend(monkeypatch, backend)
    key, rate, horizon = _key("horizon"), 5.0, 0.5
    seen: list[tuple[float, float]] = []
    lock = threading.Lock()

    def caller(_: int) -> None:
        wait = limits.reserve(key, rate, horizon=horizon)
        with lock:
            seen.append((time.monotonic(), wait))

    started = time.monotonic()
    _threads(10, caller)
    assert len(seen) == 10
    assert max(wait for _, wait in seen) <= horizon + 0.001, seen
    slots = sorted(at + wait for at, wait in seen)
    gaps = [b - a for a, b in zip(slots, slots[1:], strict=False)]
    assert min(gaps) >= 1 / rate / 2, gaps
    assert slots[-1] - started >= 9 / rate - 0.01


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.django_db(transaction=True)
def test_bucket_lets_a_burst_of_its_size_through_then_spaces(monkeypatch, backend):
    _backend(monkeypatch, backend)
    limits.bucket_take(_key("warm-up"), 10.0, capacity=1)  # connections, scripts
    key = _key("bucket")
    for _ in range(3):  # a full bucket of 3: three at once, none waits
        assert limits.bucket_take(key, 10.0, capacity=3) == 0
    waited = limits.bucket_take(key, 10.0, capacity=3)  # then one per 0.1 s
    assert 0 < waited <= 0.2, waited
    # An amount over the capacity waits for a full bucket and leaves it in debt.
    big = _key("big")
    assert limits.bucket_take(big, 10.0, capacity=2, amount=4) == 0
    waited = limits.bucket_take(big, 10.0, capacity=2, amount=1)
    assert 0.2 <= waited <= 0.5, waited  # 2 in debt, +1 needed: 0.3 s


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.django_db(transaction=True)
def test_fence_leaves_an_interval_after_each_answer(monkeypatch, backend):
    """Threads of one process: a call never overlaps the previous one of its key, and leaves at
    least 1/rate after that one's answer, however long each call takes."""
    _backend(monkeypatch, backend)
    key, rate = _key("fence"), 20.0
    spans: list[tuple[float, float]] = []
    lock = threading.Lock()

    def caller(n: int) -> None:
        pick = random.Random(n)
        for _ in range(4):
            limits.fence_enter(key, rate)
            left = time.time()
            # Not a wait: the sleep stands for the AWS call (0-20 ms) the fence must cover.
            time.sleep(pick.uniform(0, 0.02))
            answered = time.time()
            limits.fence_leave()
            with lock:
                spans.append((left, answered))

    _threads(6, caller)
    spans.sort()
    assert len(spans) == 24
    gaps = [nxt[0] - prev[1] for prev, nxt in zip(spans, spans[1:], strict=False)]
    assert min(gaps) >= 1 / rate - 0.001, gaps


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.django_db(transaction=True)
def test_shared_fence_between_processes(monkeypatch, backend):
    """The shared part alone, as separate processes meet it (one holder token each): one
    holder at a time, and the next waits out the interval after the holder leaves."""
    _backend(monkeypatch, backend)
    key, interval = _key("shared"), 0.05
    spans: list[tuple[float, float]] = []
    lock = threading.Lock()

    def process(n: int) -> None:
        for round_ in range(3):
            token = f"p{n}-{round_}"
            # The wait the limiter prescribes is what is tested, then a 5 ms stand-in call.
            time.sleep(limits.backend().fence_enter(key, token, interval))
            left = time.time()
            time.sleep(0.005)
            answered = time.time()
            limits.backend().fence_leave(key, token, interval)
            with lock:
                spans.append((left, answered))

    _threads(4, process)
    spans.sort()
    gaps = [nxt[0] - prev[1] for prev, nxt in zip(spans, spans[1:], strict=False)]
    assert len(spans) == 12
    assert min(gaps) >= interval - 0.001, gaps


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.django_db(transaction=True)
def test_fence_of_a_dead_holder_is_taken_over_after_its_lease(monkeypatch, backend):
    _backend(monkeypatch, backend)
    monkeypatch.setattr(limits, "FENCE_LEASE_SECONDS", 0.3)
    key = _key("lease")
    started = time.monotonic()  # before the lease starts, however long the first call takes
    limits.backend().fence_enter(key, "dead-worker", 0.01)  # never leaves
    limits.backend().fence_enter(key, "next-worker", 0.01)
    assert 0.29 <= time.monotonic() - started < 2.0


@pytest.mark.django_db(transaction=True)
def test_the_database_limiter_refuses_a_callers_transaction(monkeypatch):
    """Its row lock must end with its own short transaction: inside a caller's transaction it
    would stay locked until that one commits, and every other worker would queue behind it.
    AWS is never called inside a transaction (the gateway refuses), so nothing needs that."""
    monkeypatch.setattr(limits, "_chosen", limits.DatabaseBackend())
    key = _key("in-transaction")
    with transaction.atomic(), pytest.raises(RuntimeError, match="durable"):
        limits.fence_enter(key, 50.0)
    started = time.monotonic()
    limits.fence_enter(key, 50.0)  # outside: works, and nothing was left held
    limits.fence_leave()
    assert time.monotonic() - started < 1.0


@pytest.mark.django_db(transaction=True)
def test_fence_leave_without_enter_and_double_leave_are_harmless(settings):
    limits.fence_leave()
    key = _key("twice")
    limits.fence_enter(key, 50.0)
    limits.fence_leave()
    limits.fence_leave()
    started = time.monotonic()
    limits.fence_enter(key, 50.0)  # not blocked by a stale holder: only the 20 ms interval
    limits.fence_leave()
    assert time.monotonic() - started < 0.5


@pytest.mark.django_db(transaction=True)
def test_no_throttling_at_the_quota_with_jittery_latency(sandbox, settings):
    """Against the sandbox over HTTP at its quota (a bucket of one request, 20 per second),
    with 0-15 ms of random latency before AWS counts each call: a limiter that only spaced
    departures 1/rate apart would see calls arrive closer than that and be throttled; the fence
    is never throttled."""
    settings.EUM_CONTROL_PLANE_RPS = 20.0
    sandbox.request("PUT", "/_sandbox/quotas", {"enabled": True, "rps": 20.0, "burst": 1.0})
    sandbox.request("POST", "/_sandbox/faults", {"operation": "*", "jitter_ms": 15})
    gateway = Gateway()

    def caller(_: int) -> None:
        for _ in range(5):
            aws.registrations_list(gateway, statuses=["CREATED"])

    try:
        _threads(8, caller)
    finally:
        sandbox.request("PUT", "/_sandbox/quotas", {"enabled": False})
        sandbox.request("DELETE", "/_sandbox/faults")
    calls = sandbox.calls("DescribeRegistrations")
    assert len(calls) == 40, [c["Status"] for c in calls]
    assert {c["Status"] for c in calls} == {200}
