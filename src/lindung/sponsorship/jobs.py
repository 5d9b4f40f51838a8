"""Sponsorship work for the worker: a CSR matching started from the matchings page, and the
acceptance of a draft matching started from its page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from lindung.core.i18n import bilingual
from lindung.core.jobs.runtime import JobFailed, job_actor
from lindung.sponsorship.matching import accept_run, match_region
from lindung.sponsorship.models import MatchRun
from lindung.sponsorship.services import SponsorshipError


def match(*, job: Any, progress: Any, code: str, **_: Any) -> dict[str, Any]:
    """A draft matching of the region's open pledges, as the officer who started it."""
    progress(5, code)
    run = match_region(actor=job_actor(job), code=code)
    return {"run": run.pk, "url": reverse("sponsorship:match", args=[run.pk])}


def accept(*, job: Any, progress: Any, run: int, **_: Any) -> dict[str, Any]:
    """Accept a draft matching (its workers reserved), as the officer who started it; a
    refusal (the run is no longer a draft, a pledge was matched meanwhile, a worker was funded
    by another programme since) ends the job ``failed`` with its reason."""
    actor = job_actor(job)
    draft = MatchRun.objects.for_actor(actor).filter(pk=run).first()
    if draft is None:
        raise JobFailed(
            bilingual(
                "hasil pencocokan tidak ditemukan di wilayah Anda",
                "the matching is not found in your area",
            )
        )
    progress(5, draft.region_id)
    try:
        accepted = accept_run(actor=actor, run=draft)
    except SponsorshipError as exc:
        raise JobFailed(str(exc)) from None
    return {
        "run": accepted.pk,
        "assigned": accepted.assigned,
        "url": reverse("sponsorship:match", args=[accepted.pk]),
    }
