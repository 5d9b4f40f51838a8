"""File → validated rows → chunked, transactional, resumable upsert (docs/ARCHITECTURE.md "Import
pipeline").

An importer declares its columns (with Indonesian and English aliases), parses one row into
clean values (raising CellError with the column and a bilingual reason), and writes a chunk of
good rows set-based. The pipeline does the rest: header mapping, duplicate natural keys, the
reject report, one transaction per chunk together with the job's counters, resuming a killed
job from its last committed chunk, and one audit row per job.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from lindung.core.audit import AuditAction, acting_user, record_audit
from lindung.core.db import refresh_planner_statistics
from lindung.core.i18n import bilingual
from lindung.core.imports import locks, uploads
from lindung.core.imports.cells import CellError, check_text, printable
from lindung.core.imports.reader import Table, normalise_header, open_table
from lindung.core.loading import LoadError, file_sha256
from lindung.core.models import ImportJob, ImportRejection, ImportState
from lindung.core.nik import mask_nik

log = logging.getLogger(__name__)
Progress = Callable[[int], None] | None


class ImportBusy(LoadError):
    """Another process is running the job of this file: the caller is refused, the job is not
    touched."""

    def __init__(self, job: ImportJob) -> None:
        self.job = job
        super().__init__(
            bilingual(
                f"berkas ini sedang diimpor (impor #{job.pk}); tunggu sampai selesai, "
                "lalu lihat hasilnya di halaman impor itu",
                f"this file is being imported now (import #{job.pk}); wait until it ends "
                "and see its result on that import's page",
            )
        )


def failure_message(exc: BaseException) -> str:
    """What a job that stopped on an unexpected error says (no detail: it may hold personal
    data; the log has the traceback)."""
    if not isinstance(exc, Exception):
        return uploads.interrupted_message()
    return bilingual(
        f"impor berhenti karena kesalahan tak terduga ({type(exc).__name__}); baris yang sudah "
        "tersimpan tetap ada, unggah berkas yang sama lagi untuk melanjutkan",
        f"the import stopped on an unexpected error ({type(exc).__name__}); rows already "
        "saved are kept, upload the same file again to continue",
    )


def mark_failed(job_id: int, error: str) -> None:
    """The job ends ``failed`` with its reason, unless it is done already (an error after the
    rows are all in, e.g. in a refresh run at commit, does not undo the import)."""
    try:
        ImportJob.objects.filter(pk=job_id).exclude(state=ImportState.DONE).update(
            state=ImportState.FAILED, error=error[:2000], finished_at=timezone.now()
        )
    except Exception:  # a broken connection: the job stays as it was, resumable
        log.exception("could not mark import job %s failed", job_id)


@dataclass(frozen=True)
class Column:
    name: str
    aliases: tuple[str, ...] = ()
    required: bool = True

    def names(self) -> set[str]:
        return {normalise_header(n) for n in (self.name, *self.aliases)}


@dataclass(frozen=True)
class Rejected:
    line: int
    column: str
    value: str
    reason: str


class Importer:
    """Base class: subclasses set ``kind``, ``columns`` and implement the three hooks."""

    kind: str = ""
    # The member of the owning app's audit enumeration recorded when a file of this kind is done.
    audit_action: AuditAction
    # Whether a done import of this kind changes memberships (coverage recomputes its months).
    writes_memberships: bool = False
    columns: tuple[Column, ...] = ()
    chunk_size: int = 20_000
    # Personal data (UU PDP): masked in the reject report, which is downloaded and shared.
    sensitive: frozenset[str] = frozenset()
    # Columns the file has; an optional column the file lacks keeps the database's values.
    present: frozenset[str] = frozenset()
    # Tables whose planner statistics are refreshed after the import.
    analyze_tables: tuple[str, ...] = ()
    # The line of the row ``parse`` is given (for rules that name an earlier line).
    line: int = 0

    def setup(self) -> None:
        """Load lookups once per run (known regions, employers…)."""

    def finish(self) -> None:
        """After the whole file is imported (outside the chunks' transactions)."""

    def parse(self, raw: dict[str, str]) -> dict[str, Any]:
        raise NotImplementedError

    def key(self, row: dict[str, Any]) -> str:
        """Natural key of a parsed row; a second row with the same key is a duplicate."""
        raise NotImplementedError

    def report_key(self, key: str) -> str:
        """The key as the reject report shows it; importers keyed by personal data mask it."""
        return key

    def write(self, rows: list[tuple[int, dict[str, Any]]]) -> tuple[int, int]:
        """Upsert a chunk inside the caller's transaction; returns (imported, unchanged)."""
        raise NotImplementedError

    def refused_in_write(self) -> list[Rejected]:
        """Rows the last ``write`` refused (rules only the write can check), taken once: they go
        into the chunk's reject report beside the rows that could not be read."""
        return []

    def bulk_enabled(self) -> bool:
        """Whether ``run_bulk`` takes over from the row-by-row loop (set-based SQL path)."""
        return False

    def run_bulk(
        self, job: ImportJob, table: Table, mapping: dict[str, int], progress: Progress
    ) -> None:
        """Import every row of ``table`` set-based, with the row loop's exact results."""
        raise NotImplementedError

    @staticmethod
    def cell(raw: dict[str, str], column: str, parser: Callable[..., Any], *args: Any) -> Any:
        try:
            return parser(raw.get(column, ""), *args)
        except CellError as exc:
            exc.column = exc.column or column
            raise


def map_header(header: list[str], columns: Iterable[Column]) -> dict[str, int]:
    """Column name → position, accepting any alias; a missing required column stops the file."""
    positions = {normalise_header(h): i for i, h in reversed(list(enumerate(header)))}
    mapping: dict[str, int] = {}
    missing = []
    for column in columns:
        found = [positions[n] for n in column.names() if n in positions]
        if found:
            mapping[column.name] = min(found)
        elif column.required:
            missing.append(f"{column.name} ({', '.join(column.aliases[:2])})")
    if missing:
        raise LoadError(
            bilingual(
                f"Kolom wajib tidak ditemukan: {'; '.join(missing)}",
                f"required columns not found: {'; '.join(missing)}",
            )
        )
    return mapping


def _resumable_job(importer: Importer, sha: str, actor_id: int | None) -> ImportJob | None:
    """An unfinished job of the same person (or of the CLI) for the same file content."""
    return (
        ImportJob.objects.filter(kind=importer.kind, file_sha256=sha, actor_id=actor_id)
        .exclude(state=ImportState.DONE)
        .order_by("-id")
        .first()
    )


@contextmanager
def claimed_job(
    importer: Importer, path: Path, *, actor: Any = None, job: ImportJob | None = None
) -> Iterator[ImportJob]:
    """The job for this file, locked for this process until the block ends: an unfinished one
    with the same content is resumed, else a new one is made. Raises ``ImportBusy`` (changing
    nothing) while another process runs it."""
    if job is None:
        uploads.check_size(path)
        sha = file_sha256(path)
        user = acting_user(actor)
        actor_id = user.pk if user else None
        lock = None
        try:
            with locks.serialised(importer.kind, sha, actor_id):
                job = _resumable_job(importer, sha, actor_id)
                if job is None:
                    job = ImportJob.objects.create(
                        kind=importer.kind, file_name=path.name[:255], file_sha256=sha, actor=user
                    )
                lock = locks.JobLock(job.pk)
                if not lock.acquire():
                    raise ImportBusy(job)
        except BaseException:
            if lock is not None:
                lock.release()  # (a session lock outlives a failed transaction)
            raise
    else:
        lock = locks.JobLock(job.pk)
        if not lock.acquire():
            raise ImportBusy(job)
        job.refresh_from_db()  # another run may have moved it on before this one got the lock
    try:
        yield job
    finally:
        lock.release()


def start_job(importer: Importer, path: Path, *, actor: Any = None) -> ImportJob:
    """The job for this file (see ``claimed_job``), not kept locked: the web page starts it
    here and runs it in another thread, which takes the lock again."""
    with claimed_job(importer, path, actor=actor) as job:
        return job


def run_import(
    importer: Importer,
    path: Path,
    *,
    actor: Any = None,
    job: ImportJob | None = None,
    progress: Progress = None,
    on_total: Callable[[int | None], None] | None = None,
) -> ImportJob:
    """Import the file; the job always ends ``done`` or ``failed`` (with a bilingual reason),
    never left running by an error. Raises what stopped it: ``LoadError`` for a file that
    cannot be read (``ImportBusy`` when another process runs the job), else the error."""
    with claimed_job(importer, path, actor=actor, job=job) as job:
        # (A job found done was finished by the run that held the lock before this one.)
        if job.state != ImportState.DONE:
            try:
                _run(importer, path, job, actor, progress, on_total)
            except LoadError as exc:
                mark_failed(job.pk, str(exc))
                raise
            except BaseException as exc:
                log.exception("import job %s stopped", job.pk)
                mark_failed(job.pk, failure_message(exc))
                raise
            job.refresh_from_db()
    uploads.discard_job_files(job)  # done: the uploaded file is not needed any more
    return job


def _run(
    importer: Importer,
    path: Path,
    job: ImportJob,
    actor: Any,
    progress: Progress,
    on_total: Callable[[int | None], None] | None,
) -> None:
    table = open_table(path)
    mapping = map_header(table.header, importer.columns)
    if job.rows_total is None and table.total is not None:
        ImportJob.objects.filter(pk=job.pk).update(rows_total=table.total)
    if on_total:
        on_total(table.total)
    if job.state == ImportState.FAILED:
        ImportJob.objects.filter(pk=job.pk).update(
            state=ImportState.RUNNING, error="", finished_at=None
        )
    if job.last_chunk >= 0 and job.chunk_size:
        importer.chunk_size = job.chunk_size  # resuming: chunk numbers must mean the same rows
    elif job.chunk_size != importer.chunk_size:
        job.chunk_size = importer.chunk_size
        ImportJob.objects.filter(pk=job.pk).update(chunk_size=importer.chunk_size)
    importer.present = frozenset(mapping)
    importer.setup()

    if importer.bulk_enabled():
        # Set-based path (PostgreSQL): same rows, rejections and counters as the loop below.
        importer.run_bulk(job, table, mapping, progress)
    else:
        run_rows(importer, job, table, mapping, progress)

    with transaction.atomic():
        job.refresh_from_db()
        job.state, job.error, job.finished_at = ImportState.DONE, "", timezone.now()
        job.save(update_fields=["state", "error", "finished_at"])
        record_audit(
            actor=actor,
            action=importer.audit_action,
            target=job,
            after={**job.counts(), "file": job.file_name, "sha256": job.file_sha256},
        )
    if job.rows_imported:
        refresh_planner_statistics(importer.analyze_tables)
    importer.finish()


def rejection(importer: Importer, line: int, raw: dict[str, str], exc: CellError) -> Rejected:
    """The reject-report row for a cell error: personal data masked (UU PDP)."""
    column = exc.column or ""
    value = raw.get(column, "")
    if column in importer.sensitive:
        value = mask_nik(value)
    return Rejected(line, column, printable(value)[:200], _fitting(exc.reason))


def _fitting(reason: str, limit: int = 500) -> str:
    """A reason that fits its column with both its languages (each half cut if need be)."""
    if len(reason) <= limit:
        return reason
    halves = reason.split(" / ", 1)
    room = (limit - 3) // len(halves) - 1
    return " / ".join(h if len(h) <= room else h[:room] + "…" for h in halves)


def parse_checked(parse: Callable[[dict[str, str]], Any], raw: dict[str, str]) -> Any:
    """``parse(raw)`` after the checks every cell passes (no control character, UTF-8 text);
    a value no parser foresaw rejects its row instead of stopping the file."""
    check_text(raw)
    try:
        return parse(raw)
    except CellError:
        raise
    except (ValueError, ArithmeticError) as exc:
        log.warning("unforeseen value in an import row: %s", type(exc).__name__)
        raise CellError(
            bilingual(
                f"baris tidak dapat dibaca ({type(exc).__name__})",
                f"the row cannot be read ({type(exc).__name__})",
            )
        ) from None


def duplicate(line: int, key: str, first: int) -> Rejected:
    return Rejected(
        line,
        "",
        key[:200],
        bilingual(f"baris ganda (sama dengan baris {first})", f"duplicate of line {first}"),
    )


def run_rows(
    importer: Importer, job: ImportJob, table: Table, mapping: dict[str, int], progress: Progress
) -> None:
    """The reference path: parse every row in Python, write chunk by chunk."""
    seen: dict[str, int] = {}
    good: list[tuple[int, dict[str, Any]]] = []
    rejected: list[Rejected] = []
    lines = 0
    chunk = 0
    for line, cells in table.rows:
        lines += 1
        raw = {name: (cells[i].strip() if i < len(cells) else "") for name, i in mapping.items()}
        importer.line = line
        try:
            row = parse_checked(importer.parse, raw)
        except CellError as exc:
            rejected.append(rejection(importer, line, raw, exc))
        else:
            key = importer.key(row)
            first = seen.setdefault(key, line)
            if first != line:
                rejected.append(duplicate(line, importer.report_key(key), first))
            else:
                good.append((line, row))
        if lines == importer.chunk_size:
            commit_chunk(importer, job, chunk, good, rejected, lines, progress)
            chunk, lines, good, rejected = chunk + 1, 0, [], []
    if lines:
        commit_chunk(importer, job, chunk, good, rejected, lines, progress)


def commit_chunk(
    importer: Importer,
    job: ImportJob,
    index: int,
    good: list[tuple[int, dict[str, Any]]],
    rejected: list[Rejected],
    lines: int,
    progress: Progress,
) -> None:
    """One transaction: the rows, their rejections and the job's counters move together, so a
    crash leaves either the whole chunk or none of it."""
    if index > job.last_chunk:
        with transaction.atomic():
            imported, unchanged = importer.write(good) if good else (0, 0)
            refused = importer.refused_in_write()
            if refused:
                rejected = sorted([*rejected, *refused], key=lambda r: r.line)
            ImportRejection.objects.bulk_create(
                [
                    ImportRejection(
                        job=job, line=r.line, column=r.column, value=r.value, reason=r.reason[:500]
                    )
                    for r in rejected
                ],
                batch_size=2000,
            )
            advance_job(job, index, lines, imported, unchanged, len(rejected))
    if progress:
        progress(lines)


def advance_job(
    job: ImportJob, index: int, lines: int, imported: int, unchanged: int, rejected: int
) -> None:
    """Add a committed chunk's counters to the job (inside the chunk's transaction)."""
    ImportJob.objects.filter(pk=job.pk).update(
        rows_read=F("rows_read") + lines,
        rows_imported=F("rows_imported") + imported,
        rows_unchanged=F("rows_unchanged") + unchanged,
        rows_rejected=F("rows_rejected") + rejected,
        last_chunk=index,
    )
    job.last_chunk = index
