"""The hook through which the public pages reach the opt-out list that the sending checks read.

The sending part of the portal (messaging) owns that list. It plugs in by naming, in the setting
`COMPLIANCE_OPT_OUT_SERVICE`, a module with two functions:

- `recipient_opt_out(*, tenant, phone, source, message_type, ip_address, user_agent)`: adds the
  opt-out to the list and appends the consent record in the caller's transaction; returns the
  record, or None when the number was already opted out;
- `recipient_opted_in(*, tenant, phone, source)`: a sign-up on the opt-in page (whose consent
  records the page writes itself) lifts the number-wide opt-out.

Without it, the compliance kit records consent only.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from django.conf import settings


def opt_out_service() -> ModuleType | None:
    path = getattr(settings, "COMPLIANCE_OPT_OUT_SERVICE", "")
    return importlib.import_module(path) if path else None
