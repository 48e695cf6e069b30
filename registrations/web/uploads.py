"""Which upload policy use each form field is, and shrinking an image that is too large into
one that fits (the limits themselves are in `portal/upload_policy.py`)."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from portal import upload_policy
from registrations import overlay

log = logging.getLogger(__name__)
WORKER = Path(__file__).with_name("shrink_worker.py")


def field_use(registration_type: str, path: str) -> upload_policy.Use:
    """Which use of the upload policy a form's file field is."""
    if registration_type == overlay.TOLL_FREE and path.endswith("optInImage"):
        return upload_policy.TOLL_FREE_OPTIN_IMAGE
    return upload_policy.REGISTRATION_ATTACHMENT


def field_limit(registration_type: str, path: str) -> int:
    return field_use(registration_type, path).max_bytes


class ShrinkFailed(Exception):
    """The image could not be shrunk; the message says why, for the person uploading."""


def shrink(data: bytes, limit: int) -> bytes:
    """A JPEG of the image within `limit`, as wide as possible but at least 600 px when the
    original is. The work runs in a child process with bounded memory and time (a hostile
    image costs that process, never the web worker); the pixel limit is checked from the
    header first, here, before any decoding."""
    try:
        upload_policy.open_image(data)
    except ValueError as exc:
        raise ShrinkFailed(str(exc)) from exc
    memory = settings.UPLOAD_SHRINK_MEMORY_MB * 1024 * 1024
    seconds = settings.UPLOAD_SHRINK_SECONDS
    # The child bounds its own memory and CPU time before it reads the image (no preexec_fn:
    # it is unsafe in a threaded web worker); the wall-clock timeout is enforced here.
    args = [sys.executable, "-I", str(WORKER), str(limit), str(upload_policy.MIN_READABLE_WIDTH)]
    args += [str(upload_policy.max_pixels()), str(memory), str(seconds)]
    try:
        done = subprocess.run(args, input=data, capture_output=True, timeout=seconds)
    except subprocess.TimeoutExpired as exc:
        log.warning("Shrinking an upload took over %s s; stopped.", seconds)
        raise ShrinkFailed("This image takes too long to shrink; make it smaller first.") from exc
    if done.returncode == 0 and done.stdout:
        return done.stdout
    if done.returncode == 3:
        raise ShrinkFailed("This image cannot be made small enough and stay readable.")
    log.warning("Shrinking an upload failed (exit %s).", done.returncode)
    raise ShrinkFailed("This image cannot be read or shrunk; export it again as PNG or JPEG.")
