"""What the tenant's dashboard says about sending: what is live (active senders, this month's
messages and estimated spend) and the one next step. The dashboard view (tenants) reaches it
through the setting `TENANT_DASHBOARD_SENDING`, as lower apps reach higher ones."""

from __future__ import annotations

from django.urls import reverse

from compliance.selectors import published_kinds, sms_program_get
from messaging import selectors
from messaging.spend import month_spend
from registrations.models import Registration
from registrations.states import Status
from registrations.web.selectors import next_action
from tenants.api_keys import api_key_list
from tenants.models import Tenant
from tenants.selectors import business_profile_get

FINISHED = (Status.CANCELLED, Status.CLOSED, Status.DELETED)


def _step(title: str, text: str, url: str, link: str) -> dict:
    return {"title": title, "text": text, "url": url, "link": link}


def _next_step(tenant: Tenant, active: int, is_admin: bool) -> dict:
    slug = tenant.slug
    registrations = list(
        Registration.objects.filter(tenant=tenant).exclude(status__in=FINISHED).order_by("id")
    )
    if not registrations and not active:
        if business_profile_get(tenant=tenant).missing_fields:
            return _step(
                "Complete your business profile",
                "Every registration is prefilled from it.",
                reverse("business_profile_detail", args=[slug]),
                "Fill in the profile",
            )
        if sms_program_get(tenant=tenant) is None or not published_kinds(tenant=tenant):
            return _step(
                "Describe your SMS program and publish its pages",
                "Carriers read your terms, privacy and opt-in pages before they approve a sender.",
                reverse("compliance_overview", args=[slug]),
                "Describe your program",
            )
        return _step(
            "Register a sender",
            "Carriers require a registered number or sender ID before you send.",
            reverse("registration_start", args=[slug]),
            "Choose what to register",
        )
    for registration in registrations:
        who, what = next_action(registration.status)
        if who == "you":
            return _step(
                f"{registration.name}: {what}",
                registration.get_status_display(),
                reverse("registration_detail", args=[slug, registration.pk]),
                "Go to the form",
            )
    if not active:
        waiting = next((r for r in registrations if r.status != Status.COMPLETE), registrations[0])
        _, what = next_action(waiting.status)
        return _step(
            f"{waiting.name}: {waiting.get_status_display()}",
            f"{what}. Your sender becomes active when it is approved and set up.",
            reverse("registration_detail", args=[slug, waiting.pk]),
            "Follow its progress",
        )
    if is_admin and not any(k.revoked_at is None for k in api_key_list(tenant=tenant)):
        return _step(
            "Create an API key",
            "Your applications send through the portal's API with a key.",
            reverse("api_key_list", args=[slug]),
            "Create a key",
        )
    if not selectors.message_exists(tenant=tenant):
        return _step(
            "Send your first message",
            "POST /api/v1/messages with your key; it appears under Messages with its "
            "delivery events.",
            reverse("api_docs"),
            "How to send",
        )
    return _step(
        "You are live",
        "Watch deliveries and opt-outs; register another sender for another country or use case.",
        reverse("message_list", args=[slug]),
        "See what was sent",
    )


def sending_summary(tenant: Tenant, *, is_admin: bool = False) -> dict:
    senders = list(selectors.sender_list(tenant=tenant))
    active = [s for s in senders if s.status == "ACTIVE"]
    counts = selectors.message_counts_since(tenant=tenant, since=selectors.month_start())
    return {
        "active_senders": len(active),
        "pending_senders": len(senders) - len(active),
        "month_messages": counts["total"],
        "month_delivered": counts["delivered"],
        "month_failed": counts["failed"],
        "month_spend": month_spend(tenant),
        "next": _next_step(tenant, len(active), is_admin),
    }
