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
from lindung.core.numbers import number_text, percent_label
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
    order: str = "gap"  # how the child regions are ranked (selectors.GAP_ORDERS)


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
    order = query.get("urutan") or "gap"
    if order not in selectors.GAP_ORDERS:
        order = "gap"
    return Options(day=day, denominator=kind, public=public, months=months, order=order)


def _breadcrumbs(region: Region) -> list[Region]:
    codes = regioncodes.ancestors_of(region.code)
    found = {r.code: r for r in Region.objects.filter(code__in=codes)}
    return [found[c] for c in codes if c in found]


@dataclass(frozen=True)
class RegionMap:
    svg: str
    measure: str  # "pct", "covered" or "" (no map)
    unit: str


def region_map(
    figure: selectors.Figure,
    children: list[selectors.Figure],
    *,
    url_name: str,
    query: str,
    public: bool = False,
) -> RegionMap:
    """The child regions coloured by coverage % where any has a denominator (the others grey,
    and the legend says so), else by covered persons; a region without children (a village)
    shows its own boundary coloured by its own figure."""
    shown = children or [figure]
    with_pct = any(c.denominator is not None for c in shown)
    areas = []
    for c in shown:
        value = c.coverage_pct if with_pct else c.covered
        if with_pct:
            if c.coverage_pct is not None:
                label = f"{c.region.name}: {percent_label(c.coverage_pct)}"
            elif c.denominator is None:
                label = f"{c.region.name}: " + _("no worker figure")
            else:
                label = f"{c.region.name}: " + _("hidden (fewer than 10 persons)")
        else:
            label = f"{c.region.name}: {number_text(c.covered)} " + _("persons covered")
        areas.append(
            charts.MapArea(
                code=c.region.code,
                name=c.region.name,
                value=None if value is None else float(value),
                label=label,
                href=reverse(url_name, kwargs={"code": c.region.code}) + query
                if children
                else None,
            )
        )
    unit = "%" if with_pct else _("persons")
    if with_pct:
        legend = _("Colour: coverage (%) against the worker population")
    else:
        legend = _("Colour: covered persons (no worker-population figure for these regions)")
    title = (
        (_("Coverage by region") if with_pct else _("Covered persons by region"))
        if children
        else _("Boundary of %(region)s") % {"region": figure.region.name}
    )
    svg = charts.choropleth(
        areas,
        unit=unit,
        title=title,
        legend_title=legend,
        no_data=(
            _("grey: no worker-population figure, or a hidden small cell")
            if public
            else _("grey: no worker-population figure")
        )
        if with_pct
        else "",
    )
    if 'data-code="' not in svg:
        return RegionMap("", "", unit)
    return RegionMap(svg, "pct" if with_pct else "covered", unit)


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
    trend = selectors.trend(actor, code, public=public, kind=options.denominator)
    points = selectors.published_points(actor, code, public=public)
    trend_in_pct = any(t.coverage_pct is not None for t in trend)
    series = [
        charts.Series(
            _("Computed coverage (%)") if trend_in_pct else _("Covered persons"),
            [(t.month, t.coverage_pct if trend_in_pct else t.covered) for t in trend],
            "#198754",
        ),
    ]
    if trend_in_pct:
        series.append(
            charts.Series(
                _("Published figures (%)"),
                [(p.reference_date, p.coverage_pct) for p in points],
                "#d63384",
                markers_only=True,
            )
        )
    year = options.day.year
    text_id, text_en = headline(figure)
    shown_map = region_map(figure, children, url_name=url_name, query=query, public=public)
    gaps = selectors.gap_ranking(children, year, parent=figure.region.code, order=options.order)
    return {
        "figure": figure,
        "headline_id": text_id,
        "headline_en": text_en,
        "options": options,
        "query": query,
        "crumbs": _breadcrumbs(figure.region),
        "children": children,
        "gaps": gaps,
        "without_denominator": [c.region for c in children if c.denominator is None],
        "gaps_inherit": any(row["target_inherited"] for row in gaps),
        "gap_orders": [
            ("gap", _("most uncovered first")),
            ("pct", _("lowest coverage first")),
            ("target", _("most workers to target first")),
            ("name", _("by name")),
        ],
        "targets": selectors.target_progress(figure),
        "informal": selectors.informal_gap(figure),
        "breakdowns": [(dimensions()[by], selectors.breakdown(figure, by)) for by in BREAKDOWNS],
        "map": shown_map.svg,
        "map_measure": shown_map.measure,
        "map_unit": shown_map.unit,
        "trend": trend,
        "trend_chart": charts.trend_chart(
            series,
            title=_("Coverage by month") if trend_in_pct else _("Covered persons by month"),
            unit="%" if trend_in_pct else _("persons"),
        )
        if len(trend) > 1
        else "",
        "trend_in_pct": trend_in_pct,
        "points": points,
        "months": options.months,
        "kinds": PopulationKind.objects.order_by("code"),
        "public": public,
        "minimum": settings.COVERAGE_PUBLIC_MIN_CELL,
    }
