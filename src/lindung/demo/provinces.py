"""More provinces the size of the demo's Lampung: ``lindung demo build --scale N`` (issue 23).

Province 1 is the synthetic Lampung the other steps build. Each further province is a copy of
its registry (employers, persons, memberships), its social-registry candidates and its district
and village denominators, moved into a real province's region codes: Lampung's regencies,
districts and villages are laid in code order over the target's (``region_map``). The copy is
made set-based in SQL (``INSERT … SELECT``), so every province has exactly Lampung's proportions
and the same seed gives the same rows. Programmes, requests, public workers, cases and the award
stay Lampung's alone: they are built from the registry, and the benchmarks build them per scale.

Keys stay unique because every copied key takes the target province's code: the NIK's first two
and KK's first two digits (the province of registration) and a two-digit prefix to KPJ, NPP and
NIB numbers.
Row ids are offset by a power of ten above Lampung's largest id, once per copy.
"""

# SQL built from constants and catalog names only; values go in as parameters.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef

from lindung.core import regioncodes
from lindung.core.db import refresh_planner_statistics
from lindung.core.loading import LoadResult
from lindung.demo.bulk import DemoError
from lindung.demo.plan import LAMPUNG
from lindung.programmes.models import Candidate
from lindung.regions.models import Region, WorkerPopulation
from lindung.registry.models import Employer, Membership, Person

LEVELS = ("regency", "district", "village")
MAP_TABLE = "demo_province_map"
Progress = Callable[[int, int], None] | None


def target_provinces() -> list[str]:
    """Every loaded province but Lampung, the most villages first (ties by code): the copies
    fill the largest provinces first, as a national deployment's data would."""
    villages = (
        Region.objects.filter(level="village")
        .exclude(code__startswith=LAMPUNG + ".")
        .values("parent__parent__parent")
        .annotate(n=Count("code"))
    )
    ranked = sorted(villages, key=lambda r: (-r["n"], r["parent__parent__parent"]))
    return [r["parent__parent__parent"] for r in ranked if r["parent__parent__parent"]]


def built_provinces() -> list[str]:
    """Provinces holding copied persons, in code order (Lampung not included)."""
    # One index probe per province, not a scan of every person for its distinct codes.
    holding = Person.objects.filter(province_code=OuterRef("code"))
    return list(
        Region.objects.filter(level="province")
        .exclude(code=LAMPUNG)
        .filter(Exists(holding))
        .order_by("code")
        .values_list("code", flat=True)
    )


