"""Running the ``lindung`` console script as a real process against a throwaway SQLite file.

These tests always use SQLite in their own ``LINDUNG_VAR_DIR`` (never the test database), so
they do not depend on the database the suite runs on. Migrating a new SQLite file costs about
8 s, so each test process migrates once (``migrated_sqlite``) and every var dir starts as a copy.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

LINDUNG = Path(sys.executable).with_name("lindung")
# SQLite in LINDUNG_VAR_DIR, the shipped reference data, and async safety on (the browser tests
# turn it off for Playwright in this process only).
DROP_ENV = {"DATABASE_URL", "LINDUNG_REFERENCE_DATA", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def cli_env(var_dir: Path, env: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment for a ``lindung`` run on ``var_dir``, plus ``env``."""
    base = {k: v for k, v in os.environ.items() if k not in DROP_ENV}
    return base | {"LINDUNG_VAR_DIR": str(var_dir)} | (env or {})


def lindung(
    var_dir: Path, *args: str, timeout: int = 600, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own console script with fixed arguments
        [str(LINDUNG), *args],
        env=cli_env(var_dir, env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def copy_db(base: Path, var: Path) -> Path:
    """A new var dir holding a copy of ``base``'s SQLite database (WAL files included)."""
    var.mkdir(parents=True, exist_ok=True)
    for f in base.glob("lindung.sqlite3*"):
        shutil.copy2(f, var / f.name)
    return var
