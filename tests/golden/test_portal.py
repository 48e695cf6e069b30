"""The portal's copies of segment counting and ConditionalBehavior on the golden vectors."""

from __future__ import annotations

import pytest

from messaging.text import encoding_and_parts
from registrations.aws.catalog import field_from_aws
from registrations.schema import effective_rule
from tests.golden import CONDITIONAL, CONDITIONAL_FIELDS, SEGMENTS, body, ids, plain


@pytest.mark.parametrize("case", SEGMENTS, ids=ids)
def test_segments(case):
    expected = (case["encoding"], case["parts"], case["units"])
    assert encoding_and_parts(body(case["body"])) == expected


@pytest.mark.parametrize("case", CONDITIONAL, ids=ids)
def test_conditional_behavior(case):
    field = field_from_aws(CONDITIONAL_FIELDS[case["field"]])
    values = {path: plain(value) for path, value in case["values"].items()}
    assert effective_rule(field, values) == (case["behavior"], case["validation"])


def test_every_vector_has_a_unique_name():
    for vectors in (SEGMENTS, CONDITIONAL):
        names = [case["name"] for case in vectors]
        assert len(names) == len(set(names))
