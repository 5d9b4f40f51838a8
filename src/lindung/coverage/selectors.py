"""Reads of coverage: figures, breakdowns, trends, denominators, targets and gaps.

Month-end figures come from the fact table only; any other day (or a month not yet refreshed) is
computed from memberships with the very SQL that builds the facts (``facts.live_counts``).

Two audiences: ``public=True`` serves anyone, aggregates only, with cells under
``COVERAGE_PUBLIC_MIN_CELL`` persons suppressed (and a second cell where one could be derived by
subtraction); internal reads require the ``view_coverage`` capability and the region inside the
actor's scope, and go through ``for_actor`` like every other read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from lindung.core import regioncodes
from lindung.core.months import month_end
from lindung.core.numbers import HUNDRED, percent
from lindung.core.roles import Capability, role_has
from lindung.core.scope import actor_scope
from lindung.coverage.dimensions import COUNT_COLUMNS, dimensions
from lindung.coverage.facts import LEVELS, live_counts
from lindung.coverage.models import CoverageFact, CoverageMonth, CoverageTarget, IndicatorPoint
from lindung.regions.models import PopulationKind, Region, WorkerPopulation


class CoverageNotVisible(Exception):
    """The region does not exist or is outside the actor's scope (a 404, never a hint)."""


@dataclass(frozen=True)
class Denominator:
    kind: str
    name: str
    value: int
    reference_date: dt.date
    source: str
    source_kind: str = "published"  # regions.models.SourceKind
    url: str = ""

    @property
    def synthetic(self) -> bool:
        return self.source_kind == "synthetic"


@dataclass
class Figure:
    """Covered persons of one region on one day, with the denominator beside it."""

    region: Region
    day: dt.date
    covered: int | None  # None: suppressed in the public view
    counts: dict[str, int | None]
    denominator: Denominator | None
    from_facts: bool
    provisional: bool = False
    others: list[Denominator] = field(default_factory=list)

    @property
    def population(self) -> int | None:
        return self.denominator.value if self.denominator else None

    @property
    def coverage_pct(self) -> Decimal | None:
        return percent(self.covered, self.population)

    @property
    def uncovered(self) -> int | None:
        if self.covered is None or self.population is None:
            return None
        return max(self.population - self.covered, 0)


def can_view_internal(actor: Any) -> bool:
    return role_has(actor_scope(actor).role, Capability.VIEW_COVERAGE)


def home_region(actor: Any) -> str | None:
    """The one region an officer's coverage pages open on: the home region for an unrestricted
    actor, their scope's region when it is one; None when they have several (they choose)."""
    scope = actor_scope(actor)
    roots = [settings.COVERAGE_HOME_REGION] if scope.unrestricted else list(scope.region_codes)
    return roots[0] if len(roots) == 1 else None


def internal_region_allowed(actor: Any, code: str) -> bool:
    """Whether ``actor`` may open the internal dashboard of ``code``."""
    return can_view_internal(actor) and actor_scope(actor).covers_region(code)


def visible_region(actor: Any, code: str, *, public: bool) -> Region:
    """The region, if the reader may see its figures; raises CoverageNotVisible otherwise."""
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise CoverageNotVisible(code)
    if not public and not (can_view_internal(actor) and actor_scope(actor).covers_region(code)):
        raise CoverageNotVisible(code)
    return region


def _facts(actor: Any, public: bool) -> QuerySet[CoverageFact]:
    return CoverageFact.objects.all() if public else CoverageFact.objects.for_actor(actor)


# --- Denominators -----------------------------------------------------------------------------


def _kind_names() -> dict[str, str]:
    from django.utils.translation import get_language

    english = (get_language() or "id").startswith("en")
    return {k.code: (k.name_en if english else k.name_id) for k in PopulationKind.objects.all()}


