"""The participant import's set-based path on PostgreSQL (docs/ARCHITECTURE.md, "Imports: the
PostgreSQL bulk path").

1. Stage: the Python reader (same line numbers, delimiters, BOM, blank lines, XLSX) streams the
   mapped, stripped cells of every row into a temporary table with ``COPY``, noting the
   distinct texts of the cells that need parsing.
2. Validate: the row path's own cell parsers parse each distinct text once into lookup tables;
   one ``INSERT … SELECT`` (bulk_sql.py) joins them and keeps every row the SQL can vouch for.
   The rest (bad or unusual rows, normally few) go through ``ParticipantImporter.parse_row``,
   which gives either the row or the exact reject of the row-by-row path.
3. File-wide rules in SQL: duplicates of (KPJ, start date) and first-row-wins person data.
4. Write: chunk by chunk, each chunk's upsert, rejections and job counters in one transaction
   (resumable like the row loop); or, for a large file into empty person and membership tables,
   one transaction that drops their secondary indexes and foreign keys, inserts, and rebuilds
   them (a killed load leaves nothing, so a rerun equals one clean run).
"""

# SQL built from constants and catalog names only; cell values are never in the text.
# ruff: noqa: S608

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from lindung.core.imports.cells import CellError
from lindung.core.imports.pipeline import Progress, advance_job, duplicate, rejection
from lindung.core.imports.reader import Table
from lindung.core.models import ImportJob
from lindung.registry import bulk_sql
from lindung.registry.bulk_sql import validate_sql
from lindung.registry.importers import (
    LEVEL_COLUMNS,
    MEMBERSHIP_COLUMNS,
    PERSON_COLUMNS,
)

if TYPE_CHECKING:
    from lindung.registry.importers import ParticipantImporter

log = logging.getLogger(__name__)
# The keys of bulk_sql.lookups (checked in _lookups), for dropping their tables.
LOOKUPS = (
    *("date", "sex", "segment", "funding", "wage", "prog"),
    *("nik", "regency", "npp", "dom", "work"),
)
TEMP_TABLES = (
    "bulk_raw",
    "bulk_rows",
    "bulk_rejects",
    "bulk_wp",
    "bulk_wm",
    "bulk_first",
    "bulk_same",
    "bulk_chunk",
    *(f"bulk_lk_{name}" for name in LOOKUPS),
)
TARGETS = ("registry_person", "registry_membership")
# Sorting and hashing a million rows in memory instead of temporary files.
# JIT compiling costs ~0.5 s a statement, more than it saves on chunk-sized statements.
SESSION = {"work_mem": "256MB", "maintenance_work_mem": "512MB", "jit": "off"}


