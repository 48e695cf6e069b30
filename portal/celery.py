"""The Celery application: queues split by workload, routes, and the periodic schedule."""

from __future__ import annotations

import os
from pathlib import Path

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")

# One queue per workload so that a slow one (AWS calls at 1 request/second) never starves another.
QUEUES = ("default", "aws", "mail", "webhooks")
app.conf.task_queues = [Queue(name) for name in QUEUES]
app.conf.task_routes = {
    # Exact names win over the patterns: SNS messages need no AWS call and go to the default
    # queue.
    "registrations.tasks.sns_message_handle_task": {"queue": "default"},
    "registrations.tasks.sns_messages_maintain_task": {"queue": "default"},
    "registrations.tasks.*": {"queue": "aws"},
    # The staff dashboard's summary reads the database only.
    "staff.tasks.dashboard_summary_task": {"queue": "default"},
    "tenants.tasks.*_mail_task": {"queue": "mail"},
    "messaging.tasks.*_webhook_task": {"queue": "webhooks"},
    "messaging.tasks.sender_drain_task": {"queue": "aws"},
    "messaging.tasks.opt_out*": {"queue": "aws"},
    # Reads the tenant's resources at AWS.
    "messaging.tasks.go_live_check_task": {"queue": "aws"},
}

# Periodic schedules, one place, one comment each. Apps add entries here as they grow.
app.conf.beat_schedule = {
    # Drops expired invitations so that their links stop working and the members page stays clean.
    "invitations-expire": {"task": "tenants.tasks.invitation_expire_task", "schedule": 60 * 60},
    # Deletes opt-in abuse counters a day after their window ended (they only matter briefly).
    "consent-throttle-prune": {
        "task": "compliance.tasks.consent_throttle_prune_task",
        "schedule": 60 * 60,
    },
    # Reads registration forms from AWS; a change flags affected drafts and tells their tenants.
    "catalog-sync": {"task": "registrations.tasks.catalog_sync_task", "schedule": 6 * 60 * 60},
    # Resumes submissions whose worker died mid-pipeline (their lease ran out).
    "registrations-resume": {
        "task": "registrations.tasks.registration_resume_task",
        "schedule": 120,
    },
    # Catches status changes that events missed; each registration is polled by its age.
    "registrations-reconcile": {
        "task": "registrations.tasks.registration_reconcile_task",
        "schedule": 60,
    },
    # Starts the dispatch of senders with messages to send and no drain running: a drain whose
    # worker was killed (its flag lapsed), messages whose lease ran out (claimed again).
    "senders-wake": {"task": "messaging.tasks.senders_wake_task", "schedule": 2},
    # Queues again SNS messages whose handling task was lost, and prunes message ids too old to
    # be replayed (the age check refuses such messages anyway).
    "sns-messages-maintain": {
        "task": "registrations.tasks.sns_messages_maintain_task",
        "schedule": 10 * 60,
    },
    # Summarises the staff dashboard's closed days (and days that changed since) so that a
    # dashboard load reads one row per day and tenant plus today's events.
    "dashboard-summary": {
        "task": "staff.tasks.dashboard_summary_task",
        "schedule": 60 * 60,
    },
    # Makes each tenant's AWS opt-out list and the portal's agree: records opt-outs AWS took
    # itself (STOP to an AWS-managed number) and sends AWS what it missed.
    "opt-outs-reconcile": {
        "task": "messaging.tasks.opt_outs_reconcile_task",
        "schedule": 15 * 60,
    },
    # Asks AWS again about numbers still PENDING or ASSOCIATING after their registration
    # completed (a 10DLC association can take days), each by its age; an ACTIVE one joins
    # the sending setup.
    "senders-recheck": {"task": "registrations.tasks.senders_recheck_task", "schedule": 60},
    # Follows the open AWS Support cases (short codes, limit increases): AWS's replies, their
    # status, and short codes that appeared in the account. AWS Support answers in hours.
    "support-cases-poll": {
        "task": "registrations.tasks.support_cases_poll_task",
        "schedule": 5 * 60,
    },
    # Reads each AWS account's tier, spend limits, quotas and verified numbers (the provider's
    # and tenants' own) for the staff's readiness page, which shows when it was read.
    "aws-accounts-read": {
        "task": "registrations.tasks.account_readiness_read_all_task",
        "schedule": 60 * 60,
    },
}

app.conf.include = ["portal.tasks"]
app.autodiscover_tasks()


@app.on_after_configure.connect
def _make_broker_folders(sender: Celery, **_: object) -> None:
    """The file-system broker of the embedded defaults needs its folders to exist."""
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
    backend = sender.conf.result_backend or ""
    if backend.startswith("file://"):
        Path(backend.removeprefix("file://")).mkdir(parents=True, exist_ok=True)
