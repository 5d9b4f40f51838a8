"""Reads for the regions app. Every function takes the acting user and starts from ``for_actor``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404

from lindung.core import regioncodes
from lindung.core.permissions import require_capability
from lindung.core.roles import Capability
from lindung.core.scope import actor_scope
from lindung.regions.models import MinimumWage, Region, RegionBoundary, WorkerPopulation


def regions_for(user: Any) -> QuerySet[Region]:
    require_capability(user, Capability.VIEW_REGIONS)
    return Region.objects.for_actor(user)


def region_for(user: Any, code: str) -> Region:
    """One region the user may see; a region outside the scope is "not found", not "forbidden",
    so its existence is not revealed."""
    try:
        return regions_for(user).select_related("parent", "bps").get(code=code)
    except Region.DoesNotExist:
        raise Http404(code) from None


def scope_roots(user: Any) -> QuerySet[Region]:
    """Where the user's region browsing starts: provinces for unrestricted users, else the
    regions of their scope."""
    scope = actor_scope(user)
    regions = regions_for(user)
    if scope.unrestricted:
        return regions.filter(level="province")
    return regions.filter(code__in=scope.region_codes)


def children_of(user: Any, region: Region) -> QuerySet[Region]:
    return (
        regions_for(user)
        .filter(parent=region)
        .annotate(child_count=Count("children"))
        .order_by("code")
    )


@dataclass(frozen=True)
class Crumb:
    code: str
    name: str
    visible: bool


def breadcrumbs(user: Any, region: Region) -> list[Crumb]:
    """Ancestors from the province down; ancestors outside the scope are shown as text only."""
    chain = regioncodes.ancestors_of(region.code)
    names = dict(Region.objects.filter(code__in=chain).values_list("code", "name"))
    visible = set(regions_for(user).filter(code__in=chain).values_list("code", flat=True))
    return [Crumb(code, names.get(code, code), code in visible) for code in chain]


def populations_for(user: Any) -> QuerySet[WorkerPopulation]:
    require_capability(user, Capability.VIEW_REGIONS)
    return WorkerPopulation.objects.for_actor(user).select_related("kind", "region")


def minimum_wages_for(user: Any) -> QuerySet[MinimumWage]:
    require_capability(user, Capability.VIEW_REGIONS)
    return MinimumWage.objects.for_actor(user).select_related("region")


def boundary_geojson(user: Any, region: Region) -> str:
    """GeoJSON FeatureCollection of the region's children, or of the region itself when its
    children have no boundaries (villages, or provinces without polygons below them).

    Geometries are stored as GeoJSON text and spliced in as they are, never re-parsed.
    """
    require_capability(user, Capability.VIEW_REGIONS)
    boundaries = RegionBoundary.objects.for_actor(user).select_related("region")
    rows = list(boundaries.filter(region__parent=region).order_by("region_id"))
    if not rows:
        rows = list(boundaries.filter(region=region))
    features = []
    for row in rows:
        props = {
            "code": row.region.code,
            "name": row.region.name,
            "level": row.region.level,
            "kind": row.region.kind,
            "area_km2": row.area_km2,
            "centroid": [row.centroid_lat, row.centroid_lng],
        }
        features.append(
            f'{{"type":"Feature","properties":{json.dumps(props)},"geometry":{row.geometry}}}'
        )
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"
