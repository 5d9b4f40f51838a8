"""Writes of the sponsorship app: sponsors, sites, pledges. Each write is one transaction with
its audit row. A pledge is carried by a programme of the sponsor's funder, priced by the
contribution engine like every programme (so the budget buys whole person-months)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from lindung.core.audit import record_audit
from lindung.core.i18n import bilingual
from lindung.core.permissions import require_admin, require_capability
from lindung.core.roles import Capability
from lindung.programmes.models import FunderKind, Programme
from lindung.programmes.services.plans import (
    create_funder_unchecked,
    create_programme_unchecked,
    price_package,
)
from lindung.regions.models import Region, RegionBoundary
from lindung.sponsorship.audit import SponsorshipAudit
from lindung.sponsorship.models import Pledge, Sponsor, SponsorKind, SponsorSite


class SponsorshipError(ValueError):
    """A pledge or matching that cannot be made; the message is bilingual."""


def create_sponsor(
    *,
    actor: Any,
    name: str,
    kind: str,
    organisation: Any,
    region: Region,
    employer: Any = None,
) -> Sponsor:
    """A sponsor with its funder (kind csr for a company, individual for a donor); the
    operator's write (no web page makes sponsors)."""
    require_admin(actor)
    funder_kind = FunderKind.CSR if kind == SponsorKind.COMPANY else FunderKind.INDIVIDUAL
    with transaction.atomic(durable=True):
        funder = create_funder_unchecked(
            actor=actor, name=name, kind=funder_kind, region=region, organisation=organisation
        )
        sponsor = Sponsor(
            name=name,
            kind=kind,
            funder=funder,
            organisation=organisation,
            region=region,
            employer=employer,
        )
        sponsor.assign_region_codes(region.code)
        sponsor.save()
        record_audit(
            actor=actor,
            action=SponsorshipAudit.SPONSOR_CREATE,
            target=sponsor,
            region_code=region.code,
            after={"name": name, "kind": kind},
        )
    return sponsor


def add_site(
    *,
    actor: Any,
    sponsor: Sponsor,
    name: str,
    village: Region,
    lat: float | None = None,
    lng: float | None = None,
) -> SponsorSite:
    require_admin(actor)
    with transaction.atomic(durable=True):
        site = SponsorSite(sponsor=sponsor, name=name, village=village, lat=lat, lng=lng)
        site.assign_region_codes(village.code)
        site.save()
        record_audit(
            actor=actor,
            action=SponsorshipAudit.SITE_CREATE,
            target=site,
            region_code=village.code,
            after={"name": name, "lat": lat, "lng": lng},
        )
    return site


def site_point(site: SponsorSite) -> tuple[float, float] | None:
    """The site's coordinates, or its village's centroid."""
    if site.lat is not None and site.lng is not None:
        return site.lat, site.lng
    row = RegionBoundary.objects.filter(region_id=site.village_id).values_list(
        "centroid_lat", "centroid_lng"
    )
    return row[0] if row else None


def _regency(code: str) -> str:
    return ".".join(code.split(".")[:2])


def create_pledge(
    *,
    actor: Any,
    site: SponsorSite,
    title: str,
    start_month: dt.date,
    months: int,
    budget: int | None = None,
    worker_count: int | None = None,
    radius_km: float | None = None,
    area_codes: str = "",
    occupations: str = "",
    women_first: bool = False,
    max_welfare_decile: int | None = None,
) -> Pledge:
    """A pledge of a budget or of a number of workers; the other is derived from the package
    price (BPU JKK+JKM on the programme's declared income, priced for the sponsor as payer)."""
    require_capability(actor, Capability.MANAGE_PLEDGES)
    if budget is None and worker_count is None:
        raise SponsorshipError(
            bilingual("isi anggaran atau jumlah pekerja", "give a budget or a number of workers")
        )
    if radius_km is None and not area_codes.strip():
        raise SponsorshipError(
            bilingual("isi radius atau daftar wilayah", "give a radius or a list of areas")
        )
    if not 1 <= months <= 12:
        raise SponsorshipError(bilingual("lama 1–12 bulan", "months must be 1–12"))
    sponsor = site.sponsor
    start_month = start_month.replace(day=1)
    probe = Programme(funder=sponsor.funder, start_month=start_month, occupations=occupations)
    price_package(probe)
    per_person = probe.monthly_premium * months
    if worker_count is None:
        worker_count = budget // per_person if per_person else 0
    if budget is None:
        budget = worker_count * per_person
    worker_count = min(worker_count, budget // per_person) if per_person else worker_count
    if worker_count < 1:
        raise SponsorshipError(
            bilingual(
                f"anggaran kurang dari satu pekerja (Rp {per_person:,})",
                f"the budget pays for no worker (Rp {per_person:,} each)",
            )
        )
    area = Region.objects.get(code=_regency(site.village_id))
    with transaction.atomic(durable=True):
        pledge = Pledge(
            sponsor=sponsor,
            site=site,
            title=title,
            budget=budget,
            worker_count=worker_count,
            start_month=start_month,
            months=months,
            radius_km=radius_km,
            area_codes=area_codes.strip(),
            occupations=occupations.strip(),
            women_first=women_first,
            max_welfare_decile=max_welfare_decile,
        )
        programme = create_programme_unchecked(
            actor=actor,
            funder=sponsor.funder,
            area=area,
            name=f"CSR {title}"[:150] + f" #{Pledge.objects.count() + 1}",
            fiscal_year=start_month.year,
            budget=budget,
            start_month=start_month,
            funded_months=months,
            target_count=worker_count,
            domicile_in_area=False,
            occupations=occupations.strip(),
            max_welfare_decile=max_welfare_decile,
        )
        pledge.programme = programme
        pledge.assign_region_codes(site.village_id)
        pledge.save()
        record_audit(
            actor=actor,
            action=SponsorshipAudit.PLEDGE_CREATE,
            target=pledge,
            region_code=site.village_id,
            after={
                "budget": budget,
                "worker_count": worker_count,
                "months": months,
                "radius_km": radius_km,
                "area_codes": area_codes,
            },
        )
    return pledge
