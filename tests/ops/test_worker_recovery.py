"""The operations issue's proof, with real processes on PostgreSQL: `lindung serve` and
`lindung worker` run; over HTTP an officer logs in and uploads a 200,000-row participant file;
the worker is killed with SIGKILL in the middle of the import and started again; the job ends
`done` with the same persons, memberships and coverage facts as a clean import of the same file
(checksums), and the uploader finds an in-app notification and an e-mail about it.

Runs in the suite's PostgreSQL pass (marked ``engine``); ``LINDUNG_E2E_ROWS`` sets the size."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.cli import LINDUNG, cli_env
from tests.ops.pgserver import scratch_database, sql
from tests.ops.test_serve import free_port, wait_healthy

ROOT = Path(__file__).resolve().parents[2]
ROWS = int(os.environ.get("LINDUNG_E2E_ROWS", "200000"))
PASSWORD = "kata-sandi-uji-12345"

pytestmark = [
    pytest.mark.engine,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="the worker's recovery is proven on PostgreSQL (the production database)",
    ),
]
requests = pytest.importorskip("requests")
pytest.importorskip("gunicorn")

PERSONS = (
    "SELECT md5(string_agg(concat_ws('|', nik, name, sex, birth_date, domicile_id, occupation),"
    " ',' ORDER BY nik)) FROM registry_person"
)
MEMBERSHIPS = (
    "SELECT md5(string_agg(concat_ws('|', p.nik, m.kpj, m.segment, m.wage, m.start_date,"
    " m.end_date, e.npp, m.work_region_id, m.funding), ',' ORDER BY m.kpj, p.nik))"
    " FROM registry_membership m JOIN registry_person p ON p.id = m.person_id"
    " LEFT JOIN registry_employer e ON e.id = m.employer_id"
)
FACTS = (
    "SELECT md5(string_agg(concat_ws('|', month, level, region_id, covered), ','"
    " ORDER BY month, level, region_id)) FROM coverage_coveragefact"
)


def lindung(env: dict[str, str], *args: str, timeout: int = 900) -> str:
    done = subprocess.run(  # noqa: S603 - our own console script
        [str(LINDUNG), *args], env=env, capture_output=True, text=True, timeout=timeout,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-2000:])
    return done.stdout


def prepared(url: str, var: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """A migrated database with the Lampung regions: the environment of its processes."""
    env = cli_env(
        var, {"DATABASE_URL": url, "LINDUNG_SECRET_KEY": "e2e-" + "x" * 50} | (extra or {})
    )
    env.pop("LINDUNG_DEMO", None)
    data = Path(settings.LINDUNG_REFERENCE_DATA)
    lindung(env, "migrate", "--no-input", "-v", "0")
    lindung(env, "regions", "load", "--regions-file", str(data / "regions_lampung.csv"),
            "--no-villages", "--format", "json")  # fmt: skip
    return env


def write_extract(folder: Path, url: str, rows: int, seed: int) -> tuple[Path, Path]:
    sys.path.insert(0, str(ROOT / "bench"))
    from import_participants import write_files

    villages = [r[0] for r in sql(url, "SELECT code FROM regions_region WHERE level = 'village'")]
    folder.mkdir()
    return write_files(folder, rows, sorted(villages), seed=seed)


def wait_for(check, seconds: float, what: str, every: float = 0.05):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


def start(env: dict[str, str], *args: str, log: Path) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own console script
        [str(LINDUNG), *args], env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )


def test_a_killed_worker_resumes_the_upload_and_ends_as_a_clean_import(tmp_path: Path) -> None:
    with scratch_database("lindung_e2e") as live:
        mail = tmp_path / "mail"
        env = prepared(live, tmp_path / "live", {
            "LINDUNG_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "LINDUNG_EMAIL_FILE_PATH": str(mail),
            "LINDUNG_WORKER_BEAT_SECONDS": "1",
            "LINDUNG_WEB_MAX_REQUESTS": "0",
        })  # fmt: skip
        with scratch_database("lindung_clean", template=live) as clean:
            _run(env, live, clean, mail, tmp_path)


def _run(env: dict[str, str], live: str, clean: str, mail: Path, tmp_path: Path) -> None:
    # The reference database started as a copy of the prepared one (migrations, regions).
    reference = env | {"DATABASE_URL": clean, "LINDUNG_VAR_DIR": str(tmp_path / "clean")}
    employers, participants = write_extract(tmp_path / "extract", live, ROWS, seed=7)
    # A registry that is not empty (last month's extract), so the upload takes the chunked
    # path of a monthly import rather than the one-step load of an empty registry.
    _, earlier = write_extract(tmp_path / "earlier", live, 2_000, seed=11)
    for e in (env, reference):
        lindung(e, "import", "employers", str(employers), "--format", "json")
        lindung(e, "import", "participants", str(earlier), "--format", "json")
    # The reference: the same file imported in one go by the CLI.
    lindung(reference, "import", "participants", str(participants), "--format", "json")

    user = ["add", "cabang", "--role", "bpjs_branch", "--scope", "18"]
    user += ["--email", "cabang@example.org", "--password-env", "PW"]
    lindung(env | {"PW": PASSWORD}, "users", *user)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start(env, "serve", "--port", str(port), "--workers", "2", log=tmp_path / "web.log")
    worker = start(env, "worker", "--interval", "0.2", log=tmp_path / "worker-1.log")
    try:
        wait_healthy(base, server)
        web = requests.Session()
        web.get(f"{base}/masuk/", timeout=10)
        token = web.cookies["csrftoken"]
        login = web.post(f"{base}/masuk/", timeout=10, allow_redirects=False, data={
                "username": "cabang", "password": PASSWORD, "csrfmiddlewaretoken": token,
            })  # fmt: skip
        assert login.status_code == 302, login.text[-500:]
        started = time.perf_counter()
        with participants.open("rb") as upload:
            answer = web.post(
                    f"{base}/impor/unggah/", timeout=60, allow_redirects=False,
                    data={"kind": "participants", "csrfmiddlewaretoken": web.cookies["csrftoken"]},
                    files={"file": ("peserta.csv", upload, "text/csv")},
                    headers={"Referer": f"{base}/impor/"},
                )  # fmt: skip
        upload_seconds = time.perf_counter() - started
        assert answer.status_code == 302, answer.text[-500:]
        job_id = int(answer.headers["Location"].rstrip("/").split("/")[-1])

        # Kill the worker once a chunk is committed and the file is far from its end.
        def midway() -> bool:
            rows = sql(live, "SELECT state, last_chunk FROM core_importjob WHERE id = %s",
                           (job_id,))  # fmt: skip
            return bool(rows) and rows[0][0] == "running" and rows[0][1] >= 0

        wait_for(midway, 300, "the first committed chunk")
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        state, chunk = sql(live, "SELECT state, last_chunk FROM core_importjob WHERE id = %s",
                               (job_id,))[0]  # fmt: skip
        assert state == "running" and chunk * 20_000 < ROWS - 20_000, (state, chunk)
        worker = start(env, "worker", "--interval", "0.2", log=tmp_path / "worker-2.log")

        def finished() -> str:
            rows = sql(live, "SELECT state FROM core_job WHERE kind = 'import'")
            return rows[0][0] if rows and rows[0][0] in ("done", "failed") else ""

        assert wait_for(finished, 600, "the resumed import", every=0.5) == "done"
        attempts = sql(live, "SELECT attempts FROM core_job WHERE kind = 'import'")[0][0]
        assert attempts == 2
        counts = sql(live, "SELECT state, rows_read, rows_rejected FROM core_importjob "
                         "WHERE id = %s", (job_id,))  # fmt: skip
        assert counts == [("done", ROWS, 0)], counts

        # The same registry as the clean import, and (recomputed) the same facts.
        for query in (PERSONS, MEMBERSHIPS):
            assert sql(live, query) == sql(clean, query)
        active = "SELECT 1 FROM core_job WHERE state IN ('queued', 'running')"
        wait_for(lambda: not sql(live, active), 300, "the refresh job")
        for e in (env, reference):
            # Three month-ends are enough to compare: the facts come from the same rows.
            lindung(e, "coverage", "refresh", "--from", "2023-01", "--to", "2023-03")
        assert sql(live, FACTS) == sql(clean, FACTS) != [(None,)]

        # The uploader is told, in the app and by e-mail.
        notices = web.get(f"{base}/api/v1/notifications/", timeout=10).json()["results"]
        assert any(n["event"] == "job.done" for n in notices), notices
        wait_for(lambda: list(mail.glob("*.log")) if mail.exists() else [], 30, "the e-mail")
        text = "".join(p.read_text(errors="replace") for p in mail.glob("*.log"))
        assert "cabang@example.org" in text
        assert upload_seconds < 30, upload_seconds  # the request only stores the file
    finally:
        for process in (worker, server):
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
