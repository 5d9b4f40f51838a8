"""Compliance work for the worker: the nightly checks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse

from lindung.compliance.services import run_checks
from lindung.core.scope import SYSTEM


def checks(*, job: Any, progress: Any, region: str, actor_id: int | None) -> dict[str, Any]:
    """The checks an officer started from the runs page, as that officer."""
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else SYSTEM
    run = run_checks(actor=actor, region=region, progress=progress)
    return {"run": run.pk, "counts": run.counts, "url": reverse("compliance:runs")}


def nightly_checks(*, job: Any, progress: Any, due: str, region: str = "") -> dict[str, Any]:
    """Every check over ``region`` (the whole database when empty), as of the schedule's day."""
    day = dt.datetime.fromisoformat(due).date()
    progress(5, region or "semua wilayah / all regions")
    run = run_checks(actor=SYSTEM, region=region, as_of=day)
    return {"run": run.pk, "counts": run.counts}
