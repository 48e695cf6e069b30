"""Deleting a webhook while its secret rotates (issue 12: a 500). Each request runs in its own
thread with its own database connection. On PostgreSQL a holder keeps the endpoint's row
locked so that both requests have found the endpoint and wait on its row, in a chosen order,
before either goes on; on SQLite they queue on the write lock in the order they arrive. Either
way each gets a clear answer, never a 500."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from messaging.models import WebhookEndpoint
from messaging.services import webhook_endpoint_create
from tests.concurrency import RowHolder, wait_for_waiters


def _call(key, method: str, path: str):
    client = Client(raise_request_exception=False)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key.plaintext}"}
    response = getattr(client, method)(
        "/api/v1/" + path, data=json.dumps({}), content_type="application/json", **headers
    )
    return response.status_code


def _in_order(first, second) -> list[int]:
    """Starts `first`, lets it reach the locked row, then `second`; returns both codes."""
    results: list = [None, None]

    def run(i, call):
        try:
            results[i] = call()
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(i, c), daemon=True)
        for i, c in enumerate((first, second))
    ]
    threads[0].start()
    wait_for_waiters(1)
    threads[1].start()
    wait_for_waiters(2)
    return threads, results


@pytest.fixture
def endpoint(tenant_a):
    return webhook_endpoint_create(
        tenant=tenant_a, actor=None, url="https://93.184.215.14/hook", event_types=[]
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("order", ["delete first", "rotate first"])
def test_delete_while_the_secret_rotates(order, key_a, endpoint):
    pk = endpoint.pk
    delete = lambda: _call(key_a, "delete", f"webhooks/{pk}")  # noqa: E731
    rotate = lambda: _call(key_a, "post", f"webhooks/{pk}/rotate-secret")  # noqa: E731
    calls = (delete, rotate) if order == "delete first" else (rotate, delete)
    with RowHolder(lambda: WebhookEndpoint.objects.select_for_update().get(pk=pk)) as holder:
        threads, results = _in_order(*calls)
        holder.release()
        for thread in threads:
            thread.join(60)
    codes = dict(zip(["first", "second"], results, strict=True))
    if order == "delete first":
        delete_code, rotate_code = codes["first"], codes["second"]
    else:
        rotate_code, delete_code = codes["first"], codes["second"]
    assert delete_code == 204
    if connection.vendor == "postgresql":  # the order was forced
        assert rotate_code == (404 if order == "delete first" else 200)
    else:
        assert rotate_code in (200, 404)
    assert not WebhookEndpoint.objects.filter(pk=pk).exists()


@pytest.mark.django_db(transaction=True)
def test_two_deletes_at_once(key_a, endpoint):
    pk = endpoint.pk
    delete = lambda: _call(key_a, "delete", f"webhooks/{pk}")  # noqa: E731
    with RowHolder(lambda: WebhookEndpoint.objects.select_for_update().get(pk=pk)) as holder:
        threads, results = _in_order(delete, delete)
        holder.release()
        for thread in threads:
            thread.join(60)
    assert sorted(results) == [204, 404]
