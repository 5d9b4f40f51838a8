"""scripts/backup-check.sh on a real PostgreSQL server: a migrated scratch database with rows is
dumped, dropped, restored and counted again (docs/operations.md "Testing the backups").

Runs in the suite's PostgreSQL pass (marked ``engine``; scripts/test.sh) on the server the suite
uses, in its own scratch database; skipped on SQLite."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from glob import glob
from pathlib import Path

import pytest
from django.conf import settings

from tests.cli import LINDUNG, cli_env
from tests.ops.pgserver import scratch_database, sql

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "scripts"

pytestmark = [
    pytest.mark.engine,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="backups are PostgreSQL dumps: runs in the PostgreSQL pass",
    ),
    pytest.mark.skipif(
        not (shutil.which("pg_dump") or glob("/usr/lib/postgresql/*/bin/pg_dump")),
        reason="PostgreSQL client tools (pg_dump) are not installed",
    ),
]


def row_counts(url: str) -> dict[str, int]:
    tables = sql(
        url,
        "SELECT schemaname, tablename FROM pg_tables "
        "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
    )
    return {
        f"{schema}.{table}": sql(url, f'SELECT count(*) FROM "{schema}"."{table}"')[0][0]  # noqa: S608 - names from pg_tables
        for schema, table in tables
    }


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[str]:
    with scratch_database("lindung_backup") as url:
        yield url


def test_a_backup_restores_with_equal_counts(scratch: str, tmp_path: Path) -> None:
    migrated = subprocess.run(  # noqa: S603 - our own console script
        [str(LINDUNG), "migrate", "--no-input", "-v", "0"],
        env=cli_env(tmp_path, {"DATABASE_URL": scratch}),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert migrated.returncode == 0, migrated.stderr
    # Rows of our own beside the migrations' (content types, permissions): a foreign key, a
    # sequence moved on, text with a NIK-like value.
    sql(
        scratch,
        "CREATE TABLE ops_probe (id bigserial PRIMARY KEY, "
        "content_type_id integer REFERENCES django_content_type(id), note text);"
        "INSERT INTO ops_probe (content_type_id, note) "
        "SELECT (SELECT min(id) FROM django_content_type), '3171' || lpad(g::text, 12, '0') "
        "FROM generate_series(1, 1500) g;"
        "DELETE FROM ops_probe WHERE id % 7 = 0;",
    )
    before = row_counts(scratch)
    assert before["public.ops_probe"] == 1500 - 1500 // 7
    assert before["public.django_migrations"] > 0

    checked = subprocess.run(  # noqa: S603 - our own script
        [str(SCRIPTS / "backup-check.sh"), "--drop", scratch],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "backup-check: OK" in checked.stdout
    assert row_counts(scratch) == before
    # The sequence came back too: the next id follows the last one used.
    next_id = sql(scratch, "INSERT INTO ops_probe (note) VALUES ('x') RETURNING id")[0][0]
    assert next_id == 1501


def test_the_check_refuses_without_drop(scratch: str) -> None:
    refused = subprocess.run(  # noqa: S603 - our own script
        [str(SCRIPTS / "backup-check.sh"), scratch],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert refused.returncode == 2
    assert "--drop" in refused.stderr


def test_backup_keeps_the_newest_dumps(scratch: str, tmp_path: Path) -> None:
    dumps = tmp_path / "dumps"
    dumps.mkdir()
    for stamp in ("20240101-010101", "20240102-010101", "20240103-010101"):
        (dumps / f"lindung-{stamp}.dump").write_bytes(b"old")
    done = subprocess.run(  # noqa: S603 - our own script
        [str(SCRIPTS / "backup.sh"), str(dumps)],
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": scratch, "LINDUNG_BACKUP_KEEP": "2"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    kept = sorted(p.name for p in dumps.iterdir())
    new = Path(done.stdout.strip())
    assert kept == ["lindung-20240103-010101.dump", new.name]
    assert new.stat().st_mode & 0o077 == 0  # personal data: the owner only
    assert new.read_bytes()[:5] == b"PGDMP"
