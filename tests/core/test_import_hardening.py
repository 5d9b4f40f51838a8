"""The import pipeline against careless and hostile uploads (issue 17 items 4, 5, 6, 9, 12):
jobs that never stay ``running``, XLSX files refused before openpyxl reads them, upload limits,
uploaded files deleted when their job no longer needs them, reject reports that cannot run
formulas, and one process at a time per job."""

from __future__ import annotations

import datetime as dt
import io
import os
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from lindung.core.imports import kinds, uploads
from lindung.core.imports.locks import JobLock
from lindung.core.imports.pipeline import ImportBusy, run_import, start_job
from lindung.core.imports.reports import write_reject_report
from lindung.core.jobs import services as jobs
from lindung.core.loading import LoadError
from lindung.core.models import ImportJob, ImportState
from lindung.core.roles import Role
from lindung.registry.importers.employers import EmployerImporter
from lindung.registry.models import Employer

pytestmark = pytest.mark.engine

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
EMPLOYERS = SAMPLES / "employers.csv"
HEADER = "npp,nama_perusahaan,kode_desa,kelas_risiko"


def employers_csv(path: Path, n: int, *extra: str) -> Path:
    """``n`` good employer rows in a village of the conftest region tree, then ``extra``."""
    lines = [HEADER, *(f"{10_000_100 + i},PT Uji {i},18.71.01.1003,2" for i in range(n)), *extra]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def bilingual(text: str) -> bool:
    return " / " in text


@pytest.fixture
def folder(settings, tmp_path) -> Path:
    """Uploads go to a throwaway folder; jobs run in the request."""
    settings.IMPORT_FILES_DIR = tmp_path / "var" / "imports"
    settings.LINDUNG_JOBS_INLINE = True
    return settings.IMPORT_FILES_DIR


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.is_file()) if folder.exists() else []


@pytest.fixture
def branch(region_tree, make_user, client):
    user = make_user(Role.BPJS_BRANCH, ["18.71"])
    client.force_login(user)
    return user


def upload(client, path: Path, kind: str = "employers"):
    file = SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv")
    return client.post(reverse("imports:upload"), {"kind": kind, "file": file})


# Item 4: a job always ends done or failed ----------------------------------------------------


class Crashing(EmployerImporter):
    """Fails in its second chunk (an unforeseen error, not a bad cell)."""

    chunk_size = 2
    crash = True

    def write(self, rows):
        if self.crash and rows and rows[0][0] > 3:
            raise RuntimeError("disk on fire")
        return super().write(rows)


def test_an_unexpected_error_fails_the_job_with_a_bilingual_reason(region_tree, tmp_path) -> None:
    path = employers_csv(tmp_path / "e.csv", 5)
    with pytest.raises(RuntimeError, match="disk on fire"):
        run_import(Crashing(), path)
    job = ImportJob.objects.get()
    assert job.state == ImportState.FAILED and job.finished_at is not None
    assert bilingual(job.error) and "RuntimeError" in job.error
    assert "disk on fire" not in job.error  # no detail: it might hold personal data
    assert (job.rows_read, job.last_chunk) == (2, 0)  # the first chunk stays committed
    resumed = run_import(EmployerImporter(), path)  # the same file again continues it
    assert resumed.pk == job.pk and resumed.state == ImportState.DONE
    assert (resumed.rows_read, resumed.rows_imported, resumed.error) == (5, 5, "")


def test_a_crashed_upload_job_fails_with_a_bilingual_reason(
    region_tree, tmp_path, settings, monkeypatch
) -> None:
    settings.LINDUNG_JOBS_INLINE = True
    path = employers_csv(tmp_path / "e.csv", 5)
    record = start_job(Crashing(), path)
    monkeypatch.setattr(kinds, "importer_for", lambda kind: Crashing())
    job = jobs.submit(
        actor=None, kind="import", target="e", label="e.csv",
        work="lindung.core.imports.jobs.run_upload",
        arguments={"import_job": record.pk, "kind": "employers", "path": str(path),
                   "actor_id": None},
    )  # fmt: skip
    job.refresh_from_db()
    record.refresh_from_db()
    assert record.state == ImportState.FAILED and bilingual(record.error)
    assert job.state == "failed" and bilingual(job.error) and "RuntimeError" in job.error


def xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def rewrite_member(path: Path, member: str, change) -> Path:
    """A copy of the XLSX with one member's bytes changed (``change(bytes) -> bytes``; a new
    member when the file has none of that name)."""
    out = path.with_name("changed-" + path.name)
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        names = src.namelist()
        for name in names:
            data = src.read(name)
            dst.writestr(name, change(data) if name == member else data)
        if member not in names:
            dst.writestr(member, change(b""))
    return out


EMPLOYER_ROWS = [["npp", "nama_perusahaan", "kode_desa"], ["10000201", "PT Satu", "18.71.01.1003"]]


