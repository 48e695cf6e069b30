"""The one upload policy: what a file really is (from its bytes, never its name), the extension
and Content-Type it is stored with, and its pixel dimensions read from the image header before
anything is decoded.

Accepted: PDF, PNG and JPEG. An image over `UPLOAD_MAX_PIXELS` (40 megapixels by default) is
refused from its header alone: a small, highly compressed file can describe a huge canvas, and
decoding it would take gigabytes of memory. Pillow's own guard (`Image.MAX_IMAGE_PIXELS`) is set
to the same limit and its `DecompressionBombWarning` is treated as an error wherever this module
opens an image.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass

from django.conf import settings
from PIL import Image

PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"
EXTENSIONS = {PDF: "pdf", PNG: "png", JPEG: "jpg"}
_MAGIC = ((b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG))
_PILLOW_FORMATS = {"PNG": PNG, "JPEG": JPEG}
DEFAULT_MAX_PIXELS = 40_000_000


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