class ParticipantBulk:
    def __init__(self, importer: ParticipantImporter, job: ImportJob, mapping: dict[str, int]):
        self.imp = importer
        self.job = job
        self.mapping = mapping
        self.size = importer.chunk_size
        self.stage_columns = ("ord", *(n for n, _ in importer.stage_columns))
        self.cur: Any = None
        self.texts: dict[str, set[str]] = {}
        self.timings: dict[str, float] = {}  # seconds per step, for the benchmark's profile

    @contextmanager
    def _step(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start

    def run(self, table: Table, progress: Progress) -> None:
        with connection.cursor() as cur:
            self.cur = cur
            self._session()
            try:
                with self._step("stage"):
                    total = self._stage(table.rows)
                with self._step("validate"):
                    self._validate(total)
                with self._step("file-wide rules"):
                    self._duplicates()
                    self._first_person()
                chunks = -(-total // self.size)
                with self._step("initial load"):
                    loaded = (
                        self.job.last_chunk < 0
                        and total >= self.imp.initial_load_min_rows
                        and self._initial_load(total, chunks)
                    )
                if not loaded:
                    with self._step("chunks"):
                        cur.execute("CREATE INDEX ON bulk_rows (ord)")
                        self._find_unchanged()
                        for index in range(chunks):
                            self._chunk(index, total)
                            if progress:
                                progress(min(self.size, total - index * self.size))
                elif progress:
                    for index in range(chunks):
                        progress(min(self.size, total - index * self.size))
            finally:
                log.info("participant bulk import: %s", self.timings)
                self.imp.bulk_timings = self.timings
                self._cleanup()

    def _cleanup(self) -> None:
        """Drop the temporary tables and session settings; never hide the error that got here
        (in a failed outer transaction, the session ends the tables anyway)."""
        try:
            with transaction.atomic():
                self.cur.execute(f"DROP TABLE IF EXISTS {', '.join(TEMP_TABLES)}")
                for name in SESSION:
                    self.cur.execute(f"RESET {name}")
        except DatabaseError:
            log.warning("could not drop the participant import's temporary tables")

    def _session(self) -> None:
        for name, value in SESSION.items():
            self.cur.execute(f"SET {name} = '{value}'")
        try:  # only possible before the session's first temporary table
            with transaction.atomic():
                self.cur.execute("SET temp_buffers = '512MB'")
        except DatabaseError:
            pass

    # 1. Stage -------------------------------------------------------------------------------

    def _stage(self, rows: Iterator[tuple[int, list[str]]]) -> int:
        cur = self.cur
        names = list(self.mapping)
        cur.execute(f"DROP TABLE IF EXISTS {', '.join(TEMP_TABLES)}")
        cols = ", ".join(f"c_{n} text" for n in names)
        cur.execute(f"CREATE TEMPORARY TABLE bulk_raw (ord integer, line integer, {cols})")
        positions = [self.mapping[n] for n in names]
        width = max(positions) + 1
        pick = itemgetter(*positions) if len(positions) > 1 else (lambda cells: (cells[0],))
        # The distinct texts of the cells that need parsing, for the lookups (see _lookups).
        self.texts = {name: set() for name in bulk_sql.lookups(self.imp)}
        whole, parts = [], []
        for name, (sources, _, _) in bulk_sql.lookups(self.imp).items():
            for column, part in sources:
                if column in self.mapping:
                    spec = (self.texts[name].add, names.index(column))
                    (whole.append(spec) if part is None else parts.append((*spec, part)))
        total = 0
        with cur.cursor.copy("COPY bulk_raw FROM STDIN") as copy:
            write = copy.write_row
            for total, (line, cells) in enumerate(rows, start=1):
                if len(cells) < width:  # a short row: missing cells are empty, as in the loop
                    cells = [*cells, *([""] * (width - len(cells)))]
                values = [c.strip() for c in pick(cells)]
                write((total - 1, line, *values))
                for add, i in whole:
                    add(values[i])
                for add, i, part in parts:
                    add(values[i][part])
        return total

    # 2. Validate ----------------------------------------------------------------------------

    def _validate(self, total: int) -> None:
        cur = self.cur
        types = dict(self.imp.stage_columns)
        cols = ", ".join(f"{n} {types.get(n, 'integer')}" for n in self.stage_columns)
        cur.execute(
            f"CREATE TEMPORARY TABLE bulk_rows ({cols}, dup boolean NOT NULL DEFAULT false)"
        )
        cur.execute(
            "CREATE TEMPORARY TABLE bulk_rejects (ord integer, line integer, col text, "
            "value text, reason text)"
        )
        cur.execute("ANALYZE bulk_raw")
        cells = {
            c.name: (f"r.c_{c.name}" if c.name in self.mapping else "''") for c in self.imp.columns
        }
        with self._step("validate: lookups"):
            self._lookups()
        select, names = validate_sql(cells, self.imp.today)
        assert tuple(names) == self.stage_columns, names
        with self._step("validate: insert"):
            cur.execute(f"INSERT INTO bulk_rows ({', '.join(names)}) {select}")
        self.imp.bulk_python_rows = 0
        if cur.rowcount != total:
            with self._step("validate: Python rows"):
                self._python_rows()
        cur.execute("ANALYZE bulk_rows")

    def _lookups(self) -> None:
        """Parse each distinct cell text once with the Python parsers; store the results."""
        cur = self.cur
        specs = bulk_sql.lookups(self.imp)
        assert tuple(specs) == LOOKUPS, tuple(specs)
        for name, (_, columns, _) in specs.items():
            cols = ", ".join(f"{c} {t}" for c, t in columns)
            cur.execute(f"CREATE TEMPORARY TABLE bulk_lk_{name} (k text PRIMARY KEY, {cols})")
        texts = self.texts
        for name, (_, columns, parse) in specs.items():
            parsed = [(t, *v) for t in texts[name] if (v := parse(t)) is not None]
            self._copy(f"bulk_lk_{name}", ("k", *(c for c, _ in columns)), parsed)
            cur.execute(f"ANALYZE bulk_lk_{name}")

    def _python_rows(self) -> None:
        """Rows the SQL did not vouch for: the Python parser's verdict, row or reject."""
        cur = self.cur
        names = list(self.mapping)
        cur.execute(
            f"SELECT r.ord, r.line, {', '.join(f'r.c_{n}' for n in names)} FROM bulk_raw r "
            "WHERE NOT EXISTS (SELECT 1 FROM bulk_rows b WHERE b.ord = r.ord) ORDER BY r.ord"
        )
        fetched = cur.fetchall()
        self.imp.bulk_python_rows = len(fetched)
        good, rejects = [], []
        for ord_, line, *values in fetched:
            raw = dict(zip(names, values, strict=True))
            try:
                row = self.imp.parse_row(raw)
            except CellError as exc:
                r = rejection(self.imp, line, raw, exc)
                rejects.append((ord_, r.line, r.column, r.value, r.reason))
            else:
                good.append((ord_, line, *(row[n] for n in self.stage_columns[2:])))
        self._copy("bulk_rows", self.stage_columns, good)
        self._copy("bulk_rejects", ("ord", "line", "col", "value", "reason"), rejects)

    def _copy(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        if rows:
            with self.cur.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)

    # 3. File-wide rules ---------------------------------------------------------------------

    def _duplicates(self) -> None:
        """A second good row with the same (KPJ, start date) is rejected, naming the first."""
        cur = self.cur
        cur.execute(
            "SELECT b.ord, b.line, b.kpj, b.start_date, f.first FROM bulk_rows b JOIN "
            "(SELECT kpj, start_date, min(line) AS first FROM bulk_rows GROUP BY kpj, start_date "
            "HAVING count(*) > 1) f ON f.kpj = b.kpj AND f.start_date = b.start_date "
            "WHERE b.line > f.first"
        )
        dups = cur.fetchall()
        if not dups:
            return
        rejects = []
        for ord_, line, kpj, start, first in dups:
            r = duplicate(
                line, self.imp.report_key(self.imp.key({"kpj": kpj, "start_date": start})), first
            )
            rejects.append((ord_, r.line, r.column, r.value, r.reason))
        self._copy("bulk_rejects", ("ord", "line", "col", "value", "reason"), rejects)
        cur.execute("UPDATE bulk_rows SET dup = true WHERE ord = ANY(%s)", [[d[0] for d in dups]])

    def _first_person(self) -> None:
        """A person on several rows takes the data of its first good row (duplicates count)."""
        fields = [f"p_{c}" if c in LEVEL_COLUMNS else c for c in PERSON_COLUMNS]
        self.cur.execute(
            "CREATE TEMPORARY TABLE bulk_first AS SELECT nik, min(ord) AS ord FROM bulk_rows "
            "GROUP BY nik HAVING count(*) > 1"
        )
        self.cur.execute(
            f"UPDATE bulk_rows b SET ({', '.join(fields)}) = "
            f"({', '.join(f'f.{c}' for c in fields)}) "
            "FROM bulk_first m JOIN bulk_rows f ON f.ord = m.ord "
            "WHERE b.nik = m.nik AND b.ord <> m.ord AND "
            f"({', '.join(f'b.{c}' for c in fields)}) IS DISTINCT FROM "
            f"({', '.join(f'f.{c}' for c in fields)})"
        )

    # 4. Write -------------------------------------------------------------------------------

    def _values(self, table: str) -> dict[str, str]:
        """Target column → its value over ``s`` (a bulk_rows row), ``p`` (its person) and
        ``e`` (its employer)."""
        if table == "registry_person":
            return {c: f"s.p_{c}" if c in LEVEL_COLUMNS else f"s.{c}" for c in PERSON_COLUMNS}
        return {
            "person_id": "p.id",
            "employer_id": "e.id",
            **{
                c: f"s.{'m_' + c if c in LEVEL_COLUMNS else c}"
                for c in MEMBERSHIP_COLUMNS
                if c not in ("person_id", "employer_id")
            },
        }

    def _same(self, table: str, alias: str) -> str:
        """``alias`` (a row of ``table``) already holds what the upsert would write."""
        values = self._values(table)
        columns = self.imp.updated_columns(tuple(values))
        stored = ", ".join(f"{alias}.{c}" for c in columns)
        return f"({stored}) IS NOT DISTINCT FROM ({', '.join(values[c] for c in columns)})"

    def person_select(self, where: str, source: str = "bulk_rows") -> str:
        values = self._values("registry_person")
        return (
            f'SELECT DISTINCT ON (s.nik COLLATE "C") s.nik, {", ".join(values.values())}, %s '
            f'FROM {source} s WHERE {where} ORDER BY s.nik COLLATE "C", s.ord'
        )

    def membership_select(self, where: str, source: str = "bulk_rows") -> str:
        values = self._values("registry_membership")
        return (
            f"SELECT s.kpj, s.start_date, {', '.join(values.values())}, %s "
            f"FROM {source} s JOIN registry_person p ON p.nik = s.nik "
            f"LEFT JOIN registry_employer e ON e.npp = s.npp WHERE {where}"
        )

    def _find_unchanged(self) -> None:
        """Rows whose person and membership are already stored exactly, found in one pass.

        They are left out of the chunks' upserts, which would not write them either but would
        lock (and so dirty) every one. Unchanged before the first chunk means unchanged at its
        own chunk: earlier chunks write a repeated person with the same (first-row) data, and
        never this row's membership (duplicates are rejected)."""
        self.cur.execute(
            "CREATE TEMPORARY TABLE bulk_same AS SELECT s.ord FROM bulk_rows s "
            "JOIN registry_person p ON p.nik = s.nik "
            "JOIN registry_membership m ON m.kpj = s.kpj AND m.start_date = s.start_date "
            "LEFT JOIN registry_employer e ON e.npp = s.npp "
            f"WHERE NOT s.dup AND {self._same('registry_person', 'p')} "
            f"AND {self._same('registry_membership', 'm')}"
        )
        self.cur.execute("CREATE UNIQUE INDEX ON bulk_same (ord)")
        self.cur.execute("ANALYZE bulk_same")

    def write_chunk(self, lo: int, hi: int) -> tuple[int, int]:
        """Upsert rows ``lo <= ord < hi``; (imported, unchanged) as the row loop counts them."""
        cur = self.cur
        where = f"s.ord >= {lo} AND s.ord < {hi} AND NOT s.dup"
        now = timezone.now()
        for sql in (
            "CREATE TEMPORARY TABLE IF NOT EXISTS bulk_wp (nik varchar(16))",
            "CREATE TEMPORARY TABLE IF NOT EXISTS bulk_wm (kpj varchar(20), start_date date)",
            "CREATE TEMPORARY TABLE IF NOT EXISTS bulk_chunk (LIKE bulk_rows)",
            "TRUNCATE bulk_wp, bulk_wm, bulk_chunk",
        ):
            cur.execute(sql)
        # The chunk's rows that may change something, small enough for index look-ups.
        cur.execute(
            f"INSERT INTO bulk_chunk SELECT s.* FROM bulk_rows s WHERE {where} "
            "AND NOT EXISTS (SELECT 1 FROM bulk_same u WHERE u.ord = s.ord)"
        )
        cur.execute("ANALYZE bulk_chunk")
        upsert = self.imp.upsert_sql(
            "registry_person", ("nik",), PERSON_COLUMNS, self.person_select("true", "bulk_chunk")
        )
        cur.execute(f"WITH w AS ({upsert}) INSERT INTO bulk_wp SELECT nik FROM w", [now])
        upsert = self.imp.upsert_sql(
            "registry_membership",
            ("kpj", "start_date"),
            MEMBERSHIP_COLUMNS,
            self.membership_select("true", "bulk_chunk"),
        )
        cur.execute(
            f"WITH w AS ({upsert}) INSERT INTO bulk_wm SELECT kpj, start_date FROM w", [now]
        )
        # A row counts as imported when its person or its membership was written.
        cur.execute(
            "SELECT count(*) FILTER (WHERE s.nik IN (SELECT nik FROM bulk_wp) OR "
            "(s.kpj, s.start_date) IN (SELECT kpj, start_date FROM bulk_wm)) FROM bulk_chunk s"
        )
        imported = cur.fetchone()[0]
        cur.execute(f"SELECT count(*) FROM bulk_rows s WHERE {where}")
        return imported, cur.fetchone()[0] - imported

    def _rejections(self, where: str) -> int:
        self.cur.execute(
            'INSERT INTO core_importrejection (job_id, line, "column", value, reason) '
            f"SELECT {int(self.job.pk)}, line, col, left(value, 200), left(reason, 500) "
            f"FROM bulk_rejects WHERE {where} ORDER BY ord"
        )
        return self.cur.rowcount

    def _chunk(self, index: int, total: int) -> None:
        """One chunk, one transaction (rows, rejections, counters), as the row loop does."""
        if index <= self.job.last_chunk:
            return  # committed by an earlier run of this job
        lo, hi = index * self.size, min((index + 1) * self.size, total)
        with transaction.atomic():
            imported, unchanged = self.imp.write_bulk_chunk(self, lo, hi)
            rejected = self._rejections(f"ord >= {lo} AND ord < {hi}")
            advance_job(self.job, index, hi - lo, imported, unchanged, rejected)

    def _initial_load(self, total: int, chunks: int) -> bool:
        """The whole file in one transaction into empty tables, indexes rebuilt afterwards.

        Returns False (having changed nothing) when either table has rows."""
        cur = self.cur
        has_rows = "SELECT " + " OR ".join(f"EXISTS (SELECT 1 FROM {t})" for t in TARGETS)
        cur.execute(has_rows)  # first without the lock, which waits for autovacuum
        if cur.fetchone()[0]:
            return False
        with transaction.atomic():
            cur.execute(f"LOCK TABLE {', '.join(TARGETS)} IN SHARE ROW EXCLUSIVE MODE")
            cur.execute(has_rows)
            if cur.fetchone()[0]:
                return False
            # Deferred FK checks still queued by this transaction (an outer one) block ALTER
            # TABLE: run them now; DEFERRED again afterwards is Django's initial mode.
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            rebuild = self._drop_secondary()
            now = timezone.now()
            person_cols = ", ".join(("nik", *PERSON_COLUMNS, "updated_at"))
            # In key order, so the primary and unique indexes kept are only ever appended to.
            # Byte order ("C"): sorting a million NIKs or KPJs by the database's linguistic
            # collation costs seconds, and for digit strings both orders are the same.
            with self._step("load: persons"):
                cur.execute(
                    f"INSERT INTO registry_person ({person_cols}) "
                    f"{self.person_select('NOT s.dup')}",
                    [now],
                )
            member_cols = ", ".join(("kpj", "start_date", *MEMBERSHIP_COLUMNS, "updated_at"))
            with self._step("load: memberships"):
                cur.execute(
                    f"INSERT INTO registry_membership ({member_cols}) "
                    f"{self.membership_select('NOT s.dup')} "
                    'ORDER BY s.kpj COLLATE "C", s.start_date',
                    [now],
                )
                imported = cur.rowcount
            for name, statement in rebuild:
                with self._step(f"load: rebuild {name}"):
                    cur.execute(statement)
            rejected = self._rejections("true")
            advance_job(self.job, chunks - 1, total, imported, 0, rejected)
            cur.execute("SET CONSTRAINTS ALL DEFERRED")
        return True

    def _drop_secondary(self) -> list[tuple[str, str]]:
        """Drop the non-unique indexes and foreign keys of the target tables; return (name,
        statement) to recreate each exactly (definitions read from the catalog)."""
        cur = self.cur
        targets = ", ".join(f"'{t}'::regclass" for t in TARGETS)
        cur.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            f"WHERE i.indrelid IN ({targets}) AND NOT i.indisunique AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"
        )
        indexes = cur.fetchall()
        cur.execute(
            "SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid) "
            f"FROM pg_constraint WHERE contype = 'f' AND conrelid IN ({targets})"
        )
        foreign = cur.fetchall()
        for table, name, _ in foreign:
            cur.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        for name, _ in indexes:
            cur.execute(f"DROP INDEX {name}")
        return [(name, d) for name, d in indexes] + [
            (n, f"ALTER TABLE {t} ADD CONSTRAINT {n} {d}") for t, n, d in foreign
        ]
