"""Award work for the worker: an edition's indicator freeze and scoring computation, started
from the edition page (``runs.start_freeze``, ``runs.start_compute``) and run as the organiser
who started them. The command line (``lindung award freeze|compute``) still calls the
synchronous services and waits."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from lindung.award import runs
from lindung.award.models import Edition
from lindung.award.services import AwardError
from lindung.core.i18n import bilingual
from lindung.core.jobs.runtime import JobFailed, job_actor


def _edition(actor: Any, pk: int) -> Edition:
    """The job's edition as its actor sees it now (scope holds in the worker as in the page)."""
    edition = Edition.objects.for_actor(actor).filter(pk=pk).first()
    if edition is None:
        raise JobFailed(bilingual("edisi tidak ditemukan", "the edition is not found"))
    return edition


def _refused(exc: Exception) -> JobFailed:
    """A refusal of the service ends the job ``failed`` with its reason (not as a crash)."""
    if isinstance(exc, AwardError):
        return JobFailed(str(exc))
    return JobFailed(
        bilingual(
            "Anda tidak lagi berwenang mengelola penghargaan", "you may no longer manage awards"
        )
    )


def freeze(*, job: Any, progress: Any, edition: int, **_: Any) -> dict[str, Any]:
    """Every automatic indicator of the edition frozen as of its cut-off date."""
    actor = job_actor(job)
    found = _edition(actor, edition)
    try:
        values = runs.freeze_indicators(actor=actor, edition=found, progress=progress)
    except (AwardError, PermissionDenied) as exc:
        raise _refused(exc) from exc
    return {
        "edition": found.pk,
        "values": values,
        "as_of": found.cutoff_date.isoformat(),
        "url": reverse("award:edition", args=[found.pk]),
    }


def compute(*, job: Any, progress: Any, edition: int, **_: Any) -> dict[str, Any]:
    """A new numbered scoring run of the edition; the result opens its page."""
    actor = job_actor(job)
    found = _edition(actor, edition)
    try:
        run = runs.compute_run(actor=actor, edition=found, progress=progress)
    except (AwardError, PermissionDenied) as exc:
        raise _refused(exc) from exc
    return {
        "edition": found.pk,
        "run": run.number,
        "inputs_sha256": run.inputs_sha256,
        "url": reverse("award:run", kwargs={"pk": found.pk, "number": run.number}),
    }
