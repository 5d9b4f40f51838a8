"""Consistency of the facts with a direct recompute from memberships (issue 4 §2).

The recompute takes a different road from the refresh: the ORM, ``registry.selectors.active_on``
(the one definition of "active") and ``COUNT(DISTINCT person)`` per level, so a bug in the
refresh SQL shows up here instead of being repeated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count

from lindung.coverage.dimensions import dimensions
from lindung.coverage.facts import CODE_COLUMNS, LEVELS
from lindung.coverage.models import CoverageFact
from lindung.registry.models import Person
from lindung.registry.selectors import active_on


@dataclass(frozen=True)
class Mismatch:
    month: dt.date
    region: str
    what: str
    facts: int
    recomputed: int

    def __str__(self) -> str:
        return (
            f"{self.month} {self.region} {self.what}: "
            f"facts {self.facts}, recomputed {self.recomputed}"
        )


def recompute_totals(day: dt.date) -> dict[str, int]:
    """Covered persons per region code of every level on ``day``, through the ORM."""
    covered = Person.objects.filter(active_on(day, "memberships__"))
    totals: dict[str, int] = {}
    for column in CODE_COLUMNS:
        for row in (
            covered.exclude(**{column: ""}).values(column).annotate(n=Count("id", distinct=True))
        ):
            totals[row[column]] = row["n"]
    return totals


def check_month(day: dt.date) -> list[Mismatch]:
    """Every region's covered total against the recompute, and every breakdown against its
    total (each dimension must sum to the covered count)."""
    recomputed = recompute_totals(day)
    facts = {f.region_id: f for f in CoverageFact.objects.filter(month=day, level__in=LEVELS)}
    problems = []
    for code in sorted(set(recomputed) | set(facts)):
        fact = facts.get(code)
        fact_total = fact.covered if fact else 0
        if fact_total != recomputed.get(code, 0):
            problems.append(Mismatch(day, code, "covered", fact_total, recomputed.get(code, 0)))
        if fact is None:
            continue
        for key, dimension in dimensions().items():
            total = sum(getattr(fact, v.column) for v in dimension.values)
            if total != fact.covered:
                problems.append(Mismatch(day, code, f"sum of {key}", total, fact.covered))
    return problems
