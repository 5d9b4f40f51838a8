"""Reads for the registry. Every function takes the acting user and starts from ``for_actor``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from lindung.core.permissions import require_capability
from lindung.core.roles import Capability
from lindung.regions.models import Region
from lindung.registry.models import Employer, Membership, Person, Segment


def active_on(day: dt.date, prefix: str = "") -> Q:
    """THE definition of "active on a day" (docs/domain.md §7.1): start_date <= day < end_date, or
    open.

    ``prefix`` reaches memberships through a relation, e.g. ``"memberships__"`` from Person.
    Facts, programmes, compliance and the award all use this one function.
    """
    return Q(**{f"{prefix}start_date__lte": day}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gt": day})
    )


# --- Reads for pages, API and exports (below the one definition above) ---------------------------

_SEGMENTS = [value for value, _label in Segment.choices]


def employers_for(user: Any) -> QuerySet[Employer]:
    """Employers the user may see: region staff by the employer's village, employer staff the
    employers their organisation owns."""
    require_capability(user, Capability.VIEW_EMPLOYERS)
    return Employer.objects.for_actor(user)


def employer_for(user: Any, npp: str) -> Employer:
    """One visible employer; outside the scope it is "not found", so its existence stays hidden."""
    try:
        return employers_for(user).get(npp=npp)
    except Employer.DoesNotExist:
        raise Http404("employer") from None


def persons_for(user: Any) -> QuerySet[Person]:
    """Persons by domicile. Callers show them masked unless a reveal was audited."""
    require_capability(user, Capability.VIEW_PERSONS)
    return Person.objects.for_actor(user)


def person_for(user: Any, pk: int) -> Person:
    try:
        return persons_for(user).select_related("domicile").get(pk=pk)
    except Person.DoesNotExist:
        raise Http404("person") from None


def memberships_for(user: Any) -> QuerySet[Membership]:
    """Memberships by work region, with person and employer joined (no N+1 on lists)."""
    require_capability(user, Capability.VIEW_PERSONS)
    return Membership.objects.for_actor(user).select_related("person", "employer")


def membership_history(user: Any, person: Person) -> QuerySet[Membership]:
    """The person's memberships the user may see, oldest first."""
    return memberships_for(user).filter(person=person).order_by("start_date", "pk")


def employer_memberships(user: Any, employer: Employer) -> QuerySet[Membership]:
    return memberships_for(user).filter(employer=employer)


@dataclass(frozen=True)
class SegmentCounts:
    """Distinct persons active on ``day``: per segment, and the total counted once per person
    (a person who is PU and BPU at once is in both segments but once in the total)."""

    day: dt.date
    total: int
    by_segment: dict[str, int]


def active_workers(user: Any, employer: Employer, day: dt.date | None = None) -> SegmentCounts:
    day = day or timezone.localdate()
    active = employer_memberships(user, employer).filter(active_on(day)).order_by()
    per_segment = {
        row["segment"]: row["n"]
        for row in active.values("segment").annotate(n=Count("person_id", distinct=True))
    }
    total = active.aggregate(n=Count("person_id", distinct=True))["n"] or 0
    return SegmentCounts(
        day=day, total=total, by_segment={s: per_segment.get(s, 0) for s in _SEGMENTS}
    )


def region_names(user: Any, codes: Iterable[str]) -> dict[str, str]:
    """Names of the regions among ``codes`` that the user's scope covers; others stay bare codes.

    One query for a whole page. It reads the region table through its own gate, so a name outside
    the scope is never printed (an employer user, with no region scope, sees codes only).
    """
    wanted = {c for c in codes if c}
    if not wanted:
        return {}
    return dict(Region.objects.for_actor(user).filter(code__in=wanted).values_list("code", "name"))
