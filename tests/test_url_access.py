"""Walks every URL pattern of the portal and checks its guard, so that a new view without a
tenant or staff check fails here. Views declare their access with the decorators of
`tenants.permissions`; a view without a declaration fails the walk.

Besides a made-up id, every pattern that takes an object's id is walked with the id of a real
object of tenant B (its registration, attachment, hosted page, API key, message, opt-out,
webhook, member, invitation, evidence): a person or key of tenant A gets 404 and B's rows stay
as they were. A new pattern whose parameter has no real object here fails the walk."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.forms.models import model_to_dict
from django.urls import URLPattern, URLResolver, get_resolver

from compliance.models import HostedPageVersion, MessageTemplate, OptInEvidence, PageKind
from messaging.models import Message, OptOut, WebhookEndpoint
from registrations.models import (
    Attachment,
    AwsAccount,
    CatalogVersion,
    FieldValue,
    Registration,
    RegistrationVersion,
    Sender,
    StatusEvent,
    SupportCase,
)
from tenants.api_keys import api_key_create
from tenants.models import AuditEntry, Invitation, Membership, Role, Tenant
from tenants.services import invitation_create
from tests.conftest import client_for

# Django's admin has its own guard (superusers only here); it is checked in its own test.
SKIPPED_PREFIXES = ("admin/",)


@dataclass(frozen=True)
class Route:
    route: str
    name: str | None
    access: tuple

    def url(self, tenant_slug: str) -> str:
        def fill(match: re.Match) -> str:
            converter, name = match.group(1), match.group(2)
            if name in ("tenant_slug", "slug"):
                return tenant_slug
            if converter == "int":
                return "999999"
            return "not-a-real-token"

        return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, self.route)

    def __str__(self) -> str:
        return f"/{self.route} ({self.name})"


def _walk(patterns, prefix: str = "") -> list[Route]:
    routes: list[Route] = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(pattern, URLResolver):
            routes += _walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            routes.append(Route(route, pattern.name, getattr(pattern.callback, "access", ())))
    return routes


ROUTES = _walk(get_resolver().url_patterns)


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_walk_sees_the_portal():
    names = {r.name for r in ROUTES}
    assert {"tenant_dashboard", "member_list", "staff_tenant_list", "login", "home"} <= names
    assert len(ROUTES) == 137


def test_the_sending_pages_ask_for_their_roles():
    """Members see senders, messages and opt-outs and may record an opt-out; lifting or
    importing opt-outs and everything about webhooks (their secrets) is for owners and admins."""
    access = {r.name: r.access for r in ROUTES}
    members = ("sender_list", "message_list", "message_detail", "opt_out_list", "opt_out_add")
    admins = ("opt_out_remove", "opt_out_import", "webhook_list", "webhook_detail")
    admins += ("webhook_rotate", "webhook_delete")
    assert {access[name] for name in (*members, "opt_out_export")} == {("tenant", Role.MEMBER)}
    assert {access[name] for name in admins} == {("tenant", Role.ADMIN)}


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_every_view_declares_its_access(route):
    assert route.access, f"{route} has no access declaration (use tenants.permissions)"
    assert route.access[0] in {"public", "user", "tenant", "staff", "api"}


TENANT_ROUTES = [r for r in ROUTES if r.access and r.access[0] == "tenant"]
STAFF_ROUTES = [r for r in ROUTES if r.access and r.access[0] == "staff"]
USER_ROUTES = [r for r in ROUTES if r.access and r.access[0] == "user"]
PUBLIC_ROUTES = [r for r in ROUTES if r.access and r.access[0] == "public"]
API_ROUTES = [r for r in ROUTES if r.access and r.access[0] == "api"]


@pytest.mark.django_db
@pytest.mark.parametrize("route", TENANT_ROUTES + STAFF_ROUTES + USER_ROUTES, ids=str)
def test_anonymous_is_sent_to_login(route, tenant_a):
    for method in ("get", "post"):
        response = getattr(client_for(None), method)(route.url(tenant_a.slug))
        assert _is_login_redirect(response), (method, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("route", TENANT_ROUTES, ids=str)
def test_tenant_pages_hide_from_other_tenants(route, tenant_a, carol):
    for method in ("get", "post"):
        response = getattr(client_for(carol), method)(route.url(tenant_a.slug))
        assert response.status_code == 404, method


@pytest.mark.django_db
@pytest.mark.parametrize("route", TENANT_ROUTES, ids=str)
def test_tenant_pages_refuse_a_missing_role(route, tenant_a, bob, alice, owen):
    min_role = route.access[1]
    below = [
        u
        for u, role in ((bob, Role.MEMBER), (alice, Role.ADMIN))
        if not Role.at_least(role, min_role)
    ]
    enough = [
        u
        for u, role in ((bob, Role.MEMBER), (alice, Role.ADMIN), (owen, Role.OWNER))
        if Role.at_least(role, min_role)
    ]
    for user in below:
        for method in ("get", "post"):
            response = getattr(client_for(user), method)(route.url(tenant_a.slug))
            assert response.status_code == 403, (user.email, method)
    for user in enough:
        response = client_for(user).get(route.url(tenant_a.slug))
        # 200 for pages, 405 for POST-only actions, 404 for a missing object id.
        assert response.status_code in (200, 404, 405), (user.email, response.status_code)
        if "<int:" not in route.route:
            assert response.status_code in (200, 405)


@pytest.mark.django_db
@pytest.mark.parametrize("route", TENANT_ROUTES, ids=str)
def test_a_suspended_tenant_stops_every_page_even_for_its_owner(route, tenant_a, owen):
    tenant_a.status = "suspended"
    tenant_a.save(update_fields=["status"])
    for method in ("get", "post"):
        response = getattr(client_for(owen), method)(route.url(tenant_a.slug))
        assert response.status_code == 403, method
        assert b"Acme Anvils is suspended" in response.content, method


@pytest.mark.django_db
@pytest.mark.parametrize("route", STAFF_ROUTES, ids=str)
def test_staff_pages_hide_from_tenant_people(route, tenant_a, alice, owen, carol):
    for user in (alice, owen, carol):
        for method in ("get", "post"):
            response = getattr(client_for(user), method)(route.url(tenant_a.slug))
            assert response.status_code == 404, (user.email, method)


@pytest.mark.django_db
@pytest.mark.parametrize("route", STAFF_ROUTES, ids=str)
def test_staff_viewer_can_look_but_not_act(route, tenant_a, vic, sam):
    response = client_for(vic).get(route.url(tenant_a.slug))
    # A staff page about one object (`<int:pk>`) answers 404 for the walk's made-up id.
    found = 404 if "<int:" in route.route else 200
    if route.access[1] == "act":
        assert response.status_code == 403
        assert client_for(vic).post(route.url(tenant_a.slug)).status_code == 403
    else:
        assert response.status_code == found
    assert client_for(sam).get(route.url(tenant_a.slug)).status_code in (found, 405)


@pytest.mark.django_db
@pytest.mark.parametrize("route", PUBLIC_ROUTES, ids=str)
def test_public_pages_do_not_ask_for_login(route, tenant_a):
    response = client_for(None).get(route.url(tenant_a.slug))
    assert not _is_login_redirect(response)
    assert response.status_code in (200, 302, 405, 410)


@pytest.mark.django_db
def test_django_admin_is_for_superusers_only(sam, alice):
    for user in (sam, alice):
        response = client_for(user).get("/admin/")
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    sam.is_superuser = True
    sam.save(update_fields=["is_superuser"])
    assert client_for(sam).get("/admin/").status_code == 200


@pytest.mark.django_db
def test_wrong_method_is_405(tenant_a, alice):
    response = client_for(alice).get(f"/t/{tenant_a.slug}/members/invite/")
    assert response.status_code == 405
    response = client_for(alice).put(f"/t/{tenant_a.slug}/profile/edit/")
    assert response.status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("route", API_ROUTES, ids=str)
def test_api_routes_need_a_key(route, tenant_a):
    """The sending API authenticates by API key: without one, 401 (never a login page)."""
    response = client_for(None).get(route.url(tenant_a.slug))
    assert response.status_code == 401


# --- Real objects of another tenant ----------------------------------------------------------


@dataclass
class TenantObjects:
    """One of each object a URL pattern names by id, all belonging to one tenant."""

    tenant: Tenant
    registration: Registration
    attachment: Attachment
    evidence: OptInEvidence
    page: HostedPageVersion
    api_key_id: int
    membership: Membership
    invitation: Invitation
    invitation_token: str
    message: Message
    opt_out: OptOut
    webhook: WebhookEndpoint
    sender: Sender

    def rows(self) -> list[dict]:
        """Every row the walk must leave untouched, as plain values."""
        models = (Registration, Attachment, FieldValue, OptInEvidence, HostedPageVersion)
        models += (Membership, Invitation, Message, OptOut, WebhookEndpoint, Sender)
        rows = [model_to_dict(row) for model in models for row in model.objects.all()]
        rows += [model_to_dict(row) for row in self.tenant.api_keys.all()]
        return sorted(rows, key=repr)


def _objects_of(tenant: Tenant, admin, catalog: CatalogVersion, n: int) -> TenantObjects:
    registration = Registration.objects.create(
        tenant=tenant, registration_type="US_TOLL_FREE_REGISTRATION", name="Alerts",
        catalog=catalog, created_by=admin,
    )  # fmt: skip
    version = RegistrationVersion.objects.create(tenant=tenant, registration=registration, number=1)
    attachment = Attachment.objects.create(
        tenant=tenant, file=f"tenants/{tenant.pk}/attachments/{n:064x}.png",
        original_name="opt-in.png", content_type="image/png", size=68, sha256=f"{n:064x}",
    )  # fmt: skip
    FieldValue.objects.create(
        tenant=tenant, version=version, field_path="messagingUseCase.optInImage",
        attachment=attachment,
    )  # fmt: skip
    page = HostedPageVersion.objects.create(
        tenant=tenant,
        kind=PageKind.TERMS,
        number=1,
        title="SMS terms",
        body_html=f"<p>Terms of {tenant.name}</p>",
    )
    for kind in (PageKind.PRIVACY, PageKind.OPT_IN):
        HostedPageVersion.objects.create(
            tenant=tenant,
            kind=kind,
            number=1,
            title=kind.label,
            body_html=f"<p>{kind.label} of {tenant.name}</p>",
        )
    opt_in_page = HostedPageVersion.objects.get(tenant=tenant, kind=PageKind.OPT_IN)
    evidence = OptInEvidence.objects.create(
        tenant=tenant, page_version=opt_in_page, status=OptInEvidence.Status.DONE,
        file_name=f"tenants/{tenant.slug}/compliance/opt-in.png", content_type="image/png",
    )  # fmt: skip
    key = api_key_create(tenant=tenant, actor=admin, name="app", scopes=["read", "webhooks"])
    sender = Sender.objects.create(
        tenant=tenant, kind="PHONE_NUMBER", value=f"+1833555{n:04d}", iso_country="US",
        number_type="TOLL_FREE", aws_id=f"phone-{tenant.slug}", status="ACTIVE",
    )  # fmt: skip
    message = Message.objects.create(
        tenant=tenant, api_key=key.key, sender=sender, destination="+14254147755",
        iso_country="US", body="Your code is 123456", message_type="TRANSACTIONAL",
        encoding="GSM", parts=1,
    )  # fmt: skip
    opt_out = OptOut.objects.create(
        tenant=tenant, phone=f"+1425555{n:04d}", source=OptOut.Source.API
    )
    webhook = WebhookEndpoint.objects.create(
        tenant=tenant, url="https://hooks.example/sms", secret="whsec_" + "b" * 32
    )
    issued = invitation_create(
        tenant=tenant, actor=admin, email=f"new{n}@{tenant.slug}.example", role=Role.MEMBER
    )
    return TenantObjects(
        tenant=tenant, registration=registration, attachment=attachment, evidence=evidence,
        page=page, api_key_id=key.key.pk, membership=Membership.objects.get(user=admin),
        invitation=issued.invitation, invitation_token=issued.token, message=message,
        opt_out=opt_out, webhook=webhook, sender=sender,
    )  # fmt: skip


@pytest.fixture
def objects_b(tenant_b, carol) -> TenantObjects:
    catalog, _ = CatalogVersion.objects.get_or_create(number=1, defaults={"digest": "0" * 64})
    return _objects_of(tenant_b, carol, catalog, 2)


# (the path segment before a parameter, the parameter's name) → the object's id it takes.
REAL_IDS = {
    ("registrations", "pk"): lambda o: o.registration.pk,
    ("files", "attachment_id"): lambda o: o.attachment.pk,
    ("attachments", "attachment_id"): lambda o: o.attachment.pk,
    ("step", "step"): lambda o: 1,
    ("evidence", "pk"): lambda o: o.evidence.pk,
    ("api-keys", "pk"): lambda o: o.api_key_id,
    ("members", "pk"): lambda o: o.membership.pk,
    ("invitations", "pk"): lambda o: o.invitation.pk,
    ("invitations", "token"): lambda o: o.invitation_token,
    ("messages", "pk"): lambda o: o.message.pk,
    ("senders", "pk"): lambda o: o.sender.pk,
    ("opt-outs", "phone"): lambda o: o.opt_out.phone,
    ("opt-outs", "pk"): lambda o: o.opt_out.pk,
    ("webhooks", "pk"): lambda o: o.webhook.pk,
    ("terms", "number"): lambda o: o.page.number,
    ("privacy", "number"): lambda o: o.page.number,
    ("opt-in", "number"): lambda o: o.page.number,
    ("templates", "pk"): lambda o: MessageTemplate.objects.get().pk,
    ("aws-accounts", "account_id"): lambda o: (
        AwsAccount.objects.get_or_create(
            tenant=o.tenant, defaults={"role_arn": "arn:aws:iam::123456789012:role/sms"}
        )[0].pk
    ),
    ("support-cases", "pk"): lambda o: (
        SupportCase.objects.get_or_create(
            reference=f"ref-{o.tenant.slug}",
            defaults={"tenant": o.tenant, "kind": "SPEND_LIMIT", "subject": "s", "body": "b"},
        )[0].pk
    ),
    ("files", "index"): lambda o: 0,
}
# Parameters that name no object of a tenant.
NOT_OBJECTS = {("t", "tenant_slug"), ("p", "tenant_slug"), ("tenants", "slug")}
NOT_OBJECTS |= {("reset", "uidb64"), ("", "token")}

_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def _params(route: str) -> list[tuple[str, str]]:
    """(the path segment before it, its name) for each parameter; `terms/v<int:number>` gives
    ("terms", "number"), a parameter right after another gives ("", name)."""
    keys = []
    for match in _PARAM.finditer(route):
        before = route[: match.start()].rstrip("/")
        before = before.removesuffix("/v")
        segment = before.rsplit("/", 1)[-1]
        keys.append(("" if segment.endswith(">") else segment, match.group(2)))
    return keys


def _object_routes(routes: list[Route]) -> list[Route]:
    return [r for r in routes if any(key not in NOT_OBJECTS for key in _params(r.route))]


def real_url(route: Route, tenant_slug: str, objects: TenantObjects, **override) -> str:
    keys = iter(_params(route.route))

    def fill(match: re.Match) -> str:
        key = next(keys)
        if key[1] in override:
            return str(override[key[1]])
        if key in NOT_OBJECTS:
            return tenant_slug
        return str(REAL_IDS[key](objects))

    return "/" + _PARAM.sub(fill, route.route)


def test_every_object_parameter_has_a_real_object():
    """A new pattern that takes an id fails here until the walk knows a real object for it."""
    keys = {key for route in ROUTES for key in _params(route.route)}
    assert keys - NOT_OBJECTS - set(REAL_IDS) == set()
    assert len(_object_routes(ROUTES)) >= 30


@pytest.mark.django_db
@pytest.mark.parametrize("route", _object_routes(TENANT_ROUTES), ids=str)
def test_tenant_pages_refuse_another_tenants_real_objects(route, tenant_a, owen, objects_b):
    before = objects_b.rows()
    audit = AuditEntry.objects.count()
    statuses = {}
    for method in ("get", "post"):
        response = getattr(client_for(owen), method)(real_url(route, tenant_a.slug, objects_b))
        # The owner of A has every role, so the only refusal left is "not yours": 404. A view
        # that takes only one method may say 405 to the other before it looks anything up.
        statuses[method] = response.status_code
    assert set(statuses.values()) <= {404, 405}, statuses
    assert 404 in statuses.values(), statuses
    assert objects_b.rows() == before
    assert AuditEntry.objects.count() == audit
    assert StatusEvent.objects.count() == 0


@pytest.mark.django_db
def test_own_registration_with_another_tenants_attachment_is_404(tenant_a, owen, objects_b):
    catalog = objects_b.registration.catalog
    own = _objects_of(tenant_a, owen, catalog, 1)
    (route,) = [r for r in TENANT_ROUTES if r.name == "registration_file"]
    url = real_url(route, tenant_a.slug, objects_b, pk=own.registration.pk)
    assert client_for(owen).get(url).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("route", _object_routes(STAFF_ROUTES), ids=str)
def test_staff_pages_hide_real_objects_from_tenant_people(route, tenant_a, alice, carol, objects_b):
    MessageTemplate.objects.create(name="Code", use_case="2FA", body="Your code is [code].")
    before = objects_b.rows()
    for user in (alice, carol):  # carol is B's own admin: still not staff
        for method in ("get", "post"):
            response = getattr(client_for(user), method)(
                real_url(route, objects_b.tenant.slug, objects_b)
            )
            assert response.status_code == 404, (user.email, method)
    assert objects_b.rows() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route", [r for r in PUBLIC_ROUTES if "<int:number>" in r.route], ids=str
)  # (the other public patterns with a parameter take a secret token, not a tenant's object)
def test_public_versions_are_looked_up_in_the_addressed_tenant(route, tenant_a, objects_b):
    url = real_url(route, tenant_a.slug, objects_b)
    response = client_for(None).get(url)
    # A has no version 1: the visitor is sent to A's stable address, which shows A's page;
    # nothing of B's version 1 shows through.
    assert response.status_code == 302
    assert response["Location"] == url.removesuffix("v1/")
    response = client_for(None).get(response["Location"])
    assert response.status_code == 200
    assert tenant_a.name.encode() in response.content
    assert objects_b.tenant.name.encode() not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("route", _object_routes(API_ROUTES), ids=str)
def test_api_refuses_another_tenants_real_objects(route, tenant_a, alice, objects_b):
    key_a = api_key_create(
        tenant=tenant_a, actor=alice, name="a", scopes=["send", "read", "opt_outs", "webhooks"]
    )
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key_a.plaintext}"}
    url = real_url(route, tenant_a.slug, objects_b)
    before = objects_b.rows()
    statuses = {}
    for method in ("get", "post", "patch", "delete"):
        response = getattr(client_for(None), method)(url, **headers)
        statuses[method] = response.status_code
        if route.name == "api_opt_out_detail" and method == "get":
            # A phone is not an object: A asks whether the number opted out *of A*; B's
            # opt-out must not show through.
            assert response.status_code == 200
            assert response.json()["opted_out"] is False
            continue
        assert response.status_code in (404, 405), (method, response.status_code)
    assert 404 in statuses.values(), statuses
    assert objects_b.rows() == before