@pytest.mark.parametrize(
    "doctype",
    [
        b'<!DOCTYPE worksheet [<!ENTITY x "&#x41;">]>',
        b"<!-- a comment first --><!doctype worksheet SYSTEM 'http://example.com/x.dtd'>",
    ],
)
def test_an_xlsx_with_a_doctype_is_refused_and_its_job_fails(region_tree, tmp_path, doctype):
    plain = xlsx(tmp_path / "e.xlsx", EMPLOYER_ROWS)

    def add_doctype(data: bytes) -> bytes:
        return b'<?xml version="1.0" encoding="UTF-8"?>\n' + doctype + data

    path = rewrite_member(plain, "xl/worksheets/sheet1.xml", add_doctype)
    with pytest.raises(LoadError, match="DOCTYPE") as raised:
        run_import(EmployerImporter(), path)
    job = ImportJob.objects.get()
    assert (job.state, job.error) == (ImportState.FAILED, str(raised.value))
    assert bilingual(job.error) and not Employer.objects.exists()


def test_an_xlsx_past_the_size_limits_is_refused_before_openpyxl_reads_it(
    region_tree, tmp_path, settings, monkeypatch
) -> None:
    import openpyxl

    plain = xlsx(tmp_path / "e.xlsx", EMPLOYER_ROWS)
    path = rewrite_member(plain, "xl/media/blob.bin", lambda _: b"\0" * 300_000)
    assert path.stat().st_size < 20_000  # 300 KB of zeros compress to almost nothing

    def never(*args, **kwargs):
        raise AssertionError("openpyxl opened the file")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    settings.IMPORT_XLSX_MAX_MEMBER_BYTES = 200_000
    with pytest.raises(LoadError, match="uncompressed") as raised:
        run_import(EmployerImporter(), path)
    assert "one of its parts" in str(raised.value) and bilingual(str(raised.value))
    assert ImportJob.objects.get().state == ImportState.FAILED

    settings.IMPORT_XLSX_MAX_MEMBER_BYTES = 10**9
    settings.IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES = 250_000
    with pytest.raises(LoadError, match=r"it holds .* uncompressed"):
        run_import(EmployerImporter(), path)


def test_a_damaged_xlsx_fails_its_job_with_a_reason(region_tree, tmp_path) -> None:
    good = xlsx(tmp_path / "e.xlsx", EMPLOYER_ROWS)
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(good.read_bytes()[:400])  # the zip's directory is gone
    with pytest.raises(LoadError, match="damaged"):
        run_import(EmployerImporter(), path)
    job = ImportJob.objects.get()
    assert job.state == ImportState.FAILED and bilingual(job.error)


def test_other_importers_reject_overlong_and_oversized_values_instead_of_cutting(
    region_tree, tmp_path
) -> None:
    from lindung.core.imports.kinds import importer_for
    from lindung.core.nik import build_nik

    nik = build_nik("18.71.01", dt.date(1980, 5, 17), "F", 1)
    candidates = tmp_path / "dtsen.csv"
    candidates.write_text(
        "nik;nama;kode_desa;pekerjaan;sumber\n"
        f"{nik};Siti;18.71.01.1003;Petani;{'S' * 41}\n"
        f"{nik[:-1]}2;{'N' * 151};18.71.01.1003;Petani;DTSEN\n"
        f"{nik[:-1]}3;Ani;18.71.01.1003;Pe\x1btani;DTSEN\n",
        encoding="utf-8",
    )
    job = run_import(importer_for("candidates"), candidates)
    assert [(line, column) for line, column in job.rejections.values_list("line", "column")] == [
        (2, "source"),
        (3, "name"),
        (4, "occupation"),
    ]
    registry = tmp_path / "usaha.csv"
    registry.write_text(
        "nib;nama_usaha;kbli;kode_desa;jumlah_tenaga_kerja;sumber;tahun\n"
        "1234567890123;PT A;123456;18.71.01.1003;5;OSS;2024\n"
        "1234567890124;PT B;12345;18.71.01.1003;99999999999;OSS;2024\n"
        f"1234567890125;PT C;12345;18.71.01.1003;5;OSS;{'2' * 5000}\n"
        f"1234567890126;PT D;12345;18.71.01.1003;5;{'O' * 21};2024\n",
        encoding="utf-8",
    )
    job = run_import(importer_for("business_registry"), registry)
    assert job.state == ImportState.DONE
    assert list(job.rejections.values_list("line", "column")) == [
        (2, "kbli"),
        (3, "workers"),
        (4, "year"),
        (5, "source"),
    ]
    assert all(bilingual(r) for r in job.rejections.values_list("reason", flat=True))


# Item 5: upload limits --------------------------------------------------------------------


