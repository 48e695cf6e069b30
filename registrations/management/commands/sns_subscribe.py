"""Subscribes the portal's SNS hooks to the provider's own topics (a deployment step)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from registrations.services.accounts import provider_topics_subscribe


class Command(BaseCommand):
    help = (
        "Subscribe <PORTAL_BASE_URL>/hooks/sns/registrations/ to SNS_REGISTRATION_TOPIC_ARNS and "
        "<PORTAL_BASE_URL>/hooks/sns/delivery/ to EUM_EVENTS_TOPIC_ARN and SNS_INBOUND_TOPIC_ARNS "
        "(SNS Subscribe with the portal's credentials); the hooks confirm the subscriptions."
    )

    def handle(self, *args: object, **options: object) -> None:
        found = provider_topics_subscribe()
        if not found:
            raise CommandError(
                "No topic is configured: set SNS_REGISTRATION_TOPIC_ARNS and EUM_EVENTS_TOPIC_ARN."
            )
        for entry in found:
            if entry["error"]:
                self.stderr.write(f"{entry['topic']} → {entry['endpoint']}: {entry['error']}")
            else:
                self.stdout.write(
                    f"{entry['topic']} → {entry['endpoint']}: {entry['subscription']}"
                )
        if any(entry["error"] for entry in found):
            raise CommandError("SNS refused a subscription (above).")
