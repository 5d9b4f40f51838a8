"""Entries nominated from the data: regions of a level, the villages with most protected
residents, the employers with most active workers per size and sector group."""

from __future__ import annotations

import datetime as dt

from lindung.award.models import CategoryKind, SectorGroup
from lindung.award.nominations import nominate_all, sector_group
from lindung.award.services import add_category
from lindung.core.scope import SYSTEM
from lindung.coverage.models import CoverageFact
from tests.award.factories import category, make_edition
from tests.registry.factories import EmployerFactory, MembershipFactory


def test_regions_once_and_only_inside_the_edition(region_tree):
    edition = make_edition(region_tree["18"])
    regency = category(edition, CategoryKind.REGENCY)
    entries = nominate_all(actor=SYSTEM, category=regency)
    assert sorted(e.subject_region_id for e in entries) == ["18.71", "18.72"]  # not 31.71
    assert nominate_all(actor=SYSTEM, category=regency) == []


def test_villages_with_most_protected_residents_per_regency(region_tree):
    edition = make_edition(region_tree["18"], cutoff=dt.date(2025, 6, 30))
    for code, covered in (("18.71.01.1003", 5), ("18.71.01.1004", 9), ("18.72.01.1001", 1)):
        fact = CoverageFact(
            month=dt.date(2025, 6, 30), level="village", region_id=code, covered=covered
        )
        fact.assign_region_codes(code)
        fact.save()
    entries = nominate_all(
        actor=SYSTEM, category=category(edition, CategoryKind.VILLAGE), per_regency=1
    )
    assert [e.subject_region_id for e in entries] == ["18.71.01.1004", "18.72.01.1001"]


def test_employers_by_size_sector_and_active_workers(region_tree):
    edition = make_edition(region_tree["18"])
    village = region_tree["18.71.01.1003"]
    bank = EmployerFactory(name="Bank Lampung", kbli="64191", size_class="large", village=village)
    mill = EmployerFactory(name="PT Sawit", kbli="10431", size_class="large", village=village)
    warung = EmployerFactory(
        name="Warung Bu Ani", kbli="56102", size_class="micro", village=village
    )
    idle = EmployerFactory(name="PT Kosong", kbli="64191", size_class="large", village=village)
    for employer, n in ((bank, 3), (mill, 2), (warung, 1)):
        for _ in range(n):
            MembershipFactory(employer=employer, work_region=village)
    assert sector_group(bank.kbli) == SectorGroup.FINANCE
    assert sector_group(mill.kbli) == SectorGroup.MANUFACTURING
    finance = add_category(edition, CategoryKind.BUSINESS_LARGE, SectorGroup.FINANCE)
    small = add_category(edition, CategoryKind.BUSINESS_SMALL)
    everyone = edition.categories.get(kind=CategoryKind.BUSINESS_LARGE, sector_group="")
    # The idle bank has no active worker; the finance group takes the bank only.
    assert [e.employer for e in nominate_all(actor=SYSTEM, category=finance)] == [bank]
    assert [e.employer for e in nominate_all(actor=SYSTEM, category=small)] == [warung]
    assert [e.employer for e in nominate_all(actor=SYSTEM, category=everyone)] == [mill]
    assert not edition.entries.filter(employer=idle).exists()
