"""Reading jobs: a user sees the jobs they started and, for region staff, the jobs of their
regions; administrators see all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db.models import Count, Max
from django.http import Http404
from django.utils import timezone

from lindung.core.jobs.filters import JobFilter
from lindung.core.models import Job, JobState, WorkerBeat


def jobs_for(user: Any) -> Any:
    if not getattr(user, "is_authenticated", False):
        return Job.objects.none()
    return Job.objects.for_actor(user).select_related("owner")


def jobs_filtered(user: Any, params: Mapping[str, Any]) -> JobFilter:
    """The jobs as their page and the API filter them, newest first."""
    return JobFilter(params, queryset=jobs_for(user).order_by("-created_at", "-id"))


def job_for(user: Any, pk: int) -> Job:
    try:
        return jobs_for(user).get(pk=pk)
    except Job.DoesNotExist:
        raise Http404(pk) from None


def state_counts() -> dict[str, int]:
    """Jobs per state, every state listed (for /healthz)."""
    counts = dict.fromkeys(JobState.values, 0)
    for row in Job.objects.order_by().values("state").annotate(n=Count("id")):
        counts[row["state"]] = row["n"]
    return counts


def worker_last_seen() -> dt.datetime | None:
    return WorkerBeat.objects.aggregate(seen=Max("seen_at"))["seen"]


def worker_is_alive(now: dt.datetime | None = None) -> bool:
    seen = worker_last_seen()
    limit = dt.timedelta(seconds=settings.LINDUNG_WORKER_LOST_AFTER)
    return seen is not None and seen >= (now or timezone.now()) - limit
