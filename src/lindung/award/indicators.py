"""Automatic indicators: figures of Lindung's own data on an edition's cut-off date, each read
through the selector that owns it, so the award shows exactly what the coverage, programme and
compliance pages show for that day (issue 9 "Done when"):

* coverage: ``coverage.selectors.figure_on`` (facts at a refreshed month end, else live);
* programmes: ``programmes.outcomes.persons_protected`` and ``outcome_of`` (premium paid);
* compliance: ``compliance.rates.compliance_rate`` / ``employer_compliance`` over one run of the
  checks for the edition's whole region (computed once, shared by every entry);
* the register of public-sector and village workers (issue 21 §5):
  ``publicworkers.selectors.live_coverage`` of the workers listed on the cut-off day, reconciled
  on it. It backs a questionnaire item (``REGISTER_ITEMS``): frozen only when the entrant's
  register has anyone listed that day, and then counted instead of the answer (``inputs.py``).

Each indicator returns ``(value, details)``; ``details`` keeps the figures the value came from.
Indicator keys are what ``Criterion.indicator`` names (``data/default_criteria.csv``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Any

from django.db.models import QuerySet, Sum

from lindung.compliance.checks import CheckResult, run_all
from lindung.compliance.rates import compliance_rate, employer_compliance
from lindung.core.numbers import percent
from lindung.core.scope import SYSTEM
from lindung.coverage.selectors import Figure, figure_on
from lindung.programmes.models import FunderKind, Programme
from lindung.programmes.outcomes import months_before, outcome_of, persons_protected
from lindung.publicworkers.models import BodyKind, PublicWorker
from lindung.publicworkers.reconcile import listed_on
from lindung.publicworkers.selectors import live_coverage

# Budgets of the region's own government (docs/domain.md §5.2); BAZNAS and CSR are not its money.
OWN_BUDGET_KINDS = (
    FunderKind.APBD_PROVINCE,
    FunderKind.APBD_REGENCY,
    FunderKind.APBDES,
    FunderKind.DANA_DESA,
    FunderKind.DBH_SAWIT,
)
SPONSOR_KINDS = (FunderKind.CSR, FunderKind.INDIVIDUAL)
GROWTH_MONTHS = 12
TWO = Decimal("0.01")

Value = tuple[Decimal | None, dict[str, Any]]


def _two(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(TWO, ROUND_HALF_UP)


@dataclass
class Context:
    """What indicators of one edition share: the day, and the checks run once over the edition's
    region."""

    region: str
    as_of: dt.date
    _figures: dict[tuple[str, dt.date], Figure] = field(default_factory=dict)

    @cached_property
    def checks(self) -> CheckResult:
        return run_all(self.as_of, self.region)

    @property
    def year_before(self) -> dt.date:
        return months_before(self.as_of, GROWTH_MONTHS)

    def figure(self, code: str, day: dt.date) -> Figure:
        key = (code, day)
        if key not in self._figures:
            self._figures[key] = figure_on(SYSTEM, code, day)
        return self._figures[key]


def _coverage(ctx: Context, entry: Any) -> Value:
    f = ctx.figure(entry.subject_region_id, ctx.as_of)
    return f.coverage_pct, {"covered": f.covered, "population": f.population, **_den(f)}


def _den(f: Figure) -> dict[str, Any]:
    d = f.denominator
    return {"denominator": d.kind, "denominator_source": d.source} if d else {}


def _coverage_growth(ctx: Context, entry: Any) -> Value:
    now = ctx.figure(entry.subject_region_id, ctx.as_of)
    before = ctx.figure(entry.subject_region_id, ctx.year_before)
    if now.coverage_pct is None or before.coverage_pct is None:
        return None, {"coverage_pct": now.coverage_pct, "before_pct": before.coverage_pct}
    return now.coverage_pct - before.coverage_pct, {
        "coverage_pct": str(now.coverage_pct),
        "before_pct": str(before.coverage_pct),
        "before": ctx.year_before.isoformat(),
    }


def _covered_growth(ctx: Context, entry: Any) -> Value:
    now = ctx.figure(entry.subject_region_id, ctx.as_of).covered or 0
    before = ctx.figure(entry.subject_region_id, ctx.year_before).covered or 0
    value = _two(Decimal(now - before) * 100 / before) if before else None
    return value, {"covered": now, "covered_before": before, "before": ctx.year_before.isoformat()}


def _bpu(ctx: Context, entry: Any) -> Value:
    f = ctx.figure(entry.subject_region_id, ctx.as_of)
    bpu = f.counts.get("segment_bpu") or 0
    return percent(bpu, f.population), {"bpu": bpu, "population": f.population, **_den(f)}


def _bpu_share(ctx: Context, entry: Any) -> Value:
    f = ctx.figure(entry.subject_region_id, ctx.as_of)
    bpu = f.counts.get("segment_bpu") or 0
    return percent(bpu, f.covered), {"bpu": bpu, "covered": f.covered}


def own_programmes(code: str) -> QuerySet[Programme]:
    """Programmes paid by the region's own government budget (its funders sit in the region)."""
    return Programme.objects.filter(funder__region_id=code, funder__kind__in=OWN_BUDGET_KINDS)


