"""Sponsors, sites, pledges for tests, and the records the access matrix needs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from lindung.accounts.models import Organisation, OrganisationKind
from lindung.regions.models import Region, RegionBoundary
from lindung.sponsorship.matching import accept_run, run_matching
from lindung.sponsorship.models import Pledge, Sponsor, SponsorKind, SponsorSite
from lindung.sponsorship.services import add_site, create_pledge, create_sponsor
from tests.programmes.factories import CandidateFactory
from tests.registry.factories import nik_for

START = dt.date(2025, 8, 1)


def sponsor_org(name: str, region: Region) -> Organisation:
    org = Organisation(name=name, kind=OrganisationKind.SPONSOR, region=region)
    org.assign_region_codes(region.code)
    org.save()
    return org


def make_sponsor(
    region: Region,
    village: Region,
    *,
    name: str = "PT Kopi Sejahtera",
    organisation: Organisation | None = None,
    kind: str = SponsorKind.COMPANY,
    lat: float | None = None,
    lng: float | None = None,
) -> tuple[Sponsor, SponsorSite]:
    org = organisation or sponsor_org(name, region)
    sponsor = create_sponsor(actor=None, name=name, kind=kind, organisation=org, region=region)
    site = add_site(
        actor=None, sponsor=sponsor, name=f"Kantor {name}", village=village, lat=lat, lng=lng
    )
    return sponsor, site


def make_pledge(site: SponsorSite, **fields: Any) -> Pledge:
    plan = {
        "title": "Perlindungan petani",
        "start_month": START,
        "months": 6,
        "worker_count": 10,
        "radius_km": 50.0,
        **fields,
    }
    return create_pledge(actor=None, site=site, **plan)


def place(code: str, lat: float, lng: float) -> None:
    """Put a village's centroid at (lat, lng), creating the boundary when missing."""
    RegionBoundary.objects.update_or_create(
        region_id=code,
        defaults={
            "centroid_lat": lat,
            "centroid_lng": lng,
            "area_km2": 1.0,
            "source": "test",
            "geometry": '{"type":"Polygon","coordinates":[]}',
        },
    )


def candidates(village: Region, n: int, *, start: int = 7000, **fields: Any) -> list[Any]:
    return [
        CandidateFactory(
            nik=nik_for(village.code, start + i, dt.date(1979, 3, 3)), village=village, **fields
        )
        for i in range(n)
    ]


def sponsorship_world(regions: dict[str, Any], world: dict[str, Any]) -> dict[str, Any]:
    """For the access matrix: the sponsor user's company with a pledge in the regency officer's
    village (matched and accepted, one worker), and another company's pledge in 18.72."""
    sponsor_user = world["users"]["sponsor"]
    own_village, foreign_village = "18.71.01.1003", "18.72.01.1001"
    candidates(regions[own_village], 1, start=8100)
    candidates(regions[foreign_village], 1, start=8200)
    out: dict[str, Any] = {}
    for side, org, region, village in (
        ("own", sponsor_user.organisation, "18.71", own_village),
        ("foreign", None, "18.72", foreign_village),
    ):
        _sponsor, site = make_sponsor(
            regions[region], regions[village], name=f"PT Mitra {side}", organisation=org
        )
        out["own_pledge" if side == "own" else "foreign_pledge"] = make_pledge(
            site, title=f"Janji {side}", worker_count=1, radius_km=30.0
        )
    run = run_matching(actor=None, region=regions["18.71"])
    accept_run(actor=None, run=run)
    out["own_match"] = run
    out["foreign_match"] = run_matching(actor=None, region=regions["18.72"])
    return out
