"""portal.enqueue: names resolve to registered tasks, and work waits for the commit."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from portal.celery import app
from portal.enqueue import enqueue, enqueue_now

ROOT = Path(__file__).resolve().parents[2]
APPS = ("portal", "tenants", "compliance", "registrations", "messaging", "staff")


def _enqueued_names() -> set[tuple[str, str]]:
    """Every literal task name passed to enqueue()/enqueue_now() in the apps' code."""
    found = set()
    for package in APPS:
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(), filename=str(path))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call) or not node.args:
                    continue
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                first = node.args[0]
                if name in {"enqueue", "enqueue_now"} and isinstance(first, ast.Constant):
                    found.add((str(path.relative_to(ROOT)), first.value))
    return found


def test_every_enqueued_name_is_a_registered_task():
    names = _enqueued_names()
    app.loader.import_default_modules()
    missing = sorted((path, name) for path, name in names if name not in app.tasks)
    assert not missing, f"enqueue() names no registered task: {missing}"


def test_an_unknown_name_fails_in_the_caller():
    with pytest.raises(LookupError, match="no Celery task"):
        enqueue("portal.tasks.no_such_task")
    with pytest.raises(LookupError, match="no Celery task"):
        enqueue_now("portal.tasks.no_such_task", 1)


@pytest.mark.django_db(transaction=True)
def test_enqueue_waits_for_the_commit_and_a_rollback_drops_it(monkeypatch):
    from django.db import transaction

    sent: list[tuple] = []
    app.loader.import_default_modules()
    task = app.tasks["portal.tasks.health_ping_task"]
    monkeypatch.setattr(task, "apply_async", lambda args=(), kwargs=None: sent.append(args))

    with transaction.atomic():
        enqueue("portal.tasks.health_ping_task", "kept")
        assert sent == []
    assert sent == [("kept",)]

    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue("portal.tasks.health_ping_task", "dropped")
        raise RuntimeError("rolled back")
    assert sent == [("kept",)]

    enqueue_now("portal.tasks.health_ping_task", "now")
    assert sent[-1] == ("now",)
