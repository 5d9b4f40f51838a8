"""Fast writes of the demo's millions of synthetic rows: COPY on PostgreSQL, executemany with
deferred indexes and a bigger page cache on SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, models


class DemoError(Exception):
    """The build cannot run (e.g. the registry holds rows the demo did not make)."""


def _columns(model: type[models.Model], fields: tuple[str, ...]) -> tuple[str, str]:
    """Quoted table name and column list; fails loudly when the model gained a column."""
    if {f.attname for f in model._meta.concrete_fields} != {
        model._meta.get_field(f).attname for f in fields
    }:
        raise DemoError(f"{model.__name__} has columns the demo does not fill: update synthetic")
    qn = connection.ops.quote_name
    columns = ", ".join(qn(model._meta.get_field(f).column) for f in fields)
    return qn(model._meta.db_table), columns


def insert_rows(cursor: Any, model: type[models.Model], fields: tuple, rows: list) -> None:
    """COPY on PostgreSQL (an order of magnitude faster than INSERTs), executemany elsewhere."""
    table, columns = _columns(model, fields)
    raw = getattr(cursor, "cursor", None)
    if connection.vendor == "postgresql" and hasattr(raw, "copy"):
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 - model names
    cursor.executemany(sql, rows)


@contextmanager
def sqlite_indexes_deferred(cursor: Any, models_: tuple[type[models.Model], ...]) -> Iterator[None]:
    """On SQLite, drop the secondary indexes of ``models_`` while the rows go in and create them
    again from their own saved DDL afterwards: one sorted index build instead of a million
    random B-tree inserts (the build takes about half the time). All inside the transaction,
    so a failed build leaves the indexes as they were; unique indexes re-check on creation.
    """
    if connection.vendor != "sqlite":
        yield
        return
    saved = []
    for model in models_:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND tbl_name = %s ORDER BY name",
            [model._meta.db_table],
        )
        saved += cursor.fetchall()
    for name, _ in saved:
        cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    for _, sql in saved:
        cursor.execute(sql)


def bigger_sqlite_cache(cursor: Any) -> int | None:
    """SQLite's default 2 MB page cache makes the index builds spill: use 64 MB for the build
    (returns the previous setting to restore), nothing on other databases."""
    if connection.vendor != "sqlite":
        return None
    cursor.execute("PRAGMA cache_size")
    previous = cursor.fetchone()[0]
    cursor.execute("PRAGMA cache_size = -65536")
    return previous
