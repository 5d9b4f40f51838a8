"""``{{ n|number_id }}`` → 731.991, ``{{ d|pct_id }}`` → 26,79 (English digits when the page is
in English), ``{{ n|count_id }}`` shows a hidden (suppressed) cell as ×."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import get_language

from lindung.core.numbers import number_text, percent, percent_text

register = template.Library()
HIDDEN = "×"


def _english() -> bool:
    return (get_language() or "id").startswith("en")


@register.filter
def number_id(value: int | None) -> str:
    return number_text(value, english=_english())


@register.filter
def count_id(value: int | None) -> str:
    """A head count; ``None`` is a hidden cell (under the minimum, or hidden with one)."""
    return HIDDEN if value is None else number_id(value)


@register.filter
def pct_id(value: Decimal | None) -> str:
    return percent_text(value, english=_english())


@register.filter
def pct_of(part: int | None, whole: int | None) -> str:
    return pct_id(percent(part, whole))
