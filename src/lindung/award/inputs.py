"""The frozen inputs of a scoring run: everything ``scoring.compute`` reads, as plain JSON, and
for each (entry, criterion) where the raw value came from (for the audit of every score)."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from lindung.award.models import (
    Answer,
    AssignmentKind,
    CriterionKind,
    Edition,
    EntryStatus,
    IndicatorValue,
    JuryScore,
)
from lindung.award.scoring import FORMULA_VERSION

Sources = dict[tuple[int, int], dict[str, Any]]


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def on_answer_scale(value: Decimal, max_points: int) -> Decimal:
    """A percentage on a questionnaire item's 0–``max_points`` scale, exactly (so the formula's
    ``v / maximum × 100`` gives the percentage back)."""
    return Decimal(value) * max_points / 100


def collect_inputs(edition: Edition) -> tuple[dict[str, Any], Sources]:
    entries = list(
        edition.entries.exclude(status=EntryStatus.WITHDRAWN).order_by("category_id", "id")
    )
    ids = [e.pk for e in entries]
    raw: dict[tuple[int, int], str | None] = {}
    sources: Sources = {}
    replaced: set[tuple[int, int]] = set()
    for iv in IndicatorValue.objects.filter(entry_id__in=ids).select_related("criterion"):
        key = (iv.entry_id, iv.criterion_id)
        if iv.criterion.kind == CriterionKind.QUESTIONNAIRE and iv.value is not None:
            # A register-backed item (indicators.REGISTER_ITEMS): the frozen percentage, on the
            # item's scale, counts instead of the answer.
            counted = on_answer_scale(iv.value, iv.criterion.max_points)
            raw[key] = _text(counted)
            sources[key] = {"indicator": {**iv.details, "counted": _text(counted)}}
            replaced.add(key)
            continue
        raw[key] = _text(iv.value)
        sources[key] = {"indicator": iv.details}
    for a in Answer.objects.filter(entry_id__in=ids):
        if (a.entry_id, a.criterion_id) in replaced:
            sources[(a.entry_id, a.criterion_id)]["indicator"]["answered"] = a.value
            continue
        counted = a.counted_value
        raw[(a.entry_id, a.criterion_id)] = str(counted)
        sources[(a.entry_id, a.criterion_id)] = {
            "answer": a.pk,
            "answered": a.value,
            "verdict": a.verdict,
            "counted": counted,
            "verified_by": a.verified_by_id,
            "verified_at": a.verified_at.isoformat() if a.verified_at else None,
            "reason": a.verdict_reason,
        }
    jury: dict[tuple[int, int], list[JuryScore]] = defaultdict(list)
    scores = JuryScore.objects.filter(
        assignment__entry_id__in=ids,
        assignment__kind=AssignmentKind.JUROR,
        assignment__conflict=False,
    ).select_related("assignment")
    for js in scores.order_by("assignment__user_id"):
        jury[(js.assignment.entry_id, js.criterion_id)].append(js)
    for key, rows in jury.items():
        mean = sum((r.score for r in rows), Decimal(0)) / len(rows)
        raw[key] = str(mean.quantize(Decimal("0.01"), ROUND_HALF_UP))
        sources[key] = {
            "jurors": [
                {"user": r.assignment.user_id, "score": str(r.score), "at": r.scored_at.isoformat()}
                for r in rows
            ]
        }
    categories = []
    for category in edition.categories.prefetch_related("criteria").order_by("id"):
        mine = [e for e in entries if e.category_id == category.pk]
        if not mine:
            continue
        criteria = list(category.criteria.all())
        categories.append(
            {
                "id": category.pk,
                "kind": category.kind,
                "winners": category.winners,
                "criteria": [
                    {
                        "id": c.pk,
                        "code": c.code,
                        "kind": c.kind,
                        "weight": str(c.weight),
                        "direction": c.direction,
                        "max_points": c.max_points if c.kind != CriterionKind.JURY else 100,
                    }
                    for c in criteria
                ],
                "entries": [
                    {
                        "id": e.pk,
                        "name": e.name,
                        "values": {str(c.pk): raw.get((e.pk, c.pk)) for c in criteria},
                    }
                    for e in mine
                ],
            }
        )
    inputs = {
        "formula_version": FORMULA_VERSION,
        "edition": edition.pk,
        "cutoff_date": edition.cutoff_date.isoformat(),
        "categories": categories,
    }
    return inputs, sources
