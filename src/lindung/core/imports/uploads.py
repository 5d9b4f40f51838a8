"""Uploaded extracts on disk, and how long they stay (docs/data-formats.md, "Uploads").

An upload is saved as ``<job id>-<database>-<random>.<suffix>`` in the uploads folder
(``IMPORT_FILES_DIR``, default ``VAR_DIR/imports``); ``<database>`` tells apart the jobs of
databases sharing a folder (test workers), and the purge leaves other databases' files alone.
Its job keeps the file's SHA-256, name, counters and reject report (masked) for good; the file
itself holds unmasked personal data and goes as soon as it is not needed:

* the job ends ``done``: every file of the job is deleted at once (``discard_job_files``);
* the job ends ``failed`` (or its process died): the file stays ``IMPORT_RETENTION_DAYS`` after
  the job last ended, so the same file can be uploaded again and the job resumed, then
  ``purge_expired_uploads`` (``lindung imports purge``, run daily by a scheduler) deletes it;
* a file no job names (an upload refused or cut off) goes after the same number of days.

A repeated import never needs the first job's file: the new upload is read, the SHA-256 only
finds an unfinished job to resume.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from lindung.core.i18n import bilingual
from lindung.core.imports.locks import is_busy, purge_lock_files
from lindung.core.imports.storage import upload_folder
from lindung.core.loading import LoadError
from lindung.core.models import ImportJob, ImportState
from lindung.core.storage import database_key

log = logging.getLogger(__name__)

PART = ".part"  # an upload not yet given to a job
_JOB_FILE = re.compile(r"^(\d+)-([0-9a-f]{12})-[0-9a-f]{32}\.[a-z]+$")
# A job still ``running`` this long after it started, whose lock nobody holds, was interrupted.
INTERRUPTED_AFTER = dt.timedelta(minutes=10)


def size_message(size: int) -> str:
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    return bilingual(
        f"berkas terlalu besar ({filesizeformat(size)}; paling besar {filesizeformat(limit)}); "
        "pecah menjadi beberapa berkas",
        f"the file is too large ({filesizeformat(size)}; at most {filesizeformat(limit)}); "
        "split it into several files",
    )


def check_size(path: Path) -> None:
    """The upload limit holds for every import, the CLI's too (``LINDUNG_IMPORT_MAX_UPLOAD_MB``)."""
    size = path.stat().st_size
    if size > settings.IMPORT_MAX_UPLOAD_BYTES:
        raise LoadError(size_message(size))


def save_upload(upload: Any, suffix: str) -> Path:
    """Write an uploaded file into the uploads folder, not yet named after a job."""
    path = upload_folder() / f"{uuid.uuid4().hex}{PART}{suffix}"
    with open(path, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    return path


def attach(path: Path, job: ImportJob) -> Path:
    """Name the saved upload after its job, so the job's end decides how long it stays."""
    suffix = path.name.rsplit(".", 1)[-1]
    named = path.with_name(f"{job.pk}-{database_key()}-{uuid.uuid4().hex}.{suffix}")
    path.rename(named)
    return named


def job_files(job_id: int) -> list[Path]:
    folder = upload_folder()
    return [p for p in folder.glob(f"{int(job_id)}-{database_key()}-*") if _JOB_FILE.match(p.name)]


def discard_job_files(job: ImportJob) -> int:
    """Delete the job's uploaded files (its job is done: they are not needed any more)."""
    deleted = 0
    for path in job_files(job.pk):
        path.unlink(missing_ok=True)
        deleted += 1
    return deleted


def interrupted_message() -> str:
    return bilingual(
        "impor terputus (prosesnya berhenti); unggah berkas yang sama lagi untuk melanjutkan",
        "the import was interrupted (its process ended); upload the same file again to continue",
    )


def fail_interrupted_jobs(now: dt.datetime | None = None, job_id: int | None = None) -> int:
    """Jobs left ``running`` by a process that died (nobody holds their lock) become ``failed``,
    so no job shows as running for ever (the purge, and a job's page, ask). Returns how many."""
    now = now or timezone.now()
    jobs = ImportJob.objects.filter(
        state=ImportState.RUNNING, started_at__lt=now - INTERRUPTED_AFTER
    )
    if job_id is not None:
        jobs = jobs.filter(pk=job_id)
    failed = 0
    for pk in jobs.values_list("pk", flat=True):
        if is_busy(pk):
            continue
        failed += ImportJob.objects.filter(pk=pk, state=ImportState.RUNNING).update(
            state=ImportState.FAILED, error=interrupted_message(), finished_at=now
        )
    return failed


def purge_expired_uploads(now: dt.datetime | None = None) -> int:
    """Delete the uploaded files that may go (see the module docstring); returns how many.

    Jobs left running by a dead process are marked failed first, and their retention counts
    from then. A file whose job is running now is never touched."""
    now = now or timezone.now()
    fail_interrupted_jobs(now)
    cutoff = now - dt.timedelta(days=settings.IMPORT_RETENTION_DAYS)
    folder = upload_folder()
    ours = database_key()
    by_job: dict[int, list[Path]] = {}
    deleted = 0
    for path in folder.iterdir():
        if not path.is_file():
            continue
        match = _JOB_FILE.match(path.name)
        if match:
            if match.group(2) == ours:  # another database's jobs are its own purge's
                by_job.setdefault(int(match.group(1)), []).append(path)
        elif _modified(path) < cutoff:  # no job: a refused, cut-off or pre-retention upload
            path.unlink(missing_ok=True)
            deleted += 1
    jobs = {
        j.pk: j
        for j in ImportJob.objects.filter(pk__in=list(by_job)).only(
            "pk", "state", "started_at", "finished_at"
        )
    }
    for job_id, paths in by_job.items():
        job = jobs.get(job_id)
        if job is None or job.state == ImportState.DONE:
            expired = True
        elif job.state == ImportState.FAILED:
            expired = (job.finished_at or job.started_at) < cutoff
        else:
            expired = False  # running: its process holds it, or it is younger than the check
        if expired and not is_busy(job_id):
            for path in paths:
                path.unlink(missing_ok=True)
                deleted += 1
    purge_lock_files(_finished_long_ago(now), now)
    if deleted:
        log.info("import uploads purged: %s files", deleted)
    return deleted


def _modified(path: Path) -> dt.datetime:
    return dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)


def _finished_long_ago(now: dt.datetime) -> set[int]:
    return set(
        ImportJob.objects.filter(Q(state=ImportState.DONE) | Q(state=ImportState.FAILED))
        .filter(finished_at__lt=now - dt.timedelta(days=1))
        .values_list("pk", flat=True)
    )
