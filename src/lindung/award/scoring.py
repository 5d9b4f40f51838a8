"""The award's formula, as pure functions over frozen inputs (docs/award.md "Scoring").

Inputs are plain JSON (``inputs`` of a ``ScoringRun``): per category its criteria (kind, weight,
direction, maximum) and per entry the raw value of every criterion. Nothing here reads the
database, so recomputing a run from its stored inputs must give the same ranking, and a test
checks that it does.

Formula version 1:

* **Normalisation within a category** to 0–100. Automatic indicators: min–max over the category's
  entries, ``(v − min) / (max − min) × 100`` (reversed when lower is better); when every entry
  has the same value, all get 100; a missing value gets 0. Questionnaire items (verified value)
  and jury scores (mean of the jurors without a conflict): ``v / maximum × 100``, clipped to
  0–100, because they already sit on an absolute scale.
* **Weighted total**: ``Σ weight × normalised / Σ weight`` over the category's criteria, so it is
  0–100 whatever the weights add up to. Normalised values and the total are rounded half-up to
  4 decimals; each criterion's points are rounded so that they add up to the total exactly
  (largest remainder). The arithmetic is exact (scaled integers), so DuckDB's or anyone's exact
  re-computation gives the same digits.
* **Ranking** by total, then by the indicator subtotal (measured performance first), then the
  jury subtotal, then the questionnaire subtotal; entries still equal share a rank (1, 1, 3).
* **Sensitivity**: every criterion's weight multiplied by 0.9 and by 1.1 in turn (the others
  unchanged, the total re-divided by the new weight sum); each change reports the entries whose
  rank moves and whether the winners change.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

FORMULA_VERSION = "1"
PLACES = Decimal("0.0001")
SENSITIVITY_FACTORS = (Decimal("0.9"), Decimal("1.1"))
KINDS = ("indicator", "questionnaire", "jury")
TIE_BREAK_ORDER = ("indicator", "jury", "questionnaire")


def _decimal(value: Any) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))


@dataclass(frozen=True)
class CriterionInput:
    id: int
    code: str
    kind: str
    weight: Decimal
    direction: str = "higher"
    max_points: int = 100

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CriterionInput:
        return cls(
            id=int(data["id"]),
            code=data["code"],
            kind=data["kind"],
            weight=Decimal(str(data["weight"])),
            direction=data.get("direction", "higher"),
            max_points=int(data.get("max_points", 100)),
        )


@dataclass
class EntryScore:
    entry_id: int
    normalised: dict[int, Decimal]
    points: dict[int, Decimal]
    subtotals: dict[str, Decimal]
    total: Decimal
    rank: int = 0

    def key(self) -> tuple[Decimal, ...]:
        return (self.total, *(self.subtotals[k] for k in TIE_BREAK_ORDER))


# Exact arithmetic: values become integers at their own decimal scale and every division is an
# integer division with its rounding written out, so no 28-digit rounding of a long quotient can
# tip a value over a rounding boundary (4 decimals = units of 0.0001; 100 = 1,000,000 units).
UNITS = 10_000
FULL = 100 * UNITS


def _scaled(values: list[Decimal]) -> tuple[list[int], int]:
    """The values as integers at their common decimal scale 10^e, and e's power."""
    places = max((-v.as_tuple().exponent for v in values), default=0)  # type: ignore[operator]
    factor = 10 ** max(places, 0)
    return [int(v * factor) for v in values], factor


def _half_up(numerator: int, denominator: int) -> int:
    """round(numerator / denominator), halves up, for a non-negative numerator."""
    return (2 * numerator + denominator) // (2 * denominator)


def _units(units: int) -> Decimal:
    return Decimal(units).scaleb(-4).quantize(PLACES)


def normalise(criterion: CriterionInput, raw: dict[int, Decimal | None]) -> dict[int, Decimal]:
    """Normalised 0–100 value of every entry for one criterion (see the module text)."""
    zero = _units(0)
    present = {e: v for e, v in raw.items() if v is not None}
    ints, factor = _scaled(list(present.values()))
    scaled = dict(zip(present, ints, strict=True))
    if criterion.kind != "indicator":
        top = max(criterion.max_points, 1) * factor
        return {
            e: _units(min(_half_up(max(scaled[e], 0) * FULL, top), FULL)) if e in scaled else zero
            for e in raw
        }
    if not scaled:
        return dict.fromkeys(raw, zero)
    low, high = min(ints), max(ints)
    out: dict[int, Decimal] = {}
    for entry in raw:
        if entry not in scaled:
            out[entry] = zero
        elif high == low:
            out[entry] = _units(FULL)
        else:
            gap = high - scaled[entry] if criterion.direction == "lower" else scaled[entry] - low
            out[entry] = _units(_half_up(gap * FULL, high - low))
    return out


