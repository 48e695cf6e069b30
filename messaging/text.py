"""Message bodies: GSM 03.38 (7-bit, with its extension table) or UCS-2, and part counts."""

from __future__ import annotations

_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The characters AWS documents as counting twice. GSM 03.38's extension table also has a form
# feed, but AWS's documented table does not list it, so a body with one is UCS-2 (as the
# sandbox counts it: tests/golden/segments.json).
_EXTENSION = "^{}\\[~]|€"
GSM7 = frozenset(_BASIC) | frozenset(_EXTENSION)

# The longest message AWS sends (seed 001, "SMS character limits"): 1,530 GSM-7 characters
# (septets: an extension character counts two) or 630 UCS-2 characters (UTF-16 units).
MAX_UNITS = {"GSM": 1530, "UNICODE": 630}


def encoding_and_parts(body: str) -> tuple[str, int, int]:
    """(`GSM` or `UNICODE`, parts, units). GSM-7: 160 septets in one part, 153 per part when
    split; extension characters count twice. UCS-2: 70 / 67 UTF-16 code units."""
    if all(ch in GSM7 for ch in body):
        units = len(body) + sum(1 for ch in body if ch in _EXTENSION)
        return "GSM", (1 if units <= 160 else -(-units // 153)), units
    units = len(body.encode("utf-16-le")) // 2
    return "UNICODE", (1 if units <= 70 else -(-units // 67)), units
