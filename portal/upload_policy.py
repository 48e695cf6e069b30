"""The one upload policy: what a file really is (from its bytes, never its name), the extension
and Content-Type it is stored with, its pixel dimensions read from the image header before
anything is decoded, and what each use accepts (types, size, readable width).

Accepted: PDF, PNG and JPEG. An image over `UPLOAD_MAX_PIXELS` (40 megapixels by default) is
refused from its header alone: a small, highly compressed file can describe a huge canvas, and
decoding it would take gigabytes of memory. Pillow's own guard (`Image.MAX_IMAGE_PIXELS`) is set
to the same limit and its `DecompressionBombWarning` is treated as an error wherever this module
opens an image.

Uses and their limits:
- `REGISTRATION_ATTACHMENT`: AWS's CreateRegistrationAttachment takes PDF, PNG or JPEG up to
  500 KB.
- `TOLL_FREE_OPTIN_IMAGE`: the toll-free form's opt-in image, 400 KB.
- `OPTIN_EVIDENCE`: the rendered opt-in page, 400 KB and at least 600 px wide, so that it fits
  both of the above and stays readable (reviewers reject degraded images).
- `STORED_MAX_BYTES` (5 MB): what the attachment service stores when its caller names no
  field limit.
The shrink worker (`registrations/web/shrink_worker.py`, a child process without Django) gets
its limits from here as arguments.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings
from PIL import Image

PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"
EXTENSIONS = {PDF: "pdf", PNG: "png", JPEG: "jpg"}
_MAGIC = ((b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG))
_PILLOW_FORMATS = {"PNG": PNG, "JPEG": JPEG}
DEFAULT_MAX_PIXELS = 40_000_000
KB = 1024
MIN_READABLE_WIDTH = 600  # narrower images are too small to read
STORED_MAX_BYTES = 5 * 1024 * KB  # the API's limit for registration attachments


@dataclass(frozen=True)
class Use:
    """What one use of an upload accepts."""

    max_bytes: int
    kinds: tuple[str, ...] = (PDF, PNG, JPEG)
    min_width: int = 0  # for images; 0: any width

    @property
    def accept(self) -> str:
        """The value of a file input's `accept` attribute."""
        return ",".join(self.kinds)


REGISTRATION_ATTACHMENT = Use(max_bytes=500 * KB)
TOLL_FREE_OPTIN_IMAGE = Use(max_bytes=400 * KB)
OPTIN_EVIDENCE = Use(max_bytes=400 * KB, min_width=MIN_READABLE_WIDTH)


class UploadRefused(ValueError):
    """The upload breaks the policy; the message says why, for the person uploading."""


def max_pixels() -> int:
    return int(getattr(settings, "UPLOAD_MAX_PIXELS", DEFAULT_MAX_PIXELS))


def sniff(data: bytes) -> str:
    """The content type told by the first bytes; "" when it is none of the accepted ones."""
    return next((kind for magic, kind in _MAGIC if data.startswith(magic)), "")


def extension_for(content_type: str) -> str:
    return EXTENSIONS.get(content_type, "bin")


@dataclass(frozen=True)
class Inspection:
    content_type: str  # "" when not accepted
    size_bytes: int
    width: int = 0
    height: int = 0
    problem: str = ""  # why it is refused, said so that a person knows what to do

    @property
    def ok(self) -> bool:
        return not self.problem

    @property
    def extension(self) -> str:
        return extension_for(self.content_type)

    @property
    def is_image(self) -> bool:
        return self.content_type in (PNG, JPEG)


