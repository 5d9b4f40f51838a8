"""Runs an import job away from the request: a thread per job in the web process.

The job itself is resumable (chunks commit with their counters), so a process that dies mid-job
loses nothing: running the same file again continues it. ``LINDUNG_JOBS_INLINE`` runs jobs in the
request instead (tests, single-threaded servers).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from lindung.core.imports.pipeline import Importer, run_import
from lindung.core.loading import LoadError
from lindung.core.middleware import request_id_bound
from lindung.core.models import ImportJob, ImportState

log = logging.getLogger(__name__)


def _run(importer: Importer, path: Path, job_id: int, actor: Any, request_id: str) -> None:
    with request_id_bound(request_id):
        job = ImportJob.objects.get(pk=job_id)
        try:
            run_import(importer, path, actor=actor, job=job)
        except LoadError:
            pass  # the pipeline stored the reason on the job
        except Exception as exc:  # a crash must still show on the job page
            log.exception("import job %s failed", job_id)
            ImportJob.objects.filter(pk=job_id).update(
                state=ImportState.FAILED, error=type(exc).__name__, finished_at=timezone.now()
            )
        finally:
            if threading.current_thread() is not threading.main_thread():
                connection.close()


def submit(importer: Importer, path: Path, job: ImportJob, *, actor: Any, request_id: str) -> None:
    """Start the job once the request's transaction has committed the job row."""
    if getattr(settings, "LINDUNG_JOBS_INLINE", False):
        _run(importer, path, job.pk, actor, request_id)
        return

    def start() -> None:
        threading.Thread(
            target=_run,
            args=(importer, path, job.pk, actor, request_id),
            name=f"import-{job.pk}",
            daemon=True,
        ).start()

    transaction.on_commit(start)
