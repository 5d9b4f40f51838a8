"""The import pipeline's work as jobs of the worker (core.jobs): an uploaded file, and the daily
purge of retained uploads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lindung.core.imports import kinds
from lindung.core.imports.pipeline import ImportBusy, Importer, run_import
from lindung.core.imports.uploads import purge_expired_uploads
from lindung.core.jobs.runtime import JobFailed, job_actor
from lindung.core.loading import LoadError
from lindung.core.models import ImportJob


def run_upload(
    *, job: Any, progress: Any, import_job: int, kind: str, path: str, **_: Any
) -> dict[str, Any]:
    """Import an uploaded file; a second run (a retry, or after the worker was killed) resumes
    from the last committed chunk."""
    return run_importer(kinds.importer_for(kind), job=job, progress=progress,
                        import_job=import_job, path=path)  # fmt: skip


def run_importer(
    importer: Importer, *, job: Any, progress: Any, import_job: int, path: str
) -> dict[str, Any]:
    """A job's import of ``path`` with ``importer`` into the ``ImportJob`` ``import_job``,
    reporting rows read as the job's progress; a file that cannot be imported fails the job with
    the pipeline's reason. Apps whose importer needs arguments (a portal's chosen firm) call it
    from their own job function."""
    record = ImportJob.objects.get(pk=import_job)
    total: list[int | None] = [None]

    def on_total(rows: int | None) -> None:
        total[0] = rows

    def on_lines(lines: int) -> None:
        share = lines * 100 // total[0] if total[0] else 0
        progress(share, f"{lines:,}".replace(",", ".") + " baris / rows")

    try:
        run_import(
            importer,
            Path(path),
            actor=job_actor(job),
            job=record,
            progress=on_lines,
            on_total=on_total,
        )
    except ImportBusy as exc:
        raise JobFailed(str(exc)) from None
    except LoadError as exc:  # the pipeline stored the reason on the import too
        raise JobFailed(str(exc)) from None
    record.refresh_from_db()
    return record.counts()


def purge_uploads(*, job: Any, progress: Any, due: str = "") -> dict[str, Any]:
    return {"deleted": purge_expired_uploads()}