def denominators_for(
    codes: list[str], day: dt.date, kind: str | None = None
) -> dict[str, list[Denominator]]:
    """Per region: one figure per population kind, the latest on or before ``day``, else the
    earliest after it; the default kinds first (``COVERAGE_DEFAULT_DENOMINATORS``). Two
    queries whatever the number of regions."""
    figures = WorkerPopulation.objects.filter(region_id__in=codes)
    if kind:
        figures = figures.filter(kind_id=kind)
    series: dict[tuple[str, str], list[tuple[dt.date, WorkerPopulation]]] = {}
    for figure in figures.order_by("reference_date"):
        series.setdefault((figure.region_id, figure.kind_id), []).append(
            (figure.reference_date, figure)
        )
    names = _kind_names() if series else {}
    preferred = list(settings.COVERAGE_DEFAULT_DENOMINATORS)
    result: dict[str, list[Denominator]] = {code: [] for code in codes}
    for (code, kind_id), points in sorted(
        series.items(),
        key=lambda item: (
            preferred.index(item[0][1]) if item[0][1] in preferred else 99,
            item[0][1],
        ),
    ):
        best = current_on(points, day)
        result[code].append(
            Denominator(
                kind_id,
                names.get(kind_id, kind_id),
                best.value,
                best.reference_date,
                best.source,
                best.source_kind,
                best.url,
            )
        )
    return result


def denominators(code: str, day: dt.date, kind: str | None = None) -> list[Denominator]:
    return denominators_for([code], day, kind)[code]


def current_on(series: list[tuple[dt.date, Any]], day: dt.date) -> Any:
    """From a date-ordered series: the latest value on or before ``day``, else the first one."""
    before = [value for date, value in series if date <= day]
    return before[-1] if before else (series[0][1] if series else None)


# --- Figures ----------------------------------------------------------------------------------


def _is_fresh_month(day: dt.date) -> bool:
    return day == month_end(day) and CoverageMonth.objects.filter(month=day, stale=False).exists()


def hide_small(counts: dict[Any, int], minimum: int) -> dict[Any, int | None]:
    """Cells of 1 to ``minimum - 1`` persons become None; where exactly one cell of a group is
    hidden, the smallest other non-empty one is hidden too, so it cannot be recovered as the
    total minus the rest (complementary suppression)."""
    shown: dict[Any, int | None] = {k: (None if 0 < v < minimum else v) for k, v in counts.items()}
    if sum(v is None for v in shown.values()) == 1:
        rest = sorted((v, str(k), k) for k, v in counts.items() if shown[k] not in (None, 0))
        if rest:
            shown[rest[0][2]] = None
    return shown


def _suppress(counts: dict[str, int], minimum: int) -> dict[str, int | None]:
    """``hide_small`` within each dimension of one figure."""
    shown: dict[str, int | None] = {}
    for dimension in dimensions().values():
        columns = [v.column for v in dimension.values]
        shown.update(hide_small({c: counts[c] for c in columns}, minimum))
    return shown


def _figure(
    region: Region,
    day: dt.date,
    counts: dict[str, int],
    *,
    from_facts: bool,
    public: bool,
    dens: list[Denominator],
) -> Figure:
    covered: int | None = counts.get("covered", 0)
    shown: dict[str, int | None] = {c: counts.get(c, 0) for c in COUNT_COLUMNS}
    if public:
        minimum = settings.COVERAGE_PUBLIC_MIN_CELL
        if covered is not None and 0 < covered < minimum:
            covered = None
            shown = dict.fromkeys(COUNT_COLUMNS)
        else:
            shown = _suppress(shown, minimum)  # type: ignore[arg-type]
    return Figure(
        region=region,
        day=day,
        covered=covered,
        counts=shown,
        denominator=dens[0] if dens else None,
        others=dens[1:],
        from_facts=from_facts,
        provisional=day >= month_end(dt.date.today()),
    )


def figure_on(
    actor: Any,
    code: str,
    day: dt.date,
    *,
    public: bool = False,
    denominator: str | None = None,
) -> Figure:
    """Coverage of one region on one day (facts at a fresh month-end, else computed live)."""
    region = visible_region(actor, code, public=public)
    fresh = _is_fresh_month(day)
    if fresh:
        fact = _facts(actor, public).filter(region_id=code, month=day).first()
        counts = {"covered": fact.covered, **fact.counts()} if fact else {"covered": 0}
    else:
        counts = live_counts(day, code)
    dens = denominators(code, day, denominator)
    return _figure(region, day, counts, from_facts=fresh, public=public, dens=dens)


