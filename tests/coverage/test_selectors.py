"""Reads of coverage: public suppression, denominators, targets and gaps, and the reference
figures (targets side by side, published points) loaded from the shipped files."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from lindung.core.scope import SYSTEM
from lindung.coverage.dimensions import COUNT_COLUMNS
from lindung.coverage.facts import refresh_months
from lindung.coverage.models import CoverageTarget, IndicatorPoint
from lindung.coverage.selectors import (
    Denominator,
    Figure,
    _suppress,
    denominators,
    figure_on,
    gap_ranking,
    informal_gap,
    target_progress,
    trend,
)
from lindung.coverage.services import load_coverage_reference
from lindung.regions.models import Region
from lindung.regions.services import load_regions
from tests.coverage.factories import make_membership, make_person
from tests.regions.factories import PopulationKindFactory, WorkerPopulationFactory

pytestmark = pytest.mark.engine

D = dt.date
DATA = Path(django_settings.LINDUNG_REFERENCE_DATA)


# --- Public suppression -----------------------------------------------------------------------


def test_suppress_hides_small_cells_and_one_more_where_one_is_alone() -> None:
    given = {
        "segment_pu": 20, "segment_bpu": 3,  # one small cell: the smallest other goes too
        "sex_m": 12, "sex_f": 11,  # nothing small
        "age_25_34": 15, "age_35_44": 5, "age_45_54": 3,  # two small cells: enough
        "sector_a": 10, "sector_c": 12, "sector_none": 1,  # 10 is the smallest other
        "funding_self": 23,
    }  # fmt: skip
    counts = {c: given.get(c, 0) for c in COUNT_COLUMNS}
    shown = _suppress(counts, 10)
    hidden = {c for c, v in shown.items() if v is None}
    assert hidden == {"segment_pu", "segment_bpu", "age_35_44", "age_45_54", "sector_a",
                      "sector_none"}  # fmt: skip
    assert {c: v for c, v in shown.items() if v is not None} == {
        c: v for c, v in counts.items() if c not in hidden
    }  # zeros stay zeros, the rest unchanged


@pytest.fixture
def people(region_tree) -> None:
    """12 persons in Kedaton (11 men, 1 woman, all PU) and 5 in Metro; facts for January."""
    for i in range(12):
        p = make_person(region_tree["18.71.01.1003"], "F" if i == 0 else "M", D(1990, 1, 1))
        make_membership(p, D(2023, 1, 1))
    for _ in range(5):
        make_membership(make_person(region_tree["18.72.01.1001"]), D(2023, 1, 1), segment="BPU")
    refresh_months([D(2024, 1, 31)])


@pytest.mark.parametrize("day", [D(2024, 1, 31), D(2024, 1, 20)])
def test_public_figures_are_suppressed_internal_ones_are_not(people, day) -> None:
    kedaton = figure_on(None, "18.71.01.1003", day, public=True)
    assert kedaton.from_facts is (day.day == 31)
    assert kedaton.covered == 12
    assert (kedaton.counts["sex_m"], kedaton.counts["sex_f"]) == (None, None)
    assert (kedaton.counts["segment_pu"], kedaton.counts["segment_bpu"]) == (12, 0)
    assert kedaton.counts["age_25_34"] == 12

    metro = figure_on(None, "18.72", day, public=True)
    assert metro.covered is None and set(metro.counts.values()) == {None}
    assert metro.coverage_pct is None and metro.uncovered is None
    internal = figure_on(SYSTEM, "18.72", day)
    assert (internal.covered, internal.counts["segment_bpu"], internal.population) == (
        5,
        5,
        100_005,
    )
    assert figure_on(None, "31", day, public=True).covered == 0  # nothing to hide in zero


def test_public_trend_hides_small_totals(people) -> None:
    assert [(p.month, p.covered) for p in trend(None, "18.72", public=True)] == [
        (D(2024, 1, 31), None)
    ]
    [point] = trend(SYSTEM, "18.72")
    assert (point.covered, point.population, point.coverage_pct) == (5, 100_005, Decimal("0.00"))
    assert trend(SYSTEM, "18.71")[0].coverage_pct == Decimal("0.01")  # 12 / 100 005


# --- Denominators, targets, gaps --------------------------------------------------------------


def test_denominators_take_the_latest_on_or_before_else_the_earliest_after(region_tree) -> None:
    district = region_tree["18.71.01"]
    bps = PopulationKindFactory(code="bps_employed_persons")
    bpjs = PopulationKindFactory(code="bpjs_potential_workers", name_id="Potensi", name_en="P")
    other = PopulationKindFactory(code="aaa_census", name_id="Sensus", name_en="Census")
    for kind, day, value in (
        (bps, D(2022, 8, 31), 1), (bps, D(2023, 8, 31), 2), (bps, D(2024, 8, 31), 3),
        (bpjs, D(2024, 2, 29), 10), (bpjs, D(2025, 2, 28), 11), (other, D(2020, 1, 1), 99),
    ):  # fmt: skip
        WorkerPopulationFactory(region=district, kind=kind, reference_date=day, value=value)

    def picked(day: dt.date, kind: str | None = None) -> list[tuple]:
        return [(d.kind, d.value, d.reference_date) for d in denominators("18.71.01", day, kind)]

    assert picked(D(2023, 12, 31)) == [
        ("bpjs_potential_workers", 10, D(2024, 2, 29)),  # none before: the earliest after
        ("bps_employed_persons", 2, D(2023, 8, 31)),
        ("aaa_census", 99, D(2020, 1, 1)),  # not a default kind: after the defaults
    ]
    assert picked(D(2024, 8, 31))[:2] == [
        ("bpjs_potential_workers", 10, D(2024, 2, 29)),
        ("bps_employed_persons", 3, D(2024, 8, 31)),  # on the day counts as before
    ]
    assert picked(D(2021, 1, 1), "bps_employed_persons") == [
        ("bps_employed_persons", 1, D(2022, 8, 31))
    ]
    assert picked(D(2030, 1, 1), "bpjs_potential_workers")[0][1] == 11
    assert denominators("18.72.01", D(2024, 1, 1)) == []


def target(region: Region, year: int, pct: str, label: str) -> CoverageTarget:
    row = CoverageTarget(region=region, year=year, target_pct=Decimal(pct), label=label, source="t")
    row.assign_region_codes(region.code)
    row.save()
    return row


def figure(region: Region, covered: int | None, population: int | None) -> Figure:
    den = None if population is None else Denominator("k", "K", population, D(2024, 8, 31), "s")
    return Figure(region, D(2024, 12, 31), covered, {}, den, from_facts=True)


def test_target_progress_counts_workers_still_to_cover(region_tree) -> None:
    province = region_tree["18"]
    target(province, 2025, "32.62", "Pemprov")
    target(province, 2025, "20.00", "Lama")
    target(province, 2024, "25.01", "Bulat")
    rows = target_progress(figure(province, 25_000, 100_002))
    assert [(r.target.year, r.target.label) for r in rows] == [
        (2024, "Bulat"), (2025, "Lama"), (2025, "Pemprov")
    ]  # fmt: skip
    assert {r.target.label: (r.achieved_pct, r.distance_pp, r.workers_to_cover) for r in rows} == {
        # 25.01 % of 100 002 = 25 010.5002 → 25 011 persons; 25 000 covered (25.00 %)
        "Bulat": (Decimal("25.00"), Decimal("0.01"), 11),
        "Lama": (Decimal("25.00"), Decimal("-5.00"), 0),  # exceeded: nobody to cover
        # 32.62 % of 100 002 = 32 620.65… → 32 621
        "Pemprov": (Decimal("25.00"), Decimal("7.62"), 7_621),
    }
    hidden = target_progress(figure(province, None, 100_002))
    assert {(r.achieved_pct, r.distance_pp, r.workers_to_cover) for r in hidden} == {
        (None, None, None)
    }
    no_population = target_progress(figure(province, 500, None))
    assert {r.workers_to_cover for r in no_population} == {None}


def test_informal_gap_compares_bpu_members_with_informal_workers(region_tree) -> None:
    province = region_tree["18"]
    with_bpu = Figure(province, D(2024, 12, 31), 900, {"segment_bpu": 300}, None, from_facts=True)
    assert informal_gap(with_bpu) is None  # no informal-worker figure for the region yet
    informal = PopulationKindFactory(code="bps_informal_workers")
    WorkerPopulationFactory(
        region=province, kind=informal, value=2_000, reference_date=D(2023, 2, 28)
    )
    WorkerPopulationFactory(
        region=province, kind=informal, value=1_200, reference_date=D(2025, 2, 28)
    )
    gap = informal_gap(with_bpu)
    # The figure current on the day (Feb 2023), not the later one.
    assert (gap.covered, gap.denominator.value, gap.coverage_pct, gap.uncovered) == (
        300, 2_000, Decimal("15.00"), 1_700
    )  # fmt: skip
    hidden = Figure(province, D(2024, 12, 31), None, {"segment_bpu": None}, None, from_facts=True)
    assert (informal_gap(hidden).covered, informal_gap(hidden).uncovered) == (None, None)


def test_gap_ranking_orders_by_uncovered_with_targets_of_the_year(region_tree) -> None:
    kota, metro, jaksel = region_tree["18.71"], region_tree["18.72"], region_tree["31.71"]
    target(kota, 2025, "40.00", "B")
    target(kota, 2025, "30.00", "A")  # first by label
    target(metro, 2024, "50.00", "A")  # another year
    ranked = gap_ranking(
        [figure(jaksel, 10, None), figure(kota, 300, 1_000), figure(metro, 100, 1_000)], 2025
    )
    assert [(r["figure"].region.code, r["uncovered"]) for r in ranked] == [
        ("18.72", 900), ("18.71", 700), ("31.71", None)
    ]  # fmt: skip
    assert [(r["target_pct"], r["distance_pp"]) for r in ranked] == [
        (None, None), (Decimal("30.00"), Decimal("0.00")), (None, None)
    ]  # fmt: skip


# --- Reference figures from the shipped files -------------------------------------------------


def test_reference_load_keeps_conflicting_targets_and_is_idempotent(db) -> None:
    load_regions(DATA / "regions_lampung.csv")
    first = load_coverage_reference(DATA / "lampung_labour.csv")
    assert first.rejected == [] and first.created > 0 and first.updated == 0

    def targets(year: int) -> set[tuple]:
        rows = CoverageTarget.objects.filter(region_id="18", year=year)
        return set(rows.values_list("label", "target_pct"))

    assert targets(2024) == {
        ("BPJS Ketenagakerjaan", Decimal("32.62")),
        ("Kabar Sawit", Decimal("36.62")),
    }
    assert targets(2025) == {
        ("BPJS Ketenagakerjaan", Decimal("38.39")),
        ("BPJS Ketenagakerjaan (Agustus 2025)", Decimal("32.60")),
        ("Pemprov Lampung (akhir 2025)", Decimal("32.62")),
    }
    points = {
        (p.region_id, p.reference_date, p.label): (p.covered, p.population, p.coverage_pct)
        for p in IndicatorPoint.objects.all()
    }
    assert points[("18", D(2024, 9, 30), "BPJS Ketenagakerjaan")] == (
        760_468, 3_058_943, Decimal("24.86")
    )  # fmt: skip
    assert points[("18", D(2024, 10, 31), "BPJS Ketenagakerjaan (peserta aktif)")][0] == 508_956
    assert points[("18.71", D(2024, 9, 30), "BPJS Ketenagakerjaan")] == (
        None, None, Decimal("32.80")
    )  # fmt: skip
    assert points[("18", D(2025, 12, 31), "BPJS Ketenagakerjaan")][1:] == (
        3_100_000, Decimal("25.27")
    )  # fmt: skip
    assert CoverageTarget.objects.get(region_id="18", year=2030).province_code == "18"

    tables = [
        list(CoverageTarget.objects.order_by("pk").values()),
        list(IndicatorPoint.objects.order_by("pk").values()),
    ]
    second = load_coverage_reference(DATA / "lampung_labour.csv")
    assert (second.created, second.updated, second.unchanged) == (
        0, 0, first.created + first.unchanged
    )  # fmt: skip
    assert tables == [
        list(CoverageTarget.objects.order_by("pk").values()),
        list(IndicatorPoint.objects.order_by("pk").values()),
    ]
