"""The participant import's columnar half (docs/ARCHITECTURE.md, "Imports: the columnar
stage"): the file is read, validated and put through the file-wide rules in DuckDB, on every
core, and handed to PostgreSQL (bulk/__init__.py) as two CSV files of typed rows: the rows to
write and the rejections.

1. Stage: ``core/imports/columnar.py`` puts the stripped, mapped cells and line numbers of the
   file's rows into ``raw`` — exactly the reference reader's.
2. Lookups: the row path's own parsers parse each distinct text of the cells that need parsing
   once (sql.py), into small tables.
3. Validate: one statement joins them and keeps every row the SQL can vouch for; every other
   row goes to ``ParticipantImporter.parse_row``, which gives the row or the row path's reject.
4. File-wide rules: a later row of a NIK whose name, sex or birth date differs from the
   NIK's first good row is rejected naming that row; then a second good row with the same
   (KPJ, start date) is rejected naming the first; a person on several rows takes the data of
   its first row; each row notes the first good row of its person (``person_ord``), whose
   position keys a new person in an initial load.
"""

# SQL built from constants and catalog names only; cell values are never in the text.
# ruff: noqa: S608

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from lindung.core.imports import columnar
from lindung.core.imports.cells import CellError
from lindung.core.imports.pipeline import duplicate, parse_checked, rejection
from lindung.core.imports.reader import Table
from lindung.registry.importers.bulk import sql
from lindung.registry.importers.bulk.source import ParticipantSource
from lindung.registry.importers.format import IDENTITY, PERSON_FIELDS, identity_conflict

# A rejection as both engines hold it: column and (PostgreSQL) type.
REJECTS = (("ord", "integer"), ("line", "integer"), ("col", "text"), ("value", "text"),
           ("reason", "text"))  # fmt: skip
REJECT_COLUMNS = tuple(n for n, _ in REJECTS)


@contextmanager
def timed(timings: dict[str, float], name: str) -> Iterator[None]:
    """Add the seconds the block takes to ``timings[name]`` (the benchmark's profile)."""
    start = time.perf_counter()
    yield
    timings[name] = timings.get(name, 0.0) + time.perf_counter() - start


def duck_type(sql_type: str) -> str:
    """A PostgreSQL column type as DuckDB writes it (lengths do not matter there)."""
    return re.sub(r"\(\d+\)", "", sql_type).replace("text", "varchar")


REJECT_DUCK_TYPES = tuple(duck_type(t) for _, t in REJECTS)


