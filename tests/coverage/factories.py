"""Registry rows for coverage tests, and a plain-Python oracle of the month-end facts.

The oracle is written from the rules, not from the app's code: a person is covered on D when one
of their memberships has ``start_date <= D < end_date`` (or no end); they count once, under their
primary membership (PU, JAKON, PMI, BPU; then earliest start; then lowest id), in every region of
their own (domicile) region columns.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import random
from collections import Counter
from dataclasses import dataclass

from lindung.core import regioncodes
from lindung.registry.models import Employer, Membership, Person

_serial = itertools.count(1)

PRIORITY = {"PU": 0, "JAKON": 1, "PMI": 2, "BPU": 3}
# KBLI 2020 sections by two-digit division, written out here independently of the app's CSV.
SECTIONS = {
    "a": (1, 3), "b": (5, 9), "c": (10, 33), "d": (35, 35), "e": (36, 39), "f": (41, 43),
    "g": (45, 47), "h": (49, 53), "i": (55, 56), "j": (58, 63), "k": (64, 66), "l": (68, 68),
    "m": (69, 75), "n": (77, 82), "o": (84, 84), "p": (85, 85), "q": (86, 88), "r": (90, 93),
    "s": (94, 96), "t": (97, 98), "u": (99, 99),
}  # fmt: skip
BANDS = ((25, "under_25"), (35, "25_34"), (45, "35_44"), (55, "45_54"), (65, "55_64"))
# Valid codes of many sections, and digit strings no section claims (blank, 00, 04, 34, 40, …).
KBLI_CODES = (
    "01111", "03220", "05100", "10790", "33190", "35101", "36000", "41011", "47111", "49110",
    "56101", "62019", "64190", "68110", "75000", "82990", "84111", "85220", "88101", "93290",
    "96990", "97000", "99000", "", "00000", "04123", "34000", "40111", "44000", "48000",
    "54000", "57000", "67000", "76000", "83000", "89000",
)  # fmt: skip
# Where persons live: villages, a district and regencies only (no village or district code).
HOMES = (
    "18.71.01.1003", "18.71.01.1003", "18.71.01.1004", "18.72.01.1001", "18.72.01",
    "18.71", "31.71",
)  # fmt: skip


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def sector(kbli: str | None) -> str:
    head = (kbli or "")[:2]
    if len(head) == 2 and head.isdigit():
        for code, (low, high) in SECTIONS.items():
            if low <= int(head) <= high:
                return code
    return "none"


def age_band(birth: dt.date, day: dt.date) -> str:
    """Age in full years on ``day``; on a month's last day the birthday of that month counts as
    passed (someone born on 29 February is a year older on 28 February of a common year)."""
    passed = (birth.month, birth.day) <= (day.month, day.day) or (
        day == month_end(day) and birth.month == day.month
    )
    age = day.year - birth.year - (0 if passed else 1)
    return next((band for limit, band in BANDS if age < limit), "65_plus")


def make_employer(village, kbli: str = "10790") -> Employer:
    n = next(_serial)
    employer = Employer(npp=f"T{n:07d}", name=f"PT Uji {n}", kbli=kbli, village=village)
    employer.assign_region_codes(village.code)
    employer.save()
    return employer


def make_person(home, sex: str = "M", birth: dt.date = dt.date(1990, 6, 15)) -> Person:
    n = next(_serial)
    person = Person(
        nik=f"9{n:015d}", name=f"Warga Uji {n}", sex=sex, birth_date=birth, domicile=home
    )
    person.assign_region_codes(home.code)
    person.save()
    return person


def make_membership(
    person: Person,
    start: dt.date,
    end: dt.date | None = None,
    *,
    segment: str = "PU",
    funding: str = "employer",
    employer: Employer | None = None,
    work_region=None,
) -> Membership:
    n = next(_serial)
    work_region = work_region or person.domicile
    membership = Membership(
        person=person,
        employer=employer,
        segment=segment,
        kpj=f"K{n:09d}",
        wage=3_000_000,
        work_region=work_region,
        start_date=start,
        end_date=end,
        funding=funding,
    )
    membership.assign_region_codes(work_region.code)
    membership.save()
    return membership


@dataclass(frozen=True)
class Row:
    """What the oracle needs of one membership."""

    id: int
    start: dt.date
    end: dt.date | None
    segment: str
    funding: str
    kbli: str | None
    sex: str
    birth: dt.date
    codes: tuple[str, ...]  # the person's non-empty region codes


def snapshot() -> dict[int, list[Row]]:
    """Memberships per person, read back from the database (ids included)."""
    rows: dict[int, list[Row]] = {}
    for m in Membership.objects.select_related("person", "employer"):
        p = m.person
        codes = tuple(
            c for c in (p.province_code, p.regency_code, p.district_code, p.village_code) if c
        )
        kbli = m.employer.kbli if m.employer else None
        row = Row(m.pk, m.start_date, m.end_date, m.segment, m.funding, kbli, p.sex,
                  p.birth_date, codes)  # fmt: skip
        rows.setdefault(p.pk, []).append(row)
    return rows


def oracle(world: dict[int, list[Row]], day: dt.date) -> dict[str, Counter]:
    """Region code → counts (``covered`` and every breakdown column) of covered persons."""
    counts: dict[str, Counter] = {}
    for rows in world.values():
        active = [r for r in rows if r.start <= day and (r.end is None or day < r.end)]
        if not active:
            continue
        r = min(active, key=lambda r: (PRIORITY[r.segment], r.start, r.id))
        cells = (
            "covered",
            f"segment_{r.segment.lower()}",
            f"sex_{r.sex.lower()}",
            f"age_{age_band(r.birth, day)}",
            f"sector_{sector(r.kbli)}",
            f"funding_{r.funding}",
        )
        for code in r.codes:
            counts.setdefault(code, Counter()).update(cells)
    return counts


def covered_persons(world: dict[int, list[Row]], day: dt.date) -> int:
    return sum(
        any(r.start <= day and (r.end is None or day < r.end) for r in rows)
        for rows in world.values()
    )


def interesting_days(first: dt.date, last: dt.date) -> list[dt.date]:
    """Month-ends, firsts, mid-months of [first - 2 months, last + 2 months]."""
    days = []
    month = dt.date(first.year, first.month, 1) - dt.timedelta(days=45)
    month = month.replace(day=1)
    stop = month_end(last) + dt.timedelta(days=62)
    while month <= stop:
        days += [month, month.replace(day=2), month.replace(day=15), month_end(month)]
        month = month_end(month) + dt.timedelta(days=1)
    return days


def random_world(rng: random.Random, regions: dict, first: dt.date, last: dt.date) -> None:
    """A few persons with overlapping, open, month-end-aligned and within-a-month memberships."""
    days = interesting_days(first, last)
    employers = [
        make_employer(regions["18.71.01.1003"], rng.choice(KBLI_CODES))
        for _ in range(rng.randint(1, 4))
    ]
    for _ in range(rng.randint(1, 9)):
        anchor = rng.choice(days)
        kind = rng.random()
        if kind < 0.35:  # turns 25, 35, … somewhere in the range
            years = rng.choice((25, 35, 45, 55, 65))
            birth = anchor.replace(day=min(anchor.day, 28), year=anchor.year - years)
        elif kind < 0.5:  # 29 February
            birth = dt.date(rng.choice((1960, 1980, 2000, 1988, 1992)), 2, 29)
        else:
            birth = dt.date(rng.randint(1950, 2008), rng.randint(1, 12), rng.randint(1, 28))
        person = make_person(regions[rng.choice(HOMES)], rng.choice("MF"), birth)
        for _m in range(rng.randint(0, 4)):
            start = rng.choice(days)
            shape = rng.random()
            if shape < 0.3:
                end = None
            elif shape < 0.45:  # starts and ends inside one month
                end = min(start + dt.timedelta(days=rng.randint(1, 12)), month_end(start))
                end = end if end > start else None
            else:
                later = [d for d in days if d > start]
                end = rng.choice(later) if later else None
            make_membership(
                person,
                start,
                end,
                segment=rng.choice(list(PRIORITY)),
                funding=rng.choice(("self", "employer", "programme")),
                employer=rng.choice([None, *employers]),
                work_region=regions[rng.choice(HOMES)],
            )


def fact_table(day: dt.date) -> dict[str, Counter]:
    """The stored facts of a month as region code → non-zero counts."""
    from lindung.coverage.dimensions import COUNT_COLUMNS
    from lindung.coverage.models import CoverageFact

    table = {}
    for fact in CoverageFact.objects.filter(month=day):
        assert fact.level == regioncodes.level_of(fact.region_id), fact
        assert fact.region_id in regioncodes.level_codes(fact.region_id).values()
        values = {"covered": fact.covered, **{c: getattr(fact, c) for c in COUNT_COLUMNS}}
        table[fact.region_id] = Counter({k: v for k, v in values.items() if v})
    return table
