"""Waiting in tests: on a condition, with a deadline, never a fixed sleep.

`wait_until` polls a predicate until it returns something truthy and returns that value; after
`timeout` seconds it fails with `message` (a string, or a callable for text that is only worth
building on failure, such as a worker's log).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class WaitTimeout(AssertionError):
    """The condition did not become true in time (an AssertionError, so pytest shows it as a
    failed assertion)."""


def wait_until(
    predicate: Callable[[], T],
    *,
    timeout: float = 10.0,
    interval: float = 0.05,
    message: str | Callable[[], str] = "the condition",
) -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            text = message() if callable(message) else message
            raise WaitTimeout(f"timed out after {timeout:g}s waiting for {text}")
        time.sleep(interval)


def answers(attempt: Callable[[], T], *errors: type[BaseException]) -> Callable[[], T | None]:
    """A predicate from a call that raises one of `errors` until it works (a server that is
    still starting): the call's result, or None while it raises."""
    caught = errors or (OSError,)

    def predicate() -> T | None:
        try:
            return attempt()
        except caught:
            return None

    return predicate
