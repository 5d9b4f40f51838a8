"""The staging and upsert half shared by the registry's row importers.

Rows are validated in Python, staged into a temporary table (``COPY`` on PostgreSQL,
``executemany`` on SQLite) and upserted set-based with
``INSERT … SELECT … ON CONFLICT … DO UPDATE … WHERE <something differs>``, so unchanged rows are
not written at all and a re-import changes nothing.
"""

# SQL built from constants and catalog names only; cell values are never in the text.
# ruff: noqa: S608

from __future__ import annotations

from typing import Any

from django.db import connection
from django.utils import timezone

from lindung.core.imports.pipeline import Importer


def distinct_operator(vendor: str) -> str:
    """SQL's null-safe "differs" on ``vendor``."""
    return "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"


class StagedImporter(Importer):
    """Stages a chunk into ``stage_table`` and leaves the upsert SQL to the subclass."""

    stage_table = ""
    stage_columns: tuple[tuple[str, str], ...] = ()  # (name, SQL type)
    # Table column → the file column it comes from, for columns a file may leave out.
    optional_sources: dict[str, str] = {}

    def _stage(self, values: list[tuple]) -> None:
        names = ", ".join(n for n, _ in self.stage_columns)
        with connection.cursor() as cur:
            cols = ", ".join(f"{n} {t}" for n, t in self.stage_columns)
            cur.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {self.stage_table} ({cols})")
            cur.execute(f"DELETE FROM {self.stage_table}")
            if connection.vendor == "postgresql":
                with cur.cursor.copy(f"COPY {self.stage_table} ({names}) FROM STDIN") as copy:
                    for row in values:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.stage_columns))
                cur.executemany(
                    f"INSERT INTO {self.stage_table} ({names}) VALUES ({marks})", values
                )

    def _upsert(
        self, cur: Any, table: str, key: tuple[str, ...], columns: tuple[str, ...], select: str
    ) -> set[tuple[str, ...]]:
        """INSERT the SELECT's rows into ``table``; on a key conflict update only what differs.

        Columns whose source is missing from the file are inserted with their defaults but never
        overwrite existing values. Returns the keys of the rows actually written, as text.
        """
        cur.execute(self.upsert_sql(table, key, columns, select), [timezone.now()])
        return {tuple(str(v) for v in row) for row in cur.fetchall()}

    def updated_columns(self, columns: tuple[str, ...]) -> list[str]:
        """The columns a re-import may change: those whose source column the file has."""
        return [
            c
            for c in columns
            if c not in self.optional_sources or self.optional_sources[c] in self.present
        ]

    def upsert_sql(
        self, table: str, key: tuple[str, ...], columns: tuple[str, ...], select: str
    ) -> str:
        """The statement of ``_upsert``: ``select`` yields key, columns and ``%s`` (updated_at)."""
        distinct = distinct_operator(connection.vendor)
        updated = self.updated_columns(columns)
        changed = " OR ".join(f"{table}.{c} {distinct} excluded.{c}" for c in updated)
        assignments = ", ".join(f"{c} = excluded.{c}" for c in (*updated, "updated_at"))
        return (
            f"INSERT INTO {table} ({', '.join((*key, *columns, 'updated_at'))}) {select} "
            f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {assignments} WHERE {changed} "
            f"RETURNING {', '.join(key)}"
        )
