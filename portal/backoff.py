"""How long a retry waits: one exponential backoff with a cap and jitter for every retry.

``delay(attempt, base=b, cap=c)`` starts from the nominal delay ``d = min(c, b * 2 ** attempt)``
seconds (attempt 0 is the first retry: ``b``, then ``2b``, ``4b`` … until ``c``) and spreads it
so that the tasks that failed together (one throttled burst, one receiver down) do not all come
back in the same instant:

- ``Jitter.FULL``: uniform in ``[0, d]``. Spreads retries the most; a retry may come at once.
- ``Jitter.EQUAL``: uniform in ``[d / 2, d]``. Half the spread, but never sooner than half the
  nominal delay, so the schedule a caller documents (10 s, 20 s, 40 s …) stays the upper bound.
- ``Jitter.NONE``: exactly ``d`` (for tests and for callers that spread retries themselves).

A caller passes its own ``random.Random`` to make the jitter reproducible in a test.
"""

from __future__ import annotations

import random
from enum import StrEnum


class Jitter(StrEnum):
    FULL = "full"
    EQUAL = "equal"
    NONE = "none"


def nominal(attempt: int, *, base: float, cap: float) -> float:
    """The delay before jitter: ``base * 2 ** attempt`` seconds, at most ``cap``."""
    if base <= 0 or cap < 0:
        raise ValueError("backoff needs a positive base and a cap of 0 or more")
    attempt = max(0, attempt)
    # 2 ** attempt grows without bound; past the cap it no longer matters, so stop early
    # rather than build a huge integer for a task that retried many times.
    if attempt >= 64:
        return float(cap)
    return float(min(cap, base * 2**attempt))


def delay(
    attempt: int,
    *,
    base: float,
    cap: float,
    jitter: Jitter = Jitter.EQUAL,
    rng: random.Random | None = None,
) -> float:
    """Seconds to wait before retry number ``attempt`` (0 for the first retry); see the module."""
    most = nominal(attempt, base=base, cap=cap)
    pick = rng or random
    if jitter == Jitter.FULL:
        return pick.uniform(0.0, most)
    if jitter == Jitter.EQUAL:
        return most / 2 + pick.uniform(0.0, most / 2)
    if jitter == Jitter.NONE:
        return most
    raise ValueError(f"unknown jitter {jitter!r}")
