"""Server-rendered SVG: the choropleth map and the trend chart.

The same markup serves the web page (regions are links, so the map drills down without
JavaScript) and the PDF report (WeasyPrint draws SVG), so one renderer replaces a chart library
plus a second path for print. Boundaries are projected once per parent region and cached.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from lindung.core.numbers import decimal_text, month_text, number_text
from lindung.regions.models import RegionBoundary

MAP_WIDTH, MAP_HEIGHT = 640, 460
# ColorBrewer "YlGn", five classes: low coverage pale, high coverage dark green.
PALETTE = ("#ffffcc", "#c2e699", "#78c679", "#31a354", "#006837")
NO_DATA = "#e9ecef"


@dataclass(frozen=True)
class MapArea:
    code: str
    name: str
    value: float | None
    label: str  # tooltip text
    href: str | None


def _rings(geometry: dict[str, Any]) -> Iterable[list[list[float]]]:
    if geometry["type"] == "Polygon":
        yield from geometry["coordinates"]
    elif geometry["type"] == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield from polygon


def _projected_paths(codes: tuple[str, ...]) -> dict[str, str]:
    """SVG path data per region code, fitted together into the map box (equirectangular with
    the cosine of the mean latitude, points closer than half a pixel dropped)."""
    key = "coverage-map:" + ",".join(codes)
    cached = cache.get(key)
    if cached is not None:
        return cached
    shapes = {
        b.region_id: json.loads(b.geometry)
        for b in RegionBoundary.objects.filter(region_id__in=codes).only("region_id", "geometry")
    }
    points = [p for g in shapes.values() for ring in _rings(g) for p in ring]
    if not points:
        return {}
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    squeeze = math.cos(math.radians((north + south) / 2))
    scale = min(
        (MAP_WIDTH - 8) / max((east - west) * squeeze, 1e-9),
        (MAP_HEIGHT - 8) / max(north - south, 1e-9),
    )
    paths = {}
    for code, geometry in shapes.items():
        parts = []
        for ring in _rings(geometry):
            last = None
            coords = []
            for lon, lat in ring:
                x = round(4 + (lon - west) * squeeze * scale, 1)
                y = round(4 + (north - lat) * scale, 1)
                if last is None or abs(x - last[0]) + abs(y - last[1]) >= 0.5:
                    coords.append(f"{x} {y}")
                    last = (x, y)
            if len(coords) >= 3:
                parts.append("M" + " L".join(coords) + "Z")
        paths[code] = "".join(parts)
    cache.set(key, paths, 3600)
    return paths


def class_breaks(values: list[float], classes: int = len(PALETTE)) -> list[float]:
    """Upper bounds of equal-interval classes between the smallest and largest value."""
    if not values:
        return []
    low, high = min(values), max(values)
    if low == high:
        return [high]  # one value (a village's own boundary): one class
    step = (high - low) / classes
    return [low + step * (i + 1) for i in range(classes)]


def _colour(value: float | None, breaks: list[float]) -> str:
    if value is None or not breaks:
        return NO_DATA
    for colour, bound in zip(PALETTE, breaks, strict=False):
        if value <= bound:
            return colour
    return PALETTE[-1]


def choropleth(
    areas: list[MapArea],
    *,
    unit: str,
    title: str,
    legend_title: str = "",
    no_data: str = "",
) -> SafeString:
    """Areas coloured in equal-interval classes of their values; ``legend_title`` says what
    the colours measure, and ``no_data`` labels the grey of areas without a value (shown only
    when some area has none)."""
    paths = _projected_paths(tuple(a.code for a in areas))
    values = [a.value for a in areas if a.value is not None]
    breaks = class_breaks(values)
    shapes = []
    for area in areas:
        path = paths.get(area.code)
        if not path:
            continue
        shape = (
            f'<path d="{path}" fill="{_colour(area.value, breaks)}" stroke="#495057" '
            f'stroke-width="0.6" data-code="{escape(area.code)}">'
            f"<title>{escape(area.label)}</title></path>"
        )
        if area.href:
            shape = f'<a href="{escape(area.href)}" aria-label="{escape(area.name)}">{shape}</a>'
        shapes.append(shape)
    legend = []
    y = MAP_HEIGHT + 8
    if legend_title:
        legend.append(
            f'<text x="8" y="{y + 10}" font-size="11" font-weight="bold" class="legend-title">'
            f"{escape(legend_title)}</text>"
        )
        y += 16
    low = min(values) if values else 0
    whole = unit != "%"
    for i, (colour, bound) in enumerate(zip(PALETTE, breaks, strict=False)):
        start = low if i == 0 else breaks[i - 1]
        legend.append(
            f'<rect x="8" y="{y}" width="14" height="12" fill="{colour}" stroke="#495057" '
            'stroke-width="0.4"/>'
            f'<text x="28" y="{y + 10}" font-size="11">'
            f"{_range(start, bound, whole)} {escape(unit)}</text>"
        )
        y += 16
    if no_data and any(a.value is None for a in areas):
        legend.append(
            f'<rect x="8" y="{y}" width="14" height="12" fill="{NO_DATA}" stroke="#495057" '
            'stroke-width="0.4"/>'
            f'<text x="28" y="{y + 10}" font-size="11" class="legend-no-data">'
            f"{escape(no_data)}</text>"
        )
        y += 16
    height = y + 8
    # A map whose regions are links is a group of links, not an image (WCAG 4.1.2: an img
    # role must not hold focusable content); each link carries its region's name.
    role = "group" if any(area.href for area in areas) else "img"
    return mark_safe(  # noqa: S308 - every text inside is escaped above
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {MAP_WIDTH} {height}" '
        f'role="{role}" aria-label="{escape(title)}" class="coverage-map" width="100%">'
        f"<title>{escape(title)}</title>{''.join(shapes)}{''.join(legend)}</svg>"
    )


def _range(start: float, end: float, whole: bool) -> str:
    first, last = _number(start, whole), _number(end, whole)
    return first if first == last else f"{first}–{last}"


def _number(value: float, whole: bool = False) -> str:
    """A legend or axis number in the page's language (``1,8`` in Indonesian, ``1.8`` in
    English): one decimal under 100 unless the measure counts persons."""
    if whole or value >= 100:
        return number_text(value)
    return decimal_text(value, 1)


TREND_WIDTH, TREND_HEIGHT, PAD = 640, 260, 40


@dataclass(frozen=True)
class Series:
    label: str
    points: list[tuple[dt.date, Decimal | None]]
    colour: str
    markers_only: bool = False


def trend_chart(series: list[Series], *, title: str, unit: str = "%") -> SafeString:
    """Lines (or markers) of values per date; the y axis starts at zero."""
    dated = [(d, float(v)) for s in series for d, v in s.points if v is not None]
    if not dated:
        return mark_safe("")
    first = min(d for d, _v in dated).toordinal()
    last = max(d for d, _v in dated).toordinal()
    top = max(v for _d, v in dated) * 1.15 or 1
    span = max(last - first, 1)

    def x(day: dt.date) -> float:
        return round(PAD + (day.toordinal() - first) / span * (TREND_WIDTH - 2 * PAD), 1)

    def y(value: float) -> float:
        return round(TREND_HEIGHT - PAD + -value / top * (TREND_HEIGHT - 2 * PAD), 1)

    parts = [
        f'<line x1="{PAD}" y1="{TREND_HEIGHT - PAD}" x2="{TREND_WIDTH - PAD}" '
        f'y2="{TREND_HEIGHT - PAD}" stroke="#adb5bd"/>'
    ]
    for i in range(5):
        value = top / 4 * i
        parts.append(
            f'<text x="{PAD - 4}" y="{y(value) + 4}" font-size="10" text-anchor="end">'
            f"{_number(value, unit != '%')}</text>"
            f'<line x1="{PAD}" y1="{y(value)}" x2="{TREND_WIDTH - PAD}" y2="{y(value)}" '
            'stroke="#dee2e6" stroke-width="0.5"/>'
        )
    years = sorted({d.year for d, _v in dated})
    for year in years:
        day = dt.date(year, 1, 1)
        if first <= day.toordinal() <= last:
            parts.append(
                f'<text x="{x(day)}" y="{TREND_HEIGHT - PAD + 14}" font-size="10" '
                f'text-anchor="middle">{year}</text>'
            )
    for n, s in enumerate(series):
        points = [(x(d), y(float(v))) for d, v in s.points if v is not None]
        if not s.markers_only and len(points) > 1:
            line = " ".join(f"{px},{py}" for px, py in points)
            parts.append(
                f'<polyline points="{line}" fill="none" stroke="{s.colour}" stroke-width="2"/>'
            )
        if s.markers_only or len(points) == 1:
            for (px, py), (d, v) in zip(
                points, [p for p in s.points if p[1] is not None], strict=True
            ):
                parts.append(
                    f'<circle cx="{px}" cy="{py}" r="4" fill="{s.colour}">'
                    f"<title>{escape(s.label)} {escape(month_text(d))}: "
                    f"{escape(_number(float(v), unit != '%'))} {escape(unit)}</title></circle>"
                )
        parts.append(
            f'<rect x="{PAD + n * 200}" y="6" width="12" height="4" fill="{s.colour}"/>'
            f'<text x="{PAD + 16 + n * 200}" y="12" font-size="11">{escape(s.label)}</text>'
        )
    return mark_safe(  # noqa: S308 - every text inside is escaped above
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {TREND_WIDTH} {TREND_HEIGHT}" '
        f'role="img" aria-label="{escape(title)}" class="coverage-trend" width="100%">'
        f"<title>{escape(title)}</title>{''.join(parts)}</svg>"
    )
