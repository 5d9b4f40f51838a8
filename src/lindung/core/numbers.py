"""Counts and percentages as people read them: ``731.991`` and ``26,79`` in Indonesian,
``731,991`` and ``26.79`` in English; percentages half-up to two decimals."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
MISSING = "–"


def percent(part: int | None, whole: int | None) -> Decimal | None:
    if part is None or not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def number_text(value: int | None, *, english: bool = False) -> str:
    if value is None or value == "":
        return MISSING
    text = f"{int(value):,}"
    return text if english else text.replace(",", ".")


def percent_text(value: Decimal | None, *, english: bool = False) -> str:
    if value is None or value == "":
        return MISSING
    text = f"{Decimal(value):.2f}"
    return text if english else text.replace(".", ",")
