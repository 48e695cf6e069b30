"""The staff opt-out page of a tenant: staff record what a recipient asked for by another way,
through the same service as every other way (against the sandbox, whose opt-out list must
agree)."""

from __future__ import annotations

import pytest

from compliance.models import ConsentRecord
from messaging.models import OptOut
from tests.conftest import client_for
from tests.messaging.conftest import US_OK
from tests.messaging.test_optouts import _at_aws
from tests.messaging.test_optouts import aws_list as aws_list  # noqa: F401 (fixture)


@pytest.mark.django_db(transaction=True)
def test_staff_record_a_recipients_request_through_the_same_service(aws_list, tenant_a, sam, vic):
    url = "/staff/messaging/tenants/acme/opt-outs/change/"
    form = {"phone": US_OK, "action": "opt_out", "kind": "", "reason": "Called support"}
    assert client_for(vic).post(url, form).status_code == 403  # viewers look, never act
    bad = client_for(sam).post(url, {**form, "phone": "+1 555"})
    assert bad.status_code == 400
    assert "not a valid phone number" in bad.content.decode()
    assert (OptOut.objects.count(), ConsentRecord.objects.count(), _at_aws()) == (0, 0, {})

    staff = client_for(sam)
    assert staff.post(url, form).status_code == 302
    row = OptOut.objects.get()
    assert (row.phone, row.source, row.message_type) == (US_OK, "staff", "")
    record = ConsentRecord.objects.get()
    assert (record.action, record.source) == ("opt_out", "staff")
    assert "Called support" in record.text_shown and "sam@provider.example" in record.text_shown
    assert US_OK in _at_aws()
    page = client_for(vic).get("/staff/messaging/tenants/acme/opt-outs/")
    assert page.status_code == 200 and US_OK in page.content.decode()

    assert staff.post(url, {**form, "action": "opt_in", "reason": "Asked again"}).status_code == 302
    assert OptOut.objects.count() == 0
    assert ConsentRecord.objects.filter(action="opt_in", source="staff").count() == 1
    assert US_OK not in _at_aws()
