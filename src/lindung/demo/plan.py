"""The figures the synthetic Lampung is built to (docs/domain.md §7.3), and their split by regency.

Every split uses largest-remainder rounding on integers, so the parts add up exactly to the total
at every scale. The small scale is 1 % of the full one: the active participants, the BPJS
potential workers and the employers are scaled (``scaled``), so the province coverage stays
26.79 %. BPS employed persons are published figures (the province row and the Kota Bandar
Lampung row come from lampung_labour.csv and are not the demo's to change), so they are the
same at every scale.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lindung.core.loading import read_csv

LAMPUNG = "18"  # the province the demo builds (and ``--scale N`` copies)
REFERENCE_DAY = dt.date(2023, 12, 31)
ACTIVE_PERSONS = 731_991  # active participants on 2023-12-31 (docs/domain.md §7.3)
POTENTIAL_WORKERS = 2_732_329  # 731,991 ÷ 0.2679
COVERAGE_PCT_X100 = 2679  # 26.79 %, the province's figure for 2023
EMPLOYED_REFERENCE = dt.date(2023, 8, 31)  # BPS Sakernas August 2023
# Active participants by segment, October 2024 (satudata Kemnaker via Berdikari, labour file).
SEGMENT_SPLIT: tuple[tuple[str, int], ...] = (("PU", 363_502), ("BPU", 80_160), ("JAKON", 65_294))
MALE_ACTIVE, FEMALE_ACTIVE = 370_720, 138_236  # same source: 72.8 % men
ACTIVE_EMPLOYERS = 13_245  # active companies, September 2024 (labour file)
INACTIVE_EMPLOYERS, CLOSED_EMPLOYERS = 900, 450
# Persons who were members before 2023-12-31 but are not active on it, and persons who join
# later, per active participant (Kemnaker's Oct 2024 split has 0.41 inactive per active).
INACTIVE_PER_ACTIVE_X100 = 24
JOINERS_PER_ACTIVE_X100 = 25
DUAL_PER_ACTIVE_X1000 = 15  # persons with a PU and a BPU membership at once (1.5 %)

SCALES: dict[str, int] = {"full": 100, "small": 1}  # percent of the full figures

BERDIKARI = "Berdikari, 22 Feb 2024 (“2,7 juta” pekerja potensial, cakupan 26,79 %)"


def scaled(value: int, percent: int) -> int:
    """``value × percent / 100`` rounded half up, in integers."""
    return (value * percent + 50) // 100


def largest_remainder(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` in proportion to integer ``weights``; the parts sum exactly to ``total``.

    Leftover units go to the largest remainders, ties to the earlier weight (deterministic).
    """
    weight_sum = sum(weights)
    if total < 0 or weight_sum <= 0 or any(w < 0 for w in weights):
        raise ValueError("largest_remainder needs a non-negative total and positive weights")
    quotas = [divmod(total * w, weight_sum) for w in weights]
    parts = [q for q, _ in quotas]
    order = sorted(range(len(weights)), key=lambda i: (-quotas[i][1], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


@dataclass(frozen=True)
class RegencyPlan:
    code: str
    name: str
    population: int  # Dukcapil, December 2024: the weight of every split
    coverage_pct_x100: int  # September 2024 percentage (×100) that shapes the coverage
    potential: int  # BPJS potential workers on 2023-12-31, at the scale
    employed: int  # BPS employed persons, August 2023 (unscaled)
    employed_published: bool  # True when the figure is the labour file's own row
    active: int  # distinct persons active on 2023-12-31
    inactive: int  # members before, not active on 2023-12-31
    joiners: int  # first membership after 2023-12-31
    employers: tuple[int, int, int]  # active, inactive, closed


@dataclass(frozen=True)
class Plan:
    scale: str
    percent: int
    potential_total: int
    active_total: int
    employed_total: int
    regencies: tuple[RegencyPlan, ...]
    segments: dict[str, int]  # active memberships per segment on 2023-12-31
    dual: int  # active persons with both a PU and a BPU membership

    @property
    def persons_total(self) -> int:
        return sum(r.active + r.inactive + r.joiners for r in self.regencies)


def _labour_rows(path: Path) -> list[dict[str, str]]:
    return [row for _, row in read_csv(path, ("region_code", "year", "indicator", "value"))]


def make_plan(scale: str, labour_csv: Path) -> Plan:
    """The demo's targets per regency at ``scale`` ("full" or "small"), from lampung_labour.csv."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; expected one of {sorted(SCALES)}")
    percent = SCALES[scale]
    rows = _labour_rows(labour_csv)
    population: dict[str, int] = {}
    names: dict[str, str] = {}
    coverage: dict[str, int] = {}
    employed_published: dict[str, int] = {}
    employed_total = None
    for row in rows:
        code, indicator, year = row["region_code"], row["indicator"], row["year"]
        is_regency = code.startswith("18.") and code.count(".") == 1
        if indicator == "population_dukcapil_dec" and year == "2024" and is_regency:
            population[code] = int(row["value"])
            names[code] = row.get("region_name", code)
        elif indicator == "bpjstk_coverage_pct_sep" and year == "2024" and is_regency:
            coverage[code] = round(float(row["value"]) * 100)
        elif indicator == "employed_persons_aug" and year == "2023":
            if code == "18":
                employed_total = int(row["value"])
            elif is_regency:
                employed_published[code] = int(row["value"])
    if len(population) < 2 or employed_total is None:
        raise ValueError(f"{labour_csv.name} lacks the Dukcapil or BPS rows the demo needs")
    codes = sorted(population)
    weights = [population[c] for c in codes]
    # Regencies missing from the September 2024 list (Lampung Utara, Pesawaran) take the
    # province's 26.79 %; the result is then scaled so the parts sum to the province total.
    pct = [coverage.get(c, COVERAGE_PCT_X100) for c in codes]
    potential_total = scaled(POTENTIAL_WORKERS, percent)
    active_total = scaled(ACTIVE_PERSONS, percent)
    potential = largest_remainder(potential_total, weights)
    active = largest_remainder(active_total, [p * c for p, c in zip(potential, pct, strict=True)])
    inactive = largest_remainder(active_total * INACTIVE_PER_ACTIVE_X100 // 100, active)
    joiners = largest_remainder(active_total * JOINERS_PER_ACTIVE_X100 // 100, active)
    employers = [
        largest_remainder(scaled(n, percent), active)
        for n in (ACTIVE_EMPLOYERS, INACTIVE_EMPLOYERS, CLOSED_EMPLOYERS)
    ]
    rest = [c for c in codes if c not in employed_published]
    rest_split = dict(
        zip(
            rest,
            largest_remainder(
                employed_total - sum(employed_published.values()), [population[c] for c in rest]
            ),
            strict=True,
        )
    )
    regencies = tuple(
        RegencyPlan(
            code=c,
            name=names[c],
            population=population[c],
            coverage_pct_x100=pct[i],
            potential=potential[i],
            employed=employed_published.get(c, rest_split.get(c, 0)),
            employed_published=c in employed_published,
            active=active[i],
            inactive=inactive[i],
            joiners=joiners[i],
            # Every regency gets a construction and a non-construction employer at least.
            employers=(max(2, employers[0][i]), employers[1][i], employers[2][i]),
        )
        for i, c in enumerate(codes)
    )
    dual = active_total * DUAL_PER_ACTIVE_X1000 // 1000
    memberships = largest_remainder(active_total + dual, [n for _, n in SEGMENT_SPLIT])
    segments = {name: n for (name, _), n in zip(SEGMENT_SPLIT, memberships, strict=True)}
    return Plan(
        scale=scale,
        percent=percent,
        potential_total=potential_total,
        active_total=active_total,
        employed_total=employed_total,
        regencies=regencies,
        segments=segments,
        dual=dual,
    )
