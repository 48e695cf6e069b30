"""API keys in the browser (owners and admins): list, create (secret shown once), rotate,
revoke. Routes under /t/<slug>/api-keys/."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from tenants.api_keys import (
    api_key_create,
    api_key_get,
    api_key_list,
    api_key_revoke,
    api_key_rotate,
)
from tenants.models import ApiKey, Role
from tenants.permissions import tenant_view


class ApiKeyForm(forms.Form):
    name = forms.CharField(max_length=80, help_text="Where the key is used, e.g. “checkout app”.")
    scopes = forms.MultipleChoiceField(
        choices=ApiKey.Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=["send", "read"],
        help_text="Give each application only what it needs.",
    )
    expires_on = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Optional. The key stops working at the start of this day (UTC).",
    )


class RotateForm(forms.Form):
    overlap_hours = forms.IntegerField(min_value=0, max_value=24 * 30, initial=24)


def _expiry(day) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=UTC) if day else None


def _page(request: HttpRequest, form: ApiKeyForm, issued=None, status: int = 200) -> HttpResponse:
    now = timezone.now()
    keys = [(k, k.usable_at(now)) for k in api_key_list(tenant=request.tenant)]
    return render(
        request,
        "tenants/apikey_list.html",
        {"keys": keys, "form": form, "issued": issued, "rotate_form": RotateForm()},
        status=status,
    )


@tenant_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def api_key_list_view(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _page(request, ApiKeyForm())
    form = ApiKeyForm(request.POST)
    if form.is_valid():
        try:
            issued = api_key_create(
                tenant=request.tenant,
                actor=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=_expiry(form.cleaned_data["expires_on"]),
            )
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                form.add_error(None, exc.messages)
            for field, errors in getattr(exc, "message_dict", {}).items():
                form.add_error(field.replace("expires_at", "expires_on"), errors)
        else:
            return _page(request, ApiKeyForm(), issued=issued, status=201)
    return _page(request, form, status=400)


def _key(request: HttpRequest, pk: int) -> ApiKey:
    key = api_key_get(tenant=request.tenant, pk=pk)
    if key is None:
        raise Http404("No such key.")
    return key


@tenant_view(Role.ADMIN)
@require_POST
def api_key_rotate_view(request: HttpRequest, pk: int) -> HttpResponse:
    key = _key(request, pk)
    form = RotateForm(request.POST)
    hours = form.cleaned_data["overlap_hours"] if form.is_valid() else 24
    try:
        issued = api_key_rotate(
            tenant=request.tenant, actor=request.user, key=key, overlap=timedelta(hours=hours)
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("api_key_list", request.tenant.slug)
    return _page(request, ApiKeyForm(), issued=issued, status=201)


@tenant_view(Role.ADMIN)
@require_POST
def api_key_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    key = api_key_revoke(tenant=request.tenant, actor=request.user, key=_key(request, pk))
    messages.success(request, f"The key {key.name} ({key.prefix}) no longer works.")
    return redirect("api_key_list", request.tenant.slug)


api_key_patterns = [
    path("", api_key_list_view, name="api_key_list"),
    path("<int:pk>/rotate/", api_key_rotate_view, name="api_key_rotate"),
    path("<int:pk>/revoke/", api_key_revoke_view, name="api_key_revoke"),
]
