"""The waiting helper itself: it returns the condition's value, and fails at its deadline."""

from __future__ import annotations

import time

import pytest

from tests.waiting import WaitTimeout, answers, wait_until


def test_returns_the_first_truthy_value():
    seen = iter([0, None, "", "ready"])
    assert wait_until(lambda: next(seen), interval=0) == "ready"


def test_fails_at_the_deadline_with_the_message():
    started = time.monotonic()
    with pytest.raises(WaitTimeout, match="timed out after 0.2s waiting for the door to open"):
        wait_until(lambda: False, timeout=0.2, interval=0.01, message=lambda: "the door to open")
    assert 0.2 <= time.monotonic() - started < 2


def test_answers_turns_errors_into_not_yet():
    attempts = iter([OSError("refused"), OSError("refused"), 200])

    def call():
        value = next(attempts)
        if isinstance(value, Exception):
            raise value
        return value

    assert wait_until(answers(call), interval=0) == 200
    with pytest.raises(ValueError):
        answers(lambda: int("x"), OSError)()
