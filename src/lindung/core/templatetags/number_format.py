"""Template filters over the one formatter, :mod:`lindung.core.numbers` (Indonesian style, English
style when the page is in English)::

    {% load number_format %}
    {{ n|number_id }}          731.991            {{ n|count_id }}   × for a hidden cell
    {{ d|pct_id }}             26,79              {{ d|pct_label }}  26,79 %
    {{ covered|pct_of:total }} 26,79              {{ s|score_id }}   87,22
    {{ x|decimal_id:1 }}       1.234,5            {{ a|rupiah_id }}  Rp 1.234.567
    {{ day|month_id }}         Oktober 2025       {{ day|date_id }}  7 Desember 2026
    {{ day|date_short_id }}    7 Des 2026         {{ t|datetime_id }} 7 Desember 2026 14.05

A text whose language is fixed (a letter, the Indonesian half of an e-mail) names it:
``{{ day|date_id:"id" }}``, ``{{ n|number_id:"en" }}`` (number, rupiah, month, date, datetime).
Use these instead of ``intcomma``, ``floatformat`` and ``date:"…"``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import template

from lindung.core import numbers

register = template.Library()
HIDDEN = "×"


def _english(language: str | None) -> bool | None:
    """``None`` (follow the page) unless a filter names its language: "id" or "en"."""
    return None if not language else str(language).lower().startswith("en")


@register.filter
def number_id(value: int | None, language: str | None = None) -> str:
    return numbers.number_text(value, english=_english(language))


@register.filter
def count_id(value: int | None) -> str:
    """A head count; ``None`` is a hidden cell (under the minimum, or hidden with one)."""
    return HIDDEN if value is None else number_id(value)


@register.filter
def pct_id(value: Decimal | None) -> str:
    return numbers.percent_text(value)


@register.filter
def pct_label(value: Decimal | None) -> str:
    return numbers.percent_label(value)


@register.filter
def pct_of(part: int | None, whole: int | None) -> str:
    return pct_id(numbers.percent(part, whole))


@register.filter
def decimal_id(value: Decimal | float | None, places: int = 2) -> str:
    return numbers.decimal_text(value, int(places))


@register.filter
def score_id(value: Decimal | float | None) -> str:
    return numbers.score_text(value)


@register.filter
def rupiah_id(value: int | Decimal | None, language: str | None = None) -> str:
    return numbers.rupiah_text(value, english=_english(language))


@register.filter
def month_id(value: Any, language: str | None = None) -> str:
    return numbers.month_text(value, english=_english(language))


@register.filter
def month_short_id(value: Any) -> str:
    return numbers.month_text(value, short=True)


@register.filter
def date_id(value: Any, language: str | None = None) -> str:
    return numbers.date_text(value, english=_english(language))


@register.filter
def date_short_id(value: Any) -> str:
    return numbers.date_text(value, short=True)


@register.filter
def datetime_id(value: dt.datetime | None, language: str | None = None) -> str:
    return numbers.datetime_text(value, english=_english(language))


@register.filter
def datetime_short_id(value: dt.datetime | None) -> str:
    return numbers.datetime_text(value, short=True)