def open_image(data: bytes) -> Image.Image:
    """Opens an image lazily (header only) with the pixel limit enforced; raises ValueError
    with a message for a person when it is over the limit or unreadable."""
    limit = max_pixels()
    Image.MAX_IMAGE_PIXELS = limit
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow names the pixel count it read from the header: "Image size (N pixels) …".
        found = re.search(r"\((\d+) pixels\)", str(exc))
        raise ValueError(_too_many_pixels(int(found.group(1)) if found else None, limit)) from exc
    except Exception as exc:  # Pillow raises many types for broken files
        raise ValueError("The image cannot be read; export it again as PNG or JPEG.") from exc
    width, height = image.size
    if width * height > limit:
        raise ValueError(_too_many_pixels(width * height, limit, f" ({width} × {height})"))
    return image


def _too_many_pixels(pixels: int | None, limit: int, dimensions: str = "") -> str:
    size = f"{pixels / 1_000_000:.1f} megapixels{dimensions}" if pixels else "too many pixels"
    return (
        f"The image is {size}; the limit is {limit / 1_000_000:g} megapixels. "
        "Scale it down (for example to 2000 pixels wide) and upload it again."
    )


def inspect(data: bytes) -> Inspection:
    """The real type, size and pixel dimensions of an upload, and why it is refused if it is.
    Never decodes pixel data: only the header is read."""
    kind = sniff(data)
    if not kind:
        return Inspection(
            "", len(data), problem="Upload a PDF, PNG or JPEG file (checked by content)."
        )
    if kind == PDF:
        return Inspection(kind, len(data))
    try:
        image = open_image(data)
    except ValueError as exc:
        return Inspection(kind, len(data), problem=str(exc))
    if _PILLOW_FORMATS.get(image.format or "") != kind:
        return Inspection(
            kind, len(data), problem="The image cannot be read; export it again as PNG or JPEG."
        )
    width, height = image.size
    return Inspection(kind, len(data), width, height)


def read_checked(upload: BinaryIO, *, size: int | None, max_bytes: int) -> tuple[bytes, Inspection]:
    """Reads an upload of at most `max_bytes` and inspects it. One whose declared `size` is over
    the limit is refused before a byte is read; one that turns out longer is refused after
    `max_bytes + 1` bytes. Raises `UploadRefused`."""
    if size is not None and size > max_bytes:
        raise UploadRefused(f"The file is {size // KB} KB; the limit is {max_bytes // KB} KB.")
    data = upload.read(max_bytes + 1)
    inspection = inspect(data)
    if not inspection.content_type:
        raise UploadRefused(inspection.problem)
    if len(data) > max_bytes:
        raise UploadRefused(
            f"The file is over {max_bytes // KB} KB; the limit is {max_bytes // KB} KB."
        )
    if not inspection.ok:
        raise UploadRefused(inspection.problem)
    return data, inspection


@dataclass(frozen=True)
class Check:
    """An image (or PDF) against one use: its real type, size and pixels, and what is wrong."""

    content_type: str
    size_bytes: int
    width: int
    height: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def check(data: bytes, use: Use) -> Check:
    """The real type from the content, the size and the pixels read from the header, and each
    way they break `use`, in a few words. Pixel data is never decoded here."""
    kind = sniff(data)
    if kind == PDF and kind in use.kinds:
        problems = (f"larger than {use.max_bytes // KB} KB",) if len(data) > use.max_bytes else ()
        return Check(kind, len(data), 0, 0, problems)
    if kind not in use.kinds:
        try:  # a readable image of another format gets a message that names it
            other = open_image(data).format
        except ValueError:
            other = None
        problem = (
            f"{other} is not accepted; use PNG or JPEG"
            if other
            else "not a readable PNG, JPEG or PDF"
        )
        return Check("", len(data), 0, 0, (problem,))
    inspection = inspect(data)
    if not inspection.ok:
        return Check(kind, len(data), 0, 0, (inspection.problem,))
    width, height = inspection.width, inspection.height
    problems = []
    if len(data) > use.max_bytes:
        problems.append(f"larger than {use.max_bytes // KB} KB")
    if width < use.min_width:
        problems.append(f"narrower than {use.min_width} pixels, too small to read")
    return Check(kind, len(data), width, height, tuple(problems))
