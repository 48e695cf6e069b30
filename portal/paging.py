"""Pages of a list for the HTML views: every list a person or an application can grow without
bound is shown a page at a time, with the total and links to the other pages."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 50


def page_of(request: HttpRequest, items, *, per_page: int = PAGE_SIZE, param: str = "page") -> Page:
    """The page of `items` the request asks for (`?page=`, or `param` when a view shows several
    lists). The page carries `param` and `query` (the other query parameters, kept in the
    links) for `includes/pager.html`. A page number out of range gives the last page."""
    page = Paginator(items, per_page).get_page(request.GET.get(param))
    query = request.GET.copy()
    query.pop(param, None)
    page.param = param
    page.query = query.urlencode()
    return page
