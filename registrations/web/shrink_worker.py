"""Run as a child process by `registrations.web.uploads.shrink` (never imported by the portal):
reads an image on stdin and writes a JPEG of at most `limit` bytes on stdout, as wide as
possible but at least `min_width` pixels when the original is. Exit status 3: it cannot be made
small enough and stay readable; 4: it cannot be read or is over the pixel limit.

Its memory (address space) and CPU time are bounded by the arguments before the image is
read, and the parent kills it after a wall-clock timeout: a hostile image costs this process,
never a web worker.
Only Pillow is imported: no Django, no settings, no database.
"""

from __future__ import annotations

import io
import resource
import sys
import warnings

from PIL import Image


def shrink(data: bytes, limit: int, min_width: int, max_pixels: int) -> bytes | None:
    Image.MAX_IMAGE_PIXELS = max_pixels
    warnings.simplefilter("error", Image.DecompressionBombWarning)
    image = Image.open(io.BytesIO(data))
    if image.width * image.height > max_pixels:
        raise ValueError("over the pixel limit")
    image.load()
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
        if size[0] * 0.85 < min(min_width, image.width):
            return None
        scale *= 0.85


def main() -> int:
    limit, min_width, max_pixels, memory, seconds = (int(a) for a in sys.argv[1:6])
    # Bounds first, before a byte of the image is read.
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))
    data = sys.stdin.buffer.read()
    try:
        result = shrink(data, limit, min_width, max_pixels)
    except Exception:  # Pillow raises many types for broken files
        return 4
    if result is None:
        return 3
    sys.stdout.buffer.write(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
