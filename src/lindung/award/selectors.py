"""Reads of the award, each taking the acting user. Entries go through ``Entry.objects.for_actor``
(organisers by region, entrants their own entry, verifiers and jurors their assignments); every
other row is reached through a visible entry. Published results are public."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from lindung.award.models import (
    Answer,
    Assignment,
    AssignmentKind,
    Criterion,
    Edition,
    Entry,
    Result,
    ScoringRun,
    StageKind,
)
from lindung.core.permissions import has_capability, require_capability
from lindung.core.roles import Capability
from lindung.core.scope import actor_scope


def entries_for(user: Any, edition: Edition | None = None) -> QuerySet[Entry]:
    require_capability(user, Capability.VIEW_AWARD)
    entries = Entry.objects.for_actor(user).select_related("category", "edition")
    return entries.filter(edition=edition) if edition is not None else entries


def entry_for(user: Any, pk: int) -> Entry:
    try:
        return entries_for(user).get(pk=pk)
    except Entry.DoesNotExist:
        raise Http404 from None


def editions_for(user: Any) -> QuerySet[Edition]:
    """Editions the user organises (region scope) or has a visible entry in."""
    require_capability(user, Capability.VIEW_AWARD)
    scope = actor_scope(user)
    if scope.unrestricted:
        return Edition.objects.all()
    visible = Entry.objects.for_actor(user).values("edition_id")
    mine = Q(pk__in=visible)
    if has_capability(user, Capability.MANAGE_AWARD) or scope.role in ("bpjs_branch", "auditor"):
        mine |= Q(pk__in=Edition.objects.for_actor(user).values("pk"))
    return Edition.objects.filter(mine).distinct()


def edition_for(user: Any, pk: int) -> Edition:
    try:
        return editions_for(user).get(pk=pk)
    except Edition.DoesNotExist:
        raise Http404 from None


def managed_edition(user: Any, pk: int) -> Edition:
    require_capability(user, Capability.MANAGE_AWARD)
    try:
        return Edition.objects.for_actor(user).get(pk=pk)
    except Edition.DoesNotExist:
        raise Http404 from None


def published_edition(pk: int) -> Edition:
    """Anyone may read a published edition's results (no personal data in them)."""
    try:
        return Edition.objects.get(pk=pk, stage=StageKind.PUBLISHED)
    except Edition.DoesNotExist:
        raise Http404 from None


def published_editions() -> QuerySet[Edition]:
    return Edition.objects.filter(stage=StageKind.PUBLISHED)


def criteria_of(entry: Entry, kind: str | None = None) -> QuerySet[Criterion]:
    criteria = entry.category.criteria.all()
    return criteria.filter(kind=kind) if kind else criteria


def answers_of(entry: Entry) -> QuerySet[Answer]:
    return entry.answers.select_related("criterion", "verified_by").prefetch_related("evidence")


def assignment_of(user: Any, entry: Entry, kind: str) -> Assignment | None:
    return Assignment.objects.filter(entry=entry, user_id=user.pk, kind=kind).first()


def assignments_for(user: Any, kind: str) -> QuerySet[Assignment]:
    """The user's own verifier or juror assignments."""
    require_capability(
        user, Capability.VERIFY_AWARD if kind == AssignmentKind.VERIFIER else Capability.JUDGE_AWARD
    )
    return (
        Assignment.objects.filter(user_id=user.pk, kind=kind)
        .select_related("entry", "entry__edition", "entry__category")
        .annotate(scored=Count("scores"))
    )


def runs_of(edition: Edition) -> QuerySet[ScoringRun]:
    return edition.runs.select_related("computed_by")


def final_results(edition: Edition) -> QuerySet[Result]:
    """The published ranking: the final run's results by category and rank."""
    return Result.objects.filter(run__edition=edition, run__final=True).select_related(
        "entry", "category"
    )


def run_results(run: ScoringRun) -> QuerySet[Result]:
    return run.results.select_related("entry", "category").prefetch_related(
        "scores", "scores__criterion"
    )


def winner_result(edition: Edition, pk: int) -> Result:
    """A placed result of a published edition (for its certificate)."""
    try:
        result = final_results(edition).get(pk=pk)
    except Result.DoesNotExist:
        raise Http404 from None
    if result.rank > result.category.winners:
        raise Http404
    return result
