"""Production settings (docs/operations.md): the documented environment passes
``lindung check --deploy`` with no issue, a server refuses the public demo key, and the security
settings come from the environment."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import pytest

from tests.cli import lindung

OPERATIONS = Path(__file__).resolve().parents[2] / "docs" / "operations.md"


def production_environment() -> dict[str, str]:
    """The variables of the block marked ``production-environment`` in docs/operations.md, with
    a fresh secret key for its placeholder."""
    text = OPERATIONS.read_text(encoding="utf-8")
    block = re.search(
        r"<!-- production-environment -->\s*```sh\n(.*?)```", text, flags=re.DOTALL
    ).group(1)
    env = dict(line.split("=", 1) for line in block.splitlines() if "=" in line)
    env["LINDUNG_SECRET_KEY"] = secrets.token_urlsafe(50)
    return env


def run_with(var_dir: Path, env: dict[str, str], *args: str):
    # DATABASE_URL points at a server that is not there: `check` needs no connection.
    return lindung(var_dir, *args, env=env)


def test_documented_production_environment_passes_check_deploy(tmp_path: Path) -> None:
    env = production_environment() | {"LINDUNG_VAR_DIR": str(tmp_path)}
    done = run_with(tmp_path, env, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_without_the_secret_key_the_deploy_check_fails(tmp_path: Path) -> None:
    env = production_environment() | {"LINDUNG_VAR_DIR": str(tmp_path), "LINDUNG_SECRET_KEY": ""}
    done = run_with(tmp_path, env, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode != 0
    assert "security.W009" in done.stdout + done.stderr  # the demo key is too weak


@pytest.mark.parametrize("extra", [{}, {"LINDUNG_DEMO": ""}])
def test_a_server_refuses_to_start_on_the_demo_key(tmp_path: Path, extra: dict) -> None:
    env = {"LINDUNG_SECRET_KEY": "", "LINDUNG_DEMO": "", "LINDUNG_DEBUG": ""} | extra
    done = run_with(tmp_path, env, "runserver", "127.0.0.1:1", "--noreload")
    assert done.returncode == 1
    assert "LINDUNG_SECRET_KEY" in done.stderr and "belum diatur" in done.stderr


def test_security_settings_come_from_the_environment(tmp_path: Path) -> None:
    env = production_environment() | {"LINDUNG_VAR_DIR": str(tmp_path)}
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_AGE)"
    )
    done = run_with(tmp_path, env | {"LINDUNG_SESSION_AGE": "3600"}, "shell", "-v", "0", "-c", code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [
        "31536000", "True", "('HTTP_X_FORWARDED_PROTO',", "'https')", "True", "True", "3600",
    ]  # fmt: skip
