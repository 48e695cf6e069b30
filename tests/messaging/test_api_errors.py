"""What fuzzing the API found (tests/messaging/test_api_fuzz.py): each error of /api/ is JSON in
the documented shape, and every status an operation answers with is in its schema."""

from __future__ import annotations

import base64
import json

import pytest
from django.test import Client

from messaging.models import Message, WebhookEndpoint
from tests.messaging.conftest import US_OK, Api

pytestmark = pytest.mark.django_db


def _is_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json", response.content[:300]
    error = response.json()["error"]
    assert set(error) == {"code", "message", "field"}
    if code is not None:
        assert error["code"] == code
    return error


@pytest.fixture
def schema() -> dict:
    response = Client().get("/api/v1/schema", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def _documented(schema: dict, method: str, path: str) -> set[int]:
    return {int(code) for code in schema["paths"][path][method.lower()]["responses"]}


# --- The server error: a NUL in a context key ------------------------------------------------


@pytest.mark.parametrize("key", ["order\x00id", "\ud800"])
def test_a_context_key_that_cannot_be_stored_is_refused(api_a, sender_a, key):
    body = {"to": US_OK, "body": "Your code is 123456", "context": {key: "x"}}
    # json.dumps escapes both characters, as a client would send them.
    error = _is_error(api_a.post("messages", body), 400, "invalid_field")
    assert error["field"] == "context"
    batch = api_a.post("messages/batch", {"messages": [body]})
    assert _is_error(batch, 400, "invalid_field")["field"] == "messages[0].context"
    assert Message.objects.count() == 0


def test_an_ordinary_context_is_still_stored(api_a, sender_a):
    body = {"to": US_OK, "body": "Your code is 123456", "context": {"order id": "A-1"}}
    response = api_a.post("messages", body)
    assert response.status_code == 202
    assert Message.objects.get().context == {"order id": "A-1"}


@pytest.mark.parametrize("key", ["order\x00-1", "order\x01-1", "order\x7f-1"])
def test_an_idempotency_key_with_control_characters_is_refused(api_a, sender_a, key):
    """A NUL reached PostgreSQL (500) when the HTTP server passed it on (WSGI in process)."""
    response = api_a.post("messages", {"to": US_OK, "body": "hi"}, HTTP_IDEMPOTENCY_KEY=key)
    _is_error(response, 400, "invalid_header")
    assert Message.objects.count() == 0


def test_a_printable_idempotency_key_still_replays(api_a, sender_a):
    first = api_a.post("messages", {"to": US_OK, "body": "hi"}, HTTP_IDEMPOTENCY_KEY="é-1 x")
    again = api_a.post("messages", {"to": US_OK, "body": "hi"}, HTTP_IDEMPOTENCY_KEY="é-1 x")
    assert (first.status_code, again.status_code) == (202, 202)
    assert again["Idempotent-Replayed"] == "true"
    assert Message.objects.count() == 1


def test_a_form_encoded_send_with_an_idempotency_key_replays(api_a, sender_a):
    """A multipart body is parsed before the view (portal/request_limits.py); hashing the
    request for its Idempotency-Key then could not read the raw body: 500."""

    def send(body: str):
        return api_a.client.post(
            "/api/v1/messages", {"to": US_OK, "body": body},
            HTTP_AUTHORIZATION=f"Bearer {api_a.token}", HTTP_IDEMPOTENCY_KEY="form-1",
        )  # fmt: skip

    first, again, other = send("hi"), send("hi"), send("bye")
    assert (first.status_code, again.status_code) == (202, 202)
    assert again["Idempotent-Replayed"] == "true"
    _is_error(other, 409, "idempotency_key_reused")
    assert Message.objects.count() == 1


# --- The other server error: a cursor whose position is not an id ---------------------------


@pytest.mark.parametrize("path", ["messages", "opt-outs"])
@pytest.mark.parametrize("position", ["abc", "1.5", "p"])
def test_a_tampered_cursor_is_a_json_404(api_a, path, position):
    cursor = base64.b64encode(f"p={position}".encode()).decode()
    response = api_a.get(f"{path}?cursor={cursor}")
    assert _is_error(response, 404, "not_found")["message"] == "Invalid cursor"


def test_a_real_cursor_still_pages(api_a, sender_a):
    ids = [api_a.post("messages", {"to": US_OK, "body": "hi"}).json()["id"] for _ in range(3)]
    page = api_a.get("messages?limit=2").json()
    following = api_a.get(page["next"].split("/api/v1/")[1]).json()
    assert [m["id"] for m in following["results"]] == [ids[0]]


# --- Malformed ids and unknown paths: JSON 404, after authentication --------------------------

MALFORMED = ["abc", "null,null", "-1", "1.0", "%C2%B2", "99999999999999999999"]
ID_PATHS = [
    ("get", "messages/{}"),
    ("get", "registrations/{}"),
    ("get", "webhooks/{}"),
    ("delete", "webhooks/{}"),
    ("post", "webhooks/{}/rotate-secret"),
    ("get", "webhooks/{}/deliveries"),
]


@pytest.mark.parametrize("method,path", ID_PATHS)
@pytest.mark.parametrize("bad_id", MALFORMED)
def test_a_malformed_id_is_a_json_404(api_a, method, path, bad_id):
    response = getattr(api_a, method)(path.format(bad_id))
    _is_error(response, 404, "not_found")


@pytest.mark.parametrize("method,path", ID_PATHS)
def test_a_malformed_id_still_needs_a_key(method, path):
    _is_error(getattr(Api(None), method)(path.format("abc")), 401, "unauthenticated")


def test_a_well_formed_id_still_finds_its_object(api_a, tenant_a):
    endpoint = WebhookEndpoint.objects.create(
        tenant=tenant_a, url="https://hooks.example.com/sms", secret="s" * 40
    )
    assert api_a.get(f"webhooks/{endpoint.pk}").json()["id"] == endpoint.pk
    assert api_a.get(f"webhooks/{endpoint.pk}/deliveries").json() == []


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v2/messages", "/api/"])
def test_an_unknown_api_path_is_a_json_404(path):
    _is_error(Client().get(path), 404, "not_found")


def test_pages_outside_the_api_keep_their_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


# --- A body over the upload limit: JSON 413, documented -------------------------------------


@pytest.mark.parametrize("idempotency_key", [None, "big-1"])
def test_a_body_over_the_limit_is_a_json_413(api_a, sender_a, settings, idempotency_key):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    extra = {"HTTP_IDEMPOTENCY_KEY": idempotency_key} if idempotency_key else {}
    body = {"to": US_OK, "body": "x" * 20_000}
    _is_error(api_a.post("messages", body, **extra), 413, "payload_too_large")
    assert Message.objects.count() == 0


# --- Statuses that really occur are in the schema --------------------------------------------


def test_the_statuses_each_operation_answers_with_are_documented(api_a, sender_a, schema):
    """One request per status that used to be missing from the schema (415, 406, 413 …)."""
    seen: list[tuple[str, str, int]] = []

    def record(method: str, path: str, response) -> None:
        seen.append((method, path, response.status_code))

    record("post", "/api/v1/messages", api_a.client.post(
        "/api/v1/messages", data="to=x", content_type="text/plain",
        HTTP_AUTHORIZATION=f"Bearer {api_a.token}",
    ))  # fmt: skip
    record("get", "/api/v1/senders", api_a.get("senders", HTTP_ACCEPT="text/csv"))
    record("get", "/api/v1/messages", api_a.get("messages?cursor=bm9wZQ"))
    record("put", "/api/v1/policy", api_a.client.put(
        "/api/v1/policy", data="{", content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_a.token}",
    ))  # fmt: skip
    record("post", "/api/v1/webhooks", api_a.post("webhooks", {"url": "ftp://x"}))
    record("get", "/api/v1/opt-outs/{phone}", api_a.get("opt-outs/123"))
    record("get", "/api/v1/messages/{id}", api_a.get("messages/abc"))
    assert [status for _, _, status in seen] == [415, 406, 404, 403, 400, 422, 404]
    for method, path, status in seen:
        assert status in _documented(schema, method, path), (method, path, status)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            documented = {int(code) for code in operation["responses"]}
            assert {401, 403, 406, 429} <= documented, (method, path)
            if method in ("post", "put") and operation.get("requestBody"):
                assert {400, 413, 415} <= documented, (method, path)
