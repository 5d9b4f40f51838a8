"""The one formatter of numbers and dates for people: pages, charts, legends, PDFs, XLSX and CLI
tables all call it (templates through ``lindung.core.templatetags.number_format``).

Indonesian (the default, and whenever the active language is not English):

* counts ``1.234.567``, decimals ``87,22``, percentages ``23,68`` / ``23,68 %``,
  money ``Rp 1.234.567``;
* months ``Oktober 2025``, dates ``7 Desember 2026`` (short ``7 Des 2026``), times ``14.05``.

English: ``1,234,567``, ``87.22``, ``23.68%``, ``Rp 1,234,567``, ``October 2025``,
``7 December 2026``, ``14:05``.

Every function takes ``english=None`` (follow the active language: a request's, or the
``LANGUAGE_CODE`` Indonesian in the CLI) or an explicit ``True``/``False``. ``None`` and ``""``
format as :data:`MISSING`. Rounding is half-up (``0.125`` → ``0,13``), never banker's rounding;
floats are read through their shortest text (``0.1`` is ``Decimal("0.1")``).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language

HUNDRED = Decimal(100)
MISSING = "–"

MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
             "September", "Oktober", "November", "Desember")  # fmt: skip
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")  # fmt: skip
MONTHS_SHORT_ID = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov",
                   "Des")  # fmt: skip
MONTHS_SHORT_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                   "Dec")  # fmt: skip

Number = int | float | Decimal | str


def is_english(english: bool | None = None) -> bool:
    """``english`` when given, else whether the active language is English."""
    if english is not None:
        return english
    return (get_language() or "id").lower().startswith("en")


def _missing(value: Any) -> bool:
    return value is None or value == ""


def to_decimal(value: Number) -> Decimal:
    """A Decimal of ``value``; floats through their shortest text (no binary tails)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError, ValueError) as error:
        raise ValueError(f"not a number: {value!r}") from error


def rounded(value: Number, places: int = 0) -> Decimal:
    """``value`` rounded half-up to ``places`` decimals."""
    return to_decimal(value).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def _grouped(value: Decimal, places: int, english: bool) -> str:
    text = f"{value:,.{places}f}"  # "1,234.50" — swap the separators for Indonesian
    if text.startswith("-") and value.is_zero():
        text = text[1:]  # -0.001 rounded is 0, not "-0"
    if english:
        return text
    return text.translate(str.maketrans({",": ".", ".": ","}))


def percent(part: int | None, whole: int | None) -> Decimal | None:
    """``part`` of ``whole`` in percent, half-up to two decimals; ``None`` when not defined."""
    if part is None or not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def number_text(value: Number | None, *, english: bool | None = None) -> str:
    """A count: ``1.234.567`` (``1,234,567`` in English); fractions round half-up."""
    if _missing(value):
        return MISSING
    return _grouped(rounded(value), 0, is_english(english))


def decimal_text(
    value: Number | None, places: int | None = 2, *, english: bool | None = None
) -> str:
    """A measure with ``places`` decimals: ``1.234,50`` (``1,234.50`` in English);
    ``places=None`` keeps the value's own decimals without trailing zeros (a rate: ``0,24``)."""
    if _missing(value):
        return MISSING
    if places is None:
        exponent = to_decimal(value).normalize().as_tuple().exponent
        places = max(0, -exponent) if isinstance(exponent, int) else 0
    return _grouped(rounded(value, places), places, is_english(english))


def score_text(value: Number | None, *, english: bool | None = None) -> str:
    """A score (award, ranking) to two decimals: ``87,22``."""
    return decimal_text(value, 2, english=english)


def percent_text(
    value: Number | None, *, english: bool | None = None, places: int | None = 2
) -> str:
    """A percentage without its sign: ``26,79`` (for a column headed "%")."""
    return decimal_text(value, places, english=english)


def percent_label(
    value: Number | None, *, english: bool | None = None, places: int | None = 2
) -> str:
    """A percentage with its sign: ``23,68 %`` (``23.68%`` in English)."""
    if _missing(value):
        return MISSING
    text = percent_text(value, english=english, places=places)
    return f"{text}%" if is_english(english) else f"{text} %"


def rupiah_text(value: Number | None, *, english: bool | None = None) -> str:
    """An amount of rupiah: ``Rp 1.234.567``, ``-Rp 5.000`` (``Rp 1,234,567`` in English)."""
    if _missing(value):
        return MISSING
    amount = rounded(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {number_text(abs(amount), english=english)}"


def _day(value: Any) -> dt.date | None:
    """A date from a date, a datetime (local time) or ISO text (``2025-10``, ``2025-10-31``)."""
    if _missing(value):
        return None
    if isinstance(value, dt.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if len(text) == 7:
        text += "-01"
    return dt.date.fromisoformat(text[:10])


def month_name(month: int, *, english: bool | None = None, short: bool = False) -> str:
    """``Oktober`` for 10 (``Okt`` short; ``October``/``Oct`` in English)."""
    if is_english(english):
        names = MONTHS_SHORT_EN if short else MONTHS_EN
    else:
        names = MONTHS_SHORT_ID if short else MONTHS_ID
    return names[month - 1]


def month_text(value: Any, *, english: bool | None = None, short: bool = False) -> str:
    """A month: ``Oktober 2025`` (``Okt 2025`` short); takes any day of it or ``"2025-10"``."""
    day = _day(value)
    if day is None:
        return MISSING
    return f"{month_name(day.month, english=english, short=short)} {day.year}"


def date_text(value: Any, *, english: bool | None = None, short: bool = False) -> str:
    """A date: ``7 Desember 2026`` (``7 Des 2026`` short; ``7 December 2026`` in English)."""
    day = _day(value)
    if day is None:
        return MISSING
    return f"{day.day} {month_name(day.month, english=english, short=short)} {day.year}"


def time_text(value: dt.datetime | dt.time | None, *, english: bool | None = None) -> str:
    """A clock time: ``14.05`` (``14:05`` in English); aware datetimes in local time."""
    if _missing(value):
        return MISSING
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    separator = ":" if is_english(english) else "."
    return f"{value.hour:02d}{separator}{value.minute:02d}"


def datetime_text(
    value: dt.datetime | None, *, english: bool | None = None, short: bool = False
) -> str:
    """A moment: ``7 Desember 2026 14.05`` (local time; ``7 December 2026 14:05``)."""
    if _missing(value):
        return MISSING
    day = date_text(value, english=english, short=short)
    return f"{day} {time_text(value, english=english)}"
