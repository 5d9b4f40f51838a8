from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from lindung import __version__
from lindung.core.audit import action_label
from lindung.core.paging import filtered_page
from lindung.core.selectors import audit_log_filtered


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability for load balancers and `make demo` scripts."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except Exception:  # any driver error means "not ready"
        database = "unavailable"
    status = 200 if database == "ok" else 503
    body = {"status": "ok" if status == 200 else "error", "database": database}
    body["version"] = __version__
    return JsonResponse(body, status=status)


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    context, status = filtered_page(audit_log_filtered(request.user, request.GET), request.GET)
    for entry in context["page"].rows:
        entry.action_label = action_label(entry.action)
    return render(request, "core/audit_log.html", context, status=status)
