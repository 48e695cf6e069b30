"""Rendering the hosted opt-in page to an image with headless Chromium, and shrinking it to
the limits of `portal.upload_policy.OPTIN_EVIDENCE` (a PNG of at most 400 KB and at least 600 px
wide, which fits both the toll-free form and the attachment API); the policy checks it.
"""

from __future__ import annotations

import io
import os
import shutil
from concurrent.futures import ThreadPoolExecutor

from PIL import Image

from portal import upload_policy

MAX_BYTES = upload_policy.OPTIN_EVIDENCE.max_bytes
MIN_WIDTH = upload_policy.OPTIN_EVIDENCE.min_width
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The evidence renderer reaches no address at all: prefetch hints and a meta refresh open
# connections that page.route() never sees, so no name or IP literal resolves.
EVIDENCE_ARGS = [*CHROMIUM_ARGS, "--host-resolver-rules=MAP * ~NOTFOUND"]


class EvidenceError(Exception):
    """Rendering failed or the image does not meet the limits."""


def chromium_path() -> str | None:
    return os.environ.get("PORTAL_CHROMIUM") or shutil.which("chromium")


def render_png(html: str, *, width: int = 900) -> bytes:
    """A full-page PNG of self-contained HTML (no network: styles must be inline).

    Playwright's sync API refuses to start in a thread that already runs an event loop (an
    async worker, or another Playwright session); a thread of its own always works."""
    path = chromium_path()
    if path is None:
        raise EvidenceError("Chromium is not installed (set PORTAL_CHROMIUM or install chromium).")
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_render, path, html, width).result(timeout=90)


def _render(path: str, html: str, width: int) -> bytes:
    # Loaded here: Playwright is heavy and only the process that renders needs it.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path, headless=True, args=EVIDENCE_ARGS
        )
        try:
            # Static HTML: no scripts (a WebSocket or a beacon is not a request that route()
            # sees), and every request aborted.
            page = browser.new_page(
                viewport={"width": width, "height": 800}, java_script_enabled=False
            )
            page.route("**/*", lambda route: route.abort())  # nothing leaves the machine
            page.set_content(html, wait_until="load")
            return page.screenshot(full_page=True, type="png")
        finally:
            browser.close()


def shrink_png(data: bytes, *, max_bytes: int = MAX_BYTES) -> bytes:
    """The PNG as is when small enough; else palette-quantised, then scaled down in steps."""
    if len(data) <= max_bytes:
        return data
    image = Image.open(io.BytesIO(data)).convert("RGB")
    scale = 1.0
    while True:
        size = (int(image.width * scale), int(image.height * scale))
        candidate = image.resize(size, Image.LANCZOS) if scale < 1 else image
        out = io.BytesIO()
        candidate.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(
            out, format="PNG", optimize=True
        )
        if out.tell() <= max_bytes or size[0] * 0.85 < MIN_WIDTH:
            return out.getvalue()
        scale *= 0.85
