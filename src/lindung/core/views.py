from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from lindung import __version__
from lindung.core.audit import action_label
from lindung.core.home import items_for as home_items
from lindung.core.jobs.selectors import state_counts, worker_is_alive, worker_last_seen
from lindung.core.paging import filtered_page
from lindung.core.selectors import audit_log_filtered


def home(request: HttpRequest) -> HttpResponse:
    """Beranda: what needs the user now and the figures of their area, each card linking to
    the page that acts on it (the apps provide the cards: ``core.home``)."""
    items = home_items(request.user)
    sections = [
        ("now", [item for item in items if item.attention]),
        ("figures", [item for item in items if not item.attention]),
    ]
    if not request.user.is_authenticated:
        sections = sections[1:]  # nothing waits for a visitor
    return render(request, "core/home.html", {"sections": sections})


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring (docs/operations.md): the database, the migrations,
    the worker's last sign of life and the jobs per state. 503 when the database is down or no
    worker has been seen for ``LINDUNG_WORKER_LOST_AFTER`` seconds (``LINDUNG_HEALTH_WORKER=0``
    leaves the worker out, for a web-only check)."""
    body: dict[str, Any] = {"version": __version__}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        body["database"] = "ok"
    except Exception:  # any driver error means "not ready"
        body["database"] = "unavailable"
        body["status"] = "error"
        return JsonResponse(body, status=503)
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    body["migrations"] = "ok" if not pending else f"{len(pending)} pending"
    seen = worker_last_seen()
    alive = worker_is_alive()
    body["worker"] = {"alive": alive, "last_seen": seen.isoformat() if seen else None}
    body["jobs"] = state_counts()
    healthy = not pending and (alive or not settings.LINDUNG_HEALTH_WORKER)
    body["status"] = "ok" if healthy else "error"
    return JsonResponse(body, status=200 if healthy else 503)


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    context, status = filtered_page(audit_log_filtered(request.user, request.GET), request.GET)
    for entry in context["page"].rows:
        entry.action_label = action_label(entry.action)
    return render(request, "core/audit_log.html", context, status=status)
