"""Register work for the worker: reconciliation with the registry (after a register import,
after a membership-writing import, nightly, or on an officer's request)."""

from __future__ import annotations

from typing import Any

from lindung.core.jobs.runtime import job_actor
from lindung.publicworkers import services
from lindung.publicworkers.models import PublicWorker
from lindung.publicworkers.selectors import narrowed


def reconcile_all(*, job: Any, progress: Any, region: str = "") -> dict[str, Any]:
    """Reconcile the register of the job owner's area (everyone's for a system job), or of
    ``region`` within it; only changed rows are written."""
    progress(5, "rekonsiliasi / reconciling")
    workers = narrowed(PublicWorker.objects.all(), region=region)
    changed = services.refresh(actor=job_actor(job), workers=workers)
    return {"changed": changed}


def nightly(*, job: Any, progress: Any, due: str = "") -> dict[str, Any]:
    """The nightly schedule: the whole register, as of today."""
    return reconcile_all(job=job, progress=progress)
