"""The catalog of registration definitions read from AWS, versioned.

Each sync that finds a difference stores a new `CatalogVersion` holding every type's definition
as AWS returned it (type, sections, fields in AWS shapes). Drafts point at the version their
form was built from, so a change can be detected and explained per draft.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class CatalogVersion(models.Model):
    number = models.PositiveIntegerField(unique=True)
    digest = models.CharField(max_length=64, help_text="sha256 of the canonical definitions")
    fetched_at = models.DateTimeField(default=timezone.now)
    changes = models.JSONField(default=list, blank=True, help_text="what changed from the previous")

    class Meta:
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"Catalog v{self.number}"


class RegistrationTypeDef(models.Model):
    catalog = models.ForeignKey(CatalogVersion, on_delete=models.CASCADE, related_name="types")
    registration_type = models.CharField(max_length=64)
    definition = models.JSONField(help_text="RegistrationTypeDefinition as AWS returns it")
    sections = models.JSONField(default=list, help_text="RegistrationSectionDefinition list")
    fields = models.JSONField(default=list, help_text="RegistrationFieldDefinition list, in order")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["catalog", "registration_type"], name="typedef_catalog_type_unique"
            )
        ]
        ordering = ["registration_type"]

    def __str__(self) -> str:
        return f"{self.registration_type} ({self.catalog})"

    @property
    def title(self) -> str:
        hints = self.definition.get("DisplayHints") or {}
        return hints.get("Title") or self.registration_type
