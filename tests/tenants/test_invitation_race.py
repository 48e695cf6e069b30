"""Eight accepts of one invitation at once (issue 12: one membership and seven 500s). Each
request runs in its own thread with its own database connection; on PostgreSQL a holder keeps
the invitation's row locked until all eight wait on it, so they all pass the first checks
before any claim goes through. Exactly one joins; the seven others are told the invitation
was used."""

from __future__ import annotations

import pytest
from django.test import Client

from tenants import services
from tenants.models import Invitation, Membership, Role, User
from tests.concurrency import RowHolder, run_in_threads, wait_for_waiters
from tests.conftest import PASSWORD, client_for

USED = "This invitation has already been used. Sign in to continue."


def _race(path: str, make_client, data: dict, invitation: Invitation) -> list:
    def accept():
        response = make_client().post(path, data)
        return response.status_code, response.content.decode(), response.get("Location", "")

    with RowHolder(lambda: Invitation.objects.select_for_update().get(pk=invitation.pk)) as holder:

        def all_waiting(count: int) -> None:
            wait_for_waiters(count)
            holder.release()

        return run_in_threads([accept] * 8, started=all_waiting)


def _check(results: list, tenant, path: str) -> None:
    assert not [r for r in results if isinstance(r, Exception)], results
    codes = sorted(code for code, _, _ in results)
    assert 500 not in codes, codes
    joined = [r for r in results if r[2] == f"/t/{tenant.slug}/"]
    assert len(joined) == 1 and joined[0][0] == 302
    losers = [r for r in results if r not in joined]
    assert len(losers) == 7
    for code, body, location in losers:
        if code == 302:
            # It read the link before the winner committed and the account after: a person
            # with an account signs in first, then sees the link is used.
            assert location == f"/accounts/login/?next={path}"
            continue
        # 409 when the request lost the claim, 410 when it came after the winner committed.
        assert code in (409, 410), code
        assert "This invitation cannot be used" in body and USED in body


@pytest.mark.django_db(transaction=True)
def test_eight_new_account_accepts_at_once_make_one_member(tenant_a, owen):
    issued = services.invitation_create(
        tenant=tenant_a, actor=owen, email="dana@acme.example", role=Role.MEMBER
    )
    data = {"full_name": "Dana D", "password1": PASSWORD, "password2": PASSWORD}
    results = _race(
        issued.path, lambda: Client(raise_request_exception=False), data, issued.invitation
    )
    _check(results, tenant_a, issued.path)
    assert User.objects.filter(email="dana@acme.example").count() == 1
    assert Membership.objects.filter(tenant=tenant_a, user__email="dana@acme.example").count() == 1
    invitation = Invitation.objects.get(pk=issued.invitation.pk)
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.accepted_by.email == "dana@acme.example"


@pytest.mark.django_db(transaction=True)
def test_eight_accepts_by_one_signed_in_person_at_once(tenant_a, owen, carol):
    issued = services.invitation_create(
        tenant=tenant_a, actor=owen, email=carol.email, role=Role.ADMIN
    )

    def signed_in_client():
        client = client_for(carol)
        client.raise_request_exception = False
        return client

    results = _race(issued.path, signed_in_client, {}, issued.invitation)
    _check(results, tenant_a, issued.path)
    assert Membership.objects.filter(tenant=tenant_a, user=carol).count() == 1
