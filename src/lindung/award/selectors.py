"""Reads of the award, each taking the acting user. Entries go through ``Entry.objects.for_actor``
(organisers by region, entrants their own entry, verifiers and jurors their assignments); every
other row is reached through a visible entry. Published results are public."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from lindung.award.filters import EntryFilter
from lindung.award.models import (
    ORGANISER_ROLES,
    Answer,
    Assignment,
    AssignmentKind,
    Criterion,
    CriterionKind,
    Edition,
    Entry,
    Evidence,
    IndicatorValue,
    JuryScore,
    Result,
    ScoringRun,
    StageKind,
    Verdict,
)
from lindung.core.permissions import has_capability, require_capability
from lindung.core.roles import Capability
from lindung.core.scope import actor_scope


def entries_for(user: Any, edition: Edition | None = None) -> QuerySet[Entry]:
    require_capability(user, Capability.VIEW_AWARD)
    entries = Entry.objects.for_actor(user).select_related("category", "edition")
    return entries.filter(edition=edition) if edition is not None else entries


def entry_for(user: Any, pk: int, *, working_as: str | None = None) -> Entry:
    """A visible entry (404 outside). ``working_as`` names the capability the user's work on it
    needs (a portal write): without it the answer is 403 before any row is looked up."""
    if working_as is not None:
        require_capability(user, working_as)
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
    if organises(user):
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


# --- the portal (entrants, verifiers, jurors) ----------------------------------------------------


def answer_for(user: Any, pk: int, *, working_as: str | None = None) -> Answer:
    """An answer of a visible entry (404 outside); ``working_as`` as in ``entry_for``."""
    if working_as is not None:
        require_capability(user, working_as)
    try:
        return Answer.objects.select_related("entry", "entry__edition", "criterion").get(
            pk=pk, entry__in=entries_for(user)
        )
    except Answer.DoesNotExist:
        raise Http404 from None


def evidence_for(user: Any, pk: int) -> Any:
    """An evidence file of a visible entry (404 outside): the only way to download one."""
    try:
        return Evidence.objects.get(pk=pk, answer__entry__in=entries_for(user))
    except Evidence.DoesNotExist:
        raise Http404 from None


def own_assignment(user: Any, pk: int, kind: str) -> Assignment:
    """One of the user's own assignments (404 for anybody else's)."""
    try:
        return assignments_for(user, kind).get(pk=pk)
    except Assignment.DoesNotExist:
        raise Http404 from None


def indicators_of(entry: Entry) -> QuerySet:
    """The entry's frozen automatic indicators, in the criteria's order."""
    return entry.indicators.select_related("criterion").order_by(
        "criterion__position", "criterion_id"
    )


def jury_scores_visible(user: Any, entry: Entry) -> QuerySet:
    """Jury scores of an entry the user may read: organisers (who see entries by region) every
    juror's; a juror only its own; entrants and verifiers none."""
    scores = JuryScore.objects.filter(
        assignment__entry=entry, assignment__kind=AssignmentKind.JUROR
    ).select_related("assignment__user", "criterion")
    if organises(user):
        return scores.order_by("assignment__user__username", "criterion__position")
    if has_capability(user, Capability.JUDGE_AWARD):
        return scores.filter(assignment__user_id=user.pk)
    return scores.none()


def juror_assignments_of(user: Any, entry: Entry) -> QuerySet[Assignment]:
    """The entry's juror assignments with their conflicts, for organisers only."""
    if organises(user):
        return entry.assignments.filter(kind=AssignmentKind.JUROR).select_related("user")
    return entry.assignments.none()


def worklist_for(user: Any, kind: str) -> QuerySet[Assignment]:
    """A verifier's or juror's own assignments with counts taken in subqueries (so they do not
    multiply each other): answers, answers still pending, and the category's jury criteria."""

    def count(queryset: QuerySet, group: str) -> Coalesce:
        counted = queryset.order_by().values(group).annotate(n=Count("pk")).values("n")[:1]
        return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

    answers = Answer.objects.filter(entry=OuterRef("entry"))
    jury = Criterion.objects.filter(category=OuterRef("entry__category"), kind=CriterionKind.JURY)
    return (
        assignments_for(user, kind)
        .annotate(
            answers_total=count(answers, "entry"),
            answers_pending=count(answers.filter(verdict=Verdict.PENDING), "entry"),
            jury_criteria=count(jury, "category"),
        )
        .order_by("entry__edition", "entry__category", "entry__name")
    )


# --- organiser pages (views.py): who reads what beyond the entries -----------------------------


def organises(user: Any) -> bool:
    """Reads whole editions, scoring runs, every juror's scores and the assignments of the
    entries it sees: the organisers (the province; admins) and the read-only co-organisers,
    the BPJS branch and auditors (``ORGANISER_ROLES``). Rows stay region-scoped: results are
    cut to the entries the user sees (``visible_results``)."""
    scope = actor_scope(user)
    return scope.unrestricted or scope.role in ORGANISER_ROLES


def manages(user: Any, edition: Edition) -> bool:
    return (
        has_capability(user, Capability.MANAGE_AWARD)
        and Edition.objects.for_actor(user).filter(pk=edition.pk).exists()
    )


def edition_entries(user: Any, edition: Edition) -> QuerySet[Entry]:
    return (
        entries_for(user, edition)
        .select_related("category")
        .prefetch_related("assignments__user")
        .order_by("category_id", "name", "pk")
    )


def entries_filtered(user: Any, params: Any, edition: Edition | None = None) -> EntryFilter:
    """The entries the user sees (of ``edition`` when given) through the entries FilterSet;
    ``.qs`` holds the rows once ``.is_valid()``."""
    rows = edition_entries(user, edition) if edition is not None else entries_for(user)
    return EntryFilter(params, queryset=rows)


def run_for(user: Any, pk: int, number: int) -> ScoringRun:
    require_capability(user, Capability.VIEW_AWARD)
    if not organises(user):
        raise PermissionDenied("award scoring run")
    edition = edition_for(user, pk)
    try:
        return runs_of(edition).select_related("edition").get(number=number)
    except ScoringRun.DoesNotExist:
        raise Http404 from None


def visible_results(user: Any, run: ScoringRun) -> QuerySet[Result]:
    """A run's results of the entries the user sees (ranks stay those of the whole category)."""
    return run_results(run).filter(entry__in=Entry.objects.for_actor(user).values("pk"))


def assignable_users(user: Any) -> QuerySet[Any]:
    """Users an organiser may assign: active verifiers and jurors."""
    require_capability(user, Capability.MANAGE_AWARD)
    return (
        get_user_model()
        .objects.filter(is_active=True, role__in=("award_verifier", "award_jury"))
        .order_by("role", "username")
    )


def user_names(ids: set[int]) -> dict[int, str]:
    """Usernames for the audit of a run (verifiers and jurors named in its sources)."""
    rows = get_user_model().objects.filter(pk__in=ids).values_list("pk", "username")
    return dict(rows)


def frozen_indicators(edition: Edition) -> dict[str, Any]:
    return IndicatorValue.objects.filter(entry__edition=edition).aggregate(
        values=Count("pk"), at=Max("computed_at")
    )
