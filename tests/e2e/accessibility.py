"""What the layout and accessibility tests check in a page: no sideways overflow, and no axe-core
violation of WCAG 2.1 A/AA.

axe-core comes from the npm registry at a pinned version (`make axe`, which `.ci/run` calls, puts
its `axe.min.js` under `var/vendor/axe-core/`; `PORTAL_AXE` names another copy). It is evaluated
in the page through the browser's debugging protocol, so the page's own Content-Security-Policy
stays in force and is not loosened for the test.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE_PATH = Path(os.environ.get("PORTAL_AXE") or ROOT / "var" / "vendor" / "axe-core" / "axe.min.js")

# The success criteria of WCAG 2.0 and 2.1, levels A and AA, plus axe's best practices (heading
# order, landmarks, empty table headers: problems a screen reader user meets that WCAG's own tags
# leave to judgement).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

RUN_AXE = """
async (tags) => {
  const result = await window.axe.run(document, {
    runOnly: { type: "tag", values: tags },
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.slice(0, 4).map((n) => `${n.target.join(" ")}: ${n.failureSummary}`),
    count: v.nodes.length,
  }));
}
"""


@cache
def axe_source() -> str:
    if not AXE_PATH.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"axe-core is missing in CI ({AXE_PATH}): .ci/run runs `make axe`.")
        pytest.skip("The accessibility checks need axe-core from npm: run `make axe`")
    return AXE_PATH.read_text()


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA (and best practice) violations in the page as it is now, one
    line each with the first elements concerned."""
    source = axe_source()
    if not page.evaluate("() => Boolean(window.axe)"):
        page.evaluate(source)
    found = page.evaluate(RUN_AXE, AXE_TAGS)
    return [
        f"{v['id']} ({v['impact']}, {v['count']} element(s)): {v['help']}\n      "
        + "\n      ".join(v["nodes"])
        for v in found
    ]


def overflow(page) -> str:
    """Empty when the page fits its window's width; otherwise by how much it does not, and the
    widest elements sticking out (to say what to fix)."""
    scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    if scroll <= inner:
        return ""
    culprits = page.evaluate(
        """(inner) => {
          const out = [];
          for (const el of document.querySelectorAll("body *")) {
            const box = el.getBoundingClientRect();
            if (box.right > inner + 1 && box.width > 0) {
              const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
                (el.className && typeof el.className === "string"
                  ? "." + el.className.trim().split(/\\s+/).join(".") : "");
              out.push(`${name} (right edge ${Math.round(box.right)}px)`);
            }
          }
          return out.slice(0, 6);
        }""",
        inner,
    )
    return f"{scroll}px wide in a {inner}px window; sticking out: {', '.join(culprits)}"


def sideways_scrollers(page) -> list[str]:
    """Boxes in the page's main content that scroll sideways (a table too wide for a phone kept
    in a scrolling box instead of being stacked)."""
    return page.evaluate(
        """() => {
          const out = [];
          for (const el of document.querySelectorAll("main *")) {
            const style = getComputedStyle(el).overflowX;
            if ((style === "auto" || style === "scroll") && el.scrollWidth > el.clientWidth + 1) {
              out.push(el.tagName.toLowerCase() +
                (el.className && typeof el.className === "string"
                  ? "." + el.className.trim().split(/\\s+/).join(".") : "") +
                ` (${el.scrollWidth}px of content in ${el.clientWidth}px)`);
            }
          }
          return out;
        }"""
    )
