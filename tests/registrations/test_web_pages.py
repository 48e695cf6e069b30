"""The tenant's registration pages through Django's test client, against the sandbox catalog."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from registrations.models import FieldValue, Registration
from registrations.services.lifecycle import version_values
from registrations.states import Status
from tests.conftest import client_for
from tests.sandbox.forms import PNG, TFN_GOOD

pytestmark = pytest.mark.django_db


def _name(path):
    return path.replace(".", "__")


def test_start_toll_free_then_fill_every_step(catalog, tenant_a, alice):
    client = client_for(alice)
    base = f"/t/{tenant_a.slug}/registrations/"
    assert client.get(base).status_code == 200
    page = client.get(base + "start/")
    assert page.status_code == 200
    assert b"3 message parts per second" in page.content
    response = client.post(
        base + "start/", {"goal": "toll_free", "program": "own", "name": "Alerts"}
    )
    registration = Registration.objects.get(tenant=tenant_a)
    assert response.status_code == 302
    assert response["Location"] == f"{base}{registration.pk}/step/1/"
    step = 1
    while True:
        page = client.get(f"{base}{registration.pk}/step/{step}/")
        assert page.status_code == 200
        fields = page.context["section"]["fields"]
        data = {"action": "next"}
        for f in fields:
            value = TFN_GOOD.get(f.path)
            if value is not None:
                data[_name(f.path)] = value
            if f.type == "ATTACHMENT":
                data[_name(f.path)] = SimpleUploadedFile("optin.png", PNG)
        response = client.post(f"{base}{registration.pk}/step/{step}/", data)
        assert response.status_code == 302, page.context["form"].errors
        if response["Location"].endswith("/review/"):
            break
        step += 1
    review = client.get(f"{base}{registration.pk}/review/")
    assert review.status_code == 200
    assert review.context["missing"] == {}
    response = client.post(f"{base}{registration.pk}/submit/")
    assert response["Location"] == f"{base}{registration.pk}/"
    registration.refresh_from_db()
    assert registration.status == Status.IN_REVIEW
    detail = client.get(f"{base}{registration.pk}/")
    assert b"In provider review" in detail.content


def test_bad_values_are_shown_at_the_field_and_nothing_is_lost(catalog, tenant_a, alice):
    client = client_for(alice)
    base = f"/t/{tenant_a.slug}/registrations/"
    client.post(base + "start/", {"goal": "toll_free", "program": "own"})
    registration = Registration.objects.get(tenant=tenant_a)
    page = client.get(f"{base}{registration.pk}/step/1/")
    paths = [f.path for f in page.context["section"]["fields"]]
    assert "companyInfo.companyName" in paths
    response = client.post(
        f"{base}{registration.pk}/step/1/",
        {"action": "next", "companyInfo__companyName": "x" * 500, "companyInfo__city": "Seattle"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["companyInfo__companyName"][0].startswith("Use at most")
    assert 'value="' + "x" * 500 + '"' in response.content.decode()
    # The valid value next to it was saved; the prefilled name was not overwritten.
    values = version_values(registration.current_version)
    assert values["companyInfo.city"] == "Seattle"
    assert values["companyInfo.companyName"] == "Acme Anvils"


def test_upload_checks_type_by_content_and_size(catalog, tenant_a, alice):
    client = client_for(alice)
    base = f"/t/{tenant_a.slug}/registrations/"
    client.post(base + "start/", {"goal": "toll_free", "program": "own"})
    registration = Registration.objects.get(tenant=tenant_a)
    step = next(
        i
        for i in range(1, 8)
        if "messagingUseCase.optInImage"
        in [
            f.path
            for f in client.get(f"{base}{registration.pk}/step/{i}/").context["section"]["fields"]
        ]
    )
    url = f"{base}{registration.pk}/step/{step}/"
    fake = SimpleUploadedFile("optin.png", b"GIF89a not really")
    response = client.post(url, {"action": "save", "messagingUseCase__optInImage": fake})
    assert response.context["form"].errors["messagingUseCase__optInImage"] == [
        "Upload a PDF, PNG or JPEG file (checked by content)."
    ]
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * (401 * 1024))
    response = client.post(url, {"action": "save", "messagingUseCase__optInImage": big})
    assert response.context["form"].errors["messagingUseCase__optInImage"][0] == (
        "The file is 401 KB; the limit is 400 KB."
    )
    assert not FieldValue.objects.filter(field_path="messagingUseCase.optInImage").exists()
