"""portal.backoff: the nominal schedule doubles up to its cap; jitter stays inside its range."""

from __future__ import annotations

import random

import pytest

from portal.backoff import Jitter, delay, nominal


def test_the_nominal_delay_doubles_from_the_base_up_to_the_cap():
    schedule = [nominal(n, base=10, cap=3600) for n in range(12)]
    assert schedule == [10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600, 3600, 3600]
    assert [nominal(n, base=0.5, cap=30) for n in range(8)] == [
        0.5, 1, 2, 4, 8, 16, 30, 30,
    ]  # fmt: skip


def test_no_jitter_is_the_nominal_delay():
    assert [delay(n, base=2, cap=600, jitter=Jitter.NONE) for n in range(10)] == [
        2, 4, 8, 16, 32, 64, 128, 256, 512, 600,
    ]  # fmt: skip


def test_a_task_that_retried_very_often_waits_the_cap():
    assert delay(10_000, base=2, cap=600, jitter=Jitter.NONE) == 600
    assert delay(63, base=2, cap=600, jitter=Jitter.NONE) == 600
    assert 300 <= delay(10_000, base=2, cap=600) <= 600


def test_a_negative_attempt_counts_as_the_first():
    assert delay(-3, base=10, cap=3600, jitter=Jitter.NONE) == 10


@pytest.mark.parametrize(
    ("base", "cap"), [(0, 10), (-1, 10), (1, -1)], ids=["zero base", "negative base", "cap"]
)
def test_a_meaningless_schedule_is_refused(base, cap):
    with pytest.raises(ValueError, match="positive base"):
        delay(1, base=base, cap=cap)


@pytest.mark.parametrize("attempt", [0, 3, 9, 20])
def test_full_jitter_spreads_over_zero_to_the_nominal_delay(attempt):
    rng = random.Random(13)
    most = nominal(attempt, base=10, cap=3600)
    draws = [delay(attempt, base=10, cap=3600, jitter=Jitter.FULL, rng=rng) for _ in range(2000)]
    assert all(0 <= d <= most for d in draws)
    # Spread over the whole range, not bunched at one end.
    assert min(draws) < most * 0.05
    assert max(draws) > most * 0.95
    assert most * 0.45 < sum(draws) / len(draws) < most * 0.55


@pytest.mark.parametrize("attempt", [0, 3, 9, 20])
def test_equal_jitter_stays_between_half_and_the_whole_nominal_delay(attempt):
    rng = random.Random(13)
    most = nominal(attempt, base=10, cap=3600)
    draws = [delay(attempt, base=10, cap=3600, jitter=Jitter.EQUAL, rng=rng) for _ in range(2000)]
    assert all(most / 2 <= d <= most for d in draws)
    assert min(draws) < most * 0.53
    assert max(draws) > most * 0.97


def test_equal_jitter_is_the_default():
    draws = [delay(4, base=1, cap=100, rng=random.Random(seed)) for seed in range(200)]
    assert all(8 <= d <= 16 for d in draws)
    assert len(set(draws)) == 200


def test_a_seeded_random_gives_the_same_delays():
    first = [delay(n, base=2, cap=300, jitter=Jitter.FULL, rng=random.Random(7)) for n in range(8)]
    again = [delay(n, base=2, cap=300, jitter=Jitter.FULL, rng=random.Random(7)) for n in range(8)]
    assert first == again
    other = [delay(n, base=2, cap=300, jitter=Jitter.FULL, rng=random.Random(8)) for n in range(8)]
    assert other != first


def test_jitter_grows_with_the_attempt_on_average():
    rng = random.Random(3)
    means = [sum(delay(n, base=0.5, cap=30, rng=rng) for _ in range(500)) / 500 for n in range(7)]
    assert means == sorted(means)
    assert means[-1] <= 30


def test_an_unknown_jitter_is_refused():
    with pytest.raises(ValueError, match="unknown jitter"):
        delay(1, base=1, cap=10, jitter="some")
