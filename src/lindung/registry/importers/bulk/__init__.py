"""The participant import's set-based path on PostgreSQL (docs/ARCHITECTURE.md, "Imports: the
PostgreSQL bulk path").

1. Read, validate and apply the file-wide rules in DuckDB (stage.py): typed rows and
   rejections, exactly the row path's, as two CSV files.
2. Load both into temporary tables with ``COPY``.
3. Write: chunk by chunk, each chunk's upsert, rejections and job counters in one transaction
   (resumable like the row loop); or, for a large file into empty person and membership tables,
   one transaction that drops their indexes and constraints, inserts, and rebuilds them (a
   killed load leaves nothing, so a rerun equals one clean run).
"""

# SQL built from constants and catalog names only; cell values are never in the text.
# ruff: noqa: S608

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from lindung.core.imports.pipeline import Progress, advance_job
from lindung.core.imports.reader import Table
from lindung.core.models import ImportJob, ImportRejection
from lindung.registry.importers.bulk.source import ParticipantSource
from lindung.registry.importers.bulk.stage import REJECTS, ParticipantStage, timed
from lindung.registry.importers.format import LEVEL_COLUMNS, MEMBERSHIP_COLUMNS, PERSON_COLUMNS
from lindung.registry.models import Membership, Person

log = logging.getLogger(__name__)
TEMP_TABLES = ("bulk_rows", "bulk_rejects", "bulk_wp", "bulk_wm", "bulk_same", "bulk_chunk")
PERSON, MEMBERSHIP = Person._meta.db_table, Membership._meta.db_table
TARGETS = (PERSON, MEMBERSHIP)
# Sorting and hashing a million rows in memory instead of temporary files.
# JIT compiling costs ~0.5 s a statement, more than it saves on chunk-sized statements.
SESSION = {"work_mem": "256MB", "maintenance_work_mem": "512MB", "jit": "off"}


