"""What every CSV/XLSX the platform writes shares: cells that cannot run as formulas, a
line-returning "file" for ``csv.writer`` inside a generator (streamed downloads), and the number
formats of XLSX cells (numbers stay numbers; see :func:`xlsx_row` and :func:`format_sheet`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils import timezone

from lindung.core.numbers import is_english


def safe_cell(value: Any) -> Any:
    """Text starting with = + - @ would run as a formula in a spreadsheet (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class LineEcho:
    """A write-only "file" whose write returns the line, for csv.writer inside a generator."""

    def write(self, value: str) -> str:
        return value


# --- number formats of XLSX cells ------------------------------------------------------------
# An XLSX keeps numbers as numbers: the cell holds 1234567 and a number format says how to show
# it; the spreadsheet shows the digit grouping of the reader's locale (1.234.567 in Indonesian).
# Month names follow the workbook's language through a locale tag ([$-421] Indonesian,
# [$-809] English), so a month reads "Oktober 2025" whatever the reader's Excel speaks.
XLSX_INTEGER = "#,##0"
XLSX_DECIMAL = "#,##0.00"
XLSX_PERCENT = '0.00" %"'  # a value already in percent (23.68), not a fraction (0.2368)
_LOCALE_TAG = {False: "[$-421]", True: "[$-809]"}
# What openpyxl gives a cell by itself (numbers, dates, datetimes, times).
_DEFAULT_FORMATS = {"General", "yyyy-mm-dd", "yyyy-mm-dd h:mm:ss", "mm-dd-yy", "h:mm:ss"}


def xlsx_date_format(
    *, month: bool = False, time: bool = False, english: bool | None = None
) -> str:
    """``7 Desember 2026`` / ``Desember 2026`` / ``7 Desember 2026 14:05`` as an XLSX format."""
    pattern = "mmmm yyyy" if month else "d mmmm yyyy hh:mm" if time else "d mmmm yyyy"
    return _LOCALE_TAG[is_english(english)] + pattern


def xlsx_format(
    value: Any, *, percent: bool = False, month: bool = False, english: bool | None = None
) -> str | None:
    """The number format a cell holding ``value`` needs, or ``None`` (text, empty, bool)."""
    if value is None or isinstance(value, (bool, str)):
        return None
    if isinstance(value, dt.datetime):
        return xlsx_date_format(time=True, english=english)
    if isinstance(value, dt.date):
        return xlsx_date_format(month=month, english=english)
    if percent and isinstance(value, (int, float, Decimal)):
        return XLSX_PERCENT
    if isinstance(value, int):
        return XLSX_INTEGER
    if isinstance(value, (float, Decimal)):
        return XLSX_DECIMAL
    return None


def xlsx_value(value: Any) -> Any:
    """A value a cell can hold as a number: Decimal as float, aware datetimes in local time
    without zone (XLSX has none); text kept, and made safe (:func:`safe_cell`)."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.make_naive(value)
    return safe_cell(value)


def format_sheet(
    sheet: Any,
    *,
    percent_columns: Iterable[int] = (),
    month_columns: Iterable[int] = (),
    plain_columns: Iterable[int] = (),
    english: bool | None = None,
) -> None:
    """Give every number and date cell of a (not write-only) worksheet its number format;
    ``percent_columns``/``month_columns`` are 1-based column numbers of percentages (values in
    percent) and months, ``plain_columns`` those of numbers that are no quantity (ids, years:
    ``2025``, never ``2.025``). Cells that already have a format of their own are left alone."""
    percents, months, plain = set(percent_columns), set(month_columns), set(plain_columns)
    for row in sheet.iter_rows():
        for cell in row:
            if cell.number_format not in _DEFAULT_FORMATS or cell.column in plain:
                continue
            number_format = xlsx_format(
                cell.value,
                percent=cell.column in percents,
                month=cell.column in months,
                english=english,
            )
            if number_format:
                cell.number_format = number_format


def xlsx_row(
    sheet: Any,
    values: Iterable[Any],
    *,
    percent_columns: Iterable[int] = (),
    month_columns: Iterable[int] = (),
    plain_columns: Iterable[int] = (),
    english: bool | None = None,
) -> list[Any]:
    """A row for a write-only worksheet (``sheet.append(xlsx_row(sheet, values))``): numbers
    and dates as cells with their number format, text made safe; columns are 1-based, as in
    :func:`format_sheet` (``plain_columns``: ids and years, left unformatted)."""
    from openpyxl.cell import WriteOnlyCell  # late: only XLSX writers need openpyxl

    percents, months, plain = set(percent_columns), set(month_columns), set(plain_columns)
    row = []
    for column, raw in enumerate(values, start=1):
        number_format = None
        if column not in plain:
            number_format = xlsx_format(
                raw, percent=column in percents, month=column in months, english=english
            )
        value = xlsx_value(raw)
        if number_format is None:
            row.append(value)
            continue
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = number_format
        row.append(cell)
    return row
