"""Sponsorship work for the worker: a CSR matching started from the matchings page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse

from lindung.core.scope import SYSTEM
from lindung.sponsorship.matching import match_region


def match(*, job: Any, progress: Any, code: str, actor_id: int | None) -> dict[str, Any]:
    """A draft matching of the region's open pledges, as the officer who started it."""
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else SYSTEM
    progress(5, code)
    run = match_region(actor=actor, code=code)
    return {"run": run.pk, "url": reverse("sponsorship:match", args=[run.pk])}
