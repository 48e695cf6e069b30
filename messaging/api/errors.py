"""Errors of /api/ outside the API views: an unknown path, a malformed id, a body over
DATA_UPLOAD_MAX_MEMORY_SIZE or a server error answer in the API's JSON error shape instead of
the portal's HTML pages. Every other path keeps Django's (and the portal's templates') pages.

Django calls these handlers only when DEBUG is off; `portal/urls.py` installs them."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

from messaging.api.auth import error_body, too_large_body

API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if not is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        return JsonResponse(too_large_body(), status=413)
    return JsonResponse(error_body("invalid_request", "The request could not be read."), status=400)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if not is_api(request):
        return defaults.page_not_found(request, exception)
    return JsonResponse(
        error_body("not_found", "No such resource here; see /api/v1/docs for the paths."),
        status=404,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    if not is_api(request):
        return defaults.server_error(request)
    return JsonResponse(
        error_body("server_error", "The server failed to answer this request; try it again."),
        status=500,
    )
