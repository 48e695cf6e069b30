"""Sign-in lockout (django-axes) and password-reset throttling.

Sign-in: django-axes counts failed sign-ins per (account, address) and per account alone, each
against its own limit (`LOGIN_FAILURE_LIMIT`, `LOGIN_ACCOUNT_FAILURE_LIMIT`). Past either, the
sign-in answers 429 with a page that says when to try again and offers a password reset, and
even the right password is refused until the cool-off (`LOGIN_COOLOFF_MINUTES`) has passed
since the last failure. The address is the one `portal.client_ip` trusts.

Password reset: the e-mail is sent at most `PASSWORD_RESET_PER_EMAIL` times an hour per target
address and `PASSWORD_RESET_PER_CLIENT` times an hour per client address. The page answers the
same either way, so it reveals neither the limit's state nor whether the account exists.
"""

from __future__ import annotations

import hashlib
import logging
import math
from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone

from portal.client_ip import client_ip

log = logging.getLogger(__name__)


# --- django-axes hooks (named in settings) ---------------------------------------------------


def axes_client_ip(request: HttpRequest) -> str | None:
    return client_ip(request)


def axes_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The account tried: the sign-in form's `username` field (the e-mail), or `email` when a
    caller authenticates by keyword; lower-cased, as accounts are stored."""
    value = None
    if credentials:
        value = credentials.get("username") or credentials.get("email")
    if value is None and request is not None:
        data = getattr(request, "POST", {})
        value = data.get("username") or data.get("email")
    return value.strip().lower() if isinstance(value, str) and value.strip() else None


class PortalAxesHandler(AxesDatabaseHandler):
    """Axes' database handler with one limit per lockout parameter group.

    Axes compares the largest failure count of the groups in `AXES_LOCKOUT_PARAMETERS` with the
    one `AXES_FAILURE_LIMIT`. Here each group's count is scaled to that limit by its own limit
    (`LOGIN_LOCKOUT_LIMITS`, in the same order), so that a group reaches the failure limit
    exactly when its count reaches its own limit."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        limit = int(settings.AXES_FAILURE_LIMIT)
        own_limits = list(settings.LOGIN_LOCKOUT_LIMITS)
        scaled = [0]
        for index, attempts in enumerate(self.get_user_attempts(request, credentials)):
            count = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            own = own_limits[index] if index < len(own_limits) else limit
            scaled.append(count * limit // max(1, own))
        return max(scaled)

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        """A successful sign-in clears the failures of its own address only: the account-wide
        count of other addresses' failures stays until it expires."""
        attempts_list = self.filter_user_attempts(request, credentials)
        if not attempts_list:
            return 0
        count, _ = attempts_list[0].delete()
        return count


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """429 with when to try again and a way to reset the password."""
    cool_off = get_cool_off(request) or timedelta(minutes=15)
    username = axes_username(request, credentials)
    last = None
    if username:
        last = AccessAttempt.objects.filter(username=username).aggregate(t=Max("attempt_time"))["t"]
    until = (last or timezone.now()) + cool_off
    seconds = max(60, math.ceil((until - timezone.now()).total_seconds()))
    response = render(
        request,
        "registration/locked_out.html",
        {"minutes": math.ceil(seconds / 60), "until": until},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


# --- Password reset ---------------------------------------------------------------------------

HOUR = 60 * 60


def _window() -> tuple[int, int]:
    """The current hour's number and the seconds left in it."""
    now = timezone.now().timestamp()
    return int(now // HOUR), int(HOUR - now % HOUR) + 1


def _hit(name: str) -> int:
    """Counts one event under `name` in the current hour, shared through the cache. The expiry
    is set again after the increment: some backends' `incr` resets it to their default."""
    window, left = _window()
    key = f"portal:pwreset:{name}:{window}"
    cache.add(key, 0, left)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, left)
        count = 1
    cache.touch(key, left)
    return count


def _digest(value: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()[:32]


def password_reset_allowed(request: HttpRequest, email: str) -> bool:
    """Counts this request for the target address and the client; False when either is over
    its hourly limit. Both are counted, so a client that sprays addresses is held too."""
    per_email = _hit(f"email:{_digest(email.strip().lower())}")
    per_client = _hit(f"client:{_digest(client_ip(request) or '-')}")
    return (
        per_email <= settings.PASSWORD_RESET_PER_EMAIL
        and per_client <= settings.PASSWORD_RESET_PER_CLIENT
    )


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Django's reset view; past a limit it skips the e-mail and answers as if it was sent."""

    def form_valid(self, form) -> HttpResponse:
        if password_reset_allowed(self.request, form.cleaned_data["email"]):
            return super().form_valid(form)
        log.warning("Password reset e-mail withheld: hourly limit reached.")
        return HttpResponseRedirect(self.get_success_url())
