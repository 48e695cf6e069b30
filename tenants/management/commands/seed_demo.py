"""Creates the demo provider staff user and a demo tenant with its owner, and prints them."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from tenants.models import BusinessProfile, Membership, Role, Tenant, User

STAFF_EMAIL = "staff@demo.example"
OWNER_EMAIL = "owner@demo.example"
DEMO_PASSWORD = "demo-password-123"  # printed on start; demo only


class Command(BaseCommand):
    help = "Create (or keep) the demo staff user, demo tenant and its owner."

    @transaction.atomic
    def handle(self, *args: object, **options: object) -> None:
        staff, created = User.objects.get_or_create(
            email=STAFF_EMAIL,
            defaults={
                "full_name": "Sam Staff",
                "is_staff": True,
                "staff_role": User.StaffRole.REVIEWER,
            },
        )
        if created:
            staff.set_password(DEMO_PASSWORD)
            staff.save(update_fields=["password"])
        owner, created = User.objects.get_or_create(
            email=OWNER_EMAIL, defaults={"full_name": "Olivia Owner"}
        )
        if created:
            owner.set_password(DEMO_PASSWORD)
            owner.save(update_fields=["password"])
        tenant, _ = Tenant.objects.get_or_create(slug="demo", defaults={"name": "Demo Coffee Co."})
        BusinessProfile.objects.get_or_create(
            tenant=tenant,
            defaults={
                "legal_name": "Demo Coffee Company LLC",
                "dba_name": "Demo Coffee",
                "business_type": BusinessProfile.BusinessType.PRIVATE_PROFIT,
                "vertical": BusinessProfile.Vertical.RETAIL,
                "website": "https://coffee.example.com",
                "support_email": "help@coffee.example.com",
                "country": "US",
            },
        )
        Membership.objects.get_or_create(tenant=tenant, user=owner, defaults={"role": Role.OWNER})
        self.stdout.write(
            f"\nDemo accounts (password for both: {DEMO_PASSWORD})\n"
            f"  provider staff : {STAFF_EMAIL}  -> http://127.0.0.1:8000/staff/\n"
            f"  tenant owner   : {OWNER_EMAIL}  -> http://127.0.0.1:8000/t/{tenant.slug}/\n"
        )
