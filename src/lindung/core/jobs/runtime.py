"""The worker's side of a job: claim it, run its function with a progress reporter, record how it
ended. One django-tasks task (``run_job``) serves every kind; the ``Job`` row says what to run."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from lindung.core.i18n import bilingual
from lindung.core.middleware import request_id_bound
from lindung.core.models import ACTIVE_JOB_STATES, Job, JobState
from lindung.core.scope import SYSTEM

log = logging.getLogger(__name__)

# Sent when a job ends (done, failed or cancelled): notifications listen to it.
job_finished = Signal()

# Progress is written at most this often (seconds), or when the percent changes.
PROGRESS_EVERY = 1.0


class JobCancelled(Exception):
    """Raised inside a job's function by ``progress`` once someone asked to cancel it."""


class JobFailed(Exception):
    """Raised by a job's function to end it ``failed`` with this bilingual reason."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def job_actor(job: Job) -> Any:
    """Who a job acts as: the user who started it (their capability and scope hold in the
    worker as they did in the request), or ``SYSTEM`` for a schedule's job."""
    return job.owner if job.owner_id else SYSTEM


def failure_message(exc: BaseException) -> str:
    """What a job that stopped on an unexpected error says: no detail (it may hold personal data;
    the log has the traceback)."""
    return bilingual(
        f"tugas berhenti karena kesalahan tak terduga ({type(exc).__name__}); jalankan lagi untuk "
        "melanjutkan",
        f"the job stopped on an unexpected error ({type(exc).__name__}); retry it to continue",
    )


class Progress:
    """Called by a job's function as ``progress(percent, step)``; also the point where a
    cancelled job stops."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self._written = (-1, "")
        self._at = 0.0

    def __call__(self, percent: float, step: str = "") -> None:
        percent_int = max(0, min(99, int(percent)))
        now = time.monotonic()
        if (percent_int, step) != self._written and (
            percent_int != self._written[0] or now - self._at >= PROGRESS_EVERY
        ):
            Job.objects.filter(pk=self.job_id).update(percent=percent_int, step=step[:200])
            self._written, self._at = (percent_int, step), now
        if Job.objects.filter(pk=self.job_id, cancel_requested=True).exists():
            raise JobCancelled


def _claim(job_id: int, worker_id: str) -> Job | None:
    """The job, now ``running`` under this worker; None when there is nothing to run (done,
    failed, cancelled, or gone)."""
    with transaction.atomic():
        claimed = Job.objects.filter(pk=job_id, state__in=ACTIVE_JOB_STATES).update(
            state=JobState.RUNNING,
            worker_id=worker_id[:64],
            started_at=timezone.now(),
            attempts=F("attempts") + 1,
        )
    return Job.objects.get(pk=job_id) if claimed else None


def _finish(job_id: int, state: str, **fields: Any) -> None:
    Job.objects.filter(pk=job_id, state=JobState.RUNNING).update(
        state=state, finished_at=timezone.now(), **fields
    )


def execute(job_id: int, worker_id: str = "inline") -> str:
    """Run the job to its end; returns the state it ended in."""
    job = _claim(job_id, worker_id)
    if job is None:
        return Job.objects.filter(pk=job_id).values_list("state", flat=True).first() or ""
    if job.cancel_requested:
        _finish(job_id, JobState.CANCELLED)
    else:
        work = import_string(job.task_path)
        with request_id_bound(job.request_id):
            try:
                result = work(job=job, progress=Progress(job_id), **job.arguments)
            except JobCancelled:
                _finish(job_id, JobState.CANCELLED)
            except JobFailed as exc:
                _finish(job_id, JobState.FAILED, error=exc.message[:2000])
            except Exception as exc:
                log.exception("job %s (%s) failed", job_id, job.kind)
                _finish(job_id, JobState.FAILED, error=failure_message(exc))
            else:
                _finish(job_id, JobState.DONE, percent=100, step="", result=result or {})
    job.refresh_from_db()
    # A listener that fails (a notification) must not undo or hide how the job ended.
    for _receiver, error in job_finished.send_robust(sender=Job, job=job):
        if isinstance(error, Exception):
            log.error("job %s: a job_finished listener failed (%s)", job_id, type(error).__name__)
    return job.state


@task(takes_context=True)
def run_job(context: Any, job_id: int) -> str:
    """The one task the worker runs for every job kind."""
    worker_ids = getattr(context.task_result, "worker_ids", None) or ["worker"]
    return execute(job_id, worker_ids[-1])
