"""The README's five-minute tour names what a new tenant clicks, opens and sends: every one of
those names must exist, so that the tour cannot drift from the portal. Read from the README:

- each *emphasised* name (a link, button, page or status; `A → B` is a path of two) is text of a
  template or of the portal's Python code (labels, choices, statuses);
- each address of the portal resolves to one of its views;
- the demo accounts and their password are the ones `seed_demo` creates, on the tenant `demo`;
- the message sent is valid input of the sending API, to an AWS simulator number that delivers;
- the key's default scopes and the sandbox's review delay are what the tour says.

(That the flow itself works end to end is the toll-free browser test's and the sending API's.)
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve

from messaging.api.serializers import MessageIn
from portal.runall import _commands
from sandbox.countries import SIMULATOR_DESTINATIONS, SIMULATOR_FAILURES
from tenants.api_key_views import ApiKeyForm
from tenants.management.commands import seed_demo

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
TOUR = README[README.index("## A five-minute tour") : README.index("### Beyond the tour")]
SOURCES = "\n".join(
    path.read_text()
    for folder in ("templates", "tenants", "compliance", "registrations", "messaging", "staff")
    for path in (ROOT / folder).rglob("*")
    if path.suffix in (".html", ".py") and "migrations" not in path.parts
)


def _names() -> list[str]:
    emphasised = re.findall(r"(?<![*\w])\*([^*\n]+)\*(?!\*)", TOUR)
    return sorted({part.strip() for name in emphasised for part in name.split(" → ")})


def test_the_tour_is_read():
    # The tour names at least its main steps (so that the checks below do not pass on nothing).
    names = _names()
    assert {"Register a sender", "Send for review", "Approve and send to AWS"} <= set(names)
    assert len(names) >= 20, names


@pytest.mark.parametrize("name", _names())
def test_every_name_the_tour_gives_exists(name):
    found = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", SOURCES)
    assert found, f"the README's tour names *{name}*, which no template or code has"


def test_every_address_of_the_tour_resolves():
    urls = re.findall(r"http://127\.0\.0\.1:8000(/[^\s`),]*)", TOUR)
    urls += re.findall(r"`(/p/demo/[^`]*)`", TOUR)
    assert len(urls) >= 8, urls
    for path in urls:
        path = urlsplit(path.rstrip(".").replace("<id>", "0f4e6c1a")).path
        try:
            resolve(path)
        except Resolver404:
            pytest.fail(f"the README's tour opens {path}, which the portal does not serve")


def test_the_demo_accounts_are_the_seeded_ones():
    assert f"`{seed_demo.OWNER_EMAIL}`" in TOUR and f"`{seed_demo.STAFF_EMAIL}`" in TOUR
    assert f"`{seed_demo.DEMO_PASSWORD}`" in TOUR
    assert "/t/demo/" in TOUR  # seed_demo's tenant slug
    assert (
        'Tenant.objects.get_or_create(slug="demo"'
        in (ROOT / "tenants/management/commands/seed_demo.py").read_text()
    )


def test_the_message_sent_is_valid_and_goes_to_a_delivering_simulator():
    body = json.loads(re.search(r"-d '(\{.*\})'", TOUR).group(1))
    incoming = MessageIn(data=body)
    assert incoming.is_valid(), incoming.errors
    assert set(body) <= set(MessageIn().fields)
    assert body["to"] in SIMULATOR_DESTINATIONS["US"] and body["to"] not in SIMULATOR_FAILURES
    assert "DELIVERED" in TOUR


def test_the_default_scopes_and_the_sandbox_delay_are_the_tours():
    assert ApiKeyForm().fields["scopes"].initial == ["send", "read"]
    assert "scopes `send` and `read` are ticked" in TOUR
    sandbox = _commands("127.0.0.1", 8000, 4599, ROOT / "var")["sandbox"]
    assert sandbox[sandbox.index("--review-delay") + 1] == "20"
    assert "about 20 seconds later" in TOUR
