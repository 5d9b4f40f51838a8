"""Every month-end at once: memberships → spells → +1/−1 events → running sums (issue 4 §2).

Counting each month separately scans every membership once per month (71 scans for 2021 to
2026). Instead, a membership active at month-ends ``a … b`` becomes a spell: +1 at ``a``, −1 at
``b + 1``, and a −1/+1 pair where the person moves to the next age band. The events are summed
per region and month, and a running sum over months gives the month-end counts — one pass over
memberships whatever the number of months.

A person counts once, under their primary membership (``dimensions.SEGMENT_PRIORITY``). Only the
few persons whose memberships overlap are expanded month by month to pick it; everyone else's
memberships are already disjoint spells.

The same statements run on SQLite, PostgreSQL and DuckDB (the benchmark's reference); only the
month-index expression differs. Month indexes are ``year * 12 + month - 1``. Everything here is
built from fixed vocabularies and integers, never from input.
"""

from __future__ import annotations

from itertools import pairwise

from lindung.coverage.dimensions import (
    AGE_BANDS,
    COUNT_COLUMNS,
    NO_SECTOR,
    SEGMENT_PRIORITY,
    SOURCE_FIELDS,
    dimensions,
    sectors,
)
from lindung.registry.models import Employer, Membership, Person

# The registry's tables by their models, so the dependency is an import the contract sees.
MEMBERSHIPS = Membership._meta.db_table
PERSONS = Person._meta.db_table
EMPLOYERS = Employer._meta.db_table

CODE_COLUMNS = ("province_code", "regency_code", "district_code", "village_code")
BASE_TABLE = "coverage_base"
TEMP_TABLES = ("cov_months", "cov_bands", "cov_m", "cov_o", "cov_om", "cov_s", "cov_e", "cov_d")


def _idx(column: str, dialect: str) -> str:
    if dialect == "sqlite":  # dates are ISO text on SQLite
        year, month = f"substr({column}, 1, 4)", f"substr({column}, 6, 2)"
    else:
        year, month = f"EXTRACT(YEAR FROM {column})", f"EXTRACT(MONTH FROM {column})"
    return f"(CAST({year} AS INTEGER) * 12 + CAST({month} AS INTEGER) - 1)"


def _band(months_old: str) -> str:
    """Age band of someone ``months_old`` months after their birth month (month-end rule: the
    birthday of the month has passed by its last day)."""
    whens = " ".join(
        f"WHEN {months_old} < {next_youngest * 12} THEN '{code}'"
        for (code, _y), (_n, next_youngest) in pairwise(AGE_BANDS)
    )
    return f"CASE {whens} ELSE '{AGE_BANDS[-1][0]}' END"


def sector_sql(kbli: str = "e.kbli") -> str:
    """KBLI section of a code; as ``dimensions.sector_of``, only a two-digit division counts."""
    division = f"substr({kbli}, 1, 2)"
    digits = (
        f"substr({kbli}, 1, 1) BETWEEN '0' AND '9' AND substr({kbli}, 2, 1) BETWEEN '0' AND '9'"
    )
    whens = " ".join(
        f"WHEN {division} BETWEEN '{s.first_division}' AND '{s.last_division}' THEN '{s.code}'"
        for s in sectors()
    )
    return f"CASE WHEN NOT ({digits}) THEN '{NO_SECTOR}' {whens} ELSE '{NO_SECTOR}' END"


def priority_sql(segment: str = "m.segment") -> str:
    whens = " ".join(f"WHEN '{s}' THEN {i}" for i, s in enumerate(SEGMENT_PRIORITY))
    return f"CASE {segment} {whens} ELSE {len(SEGMENT_PRIORITY)} END"


def delta_sums(weight: str) -> str:
    """``SUM(CASE WHEN segment = 'PU' THEN <weight> ELSE 0 END) AS segment_pu, …``."""
    parts = []
    for key, dimension in dimensions().items():
        field = SOURCE_FIELDS[key]
        for value in dimension.values:
            case = f"CASE WHEN {field} = '{value.code}' THEN {weight} ELSE 0 END"
            parts.append(f"SUM({case}) AS {value.column}")
    return ", ".join(parts)


