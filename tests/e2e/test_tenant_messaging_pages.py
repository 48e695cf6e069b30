"""A tenant admin walks the sending pages in a real browser: the dashboard says what is live,
*Senders* shows the number with its registration and keywords, *Messages* finds a message sent
through the sandbox whose delivery events came back through the signed SNS hook, the message's
page shows those events and the cost, an opt-out is added and lifted (the AWS opt-out list at
the sandbox follows both), and a webhook endpoint is added and its secret rotated (each secret
shown once). No page is wider than the window."""

from __future__ import annotations

import pytest

from messaging.dispatch import message_dispatch
from messaging.models import Message, OptOut, WebhookEndpoint
from messaging.services import message_send
from registrations.aws import operations as aws
from registrations.aws.gateway import Gateway
from registrations.models import Sender, SendingSetup
from tests.e2e.test_foundation_browser import sign_in
from tests.messaging.conftest import US_OK
from tests.messaging.test_tenant_pages import _campaign
from tests.waiting import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TOPIC = "arn:aws:sns:us-east-1:123456789012:portal-sms-events"
LIST = "portal-acme"
STOPPER = "+12065550142"


def _no_overflow(page, width: int = 1280) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll}px wide in a {width}px window"


def _at_aws() -> set[str]:
    return {item.number for item in aws.opted_out_numbers_list(Gateway(), opt_out_list=LIST)}


@pytest.fixture
def delivered(sandbox, sandbox_process, live_server, tenant_a, alice, settings, monkeypatch):
    """A message of tenant A sent through the sandbox, its events back through the hook."""
    settings.SNS_TRUSTED_CERT_ORIGINS = [sandbox_process]
    monkeypatch.setattr("messaging.services._enqueue", lambda ids, tenant_id: None)
    sandbox.request(
        "POST", "/_sandbox/subscriptions",
        {"TopicArn": TOPIC, "AutoConfirm": True,
         "Endpoint": f"{live_server.url}/hooks/sns/delivery/"},
    )  # fmt: skip
    gw = Gateway()
    aws.configuration_set_create(gw, name="cs-acme")
    aws.event_destination_create(gw, configuration_set="cs-acme", name="portal", topic_arn=TOPIC)
    aws.opt_out_list_create(gw, name=LIST)
    SendingSetup.objects.create(
        tenant=tenant_a, configuration_set_name="cs-acme", opt_out_list_name=LIST
    )
    number = aws.phone_number_request(
        gw, country="US", number_type="SIMULATOR", client_token="e2e-pages"
    )
    Sender.objects.create(
        tenant=tenant_a, registration=_campaign(tenant_a, alice), kind="PHONE_NUMBER",
        value=number.number, iso_country="US", number_type="SIMULATOR", aws_id=number.id,
        aws_arn=number.arn, status="ACTIVE",
    )  # fmt: skip
    message = message_send(
        tenant=tenant_a, api_key=None,
        item={"to": US_OK, "body": "Acme: your anvil has shipped.", "type": "TRANSACTIONAL"},
    )  # fmt: skip
    assert message_dispatch(tenant_id=tenant_a.pk, message_id=message.pk).status == "sent"
    wait_until(
        lambda: Message.objects.get(pk=message.pk).status == Message.Status.DELIVERED,
        timeout=20,
        interval=0.2,
        message="the delivery events did not reach the portal's hook",
    )
    return Message.objects.get(pk=message.pk)


