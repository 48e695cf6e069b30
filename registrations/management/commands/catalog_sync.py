"""Reads the registration forms from AWS (or the sandbox) into the portal's catalog."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from registrations.services.catalog import catalog_sync


class Command(BaseCommand):
    help = "Sync registration type, section and field definitions from AWS."

    def handle(self, *args: object, **options: object) -> None:
        version, created = catalog_sync()
        types = version.types.count()
        if created:
            self.stdout.write(f"Catalog v{version.number} stored: {types} registration types.")
            for item in version.changes:
                for change in item["changes"]:
                    self.stdout.write(f"  {item['type']}: {change['detail']}")
        else:
            self.stdout.write(f"Catalog v{version.number} is current ({types} types).")
