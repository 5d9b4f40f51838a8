"""Pieces the register's pages share: the acting user's own village, a body's coverage table
with its budget lines, and the way back to a body's worklist with its filters."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse

from lindung.core.paging import PAGE_PARAM
from lindung.publicworkers.filters import PAGE_FILTERS
from lindung.publicworkers.models import PayingBody
from lindung.publicworkers.reconcile import CategoryCoverage

# What a body page's actions carry back to the worklist they were taken from.
CARRIED = (*PAGE_FILTERS, PAGE_PARAM)


def carried(data: Any) -> list[tuple[str, str]]:
    return [(key, data.get(key, "")) for key in CARRIED if data.get(key, "")]


def back_to_body(request: HttpRequest, body: PayingBody) -> HttpResponse:
    """The body's page with the filters the action was taken under."""
    query = QueryDict(mutable=True)
    for key, value in carried(request.POST):
        query[key] = value
    url = reverse("publicworkers:body", kwargs={"pk": body.pk})
    return redirect(f"{url}?{query.urlencode()}" if query else url)


def body_row(body: PayingBody) -> dict[str, Any]:
    total, covered = body.listed, body.covered  # type: ignore[attr-defined]
    return {
        "pk": body.pk,
        "code": body.code,
        "name": body.name,
        "kind": body.get_kind_display(),
        "region_code": body.region_id,
        "has_npp": body.employer_id is not None,
        "total": total,
        "covered": covered,
        "not_covered": total - covered,
    }


def coverage_rows(
    rows: list[CategoryCoverage], budget: dict[str, tuple[int, int]] | None = None
) -> list[dict[str, Any]]:
    """The coverage table's rows as the templates show them (budget columns when given)."""
    out = []
    for row in rows:
        planned, realised = (budget or {}).get(row.category, (None, None))
        out.append(
            {
                "category": row.category,
                "label": row.label,
                "total": row.total,
                "covered": row.covered,
                "pct": row.coverage_pct,
                "not_covered": row.not_covered,
                "budget_needed": row.budget_needed,
                "planned": planned,
                "realised": realised,
            }
        )
    return out
