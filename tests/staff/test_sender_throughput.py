"""Staff record the limit AWS raised for one sender; the sending path uses it instead of the
type's default."""

from __future__ import annotations

import pytest

from messaging.checks import parts_per_second
from registrations.models import Sender
from tenants.models import AuditEntry
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def ten_dlc(tenant_a):
    return Sender.objects.create(
        tenant=tenant_a, kind="PHONE_NUMBER", value="+12065550100", iso_country="US",
        number_type="TEN_DLC", aws_id="phone-10dlc", status="ACTIVE",
    )  # fmt: skip


def _url(tenant, sender) -> str:
    return f"/staff/tenants/{tenant.slug}/senders/{sender.pk}/throughput/"


def test_staff_record_a_raised_limit_and_sending_uses_it(tenant_a, sam, ten_dlc):
    assert parts_per_second(ten_dlc) == 1.0  # AWS's default for a 10DLC number
    response = client_for(sam).post(
        _url(tenant_a, ten_dlc), {"parts_per_second": "40", "reason": "Support case 1234"}
    )
    assert response.status_code == 302
    ten_dlc.refresh_from_db()
    assert ten_dlc.parts_per_second_override == 40.0
    assert parts_per_second(ten_dlc) == 40.0
    entry = AuditEntry.objects.get(action="sender.throughput")
    assert entry.after == {"parts_per_second": 40.0, "reason": "Support case 1234"}
    page = client_for(sam).get(f"/staff/tenants/{tenant_a.slug}/")
    assert "40.0 parts/s (raised by AWS)" in page.content.decode()

    client_for(sam).post(_url(tenant_a, ten_dlc), {"parts_per_second": "", "reason": "Reverted"})
    ten_dlc.refresh_from_db()
    assert ten_dlc.parts_per_second_override is None
    assert parts_per_second(ten_dlc) == 1.0


@pytest.mark.parametrize(
    "data",
    [
        {"parts_per_second": "0", "reason": "x"},
        {"parts_per_second": "5000", "reason": "x"},
        {"parts_per_second": "fast", "reason": "x"},
        {"parts_per_second": "10", "reason": ""},
    ],
)
def test_bad_input_says_what_to_fix_and_stores_nothing(tenant_a, sam, ten_dlc, data):
    response = client_for(sam).post(_url(tenant_a, ten_dlc), data, follow=True)
    assert response.status_code == 200
    assert "Give the parts per second (0.01 to 1000" in response.content.decode()
    ten_dlc.refresh_from_db()
    assert ten_dlc.parts_per_second_override is None
    assert not AuditEntry.objects.filter(action="sender.throughput").exists()


def test_viewers_and_other_tenants_cannot(tenant_a, tenant_b, sam, vic, alice, ten_dlc):
    data = {"parts_per_second": "40", "reason": "x"}
    assert client_for(vic).post(_url(tenant_a, ten_dlc), data).status_code == 403
    assert client_for(alice).post(_url(tenant_a, ten_dlc), data).status_code == 404
    assert client_for(sam).post(_url(tenant_b, ten_dlc), data).status_code == 404
    assert client_for(sam).get(_url(tenant_a, ten_dlc)).status_code == 405
    ten_dlc.refresh_from_db()
    assert ten_dlc.parts_per_second_override is None
