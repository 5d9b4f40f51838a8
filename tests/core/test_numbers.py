"""The one number and date formatter (lindung.core.numbers), its template filters, and the CLI
and XLSX output that go through it."""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from lindung.core import numbers as n
from lindung.core.cli_output import ProgressLines, print_results, table_cell
from lindung.core.loading import LoadResult

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")


@pytest.mark.parametrize(
    ("value", "indonesian", "english"),
    [
        (1234567, "1.234.567", "1,234,567"),
        (0, "0", "0"),
        (999, "999", "999"),
        (-1234567, "-1.234.567", "-1,234,567"),
        (Decimal("1000000"), "1.000.000", "1,000,000"),
        (Decimal("2.5"), "3", "3"),  # half-up, not to even
        (Decimal("-2.5"), "-3", "-3"),
        (2.4999, "2", "2"),
        ("1234", "1.234", "1,234"),
        (None, "–", "–"),
        ("", "–", "–"),
    ],
)
def test_counts(value, indonesian, english):
    assert n.number_text(value, english=False) == indonesian
    assert n.number_text(value, english=True) == english


@pytest.mark.parametrize(
    ("value", "places", "indonesian", "english"),
    [
        (Decimal("87.2176"), 2, "87,22", "87.22"),
        (Decimal("0.125"), 2, "0,13", "0.13"),  # half-up
        (Decimal("0.135"), 2, "0,14", "0.14"),
        (0.125, 2, "0,13", "0.13"),  # floats read as written, no binary tail
        (1.005, 2, "1,01", "1.01"),
        (Decimal("1234567.891"), 2, "1.234.567,89", "1,234,567.89"),
        (Decimal("-1234.5"), 1, "-1.234,5", "-1,234.5"),
        (Decimal("-0.001"), 2, "0,00", "0.00"),  # no "-0,00"
        (Decimal("0.24000"), None, "0,24", "0.24"),  # a rate keeps its own decimals
        (Decimal("3.7"), None, "3,7", "3.7"),
        (Decimal("12"), None, "12", "12"),
        (Decimal("1E+3"), None, "1.000", "1,000"),
        (None, 2, "–", "–"),
    ],
)
def test_decimals(value, places, indonesian, english):
    assert n.decimal_text(value, places, english=False) == indonesian
    assert n.decimal_text(value, places, english=True) == english


def test_scores_percentages_and_money():
    assert n.score_text(Decimal("87.2176"), english=False) == "87,22"
    assert n.score_text("87.2176", english=True) == "87.22"
    assert n.percent_text(Decimal("23.675"), english=False) == "23,68"
    assert n.percent_label(Decimal("23.675"), english=False) == "23,68 %"
    assert n.percent_label(Decimal("23.675"), english=True) == "23.68%"
    assert n.percent_label(Decimal("-5"), english=False) == "-5,00 %"
    assert n.percent_label(None, english=False) == "–"
    assert n.percent(2368, 10000) == Decimal("23.68")
    assert n.percent(1, 3) == Decimal("33.33") and n.percent(2, 3) == Decimal("66.67")
    assert n.percent(5, 0) is None and n.percent(None, 5) is None
    assert n.rupiah_text(1234567, english=False) == "Rp 1.234.567"
    assert n.rupiah_text(-5000, english=False) == "-Rp 5.000"
    assert n.rupiah_text(Decimal("1234567.5"), english=True) == "Rp 1,234,568"
    assert n.rupiah_text(None) == "–"
    with pytest.raises(ValueError, match="not a number"):
        n.number_text("satu")


def test_months_and_dates():
    day = dt.date(2026, 12, 7)
    assert n.month_text(dt.date(2025, 10, 31), english=False) == "Oktober 2025"
    assert n.month_text(dt.date(2025, 10, 1), english=True) == "October 2025"
    assert n.month_text("2025-10", english=False) == "Oktober 2025"
    assert n.month_text("2025-08-31", english=False, short=True) == "Agu 2025"
    assert n.date_text(day, english=False) == "7 Desember 2026"
    assert n.date_text(day, english=True) == "7 December 2026"
    assert n.date_text(day, english=False, short=True) == "7 Des 2026"
    assert n.date_text(dt.date(2026, 5, 1), english=False) == "1 Mei 2026"
    assert n.date_text(None) == n.month_text("") == "–"
    assert [n.month_name(m, english=False) for m in (1, 2, 8)] == ["Januari", "Februari", "Agustus"]


