"""The staff dashboard's daily summary: what each closed day added to the figures, per tenant,
so that a dashboard load reads one row per day and tenant instead of every timeline."""

from __future__ import annotations

from django.db import models

from tenants.models import Tenant


class DashboardDay(models.Model):
    """One UTC day's contributions of one tenant's registrations, or of every tenant's when
    `tenant` is empty (staff/summary.py says what each key holds)."""

    day = models.DateField()
    tenant = models.ForeignKey(
        Tenant, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    figures = models.JSONField(default=dict)

    class Meta:
        ordering = ["day", "tenant"]
        constraints = [
            models.UniqueConstraint(fields=["day", "tenant"], name="dashboard_day_tenant_unique"),
            models.UniqueConstraint(
                fields=["day"], condition=models.Q(tenant=None), name="dashboard_day_all_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} tenant {self.tenant_id}"


class DashboardSummaryState(models.Model):
    """The one row that says how far the summary reaches and what it has seen."""

    refreshed_through = models.DateField(help_text="the last day the summary holds")
    last_event_id = models.BigIntegerField(default=0, help_text="the newest timeline event seen")
    versions_seen_at = models.DateTimeField(
        null=True, help_text="versions changed after this are looked at again"
    )
    refreshed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"dashboard summary through {self.refreshed_through}"