def children_on(
    actor: Any,
    code: str,
    day: dt.date,
    *,
    public: bool = False,
    denominator: str | None = None,
) -> list[Figure]:
    """Figures of every child region (regencies of a province, …) that the reader may see."""
    parent = visible_region(actor, code, public=public)
    if parent.level == "village":
        return []
    level = LEVELS[LEVELS.index(parent.level) + 1]
    regions = Region.objects.filter(parent_id=code).order_by("code")
    if not public:
        regions = regions.for_actor(actor)
    counts: dict[str, dict[str, int]] = {}
    fresh = _is_fresh_month(day)
    if fresh:
        facts = _facts(actor, public).filter(
            month=day, level=level, **{k: v for k, v in regioncodes.level_codes(code).items() if v}
        )
        for fact in facts:
            counts[fact.region_id] = {"covered": fact.covered, **fact.counts()}
    regions = list(regions)
    dens = denominators_for([r.code for r in regions], day, denominator)
    figures, raw = [], {}
    for region in regions:
        values = counts.get(region.code, {"covered": 0}) if fresh else live_counts(day, region.code)
        raw[region.code] = values.get("covered", 0)
        figures.append(
            _figure(region, day, values, from_facts=fresh, public=public, dens=dens[region.code])
        )
    if public:  # siblings add up to the parent's total: a lone hidden one is recoverable too
        totals = hide_small(raw, settings.COVERAGE_PUBLIC_MIN_CELL)
        for f in figures:
            if totals[f.region.code] is None and f.covered is not None:
                f.covered = None
                f.counts = dict.fromkeys(COUNT_COLUMNS)
    return figures


@dataclass(frozen=True)
class BreakdownRow:
    code: str
    label: str
    covered: int | None
    share_pct: Decimal | None


def breakdown(figure: Figure, by: str) -> list[BreakdownRow]:
    """Rows of one dimension of a figure; shares of the covered total."""
    dimension = dimensions()[by]
    return [
        BreakdownRow(
            v.code,
            str(v.label),
            figure.counts.get(v.column),
            percent(figure.counts.get(v.column), figure.covered),
        )
        for v in dimension.values
    ]


@dataclass(frozen=True)
class TrendPoint:
    month: dt.date
    covered: int | None
    population: int | None
    coverage_pct: Decimal | None


def trend(
    actor: Any, code: str, *, public: bool = False, kind: str | None = None
) -> list[TrendPoint]:
    """Month-end series of the region from the facts, each month against the denominator that
    was current then."""
    visible_region(actor, code, public=public)
    minimum = settings.COVERAGE_PUBLIC_MIN_CELL if public else 0
    figures = list(
        WorkerPopulation.objects.filter(region_id=code, kind_id=_default_kind(code, kind))
        .order_by("reference_date")
        .values_list("reference_date", "value")
    )
    points = []
    for month, covered in (
        _facts(actor, public)
        .filter(region_id=code, month__in=CoverageMonth.objects.filter(stale=False).values("month"))
        .order_by("month")
        .values_list("month", "covered")
    ):
        population = current_on(figures, month)
        shown = None if 0 < covered < minimum else covered
        points.append(TrendPoint(month, shown, population, percent(shown, population)))
    return points


def _default_kind(code: str, kind: str | None) -> str | None:
    if kind:
        return kind
    available = set(
        WorkerPopulation.objects.filter(region_id=code).values_list("kind_id", flat=True)
    )
    return next((k for k in settings.COVERAGE_DEFAULT_DENOMINATORS if k in available), None)


# --- Targets, gaps, published figures ---------------------------------------------------------


@dataclass(frozen=True)
class TargetProgress:
    target: CoverageTarget
    achieved_pct: Decimal | None
    distance_pp: Decimal | None  # percentage points still to go (negative: exceeded)
    workers_to_cover: int | None  # persons still to cover to reach it, on today's denominator


def target_progress(figure: Figure) -> list[TargetProgress]:
    rows = []
    for target in CoverageTarget.objects.filter(region_id=figure.region.code).order_by(
        "year", "label"
    ):
        achieved = figure.coverage_pct
        distance = None if achieved is None else target.target_pct - achieved
        to_cover = None
        if figure.population is not None and figure.covered is not None:
            needed = (target.target_pct * figure.population / HUNDRED).to_integral_value(
                ROUND_HALF_UP
            )
            to_cover = max(int(needed) - figure.covered, 0)
        rows.append(TargetProgress(target, achieved, distance, to_cover))
    return rows


