"""API rate limits counted in shares per process (messaging/api/auth.py, `RateLeases`): a limit is
never passed, whatever the number of processes and threads, and a process's unspent share makes
the others refuse at most that share early."""

from __future__ import annotations

import threading

from messaging.api.auth import LEASE_MAX, RateLeases, _lease_size
from tests.messaging.conftest import US_OK


class SharedCount:
    """What Redis holds for every process: one count per key, with the number of round trips."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.calls = 0
        self._lock = threading.Lock()

    def __call__(self, keys: list[str], sizes: list[int]) -> list[int]:
        with self._lock:
            self.calls += 1
            for key, size in zip(keys, sizes, strict=True):
                self.counts[key] = self.counts.get(key, 0) + size
            return [self.counts[key] for key in keys]


def test_share_sizes():
    assert [_lease_size(n) for n in (1, 2, 199, 200, 999, 6000)] == [1, 1, 1, 2, 9, 60]
    assert _lease_size(10**9) == LEASE_MAX


def test_three_processes_never_pass_the_limit_and_refuse_at_most_the_others_shares():
    shared = SharedCount()
    processes = [RateLeases(shared) for _ in range(3)]
    limit, share = 1000, _lease_size(1000)
    outcomes = [processes[i % 3].allow({"key:7": limit}, window=1) for i in range(900)]
    # one round trip per share taken, not one per request
    assert shared.calls == 900 // share
    outcomes += [processes[i % 3].allow({"key:7": limit}, window=1) for i in range(400)]
    allowed = sum(outcomes)
    assert allowed <= limit
    assert allowed >= limit - 2 * share  # the two other processes' unspent shares at most
    assert outcomes[: limit - 3 * share] == [True] * (limit - 3 * share)
    assert outcomes[-100:] == [False] * 100


def test_small_limits_are_counted_request_by_request():
    shared = SharedCount()
    a, b = RateLeases(shared), RateLeases(shared)
    outcomes = [p.allow({"key:1": 3}, window=5) for p in (a, b, a, b, a)]
    assert outcomes == [True, True, True, False, False]
    assert shared.calls == 5


def test_every_name_must_allow_and_a_new_window_starts_over():
    shared = SharedCount()
    process = RateLeases(shared)
    limits = {"key:1": 500, "tenant:1": 2}
    assert [process.allow(limits, window=1) for _ in range(3)] == [True, True, False]
    assert process.allow(limits, window=2) is True
    # a changed limit does not spend the share taken under the old one
    assert process.allow({"key:1": 1, "tenant:1": 2}, window=2) is False


def test_threads_of_one_process_never_pass_the_limit():
    shared = SharedCount()
    process = RateLeases(shared)
    allowed = []

    def run() -> None:
        mine = sum(process.allow({"key:3": 700}, window=9) for _ in range(200))
        allowed.append(mine)

    threads = [threading.Thread(target=run) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(allowed) == 700  # one process, so nothing is left unspent by another


def test_the_api_refuses_the_request_over_a_limit_counted_in_shares(
    api_a, sender_a, settings, one_minute
):
    settings.API_RATE_PER_KEY = 250  # shares of 2
    statuses = [api_a.get("senders").status_code for _ in range(251)]
    assert statuses[:250] == [200] * 250
    assert statuses[250] == 429
    assert api_a.post("messages", {"to": US_OK, "body": "hi"}).status_code == 429