class ParticipantBulk:
    def __init__(self, importer: ParticipantSource, job: ImportJob, mapping: dict[str, int]):
        self.imp = importer
        self.job = job
        self.mapping = mapping
        self.size = importer.chunk_size
        self.cur: Any = None
        self.timings: dict[str, float] = {}  # seconds per step, for the benchmark's profile

    def _step(self, name: str) -> Any:
        return timed(self.timings, name)

    def run(self, table: Table, progress: Progress) -> None:
        with (
            tempfile.TemporaryDirectory(prefix="lindung-import-") as folder,
            ParticipantStage(self.imp, self.mapping, Path(folder), self.timings) as stage,
        ):
            try:
                total = stage.prepare(table)
            finally:
                self.imp.bulk_python_rows = stage.python_rows
            with connection.cursor() as cur:
                self.cur = cur
                self._session()
                try:
                    self._write(stage, total, progress)
                finally:
                    log.info("participant bulk import: %s", self.timings)
                    self.imp.bulk_timings = self.timings
                    self._cleanup()

    def _write(self, stage: ParticipantStage, total: int, progress: Progress) -> None:
        cur = self.cur
        cur.execute(f"DROP TABLE IF EXISTS {', '.join(TEMP_TABLES)}")
        with self._step("load staged rows"):
            self._copy_table("bulk_rejects", REJECTS, stage.export_rejects())
        chunks = -(-total // self.size)
        with self._step("initial load"):
            loaded = (
                self.job.last_chunk < 0
                and total >= self.imp.initial_load_min_rows
                and self._initial_load(stage, total, chunks)
            )
        if not loaded:
            with self._step("load staged rows"):
                self._copy_table("bulk_rows", stage.export_columns(), stage.export_rows())
                cur.execute("ANALYZE bulk_rows")
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

    def _copy_table(self, table: str, columns: tuple[tuple[str, str], ...], path: Path) -> None:
        self.cur.execute(
            f"CREATE TEMPORARY TABLE {table} ({', '.join(f'{n} {t}' for n, t in columns)})"
        )
        self._copy_file(table, tuple(n for n, _ in columns), path)

    def _copy_file(self, table: str, columns: tuple[str, ...], path: Path) -> None:
        with (
            open(path, "rb") as fh,
            self.cur.cursor.copy(
                f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT csv)"
            ) as copy,
        ):
            while block := fh.read(1 << 20):
                copy.write(block)

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

    # Write ---------------------------------------------------------------------------------

    def _values(self, table: str) -> dict[str, str]:
        """Target column → its value over ``s`` (a staged row) and ``p`` (its person)."""
        if table == PERSON:
            return {c: f"s.p_{c}" if c in LEVEL_COLUMNS else f"s.{c}" for c in PERSON_COLUMNS}
        return {
            "person_id": "p.id",
            "employer_id": "s.employer_id",
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
        values = self._values(PERSON)
        return (
            f'SELECT DISTINCT ON (s.nik COLLATE "C") s.nik, {", ".join(values.values())}, %s '
            f'FROM {source} s WHERE {where} ORDER BY s.nik COLLATE "C", s.ord'
        )

    def membership_select(self, where: str, source: str = "bulk_rows") -> str:
        values = self._values(MEMBERSHIP)
        return (
            f"SELECT s.kpj, s.start_date, {', '.join(values.values())}, %s "
            f"FROM {source} s JOIN {PERSON} p ON p.nik = s.nik WHERE {where}"
        )

    def _find_unchanged(self) -> None:
        """Rows whose person and membership are already stored exactly, found in one pass.

        They are left out of the chunks' upserts, which would not write them either but would
        lock (and so dirty) every one. Unchanged before the first chunk means unchanged at its
        own chunk: earlier chunks write a repeated person with the same (first-row) data, and
        never this row's membership (duplicates are rejected)."""
        self.cur.execute(
            "CREATE TEMPORARY TABLE bulk_same AS SELECT s.ord FROM bulk_rows s "
            f"JOIN {PERSON} p ON p.nik = s.nik "
            f"JOIN {MEMBERSHIP} m ON m.kpj = s.kpj AND m.start_date = s.start_date "
            f"WHERE NOT s.dup AND {self._same(PERSON, 'p')} "
            f"AND {self._same(MEMBERSHIP, 'm')}"
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
            PERSON, ("nik",), PERSON_COLUMNS, self.person_select("true", "bulk_chunk")
        )
        cur.execute(f"WITH w AS ({upsert}) INSERT INTO bulk_wp SELECT nik FROM w", [now])
        upsert = self.imp.upsert_sql(
            MEMBERSHIP,
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
        meta = ImportRejection._meta
        columns = ", ".join(
            connection.ops.quote_name(meta.get_field(f).column)
            for f in ("job", "line", "column", "value", "reason")
        )
        value_max = meta.get_field("value").max_length
        reason_max = meta.get_field("reason").max_length
        self.cur.execute(
            f"INSERT INTO {meta.db_table} ({columns}) SELECT {int(self.job.pk)}, line, col, "
            f"left(value, {value_max}), left(reason, {reason_max}) "
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

    def _initial_load(self, stage: ParticipantStage, total: int, chunks: int) -> bool:
        """The whole file in one transaction into empty tables, indexes and constraints built
        afterwards. Returns False (having changed nothing) when either table has rows."""
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
            rebuild = self._drop_indexes_and_constraints()
            # A new person's id is the position of its first good row past the sequence, so
            # DuckDB writes both tables' rows whole and PostgreSQL only copies them in.
            cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [PERSON])
            sequence = cur.fetchone()[0]
            cur.execute("SELECT nextval(%s)", [sequence])
            base = int(cur.fetchone()[0])
            now = f"'{timezone.now().isoformat()}'"
            person_id = f"{base} + p.person_ord"
            persons = {"id": person_id, "nik": "s.nik", **self._values(TARGETS[0])}
            members = {"kpj": "s.kpj", "start_date": "s.start_date", **self._values(TARGETS[1])}
            members["person_id"] = person_id
            # In the order of the region index, its most costly build: sorting rows that are
            # in order already takes a fraction of the time (bench: 2 s → 0.5 s a table).
            for table, values, key, persons_only in (
                (TARGETS[0], persons, ["nik"], True),
                (TARGETS[1], members, ["kpj", "start_date"], False),
            ):
                path = stage.export_new(
                    table, {**values, "updated_at": now}, [*LEVEL_COLUMNS, *key], persons_only
                )
                with self._step(f"load: {table}"):
                    self._copy_file(table, (*values, "updated_at"), path)
            # Positions are below ``total``: the next id handed out is past every one of them.
            cur.execute("SELECT setval(%s, %s)", [sequence, base + max(total - 1, 0)])
            imported = stage.count("NOT s.dup")
            for name, statement in rebuild:
                with self._step(f"load: rebuild {name}"):
                    cur.execute(statement)
            rejected = self._rejections("true")
            advance_job(self.job, chunks - 1, total, imported, 0, rejected)
            cur.execute("SET CONSTRAINTS ALL DEFERRED")
        return True

    def _drop_indexes_and_constraints(self) -> list[tuple[str, str]]:
        """Drop the target tables' indexes, primary, unique and foreign keys, and the foreign
        keys of other tables to them; return (name, statement) to recreate each exactly
        (definitions read from the catalog), in an order that works."""
        cur = self.cur
        targets = ", ".join(f"'{t}'::regclass" for t in TARGETS)
        cur.execute(
            "SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid), "
            "contype FROM pg_constraint WHERE (contype = 'f' AND (conrelid IN "
            f"({targets}) OR confrelid IN ({targets}))) OR (contype IN ('p', 'u') AND "
            f"conrelid IN ({targets})) ORDER BY contype = 'f' DESC, conname"
        )
        constraints = cur.fetchall()
        cur.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            f"WHERE i.indrelid IN ({targets}) AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"
        )
        indexes = cur.fetchall()
        for table, name, _, _ in constraints:  # foreign keys first: they need the keys
            cur.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        for name, _ in indexes:
            cur.execute(f"DROP INDEX {name}")
        keys = [(t, n, d) for t, n, d, kind in constraints if kind != "f"]
        foreign = [(t, n, d) for t, n, d, kind in constraints if kind == "f"]
        return [
            *((n, f"ALTER TABLE {t} ADD CONSTRAINT {n} {d}") for t, n, d in keys),
            *indexes,
            *((n, f"ALTER TABLE {t} ADD CONSTRAINT {n} {d}") for t, n, d in foreign),
        ]
