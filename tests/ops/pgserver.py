"""Scratch databases on the PostgreSQL server the suite's PostgreSQL pass uses."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

from django.conf import settings


def server_url(dbname: str) -> str:
    """A URL for ``dbname`` on the server the suite's database lives on."""
    db = settings.DATABASES["default"]
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgresql://{auth}{host}{port}/{dbname}"


def sql(url: str, statement: str, params: tuple | None = None) -> list[tuple]:
    """Run one statement; ``%`` is a placeholder only when ``params`` are given."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn, conn.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


@contextmanager
def scratch_database(prefix: str, template: str = "") -> Iterator[str]:
    """A new database — empty, or a copy of the database ``template`` (a URL; nobody may be
    connected to it) — dropped (forcibly) afterwards; yields its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = server_url("postgres")
    copy = f' TEMPLATE "{template.rsplit("/", 1)[-1]}"' if template else ""
    sql(admin, f'CREATE DATABASE "{name}"{copy}')
    try:
        yield server_url(name)
    finally:
        sql(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
