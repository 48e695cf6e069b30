"""Celery tasks of the staff console (queue `default`: no AWS call)."""

from __future__ import annotations

from celery import shared_task

from staff import summary


@shared_task(name="staff.tasks.dashboard_summary_task")
def dashboard_summary_task() -> dict:
    """Summarises the dashboard's closed days (scheduled in portal/celery.py)."""
    return summary.summary_refresh()
