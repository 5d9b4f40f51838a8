"""A few months refreshed by stepping on from the month before them (docs/SCALING.md).

``spells.statements`` recounts every membership active in a window, which for the one or two
months after a monthly import is most of the registry. But a month's counts differ from the
previous month's only through the persons with a membership starting or ending in the month,
or crossing into the next age band in it; everyone else counts under the same cell. So, with the
month ``P`` before the window stored and fresh:

    base(M) = finest(P) + recount(M) - recount(P)        for M in the window

where ``finest(P)`` is the stored facts of ``P`` taken back to the finest regions, and
``recount`` runs ``spells.statements`` over the affected persons alone. The result is the same
``coverage_base`` table as a full window's, written month by month by ``facts``. Built from
fixed vocabularies, integers and dates only, never from input.
"""

# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
from itertools import pairwise
from typing import Any

from lindung.core.ages import AGE_BANDS
from lindung.core.months import month_index, month_of_index
from lindung.coverage.dimensions import COUNT_COLUMNS
from lindung.coverage.models import CoverageFact
from lindung.coverage.spells import (
    BASE_TABLE,
    CODE_COLUMNS,
    MEMBERSHIPS,
    PERSONS,
    drop_statements,
    statements,
    with_statistics,
)

AFFECTED = "cov_affected"
STEP_TABLES = (AFFECTED, "cov_prev", "cov_mini", "cov_window")
# Longer windows touch so many persons that recounting them all costs as much as the window.
MAX_STEP_MONTHS = 12
COUNTS = ("covered", *COUNT_COLUMNS)
LEVEL_DEPTH = {"province": 1, "regency": 2, "district": 3, "village": 4}


def _codes_to(depth: int, alias: str) -> str:
    """The row's codes down to ``depth``, blanks below (a region's codes at its level)."""
    return ", ".join(
        f"{alias}.{c}" if i < depth else f"'' AS {c}" for i, c in enumerate(CODE_COLUMNS)
    )


def _finest_previous(previous: dt.date) -> tuple[str, list[Any]]:
    """Stored facts of ``previous`` back at the finest regions: each level's rows minus the sum
    of the level below, so people placed only down to a district (or regency, or province)
    keep their own row, as in ``coverage_base``."""
    table = CoverageFact._meta.db_table
    parts, params = [], []
    counts = ", ".join(f"f.{c}" for c in COUNTS)
    negated = ", ".join(f"-f.{c}" for c in COUNTS)
    for level, depth in LEVEL_DEPTH.items():
        parts.append(f"SELECT {_codes_to(4, 'f')}, {counts} FROM {table} f "
                     "WHERE f.month = %s AND f.level = %s")  # fmt: skip
        params += [previous, level]
        if depth > 1:  # the same rows, taken off their parent
            parts.append(f"SELECT {_codes_to(depth - 1, 'f')}, {negated} FROM {table} f "
                         "WHERE f.month = %s AND f.level = %s")  # fmt: skip
            params += [previous, level]
    codes = ", ".join(CODE_COLUMNS)
    sums = ", ".join(f"SUM({c}) AS {c}" for c in COUNTS)
    sql = (
        f"CREATE TEMPORARY TABLE cov_prev AS SELECT {codes}, {sums} "
        f"FROM ({' UNION ALL '.join(parts)}) u GROUP BY {codes} HAVING SUM(covered) <> 0"
    )
    return sql, params


def _affected(first: int, last: int) -> tuple[str, list[Any]]:
    """Persons whose cell can differ between two months of ``[first - 1, last]``: a membership
    starts or ends in ``[first, last]``, or they reach a band's age in it."""
    start, end = _first_day(first), month_of_index(last)
    births = []
    params: list[Any] = [start, end, start, end]
    for (_old, _y), (_new, youngest) in pairwise(AGE_BANDS):
        months = youngest * 12
        births.append("(birth_date >= %s AND birth_date <= %s)")
        params += [_first_day(first - months), month_of_index(last - months)]
    sql = (
        f"CREATE TEMPORARY TABLE {AFFECTED} AS SELECT DISTINCT person_id FROM ("
        f"SELECT person_id FROM {MEMBERSHIPS} WHERE start_date >= %s AND start_date <= %s "
        f"UNION ALL SELECT person_id FROM {MEMBERSHIPS} "
        "WHERE end_date >= %s AND end_date <= %s "
        f"UNION ALL SELECT id FROM {PERSONS} WHERE {' OR '.join(births)}) a"
    )
    return sql, params


def step_statements(previous: dt.date, last: dt.date, dialect: str) -> list[tuple[str, list]]:
    """(SQL, parameters) that leave ``coverage_base`` for the months after ``previous`` up to
    ``last``, stepping from ``previous``'s stored facts."""
    p, first, end = month_index(previous), month_index(previous) + 1, month_index(last)
    codes = ", ".join(CODE_COLUMNS)
    counts = ", ".join(COUNTS)
    negated = ", ".join(f"-{c}" for c in COUNTS)
    sums = ", ".join(f"SUM({c}) AS {c}" for c in COUNTS)
    window = ", ".join(f"({i})" for i in range(first, end + 1))
    recount = statements(p, end, dialect, persons=AFFECTED)
    out: list[tuple[str, list]] = [_affected(first, end)]
    out.append((f"CREATE INDEX {AFFECTED}_person ON {AFFECTED} (person_id)", []))
    if dialect == "postgresql":  # a few hundred thousand persons: index look-ups, not scans
        out.append((f"ANALYZE {AFFECTED}", []))
    out += [(sql, []) for sql in with_statistics(recount, dialect)]
    out += [
        (f"CREATE TEMPORARY TABLE cov_mini AS SELECT * FROM {BASE_TABLE}", []),
        *((sql, []) for sql in drop_statements()),
        _finest_previous(previous),
        ("CREATE TEMPORARY TABLE cov_window (idx INTEGER)", []),
        (f"INSERT INTO cov_window VALUES {window}", []),
        (
            f"CREATE TEMPORARY TABLE {BASE_TABLE} AS SELECT idx, {codes}, {sums} FROM ("
            f"SELECT t.idx, {codes}, {counts} FROM cov_prev CROSS JOIN cov_window t "
            f"UNION ALL SELECT idx, {codes}, {counts} FROM cov_mini WHERE idx > {p} "
            f"UNION ALL SELECT t.idx, {codes}, {negated} FROM cov_mini m "
            f"CROSS JOIN cov_window t WHERE m.idx = {p}"
            f") u GROUP BY idx, {codes}",
            [],
        ),
        (f"CREATE INDEX {BASE_TABLE}_idx ON {BASE_TABLE} (idx)", []),
    ]
    return out


def drop_step_tables() -> list[str]:
    return [f"DROP TABLE IF EXISTS {t}" for t in STEP_TABLES]


def previous_month(first: dt.date) -> dt.date:
    return month_of_index(month_index(first) - 1)


def _first_day(index: int) -> dt.date:
    return month_of_index(index).replace(day=1)
