"""The Inpres 2/2021 monitoring table as a file (issue 21 §4): XLSX or PDF of a region (default:
the reader's own area) on a day (default: today)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from lindung.core.permissions import require_capability
from lindung.core.roles import Capability
from lindung.publicworkers import reports


@login_required
@require_GET
def monitoring_table(request: HttpRequest, fmt: str) -> HttpResponse:
    """``?region=CODE&date=YYYY-MM-DD``; a bad format, date or region is a 400 with a bilingual
    message, a region outside the reader's area a 404."""
    require_capability(request.user, Capability.VIEW_PUBLIC_WORKERS)
    try:
        region, on = reports.parse_request(request.user, request.GET, fmt)
    except reports.ReportRefused as refused:
        return render(
            request, "publicworkers/report_refused.html", {"message": str(refused)}, status=400
        )
    table = reports.monitoring_table(request.user, region=region, on=on)
    return reports.download(request.user, table, fmt)
