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

from lindung.core.imports.pipeline import (
    ImportBusy,
    Importer,
    failure_message,
    mark_failed,
    run_import,
)
from lindung.core.loading import LoadError
from lindung.core.middleware import request_id_bound
from lindung.core.models import ImportJob

log = logging.getLogger(__name__)


def _run(importer: Importer, path: Path, job_id: int, actor: Any, request_id: str) -> None:
    with request_id_bound(request_id):
        try:
            job = ImportJob.objects.get(pk=job_id)
            run_import(importer, path, actor=actor, job=job)
        except ImportBusy:
            pass  # another process runs this job; its page shows that run
        except LoadError:
            pass  # the pipeline stored the reason on the job
        except Exception as exc:  # a crash must still show on the job page
            log.exception("import job %s failed", job_id)
            mark_failed(job_id, failure_message(exc))
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