class ParticipantStage:
    """One file through DuckDB (a context manager): ``prepare`` validates it, the ``export_*``
    methods write CSV files of its rows and rejections to ``folder`` for PostgreSQL."""

    def __init__(
        self,
        importer: ParticipantSource,
        mapping: dict[str, int],
        folder: Path,
        timings: dict[str, float],
    ) -> None:
        self.imp = importer
        self.mapping = mapping
        self.folder = folder
        self.timings = timings
        types = dict(importer.stage_columns)
        # Every column of a validated row, with its (PostgreSQL) type; the Python rows' too.
        self.columns: tuple[tuple[str, str], ...] = (
            ("ord", "integer"),
            *((n, types[n]) for n, _ in importer.stage_columns),
            ("employer_id", "bigint"),
        )
        self.python_rows = 0
        self.plain_text = False  # no cell can hold what cells.check_text rejects
        self.duck: Any = None

    def _step(self, name: str) -> Any:
        return timed(self.timings, name)

    def file(self, name: str) -> Path:
        return self.folder / f"{name}.csv"

    def export_columns(self) -> tuple[tuple[str, str], ...]:
        """The columns of ``export_rows``' file, in order, with their PostgreSQL types."""
        return (*self.columns, ("dup", "boolean"), ("person_ord", "integer"))

    def __enter__(self) -> ParticipantStage:
        self.duck = columnar.connect()
        # A file larger than memory spills here, and goes with the import's folder.
        self.duck.execute(f"SET temp_directory = {columnar.literal(str(self.folder / 'spill'))}")
        return self

    def __exit__(self, *exc: object) -> None:
        self.duck.close()

    def prepare(self, table: Table) -> int:
        """Stage, validate and apply the file-wide rules; returns the number of rows read."""
        duck = self.duck
        info: dict[str, Any] = {}
        with self._step("stage"):
            total = columnar.stage(duck, table, self.mapping, info)
        self.plain_text = info["plain_text"]
        with self._step("validate: lookups"):
            self._lookups()
        with self._step("validate: rows"):
            self._validate(total)
        with self._step("file-wide rules"):
            self._identity_conflicts()
            self._duplicates()
            self._first_person()
            # The first good row of each person: its position keys a new person (bulk/__init__.py).
            duck.execute(
                "CREATE TABLE persons AS SELECT nik, min(ord) AS person_ord FROM rows "
                "WHERE NOT dup GROUP BY nik"
            )
        return total

    # Lookups ---------------------------------------------------------------------------------

    def _lookups(self) -> None:
        """Parse each distinct cell text once with the Python parsers; store the results."""
        duck = self.duck
        for name, (sources, columns, parse) in sql.lookups(self.imp).items():
            parts = [self._cell(column, part) for column, part in sources if column in self.mapping]
            texts = (
                duck.execute(
                    "SELECT DISTINCT t FROM ("
                    + " UNION ALL ".join(f"SELECT {p} AS t FROM raw" for p in parts)
                    + ")"
                ).fetchall()
                if parts
                else []
            )
            parsed = [(t, *v) for (t,) in texts if (v := parse(t)) is not None]
            names = ("k", *(c for c, _ in columns))
            types = ("varchar", *(duck_type(t) for _, t in columns))
            self._table(f"lk_{name}", names, types, parsed)

    @staticmethod
    def _cell(column: str, part: slice | None) -> str:
        if part is None:
            return f"c_{column}"
        return f"substr(c_{column}, {part.start + 1}, {part.stop - part.start})"

    def _table(self, name: str, names: tuple, types: tuple, rows: list[tuple]) -> None:
        """A DuckDB table of Python tuples, passed column by column as typed lists."""
        columns = ", ".join(f"{n} {t}" for n, t in zip(names, types, strict=True))
        self.duck.execute(f"CREATE OR REPLACE TABLE {name} ({columns})")
        self._append(name, names, types, rows)

    def _append(self, name: str, names: tuple, types: tuple, rows: list[tuple]) -> None:
        if not rows:
            return
        lists = [list(column) for column in zip(*rows, strict=True)]
        unnest = ", ".join(f"unnest(?::{t}[])" for t in types)
        self.duck.execute(f"INSERT INTO {name} ({', '.join(names)}) SELECT {unnest}", lists)

    # Validate --------------------------------------------------------------------------------

    def _validate(self, total: int) -> None:
        duck = self.duck
        cells = {
            c.name: (f"r.c_{c.name}" if c.name in self.mapping else "''") for c in self.imp.columns
        }
        select, names = sql.validate_sql(cells, self.imp.today, self.plain_text)
        assert tuple(names) == tuple(n for n, _ in self.columns), names
        duck.execute(f"CREATE TABLE rows AS {select}")
        self._table("rejects", REJECT_COLUMNS, REJECT_DUCK_TYPES, [])
        if duck.execute("SELECT count(*) FROM rows").fetchone()[0] != total:
            self._python_rows()
        duck.execute("ALTER TABLE rows ADD COLUMN dup boolean DEFAULT false")

    def _python_rows(self) -> None:
        """Rows the SQL did not vouch for: the Python parser's verdict, row or reject."""
        names = list(self.mapping)
        fetched = self.duck.execute(
            f"SELECT r.ord, r.line, {', '.join(f'r.c_{n}' for n in names)} FROM raw r "
            "WHERE NOT EXISTS (SELECT 1 FROM rows b WHERE b.ord = r.ord) ORDER BY r.ord"
        ).fetchall()
        self.python_rows = len(fetched)
        good, rejects = [], []
        for ord_, line, *values in fetched:
            raw = dict(zip(names, values, strict=True))
            try:
                row = parse_checked(self.imp.parse_row, raw)
            except CellError as exc:
                r = rejection(self.imp, line, raw, exc)
                rejects.append((ord_, r.line, r.column, r.value, r.reason))
            else:
                row = {**row, "ord": ord_, "line": line}
                row["employer_id"] = self.imp.employer_ids.get(row["npp"])
                good.append(tuple(row[n] for n, _ in self.columns))
        names_, types = zip(*self.columns, strict=True)
        self._append("rows", names_, tuple(duck_type(t) for t in types), good)
        self._reject(rejects)

    def _reject(self, rejects: list[tuple]) -> None:
        self._append("rejects", REJECT_COLUMNS, REJECT_DUCK_TYPES, rejects)

    # File-wide rules -------------------------------------------------------------------------

    def _identity_conflicts(self) -> None:
        """A later good row of a NIK that states another name, sex or birth date than the
        NIK's first good row is rejected (as ``ParticipantImporter.parse`` does), naming the
        first differing column and the first row's line; it then takes part in no other rule."""
        differs = [f"r.{field} IS DISTINCT FROM f.{field}" for field, _ in IDENTITY]
        which = " ".join(
            f"WHEN {d} THEN {columnar.literal(column)}"
            for d, (_, column) in zip(differs, IDENTITY, strict=True)
        )
        found = self.duck.execute(
            f"SELECT r.ord, f.line, CASE {which} END FROM rows r JOIN (SELECT nik, min(ord) AS "
            "ord FROM rows GROUP BY nik HAVING count(*) > 1) m ON m.nik = r.nik "
            f"JOIN rows f ON f.ord = m.ord WHERE r.ord <> f.ord AND ({' OR '.join(differs)}) "
            "ORDER BY r.ord"
        ).fetchall()
        if not found:
            return
        names = list(self.mapping)
        ords = [ord_ for ord_, _, _ in found]
        cells = {
            ord_: (line, dict(zip(names, values, strict=True)))
            for ord_, line, *values in self.duck.execute(
                f"SELECT ord, line, {', '.join(f'c_{n}' for n in names)} FROM raw "
                "WHERE ord IN (SELECT unnest(?::bigint[]))",
                [ords],
            ).fetchall()
        }
        rejects = []
        for ord_, first, column in found:
            line, raw = cells[ord_]
            r = rejection(self.imp, line, raw, identity_conflict(column, first))
            rejects.append((ord_, r.line, r.column, r.value, r.reason))
        self._reject(rejects)
        self.duck.execute("DELETE FROM rows WHERE ord IN (SELECT unnest(?::integer[]))", [ords])

    def _duplicates(self) -> None:
        """A second good row with the same (KPJ, start date) is rejected, naming the first."""
        dups = self.duck.execute(
            "SELECT b.ord, b.line, b.kpj, b.start_date, f.first FROM rows b JOIN "
            "(SELECT kpj, start_date, min(line) AS first FROM rows GROUP BY kpj, start_date "
            "HAVING count(*) > 1) f ON f.kpj = b.kpj AND f.start_date = b.start_date "
            "WHERE b.line > f.first ORDER BY b.ord"
        ).fetchall()
        if not dups:
            return
        rejects = []
        for ord_, line, kpj, start, first in dups:
            key = self.imp.report_key(self.imp.key({"kpj": kpj, "start_date": start}))
            r = duplicate(line, key, first)
            rejects.append((ord_, r.line, r.column, r.value, r.reason))
        self._reject(rejects)
        self.duck.execute(
            "UPDATE rows SET dup = true WHERE ord IN (SELECT unnest(?::integer[]))",
            [[d[0] for d in dups]],
        )

    def _first_person(self) -> None:
        """A person on several rows takes the data of its first row (duplicates count)."""
        self.duck.execute(
            "CREATE TEMPORARY TABLE firsts AS SELECT f.* FROM rows f JOIN (SELECT nik, min(ord) "
            "AS ord FROM rows GROUP BY nik HAVING count(*) > 1) m ON f.ord = m.ord"
        )
        fields = ", ".join(f"{c} = f.{c}" for c in PERSON_FIELDS)
        self.duck.execute(
            f"UPDATE rows SET {fields} FROM firsts f WHERE rows.nik = f.nik AND rows.ord <> f.ord"
        )

    # Export ----------------------------------------------------------------------------------

    def _write(self, select: str, name: str) -> Path:
        path = self.file(name)
        with self._step("export"):
            self.duck.execute(
                f"COPY ({select}) TO {columnar.literal(str(path))} (FORMAT csv, HEADER false)"
            )
        return path

    def export_rows(self) -> Path:
        """Every validated row (``export_columns``), duplicates flagged."""
        columns = ", ".join(f"s.{n}" for n, _ in self.columns)
        return self._write(
            f"SELECT {columns}, s.dup, p.person_ord FROM rows s LEFT JOIN persons p "
            "ON p.nik = s.nik",
            "rows",
        )

    def export_rejects(self) -> Path:
        return self._write(f"SELECT {', '.join(REJECT_COLUMNS)} FROM rejects", "rejects")

    def export_new(
        self, table: str, values: dict[str, str], order: list[str], persons_only: bool
    ) -> Path:
        """Rows for ``table`` as ``values`` (column → expression over ``s``, a row, and ``p``,
        its person) give them, sorted by the ``order`` columns: each person's first good row,
        or every good row."""
        where = "NOT s.dup" + (" AND s.ord = p.person_ord" if persons_only else "")
        return self._write(
            f"SELECT {', '.join(values.values())} FROM rows s JOIN persons p ON p.nik = s.nik "
            f"WHERE {where} ORDER BY {', '.join(values[c] for c in order)}",
            table,
        )

    def count(self, where: str) -> int:
        return self.duck.execute(f"SELECT count(*) FROM rows s WHERE {where}").fetchone()[0]