@pytest.mark.parametrize("size", [3_000, 200_000])  # read and dropped; refused unread
def test_an_upload_over_the_limit_is_refused_with_a_message(
    branch, client, folder, settings, tmp_path, size
) -> None:
    settings.IMPORT_MAX_UPLOAD_BYTES = 2_000
    path = employers_csv(tmp_path / "big.csv", size // 40)
    assert path.stat().st_size > 2_000
    response = upload(client, path)
    assert response.status_code == 413
    text = response.content.decode()
    assert "lebih besar dari" in text  # Indonesian first (LANGUAGE_CODE id)
    assert not ImportJob.objects.exists() and files_in(folder) == []


def test_an_upload_under_the_limit_is_imported(branch, client, folder, settings, tmp_path):
    settings.IMPORT_MAX_UPLOAD_BYTES = 2_000
    response = upload(client, employers_csv(tmp_path / "small.csv", 3))
    assert response.status_code == 302
    assert ImportJob.objects.get().state == ImportState.DONE


def test_the_cli_path_refuses_a_file_over_the_limit(region_tree, tmp_path, settings) -> None:
    settings.IMPORT_MAX_UPLOAD_BYTES = 2_000
    with pytest.raises(LoadError, match="too large") as raised:
        run_import(EmployerImporter(), employers_csv(tmp_path / "big.csv", 100))
    assert bilingual(str(raised.value)) and not ImportJob.objects.exists()


# Item 6: retention --------------------------------------------------------------------------


def test_a_done_job_deletes_its_upload_and_a_repeated_upload_still_changes_nothing(
    branch, client, folder, tmp_path
) -> None:
    path = employers_csv(tmp_path / "e.csv", 4, "9x,PT Buruk,18.71.01.1003,2")
    upload(client, path)
    first = ImportJob.objects.get()
    assert (first.state, first.rows_imported, first.rows_rejected) == (ImportState.DONE, 4, 1)
    assert files_in(folder) == []  # the raw file is gone
    assert len(first.file_sha256) == 64 and first.file_name == "e.csv"  # what is kept
    assert client.get(reverse("imports:rejects", args=[first.pk])).status_code == 200

    upload(client, path)  # the first job's file is gone; its hash found nothing unfinished
    second = ImportJob.objects.exclude(pk=first.pk).get()
    assert (second.state, second.rows_imported, second.rows_unchanged) == ("done", 0, 4)
    assert second.file_sha256 == first.file_sha256 and files_in(folder) == []


def test_a_failed_job_keeps_its_file_until_the_purge(
    branch, client, folder, tmp_path, settings, monkeypatch
) -> None:
    path = employers_csv(tmp_path / "e.csv", 5)
    monkeypatch.setattr("lindung.core.imports.kinds.importer_for", lambda kind: Crashing())
    upload(client, path)
    job = ImportJob.objects.get()
    assert job.state == ImportState.FAILED and bilingual(job.error)
    kept = files_in(folder)
    assert len(kept) == 1 and kept[0].startswith(f"{job.pk}-")

    days = settings.IMPORT_RETENTION_DAYS
    assert uploads.purge_expired_uploads(job.finished_at + dt.timedelta(days=days - 1)) == 0
    assert files_in(folder) == kept  # within retention: the same file may resume the job
    out = io.StringIO()
    later = job.finished_at + dt.timedelta(days=days, hours=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    call_command("imports", "purge", stdout=out)
    assert out.getvalue().strip() == "1 berkas dihapus / 1 files deleted"
    assert files_in(folder) == []
    job.refresh_from_db()  # the job, its hash and counters stay
    assert job.state == ImportState.FAILED and len(job.file_sha256) == 64 and job.rows_read == 2


def test_a_failed_upload_resumed_by_the_same_file_deletes_both_files(
    branch, client, folder, tmp_path, monkeypatch
) -> None:
    path = employers_csv(tmp_path / "e.csv", 5)
    monkeypatch.setattr("lindung.core.imports.kinds.importer_for", lambda kind: Crashing())
    upload(client, path)
    assert len(files_in(folder)) == 1
    monkeypatch.undo()
    upload(client, path)
    job = ImportJob.objects.get()  # resumed, not a second job
    assert (job.state, job.rows_read, job.rows_imported) == (ImportState.DONE, 5, 5)
    assert files_in(folder) == []


def test_the_purge_deletes_old_stray_files_and_leaves_other_databases_files(db, folder) -> None:
    folder.mkdir(parents=True)
    now = timezone.now()
    old = (now - dt.timedelta(days=30)).timestamp()
    stray = folder / "0dafc520b6c84b7ca4079d3b14b5dcc5.csv"  # from before retention existed
    fresh = folder / "1c6511dcab1d4c2ca7e5a97940ce1413.part.csv"  # an upload being written
    other = folder / f"7-{'0' * 12}-{'a' * 32}.csv"  # another database's job
    for path in (stray, fresh, other):
        path.write_text("x")
    os.utime(stray, (old, old))
    os.utime(other, (old, old))
    assert uploads.purge_expired_uploads(now) == 1
    assert files_in(folder) == sorted([fresh.name, other.name])


def test_a_job_left_running_by_a_dead_process_ends_failed(branch, client, tmp_path) -> None:
    job = start_job(EmployerImporter(), employers_csv(tmp_path / "e.csv", 2), actor=branch)
    ImportJob.objects.filter(pk=job.pk).update(started_at=timezone.now() - dt.timedelta(hours=1))
    with held_elsewhere(job.pk):  # its process is alive: still running
        assert client.get(reverse("imports:status", args=[job.pk])).json()["state"] == "running"
    status = client.get(reverse("imports:status", args=[job.pk])).json()
    assert status["state"] == "failed" and "interrupted" in status["error"]


# Item 9: reject reports cannot run formulas -----------------------------------------------


def test_reject_reports_escape_formulas(branch, client, folder, tmp_path) -> None:
    path = employers_csv(tmp_path / "e.csv", 1, "=1+1,PT Rumus,18.71.01.1003,2",
                         "10000999,PT Rumus,@SUM(A1),2")  # fmt: skip
    upload(client, path)
    job = ImportJob.objects.get()
    expected = ["line,column,value,reason", "3,npp,'=1+1,", "4,village,'@SUM(A1),"]
    raw = client.get(reverse("imports:rejects", args=[job.pk])).content
    assert raw.startswith("\ufeff".encode()), "a byte-order mark, so that Excel reads UTF-8"
    web = raw.decode("utf-8-sig")
    cli = io.StringIO()
    write_reject_report(job, cli)  # what `lindung import … --reject-report` writes
    for report in (web, cli.getvalue()):
        lines = report.splitlines()
        assert [line[: len(e)] for line, e in zip(lines, expected, strict=True)] == expected


# Item 12: one process at a time per job -----------------------------------------------------


@contextmanager
def held_elsewhere(job_id: int) -> Iterator[None]:
    """Another thread (its own database connection, like another process) holds the job."""
    taken, done = threading.Event(), threading.Event()
    held: list[bool] = []

    def hold() -> None:
        lock = JobLock(job_id)
        try:
            held.append(lock.acquire())
            taken.set()
            done.wait(20)
            lock.release()
        finally:
            connections.close_all()

    thread = threading.Thread(target=hold)
    thread.start()
    assert taken.wait(20) and held == [True]
    try:
        yield
    finally:
        done.set()
        thread.join(20)


def test_a_second_import_of_a_running_job_is_refused_naming_it(
    branch, client, folder, tmp_path
) -> None:
    path = employers_csv(tmp_path / "e.csv", 6)
    job = start_job(EmployerImporter(), path, actor=branch)
    with held_elsewhere(job.pk):
        with pytest.raises(ImportBusy, match=f"#{job.pk}") as raised:
            run_import(EmployerImporter(), path, actor=branch)
        assert bilingual(str(raised.value))
        response = upload(client, path)  # the page refuses too, with the message
        assert response.status_code == 409 and f"#{job.pk}" in response.content.decode()
        job.refresh_from_db()
        assert (job.state, job.rows_read) == (ImportState.RUNNING, 0)  # untouched
        assert files_in(folder) == []  # the refused upload is not kept
    done = run_import(EmployerImporter(), path, actor=branch)
    assert done.pk == job.pk and (done.state, done.rows_read, done.rows_imported) == (
        ImportState.DONE,
        6,
        6,
    )
    assert ImportJob.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers on one database: PostgreSQL (SQLite's test database is in "
    "memory; the lock itself is tested on both by the test above)",
)
def test_two_imports_of_one_file_at_once_count_it_once(region_tree, tmp_path) -> None:
    """Two threads import the same file; the one that comes second while the first runs is
    refused, and the job counts every row once (not 2×)."""
    path = employers_csv(tmp_path / "e.csv", 8)
    inside, go = threading.Event(), threading.Event()
    results: dict[str, object] = {}

    def first() -> None:
        def progress(lines: int) -> None:
            inside.set()
            go.wait(20)

        imp = EmployerImporter()
        imp.chunk_size = 2
        try:
            results["first"] = run_import(imp, path, progress=progress)
        except Exception as exc:  # the test inspects it
            results["first"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert inside.wait(20)
        with pytest.raises(ImportBusy):
            run_import(EmployerImporter(), path)
    finally:
        go.set()
        thread.join(30)
    job = results["first"]
    assert isinstance(job, ImportJob), job
    job.refresh_from_db()
    assert (job.state, job.rows_read, job.rows_imported) == (ImportState.DONE, 8, 8)
    assert ImportJob.objects.count() == 1
