"""The shipped rate tables: every row against domain.md §2, loader idempotency and rejections.

Expected values are transcribed from domain.md (section given next to each table), not read from
the CSV files, so a typo in either shows up here.
"""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from lindung.contributions.models import (
    BpuIncomeBracket,
    Discount,
    FlatAmount,
    JakonBracket,
    JpWageCap,
    PaymentRule,
    ProgrammeRate,
)
from lindung.contributions.services import DEFAULT_DATA_DIR, load_rate_tables
from lindung.core.loading import LoadError
from lindung.core.models import AuditLog

pytestmark = pytest.mark.engine

C, S, U = "confirmed", "single_source", "unconfirmed"
D = dt.date

# domain.md §2.1, §2.2 (PU), §2.6 (Jakon with known wages), §2.5 (BPU): rule → (rate %, conf.)
PROGRAMME_RATES = {
    "PU-JKK-R1": ("0.24", C),
    "PU-JKK-R2": ("0.54", C),
    "PU-JKK-R3": ("0.89", C),
    "PU-JKK-R4": ("1.27", C),
    "PU-JKK-R5": ("1.74", C),
    "PU-JKK-WORKER": ("0", C),
    "PU-JKM-EMPLOYER": ("0.30", C),
    "PU-JKM-WORKER": ("0", C),
    "PU-JHT-EMPLOYER": ("3.7", C),
    "PU-JHT-WORKER": ("2.0", C),
    "PU-JP-EMPLOYER": ("2.0", C),
    "PU-JP-WORKER": ("1.0", C),
    "PU-JKP-EMPLOYER": ("0", U),  # 0 % ✔ but the 2021 start month is ✖
    "PU-JKP-WORKER": ("0", U),
    "JAKON-JKK-WAGE": ("1.74", C),
    "JAKON-JKM-WAGE": ("0.30", C),
    "BPU-JKK": ("1", S),
    "BPU-JHT": ("2", C),
}

# domain.md §2.3 and §11: (from, to, cap, confidence); the cap switches on 1 March.
JP_CAPS = [
    (D(2015, 7, 1), D(2016, 2, 29), 7_000_000, C),
    (D(2016, 3, 1), D(2017, 2, 28), 7_335_300, S),
    (D(2017, 3, 1), D(2018, 2, 28), 7_703_500, S),
    (D(2018, 3, 1), D(2019, 2, 28), 8_094_000, S),
    (D(2019, 3, 1), D(2020, 2, 29), 8_512_400, S),
    (D(2020, 3, 1), D(2021, 2, 28), 8_939_700, C),
    (D(2021, 3, 1), D(2022, 2, 28), 8_754_600, S),
    (D(2022, 3, 1), D(2023, 2, 28), 9_077_600, U),
    (D(2023, 3, 1), D(2024, 2, 29), 9_559_600, C),
    (D(2024, 3, 1), D(2025, 2, 28), 10_042_300, C),
    (D(2025, 3, 1), D(2026, 2, 28), 10_547_400, C),
    (D(2026, 3, 1), None, 11_086_300, C),
]

# domain.md §2.6 (first set per §11): programme → [(from, to, rate %, conf.)]
JAKON = {
    "JKK": [
        (0, 100_000_000, "0.21", C),
        (100_000_000, 500_000_000, "0.17", C),
        (500_000_000, 1_000_000_000, "0.13", C),
        (1_000_000_000, 5_000_000_000, "0.11", C),
        (5_000_000_000, None, "0.09", C),
    ],
    "JKM": [
        (0, 100_000_000, "0.03", C),
        (100_000_000, 500_000_000, "0.02", C),
        (500_000_000, 1_000_000_000, "0.02", S),
        (1_000_000_000, 5_000_000_000, "0.01", S),
        (5_000_000_000, None, "0.01", S),
    ],
}

# domain.md §2.5 (BPU) and §2.7 (PMI): rule → (amount Rp, contract months, conf.)
FLAT = {
    "BPU-JKM": (6_800, None, C),
    "BPU-MIN-PACKAGE": (16_800, None, C),  # 10,000 + 6,800
    "PMI-PRE-PLACEMENT": (37_500, None, C),
    "PMI-PLACEMENT-6": (108_000, 6, C),
    "PMI-PLACEMENT-12": (189_000, 12, C),
    "PMI-PLACEMENT-24": (332_500, 24, C),
    "PMI-EXTRA-MONTH": (13_500, None, C),
    **{f"PMI-JHT-{a}": (a, None, C) for a in (50_000, 100_000, 200_000, 300_000)},
    **{f"PMI-JHT-{a}": (a, None, C) for a in (400_000, 500_000, 600_000)},
}

