"""Everything one coverage dashboard shows, assembled once for the page and the PDF report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from lindung.core import regioncodes
from lindung.core.months import month_end
from lindung.core.numbers import percent_text
from lindung.coverage import charts, selectors
from lindung.coverage.dimensions import dimensions
from lindung.coverage.models import CoverageMonth
from lindung.coverage.presenters import headline
from lindung.regions.models import PopulationKind, Region

BREAKDOWNS = ("segment", "sex", "age", "sector", "funding")


@dataclass(frozen=True)
class Options:
    day: dt.date
    denominator: str | None
    public: bool
    months: tuple[dt.date, ...] = ()  # fresh month-ends, newest first (the month picker)


def available_months() -> list[dt.date]:
    return list(
        CoverageMonth.objects.filter(stale=False).order_by("-month").values_list("month", flat=True)
    )


def parse_options(query: Any, *, public: bool) -> Options:
    """``?tanggal=YYYY-MM-DD&penyebut=KIND``; the default day is the last fresh month-end
    before the current month (the current one is still moving)."""
    months = tuple(available_months())
    current = month_end(dt.date.today())
    default = next((m for m in months if m < current), None) or month_end(
        dt.date.today().replace(day=1) - dt.timedelta(days=1)
    )
    try:
        day = dt.date.fromisoformat(query.get("tanggal", "")) if query.get("tanggal") else default
    except ValueError:
        day = default
    kind = query.get("penyebut") or None
    if kind and not PopulationKind.objects.filter(code=kind).exists():
        kind = None
    return Options(day=day, denominator=kind, public=public, months=months)


def _breadcrumbs(region: Region) -> list[Region]:
    codes = regioncodes.ancestors_of(region.code)
    found = {r.code: r for r in Region.objects.filter(code__in=codes)}
    return [found[c] for c in codes if c in found]


def build(actor: Any, code: str, options: Options, *, url_name: str) -> dict[str, Any]:
    """Context of the dashboard of ``code``; raises ``selectors.CoverageNotVisible``."""
    public = options.public
    figure = selectors.figure_on(
        actor, code, options.day, public=public, denominator=options.denominator
    )
    children = selectors.children_on(
        actor, code, options.day, public=public, denominator=options.denominator
    )
    query = f"?tanggal={options.day.isoformat()}" + (
        f"&penyebut={options.denominator}" if options.denominator else ""
    )
    with_pct = any(c.coverage_pct is not None for c in children)
    areas = [
        charts.MapArea(
            code=c.region.code,
            name=c.region.name,
            value=float(c.coverage_pct if with_pct else c.covered)
            if (c.coverage_pct if with_pct else c.covered) is not None
            else None,
            label=f"{c.region.name}: "
            + (f"{percent_text(c.coverage_pct)} %" if with_pct else f"{c.covered or 0:,}"),
            href=reverse(url_name, kwargs={"code": c.region.code}) + query,
        )
        for c in children
    ]
    unit = "%" if with_pct else _("persons")
    trend = selectors.trend(actor, code, public=public, kind=options.denominator)
    points = selectors.published_points(actor, code, public=public)
    series = [
        charts.Series(
            _("Computed coverage (%)"), [(t.month, t.coverage_pct) for t in trend], "#198754"
        ),
        charts.Series(
            _("Published figures (%)"),
            [(p.reference_date, p.coverage_pct) for p in points],
            "#d63384",
            markers_only=True,
        ),
    ]
    year = options.day.year
    text_id, text_en = headline(figure)
    return {
        "figure": figure,
        "headline_id": text_id,
        "headline_en": text_en,
        "options": options,
        "query": query,
        "crumbs": _breadcrumbs(figure.region),
        "children": children,
        "gaps": selectors.gap_ranking(children, year),
        "targets": selectors.target_progress(figure),
        "informal": selectors.informal_gap(figure),
        "breakdowns": [(dimensions()[by], selectors.breakdown(figure, by)) for by in BREAKDOWNS],
        "map": charts.choropleth(
            areas,
            unit=unit,
            title=_("Coverage by region") if with_pct else _("Covered persons by region"),
        )
        if children
        else "",
        "map_unit": unit,
        "trend": trend,
        "trend_chart": charts.trend_chart(series, title=_("Coverage by month")),
        "points": points,
        "months": options.months,
        "kinds": PopulationKind.objects.order_by("code"),
        "public": public,
        "minimum": settings.COVERAGE_PUBLIC_MIN_CELL,
    }
