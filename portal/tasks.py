"""Tasks of the portal itself."""

from __future__ import annotations

import socket

from celery import shared_task


@shared_task(name="portal.tasks.health_ping_task")
def health_ping_task(payload: str) -> dict:
    """Echoes its payload with the worker's host name: proves a broker and worker round trip."""

    return {"echo": payload, "worker": socket.gethostname()}
