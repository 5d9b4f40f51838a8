"""Reads of the sponsorship app. Every function takes the acting user and starts from
``for_actor``: a sponsor sees its own rows (owner scope), region staff the rows of their
region; personal data leaves only masked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404

from lindung.core.permissions import has_capability, require_capability
from lindung.core.roles import Capability
from lindung.core.scope import actor_scope
from lindung.programmes.models import Programme, ProgrammeInvoice
from lindung.programmes.outcomes import Outcome, outcome_of
from lindung.registry.masking import mask_name, mask_nik
from lindung.sponsorship.filters import PledgeFilter
from lindung.sponsorship.models import (
    Assignment,
    MatchRun,
    MatchStatus,
    Pledge,
    Sponsor,
    SponsorSite,
)


def pledges_for(user: Any) -> QuerySet[Pledge]:
    require_capability(user, Capability.VIEW_SPONSORSHIP)
    return Pledge.objects.for_actor(user).select_related("sponsor", "site", "programme")


def pledges_filtered(user: Any, params: Any) -> PledgeFilter:
    """The pledges list's FilterSet over the user's pledges (the portal page; the API applies
    the same class through its ``filterset_class``)."""
    return PledgeFilter(params, queryset=pledges_for(user))


def pledge_for(user: Any, pk: int) -> Pledge:
    try:
        return pledges_for(user).get(pk=pk)
    except Pledge.DoesNotExist:
        raise Http404("pledge") from None


def sponsors_for(user: Any) -> QuerySet[Sponsor]:
    require_capability(user, Capability.VIEW_SPONSORSHIP)
    return Sponsor.objects.for_actor(user)


def sites_for(user: Any) -> QuerySet[SponsorSite]:
    require_capability(user, Capability.VIEW_SPONSORSHIP)
    return SponsorSite.objects.for_actor(user).select_related("sponsor")


def pledge_sites_for(user: Any) -> QuerySet[SponsorSite]:
    """The sites ``user`` may pledge for (the pledge form's choices): pledgers only."""
    require_capability(user, Capability.MANAGE_PLEDGES)
    return sites_for(user)


def runs_for(user: Any) -> QuerySet[MatchRun]:
    """Matching runs are the matchers' work: the pages that list them are theirs only."""
    require_capability(user, Capability.MATCH_PLEDGES)
    return MatchRun.objects.for_actor(user)


def run_for(user: Any, pk: int) -> MatchRun:
    try:
        return runs_for(user).get(pk=pk)
    except MatchRun.DoesNotExist:
        raise Http404("run") from None


@dataclass(frozen=True)
class WorkerRow:
    nik: str  # masked
    name: str  # masked
    village: str  # code
    occupation: str
    decile: int | None
    distance_km: float
    cost: int
    pledge: str = ""


def present_assignments(rows: QuerySet[Assignment]) -> list[WorkerRow]:
    return [
        WorkerRow(
            mask_nik(a.candidate.nik),
            mask_name(a.candidate.name),
            a.candidate.village_id,
            a.candidate.occupation,
            a.welfare_decile,
            a.distance_km,
            a.cost,
            a.pledge.title,
        )
        for a in rows.select_related("candidate", "pledge")
    ]


def workers_for(user: Any, pledge: Pledge) -> list[WorkerRow]:
    """The workers reserved for ``pledge`` by its accepted matching, masked."""
    pledge = pledge_for(user, pledge.pk)
    rows = Assignment.objects.for_actor(user).filter(
        pledge=pledge, run__status=MatchStatus.ACCEPTED
    )
    return present_assignments(rows)


def invoices_for(user: Any, pledge: Pledge) -> QuerySet[ProgrammeInvoice]:
    pledge = pledge_for(user, pledge.pk)
    return ProgrammeInvoice.objects.filter(programme_id=pledge.programme_id).order_by("issued_on")


def impact_for(user: Any, pledges: QuerySet[Pledge], on: dt.date) -> Outcome:
    """Workers protected, months paid and claims paid to the pledges' workers (programme
    outcomes over the pledges' programmes; persons counted once)."""
    require_capability(user, Capability.VIEW_SPONSORSHIP)
    ids = pledges.for_actor(user).values_list("programme_id", flat=True)
    return outcome_of(Programme.objects.filter(pk__in=list(ids)), on)


@dataclass(frozen=True)
class RegionPledges:
    code: str
    pledges: int
    workers: int
    budget: int


def pledges_by_regency(user: Any) -> list[RegionPledges]:
    rows = (
        pledges_for(user)
        .values("regency_code")
        .annotate(n=Count("pk"), w=Sum("worker_count"), b=Sum("budget"))
        .order_by("regency_code")
    )
    return [RegionPledges(r["regency_code"], r["n"], r["w"] or 0, r["b"] or 0) for r in rows]


def can_see_region_overview(user: Any) -> bool:
    """Region staff only: the overview counts the registry's unprotected workers."""
    return has_capability(user, Capability.VIEW_SPONSORSHIP) and has_capability(
        user, Capability.VIEW_COVERAGE
    )


def scope_root(user: Any) -> str:
    scope = actor_scope(user)
    return scope.region_codes[0] if scope.region_codes else "18"


def unsponsored_candidates(user: Any, on: dt.date) -> QuerySet[Any]:
    """Candidates of the user's region not reserved by any accepted matching and not covered
    by a membership or funded month on ``on``."""
    from lindung.programmes.models import Candidate, FundedMonth
    from lindung.registry.models import Membership

    month = on.replace(day=1)
    active = Membership.objects.filter(person__nik=OuterRef("nik"), start_date__lte=on).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=on)
    )
    funded = FundedMonth.objects.filter(nik=OuterRef("nik"), month=month)
    reserved = Assignment.objects.filter(
        candidate_id=OuterRef("pk"), run__status=MatchStatus.ACCEPTED
    )
    return (
        Candidate.objects.for_actor(user)
        .exclude(Exists(active))
        .exclude(Exists(funded))
        .exclude(Exists(reserved))
    )
