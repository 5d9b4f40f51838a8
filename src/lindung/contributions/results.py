"""Results of the contribution calculator: lines, totals, the rounding rule (docs/domain.md §2.9).

Rounding rule (docs/domain.md §2.9 "Rounding" and §12.7 — **unconfirmed ✖**): no official rule
was found. We follow what public payroll engines do: each line (one programme × one party, or one
programme of a Jakon contract summed over its slices) is computed exactly in Decimal, any discount
is applied to that exact value, and the result is rounded **once, half-up to a whole Rupiah**
(``round_rupiah``). Totals are sums of the rounded lines. The JP wage cap itself is a published
whole-Rp-100 value (§2.3) and is used as stored, never recomputed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from lindung.contributions.models import Party
from lindung.regions.models import Confidence

ROUNDING_RULE = (
    "per line (programme × party), exact Decimal, discount applied, then rounded once half-up "
    "to whole Rupiah; totals are sums of rounded lines — docs/domain.md §2.9, §12.7 (✖)"
)
_STRENGTH = [Confidence.UNCONFIRMED, Confidence.SINGLE_SOURCE, Confidence.CONFIRMED]


class CalculationError(ValueError):
    """Input that cannot be calculated; the message is bilingual (Indonesian / English)."""


def round_rupiah(value: Decimal) -> int:
    """Half-up to a whole Rupiah (see the module docstring for the source and its status)."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent_text(rate: Decimal) -> str:
    """``Decimal("0.24000")`` → ``"0.24"`` (no exponent notation)."""
    return f"{rate.normalize():f}"


def weakest(confidences: Iterable[str]) -> str:
    return min(confidences, key=_STRENGTH.index, default=Confidence.CONFIRMED)


@dataclass(frozen=True)
class Line:
    programme: str
    party: str
    base: int | None
    rate_percent: Decimal | None
    amount: int
    rules: tuple[Any, ...]  # the rule rows used: rate first, then cap / bracket / discount
    gross: int  # before discount
    discount: str = ""
    note: str = ""

    @property
    def rule(self) -> str:
        return self.rules[0].rule_id

    @property
    def rule_ids(self) -> list[str]:
        return [r.rule_id for r in self.rules]

    @property
    def confidence(self) -> str:
        return weakest(r.confidence for r in self.rules)

    @property
    def unconfirmed(self) -> bool:
        return self.confidence == Confidence.UNCONFIRMED

    @property
    def legal_basis(self) -> str:
        return "; ".join(dict.fromkeys(r.legal_basis for r in self.rules))

    @property
    def source(self) -> str:
        return "; ".join(dict.fromkeys(r.source for r in self.rules))

    def as_dict(self) -> dict[str, Any]:
        return {
            "programme": self.programme,
            "party": self.party,
            "base": self.base,
            "rate_percent": None if self.rate_percent is None else percent_text(self.rate_percent),
            "gross": self.gross,
            "discount": self.discount,
            "amount": self.amount,
            "rule": self.rule,
            "rules": self.rule_ids,
            "legal_basis": self.legal_basis,
            "source": self.source,
            "confidence": self.confidence,
            "unconfirmed": self.unconfirmed,
            "note": self.note,
        }


@dataclass
class Calculation:
    segment: str
    month: dt.date
    lines: list[Line] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    due_date: dt.date | None = None
    rounding_rule: str = ROUNDING_RULE

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)

    def total_for(self, party: str) -> int:
        return sum(line.amount for line in self.lines if line.party == party)

    def amount(self, programme: str, party: str | None = None) -> int:
        return sum(
            line.amount
            for line in self.lines
            if line.programme == programme and (party is None or line.party == party)
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "segment": self.segment,
            "month": self.month.strftime("%Y-%m"),
            "lines": [line.as_dict() for line in self.lines],
            "total": self.total,
            "by_party": {p: self.total_for(p) for p in Party.values if self.total_for(p)},
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "unconfirmed": any(line.unconfirmed for line in self.lines),
            "rounding_rule": self.rounding_rule,
            "warnings": self.warnings,
        }


@dataclass(frozen=True)
class Derived:
    """A pseudo-rule marking an input we derived ourselves (✖)."""

    rule_id: str
    legal_basis: str
    source: str
    confidence: str = Confidence.UNCONFIRMED


UNCONFIRMED_BASE = Derived(
    "DERIVED-BPU-INCOME", "PP 44/2015 Lampiran (table not retrieved)", "domain.md §12.1"
)