# domain.md §2.2, §2.5, §2.8: rule → (percent off, first month, last day, eligibility)
DISCOUNTS = {
    "PP49-2020-JKK-JKM": ("99", D(2020, 8, 1), D(2021, 1, 31), {}),
    "PP49-2020-JP-DEFERRAL": ("99", D(2020, 8, 1), D(2021, 1, 31), {"kind": "deferral"}),
    "PP7-2025-JKK": ("50", D(2025, 2, 1), D(2025, 7, 31), {"min_workers": 50}),
    "PP36-2025-JKK": ("50", D(2025, 8, 1), D(2026, 1, 31), {"min_workers": 50}),
    "PP50-2025-BPU-TRANSPORT": (
        "50",
        D(2026, 1, 1),
        D(2027, 3, 31),
        {"excluded_funders": "apbn,apbd", "segments": "BPU"},
    ),
}

# domain.md §2.9 / §2.8: rule → (due day, month offset, fine % per month, conf.)
PAYMENT = {
    "PU-DUE-2015": (15, 1, None, C),
    "PU-DUE-PP49": (30, 1, None, C),
    "PU-DUE-2021": (15, 1, None, C),
    "PU-FINE-2015": (None, None, "2", C),
    "PU-FINE-PP49": (None, None, "0.5", C),
    "PU-FINE-2021": (None, None, "2", C),
    "PU-FINE-JP": (None, None, "0.5", U),
    "BPU-DUE": (15, 0, None, S),
    "BPU-FINE": (None, None, "0", C),
    "JAKON-DUE": (None, None, None, C),
}

ROW_COUNTS = {
    "programmerate": 18,
    "jpwagecap": 12,
    "bpuincomebracket": 2,
    "flatamount": 14,
    "jakonbracket": 10,
    "discount": 5,
    "paymentrule": 10,
    "holiday": 58,  # fixed-date national holidays 2015–2026 (1 June from 2017)
}


def test_first_load_creates_every_row_then_reload_changes_nothing(db) -> None:
    first = load_rate_tables()
    assert {k: r.created for k, r in first.items()} == ROW_COUNTS
    assert all(not r.rejected for r in first.values())
    second = load_rate_tables()
    assert {k: r.unchanged for k, r in second.items()} == ROW_COUNTS
    assert sum(r.created + r.updated for r in second.values()) == 0
    assert AuditLog.objects.filter(action="contributions.load_rates").count() == 2  # one per run


@pytest.mark.parametrize("rule_id", sorted(PROGRAMME_RATES))
def test_programme_rate_rows(rates, rule_id: str) -> None:
    rate, confidence = PROGRAMME_RATES[rule_id]
    row = ProgrammeRate.objects.get(rule_id=rule_id)
    assert (row.rate_percent, row.confidence) == (Decimal(rate), confidence)
    assert row.legal_basis and "domain.md §2" in row.source


def test_no_programme_rate_row_is_untested(rates) -> None:
    assert set(ProgrammeRate.objects.values_list("rule_id", flat=True)) == set(PROGRAMME_RATES)


def test_jp_caps_every_year_contiguous_and_switching_in_march(rates) -> None:
    rows = list(JpWageCap.objects.order_by("effective_from"))
    assert [(r.effective_from, r.effective_to, r.cap, r.confidence) for r in rows] == JP_CAPS
    for before, after in itertools.pairwise(rows):
        assert before.effective_to + dt.timedelta(days=1) == after.effective_from
        assert (after.effective_from.month, after.effective_from.day) == (3, 1)
    letters = JpWageCap.objects.get(rule_id="JP-CAP-2026").letter_refs
    assert "B/1226/022026" in letters and "B/3307/022026" in letters  # §11: keep both refs


@pytest.mark.parametrize("programme", ["JKK", "JKM"])
def test_jakon_brackets(rates, programme: str) -> None:
    rows = JakonBracket.objects.filter(programme=programme).order_by("value_from")
    got = [(r.value_from, r.value_to, r.rate_percent, r.confidence) for r in rows]
    assert got == [(a, b, Decimal(rate), c) for a, b, rate, c in JAKON[programme]]


@pytest.mark.parametrize("rule_id", sorted(FLAT))
def test_flat_amount_rows(rates, rule_id: str) -> None:
    amount, months, confidence = FLAT[rule_id]
    row = FlatAmount.objects.get(rule_id=rule_id)
    assert (row.amount, row.contract_months, row.confidence) == (amount, months, confidence)


