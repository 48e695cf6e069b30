"""How services start background work without importing their app's tasks module.

Services name a task by its registered name; tasks import services. That keeps every app's
``services → tasks`` edge out of the import graph (no ``services ↔ tasks`` circle), and the
queue a task goes to stays decided by the routes in ``portal/celery.py``.

``enqueue`` waits for the surrounding transaction to commit (a worker must see the rows the
task reads, and a rolled-back request must not start work); ``enqueue_now`` is for callers
outside any transaction, or that must hand work over even if their own transaction fails.
Both call the task's own ``delay``, so the eager mode of the test suite applies to them, and
so does a test that replaces ``delay`` (or ``apply_async``, which ``delay`` calls) on a task.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from portal.celery import app


def _task(name: str):
    if name not in app.tasks:
        # A web process has not imported the apps' tasks modules yet: autodiscovery runs
        # when the default modules are imported (a worker does so at start).
        app.loader.import_default_modules()
    if name not in app.tasks:  # a typo would otherwise vanish into a queue no worker reads
        raise LookupError(f"no Celery task is registered as {name!r}")
    return app.tasks[name]


def enqueue_now(name: str, *args: Any, **kwargs: Any) -> None:
    """Queues the task ``name`` at once with positional ``args`` and keyword ``kwargs``."""
    _task(name).delay(*args, **kwargs)


def enqueue(name: str, *args: Any, **kwargs: Any) -> None:
    """Queues the task ``name`` once the current transaction commits (at once outside one)."""
    task = _task(name)  # fail in the caller's request, not later in a commit hook
    transaction.on_commit(lambda: task.delay(*args, **kwargs))