def _score(
    criteria: list[CriterionInput],
    normalised: dict[int, dict[int, Decimal]],
    entries: list[int],
    weights: dict[int, Decimal],
) -> list[EntryScore]:
    # Weights (2 decimals, 3 after a ±10 % change) as integers; normalised values in units.
    scaled = {c.id: int(weights[c.id] * UNITS) for c in criteria}
    weight_sum = sum(scaled.values()) or 1
    scores = []
    for entry in entries:
        points = _rounded_points(
            {c.id: scaled[c.id] * int(normalised[c.id][entry] * UNITS) for c in criteria},
            weight_sum,
        )
        subtotals = {
            k: sum((points[c.id] for c in criteria if c.kind == k), Decimal(0)) for k in KINDS
        }
        scores.append(
            EntryScore(
                entry_id=entry,
                normalised={c.id: normalised[c.id][entry] for c in criteria},
                points=points,
                subtotals=subtotals,
                total=sum(points.values(), Decimal(0)),
            )
        )
    return rank(scores)


def _rounded_points(products: dict[int, int], weight_sum: int) -> dict[int, Decimal]:
    """Each criterion's points ``weight × normalised / Σ weight`` (given as the integer
    numerators ``products``) in units, rounded so that they add up to the exactly rounded total
    (largest remainder, ties by criterion): rounding each alone could push a perfect total to
    100.0001."""
    total = _half_up(sum(products.values()), weight_sum)
    floors = {k: x // weight_sum for k, x in products.items()}
    left = total - sum(floors.values())
    by_remainder = sorted(products, key=lambda k: (-(products[k] % weight_sum), k))
    for k in by_remainder[:left]:
        floors[k] += 1
    return {k: _units(v) for k, v in floors.items()}


def rank(scores: list[EntryScore]) -> list[EntryScore]:
    """Order by total and the tie-breaks; equal keys share a rank (standard competition)."""
    ordered = sorted(scores, key=lambda s: (tuple(-v for v in s.key()), s.entry_id))
    previous: tuple[Decimal, ...] | None = None
    for position, score in enumerate(ordered, start=1):
        if score.key() != previous:
            score.rank = position
            previous = score.key()
        else:
            score.rank = ordered[position - 2].rank
    return ordered


@dataclass
class CategoryResult:
    category_id: int
    scores: list[EntryScore]
    sensitivity: list[dict[str, Any]] = field(default_factory=list)

    def ranking(self) -> list[tuple[int, int]]:
        return [(s.entry_id, s.rank) for s in self.scores]


def score_category(data: dict[str, Any]) -> CategoryResult:
    """Scores, ranks and the ±10 % weight sensitivity of one category's frozen inputs."""
    criteria = [CriterionInput.from_json(c) for c in data["criteria"]]
    entries = [int(e["id"]) for e in data["entries"]]
    raw = {
        c.id: {int(e["id"]): _decimal(e["values"].get(str(c.id))) for e in data["entries"]}
        for c in criteria
    }
    normalised = {c.id: normalise(c, raw[c.id]) for c in criteria}
    weights = {c.id: c.weight for c in criteria}
    base = _score(criteria, normalised, entries, weights)
    result = CategoryResult(int(data["id"]), base)
    winners = int(data.get("winners", 3))
    base_rank = {s.entry_id: s.rank for s in base}
    top = {s.entry_id for s in base if s.rank <= winners}
    for criterion in criteria:
        for factor in SENSITIVITY_FACTORS:
            changed = {**weights, criterion.id: criterion.weight * factor}
            again = _score(criteria, normalised, entries, changed)
            moved = [
                {"entry": s.entry_id, "from": base_rank[s.entry_id], "to": s.rank}
                for s in again
                if s.rank != base_rank[s.entry_id]
            ]
            result.sensitivity.append(
                {
                    "criterion": criterion.id,
                    "code": criterion.code,
                    "factor": str(factor),
                    "moved": moved,
                    "winners_changed": {s.entry_id for s in again if s.rank <= winners} != top,
                }
            )
    return result


def compute(inputs: dict[str, Any]) -> dict[int, CategoryResult]:
    """Every category of a run's frozen inputs."""
    return {int(c["id"]): score_category(c) for c in inputs["categories"]}


def canonical(inputs: dict[str, Any]) -> str:
    return json.dumps(inputs, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def inputs_hash(inputs: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(inputs).encode()).hexdigest()


def stable(result: CategoryResult) -> bool:
    """No ±10 % change of one weight moves anyone among the winners."""
    return not any(s["winners_changed"] for s in result.sensitivity)
