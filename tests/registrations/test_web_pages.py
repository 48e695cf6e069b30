"""The tenant's registration pages through Django's test client, against the sandbox catalog."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from registrations.models import FieldValue, Registration
from registrations.selectors import version_values
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


def _tfn_draft(tenant, actor):
    from registrations.services import drafts

    registration = drafts.registration_create(
        tenant=tenant, actor=actor, registration_type="US_TOLL_FREE_REGISTRATION", name="Alerts"
    )
    values = version_values(registration.current_version)
    drafts.registration_values_save(
        tenant=tenant,
        actor=actor,
        registration=registration,
        values={k: v for k, v in TFN_GOOD.items() if values.get(k) != v},
    )
    drafts.registration_attachment_add(
        tenant=tenant,
        actor=actor,
        registration=registration,
        field_path="messagingUseCase.optInImage",
        upload=SimpleUploadedFile("optin.png", PNG),
    )
    return registration


def test_staff_comments_after_a_return_appear_at_their_fields(catalog, tenant_a, alice, sam):
    from registrations.services import review

    registration = _tfn_draft(tenant_a, alice)
    review.registration_submit_for_review(tenant=tenant_a, actor=alice, registration=registration)
    review.version_return(
        actor=sam,
        registration=registration,
        comments={"messageSamples.messageSample1": "Name your brand at the start."},
        message="One sample needs the brand.",
    )
    from tenants.models import Notice

    notice = Notice.objects.get(tenant=tenant_a)
    assert notice.link == f"/t/{tenant_a.slug}/registrations/{registration.pk}/"
    page = client_for(alice).get(notice.link)
    flagged = page.context["flagged"]
    assert [s.fdef.path for s in flagged] == ["messageSamples.messageSample1"]
    assert [c.body for c in flagged[0].comments] == ["Name your brand at the start."]
    html = page.content.decode()
    assert "<strong>Your provider:</strong> Name your brand at the start." in html
    assert page.context["next_what"] == "Fix the fields your provider commented on"
    step = client_for(alice).get(f"/t/{tenant_a.slug}/registrations/{registration.pk}/step/4/")
    assert "<strong>Your provider:</strong> Name your brand at the start." in step.content.decode()


def test_form_changed_flag_is_shown(catalog, tenant_a, alice):
    registration = _tfn_draft(tenant_a, alice)
    Registration.objects.filter(pk=registration.pk).update(
        schema_outdated=True,
        schema_changes=[{"detail": "New required field “Brand name”."}],
    )
    for suffix in ("", "step/1/"):
        page = client_for(alice).get(f"/t/{tenant_a.slug}/registrations/{registration.pk}/{suffix}")
        html = page.content.decode()
        assert "AWS changed this form since you started." in html
        assert "<li>New required field “Brand name”.</li>" in html


def test_member_sees_but_cannot_edit(catalog, tenant_a, alice, bob):
    registration = _tfn_draft(tenant_a, alice)
    base = f"/t/{tenant_a.slug}/registrations/{registration.pk}/"
    page = client_for(bob).get(base)
    assert page.status_code == 200
    assert b"Continue the form" not in page.content
    assert client_for(bob).get(base + "step/1/").status_code == 403
    response = client_for(bob).post(base + "autosave/", {"companyInfo__city": "Oslo"})
    assert response.status_code == 403
    assert version_values(registration.current_version)["companyInfo.city"] == "Seattle"


def test_autosave_saves_valid_values_and_answers_errors(catalog, tenant_a, alice):
    registration = _tfn_draft(tenant_a, alice)
    response = client_for(alice).post(
        f"/t/{tenant_a.slug}/registrations/{registration.pk}/autosave/",
        {"companyInfo__city": "Portland", "companyInfo__isoCountryCode": "USA"},
    )
    answer = response.json()
    assert (answer["saved"], answer["errors"]) == (
        True,
        {
            "companyInfo.isoCountryCode": [
                "Use at most 2 characters (now 3).",
                "Enter a value in the expected format, for example: US",
            ]
        },
    )
    assert isinstance(answer["findings"], dict)
    values = version_values(registration.current_version)
    assert (values["companyInfo.city"], values["companyInfo.isoCountryCode"]) == ("Portland", "US")


def test_autosave_answers_the_preflight_findings_at_their_fields(catalog, tenant_a, alice):
    """What the wizard shows at each field while the tenant types: the finding, with its fix,
    appears after the save that causes it and goes after the save that fixes it."""
    registration = _tfn_draft(tenant_a, alice)
    url = f"/t/{tenant_a.slug}/registrations/{registration.pk}/autosave/"
    path = "messageSamples.messageSample1"
    sample = "Example Corp: Hi {name}, your order [OrderId] has shipped. Reply STOP to opt out."
    answer = client_for(alice).post(url, {_name(path): sample}).json()
    assert answer["errors"] == {}
    here = [
        f for f in answer["findings"].get(path, []) if f["rule_id"] == "SAMPLE_PLACEHOLDER_FORMAT"
    ]
    assert here and here[0]["severity"] == "error"
    assert "[brackets]" in here[0]["message"] and "[FirstName]" in here[0]["fix_hint"]
    fixed = sample.replace("{name}", "[FirstName]")
    answer = client_for(alice).post(url, {_name(path): fixed}).json()
    assert "SAMPLE_PLACEHOLDER_FORMAT" not in {
        f["rule_id"] for f in answer["findings"].get(path, [])
    }


def test_rendered_opt_in_page_can_be_used_for_the_image_field(catalog, tenant_a, alice, settings):
    import io

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from PIL import Image

    from compliance.models import HostedPageVersion, OptInEvidence

    registration = _tfn_draft(tenant_a, alice)
    out = io.BytesIO()
    Image.new("RGB", (700, 500), "white").save(out, format="PNG")
    name = default_storage.save(
        f"tenants/{tenant_a.slug}/compliance/e.png", ContentFile(out.getvalue())
    )
    version = HostedPageVersion.objects.create(
        tenant=tenant_a, kind="opt_in", number=1, title="Opt in", body_html="<p>x</p>"
    )
    OptInEvidence.objects.create(
        tenant=tenant_a, page_version=version, status="done", file_name=name
    )
    step = client_for(alice).get(f"/t/{tenant_a.slug}/registrations/{registration.pk}/step/3/")
    assert b"Use the image of my opt-in page" in step.content
    response = client_for(alice).post(
        f"/t/{tenant_a.slug}/registrations/{registration.pk}/evidence/",
        {"action": "use", "back": f"/t/{tenant_a.slug}/registrations/{registration.pk}/step/3/"},
    )
    assert response.status_code == 302
    value = registration.current_version.values.get(field_path="messagingUseCase.optInImage")
    assert (value.attachment.original_name, value.attachment.content_type) == (
        "opt-in-page.png",
        "image/png",
    )
