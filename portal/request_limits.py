"""Request bodies bounded before they are read.

`RequestBodyLimitMiddleware` (first in MIDDLEWARE) answers 413 to a request whose declared
`Content-Length` is over `REQUEST_BODY_MAX_BYTES`, before anything reads the body. A multipart
body that does not declare its length (chunked) is counted as it streams by
`BoundedUploadHandler` (first in FILE_UPLOAD_HANDLERS), which stops the upload once the limit is
passed; the middleware then answers 413 as well, before the view runs. Form fields that are not
files are bounded by Django's DATA_UPLOAD_MAX_MEMORY_SIZE.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

REFUSED = "_body_limit_refused"


def body_limit() -> int:
    return int(settings.REQUEST_BODY_MAX_BYTES)


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def too_large(request: HttpRequest, size: int | None) -> HttpResponse:
    limit = body_limit()
    said = f"is {_mb(size)}" if size else "is larger than that"
    message = (
        f"The upload {said}; the limit is {_mb(limit)}. Choose a smaller file "
        "(files attached to a registration may be at most 500 KB; images can be shrunk)."
    )
    if request.path.startswith("/api/"):
        body = {"error": {"code": "payload_too_large", "message": message, "field": None}}
        return JsonResponse(body, status=413)
    html = render_to_string("413.html", {"message": message})
    return HttpResponse(html, status=413)


class BoundedUploadHandler(FileUploadHandler):
    """Counts the bytes of the request's file parts as they arrive; past the body limit it
    stops the upload without reading the rest and marks the request refused."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > body_limit():
            if self.request is not None:
                setattr(self.request, REFUSED, self.received)
            raise StopUpload(connection_reset=True)
        return raw_data  # the next handler stores it

    def file_complete(self, file_size):
        return None


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        declared = request.META.get("CONTENT_LENGTH") or ""
        try:
            size = int(declared) if declared else None
        except ValueError:
            return HttpResponse("Content-Length must be a number of bytes.", status=400)
        if size is not None and size > body_limit():
            return too_large(request, size)
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view, args, kwargs):
        """A multipart body is parsed here (as CSRF would a moment later) so that an upload
        the handler stopped is refused before any view sees its partial data."""
        if request.method in ("POST", "PUT", "PATCH") and request.content_type == (
            "multipart/form-data"
        ):
            request.FILES  # noqa: B018 - parses the body through the upload handlers
            if getattr(request, REFUSED, None):
                return too_large(request, None)
        return None
