"""Job functions for tests/core/test_jobs.py (jobs name their work by dotted path)."""

from __future__ import annotations

from typing import Any

from lindung.core.jobs.runtime import JobFailed

CALLS: list[dict[str, Any]] = []


def succeed(*, job: Any, progress: Any, value: int = 0, due: str = "") -> dict[str, Any]:
    progress(50, "halfway")
    CALLS.append({"job": job.pk, "value": value, "due": due})
    return {"value": value * 2}


def refuse(*, job: Any, progress: Any) -> dict[str, Any]:
    raise JobFailed("berkas tidak terbaca / the file cannot be read")


def crash(*, job: Any, progress: Any) -> dict[str, Any]:
    raise RuntimeError("NIK 1871010101900003 must never reach the job's message")


def cancel_midway(*, job: Any, progress: Any) -> dict[str, Any]:
    from lindung.core.models import Job

    Job.objects.filter(pk=job.pk).update(cancel_requested=True)
    progress(40, "checking")  # raises JobCancelled
    return {"finished": True}
