from __future__ import annotations

import math
from typing import Any

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lindung.accounts import selectors, services
from lindung.accounts.authentication import token_expired, token_expires_at
from lindung.accounts.demo_logins import demo_logins as listed_demo_logins
from lindung.core.i18n import bilingual
from lindung.core.permissions import user_role
from lindung.core.roles import Role


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if settings.LINDUNG_DEMO:
            context["demo_accounts"] = demo_logins()
        return context


def demo_logins() -> list[dict[str, Any]]:
    """Every account the demo creates (``accounts.demo_logins``, filled by the demo app), with
    its role's label and its region scope, for the demo's log-in page; shown only with
    ``LINDUNG_DEMO``."""
    return [
        {
            "username": a.username,
            "role": Role(a.role).label,
            "scope": " ".join(c for c in a.scope if c),
        }
        for a in listed_demo_logins()
    ]


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """django-axes' answer to a locked-out log-in (``AXES_LOCKOUT_CALLABLE``): the site's page
    with a bilingual message, 429 and ``Retry-After``. The password was not checked."""
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    if minutes:
        message = bilingual(
            "Terlalu banyak percobaan masuk yang gagal untuk akun ini dari alamat ini. Coba lagi "
            f"setelah {minutes} menit, atau minta administrator membuka kuncinya.",
            "Too many failed log-ins for this account from this address. Try again in "
            f"{minutes} minutes, or ask an administrator to unlock it.",
        )
    else:
        message = bilingual(
            "Terlalu banyak percobaan masuk yang gagal untuk akun ini dari alamat ini. Minta "
            "administrator membuka kuncinya.",
            "Too many failed log-ins for this account from this address. Ask an administrator "
            "to unlock it.",
        )
    response = render(
        request,
        "accounts/locked_out.html",
        {"message": message},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    if cool_off:
        response["Retry-After"] = str(math.ceil(cool_off.total_seconds()))
    return response


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    token = selectors.api_token_of(request.user)
    context = {
        "has_token": token is not None,
        "token_created": token.created if token else None,
        "token_expires": token_expires_at(token) if token else None,
        "token_expired": token_expired(token) if token else False,
        "can_unlock": user_role(request.user) == Role.ADMIN,
    }
    return render(request, "accounts/profile.html", context)


@login_required
@require_POST
def issue_token(request: HttpRequest) -> HttpResponse:
    token = services.issue_api_token(actor=request.user, user=request.user)
    # Shown once: after this page the key is not displayed again.
    messages.success(request, _("Your new API token: %(key)s") % {"key": token.key})
    return redirect("accounts:profile")


@login_required
@require_POST
def revoke_token(request: HttpRequest) -> HttpResponse:
    if services.revoke_api_token(actor=request.user, user=request.user):
        messages.success(request, _("Your API token was revoked: it no longer works."))
    else:
        messages.info(request, _("You had no API token."))
    return redirect("accounts:profile")


@login_required
@require_GET
def lockouts(request: HttpRequest) -> HttpResponse:
    """Administrators: log-ins locked after repeated failures, with an unlock button each."""
    rows = selectors.login_lockouts(request.user)
    context = {"rows": rows, "failure_limit": settings.AXES_FAILURE_LIMIT}
    return render(request, "accounts/lockouts.html", context)


@login_required
@require_POST
def unlock(request: HttpRequest) -> HttpResponse:
    username = request.POST.get("username", "")
    try:
        cleared = services.unlock_login(actor=request.user, username=username)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Log-in of %(username)s unlocked (%(count)s records cleared).")
            % {"username": username.strip(), "count": cleared},
        )
    return redirect("accounts:lockouts")
