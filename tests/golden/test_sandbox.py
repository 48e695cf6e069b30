"""The sandbox's copies of segment counting and ConditionalBehavior on the golden vectors.
This module imports no Django, and the last test proves the sandbox modules do not either."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sandbox.catalog import resolve
from sandbox.sending import segments
from tests.golden import CONDITIONAL, CONDITIONAL_FIELDS, SEGMENTS, body, ids

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("case", SEGMENTS, ids=ids)
def test_segments(case):
    assert segments(body(case["body"])) == (case["encoding"], case["parts"])


@pytest.mark.parametrize("case", CONDITIONAL, ids=ids)
def test_conditional_behavior(case):
    field = CONDITIONAL_FIELDS[case["field"]]
    assert resolve(field, case["values"]) == (case["behavior"], case["validation"])


def test_the_sandbox_and_these_vectors_need_no_django():
    check = (
        "import sys, sandbox.catalog, sandbox.sending, tests.golden; "
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'django'); "
        "print(loaded); sys.exit(1 if loaded else 0)"
    )
    done = subprocess.run(
        [sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr
