from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts import services


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    token = getattr(request.user, "auth_token", None)
    return render(request, "accounts/profile.html", {"has_token": token is not None})


@login_required
@require_POST
def issue_token(request: HttpRequest) -> HttpResponse:
    token = services.issue_api_token(actor=request.user, user=request.user)
    # Shown once: after this page the key is not displayed again.
    messages.success(request, _("Your new API token: %(key)s") % {"key": token.key})
    return redirect("accounts:profile")
