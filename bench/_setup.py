"""Benchmarks run against a throwaway database: a temporary SQLite file, or DATABASE_URL."""

from __future__ import annotations

import atexit
import csv
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

# table → ((column, DuckDB type), …): what a benchmark exports to its DuckDB reference.
Spec = dict[str, tuple[tuple[str, str], ...]]
NULL = r"\N"  # NULL in the exported CSV files; an empty quoted field stays an empty string


def django_on_scratch_database() -> str:
    """A new empty database: a temporary SQLite file, or a fresh database on DATABASE_URL's
    PostgreSQL server (so earlier runs never make rows look "unchanged")."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        folder = tempfile.mkdtemp(prefix="lindung-bench-")
        os.environ["LINDUNG_VAR_DIR"] = folder
        atexit.register(_drop_scratch, lambda: shutil.rmtree(folder, ignore_errors=True))
    elif url.startswith(("postgres://", "postgresql://")):
        import psycopg

        name = f"lindung_bench_{os.getpid()}"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name

        def drop() -> None:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')

        if not os.environ.get("LINDUNG_BENCH_KEEP"):  # kept: to look into a run afterwards
            atexit.register(_drop_scratch, drop)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.db import connection

    return connection.vendor


def _drop_scratch(drop: Callable[[], None]) -> None:
    """At exit: a full-scale run leaves a database of several hundred MB behind otherwise."""
    from django.db import connections

    connections.close_all()
    drop()


def load_lampung_reference(*, labour: bool = True) -> None:
    """The Lampung subset of the reference data that the registry and demo need."""
    from django.conf import settings

    from lindung.regions.services import load_minimum_wages, load_regions, load_worker_populations

    data = settings.LINDUNG_REFERENCE_DATA
    load_regions(data / "regions_lampung.csv")
    if labour:
        load_worker_populations(data / "lampung_labour.csv")
        load_minimum_wages(data / "lampung_minimum_wages.csv")


@contextmanager
def timer(into: dict[str, float], key: str):
    start = time.perf_counter()
    yield
    into[key] = time.perf_counter() - start


def report(title: str, rows: list[tuple[str, str]], print_: Callable[[str], None] = print) -> None:
    width = max(len(k) for k, _ in rows)
    print_(f"== {title}")
    for key, value in rows:
        print_(f"  {key.ljust(width)}  {value}")


def export_tables(folder: Path, spec: Spec) -> dict[str, int]:
    """Every table of ``spec`` (table → (column, DuckDB type)…) to ``folder/<table>.csv``;
    returns the row counts. The reference engines read these files (export not timed)."""
    from django.db import connection

    counts = {}
    for table, columns in spec.items():
        select = f"SELECT {', '.join(c for c, _t in columns)} FROM {table}"
        path = folder / f"{table}.csv"
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                copy = f"COPY ({select}) TO STDOUT (FORMAT csv, NULL '{NULL}')"
                with open(path, "wb") as out, cur.cursor.copy(copy) as cp:
                    for block in cp:
                        out.write(block)
                cur.execute(f"SELECT COUNT(*) FROM {table}")
                counts[table] = cur.fetchone()[0]
                continue
            cur.execute(select)
            counts[table] = 0
            with open(path, "w", newline="", encoding="utf-8") as out:
                writer = csv.writer(out)  # \N is written unquoted: DuckDB reads NULL
                while rows := cur.fetchmany(10_000):
                    writer.writerows([NULL if v is None else v for v in row] for row in rows)
                    counts[table] += len(rows)
    return counts


def duckdb_from(folder: Path, spec: Spec):
    """An in-memory DuckDB holding the exported tables with their declared types."""
    import duckdb

    db = duckdb.connect(":memory:")
    for table, columns in spec.items():
        types = ", ".join(f"'{c}': '{t}'" for c, t in columns)
        db.execute(
            f"CREATE TABLE {table} AS SELECT * FROM read_csv('{folder / (table + '.csv')}', "
            f"auto_detect = false, header = false, delim = ',', quote = '\"', escape = '\"', "
            f"columns = {{{types}}}, dateformat = '%Y-%m-%d', nullstr = '{NULL}', "
            "allow_quoted_nulls = false)"
        )
    return db
