from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tenants import services
from tenants.models import AuditEntry, Invitation, Membership, Role, User
from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db


def _link_token(message) -> str:
    match = re.search(r"/invitations/([\w-]+)/", message.body)
    assert match, message.body
    return match.group(1)


def test_admin_invites_a_member_and_the_link_creates_the_account(
    tenant_a, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_for(alice).post(
            f"/t/{tenant_a.slug}/members/invite/", {"email": "Dana@Acme.example", "role": "member"}
        )
    assert len(callbacks) == 1
    assert response.status_code == 302
    invitation = Invitation.objects.get(tenant=tenant_a)
    assert (invitation.email, invitation.role, invitation.status) == (
        "dana@acme.example",
        "member",
        "pending",
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["dana@acme.example"]
    assert mail.outbox[0].subject == "You are invited to Acme Anvils on the SMS portal"
    token = _link_token(mail.outbox[0])
    assert invitation.token_hash != token  # only a hash is stored

    anonymous = client_for(None)
    page = anonymous.get(f"/invitations/{token}/")
    assert page.status_code == 200
    assert b"Create account and join" in page.content
    response = anonymous.post(
        f"/invitations/{token}/",
        {"full_name": "Dana D", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/t/{tenant_a.slug}/"
    membership = Membership.objects.get(tenant=tenant_a, user__email="dana@acme.example")
    assert membership.role == Role.MEMBER
    assert anonymous.get(f"/t/{tenant_a.slug}/").status_code == 200  # signed in
    assert list(AuditEntry.objects.filter(tenant=tenant_a).values_list("action", flat=True)) == [
        "invitation.accept",
        "invitation.create",
    ]


def test_a_used_link_cannot_be_used_again(tenant_a, alice):
    issued = services.invitation_create(
        tenant=tenant_a, actor=alice, email="e@x.example", role="member"
    )
    services.invitation_accept(token=issued.token, user=None, full_name="E", password=PASSWORD)
    response = client_for(None).get(issued.path)
    assert response.status_code == 410
    assert b"already been used" in response.content
    with pytest.raises(ValidationError, match="already been used"):
        services.invitation_accept(token=issued.token, user=None, password=PASSWORD)
    assert Membership.objects.filter(tenant=tenant_a, user__email="e@x.example").count() == 1


def test_an_expired_link_is_refused(tenant_a, alice):
    issued = services.invitation_create(
        tenant=tenant_a, actor=alice, email="f@x.example", role="member"
    )
    Invitation.objects.filter(pk=issued.invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = client_for(None).post(
        issued.path, {"full_name": "F", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 410
    assert b"expired" in response.content
    assert not User.objects.filter(email="f@x.example").exists()
    assert services.invitation_expire_due() == 1
    assert Invitation.objects.get(pk=issued.invitation.pk).status == Invitation.Status.EXPIRED


def test_a_link_for_another_address_is_refused(tenant_a, alice, carol):
    issued = services.invitation_create(
        tenant=tenant_a, actor=alice, email="g@x.example", role="admin"
    )
    response = client_for(carol).post(issued.path)
    assert response.status_code == 200
    assert (
        "This invitation was sent to g@x.example, but you are signed in as carol@bravo.example."
        in response.content.decode()
    )
    assert not Membership.objects.filter(tenant=tenant_a, user=carol).exists()
    assert Invitation.objects.get(pk=issued.invitation.pk).status == "pending"


def test_an_existing_account_signs_in_and_accepts(tenant_a, alice, carol):
    issued = services.invitation_create(
        tenant=tenant_a, actor=alice, email="carol@bravo.example", role="member"
    )
    page = client_for(None).get(issued.path)
    assert b"Sign in to accept" in page.content
    response = client_for(carol).post(issued.path)
    assert response.status_code == 302
    assert Membership.objects.get(tenant=tenant_a, user=carol).role == "member"


def test_unknown_token_is_refused():
    response = client_for(None).get("/invitations/nope/")
    assert response.status_code == 410
    assert b"not valid" in response.content


def test_a_new_invitation_replaces_the_pending_one(tenant_a, alice):
    first = services.invitation_create(
        tenant=tenant_a, actor=alice, email="h@x.example", role="member"
    )
    second = services.invitation_create(
        tenant=tenant_a, actor=alice, email="h@x.example", role="admin"
    )
    assert Invitation.objects.get(pk=first.invitation.pk).status == "revoked"
    assert client_for(None).get(first.path).status_code == 410
    assert client_for(None).get(second.path).status_code == 200


def test_who_may_invite_which_role(tenant_a, alice, bob, owen, sam, vic):
    with pytest.raises(PermissionDenied):
        services.invitation_create(tenant=tenant_a, actor=bob, email="i@x.example", role="member")
    with pytest.raises(PermissionDenied):
        services.invitation_create(tenant=tenant_a, actor=alice, email="i@x.example", role="owner")
    with pytest.raises(PermissionDenied):
        services.invitation_create(tenant=tenant_a, actor=vic, email="i@x.example", role="owner")
    assert Invitation.objects.count() == 0
    services.invitation_create(tenant=tenant_a, actor=owen, email="i@x.example", role="owner")
    services.invitation_create(tenant=tenant_a, actor=sam, email="j@x.example", role="owner")
    assert Invitation.objects.filter(role="owner").count() == 2


def test_inviting_an_existing_member_says_so(tenant_a, alice, bob):
    with pytest.raises(
        ValidationError, match="bob@acme.example is already a member of Acme Anvils"
    ):
        services.invitation_create(
            tenant=tenant_a, actor=alice, email="BOB@acme.example", role="member"
        )


def test_withdrawn_invitation(tenant_a, alice):
    issued = services.invitation_create(
        tenant=tenant_a, actor=alice, email="k@x.example", role="member"
    )
    response = client_for(alice).post(
        f"/t/{tenant_a.slug}/invitations/{issued.invitation.pk}/revoke/"
    )
    assert response.status_code == 302
    assert Invitation.objects.get(pk=issued.invitation.pk).status == "revoked"
    assert client_for(None).get(issued.path).status_code == 410


def test_denied_invitation_leaves_nothing_behind(tenant_a, bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_for(bob).post(
            f"/t/{tenant_a.slug}/members/invite/", {"email": "z@x.example", "role": "member"}
        )
    assert callbacks == []
    assert response.status_code == 403
    assert Invitation.objects.count() == 0
    assert AuditEntry.objects.count() == 0
    assert len(mail.outbox) == 0