def test_moments_are_shown_in_local_time(settings):
    settings.TIME_ZONE = "Asia/Jakarta"
    moment = dt.datetime(2026, 12, 7, 19, 5, tzinfo=dt.UTC)  # 02.05 on the 8th in Jakarta
    assert n.datetime_text(moment, english=False) == "8 Desember 2026 02.05"
    assert n.datetime_text(moment, english=True) == "8 December 2026 02:05"
    assert n.date_text(moment, english=False) == "8 Desember 2026"
    assert n.time_text(dt.time(9, 30), english=False) == "09.30"
    assert n.datetime_text(None) == "–"


def test_the_active_language_decides_when_none_is_given():
    with translation.override("id"):
        assert n.number_text(1000000) == "1.000.000"
        assert n.month_text(dt.date(2025, 10, 1)) == "Oktober 2025"
    with translation.override("en"):
        assert n.number_text(1000000) == "1,000,000"
        assert n.month_text(dt.date(2025, 10, 1)) == "October 2025"
        assert n.number_text(1000000, english=False) == "1.000.000"  # explicit wins
    with translation.override(None):  # deactivated: Indonesian, the platform's language
        assert n.number_text(1000000) == "1.000.000"


def render(source: str, **context) -> str:
    return Template("{% load number_format %}" + source).render(Context(context))


def test_template_filters_follow_the_page_language():
    context = {
        "n": 1234567,
        "p": Decimal("23.675"),
        "s": Decimal("87.2176"),
        "d": dt.date(2026, 12, 7),
        "m": dt.date(2025, 10, 31),
        "hidden": None,
    }
    source = (
        "{{ n|number_id }}|{{ p|pct_id }}|{{ p|pct_label }}|{{ s|score_id }}|"
        "{{ n|rupiah_id }}|{{ m|month_id }}|{{ d|date_id }}|{{ d|date_short_id }}|"
        "{{ hidden|count_id }}|{{ 1|pct_of:3 }}|{{ s|decimal_id:1 }}"
    )
    with translation.override("id"):
        assert render(source, **context) == (
            "1.234.567|23,68|23,68 %|87,22|Rp 1.234.567|Oktober 2025|7 Desember 2026|"
            "7 Des 2026|×|33,33|87,2"
        )
    with translation.override("en"):
        assert render(source, **context) == (
            "1,234,567|23.68|23.68%|87.22|Rp 1,234,567|October 2025|7 December 2026|"
            "7 Dec 2026|×|33.33|87.2"
        )
        # A text whose language is fixed names it.
        assert render('{{ d|date_id:"id" }} {{ n|number_id:"id" }}', **context) == (
            "7 Desember 2026 1.234.567"
        )


@pytest.fixture
def nothing_activated():
    """As in a management command: no language activated, so LANGUAGE_CODE ("id") holds."""
    before = translation.get_language()
    translation.deactivate()
    yield
    if before:
        translation.activate(before)


def test_cli_cells_and_tables_are_indonesian_by_default(nothing_activated):
    assert table_cell(1000000) == "1.000.000"
    assert table_cell(Decimal("87.2176")) == "87,22"
    assert table_cell(dt.date(2026, 12, 7)) == "7 Desember 2026"
    assert table_cell(None) == "" and table_cell("JKK") == "JKK" and table_cell(True) == "True"
    result = LoadResult(source="regions.csv", sha256="0" * 64)
    result.rows_read, result.created = 1_000_000, 12_345
    out = io.StringIO()
    print_results({"regions": result}, fmt="table", stdout=out)
    assert "1.000.000" in out.getvalue() and "12.345" in out.getvalue()
    assert "1,000,000" not in out.getvalue()
    lines = ProgressLines("impor / import participants", io.StringIO())
    lines.set_total(12_000)
    lines.advance(1_000)
    assert lines.line().startswith("impor / import participants: 1.000 / 12.000 baris / rows")
    with translation.override("en"):
        assert table_cell(1000000) == "1,000,000"
