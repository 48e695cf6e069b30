"""Upload limits per field and shrinking an image that is too large into one that fits."""

from __future__ import annotations

import io

from PIL import Image

from registrations import overlay

KB = 1024
ATTACHMENT_LIMIT = 500 * KB  # CreateRegistrationAttachment: PDF, PNG or JPEG up to 500 KB
TOLL_FREE_IMAGE_LIMIT = 400 * KB  # the toll-free form's opt-in image: 400 KB
MIN_READABLE_WIDTH = 600


def field_limit(registration_type: str, path: str) -> int:
    if registration_type == overlay.TOLL_FREE and path.endswith("optInImage"):
        return TOLL_FREE_IMAGE_LIMIT
    return ATTACHMENT_LIMIT


def sniff(data: bytes) -> str:
    if data.startswith(b"%PDF"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return ""


def shrink(data: bytes, limit: int) -> bytes | None:
    """A JPEG of the image within `limit`, as wide as possible but at least 600 px when the
    original is; None when it cannot be read or made small enough."""
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except Exception:  # Pillow raises many types for broken files
        return None
    image = image.convert("RGB")
    scale = 1.0
    while True:
        size = (max(1, int(image.width * scale)), max(1, int(image.height * scale)))
        candidate = image.resize(size, Image.LANCZOS) if scale < 1 else image
        for quality in (85, 75, 65):
            out = io.BytesIO()
            candidate.save(out, format="JPEG", quality=quality, optimize=True)
            if out.tell() <= limit:
                return out.getvalue()
        if size[0] * 0.85 < min(MIN_READABLE_WIDTH, image.width):
            return None
        scale *= 0.85