@dataclass(frozen=True)
class InformalGap:
    """BPU members against the informal workers of the region (the PBPU sub-indicator of
    docs/domain.md §7.1), where a figure for informal workers exists."""

    covered: int | None
    denominator: Denominator
    coverage_pct: Decimal | None
    uncovered: int | None


def informal_gap(figure: Figure) -> InformalGap | None:
    found = denominators(figure.region.code, figure.day, settings.COVERAGE_INFORMAL_DENOMINATOR)
    if not found:
        return None
    bpu = figure.counts.get("segment_bpu")
    uncovered = None if bpu is None else max(found[0].value - bpu, 0)
    return InformalGap(bpu, found[0], percent(bpu, found[0].value), uncovered)


GAP_ORDERS = ("gap", "pct", "target", "name")


def _pick_target(targets: list[CoverageTarget], year: int) -> CoverageTarget | None:
    """Of one region's targets (ordered by year, then label): the year's, else the latest
    earlier one, else the first later one."""
    same = [t for t in targets if t.year == year]
    earlier = [t for t in targets if t.year < year]
    return same[0] if same else (earlier[-1] if earlier else (targets[0] if targets else None))


def gap_ranking(
    figures: list[Figure],
    year: int | None = None,
    *,
    parent: str | None = None,
    order: str = "gap",
) -> list[dict[str, Any]]:
    """Child regions with their gap: uncovered workers, coverage %, and the distance to a
    target of ``year`` in points and in workers still to cover.

    Without ``parent`` only a region's own target of ``year`` counts. With ``parent`` (the
    dashboard) a region without targets takes those of its nearest ancestor (a district has none
    of its own), and of a region's targets the year's is used, else the latest earlier one,
    else the first later one (``target_year`` says which). ``order``: ``gap`` (most uncovered
    first), ``pct`` (lowest coverage first), ``target`` (most workers to the target first) or
    ``name``; regions without a denominator come last in every order but ``name``."""
    by_region: dict[str, list[CoverageTarget]] = {}
    if year:
        codes = [f.region.code for f in figures]
        if parent:
            codes += regioncodes.ancestors_of(parent)
        found = CoverageTarget.objects.filter(region_id__in=codes)
        if not parent:
            found = found.filter(year=year)
        for target in found.order_by("year", "label"):
            by_region.setdefault(target.region_id, []).append(target)
    inherited: CoverageTarget | None = None
    if year and parent:
        for code in reversed(regioncodes.ancestors_of(parent)):
            if by_region.get(code):
                inherited = _pick_target(by_region[code], year)
                break
    rows = []
    for f in figures:
        own = _pick_target(by_region.get(f.region.code, []), year) if year else None
        chosen = own or inherited
        target = chosen.target_pct if chosen else None
        pct = f.coverage_pct
        to_target = None
        if target is not None and f.population is not None and f.covered is not None:
            needed = (target * f.population / HUNDRED).to_integral_value(ROUND_HALF_UP)
            to_target = max(int(needed) - f.covered, 0)
        rows.append(
            {
                "figure": f,
                "uncovered": f.uncovered,
                "target_pct": target,
                "target_year": chosen.year if chosen else None,
                "target_region": chosen.region_id if chosen else None,
                "target_inherited": own is None and chosen is not None,
                "distance_pp": None if target is None or pct is None else target - pct,
                "to_target": to_target,
            }
        )

    def key(row: dict[str, Any]) -> tuple:
        code = row["figure"].region.code
        if order == "name":
            return (row["figure"].region.name, code)
        if order == "pct":
            pct = row["figure"].coverage_pct
            return (pct is None, pct or 0, code)
        value = row["to_target"] if order == "target" else row["uncovered"]
        return (value is None, -(value or 0), code)

    rows.sort(key=key)
    return rows


def published_points(actor: Any, code: str, *, public: bool = False) -> QuerySet[IndicatorPoint]:
    visible_region(actor, code, public=public)
    points = IndicatorPoint.objects.filter(region_id=code)
    return (points if public else points.for_actor(actor)).order_by("reference_date", "label")
