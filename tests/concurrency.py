"""Real concurrency for race tests: threads with their own database connections, and a holder
that keeps a row locked so that every contender is inside its transaction, waiting on that
row, before any of them goes on. On PostgreSQL the holder waits until the database reports the
contenders as waiting for a lock; SQLite runs one writing transaction at a time, so there the
contenders queue on the write lock in whatever order they arrive, and the test's assertions
must hold for any order."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection, transaction

from tests.waiting import wait_until


def lock_waiters() -> int:
    """How many other connections of this database wait for a lock (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def wait_for_waiters(count: int, *, within: float = 30.0) -> None:
    if connection.vendor != "postgresql":
        return
    wait_until(
        lambda: lock_waiters() >= count,
        timeout=within,
        interval=0.02,
        message=f"{count} requests to wait on the row lock",
    )


class RowHolder:
    """Holds `lock()` (a queryset call that takes the lock, e.g. select_for_update) in a
    transaction of its own thread until `release()`."""

    def __init__(self, lock: Callable[[], object]) -> None:
        self._lock = lock
        self._held = threading.Event()
        self._release = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            with transaction.atomic():
                self._lock()
                self._held.set()
                self._release.wait(60)
        finally:
            self._held.set()
            connection.close()

    def __enter__(self) -> RowHolder:
        self._thread.start()
        assert self._held.wait(30), "the holder did not get the lock"
        return self

    def release(self) -> None:
        self._release.set()
        self._thread.join(30)

    def __exit__(self, *exc) -> None:
        self.release()


def run_in_threads(calls: list[Callable[[], object]], *, started: Callable[[int], None]) -> list:
    """Runs each call in its own thread (own database connection); `started(n)` is called
    once every thread runs, then the results (or exceptions) come back in order."""
    results: list = [None] * len(calls)
    running = threading.Barrier(len(calls) + 1)

    def run(i: int) -> None:
        try:
            running.wait(30)
            results[i] = calls[i]()
        except Exception as exc:  # the test looks at it
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    running.wait(30)
    started(len(calls))
    for thread in threads:
        thread.join(60)
    assert not any(t.is_alive() for t in threads), "a request did not finish"
    return results