def statements(first: int, last: int, dialect: str, persons: str = "") -> list[str]:
    """SQL that leaves ``coverage_base(idx, <region columns>, covered, <count columns>)`` with
    the counts of every finest region at every month index from ``first`` to ``last``; only
    the persons listed in the table ``persons`` (a ``person_id`` column) when it is given."""
    codes = ", ".join(CODE_COLUMNS)
    s_codes = ", ".join(f"s.{c}" for c in CODE_COLUMNS)
    start, end = _idx("start_date", dialect), _idx("end_date", dialect)
    attrs = "sex, segment, funding, sector"
    s_attrs = "s.sex, s.segment, s.funding, s.sector"
    crossing = "s.bidx + t.months > s.a AND s.bidx + t.months <= s.b"
    months = ", ".join(f"({i})" for i in range(first, last + 1))
    bands = ", ".join(
        f"({youngest * 12}, '{old}', '{new}')" for (old, _o), (new, youngest) in pairwise(AGE_BANDS)
    )
    running = ", ".join(
        f"SUM(COALESCE(d.{c}, 0)) OVER w AS {c}" for c in ("covered", *COUNT_COLUMNS)
    )
    same_region = " AND ".join(f"d.{c} = g.{c}" for c in CODE_COLUMNS)
    only = f" WHERE person_id IN (SELECT person_id FROM {persons})" if persons else ""
    return [
        "CREATE TEMPORARY TABLE cov_months (idx INTEGER)",
        f"INSERT INTO cov_months VALUES {months}",
        "CREATE TEMPORARY TABLE cov_bands "
        "(months INTEGER, old_band VARCHAR(10), new_band VARCHAR(10))",
        f"INSERT INTO cov_bands VALUES {bands}",
        # Memberships with the month-ends they are active at, clipped to [first, last].
        "CREATE TEMPORARY TABLE cov_m AS SELECT * FROM ("
        "SELECT id, person_id, segment, funding, employer_id, start_date, "
        f"{priority_sql('segment')} AS prio, "
        f"CASE WHEN {start} > {first} THEN {start} ELSE {first} END AS a, "
        f"CASE WHEN end_date IS NULL OR {end} - 1 > {last} THEN {last} ELSE {end} - 1 END AS b "
        f"FROM {MEMBERSHIPS}{only}) m WHERE a <= b",
        "CREATE INDEX cov_m_person ON cov_m (person_id)",
        # Persons with two memberships active at a common month-end.
        "CREATE TEMPORARY TABLE cov_o AS SELECT DISTINCT x.person_id FROM cov_m x "
        "JOIN cov_m y ON y.person_id = x.person_id AND x.id < y.id AND x.a <= y.b AND y.a <= x.b",
        # … expanded month by month to their primary membership.
        "CREATE TEMPORARY TABLE cov_om AS SELECT person_id, segment, funding, employer_id, "
        "idx AS a, idx AS b FROM (SELECT m.person_id, m.segment, m.funding, m.employer_id, t.idx, "
        "ROW_NUMBER() OVER (PARTITION BY m.person_id, t.idx "
        "ORDER BY m.prio, m.start_date, m.id) AS rn "
        "FROM cov_m m JOIN cov_o o ON o.person_id = m.person_id "
        "JOIN cov_months t ON t.idx >= m.a AND t.idx <= m.b) z WHERE rn = 1",
        # Disjoint spells with the attributes they are counted under.
        f"CREATE TEMPORARY TABLE cov_s AS SELECT {', '.join('p.' + c for c in CODE_COLUMNS)}, "
        f"p.sex, s.segment, s.funding, {sector_sql()} AS sector, "
        f"{_idx('p.birth_date', dialect)} AS bidx, s.a, s.b FROM ("
        "SELECT m.person_id, m.segment, m.funding, m.employer_id, m.a, m.b FROM cov_m m "
        "LEFT JOIN cov_o o ON o.person_id = m.person_id WHERE o.person_id IS NULL "
        "UNION ALL SELECT person_id, segment, funding, employer_id, a, b FROM cov_om) s "
        f"JOIN {PERSONS} p ON p.id = s.person_id "
        f"LEFT JOIN {EMPLOYERS} e ON e.id = s.employer_id",
        # +1 where a spell starts, −1 after it ends, −1/+1 where it crosses into the next band.
        f"CREATE TEMPORARY TABLE cov_e AS "
        f"SELECT {codes}, {attrs}, {_band('a - bidx')} AS age_band, a AS idx, 1 AS delta "
        "FROM cov_s "
        f"UNION ALL SELECT {codes}, {attrs}, {_band('b - bidx')}, b + 1, -1 "
        f"FROM cov_s WHERE b < {last} "
        f"UNION ALL SELECT {s_codes}, {s_attrs}, t.old_band, s.bidx + t.months, -1 "
        f"FROM cov_s s JOIN cov_bands t ON {crossing} "
        f"UNION ALL SELECT {s_codes}, {s_attrs}, t.new_band, s.bidx + t.months, 1 "
        f"FROM cov_s s JOIN cov_bands t ON {crossing}",
        f"CREATE TEMPORARY TABLE cov_d AS SELECT idx, {codes}, SUM(delta) AS covered, "
        f"{delta_sums('delta')} FROM cov_e GROUP BY idx, {codes}",
        f"CREATE INDEX cov_d_region ON cov_d ({codes}, idx)",
        # Running sums over a full region × month grid, so months without events carry over.
        f"CREATE TEMPORARY TABLE {BASE_TABLE} AS SELECT t.idx, "
        f"{', '.join('g.' + c for c in CODE_COLUMNS)}, {running} "
        f"FROM (SELECT DISTINCT {codes} FROM cov_d) g CROSS JOIN cov_months t "
        f"LEFT JOIN cov_d d ON {same_region} AND d.idx = t.idx "
        f"WINDOW w AS (PARTITION BY {', '.join('g.' + c for c in CODE_COLUMNS)} ORDER BY t.idx "
        "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)",
        f"CREATE INDEX {BASE_TABLE}_idx ON {BASE_TABLE} (idx)",
    ]


def with_statistics(sql: list[str], dialect: str) -> list[str]:
    """On PostgreSQL, ``ANALYZE`` each temporary table once it is filled: without statistics
    the planner guesses thousands of rows for the 60-row month table and plans the grid badly."""
    if dialect != "postgresql":
        return sql
    out = []
    for statement in sql:
        out.append(statement)
        if statement.startswith("CREATE INDEX "):
            out.append(f"ANALYZE {statement.split(' ON ', 1)[1].split(' ', 1)[0]}")
        elif statement.startswith("INSERT INTO cov_months"):
            out.append("ANALYZE cov_months")
    return out


def drop_statements() -> list[str]:
    return [f"DROP TABLE IF EXISTS {t}" for t in (BASE_TABLE, *reversed(TEMP_TABLES))]
