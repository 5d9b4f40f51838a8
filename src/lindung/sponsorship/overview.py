"""Province and BPJS view (issue 7 item 4): who is unprotected near each sponsor site, which
registry employers to approach (most unprotected workers nearby), and a server-rendered SVG
map of sponsor sites and funded workers (no JavaScript, same approach as coverage.charts)."""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Count
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from lindung.coverage.charts import _rings
from lindung.regions.models import RegionBoundary
from lindung.registry.models import Employer
from lindung.sponsorship import selectors
from lindung.sponsorship.matching import centroids
from lindung.sponsorship.models import Assignment, MatchStatus, Sponsor
from lindung.sponsorship.services import site_point
from lindung.sponsorship.solver import haversine_km

NEAR_KM = 10.0
MAP_W, MAP_H = 640, 460


def _village_counts(user: Any, on: dt.date) -> dict[str, int]:
    rows = (
        selectors.unsponsored_candidates(user, on)
        .values("village_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {r["village_id"]: r["n"] for r in rows}


@dataclass(frozen=True)
class Nearby:
    label: str
    owner: str
    village: str
    unprotected: int


def _near(points: list[tuple[float, float]], counts: dict[str, int], root: str) -> list[int]:
    cents = centroids(root)
    codes = [c for c in counts if c in cents]
    if not codes or not points:
        return [0] * len(points)
    lat = np.array([cents[c][0] for c in codes])
    lng = np.array([cents[c][1] for c in codes])
    n = np.array([counts[c] for c in codes])
    return [int(n[haversine_km(lat, lng, p[0], p[1]) <= NEAR_KM].sum()) for p in points]


def sites_reach(user: Any, on: dt.date) -> list[Nearby]:
    """Unprotected, unsponsored candidates within ``NEAR_KM`` of each visible sponsor site."""
    sites = list(selectors.sites_for(user))
    located = [(s, site_point(s)) for s in sites]
    located = [(s, p) for s, p in located if p is not None]
    counts = _village_counts(user, on)
    near = _near([p for _, p in located], counts, selectors.scope_root(user))
    rows = [
        Nearby(s.name, s.sponsor.name, s.village_id, n)
        for (s, _), n in zip(located, near, strict=True)
    ]
    return sorted(rows, key=lambda r: -r.unprotected)


def employers_to_approach(user: Any, on: dt.date, limit: int = 20) -> list[Nearby]:
    """Registry employers with coordinates that sponsor nothing yet, ranked by unprotected
    candidates within ``NEAR_KM``."""
    sponsoring = Sponsor.objects.exclude(employer=None).values_list("employer_id", flat=True)
    employers = list(
        Employer.objects.for_actor(user)
        .exclude(latitude=None)
        .exclude(longitude=None)
        .exclude(pk__in=sponsoring)
        .values_list("name", "npp", "village_id", "latitude", "longitude")[:5_000]
    )
    counts = _village_counts(user, on)
    near = _near([(e[3], e[4]) for e in employers], counts, selectors.scope_root(user))
    rows = [Nearby(e[0], e[1], e[2], n) for e, n in zip(employers, near, strict=True) if n]
    return sorted(rows, key=lambda r: (-r.unprotected, r.label))[:limit]


def sites_map(user: Any, title: str) -> SafeString:
    """Boundaries of the regions under the user's scope root, sponsor sites (red squares) and
    funded workers per village (green circles, area ∝ workers)."""
    root = selectors.scope_root(user)
    shapes = {
        b.region_id: json.loads(b.geometry)
        for b in RegionBoundary.objects.filter(region__parent_id=root).only("region_id", "geometry")
    }
    points = [p for g in shapes.values() for ring in _rings(g) for p in ring]
    sites = [(s, site_point(s)) for s in selectors.sites_for(user)]
    funded = (
        Assignment.objects.for_actor(user)
        .filter(run__status=MatchStatus.ACCEPTED)
        .values("candidate__village_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    cents = centroids(root)
    dots = [
        (cents[r["candidate__village_id"]], r["n"])
        for r in funded
        if r["candidate__village_id"] in cents
    ]
    extra = [(p[1], p[0]) for _, p in sites if p] + [(c[1], c[0]) for c, _ in dots]
    allpts = points + extra
    if not allpts:
        return mark_safe("")
    west, east = min(p[0] for p in allpts), max(p[0] for p in allpts)
    south, north = min(p[1] for p in allpts), max(p[1] for p in allpts)
    squeeze = math.cos(math.radians((north + south) / 2))
    scale = min(
        (MAP_W - 16) / max((east - west) * squeeze, 1e-9), (MAP_H - 16) / max(north - south, 1e-9)
    )

    def xy(lng: float, lat: float) -> tuple[float, float]:
        return round(8 + (lng - west) * squeeze * scale, 1), round(8 + (north - lat) * scale, 1)

    parts = []
    for geometry in shapes.values():
        rings = []
        for ring in _rings(geometry):
            coords, last = [], None
            for lon, lat in ring:
                x, y = xy(lon, lat)
                if last is None or abs(x - last[0]) + abs(y - last[1]) >= 0.5:
                    coords.append(f"{x} {y}")
                    last = (x, y)
            if len(coords) >= 3:
                rings.append("M" + " L".join(coords) + "Z")
        parts.append(
            f'<path d="{"".join(rings)}" fill="#f8f9fa" stroke="#adb5bd" stroke-width="0.6"/>'
        )
    for (lat, lng), n in dots:
        x, y = xy(lng, lat)
        parts.append(
            f'<circle cx="{x}" cy="{y}" r="{2 + 1.5 * math.sqrt(n):.1f}" fill="#198754" '
            f'fill-opacity="0.6" class="funded"><title>{n}</title></circle>'
        )
    for site, p in sites:
        if p:
            x, y = xy(p[1], p[0])
            parts.append(
                f'<rect x="{x - 4}" y="{y - 4}" width="8" height="8" fill="#dc3545" class="site">'
                f"<title>{escape(site.sponsor.name)} — {escape(site.name)}</title></rect>"
            )
    return mark_safe(  # noqa: S308 - every text inside is escaped above
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {MAP_W} {MAP_H}" role="img" '
        f'aria-label="{escape(title)}" class="sponsor-map" width="100%">'
        f"<title>{escape(title)}</title>{''.join(parts)}</svg>"
    )
