"""Months as the platform counts them: a month is named by its last day (coverage facts) or its
first day (contribution months), and indexed as ``year * 12 + month - 1``.

Arithmetic only: a month is shown to people by :func:`lindung.core.numbers.month_text`
(``Oktober 2025``; ``{{ day|month_id }}`` in templates), never as ``2025-10``."""

from __future__ import annotations

import datetime as dt
from calendar import monthrange


def month_end(day: dt.date) -> dt.date:
    """The last day of ``day``'s month."""
    return day.replace(day=monthrange(day.year, day.month)[1])


def month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every month-end from ``first``'s month to ``last``'s month, inclusive."""
    return [month_of_index(i) for i in range(month_index(first), month_index(last) + 1)]


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def month_of_index(index: int) -> dt.date:
    """Month-end day of a month index."""
    year, month = divmod(index, 12)
    return month_end(dt.date(year, month + 1, 1))


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after (or before, when negative) ``day``'s."""
    year, month = divmod(month_index(day) + months, 12)
    return dt.date(year, month + 1, 1)
