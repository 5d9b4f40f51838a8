"""The deployment files agree with the code: every environment variable Lindung reads is in
docs/operations.md, nginx accepts the uploads the app accepts, the systemd units run the
commands hardened, the container files name what docs/operations.md says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
OPERATIONS = (ROOT / "docs" / "operations.md").read_text()
DEPLOY = ROOT / "deploy"
SETTINGS = (ROOT / "src" / "lindung" / "config" / "settings.py").read_text()
SERVING = (ROOT / "src" / "lindung" / "core" / "serving.py").read_text()
BACKUP = (ROOT / "scripts" / "backup.sh").read_text()


def variables() -> set[str]:
    """The environment variables read by the settings and by `lindung serve` (quoted names; a
    bare name there is a setting), and by the backup script (``$NAME``/``${NAME}``)."""
    quoted = set(re.findall(r'"(LINDUNG_[A-Z_]+)"', SETTINGS + SERVING))
    return {"DATABASE_URL"} | quoted | set(re.findall(r"\$\{?(LINDUNG_[A-Z_]+)", BACKUP))


def test_every_environment_variable_is_documented() -> None:
    missing = sorted(n for n in variables() if f"`{n}`" not in OPERATIONS)
    assert not missing, f"add these to docs/operations.md (Settings and why): {missing}"


def test_nginx_accepts_the_upload_limit() -> None:
    default = re.search(r'env_int\("LINDUNG_IMPORT_MAX_UPLOAD_MB", (\d+)\)', SETTINGS)
    assert default
    nginx = (DEPLOY / "nginx-lindung.conf").read_text()
    assert f"client_max_body_size {default.group(1)}m;" in nginx
    assert "proxy_pass http://lindung;" in nginx and "server 127.0.0.1:8000;" in nginx
    # Paths only in the proxy's log: $uri, never $request or $request_uri.
    log_format = nginx[nginx.index("log_format") : nginx.index(";", nginx.index("log_format"))]
    assert "$uri" in log_format and "$request " not in log_format + " "
    assert "$request_uri" not in log_format and "$args" not in log_format


@pytest.mark.parametrize(
    ("unit", "command"),
    [("lindung-web.service", "lindung serve"), ("lindung-worker.service", "lindung worker")],
)
def test_the_services_are_hardened(unit: str, command: str) -> None:
    text = (DEPLOY / unit).read_text()
    for line in (
        f"ExecStart=/opt/lindung/venv/bin/{command}",
        "User=lindung",
        "Restart=always",
        "EnvironmentFile=/etc/lindung/lindung.env",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "ReadWritePaths=/var/lib/lindung",
        "PrivateTmp=yes",
    ):
        assert re.search(rf"^{re.escape(line)}$", text, re.M), f"{unit}: {line}"


def test_the_container_files() -> None:
    docker = (ROOT / "Dockerfile").read_text()
    assert docker.startswith("#") and "FROM python:3.11-slim" in docker
    assert re.search(r"^USER lindung$", docker, re.M)
    assert 'ENTRYPOINT ["lindung"]' in docker
    assert 'CMD ["serve", "--host", "0.0.0.0"]' in docker
    assert "collectstatic --noinput" in docker
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "migrate", "web", "worker"}
    assert services["db"]["image"].startswith("postgres:16")
    assert services["migrate"]["command"][0] == "migrate"
    assert services["web"]["command"][0] == "serve"
    assert services["worker"]["command"] == ["worker"]
    for name in ("web", "worker"):
        assert "lindung-var:/var/lib/lindung" in services[name]["volumes"]
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert "src" not in ignored and "pyproject.toml" not in ignored


def test_the_scripts_are_executable() -> None:
    for name in ("backup.sh", "restore.sh", "backup-check.sh"):
        script = ROOT / "scripts" / name
        assert script.stat().st_mode & 0o111, name
        assert script.read_text().startswith("#!/usr/bin/env bash\n")
        assert "set -euo pipefail" in script.read_text()
