"""Pages under /notifikasi/: the user's own notifications, marking them read, preferences. Thin:
reads through selectors, writes through services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lindung.core.paging import filtered_page
from lindung.notifications import selectors, services
from lindung.notifications.forms import PreferencesForm


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    listing, status = filtered_page(
        selectors.notifications_filtered(request.user, request.GET), request.GET
    )
    return render(request, "notifications/list.html", listing, status=status)


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notifications:index")


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    services.mark_read(actor=request.user, notification_id=pk)
    return _back(request)


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(actor=request.user)
    messages.success(request, _("%(count)s notifications marked read.") % {"count": count})
    return _back(request)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    table = selectors.preference_table(request.user)
    if request.method == "POST":
        form = PreferencesForm(request.POST, table=table)
        if form.is_valid():
            services.save_preferences(
                actor=request.user, choices=form.choices(), phone=form.cleaned_data["phone"]
            )
            messages.success(request, _("Your notification preferences are saved."))
            return redirect("notifications:preferences")
        return render(request, "notifications/preferences.html", {"form": form}, status=400)
    form = PreferencesForm(table=table, initial={"phone": selectors.phone_of(request.user)})
    return render(request, "notifications/preferences.html", {"form": form})
