"""The catalog of registration definitions read from AWS, versioned.

Each sync that finds a difference stores a new `CatalogVersion` holding every type's definition
(type, sections, fields), normalised by `registrations.aws.catalog` into the JSON form of the
portal's own types (`registrations.schema`). Drafts point at the version their
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
    definition = models.JSONField(help_text="schema.TypeHeader as JSON")
    sections = models.JSONField(default=list, help_text="schema.SectionDef list, in order")
    fields = models.JSONField(default=list, help_text="schema.FieldDef list, in order")

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
        return self.definition.get("title") or self.registration_type
