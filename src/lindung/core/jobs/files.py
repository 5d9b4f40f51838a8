"""Files a job makes for the one who started it (a large export, a report).

They live under ``LINDUNG_JOB_FILES_DIR`` (default ``var/job-files``), one folder per database and
job, are handed out only to the job's owner through ``jobs:download`` (audited), and are deleted
``LINDUNG_JOB_FILE_HOURS`` after the job ended by the hourly purge: an export's purpose ends once
it has been fetched (docs/privacy.md "What Lindung keeps, and for how long").
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from lindung.core.models import ACTIVE_JOB_STATES, Job
from lindung.core.storage import database_key


def files_root() -> Path:
    """This database's folder of job files."""
    return Path(settings.LINDUNG_JOB_FILES_DIR) / database_key()


def job_folder(job_id: int) -> Path:
    return files_root() / str(int(job_id))


def output_path(job: Job, filename: str) -> Path:
    """Where ``job`` writes its file ``filename`` (a plain name: no folders); an earlier run's
    files are removed first, so a retried job leaves one file."""
    name = Path(filename).name
    folder = job_folder(job.pk)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder / name


def file_result(job: Job, path: Path, *, content_type: str, **extra: Any) -> dict[str, Any]:
    """The ``result`` of a job that made ``path``: its name, type and size, and the download
    address (the job page's "Open the result" button)."""
    return {
        "file": path.name,
        "content_type": content_type,
        "bytes": path.stat().st_size,
        "url": reverse("jobs:download", args=[job.pk]),
        **extra,
    }


def stored_file(job: Job) -> Path | None:
    """The job's file while it is kept; None once purged (or for a job that made none)."""
    name = (job.result or {}).get("file")
    if not name:
        return None
    path = job_folder(job.pk) / Path(str(name)).name
    return path if path.is_file() else None


def purge_job_files(now: dt.datetime | None = None) -> int:
    """Delete the files of jobs that ended more than ``LINDUNG_JOB_FILE_HOURS`` ago, and folders
    whose job no longer exists; returns how many folders went. A running job's folder stays."""
    root = files_root()
    if not root.is_dir():
        return 0
    now = now or timezone.now()
    cutoff = now - dt.timedelta(hours=settings.LINDUNG_JOB_FILE_HOURS)
    folders = {int(p.name): p for p in root.iterdir() if p.is_dir() and p.name.isdigit()}
    jobs = {
        j.pk: j for j in Job.objects.filter(pk__in=list(folders)).only("pk", "state", "finished_at")
    }
    deleted = 0
    for job_id, folder in folders.items():
        job = jobs.get(job_id)
        keep = job is not None and (
            job.state in ACTIVE_JOB_STATES or job.finished_at is None or job.finished_at >= cutoff
        )
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
            deleted += 1
    return deleted


def purge(*, job: Any, progress: Any, due: str = "") -> dict[str, Any]:
    """The hourly schedule's work: ``purge_job_files``."""
    return {"deleted": purge_job_files()}
