"""Benchmarks run against a throwaway database: a temporary SQLite file, or DATABASE_URL."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager


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
