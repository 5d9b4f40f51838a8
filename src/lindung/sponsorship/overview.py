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
from django.core.cache import cache
from django.db.models import Count
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from lindung.core.numbers import number_text
from lindung.coverage.charts import _rings
from lindung.regions.models import RegionBoundary
from lindung.registry.models import Employer
from lindung.sponsorship import selectors
from lindung.sponsorship.matching import centroids
from lindung.sponsorship.models import Assignment, MatchStatus, Sponsor
from lindung.sponsorship.solver import EARTH_KM

NEAR_KM = 10.0
MAP_W, MAP_H = 640, 460


def village_counts(user: Any, on: dt.date) -> dict[str, int]:
    """Unprotected, unsponsored candidates per village of the user's region (set-based, see
    ``selectors.unsponsored_by_village``); the page reads it once for sites and employers."""
    return selectors.unsponsored_by_village(user, on)


@dataclass(frozen=True)
class Nearby:
    label: str
    owner: str
    village: str  # the village's name
    unprotected: int


CHUNK = 128  # points per distance matrix: CHUNK × the villages of their latitude band


Centroids = dict[str, tuple[float, float]]


def village_points(codes: Any, root: str = "") -> Centroids:
    """Village code → (lat, lng) of its centroid for ``codes``. The centroids of the villages
    under ``root`` are read once an hour (a boundary row carries its whole geometry, so reading
    thousands of them costs more than the rest of the page); codes outside it in one query."""
    codes = {c for c in codes if c}
    known: Centroids = {}
    if root:
        key = f"sponsor-centroids:{root}"
        known = cache.get(key)
        if known is None:
            known = centroids(root)
            cache.set(key, known, 3600)
    out = {c: known[c] for c in codes if c in known}
    missing = codes - set(out)
    if missing:
        rows = RegionBoundary.objects.filter(region_id__in=missing).values_list(
            "region_id", "centroid_lat", "centroid_lng"
        )
        out.update((code, (lat, lng)) for code, lat, lng in rows)
    return {c: p for c, p in out.items() if p[0] is not None and p[1] is not None}


def site_points(sites: list[Any], root: str) -> list[tuple[Any, tuple[float, float] | None]]:
    """Each site with its coordinates, or its village's centroid (``services.site_point``
    for many sites: the centroids in one read, not one query per site)."""
    cents = village_points((s.village_id for s in sites if s.lat is None or s.lng is None), root)
    return [
        (s, (s.lat, s.lng) if s.lat is not None and s.lng is not None else cents.get(s.village_id))
        for s in sites
    ]


def _near(points: list[tuple[float, float]], counts: dict[str, int], cents: Centroids) -> list[int]:
    """For each point, the candidates of ``counts`` whose village centroid lies within
    ``NEAR_KM``: one distance matrix per chunk of points (no Python loop per point).

    Points and villages are sorted by latitude, and each chunk of points is compared only with
    the villages whose latitude is within ``NEAR_KM`` of the chunk's band (a latitude
    difference never exceeds the great-circle distance), so the work grows with the points
    times the villages near them, not times every village of the province."""
    codes = [c for c in counts if c in cents]
    if not codes or not points:
        return [0] * len(points)
    lat = np.radians(np.array([cents[c][0] for c in codes]))
    lng = np.radians(np.array([cents[c][1] for c in codes]))
    n = np.array([counts[c] for c in codes])
    by_lat = np.argsort(lat)
    lat, lng, n = lat[by_lat], lng[by_lat], n[by_lat]
    reach = NEAR_KM / EARTH_KM  # radians
    where = np.radians(np.asarray(points, dtype=float))
    order = np.argsort(where[:, 0], kind="stable")
    out = np.zeros(len(points), dtype=np.int64)
    for start in range(0, len(points), CHUNK):
        rows = order[start : start + CHUNK]
        plat, plng = where[rows, :1], where[rows, 1:2]
        low, high = np.searchsorted(lat, [plat.min() - reach, plat.max() + reach])
        if low == high:
            continue
        vlat, vlng = lat[None, low:high], lng[None, low:high]
        a = (
            np.sin((vlat - plat) / 2) ** 2
            + np.cos(plat) * np.cos(vlat) * np.sin((vlng - plng) / 2) ** 2
        )
        km = 2 * EARTH_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
        out[rows] = (km <= NEAR_KM) @ n[low:high]
    return [int(v) for v in out]


def sites_reach(
    user: Any,
    on: dt.date,
    counts: dict[str, int] | None = None,
    cents: Centroids | None = None,
) -> list[Nearby]:
    """Unprotected, unsponsored candidates within ``NEAR_KM`` of each visible sponsor site."""
    sites = list(selectors.sites_for(user))
    counts = village_counts(user, on) if counts is None else counts
    cents = village_points(counts, selectors.scope_root(user)) if cents is None else cents
    located = [(s, p) for s, p in site_points(sites, selectors.scope_root(user)) if p]
    near = _near([p for _, p in located], counts, cents)
    names = selectors.region_names(s.village_id for s, _ in located)
    rows = [
        Nearby(s.name, s.sponsor.name, names.get(s.village_id, s.village_id), n)
        for (s, _), n in zip(located, near, strict=True)
    ]
    return sorted(rows, key=lambda r: -r.unprotected)


