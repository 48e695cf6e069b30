"""Two creations that a unique constraint lets only one of pass, at the same moment: the
second gets the form's clear message, not an IntegrityError (a 500). The first runs in a
holder's transaction that stays open until the second waits on it (PostgreSQL: on the unique
index; SQLite: on the write lock, after which the second sees the first committed)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tenants import services
from tenants.models import Invitation, Role, Tenant
from tests.concurrency import RowHolder, run_in_threads, wait_for_waiters


def _second_while_first_is_open(first, second):
    with RowHolder(first) as holder:

        def all_waiting(count: int) -> None:
            wait_for_waiters(count)
            holder.release()

        (result,) = run_in_threads([second], started=all_waiting)
    return result


@pytest.mark.django_db(transaction=True)
def test_two_invitations_to_one_address_at_once(tenant_a, owen):
    def invite(email, role):
        return lambda: services.invitation_create(
            tenant=tenant_a, actor=owen, email=email, role=role
        )

    result = _second_while_first_is_open(
        invite("erin@acme.example", Role.MEMBER), invite("Erin@acme.example", Role.ADMIN)
    )
    pending = Invitation.objects.filter(email__iexact="erin@acme.example", status="pending")
    assert pending.count() == 1
    if isinstance(result, Exception):
        assert isinstance(result, ValidationError), repr(result)
        assert result.message_dict == {
            "email": [
                "An invitation to erin@acme.example was sent at this same moment; that one stands."
            ]
        }
        assert pending.get().role == Role.MEMBER
    else:  # it came after the first committed and replaced it, as a later invitation does
        assert pending.get().role == Role.ADMIN


@pytest.mark.django_db(transaction=True)
def test_two_tenants_with_one_address_at_once(sam):
    result = _second_while_first_is_open(
        lambda: services.tenant_create(actor=sam, name="Delta", slug="delta"),
        lambda: services.tenant_create(actor=sam, name="Delta Two", slug="delta"),
    )
    assert isinstance(result, ValidationError), repr(result)
    assert result.message_dict == {"slug": ["The address /t/delta/ is taken; choose another."]}
    assert list(Tenant.objects.filter(slug="delta").values_list("name", flat=True)) == ["Delta"]
