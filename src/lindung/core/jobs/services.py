"""Starting, cancelling and retrying jobs, and giving back the jobs of a worker that died."""

from __future__ import annotations

import logging
import os
import socket
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from lindung.core.audit import CoreAudit, acting_user, record_audit
from lindung.core.i18n import bilingual
from lindung.core.jobs.files import stored_file
from lindung.core.jobs.runtime import execute, run_job
from lindung.core.models import ACTIVE_JOB_STATES, Job, JobState, WorkerBeat
from lindung.core.permissions import acting, require_admin

log = logging.getLogger(__name__)


class JobBusy(Exception):
    """The target has an active job of this kind already; ``job`` is that one."""

    def __init__(self, job: Job) -> None:
        super().__init__(
            bilingual(
                f"tugas yang sama sedang berjalan (#{job.pk}); tunggu sampai selesai",
                f"the same job is running already (#{job.pk}); wait until it ends",
            )
        )
        self.job = job


def _dispatch(job_id: int) -> None:
    """Hand the job to the task library once the caller's transaction has committed it
    (``LINDUNG_JOBS_INLINE``: run it here and now — tests, one-off scripts)."""
    if getattr(settings, "LINDUNG_JOBS_INLINE", False):
        execute(job_id)
        return
    transaction.on_commit(lambda: run_job.enqueue(job_id=job_id))


def submit(
    *,
    actor: Any,
    kind: str,
    target: str,
    label: str,
    work: str,
    arguments: dict[str, Any] | None = None,
    region_code: str = "",
    request_id: str = "",
) -> Job:
    """Record a job and queue it. ``work`` is the dotted path of ``def f(*, job, progress,
    **arguments) -> dict``; ``arguments`` must be JSON. The caller has checked the capability
    of the operation itself. Raises ``JobBusy`` while the target has an active job of the kind."""
    job = Job(
        kind=kind,
        target=target[:200],
        label=label[:200],
        owner=acting_user(actor),
        task_path=work,
        arguments=arguments or {},
        request_id=request_id,
    )
    if region_code:
        job.assign_region_codes(region_code)
    try:
        with transaction.atomic():
            job.save()
    except IntegrityError:
        running = Job.objects.filter(kind=kind, target=target, state__in=ACTIVE_JOB_STATES).first()
        if running is None:  # it ended between the insert and this read
            raise
        raise JobBusy(running) from None
    _dispatch(job.pk)
    return job


def _require_owner_or_admin(actor: Any, job: Job) -> None:
    user = acting(actor)
    if getattr(user, "pk", None) is None or user.pk != job.owner_id:
        require_admin(user)


@transaction.atomic(durable=True)
def cancel(*, actor: Any, job: Job) -> Job:
    """A queued job ends ``cancelled`` at once; a running one stops at its next progress
    report. The one who started it or an administrator."""
    _require_owner_or_admin(actor, job)
    if job.state == JobState.QUEUED:
        Job.objects.filter(pk=job.pk, state=JobState.QUEUED).update(
            state=JobState.CANCELLED, cancel_requested=True, finished_at=timezone.now()
        )
    elif job.state == JobState.RUNNING:
        Job.objects.filter(pk=job.pk).update(cancel_requested=True)
    else:
        raise ValueError(bilingual("tugas ini sudah selesai", "this job has ended already"))
    record_audit(actor=actor, action=CoreAudit.JOB_CANCEL, target=job, region_code=_region(job))
    job.refresh_from_db()
    return job


def retry(*, actor: Any, job: Job) -> Job:
    """Run a failed or cancelled job again, as the same row (an import resumes where it
    stopped). The one who started it or an administrator."""
    _require_owner_or_admin(actor, job)
    if job.state not in (JobState.FAILED, JobState.CANCELLED):
        raise ValueError(
            bilingual("hanya tugas yang gagal atau dibatalkan", "only failed or cancelled jobs")
        )
    try:
        with transaction.atomic(durable=True):
            Job.objects.filter(pk=job.pk).update(
                state=JobState.QUEUED, error="", cancel_requested=False, finished_at=None
            )
            record_audit(
                actor=actor, action=CoreAudit.JOB_RETRY, target=job, region_code=_region(job)
            )
    except IntegrityError:
        raise ValueError(
            bilingual("tugas yang sama sedang berjalan", "the same job is running already")
        ) from None
    _dispatch(job.pk)
    job.refresh_from_db()
    return job


class FileGone(Exception):
    """The job made no file, or its file has been deleted (files are kept for a while only)."""


@transaction.atomic(durable=True)
def download(*, actor: Any, job: Job) -> Path:
    """The file ``job`` made, for the one who started it only (not an administrator either: an
    export holds the rows of its owner's scope); each download is audited."""
    user = acting(actor)
    if getattr(user, "pk", None) is None or user.pk != job.owner_id:
        raise PermissionDenied
    path = stored_file(job)
    if path is None:
        raise FileGone(
            bilingual(
                "berkas tugas ini sudah dihapus (berkas hanya disimpan sementara); jalankan lagi",
                "this job's file has been deleted (files are kept for a while only); run it again",
            )
        )
    record_audit(
        actor=actor,
        action=CoreAudit.JOB_DOWNLOAD,
        target=job,
        region_code=_region(job),
        after={"file": path.name, "bytes": path.stat().st_size},
    )
    return path


def _region(job: Job) -> str:
    return job.village_code or job.district_code or job.regency_code or job.province_code


def _alive_here(beat: WorkerBeat) -> bool | None:
    """Whether the worker's process still exists, when it ran on this machine (None: unknown)."""
    if beat.hostname != socket.gethostname():
        return None
    try:
        os.kill(beat.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover_lost_jobs(now: Any = None) -> list[int]:
    """Jobs left ``running`` by a worker that is gone (its process is dead, or it has not been
    seen for ``LINDUNG_WORKER_LOST_AFTER`` seconds) are queued again; their functions resume
    from what they committed. Returns the ids requeued."""
    now = now or timezone.now()
    lost_after = timezone.timedelta(seconds=settings.LINDUNG_WORKER_LOST_AFTER)
    beats = {b.worker_id: b for b in WorkerBeat.objects.all()}
    requeued = []
    for job in Job.objects.filter(state=JobState.RUNNING).only("pk", "worker_id"):
        beat = beats.get(job.worker_id)
        if beat is not None:
            alive = _alive_here(beat)
            if alive or (alive is None and beat.seen_at >= now - lost_after):
                continue
        moved = Job.objects.filter(
            pk=job.pk, state=JobState.RUNNING, worker_id=job.worker_id
        ).update(state=JobState.QUEUED, worker_id="", step="")
        if moved:
            log.warning("job %s lost its worker %s: queued again", job.pk, job.worker_id)
            requeued.append(job.pk)
            _dispatch(job.pk)
    return requeued