def _funded_persons(ctx: Context, entry: Any) -> Value:
    n = persons_protected(own_programmes(entry.subject_region_id), ctx.as_of)
    return Decimal(n), {"persons_protected": n}


def _funded_per_1000(ctx: Context, entry: Any) -> Value:
    n = persons_protected(own_programmes(entry.subject_region_id), ctx.as_of)
    population = ctx.figure(entry.subject_region_id, ctx.as_of).population
    value = _two(Decimal(n) * 1000 / population) if population else None
    return value, {"persons_protected": n, "population": population}


def _budget_spent(ctx: Context, entry: Any) -> Value:
    programmes = own_programmes(entry.subject_region_id)
    budget = programmes.aggregate(total=Sum("budget"))["total"] or 0
    spent = outcome_of(programmes, ctx.as_of).premium_spent if budget else 0
    return percent(spent, budget), {"premium_spent": spent, "budget": budget}


def _compliance(ctx: Context, entry: Any) -> Value:
    rate = compliance_rate(ctx.as_of, entry.subject_region_id, ctx.checks)
    return rate.compliant_pct, {"employers": rate.employers, "with_findings": rate.with_findings}


def _arrears(ctx: Context, entry: Any) -> Value:
    rate = compliance_rate(ctx.as_of, entry.subject_region_id, ctx.checks)
    return rate.arrears_pct, {"employers": rate.employers, "in_arrears": rate.in_arrears}


def sponsor_programmes(entry: Any) -> QuerySet[Programme]:
    """CSR/donor programmes: for a company, those of its own sponsor; for a region, all."""
    programmes = Programme.objects.filter(funder__kind__in=SPONSOR_KINDS)
    if entry.employer_id:
        return programmes.filter(funder__sponsor__employer_id=entry.employer_id)
    return programmes


def _csr_workers(ctx: Context, entry: Any) -> Value:
    region = "" if entry.employer_id else entry.subject_region_id
    n = persons_protected(sponsor_programmes(entry), ctx.as_of, region)
    return Decimal(n), {"persons_protected": n}


def _employer(attribute: str) -> Callable[[Context, Any], Value]:
    def compute(ctx: Context, entry: Any) -> Value:
        figures = employer_compliance(ctx.as_of, entry.employer_id, ctx.checks)
        value = getattr(figures, attribute)
        return Decimal(value), {"findings": list(figures.findings)}

    return compute


def _findings(ctx: Context, entry: Any) -> Value:
    figures = employer_compliance(ctx.as_of, entry.employer_id, ctx.checks)
    return Decimal(len(figures.findings)), {"findings": list(figures.findings)}


# The register's categories each entrant kind answers for: a regency/city for the non-ASN staff
# (and honorary teachers) of the bodies in its area, a village for its own government's
# apparatus, BPD members and RT/RW heads (docs/domain.md §13.2).
REGISTER_CATEGORIES: dict[str, tuple[str, ...]] = {
    "regency": ("non_asn", "honorary_teacher"),
    "village": ("village_head", "village_official", "bpd_member", "rt_rw_head"),
}


def _public_workers(ctx: Context, entry: Any) -> Value:
    """Coverage of the entrant's register on the cut-off day; no value when nobody is listed."""
    categories = REGISTER_CATEGORIES.get(entry.category.kind)
    code = entry.subject_region_id
    if not categories or not code:
        return None, {"listed": 0}
    workers = PublicWorker.objects.filter(category_id__in=categories)
    if entry.category.kind == "village":
        workers = workers.filter(body__kind=BodyKind.VILLAGE, body__region_id=code)
    else:
        workers = workers.filter(regency_code=code)
    rows, total = live_coverage(listed_on(workers, ctx.as_of), ctx.as_of)
    if not total.total:
        return None, {"listed": 0}
    return total.coverage_pct, {
        "listed": total.total,
        "covered": total.covered,
        "coverage_pct": total.coverage_pct,
        "categories": [f"{r.label}: {r.covered}/{r.total}" for r in rows if r.total],
    }


INDICATORS: dict[str, Callable[[Context, Any], Value]] = {
    "coverage_pct": _coverage,
    "coverage_growth": _coverage_growth,
    "covered_growth_pct": _covered_growth,
    "bpu_pct": _bpu,
    "bpu_share_pct": _bpu_share,
    "funded_persons": _funded_persons,
    "funded_per_1000": _funded_per_1000,
    "budget_spent_pct": _budget_spent,
    "compliance_pct": _compliance,
    "arrears_pct": _arrears,
    "csr_workers": _csr_workers,
    "registered_pct": _employer("registered_pct"),
    "wage_ok_pct": _employer("wage_ok_pct"),
    "programmes_pct": _employer("programmes_pct"),
    "arrears_rp": _employer("arrears_rp"),
    "findings": _findings,
    "public_workers_pct": _public_workers,
}
# Indicators that back a questionnaire item rather than being criteria of their own: frozen only
# when they have a value, which then replaces the answer on the item's own 0–maximum scale.
REGISTER_ITEMS = frozenset({"public_workers_pct"})


def compute(ctx: Context, key: str, entry: Any) -> Value:
    value, details = INDICATORS[key](ctx, entry)
    details = {k: (str(v) if isinstance(v, Decimal) else v) for k, v in details.items()}
    details["source"] = key
    details["as_of"] = ctx.as_of.isoformat()
    return value, details
