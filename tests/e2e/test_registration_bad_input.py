"""Bad input in the toll-free wizard, as a tenant admin would type it: too long, wrong pattern,
a required conditional field left empty, a file that is not what its name says, an image over
the limit. Each error appears at its field (in the browser first, then from the server, which
decides), and nothing typed is lost."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from registrations.models import Registration
from registrations.selectors import version_values
from tests.e2e.registration_helpers import Shots, optin_png, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LONG_NAME = "Acme Anvils and Heavy Iron Goods for Cartoon Coyotes of the Great American Desert " * 2


def test_errors_at_the_fields_and_nothing_lost(
    page, live_server, catalog, tenant_a, alice, tmp_path, celery_worker
):
    # The portal runs as in `make run`: with a worker process beside it (nothing here needs it
    # to act; an invalid form must not reach the pipeline).
    base = live_server.url
    shot = Shots(page, "bad_input")
    sign_in(page, base, alice.email)
    page.goto(f"{base}/t/{tenant_a.slug}/registrations/start/")
    page.get_by_label(re.compile("from a toll-free number")).check()
    page.get_by_role("button", name="Start").click()
    registration = Registration.objects.get(tenant=tenant_a)

    name = page.locator("#id_companyInfo__companyName")
    expect(name).to_have_value("Acme Anvils")  # prefilled from the business profile
    name.fill(LONG_NAME)
    counter = page.locator('.counter[data-for="id_companyInfo__companyName"]')
    expect(counter).to_have_text(f"{len(LONG_NAME.strip())} / 100")
    expect(counter).to_have_class(re.compile("over"))
    page.locator("#id_companyInfo__city").focus()  # leaving the field checks it in the browser
    expect(page.locator("#id_companyInfo__companyName_error")).to_have_text(
        f"Use at most 100 characters (now {len(LONG_NAME.strip())})."
    )
    page.locator("#id_companyInfo__city").fill("Seattle")
    page.locator("#id_companyInfo__isoCountryCode").fill("us")
    # Autosave keeps what is valid and answers the server's errors at the fields.
    expect(page.locator(".autosave-status")).to_have_text("Saved, except 2 fields with a problem.")
    expect(page.locator("#id_companyInfo__isoCountryCode_error")).to_contain_text(
        "Enter a value in the expected format"
    )
    assert version_values(registration.current_version)["companyInfo.city"] == "Seattle"
    # A business type other than sole proprietor makes the tax ID required.
    tax_block = page.locator("#f-companyInfo-taxId")
    expect(tax_block.locator(".req")).to_be_hidden()
    business = page.locator("#f-companyInfo-businessType")
    if business.locator("select").count():
        business.locator("select").select_option("PRIVATE_PROFIT")
    else:
        business.locator('input[value="PRIVATE_PROFIT"]').check()
    expect(tax_block.locator(".req")).to_be_visible()
    shot("errors in the browser")
    page.get_by_role("button", name="Save and continue").click()

    summary = page.locator("#form-errors")
    expect(summary).to_be_focused()
    expect(page.locator("#id_companyInfo__companyName_error")).to_have_text(
        f"Use at most 100 characters (now {len(LONG_NAME.strip())})."
    )
    expect(page.locator("#id_companyInfo__isoCountryCode_error")).to_contain_text(
        "Enter a value in the expected format"
    )
    expect(page.locator("#id_companyInfo__taxId_error")).to_have_text("This field is required.")
    expect(page.locator("#id_companyInfo__companyName")).to_have_attribute("aria-invalid", "true")
    summary.get_by_role("link", name=re.compile("Company name")).click()
    assert page.url.endswith("#f-companyInfo-companyName")
    # Nothing typed is lost: the refused values are back in their fields, the others saved.
    expect(page.locator("#id_companyInfo__companyName")).to_have_value(LONG_NAME)
    expect(page.locator("#id_companyInfo__isoCountryCode")).to_have_value("us")
    expect(page.locator("#id_companyInfo__city")).to_have_value("Seattle")
    saved = version_values(registration.current_version)
    assert saved["companyInfo.city"] == "Seattle"
    assert saved["companyInfo.businessType"] == ["PRIVATE_PROFIT"]
    assert saved["companyInfo.companyName"] == "Acme Anvils"
    shot("errors from the server")

    # Uploads: go to the step with the opt-in image.
    page.goto(f"{base}/t/{tenant_a.slug}/registrations/{registration.pk}/step/3/")
    upload = page.locator('input[type=file][name="messagingUseCase__optInImage"]')
    error = page.locator("#id_messagingUseCase__optInImage_error")
    fake = tmp_path / "screenshot.png"
    fake.write_bytes(b"GIF89a" + b"\x00" * 200)
    upload.set_input_files(str(fake))
    expect(error).to_have_text("This is not a PDF, PNG or JPEG file (checked from its content).")
    page.locator("#id_messagingUseCase__useCaseDetails").fill("Account alerts for our customers.")
    page.get_by_role("button", name="Save draft").click()
    expect(error).to_have_text("Upload a PDF, PNG or JPEG file (checked by content).")
    expect(page.locator("#id_messagingUseCase__useCaseDetails")).to_have_value(
        "Account alerts for our customers."
    )
    shot("wrong file type")

    big = optin_png(tmp_path / "big.png", noisy=True)
    size_kb = big.stat().st_size // 1024
    assert size_kb > 400
    upload = page.locator('input[type=file][name="messagingUseCase__optInImage"]')
    upload.set_input_files(str(big))
    shrink = page.locator('input[name="shrink__messagingUseCase__optInImage"]')
    expect(shrink).to_be_checked()  # the browser offers to shrink it
    expect(page.locator("#f-messagingUseCase-optInImage img.new-preview")).to_be_visible()
    shrink.uncheck()
    page.get_by_role("button", name="Save draft").click()
    expect(error).to_contain_text(f"The file is {size_kb} KB; the limit is 400 KB.")
    expect(error).to_contain_text("Shrink it to fit")
    shot("oversized image")

    page.locator('input[type=file][name="messagingUseCase__optInImage"]').set_input_files(str(big))
    expect(page.locator('input[name="shrink__messagingUseCase__optInImage"]')).to_be_checked()
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    current = page.locator("#f-messagingUseCase-optInImage .current-file")
    expect(current).to_contain_text("big-small.jpg")
    expect(current.locator("img.preview")).to_be_visible()
    value = registration.current_version.values.get(field_path="messagingUseCase.optInImage")
    assert value.attachment.content_type == "image/jpeg"
    assert value.attachment.size <= 400 * 1024
    shot("shrunk image attached")
    # Nothing of a draft with errors went to the worker.
    assert "registration_submit_task[" not in celery_worker.read_text()
