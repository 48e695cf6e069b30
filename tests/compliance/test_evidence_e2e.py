"""Opt-in evidence rendered by real Chromium (Debian's package through Playwright), checked
against the opt-in screenshot field's limits: PNG, at most 400 KB, readable width."""

from __future__ import annotations

import io
import os

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from compliance import evidence, services
from compliance.models import OptInEvidence
from compliance.preflight import AttachmentInfo, Draft, preflight_run
from portal import upload_policy
from tests.e2e.conftest import chromium_or_skip

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = pytest.mark.e2e


@pytest.fixture
def chromium():
    chromium_or_skip()


@pytest.mark.django_db
def test_rendered_opt_in_page_fits_the_opt_in_image_field(
    chromium, published_a, tenant_a, owen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        item = services.optin_evidence_render(tenant=tenant_a, actor=owen)
    item = OptInEvidence.objects.get(pk=item.pk)
    assert (item.status, item.error) == ("done", "")
    assert item.file_name == f"tenants/acme/compliance/optin-evidence-{item.pk}-v1.png"
    with default_storage.open(item.file_name, "rb") as fh:
        data = fh.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) == item.size_bytes <= 400 * 1024
    image = Image.open(io.BytesIO(data))
    assert (image.format, image.size) == ("PNG", (item.width, item.height))
    assert item.width >= 600 and item.height >= 600
    check = upload_policy.check(data, upload_policy.OPTIN_EVIDENCE)
    assert (check.ok, check.content_type) == (True, "image/png")
    # The preflight image rules accept it as the toll-free opt-in image.
    draft = Draft(
        registration_type="US_TOLL_FREE_REGISTRATION",
        values={},
        attachments={
            "messagingUseCase.optInImage": AttachmentInfo(
                item.content_type, item.size_bytes, item.width, item.height, "hosted_evidence"
            )
        },
    )
    assert [f for f in preflight_run(draft) if f.rule_id.startswith("OPTIN_IMAGE")] == []


@pytest.mark.django_db
def test_capture_runs_once(chromium, published_a, tenant_a, owen):
    item = OptInEvidence.objects.create(tenant=tenant_a, page_version=published_a["opt_in"])
    first = services.optin_evidence_capture(tenant_id=tenant_a.pk, evidence_id=item.pk)
    assert first.status == "done"
    assert services.optin_evidence_capture(tenant_id=tenant_a.pk, evidence_id=item.pk) is None


def test_large_images_are_shrunk_below_the_limit():
    # A busy, photo-like page: gradients under thousands of coloured blocks.
    import random

    rng = random.Random(7)
    image = Image.linear_gradient("L").resize((1600, 3000)).convert("RGB")
    pixels = Image.effect_noise((1600, 3000), 25).convert("RGB")
    image = Image.blend(image, pixels, 0.5)
    for _ in range(3000):
        x, y = rng.randrange(1560), rng.randrange(2960)
        color = tuple(rng.randrange(256) for _ in range(3))
        image.paste(color, (x, y, x + rng.randrange(4, 40), y + rng.randrange(4, 40)))
    out = io.BytesIO()
    image.save(out, format="PNG")
    assert out.tell() > 400 * 1024
    small = evidence.shrink_png(out.getvalue())
    check = upload_policy.check(small, upload_policy.OPTIN_EVIDENCE)
    assert check.size_bytes <= 400 * 1024
    assert check.content_type == "image/png"
    assert check.width >= 600
    assert check.ok


def test_uploads_are_checked_by_content_not_name():
    gif = io.BytesIO()
    Image.new("RGB", (800, 600), "white").save(gif, format="GIF")
    assert upload_policy.check(gif.getvalue(), upload_policy.OPTIN_EVIDENCE).problems == (
        "GIF is not accepted; use PNG or JPEG",
    )
    assert upload_policy.check(b"not an image", upload_policy.OPTIN_EVIDENCE).problems == (
        "not a readable PNG, JPEG or PDF",
    )
    tiny = io.BytesIO()
    Image.new("RGB", (300, 200), "white").save(tiny, format="PNG")
    assert upload_policy.check(tiny.getvalue(), upload_policy.OPTIN_EVIDENCE).problems == (
        "narrower than 600 pixels, too small to read",
    )
