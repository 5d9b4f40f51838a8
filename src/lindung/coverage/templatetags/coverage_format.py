"""Indonesian number formatting for coverage pages and reports (``731.991``, ``26,79``)."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import get_language

from lindung.coverage.selectors import percent

register = template.Library()


def _english() -> bool:
    return (get_language() or "id").startswith("en")


@register.filter
def number_id(value: int | None) -> str:
    if value is None or value == "":
        return "–"
    text = f"{int(value):,}"
    return text if _english() else text.replace(",", ".")


HIDDEN = "×"


@register.filter
def count_id(value: int | None) -> str:
    """A head count; ``None`` is a hidden cell (under the minimum, or hidden with one)."""
    return HIDDEN if value is None else number_id(value)


@register.filter
def pct_id(value: Decimal | None) -> str:
    if value is None or value == "":
        return "–"
    text = f"{Decimal(value):.2f}"
    return text if _english() else text.replace(".", ",")


@register.filter
def pct_of(part: int | None, whole: int | None) -> str:
    return pct_id(percent(part, whole))
