"""Sponsorship work for the worker: a CSR matching started from the matchings page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from lindung.core.jobs.runtime import job_actor
from lindung.sponsorship.matching import match_region


def match(*, job: Any, progress: Any, code: str, **_: Any) -> dict[str, Any]:
    """A draft matching of the region's open pledges, as the officer who started it."""
    progress(5, code)
    run = match_region(actor=job_actor(job), code=code)
    return {"run": run.pk, "url": reverse("sponsorship:match", args=[run.pk])}
