"""Helpers for the registration browser tests: filling a generated wizard step from a value
set, step screenshots, images for uploads, and the sandbox fixtures shared with
tests/registrations."""

from __future__ import annotations

import io
import os
import random
import re
from pathlib import Path

from PIL import Image, ImageDraw

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def artifacts_dir(test_name: str) -> Path:
    """Screenshots go to $PORTAL_TEST_ARTIFACTS (or var/test-artifacts/), one folder a test."""
    base = Path(os.environ.get("PORTAL_TEST_ARTIFACTS") or ROOT / "var" / "test-artifacts")
    folder = base / re.sub(r"[^\w.-]+", "_", test_name)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Shots:
    def __init__(self, page, test_name: str) -> None:
        self.page, self.folder, self.n = page, artifacts_dir(test_name), 0

    def __call__(self, label: str) -> Path:
        self.n += 1
        path = self.folder / f"{self.n:02d}-{re.sub(r'[^a-z0-9]+', '-', label.lower())}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def optin_png(path: Path, *, noisy: bool = False) -> Path:
    """A readable picture of an opt-in form; `noisy` makes one far over 400 KB."""
    image = Image.new("RGB", (900, 700), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 860, 660), outline="#3a47d5", width=4)
    lines = [
        "Example Corp - account alerts by SMS",
        "Mobile number: [ +1 206 555 0100 ]",
        "[ ] I agree to receive account alerts from Example Corp.",
        "Msg frequency varies. Msg & data rates may apply.",
        "Reply HELP for help, STOP to opt out. Terms / Privacy",
    ]
    for i, line in enumerate(lines):
        draw.text((80, 90 + i * 60), line, fill="black")
    if noisy:
        rng = random.Random(7)
        pixels = image.load()
        for x in range(0, 900):
            for y in range(420, 700):
                pixels[x, y] = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
    out = io.BytesIO()
    image.save(out, format="PNG")
    path.write_bytes(out.getvalue())
    return path


def fill_step(page, values: dict, files: dict | None = None) -> list[str]:  # noqa: C901
    """Fills the visible fields of the current step that `values` (or `files`) answer; returns
    the paths it filled."""
    files = files or {}
    filled = []
    for block in page.locator(".wfield:not([hidden])").all():
        path = block.get_attribute("data-path")
        name = block.get_attribute("data-field")
        kind = block.get_attribute("data-type")
        if kind == "ATTACHMENT":
            if path in files:
                page.set_input_files(f'input[type=file][name="{name}"]', str(files[path]))
                filled.append(path)
            continue
        if path not in values:
            continue
        value = values[path]
        if kind == "SELECT":
            select = block.locator("select")
            if select.count():
                select.select_option(value[0])
            else:
                for box in block.locator("input[type=checkbox]:checked").all():
                    box.uncheck()
                for option in value:
                    block.locator(f'input[value="{option}"]').check()
        else:
            block.locator(f'[name="{name}"]').fill(value)
        filled.append(path)
    return filled


def walk_wizard(page, values: dict, files: dict | None, shot, label: str) -> int:
    """Fills every step and continues until the review page; returns the number of steps."""
    steps = 0
    while "/review/" not in page.url:
        steps += 1
        fill_step(page, values, files)
        shot(f"{label} step {steps}")
        page.get_by_role("button", name=re.compile("Save and (continue|review)")).click()
        page.wait_for_load_state()
        assert page.locator("#form-errors").count() == 0, page.locator("#form-errors").inner_text()
    return steps
