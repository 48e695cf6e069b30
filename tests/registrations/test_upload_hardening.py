"""Uploads bounded before they are read. The issue's reproductions: a 410 KB PNG of 12000 × 12000
pixels with "shrink to fit" took 25 s and 1.7 GB of the web process; a 300 MB upload was read
into memory before being refused; stored names and S3's Content-Type followed the client's
file name."""

from __future__ import annotations

import io
import re
import struct
import time
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIRequest
from django.test import RequestFactory
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from PIL import Image
from storages.backends.s3 import S3Storage

from portal import request_limits, upload_policy
from registrations.models import Attachment, FieldValue, Registration
from registrations.services import drafts
from registrations.web import uploads
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

FIELD = "messagingUseCase__optInImage"
STATUS = Path("/proc/self/status")
CLEAR_REFS = Path("/proc/self/clear_refs")


# --- helpers ----------------------------------------------------------------------------------


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def canvas_png(width: int, height: int, *, rows: int | None = None) -> bytes:
    """A PNG of one colour, written row by row: its pixels never exist in this process, so
    making it costs a few MB however large the canvas is. With `rows`, only that many rows
    are written: the header still says width × height (enough for checks that read only the
    header, and much faster to make)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    packer = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * (width * 3)
    count = height if rows is None else rows
    idat = b"".join(packer.compress(row) for _ in range(count)) + packer.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", idat)
        + _chunk(b"IEND", b"")
    )


def _peak_kb() -> int:
    return int(re.search(r"VmHWM:\s+(\d+)", STATUS.read_text()).group(1))


def _reset_peak() -> None:
    CLEAR_REFS.write_text("5")  # Linux: the peak resident size starts again from now


needs_proc = pytest.mark.skipif(
    not CLEAR_REFS.exists(), reason="measuring peak memory needs Linux's /proc/self/clear_refs"
)


def _toll_free_step(client, tenant) -> str:
    base = f"/t/{tenant.slug}/registrations/"
    client.post(base + "start/", {"goal": "toll_free", "program": "own"})
    registration = Registration.objects.get(tenant=tenant)
    for i in range(1, 9):
        url = f"{base}{registration.pk}/step/{i}/"
        if FIELD in client.get(url).context["form"].fields:
            return url
    raise AssertionError("no step has the opt-in image")


# --- pixel limit ------------------------------------------------------------------------------


@needs_proc
@pytest.mark.parametrize(
    ("width", "height", "shrink"),
    [(8000, 6000, False), (12000, 12000, True)],
    ids=["48-megapixels", "issue-12000x12000-shrink"],
)
def test_an_image_over_the_pixel_limit_is_refused_from_its_header(
    catalog, tenant_a, alice, width, height, shrink
):
    data = canvas_png(width, height)
    assert len(data) < 450 * 1024  # small in bytes: the danger is in the pixels
    client = client_for(alice)
    url = _toll_free_step(client, tenant_a)
    post = {"action": "save", FIELD: SimpleUploadedFile("optin.png", data)}
    if shrink:
        post["shrink__" + FIELD] = "1"
    _reset_peak()
    before, started = _peak_kb(), time.monotonic()
    response = client.post(url, post)
    grew_mb = (_peak_kb() - before) / 1024
    assert response.status_code == 200
    assert response.context["form"].errors[FIELD] == [
        f"The image is {width * height / 1e6:.1f} megapixels; the limit is 40 megapixels. "
        "Scale it down (for example to 2000 pixels wide) and upload it again."
    ]
    assert not FieldValue.objects.filter(field_path="messagingUseCase.optInImage").exists()
    assert Attachment.objects.count() == 0
    # Decoding would need width × height × 3 bytes (144 MB and 432 MB); the header costs none.
    assert grew_mb < 64, f"the web process grew by {grew_mb:.0f} MB"
    assert time.monotonic() - started < 10


def test_the_policy_reads_dimensions_without_decoding(settings):
    big = upload_policy.inspect(canvas_png(9000, 9000, rows=1))
    assert (big.content_type, big.width, big.height, big.ok) == ("image/png", 0, 0, False)
    assert big.problem.startswith("The image is 81.0 megapixels; the limit is 40 megapixels.")
    # Far beyond Pillow's own bomb limit (twice the limit): refused all the same.
    huge = upload_policy.inspect(canvas_png(20000, 20000, rows=1))
    assert huge.problem.startswith("The image is 400.0 megapixels; the limit is 40 megapixels.")
    # The limit is a setting; Pillow's own guard follows it.
    settings.UPLOAD_MAX_PIXELS = 100_000_000
    assert upload_policy.inspect(canvas_png(9000, 9000, rows=1)).ok
    assert upload_policy.inspect(canvas_png(12000, 9000, rows=1)).problem.startswith(
        "The image is 108.0 megapixels; the limit is 100 megapixels."
    )
    fine = upload_policy.inspect(canvas_png(2000, 1500, rows=1))
    assert (fine.ok, fine.width, fine.height) == (True, 2000, 1500)
    assert upload_policy.inspect(b"\x89PNG\r\n\x1a\nbroken").problem == (
        "The image cannot be read; export it again as PNG or JPEG."
    )


def test_shrink_to_fit_runs_in_a_bounded_child_process(settings):
    """A readable image over the field's limit is shrunk in a child process; one that would
    need more memory than the child may have fails there, and the web process carries on."""
    noisy = Image.effect_noise((1600, 1200), 100).convert("RGB")
    out = io.BytesIO()
    noisy.save(out, format="PNG")
    assert out.tell() > 400 * 1024
    small = uploads.shrink(out.getvalue(), 400 * 1024)
    assert upload_policy.sniff(small) == "image/jpeg" and len(small) <= 400 * 1024
    assert Image.open(io.BytesIO(small)).width >= 600
    # 39.7 MP, just under the pixel limit: decoding it needs more than a 256 MB child has.
    settings.UPLOAD_SHRINK_MEMORY_MB = 256
    with pytest.raises(uploads.ShrinkFailed, match="cannot be read or shrunk"):
        uploads.shrink(canvas_png(6300, 6300), 400 * 1024)


# --- request body bound -----------------------------------------------------------------------


class _CountingInput:
    """A request body of any declared size that records how much of it was read."""

    def __init__(self) -> None:
        self.read_bytes = 0

    def read(self, size=-1):
        size = 64 * 1024 if size is None or size < 0 else size
        self.read_bytes += size
        return b"x" * size

    def readline(self, size=-1):
        return self.read(size)


def test_an_oversize_body_gets_413_without_being_read(tenant_a, alice):
    from portal.wsgi import application

    body = _CountingInput()
    environ = RequestFactory().post("/t/acme/registrations/1/step/1/").environ
    environ.update(
        {
            "CONTENT_LENGTH": str(300 * 1024 * 1024),
            "CONTENT_TYPE": "multipart/form-data; boundary=xyz",
            "wsgi.input": body,
        }
    )
    answered = {}
    chunks = application(environ, lambda status, headers: answered.update(status=status))
    text = b"".join(chunks).decode()
    assert answered["status"].startswith("413")
    assert "The upload is 300.0 MB; the limit is 10.0 MB." in text
    assert body.read_bytes == 0


def test_the_api_answers_413_in_its_error_shape(settings):
    settings.REQUEST_BODY_MAX_BYTES = 1024
    response = client_for(None).post(
        "/api/v1/messages", data=b"{" + b" " * 4096 + b"}", content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


class _CountingBytes(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.read_bytes = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.read_bytes += len(chunk)
        return chunk


def test_the_upload_handler_stops_reading_once_over_the_limit(settings):
    """Second line behind the declared length: parsing stops as soon as the file parts pass
    the limit, and the middleware refuses the request before any view sees the part read."""
    settings.REQUEST_BODY_MAX_BYTES = 256 * 1024
    body = encode_multipart(BOUNDARY, {"f": SimpleUploadedFile("a.bin", b"a" * 3_000_000)})
    stream = _CountingBytes(body)
    environ = RequestFactory().post("/upload/").environ
    environ.update(
        {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": str(len(body)), "wsgi.input": stream}
    )
    request = WSGIRequest(environ)
    middleware = request_limits.RequestBodyLimitMiddleware(lambda r: None)
    response = middleware.process_view(request, None, (), {})
    assert response.status_code == 413
    assert "f" not in request.FILES
    assert stream.read_bytes < 512 * 1024 < len(body)


# --- stored type ------------------------------------------------------------------------------


class _RecordingS3(S3Storage):
    """django-storages' S3 backend up to the request it would send: the write parameters it
    computes are recorded instead of being sent (there is no S3 here)."""

    sent: list[tuple[str, dict]] = []

    def _save(self, name, content):
        cleaned = self._normalize_name(name)
        self.sent.append((cleaned, self._get_write_parameters(cleaned, content)))
        return name

    def exists(self, name):
        return False


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), "navy").save(out, format="JPEG")
    return out.getvalue()


def test_a_jpeg_named_png_is_stored_as_jpg_with_its_real_type(catalog, tenant_a, alice, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": f"{__name__}._RecordingS3",
            "OPTIONS": {"bucket_name": "portal-test", "region_name": "us-east-1"},
        },
    }
    _RecordingS3.sent.clear()
    registration = drafts.registration_create(
        tenant=tenant_a, actor=alice, registration_type="US_TOLL_FREE_REGISTRATION", name="A"
    )
    attachment = drafts.registration_attachment_add(
        tenant=tenant_a,
        actor=alice,
        registration=registration,
        field_path="messagingUseCase.optInImage",
        upload=SimpleUploadedFile("x.png", _jpeg(), content_type="image/png"),
    )
    assert attachment.content_type == "image/jpeg"
    assert attachment.file.name.endswith(".jpg")
    assert attachment.original_name == "x.png"
    [(key, params)] = _RecordingS3.sent
    assert key.endswith(".jpg")
    assert params["ContentType"] == "image/jpeg"


def test_a_pdf_named_jpg_through_the_wizard_is_stored_as_pdf(catalog, tenant_a, alice):
    client = client_for(alice)
    url = _toll_free_step(client, tenant_a)
    pdf = b"%PDF-1.4\n%portal\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    response = client.post(url, {"action": "save", FIELD: SimpleUploadedFile("photo.jpg", pdf)})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.content_type, Path(attachment.file.name).suffix) == (
        "application/pdf",
        ".pdf",
    )
