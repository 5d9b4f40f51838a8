"""``lindung serve``: gunicorn as a real process on a migrated SQLite copy, and its options.

The process test always uses SQLite in its own var dir (tests/cli.py), whatever database the
suite runs on; it is skipped only when gunicorn is not installed."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.cli import LINDUNG, cli_env, copy_db

pytest.importorskip("gunicorn", reason="gunicorn is not installed")

from lindung.core import serving

NIK = "3171012345678901"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 - local http
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_healthy(base: str, server: subprocess.Popen, seconds: float = 60) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, "lindung serve exited before it answered"
        try:
            status, body = get(f"{base}/healthz")
        except OSError:  # not listening yet
            time.sleep(0.2)
            continue
        if status == 200:
            return json.loads(body)
        time.sleep(0.2)
    raise AssertionError(f"/healthz did not answer 200 within {seconds} s")


@pytest.fixture
def served(tmp_path: Path, migrated_sqlite: Path):
    var = copy_db(migrated_sqlite, tmp_path / "var")
    port = free_port()
    env = cli_env(
        var,
        {
            "LINDUNG_SECRET_KEY": "ops-test-" + "x" * 50,
            # No `lindung worker` here: /healthz checks the web side only.
            "LINDUNG_HEALTH_WORKER": "0",
            "LINDUNG_WEB_MAX_REQUESTS": "0",
        },
    )
    env.pop("LINDUNG_DEMO", None)
    env.pop("LINDUNG_DEBUG", None)
    server = subprocess.Popen(  # noqa: S603 - our own console script
        [str(LINDUNG), "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield server, f"http://127.0.0.1:{port}"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(10)


def test_serve_answers_and_stops_on_sigterm(served) -> None:
    server, base = served
    health = wait_healthy(base, server)
    assert health["database"] == "ok"
    assert get(f"{base}/")[0] == 200
    status, css = get(f"{base}/static/vendor/bootstrap/css/bootstrap.min.css")
    assert status == 200 and len(css) > 1000
    # A NIK in a query string or a path never reaches the access log.
    get(f"{base}/healthz?nik={NIK}")
    get(f"{base}/tidak-ada/{NIK}/")
    started = time.monotonic()
    server.send_signal(signal.SIGTERM)
    out, err = server.communicate(timeout=15)
    assert server.returncode == 0, err
    assert time.monotonic() - started < 10
    assert "gunicorn" in err.lower()
    assert '"GET /healthz HTTP/1.1" 200' in out
    assert "nik=" not in out
    assert NIK not in out and NIK not in err


@pytest.mark.parametrize(
    ("flags", "word"),
    [
        (["--port", "abc"], "--port"),
        (["--port", "70000"], "--port"),
        (["--workers", "0"], "--workers"),
        (["--timeout", "-5"], "--timeout"),
        (["--host", " "], "--host"),
    ],
)
def test_a_bad_flag_is_a_bilingual_error(flags: list[str], word: str) -> None:
    with pytest.raises(CommandError) as refused:
        call_command("serve", *flags)
    message = str(refused.value)
    assert word in message and " / " in message
    assert "harus" in message or "tidak boleh" in message


def test_a_bad_environment_value_is_a_bilingual_error(monkeypatch) -> None:
    monkeypatch.setenv("LINDUNG_WEB_WORKERS", "many")
    with pytest.raises(CommandError, match=r"LINDUNG_WEB_WORKERS harus .* / LINDUNG_WEB_WORKERS"):
        call_command("serve")


def test_collectstatic_runs_only_when_asked(monkeypatch) -> None:
    ran: list[str] = []
    monkeypatch.setattr(serving, "run", lambda options: ran.append("serve"))
    monkeypatch.setattr(
        "lindung.core.management.commands.serve.call_command",
        lambda name, **kw: ran.append(name),
    )
    call_command("serve", "--port", "8123")
    assert ran == ["serve"]
    call_command("serve", "--collectstatic")
    assert ran == ["serve", "collectstatic", "serve"]


def test_options_come_from_flags_then_environment_then_defaults() -> None:
    env = {
        "LINDUNG_WEB_HOST": "10.0.0.5",
        "LINDUNG_WEB_PORT": "9000",
        "LINDUNG_WEB_WORKERS": "4",
        "LINDUNG_WEB_TIMEOUT": "90",
        "LINDUNG_WEB_MAX_REQUESTS": "500",
    }
    chosen = serving.serve_options(env, port="9100", workers=None)
    assert (chosen.host, chosen.port, chosen.workers, chosen.timeout) == ("10.0.0.5", 9100, 4, 90)
    assert (chosen.max_requests, chosen.max_requests_jitter) == (500, 50)
    default = serving.serve_options({})
    assert (default.host, default.port, default.timeout) == ("127.0.0.1", 8000, 60)
    assert default.workers == serving.default_workers()
    assert serving.default_workers(1) == 3 and serving.default_workers(16) == 8
    assert serving.ServeOptions(host="::1").bind == "[::1]:8000"


def test_the_access_log_names_the_path_only() -> None:
    config = serving.gunicorn_settings(serving.serve_options({}))
    fmt = config["access_log_format"]
    assert "%(U)s" in fmt
    for leaky in ("%(r)s", "%(q)s", "%(f)s", "{referer}i"):
        assert leaky not in fmt
    assert config["accesslog"] == "-"


def test_a_worker_loads_views_and_templates_before_its_first_request() -> None:
    """``warm_up`` (run by config/wsgi.py in each worker) compiles every app template and
    imports the URLconf. The test has no database mark, so pytest-django fails it if
    ``warm_up`` touches the database (nothing may cross gunicorn's fork)."""
    from django.template import engines

    from lindung.coverage import views

    engine = engines["django"].engine
    for loader in engine.template_loaders:
        getattr(loader, "reset", lambda: None)()
    assert serving.warm_up() > 150
    cached = engine.template_loaders[0]
    assert "coverage/dashboard.html" in {key.split(":")[0] for key in cached.get_template_cache}
    assert views.internal_dashboard  # imported through the URLconf
