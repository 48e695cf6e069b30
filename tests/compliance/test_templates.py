"""The provider's message template library and `template_match` (its staff pages are tested in
tests/staff/test_message_templates.py)."""

from __future__ import annotations

import pytest

from compliance.models import MessageTemplate
from compliance.selectors import template_match


@pytest.fixture
def otp_template(db):
    return MessageTemplate.objects.create(
        name="Sign-in code", use_case="TWO_FACTOR_AUTHENTICATION",
        body="[Brand]: your sign-in code is [Code]. It expires in 10 minutes.",
    )  # fmt: skip


@pytest.mark.django_db
def test_template_match(otp_template, tenant_a):
    body = "Acme Anvils: your sign-in code is 482913. It expires in 10 minutes."
    assert template_match(tenant_a, body) == otp_template
    assert template_match(tenant_a, "  " + body + "\n") == otp_template
    assert template_match(tenant_a, body.replace("10", "30")) is None
    assert template_match(tenant_a, "Acme: 50% off everything today!") is None
    otp_template.is_active = False
    otp_template.save()
    assert template_match(tenant_a, body) is None


@pytest.mark.django_db
def test_a_placeholder_does_not_swallow_extra_lines(otp_template, tenant_a):
    body = "Acme: your sign-in code is 1\nBuy now at shop.example. It expires in 10 minutes."
    assert template_match(tenant_a, body) is None