def test_bpu_income_brackets_store_only_what_is_known_flagged_unconfirmed(rates) -> None:
    rows = list(BpuIncomeBracket.objects.order_by("income_from"))
    assert [r.nominal_income for r in rows] == [1_000_000, 20_700_000]  # JKK 10,000 / 207,000
    assert all(r.confidence == U for r in rows)


@pytest.mark.parametrize("rule_id", sorted(DISCOUNTS))
def test_discount_rows(rates, rule_id: str) -> None:
    percent, start, end, extra = DISCOUNTS[rule_id]
    row = Discount.objects.get(rule_id=rule_id)
    assert (row.percent_off, row.effective_from, row.effective_to) == (Decimal(percent), start, end)
    for name, value in extra.items():
        assert getattr(row, name) == value


@pytest.mark.parametrize("rule_id", sorted(PAYMENT))
def test_payment_rule_rows(rates, rule_id: str) -> None:
    day, offset, fine, confidence = PAYMENT[rule_id]
    row = PaymentRule.objects.get(rule_id=rule_id)
    assert (row.due_day, row.due_month_offset, row.confidence) == (day, offset, confidence)
    assert row.fine_percent_per_month == (None if fine is None else Decimal(fine))


def _copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, target)
    return target


def _append(path: Path, *rows: str) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        fh.writelines(row + "\n" for row in rows)


def test_bad_rows_are_rejected_with_line_numbers(db, tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    # jp_wage_caps.csv has a header and 12 rows, so the appended rows are lines 14–17.
    _append(
        data / "jp_wage_caps.csv",
        "JP-CAP-BAD-DATE,2027-13-01,,1,,PP 45/2015,domain.md §2.3,✔,",
        "JP-CAP-OVERLAP,2026-06-01,,12000000,,PP 45/2015,domain.md §2.3,✔,",
        "JP-CAP-MIDMONTH,2014-03-15,2014-12-31,6000000,,PP 45/2015,domain.md §2.3,✔,",
        "JP-CAP-2015,2014-01-01,2014-02-28,6000000,,PP 45/2015,domain.md §2.3,✔,",
    )
    # programme_rates.csv has 18 rows: appended rows are lines 20–23.
    _append(
        data / "programme_rates.csv",
        "PU-JKK-R6,PU,JKK,employer,6,2.0,2015-07-01,,PP 44/2015,domain.md §2.1,✔,",
        "PU-JKK-X,PU,JKK,employer,1,abc,2015-07-01,,PP 44/2015,domain.md §2.1,✔,",
        "PU-JKK-Y,PU,JKK,employer,1,0.24,2016-01-01,2015-01-01,PP 44/2015,domain.md §2.1,✔,",
        "PU-JKK-Z,PU,JKK,employer,2,0.54,2030-01-01,,PP 44/2015,domain.md §2.1,maybe,",
    )
    results = load_rate_tables(data)
    caps = [(r.line, r.column) for r in results["jpwagecap"].rejected]
    assert caps == [
        (14, "effective_from"),  # month 13
        (15, "effective_from"),  # overlaps the open 2026 row (line 13)
        (16, "effective_from"),  # not the first of a month
        (17, "rule_id"),  # duplicate of line 2
    ]
    assert "baris 13" in results["jpwagecap"].rejected[1].reason  # bilingual, points at the row
    assert "line 13" in results["jpwagecap"].rejected[1].reason
    rates_rejected = [(r.line, r.column) for r in results["programmerate"].rejected]
    assert rates_rejected == [
        (20, "risk_class"),
        (21, "rate_percent"),
        (22, "effective_to"),
        (23, "confidence"),
    ]
    assert JpWageCap.objects.count() == 12 and ProgrammeRate.objects.count() == 18


def test_edited_value_updates_the_row(rates, tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    path = data / "bpu_income_brackets.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",0,1000001,", ",0,1500000,"))
    results = load_rate_tables(data)
    assert results["bpuincomebracket"].updated == 1
    assert BpuIncomeBracket.objects.get(rule_id="BPU-INCOME-MIN").income_to == 1_500_000


def test_missing_column_is_a_load_error(db, tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    (data / "discounts.csv").write_text("rule_id,regulation\nX,PP\n", encoding="utf-8")
    with pytest.raises(LoadError, match=r"discounts\.csv"):
        load_rate_tables(data)


def test_every_row_of_every_table_names_its_source_and_basis(rates) -> None:
    for model in (
        ProgrammeRate,
        JpWageCap,
        BpuIncomeBracket,
        FlatAmount,
        JakonBracket,
        Discount,
        PaymentRule,
    ):
        for row in model.objects.all():
            assert row.source.startswith("domain.md §"), row.rule_id
            assert row.legal_basis, row.rule_id
            assert "[" in row.source or "§12" in row.source, row.rule_id