def region_map(target: str) -> list[tuple[str, str]]:
    """(Lampung code, target code) for every regency, district and village and the province:
    the i-th of Lampung's n regions of a level goes to the ⌊i·m/n⌋-th of the target's m (an
    injection where the target has at least as many, which the largest provinces have)."""
    pairs = [(LAMPUNG, target)]
    for level in LEVELS:
        source = sorted(
            Region.objects.filter(level=level, code__startswith=LAMPUNG + ".").values_list(
                "code", flat=True
            )
        )
        into = sorted(
            Region.objects.filter(level=level, code__startswith=target + ".").values_list(
                "code", flat=True
            )
        )
        if not source or not into:
            raise DemoError(
                f"provinsi {target} tidak punya wilayah tingkat {level} / "
                f"province {target} has no {level} regions loaded"
            )
        pairs += [(code, into[i * len(into) // len(source)]) for i, code in enumerate(source)]
    return pairs


@dataclass(frozen=True)
class Offsets:
    """Row-id offset per copy: a power of ten above the largest id of each table."""

    employer: int
    person: int
    membership: int
    candidate: int


def _stride(cur: Any, table: str) -> int:
    cur.execute(f"SELECT max(id) FROM {table} WHERE province_code = %s", [LAMPUNG])
    largest = cur.fetchone()[0] or 0
    stride = 10
    while stride <= largest:
        stride *= 10
    return stride


def _offsets(cur: Any) -> Offsets:
    return Offsets(
        employer=_stride(cur, Employer._meta.db_table),
        person=_stride(cur, Person._meta.db_table),
        membership=_stride(cur, Membership._meta.db_table),
        candidate=_stride(cur, Candidate._meta.db_table),
    )


def _write_map(cur: Any, target: str) -> None:
    cur.execute(f"DROP TABLE IF EXISTS {MAP_TABLE}")
    cur.execute(
        f"CREATE TEMPORARY TABLE {MAP_TABLE} (src varchar(13) PRIMARY KEY, dst varchar(13), "
        "province_code varchar(2), regency_code varchar(5), district_code varchar(8), "
        "village_code varchar(13))"
    )
    rows = [
        (src, dst, *(value for _column, value in regioncodes.level_code_tuple(dst)))
        for src, dst in region_map(target)
    ]
    cur.executemany(f"INSERT INTO {MAP_TABLE} VALUES (%s, %s, %s, %s, %s, %s)", rows)


# Region columns of a copied row: the mapped region's codes, read from the map row ``m``.
CODES = "m.province_code, m.regency_code, m.district_code, m.village_code"
CODE_COLUMNS = "province_code, regency_code, district_code, village_code"


def _prefixed(column: str) -> str:
    """A key column with the target's two digits in front (an empty value stays empty)."""
    return f"CASE WHEN {column} = '' THEN '' ELSE %(prov)s || {column} END"


def _copy_statements(offsets: Offsets) -> list[tuple[str, str]]:
    """(table, INSERT … SELECT) of one copy; parameters ``k`` (the copy's number) and ``prov``."""
    employer, person = Employer._meta.db_table, Person._meta.db_table
    membership, candidate = Membership._meta.db_table, Candidate._meta.db_table
    e_off, p_off = f"%(k)s * {offsets.employer}", f"%(k)s * {offsets.person}"
    m_off, c_off = f"%(k)s * {offsets.membership}", f"%(k)s * {offsets.candidate}"
    return [
        (
            employer,
            f"INSERT INTO {employer} (id, npp, name, nib, kbli, size_class, risk_class, "
            f"village_id, latitude, longitude, status, registered_on, owner_id, {CODE_COLUMNS}, "
            f"updated_at) SELECT e.id + {e_off}, {_prefixed('e.npp')}, e.name, "
            f"{_prefixed('e.nib')}, e.kbli, e.size_class, e.risk_class, m.dst, e.latitude, "
            f"e.longitude, e.status, e.registered_on, NULL, {CODES}, e.updated_at "
            f"FROM {employer} e JOIN {MAP_TABLE} m ON m.src = e.village_id "
            "WHERE e.province_code = %(lampung)s",
        ),
        (
            person,
            f"INSERT INTO {person} (id, nik, name, sex, birth_date, domicile_id, occupation, "
            f"phone, nik_warnings, {CODE_COLUMNS}, updated_at) SELECT p.id + {p_off}, "
            "%(prov)s || substr(p.nik, 3), p.name, p.sex, p.birth_date, m.dst, p.occupation, "
            f"p.phone, p.nik_warnings, {CODES}, p.updated_at "
            f"FROM {person} p JOIN {MAP_TABLE} m ON m.src = p.domicile_id "
            "WHERE p.province_code = %(lampung)s AND p.nik LIKE %(lampung_nik)s",
        ),
        (
            membership,
            f"INSERT INTO {membership} (id, person_id, employer_id, segment, kpj, jkk, jkm, jht, "
            f"jp, jkp, wage, work_region_id, start_date, end_date, end_reason, funding, "
            f"{CODE_COLUMNS}, updated_at) SELECT s.id + {m_off}, s.person_id + {p_off}, "
            f"CASE WHEN e.province_code = %(lampung)s THEN s.employer_id + {e_off} "
            f"ELSE s.employer_id END, s.segment, {_prefixed('s.kpj')}, s.jkk, s.jkm, s.jht, "
            "s.jp, s.jkp, s.wage, m.dst, s.start_date, s.end_date, s.end_reason, s.funding, "
            f"{CODES}, s.updated_at FROM {membership} s "
            f"JOIN {person} p ON p.id = s.person_id "
            f"JOIN {MAP_TABLE} pd ON pd.src = p.domicile_id "  # the person was copied
            f"JOIN {MAP_TABLE} m ON m.src = s.work_region_id "
            f"LEFT JOIN {employer} e ON e.id = s.employer_id "
            "WHERE p.province_code = %(lampung)s AND p.nik LIKE %(lampung_nik)s "
            "AND s.province_code = %(lampung)s",
        ),
        (
            candidate,
            f"INSERT INTO {candidate} (id, nik, kk, name, sex, birth_date, village_id, "
            f"occupation, welfare_decile, source, nik_warnings, person_id, {CODE_COLUMNS}, "
            f"updated_at) SELECT c.id + {c_off}, %(prov)s || substr(c.nik, 3), "
            "CASE WHEN c.kk = '' THEN '' ELSE %(prov)s || substr(c.kk, 3) END, c.name, c.sex, "
            "c.birth_date, m.dst, c.occupation, "
            f"c.welfare_decile, c.source, c.nik_warnings, "
            f"CASE WHEN p.id IS NULL THEN NULL ELSE c.person_id + {p_off} END, {CODES}, "
            f"c.updated_at FROM {candidate} c JOIN {MAP_TABLE} m ON m.src = c.village_id "
            f"LEFT JOIN {person} p ON p.id = c.person_id AND p.province_code = %(lampung)s "
            "AND p.nik LIKE %(lampung_nik)s "
            f"AND EXISTS (SELECT 1 FROM {MAP_TABLE} pd WHERE pd.src = p.domicile_id) "
            "WHERE c.province_code = %(lampung)s AND c.nik LIKE %(lampung_nik)s",
        ),
    ]


def _copy_populations(cur: Any) -> int:
    """Lampung's denominators on the mapped regions; where two of Lampung's regions share one
    target region, the first keeps it (a smaller province gets fewer, never doubled figures)."""
    table = WorkerPopulation._meta.db_table
    fields = [
        f.column
        for f in WorkerPopulation._meta.concrete_fields
        if f.column not in ("id", "region_id", *CODE_COLUMNS.split(", "))
    ]
    columns = ", ".join(fields)
    cur.execute(
        f"INSERT INTO {table} (region_id, {CODE_COLUMNS}, {columns}) "
        f"SELECT m.dst, {CODES}, {', '.join('w.' + c for c in fields)} FROM {table} w "
        f"JOIN {MAP_TABLE} m ON m.src = w.region_id WHERE w.province_code = %s "
        "ORDER BY w.id ON CONFLICT DO NOTHING",
        [LAMPUNG],
    )
    return cur.rowcount


def copy_province(target: str, number: int, offsets: Offsets) -> dict[str, int]:
    """Copy Lampung into ``target`` as copy ``number`` (1, 2, …), in one transaction."""
    counts: dict[str, int] = {}
    params = {"k": number, "prov": target, "lampung": LAMPUNG, "lampung_nik": LAMPUNG + "%"}
    with transaction.atomic(), connection.cursor() as cur:
        _write_map(cur, target)
        for table, sql in _copy_statements(offsets):
            cur.execute(sql, params)
            counts[table] = cur.rowcount
        counts[WorkerPopulation._meta.db_table] = _copy_populations(cur)
        cur.execute(f"DROP TABLE {MAP_TABLE}")
    return counts


def extend_to(provinces: int, *, progress: Progress = None) -> LoadResult:
    """Make the registry hold ``provinces`` Lampung-sized provinces (Lampung and copies);
    copies already there are kept, so growing 1 → 4 → 8 copies each province once."""
    if provinces < 1:
        raise DemoError("--scale harus ≥ 1 / --scale must be at least 1")
    if provinces == 1 and not built_provinces():
        return LoadResult(source="Lampung alone", sha256="", extra={"provinces": [LAMPUNG]})
    if not Person.objects.filter(province_code=LAMPUNG).exists():
        raise DemoError("registri Lampung belum dibangun / the Lampung registry is not built yet")
    targets = target_provinces()
    if provinces - 1 > len(targets):
        raise DemoError(f"--scale paling besar / at most {len(targets) + 1}")
    wanted = targets[: provinces - 1]
    done = set(built_provinces())
    if done - set(wanted):
        raise DemoError(
            "registri memuat provinsi salinan di luar skala ini; pakai --rebuild / the registry "
            f"holds copied provinces beyond this scale ({', '.join(sorted(done - set(wanted)))}); "
            "use --rebuild"
        )
    started = dt.datetime.now()
    created = 0
    with connection.cursor() as cur:
        offsets = _offsets(cur)
    for number, target in enumerate(wanted, start=1):
        if target not in done:
            created += sum(copy_province(target, number, offsets).values())
        if progress:
            progress(number, len(wanted))
    if created:
        models = [Employer, Person, Membership, Candidate, WorkerPopulation]
        with connection.cursor() as cur:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cur.execute(sql)
        refresh_planner_statistics(m._meta.db_table for m in models)
    return LoadResult(
        source=f"{provinces} Lampung-sized provinces",
        sha256="",
        created=created,
        unchanged=0 if created else len(wanted),
        extra={
            "provinces": [LAMPUNG, *wanted],
            "seconds": round((dt.datetime.now() - started).total_seconds(), 1),
        },
    )
