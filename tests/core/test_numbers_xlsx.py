"""XLSX cells keep numbers as numbers, with the number format the one formatter stands for."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from openpyxl import Workbook, load_workbook

from lindung.core.spreadsheets import (
    XLSX_DECIMAL,
    XLSX_INTEGER,
    XLSX_PERCENT,
    format_sheet,
    xlsx_date_format,
    xlsx_format,
    xlsx_row,
)


def reopened(book: Workbook):
    buffer = io.BytesIO()
    book.save(buffer)
    return load_workbook(io.BytesIO(buffer.getvalue())).active


def test_formats_by_value():
    assert xlsx_format(1234567) == XLSX_INTEGER == "#,##0"
    assert xlsx_format(Decimal("87.2176")) == XLSX_DECIMAL
    assert xlsx_format(23.68, percent=True) == XLSX_PERCENT
    assert xlsx_format("1.234") is None and xlsx_format(None) is None and xlsx_format(True) is None
    assert xlsx_format(dt.date(2025, 10, 31), month=True, english=False) == "[$-421]mmmm yyyy"
    assert xlsx_date_format(english=True) == "[$-809]d mmmm yyyy"


def test_write_only_rows_hold_numbers_with_their_format():
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    sheet.append(["Wilayah", "Pekerja", "Cakupan (%)", "Bulan", "Tahun"])
    sheet.append(
        xlsx_row(
            sheet,
            ["=HYPERLINK()", 1234567, Decimal("23.68"), dt.date(2025, 10, 31), 2025],
            percent_columns=[3],
            month_columns=[4],
            plain_columns=[5],
            english=False,
        )
    )
    row = next(iter(reopened(book).iter_rows(min_row=2)))
    assert row[0].value == "'=HYPERLINK()"  # text made safe, not a formula
    assert (row[1].value, row[1].number_format) == (1234567, "#,##0")
    assert (row[2].value, row[2].number_format) == (23.68, '0.00" %"')
    assert row[3].value.date() == dt.date(2025, 10, 31)
    assert row[3].number_format == "[$-421]mmmm yyyy"
    assert (row[4].value, row[4].number_format) == (2025, "General")  # a year is no 2.025


def test_format_sheet_sets_formats_but_keeps_a_cells_own():
    book = Workbook()
    sheet = book.active
    sheet.append(("Dibayar", 1000000, 0.5, dt.date(2026, 12, 7), "1.000"))
    sheet.append(("Persen", 12.5, 3, None, 2025))
    sheet["B2"].number_format = "0.0"
    format_sheet(sheet, percent_columns=[3], plain_columns=[5], english=False)
    sheet = reopened(book)
    assert sheet["B1"].number_format == "#,##0" and sheet["B1"].value == 1000000
    assert sheet["C1"].number_format == '0.00" %"'
    assert sheet["D1"].number_format == "[$-421]d mmmm yyyy"
    assert sheet["E1"].number_format == "General"  # text stays text
    assert sheet["B2"].number_format == "0.0"
    assert sheet["E2"].number_format == "General"
