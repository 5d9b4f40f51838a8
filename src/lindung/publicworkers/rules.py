"""Category rules (docs/domain.md §13.2): how each category of public-sector and village worker is
registered — segment, programmes, wage basis — and what that costs a month, by the contribution
engine. Rules are data: the province-wide default from ``data/categories.csv`` and a regency's own
override for its bodies."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from lindung.contributions.calculator import CalculationError, calculate_month
from lindung.publicworkers.models import Category, CategoryRule, WageBasis
from lindung.registry.models import Segment

CATEGORIES_FILE = Path(__file__).parent / "data" / "categories.csv"


@dataclass(frozen=True)
class Rule:
    category: str
    segment: str
    programmes: tuple[str, ...]
    wage_basis: str
    wage_amount: int | None
    source: str
    confidence: str

    def wage_for(self, honorarium: int) -> int:
        """The wage (PU) or declared income (BPU) the contribution is priced on."""
        if self.wage_basis == WageBasis.FIXED and self.wage_amount:
            return self.wage_amount
        return honorarium


def category_rows() -> list[dict[str, str]]:
    """The shipped categories file, its ``#`` comment lines skipped."""
    with open(CATEGORIES_FILE, encoding="utf-8") as fh:
        lines = [line for line in fh if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines))


def load_categories() -> int:
    """Create or update the categories and their default rules from the shipped file (run by
    the migration and ``lindung public-workers load-categories``); regency overrides stay."""
    rows = category_rows()
    with transaction.atomic():
        for row in rows:
            category, _ = Category.objects.update_or_create(
                code=row["code"],
                defaults={
                    "order": int(row["order"]),
                    "label_id": row["label_id"],
                    "label_en": row["label_en"],
                },
            )
            CategoryRule.objects.update_or_create(
                category=category,
                regency=None,
                defaults={
                    "segment": row["segment"],
                    "programmes": row["programmes"],
                    "wage_basis": row["wage_basis"],
                    "wage_amount": int(row["wage_amount"]) if row["wage_amount"] else None,
                    "source": row["source"],
                    "confidence": row["confidence"],
                },
            )
    return len(rows)


def _rule(row: CategoryRule) -> Rule:
    return Rule(
        category=row.category_id,
        segment=row.segment,
        programmes=tuple(row.programmes.split()),
        wage_basis=row.wage_basis,
        wage_amount=row.wage_amount,
        source=row.source,
        confidence=row.confidence,
    )


class RuleBook:
    """Every rule loaded once: ``rule(category, regency)`` is the regency's override, else the
    default. Pricing is cached per (rule, wage, month): a register has few distinct wages."""

    def __init__(self) -> None:
        self.defaults: dict[str, Rule] = {}
        self.overrides: dict[tuple[str, str], Rule] = {}
        for row in CategoryRule.objects.select_related("regency"):
            if row.regency_id is None:
                self.defaults[row.category_id] = _rule(row)
            else:
                self.overrides[(row.category_id, row.regency.code)] = _rule(row)
        self._prices: dict[tuple[Rule, int, dt.date], int] = {}
        self._lookups: dict[tuple, Any] = {}  # the engine's rate rows, read once per book

    def rule(self, category: str, regency_code: str) -> Rule | None:
        return self.overrides.get((category, regency_code)) or self.defaults.get(category)

    def monthly(self, rule: Rule, honorarium: int, month: dt.date) -> int:
        """The month's total contribution for one person under ``rule`` (0 when the engine has
        no rate for the month: the worklist then shows no price rather than a wrong one)."""
        wage = rule.wage_for(honorarium)
        key = (rule, wage, month)
        if key not in self._prices:
            self._prices[key] = price(
                rule.segment, wage, rule.programmes, month, cache=self._lookups
            )
        return self._prices[key]


def price(
    segment: str,
    wage: int,
    programmes: Sequence[str],
    month: dt.date,
    *,
    cache: dict[tuple, Any] | None = None,
) -> int:
    """One person's total contribution for ``month`` (0 when the engine has no rate)."""
    try:
        if segment == Segment.PU:
            result = calculate_month(
                segment=segment, month=month, wage=wage, risk_class=1, programmes=programmes,
                cache=cache,
            )  # fmt: skip
        else:
            result = calculate_month(
                segment=segment, month=month, income=wage, programmes=programmes, cache=cache
            )
    except CalculationError:
        return 0
    return result.total


def months_left(on: dt.date) -> int:
    """Contribution months from ``on``'s month to December of its fiscal year, inclusive."""
    return 12 - on.month + 1
