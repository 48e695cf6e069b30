from django.apps import AppConfig

# Registers the system check of the portal's public address (compliance.W001).
from compliance import public_address  # noqa: F401


class ComplianceConfig(AppConfig):
    name = "compliance"