def test_a_tenant_walks_senders_messages_events_opt_outs_and_webhooks(
    page, live_server, delivered, tenant_a, alice, tmp_path
):
    base = live_server.url
    sender = delivered.sender
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, base, "alice@acme.example")
    page.wait_for_url(f"{base}/t/acme/")
    live = page.locator("[data-live=senders] .stat")
    assert live.inner_text() == "1"
    assert page.locator("[data-live=messages] .stat").inner_text() == "1"
    assert page.locator("[data-next-step] h2").inner_text() == "Create an API key"
    _no_overflow(page)
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)

    # Senders: the number, its type, throughput, registration and keywords.
    page.get_by_role("link", name="Senders", exact=True).click()
    page.wait_for_url(f"{base}/t/acme/senders/")
    row = page.locator(f'tr[data-sender="{sender.value}"]')
    assert "Active" in row.locator(".badge").inner_text()
    assert "20 message parts per second" in row.inner_text()
    row.get_by_text("HELP, STOP").click()  # the registration's own replies fold out
    assert row.get_by_text("help at acme.example").is_visible()
    assert row.get_by_role("link", name="Order alerts").is_visible()
    _no_overflow(page)
    page.screenshot(path=str(tmp_path / "senders.png"), full_page=True)

    # Messages: a wrong search says what to fix; a right one finds the message.
    page.get_by_role("link", name="Messages", exact=True).click()
    page.wait_for_url(f"{base}/t/acme/messages/")
    page.get_by_label("Since").fill("2025-06-02")
    page.get_by_label("Until").fill("2025-06-01")
    page.get_by_role("button", name="Find").click()
    assert page.locator("#form-errors").get_by_text("before the start date").is_visible()
    page.screenshot(path=str(tmp_path / "messages-bad-search.png"), full_page=True)
    page.get_by_label("Since").fill("")
    page.get_by_label("Until").fill("")
    page.get_by_label("Recipient").fill("(425) 414-7755")
    page.get_by_label("Status").select_option("DELIVERED")
    page.get_by_role("button", name="Find").click()
    page.wait_for_url("**/messages/?to=*")
    found = page.locator("tr[data-message]")
    assert found.count() == 1
    page.screenshot(path=str(tmp_path / "messages.png"), full_page=True)
    found.get_by_role("link").click()
    page.wait_for_url(f"{base}/t/acme/messages/{delivered.pk}/")

    # The message's page: the events AWS sent back, in order, and the cost estimate.
    assert page.locator("[data-status=DELIVERED]").is_visible()
    events = page.locator("tr[data-event]")
    assert [events.nth(i).get_attribute("data-event") for i in range(events.count())] == [
        "TEXT_SUCCESSFUL",
        "TEXT_DELIVERED",
    ]
    assert page.get_by_text("Delivered to the phone").is_visible()
    assert page.locator("[data-estimate]").inner_text() == "$0.00581"
    _no_overflow(page)
    page.screenshot(path=str(tmp_path / "message.png"), full_page=True)

    # Opt-outs: add one (the AWS list follows), then lift it with the recipient's reason.
    page.get_by_role("link", name="Opt-outs", exact=True).click()
    page.wait_for_url(f"{base}/t/acme/opt-outs/")
    page.get_by_label("Mobile number").fill("(206) 555-0142")
    page.get_by_label("What the recipient asked, and how").fill("Called on 4 Dec to stop")
    page.get_by_role("button", name="Opt out", exact=True).click()
    page.wait_for_url(f"{base}/t/acme/opt-outs/")
    assert page.get_by_text(f"{STOPPER} is opted out").is_visible()
    assert page.locator(f'tr[data-opt-out="{STOPPER}"]').is_visible()
    page.screenshot(path=str(tmp_path / "opt-outs.png"), full_page=True)
    assert OptOut.objects.get(tenant=tenant_a).source == "portal"
    wait_until(lambda: STOPPER in _at_aws(), timeout=10, message="the AWS list has the number")
    row = page.locator(f'tr[data-opt-out="{STOPPER}"]')
    row.get_by_text("Opt back in…").click()
    row.get_by_label(f"How {STOPPER} opted back in").fill("Texted START on 5 Dec")
    row.get_by_role("button", name="Opt back in").click()
    page.wait_for_url(f"{base}/t/acme/opt-outs/")
    assert page.get_by_text(f"{STOPPER} may receive messages again").is_visible()
    assert page.locator("tr[data-opt-out]").count() == 0
    assert not OptOut.objects.filter(tenant=tenant_a).exists()
    wait_until(lambda: STOPPER not in _at_aws(), timeout=10, message="AWS let the number go")
    _no_overflow(page)

    # Webhooks: add an endpoint (its secret shown once), then rotate the secret.
    page.get_by_role("link", name="Webhooks", exact=True).click()
    page.wait_for_url(f"{base}/t/acme/webhooks/")
    page.get_by_label("Receiver URL").fill("http://hooks.acme.example/sms")
    page.get_by_role("button", name="Add endpoint").click()
    assert page.locator("#form-errors").get_by_text("https://").is_visible()
    page.get_by_label("Receiver URL").fill("https://hooks.acme.example/sms")
    page.get_by_label("A message was delivered").check()
    page.get_by_role("button", name="Add endpoint").click()
    page.get_by_role("heading", name="Copy the signing secret now").wait_for()
    endpoint = WebhookEndpoint.objects.get(tenant=tenant_a)
    assert page.get_by_label("New signing secret").input_value() == endpoint.secret
    assert endpoint.event_types == ["message.delivered"]
    first = endpoint.secret
    page.get_by_role("button", name="Rotate secret").click()
    page.wait_for_url(f"{base}/t/acme/webhooks/{endpoint.pk}/rotate/")
    endpoint.refresh_from_db()
    assert endpoint.secret != first and endpoint.previous_secret == first
    assert page.get_by_label("New signing secret").input_value() == endpoint.secret
    assert page.get_by_text("the previous secret too").is_visible()
    _no_overflow(page)
    page.screenshot(path=str(tmp_path / "webhook-rotated.png"), full_page=True)
    page.goto(f"{base}/t/acme/webhooks/{endpoint.pk}/")
    assert endpoint.secret not in page.content()  # shown once
