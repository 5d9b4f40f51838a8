"""Reads of the programmes app, always for an acting user: programmes, runs and their
decisions, run comparison. Scope comes from ``for_actor`` (region of the programme's area or
the funder's organisation); capabilities are checked here so views and API stay thin."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import Http404

from lindung.core.permissions import require_capability
from lindung.core.roles import Capability
from lindung.programmes.filters import CandidateFilter, ProgrammeFilter, RunFilter
from lindung.programmes.models import (
    Candidate,
    Decision,
    EnrolmentStatus,
    Funder,
    Programme,
    ProgrammeInvoice,
    Reason,
    SelectionRun,
)


def programmes_for(user: Any) -> QuerySet[Programme]:
    require_capability(user, Capability.VIEW_PROGRAMMES)
    return Programme.objects.for_actor(user).select_related("funder", "area")


def programmes_filtered(user: Any, params: Any) -> ProgrammeFilter:
    """The programmes list of the page and the API: ``.qs`` once ``.is_valid()``."""
    rows = programmes_for(user).order_by("-fiscal_year", "id")
    return ProgrammeFilter(params, queryset=rows)


def programme_for(user: Any, pk: int) -> Programme:
    try:
        return programmes_for(user).get(pk=pk)
    except Programme.DoesNotExist:
        raise Http404(pk) from None


def funders_for(user: Any) -> QuerySet[Funder]:
    require_capability(user, Capability.VIEW_PROGRAMMES)
    return Funder.objects.for_actor(user).select_related("region")


def runs_for(user: Any, programme: Programme) -> QuerySet[SelectionRun]:
    """A programme's runs; ``programme`` must come from ``programme_for`` (already scoped)."""
    return programme.runs.order_by("-version")


def runs_filtered(user: Any, programme: Programme, params: Any) -> RunFilter:
    """A programme's runs as the detail page and the API list them."""
    return RunFilter(params, queryset=runs_for(user, programme))


def run_for(user: Any, programme: Programme, version: int) -> SelectionRun:
    try:
        return runs_for(user, programme).get(version=version)
    except SelectionRun.DoesNotExist:
        raise Http404(version) from None


@dataclass(frozen=True)
class ReasonCount:
    reason: str
    label: str
    count: int


def reason_counts(run: SelectionRun) -> list[ReasonCount]:
    """Decisions per reason, in the order the checks apply; every reason is listed."""
    counts = dict(
        run.decisions.order_by()
        .values_list("reason")
        .annotate(n=Count("*"))
        .values_list("reason", "n")
    )
    return [ReasonCount(value, label, counts.get(value, 0)) for value, label in Reason.choices]


def decisions_for(user: Any, run: SelectionRun, reason: str = "") -> QuerySet[Decision]:
    """The run's decisions on candidates the user may see (a village operator: its village)."""
    candidates = Candidate.objects.for_actor(user)
    rows = Decision.objects.filter(run=run, candidate__in=candidates)
    if reason in Reason.values:
        rows = rows.filter(reason=reason)
    return rows.select_related("candidate__village").order_by(
        F("rank").asc(nulls_last=True), "reason", "candidate_id"
    )


@dataclass(frozen=True)
class Comparison:
    both: int
    only_first: int
    only_second: int
    reasons: list[tuple[str, str, int, int]]  # reason, label, first run, second run


def compare_runs(first: SelectionRun, second: SelectionRun) -> Comparison:
    """Who is selected in one run and not the other, and reason counts side by side."""
    chosen = Decision.objects.filter(selected=True)
    a = chosen.filter(run=first).values("candidate_id")
    b = chosen.filter(run=second).values("candidate_id")
    both = chosen.filter(run=first, candidate_id__in=b).count()
    counts = {r.reason: r.count for r in reason_counts(first)}
    other = {r.reason: r.count for r in reason_counts(second)}
    return Comparison(
        both=both,
        only_first=chosen.filter(run=first).exclude(candidate_id__in=b).count(),
        only_second=chosen.filter(run=second).exclude(candidate_id__in=a).count(),
        reasons=[(v, label, counts[v], other[v]) for v, label in Reason.choices],
    )


def candidates_for(user: Any) -> QuerySet[Candidate]:
    """Candidates in the user's region (village operators: their village)."""
    require_capability(user, Capability.REGISTER_CANDIDATES)
    return (
        Candidate.objects.for_actor(user).select_related("village").order_by("-updated_at", "nik")
    )


def candidates_filtered(user: Any, params: Any) -> CandidateFilter:
    """The candidates list of the page and the API (searched by name only: a NIK never
    travels in a URL, which lands in server logs)."""
    return CandidateFilter(params, queryset=candidates_for(user))


def enrolment_counts(programme: Programme) -> dict[str, int]:
    """Beneficiaries of a (scoped) programme by the branch's answer."""
    counts = dict(
        programme.enrolments.order_by()
        .values_list("status")
        .annotate(n=Count("*"))
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in EnrolmentStatus.values}


def invoices_with_paid(programme: Programme) -> QuerySet[ProgrammeInvoice]:
    return programme.invoices.annotate(paid=Coalesce(Sum("payments__amount"), 0)).order_by(
        "issued_on", "number"
    )
