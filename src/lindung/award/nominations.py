"""Nominating entries from the data (issue 9 item 3): every region of a category's level in the
edition's region, the villages with the most protected residents, and the employers with the
most active workers in a business category. ``nominate_all`` is the service (MANAGE_AWARD, one
durable transaction, an ``award.entry.add`` audit row per entry); applications
(``origin=applied``) go through ``services.add_entry`` one by one.

Business categories follow the 2023 Lampung round (docs/domain.md §6): micro/small (UMK) by size,
medium/large by sector group of the KBLI section (``SECTOR_GROUPS``).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Count, Q

from lindung.award import services
from lindung.award.models import Category, CategoryKind, Entry, SectorGroup
from lindung.core.months import month_end
from lindung.core.permissions import require_capability
from lindung.core.roles import Capability
from lindung.coverage.dimensions import sector_of
from lindung.coverage.models import CoverageFact
from lindung.regions.models import Region
from lindung.registry.models import Employer, EmployerStatus, Segment, SizeClass
from lindung.registry.selectors import active_on

# KBLI 2020 section → the round's sector group. Mining sits with manufacturing/construction
# (one published list names it there); public administration, health and the other services
# with trade/services.
SECTOR_GROUPS: dict[str, str] = {
    "a": SectorGroup.AGRICULTURE,
    "b": SectorGroup.MANUFACTURING,
    "c": SectorGroup.MANUFACTURING,
    "d": SectorGroup.MANUFACTURING,
    "e": SectorGroup.MANUFACTURING,
    "f": SectorGroup.MANUFACTURING,
    "k": SectorGroup.FINANCE,
    "p": SectorGroup.EDUCATION,
}
SMALL_SIZES = (SizeClass.MICRO, SizeClass.SMALL)
LARGE_SIZES = (SizeClass.MEDIUM, SizeClass.LARGE)


def sector_group(kbli: str) -> str:
    section = sector_of(kbli)
    return SECTOR_GROUPS.get(section, SectorGroup.TRADE) if section != "none" else ""


def _entered(category: Category) -> Q:
    taken = Entry.objects.filter(edition=category.edition)
    return Q(pk__in=taken.exclude(subject_region=None).values("subject_region_id"))


def _nominate_regions(*, actor: Any, category: Category) -> list[Entry]:
    """Every region of the category's level inside the edition's region, once."""
    level = services.LEVEL_OF_KIND[category.kind]
    regions = (
        Region.objects.filter(level=level, code__startswith=category.edition.region_id)
        .exclude(_entered(category))
        .order_by("code")
    )
    return [services.add_entry_unchecked(actor=actor, category=category, region=r) for r in regions]


def _nominate_villages(*, actor: Any, category: Category, per_regency: int = 2) -> list[Entry]:
    """The ``per_regency`` villages of each regency with the most protected residents at the
    cut-off month's end (coverage facts; ties and months without facts by code)."""
    edition = category.edition
    month = month_end(edition.cutoff_date)
    covered = dict(
        CoverageFact.objects.filter(
            month=month, level="village", province_code=edition.province_code
        ).values_list("region_id", "covered")
    )
    taken = set(
        Entry.objects.filter(edition=edition)
        .exclude(subject_region=None)
        .values_list("subject_region_id", flat=True)
    )
    chosen: list[Region] = []
    regencies = Region.objects.filter(level="regency", code__startswith=edition.region_id)
    for regency in regencies.order_by("code"):
        villages = Region.objects.filter(level="village", code__startswith=regency.code + ".")
        ranked = sorted(
            (v for v in villages if v.code not in taken),
            key=lambda v: (-covered.get(v.code, 0), v.code),
        )
        chosen.extend(ranked[:per_regency])
    return [services.add_entry_unchecked(actor=actor, category=category, region=v) for v in chosen]


def _nominate_employers(*, actor: Any, category: Category, limit: int = 5) -> list[Entry]:
    """The ``limit`` open employers of the category (size; sector group for medium/large) with
    the most workers active on the cut-off date."""
    edition = category.edition
    sizes = SMALL_SIZES if category.kind == CategoryKind.BUSINESS_SMALL else LARGE_SIZES
    taken = Entry.objects.filter(edition=edition).exclude(employer=None).values("employer_id")
    employers = (
        Employer.objects.filter(province_code=edition.province_code, size_class__in=sizes)
        .exclude(status=EmployerStatus.CLOSED)
        .exclude(pk__in=taken)
        .annotate(
            workers=Count(
                "memberships",
                filter=active_on(edition.cutoff_date, "memberships__")
                & Q(memberships__segment=Segment.PU),
            )
        )
        .filter(workers__gt=0)
        .order_by("-workers", "npp")
    )
    chosen = []
    for employer in employers.iterator():
        if category.sector_group and sector_group(employer.kbli) != category.sector_group:
            continue
        chosen.append(employer)
        if len(chosen) == limit:
            break
    return [
        services.add_entry_unchecked(actor=actor, category=category, employer=e) for e in chosen
    ]


def nominate_all(
    *, actor: Any, category: Category, per_regency: int = 2, limit: int = 5
) -> list[Entry]:
    """The category's nominations by its kind."""
    require_capability(actor, Capability.MANAGE_AWARD)
    with transaction.atomic(durable=True):
        if category.kind == CategoryKind.VILLAGE:
            return _nominate_villages(actor=actor, category=category, per_regency=per_regency)
        if category.for_regions:
            return _nominate_regions(actor=actor, category=category)
        return _nominate_employers(actor=actor, category=category, limit=limit)
