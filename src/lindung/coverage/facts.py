"""Month-end coverage facts, computed set-based in the database (issue 4 §2).

``spells.statements`` leaves the counts of every finest region at every month in a temporary
table (one pass over memberships for all months); each month is then written in its own
transaction, one ``INSERT … SELECT … GROUP BY`` per region level, so a killed refresh leaves
every month complete or untouched (and marked stale).

Any single day (between month-ends, or a month not yet refreshed) is counted by
``grouped_sql``: the same rules for one day. "Covered on a day" is
``registry.selectors.active_on`` (start_date <= day < end_date, or open); ``ACTIVE_SQL`` is its
SQL spelling, and the property tests hold facts, live counts and a plain-Python count equal.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from itertools import pairwise
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from lindung.core.ages import AGE_BANDS, age_cutoff
from lindung.core.months import month_end, month_index
from lindung.coverage import steps
from lindung.coverage.dimensions import COUNT_COLUMNS
from lindung.coverage.models import CoverageFact, CoverageMonth
from lindung.coverage.spells import (
    BASE_TABLE,
    CODE_COLUMNS,
    EMPLOYERS,
    MEMBERSHIPS,
    PERSONS,
    delta_sums,
    drop_statements,
    priority_sql,
    sector_sql,
    statements,
    with_statistics,
)

LEVELS = ("province", "regency", "district", "village")
Progress = Callable[[dt.date], None] | None
ACTIVE_SQL = "m.start_date <= %s AND (m.end_date IS NULL OR m.end_date > %s)"


def _age_band_sql(day: dt.date) -> tuple[str, list[dt.date]]:
    cases, params = [], []
    for (code, _youngest), (_next, next_youngest) in pairwise(AGE_BANDS):
        cases.append(f"WHEN p.birth_date > %s THEN '{code}'")
        params.append(age_cutoff(day, next_youngest))
    return f"CASE {' '.join(cases)} ELSE '{AGE_BANDS[-1][0]}' END", params


def _region_filter(code: str | None) -> tuple[str, list[str]]:
    if not code:
        return "", []
    from lindung.core import regioncodes

    pairs = [(c, v) for c, v in regioncodes.level_codes(code).items() if v]
    return " AND " + " AND ".join(f"p.{c} = %s" for c, _v in pairs), [v for _c, v in pairs]


def covered_rows_sql(day: dt.date, region: str | None = None) -> tuple[str, list]:
    """One row per covered person on ``day``: region columns and the breakdown values of their
    primary membership. Used inside the grouped query below."""
    age_sql, age_params = _age_band_sql(day)
    region_sql, region_params = _region_filter(region)
    sql = (
        f"SELECT {', '.join('p.' + c for c in CODE_COLUMNS)}, a.segment, p.sex, a.funding, "
        f"{age_sql} AS age_band, {sector_sql()} AS sector "
        "FROM (SELECT m.person_id, m.segment, m.funding, m.employer_id, "
        f"ROW_NUMBER() OVER (PARTITION BY m.person_id ORDER BY {priority_sql()}, "
        "m.start_date, m.id) AS rn "
        f"FROM {MEMBERSHIPS} m WHERE {ACTIVE_SQL}) a "
        f"JOIN {PERSONS} p ON p.id = a.person_id "
        f"LEFT JOIN {EMPLOYERS} e ON e.id = a.employer_id "
        f"WHERE a.rn = 1{region_sql}"
    )
    return sql, [*age_params, day, day, *region_params]


def grouped_sql(day: dt.date, region: str | None = None) -> tuple[str, list]:
    """Covered persons on ``day`` per finest region (the person's four region columns)."""
    rows_sql, params = covered_rows_sql(day, region)
    sql = (
        f"SELECT {', '.join(CODE_COLUMNS)}, COUNT(*) AS covered, {delta_sums('1')} "
        f"FROM ({rows_sql}) c GROUP BY {', '.join(CODE_COLUMNS)}"
    )
    return sql, params


def _level_insert(level: str, index: int) -> str:
    depth = LEVELS.index(level) + 1
    kept = CODE_COLUMNS[:depth]
    codes = ", ".join(kept + tuple("''" for _ in CODE_COLUMNS[depth:]))
    sums = ", ".join(f"SUM({c})" for c in ("covered", *COUNT_COLUMNS))
    return (
        f"INSERT INTO {CoverageFact._meta.db_table} (month, level, region_id, "
        f"{', '.join(CODE_COLUMNS)}, covered, {', '.join(COUNT_COLUMNS)}) "
        f"SELECT %s, '{level}', {kept[-1]}, {codes}, {sums} FROM {BASE_TABLE} "
        f"WHERE idx = {int(index)} AND {kept[-1]} <> '' GROUP BY {', '.join(kept)} "
        "HAVING SUM(covered) > 0"
    )


def refresh_months(
    months: Iterable[dt.date], progress: Progress = None, *, step: bool = True
) -> list[CoverageMonth]:
    """Recompute the facts of ``months`` (month-end days); every month commits on its own.
    ``step``: a few months after a fresh one may step from its facts (``coverage.steps``);
    without it every month is recounted from the registry as it stands."""
    wanted = sorted({month_end(m) for m in months})
    if not wanted:
        return []
    started = time.perf_counter()
    dialect = connection.vendor
    previous = steps.previous_month(wanted[0])
    with connection.cursor() as cur:
        _drop_temporary_tables(cur)
        if step and _can_step(wanted, previous):
            for sql, params in steps.step_statements(previous, wanted[-1], dialect):
                cur.execute(sql, params)
        else:
            sql_list = statements(month_index(wanted[0]), month_index(wanted[-1]), dialect)
            for sql in with_statistics(sql_list, dialect):
                cur.execute(sql)
    shared = (time.perf_counter() - started) / len(wanted)
    done = []
    try:
        for day in wanted:
            done.append(_write_month(day, shared))
            if progress:
                progress(day)
    finally:
        with connection.cursor() as cur:
            _drop_temporary_tables(cur)
    return done


def _drop_temporary_tables(cur: Any) -> None:
    for sql in (*drop_statements(), *steps.drop_step_tables()):
        cur.execute(sql)


def _can_step(wanted: list[dt.date], previous: dt.date) -> bool:
    """A short run of consecutive months whose previous month is stored and fresh can step
    from it (``coverage.steps``) instead of recounting every membership of the window."""
    consecutive = month_index(wanted[-1]) - month_index(wanted[0]) == len(wanted) - 1
    return (
        consecutive
        and len(wanted) <= steps.MAX_STEP_MONTHS
        and CoverageMonth.objects.filter(month=previous, stale=False).exists()
    )


def _write_month(day: dt.date, shared_seconds: float) -> CoverageMonth:
    started = time.perf_counter()
    index = month_index(day)
    with transaction.atomic(), connection.cursor() as cur:
        CoverageFact.objects.filter(month=day).delete()
        rows = 0
        for level in LEVELS:
            cur.execute(_level_insert(level, index), [day])
            rows += cur.rowcount
        cur.execute(f"SELECT COALESCE(SUM(covered), 0) FROM {BASE_TABLE} WHERE idx = %s", [index])
        covered = int(cur.fetchone()[0])
        state, _created = CoverageMonth.objects.update_or_create(
            month=day,
            defaults={
                "stale": False,
                "refreshed_at": timezone.now(),
                "fact_rows": rows,
                "covered": covered,
                "seconds": shared_seconds + time.perf_counter() - started,
            },
        )
    return state


def live_counts(day: dt.date, region: str) -> dict[str, int]:
    """The counts of one region on any day, computed from memberships (for days between
    month-ends and for the consistency check); the same SQL as the facts."""
    sql, params = grouped_sql(day, region)
    sums = ", ".join(f"COALESCE(SUM({c}), 0)" for c in ("covered", *COUNT_COLUMNS))
    with connection.cursor() as cur:
        cur.execute(f"SELECT {sums} FROM ({sql}) g", params)
        values = cur.fetchone()
    return dict(zip(("covered", *COUNT_COLUMNS), (int(v) for v in values), strict=True))


def mark_stale(months: Iterable[dt.date]) -> int:
    days = sorted({month_end(m) for m in months})
    existing = set(CoverageMonth.objects.filter(month__in=days).values_list("month", flat=True))
    CoverageMonth.objects.filter(month__in=days).update(stale=True)
    CoverageMonth.objects.bulk_create(
        [CoverageMonth(month=d, stale=True) for d in days if d not in existing]
    )
    return len(days)
