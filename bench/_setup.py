"""Benchmarks run against a throwaway database: a temporary SQLite file, or DATABASE_URL."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager


def django_on_scratch_database() -> str:
    """A new empty database: a temporary SQLite file, or a fresh database on DATABASE_URL's
    PostgreSQL server (so earlier runs never make rows look "unchanged")."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        os.environ["LINDUNG_VAR_DIR"] = tempfile.mkdtemp(prefix="lindung-bench-")
    elif url.startswith(("postgres://", "postgresql://")):
        import psycopg

        name = f"lindung_bench_{os.getpid()}"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.db import connection

    return connection.vendor


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
