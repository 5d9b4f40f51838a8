"""`lindung import` as a real process on its own SQLite file: the JSON contract, the reject
report, and an import killed with SIGKILL that resumes whole chunks."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import signal
import sqlite3
import subprocess
import time
from contextlib import closing
from pathlib import Path

import pytest

from lindung.core.cli_output import ProgressLines
from lindung.core.nik import build_nik
from tests.cli import LINDUNG, cli_env, copy_db, lindung
from tests.registry.test_import import (
    BAD,
    BAD_REJECTS,
    COUNTERS,
    EMPLOYERS,
    PARTICIPANTS,
    REGIONS,
    D,
    check_bad_rejections,
    data_rows,
)


@pytest.fixture(scope="module")
def base_db(tmp_path_factory: pytest.TempPathFactory, migrated_sqlite: Path) -> Path:
    """Migrated SQLite with the Lampung regions and the sample employers (always SQLite).

    Three `lindung` processes (migrating, when this test process has not yet, then two loads):
    5–10 s, once for the module."""
    var = copy_db(migrated_sqlite, tmp_path_factory.mktemp("base"))
    for args in (
        ("regions", "load", "--regions-file", str(REGIONS), "--no-villages"),
        ("import", "employers", str(EMPLOYERS)),
    ):
        done = lindung(var, *args)
        assert done.returncode == 0, done.stderr
    return var


def read_only(var: Path) -> closing[sqlite3.Connection]:
    return closing(sqlite3.connect(f"file:{var / 'lindung.sqlite3'}?mode=ro", uri=True, timeout=30))


def query(var: Path, sql: str) -> list[tuple]:
    with read_only(var) as con:
        return con.execute(sql).fetchall()


def cli(var: Path, *args: str) -> dict:
    """Run ``lindung`` with ``--format json``; its one JSON object plus ``counts``."""
    done = lindung(var, *args)
    assert done.returncode == 0, done.stderr
    [line] = done.stdout.strip().splitlines()  # one JSON object, nothing else
    result = json.loads(line)
    return result | {"counts": tuple(result[k] for k in COUNTERS)}


def test_cli_json_contract_and_reject_report(base_db: Path, tmp_path: Path) -> None:
    var = copy_db(base_db, tmp_path / "var")
    args = ("import", "participants", str(PARTICIPANTS), "--format", "json")
    assert cli(var, *args)["counts"] == (3, 3, 0, 0)
    assert cli(var, *args)["counts"] == (3, 0, 3, 0)
    report = tmp_path / "rejects.csv"
    args = ("import", "participants", str(BAD), "--format", "json", "--reject-report", str(report))
    assert cli(copy_db(base_db, tmp_path / "bad"), *args)["counts"] == (10, 2, 0, 8)
    check_bad_rejections([(int(r["line"]), *list(r.values())[1:]) for r in data_rows(report)])


def test_table_output_names_the_first_rejects_and_the_report(base_db: Path, tmp_path: Path) -> None:
    var = copy_db(base_db, tmp_path / "var")
    done = lindung(var, "import", "participants", str(BAD))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "rows_rejected" in out and "ditolak / rejected: 8 baris / rows" in out
    for line, column, _, reason in BAD_REJECTS[:5]:  # line, column and reason of the first five
        shown = next(t for t in out.splitlines() if f"baris / line {line}," in t)
        assert f"kolom / column {column or '-'}:" in shown and reason in shown, shown
    assert f"baris / line {BAD_REJECTS[5][0]}," not in out  # the rest is in the report …
    assert "--reject-report FILE.csv" in out  # … which the hint names
    report = tmp_path / "rejects.csv"
    args = ("import", "participants", str(BAD), "--format", "json", "--reject-report", str(report))
    again = lindung(copy_db(base_db, tmp_path / "again"), *args)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["rows_rejected"] == 8  # stdout stays one JSON object
    assert "must be 16 digits" in again.stderr and f"full report: {report}" in again.stderr


def test_progress_lines_come_regularly_without_a_terminal() -> None:
    stream = io.StringIO()

    def wait_for_lines(n: int) -> None:
        deadline = time.monotonic() + 30
        while len(stream.getvalue().splitlines()) < n:
            assert time.monotonic() < deadline, stream.getvalue()
            time.sleep(0.01)

    with ProgressLines("impor / import participants", stream, every=0.05) as lines:
        lines.set_total(12_000)
        lines.advance(1000)
        wait_for_lines(2)
        lines.advance(1000)
        wait_for_lines(len(stream.getvalue().splitlines()) + 2)  # the 2nd one counts 2.000
    written = stream.getvalue().splitlines()
    assert written[0].startswith("impor / import participants: 1.000 / 12.000 baris / rows")
    assert "2.000 / 12.000" in written[-1]
    time.sleep(0.2)
    assert stream.getvalue().splitlines() == written  # nothing after the run ended


CHUNK, N_ROWS, BAD_EVERY = 1000, 12_000, 997
SYNTHETIC_HEADER = ["nik", "nama", "tanggal_lahir", "kode_desa", "no_kpj", "npp", "segmen"]
SYNTHETIC_HEADER += ["upah", "tgl_mulai"]  # an alias of start_date


def synthetic_participants(path: Path, n: int) -> list[str]:
    """``n`` rows, one person each, a third PU at employer 10000001; every BAD_EVERY-th row has
    a wage in scientific notation (rejected). Returns the NIKs of the good rows, in file order."""
    villages = [r["code"] for r in data_rows(REGIONS) if r["level"] == "village"]
    niks = []
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(SYNTHETIC_HEADER)
        for i in range(n):
            village = villages[i % len(villages)]
            born = D(1960, 1, 1) + dt.timedelta(days=i % 10_000)
            nik = build_nik(village[:8], born, "MF"[i % 2], i // 10_000 + 1)
            start = D(2015, 1, 1) + dt.timedelta(days=i % 3000)
            npp, segment = ("10000001", "PU") if i % 3 == 0 else ("", "BPU")
            kpj, wage = 30_000_000_000 + i, "1E+06" if i % BAD_EVERY == 0 else 2_000_000 + i
            writer.writerow([nik, f"Peserta {i}", born, village, kpj, npp, segment, wage, start])
            niks.append(None if i % BAD_EVERY == 0 else nik)
    return niks


VOLATILE = {"id", "person_id", "updated_at", "started_at", "finished_at"}
FINAL_SQL = (
    "SELECT * FROM registry_person ORDER BY nik",
    "SELECT p.nik, m.* FROM registry_membership m JOIN registry_person p ON p.id = m.person_id "
    "ORDER BY m.kpj, m.start_date",
    "SELECT * FROM core_importjob ORDER BY id",
    "SELECT * FROM core_importrejection ORDER BY job_id, line",
)


def final_tables(var: Path) -> list[list[tuple]]:
    """Every column but ids and timestamps: persons, memberships (with NIK), jobs, rejections."""
    tables = []
    with read_only(var) as con:
        for sql in FINAL_SQL:
            cursor = con.execute(sql)
            keep = [i for i, d in enumerate(cursor.description) if d[0] not in VOLATILE]
            tables.append([tuple(row[i] for i in keep) for row in cursor])
    return tables


STATE_SQL = (  # one statement, so one consistent snapshot
    "SELECT (SELECT COALESCE(MAX(last_chunk), -1) FROM core_importjob "
    "WHERE kind = 'participants'), "
    "(SELECT COUNT(*) FROM registry_membership), (SELECT COUNT(*) FROM registry_person), "
    "(SELECT COUNT(*) FROM core_importrejection)"
)


def committed(var: Path) -> tuple[int, int, int, int]:
    """(last committed chunk, memberships, persons, rejections) as another reader sees them."""
    try:
        return query(var, STATE_SQL)[0]
    except sqlite3.OperationalError:  # the WAL files are not there yet
        return -1, 0, 0, 0


def writing(var: Path) -> bool:
    """Whether a write transaction is open (Django takes SQLite's lock with BEGIN IMMEDIATE)."""
    with closing(sqlite3.connect(var / "lindung.sqlite3", timeout=0, isolation_level=None)) as con:
        try:
            con.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:  # database is locked
            return True
        con.execute("ROLLBACK")
        return False


def test_sigkill_mid_import_leaves_whole_chunks_and_resumes(base_db: Path, tmp_path: Path) -> None:
    source = tmp_path / "participants_12k.csv"
    niks = synthetic_participants(source, N_ROWS)
    args = ("import", "participants", str(source), "--chunk-size", str(CHUNK), "--format", "json")
    killed = copy_db(base_db, tmp_path / "killed")
    # Whole chunks only: after chunk k, the good rows of chunks 0..k and their rejections.
    bad = {k: niks[: (k + 1) * CHUNK].count(None) for k in range(-1, N_ROWS // CHUNK)}
    whole = {k: ((k + 1) * CHUNK - n, n) for k, n in bad.items()}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    proc = subprocess.Popen([str(LINDUNG), *args], env=cli_env(killed), **quiet)  # noqa: S603
    try:  # kill once chunk 2 is committed and a later chunk's transaction is open
        deadline = time.monotonic() + 300
        while True:
            chunk, members, persons, rejected = committed(killed)
            assert (members, rejected) == whole[chunk] and persons == members, "half a chunk"
            if chunk >= 2 and writing(killed):
                break
            assert proc.poll() is None, "the import ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.002)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            proc.kill()  # only matters when an assertion above failed
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL

    [(job_id, state, rows_read, imported, rejected, chunk)] = query(
        killed,
        "SELECT id, state, rows_read, rows_imported, rows_rejected, last_chunk "
        "FROM core_importjob WHERE kind = 'participants'",
    )
    assert state != "done" and 2 <= chunk < N_ROWS // CHUNK - 1
    assert rows_read == (chunk + 1) * CHUNK and (imported, rejected) == whole[chunk]
    assert committed(killed) == (chunk, *whole[chunk][:1], *whole[chunk])  # no half chunk

    resumed = cli(killed, *args)
    n_bad = niks.count(None)
    assert (resumed["job"], resumed["state"]) == (job_id, "done")
    assert resumed["counts"] == (N_ROWS, N_ROWS - n_bad, 0, n_bad)
    clean = copy_db(base_db, tmp_path / "clean")
    assert cli(clean, *args)["counts"] == resumed["counts"]
    assert final_tables(killed) == final_tables(clean)