def employers_to_approach(
    user: Any,
    on: dt.date,
    limit: int = 20,
    counts: dict[str, int] | None = None,
    cents: Centroids | None = None,
) -> list[Nearby]:
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
    counts = village_counts(user, on) if counts is None else counts
    cents = village_points(counts, selectors.scope_root(user)) if cents is None else cents
    near = _near([(e[3], e[4]) for e in employers], counts, cents)
    rows = [Nearby(e[0], e[1], e[2], n) for e, n in zip(employers, near, strict=True) if n]
    rows = sorted(rows, key=lambda r: (-r.unprotected, r.label))[:limit]
    names = selectors.region_names(r.village for r in rows)
    return [Nearby(r.label, r.owner, names.get(r.village, r.village), r.unprotected) for r in rows]


def funded_title(n: int) -> str:
    return gettext("Funded workers: %(n)s") % {"n": number_text(n)}


def _frame(root: str) -> dict[str, Any] | None:
    """The map's frame for ``root``: the bounding box of the boundaries of the regions under
    it and their SVG paths, computed once an hour (boundaries change with a reference load,
    not with pledges); None when no boundary is loaded."""
    key = f"sponsor-map:{root}"
    cached = cache.get(key)
    if cached is not None:
        return cached or None
    shapes = [
        json.loads(b.geometry)
        for b in RegionBoundary.objects.filter(region__parent_id=root).only("region_id", "geometry")
    ]
    rings = [np.asarray(ring, dtype=float)[:, :2] for g in shapes for ring in _rings(g) if ring]
    if not rings:
        cache.set(key, {}, 3600)
        return None
    every = np.concatenate(rings)
    west, south = every.min(axis=0)
    east, north = every.max(axis=0)
    squeeze = math.cos(math.radians((north + south) / 2))
    scale = min(
        (MAP_W - 16) / max((east - west) * squeeze, 1e-9), (MAP_H - 16) / max(north - south, 1e-9)
    )
    frame = {"west": west, "north": north, "squeeze": squeeze, "scale": scale}

    def ring_path(lnglat: np.ndarray) -> str:
        # Projected and snapped to half a pixel in one array operation; a point that lands
        # on the previous one is dropped.
        x = np.round((8 + (lnglat[:, 0] - west) * squeeze * scale) * 2) / 2
        y = np.round((8 + (north - lnglat[:, 1]) * scale) * 2) / 2
        keep = np.ones(len(x), dtype=bool)
        keep[1:] = (np.diff(x) != 0) | (np.diff(y) != 0)
        if keep.sum() < 3:
            return ""
        return "M" + " L".join(f"{a:g} {b:g}" for a, b in zip(x[keep], y[keep], strict=True)) + "Z"

    paths = []
    for geometry in shapes:
        d = "".join(ring_path(np.asarray(r, dtype=float)[:, :2]) for r in _rings(geometry) if r)
        paths.append(f'<path d="{d}" fill="#f8f9fa" stroke="#adb5bd" stroke-width="0.6"/>')
    frame = {**{k: float(v) for k, v in frame.items()}, "paths": "".join(paths)}
    cache.set(key, frame, 3600)
    return frame


def _points_frame(points: list[tuple[float, float]]) -> dict[str, Any] | None:
    """A frame around (lat, lng) points, for a region whose boundaries are not loaded."""
    if not points:
        return None
    lats, lngs = [p[0] for p in points], [p[1] for p in points]
    west, east, south, north = min(lngs), max(lngs), min(lats), max(lats)
    squeeze = math.cos(math.radians((north + south) / 2))
    scale = min(
        (MAP_W - 16) / max((east - west) * squeeze, 1e-9), (MAP_H - 16) / max(north - south, 1e-9)
    )
    return {"west": west, "north": north, "squeeze": squeeze, "scale": scale, "paths": ""}


def sites_map(user: Any, title: str) -> SafeString:
    """Boundaries of the regions under the user's scope root, sponsor sites (red squares) and
    funded workers per village (green circles, area ∝ workers). The boundaries are drawn once
    an hour per root (``_frame``); sites and dots are placed on that frame each time."""
    sites = site_points(list(selectors.sites_for(user)), selectors.scope_root(user))
    funded = list(
        Assignment.objects.for_actor(user)
        .filter(run__status=MatchStatus.ACCEPTED)
        .values("candidate__village_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    cents = village_points((r["candidate__village_id"] for r in funded), selectors.scope_root(user))
    dots = [
        (cents[r["candidate__village_id"]], r["n"])
        for r in funded
        if r["candidate__village_id"] in cents
    ]
    frame = _frame(selectors.scope_root(user)) or _points_frame(
        [p for _, p in sites if p] + [c for c, _ in dots]
    )
    if frame is None:
        return mark_safe("")
    west, north = frame["west"], frame["north"]
    squeeze, scale = frame["squeeze"], frame["scale"]

    def xy(lng: float, lat: float) -> tuple[float, float]:
        return round(8 + (lng - west) * squeeze * scale, 1), round(8 + (north - lat) * scale, 1)

    parts = [frame["paths"]]
    for (lat, lng), n in dots:
        x, y = xy(lng, lat)
        parts.append(
            f'<circle cx="{x}" cy="{y}" r="{2 + 1.5 * math.sqrt(n):.1f}" fill="#198754" '
            f'fill-opacity="0.6" class="funded"><title>{escape(funded_title(n))}</title></circle>'
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
