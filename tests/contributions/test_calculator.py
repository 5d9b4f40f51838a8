"""calculate_month against domain.md §2 numbers; the arithmetic is written next to each case."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lindung.contributions.calculator import CalculationError, calculate_month, due_date
from lindung.contributions.models import Holiday
from lindung.contributions.results import round_rupiah

D = dt.date
HYPOTHESIS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def pu(month: dt.date, wage: int, risk_class: int = 1, **kw):
    return calculate_month(segment="PU", month=month, wage=wage, risk_class=risk_class, **kw)


# --- JP wage cap (domain.md §2.3) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "employer", "worker"),
    [
        # Feb 2024: cap 9,559,600 (Mar 2023): 2 % = 191,192; 1 % = 95,596
        (D(2024, 2, 1), 191_192, 95_596),
        # Mar 2024: cap 10,042,300: 2 % = 200,846; 1 % = 100,423
        (D(2024, 3, 1), 200_846, 100_423),
        # Mar 2025: cap 10,547,400: 2 % = 210,948; 1 % = 105,474
        (D(2025, 3, 1), 210_948, 105_474),
        # Feb 2026: still 10,547,400 (§11)
        (D(2026, 2, 1), 210_948, 105_474),
        # Mar 2026: cap 11,086,300: 2 % = 221,726; 1 % = 110,863
        (D(2026, 3, 1), 221_726, 110_863),
    ],
)
def test_jp_for_a_12_million_wage(rates, month, employer, worker) -> None:
    calc = pu(month, 12_000_000, programmes=["JP"])
    assert calc.amount("JP", "employer") == employer
    assert calc.amount("JP", "worker") == worker
    assert calc.total == employer + worker


# Every cap boundary: (first month of the cap, cap, cap in force the month before).
CAP_STEPS = [
    (D(2016, 3, 1), 7_335_300, 7_000_000),
    (D(2017, 3, 1), 7_703_500, 7_335_300),
    (D(2018, 3, 1), 8_094_000, 7_703_500),
    (D(2019, 3, 1), 8_512_400, 8_094_000),
    (D(2020, 3, 1), 8_939_700, 8_512_400),
    (D(2021, 3, 1), 8_754_600, 8_939_700),
    (D(2022, 3, 1), 9_077_600, 8_754_600),
    (D(2023, 3, 1), 9_559_600, 9_077_600),
    (D(2024, 3, 1), 10_042_300, 9_559_600),
    (D(2025, 3, 1), 10_547_400, 10_042_300),
    (D(2026, 3, 1), 11_086_300, 10_547_400),
]


@pytest.mark.parametrize(("first", "cap", "previous"), CAP_STEPS)
def test_every_jp_cap_boundary(rates, first, cap, previous) -> None:
    before = D(first.year, 2, 1)
    wage = 50_000_000  # above every cap, so the base is the cap itself
    # worker 1 % of the cap; employer 2 % of the cap (caps are whole Rp 100, so exact)
    assert pu(before, wage, programmes=["JP"]).amount("JP", "worker") == previous // 100
    assert pu(first, wage, programmes=["JP"]).amount("JP", "worker") == cap // 100
    assert pu(first, wage, programmes=["JP"]).amount("JP", "employer") == cap * 2 // 100


def test_first_cap_starts_july_2015_and_nothing_before(rates) -> None:
    # Jul 2015: cap 7,000,000 → 1 % = 70,000
    assert pu(D(2015, 7, 1), 9_000_000, programmes=["JP"]).amount("JP", "worker") == 70_000
    with pytest.raises(CalculationError, match="2015-06"):
        pu(D(2015, 6, 1), 9_000_000, programmes=["JP"])


# --- PU rates (domain.md §2.1, §2.2) ----------------------------------------------------------


def test_pu_all_programmes_for_5_million(rates) -> None:
    calc = pu(D(2024, 3, 1), 5_000_000, risk_class=1)
    # JKK 0.24 % = 12,000; JKM 0.30 % = 15,000; JHT 3.7 % = 185,000 + 2 % = 100,000;
    # JP 2 % = 100,000 + 1 % = 50,000 (below the cap); JKP 0
    assert calc.amount("JKK") == 12_000
    assert calc.amount("JKM") == 15_000
    assert (calc.amount("JHT", "employer"), calc.amount("JHT", "worker")) == (185_000, 100_000)
    assert (calc.amount("JP", "employer"), calc.amount("JP", "worker")) == (100_000, 50_000)
    assert calc.amount("JKP") == 0 and any(line.programme == "JKP" for line in calc.lines)
    assert calc.total_for("employer") == 12_000 + 15_000 + 185_000 + 100_000  # 312,000
    assert calc.total_for("worker") == 100_000 + 50_000  # 150,000
    assert calc.total == 462_000
    assert calc.due_date == D(2024, 4, 15)  # 15th of the next month (§2.9)


@pytest.mark.parametrize(
    ("risk_class", "amount"),
    # 10,000,000 × 0.24 / 0.54 / 0.89 / 1.27 / 1.74 %
    [(1, 24_000), (2, 54_000), (3, 89_000), (4, 127_000), (5, 174_000)],
)
def test_jkk_by_risk_class(rates, risk_class, amount) -> None:
    calc = pu(D(2024, 3, 1), 10_000_000, risk_class, programmes=["JKK"])
    assert calc.amount("JKK", "employer") == amount
    assert calc.amount("JKK", "worker") == 0


def test_jkp_before_its_start_is_left_out_unless_asked_for(rates) -> None:
    calc = pu(D(2021, 1, 1), 5_000_000)
    assert "JKP" not in {line.programme for line in calc.lines}
    with pytest.raises(CalculationError, match="JKP"):
        pu(D(2021, 1, 1), 5_000_000, programmes=["JKP"])
    line = next(line for line in pu(D(2024, 3, 1), 5_000_000).lines if line.programme == "JKP")
    assert line.unconfirmed  # start month ✖


# --- Discounts (domain.md §2.2, §2.8) ---------------------------------------------------------

TEXTILE = {"industry": "textile_garment", "workers": 60}


@pytest.mark.parametrize(
    ("month", "jkk", "discount"),
    [
        # class 3, wage 4,000,000: 0.89 % = 35,600; with −50 % (0.445 %) = 17,800
        (D(2025, 1, 1), 35_600, ""),
        (D(2025, 2, 1), 17_800, "PP7-2025-JKK"),
        (D(2025, 7, 1), 17_800, "PP7-2025-JKK"),
        (D(2025, 8, 1), 17_800, "PP36-2025-JKK"),
        (D(2026, 1, 1), 17_800, "PP36-2025-JKK"),
        (D(2026, 2, 1), 35_600, ""),
    ],
)
def test_pp7_and_pp36_labour_intensive_jkk_discount(rates, month, jkk, discount) -> None:
    calc = pu(month, 4_000_000, 3, programmes=["JKK", "JKM"], **TEXTILE)
    line = next(line for line in calc.lines if line.programme == "JKK")
    assert (line.amount, line.discount, line.gross) == (jkk, discount, 35_600)
    assert calc.amount("JKM") == 12_000  # 0.30 % of 4,000,000; JKM not discounted [10]


@pytest.mark.parametrize(
    "eligibility",
    [
        {"industry": "textile_garment", "workers": 49},  # fewer than 50 workers
        {"industry": "mining", "workers": 500},  # not one of the six industries
        {"industry": "textile_garment"},  # worker count unknown
    ],
)
def test_pp7_needs_industry_and_50_workers(rates, eligibility) -> None:
    calc = pu(D(2025, 3, 1), 4_000_000, 3, programmes=["JKK"], **eligibility)
    assert calc.amount("JKK") == 35_600


def test_pp49_2020_jkk_jkm_pay_one_percent(rates) -> None:
    # Aug 2020, class 1, wage 5,000,000: JKK 12,000 × 1 % = 120; JKM 15,000 × 1 % = 150
    calc = pu(D(2020, 8, 1), 5_000_000, programmes=["JKK", "JKM", "JP"])
    assert (calc.amount("JKK"), calc.amount("JKM")) == (120, 150)
    assert any("PP49-2020-JP-DEFERRAL" in w for w in calc.warnings)  # JP deferral not applied
    assert calc.amount("JP") == 150_000
    assert calc.due_date == D(2020, 9, 30)  # due date moved to the 30th
    assert pu(D(2020, 7, 1), 5_000_000, programmes=["JKK"]).amount("JKK") == 12_000
    assert pu(D(2021, 2, 1), 5_000_000, programmes=["JKK"]).amount("JKK") == 12_000
    assert pu(D(2021, 1, 1), 5_000_000, programmes=["JKK"]).due_date == D(2021, 2, 28)
    bpu = calculate_month(segment="BPU", month=D(2020, 9, 1), income=1_000_000)
    assert bpu.amount("JKM") == 68  # 6,800 × 1 % (§2.8)


def bpu(month: dt.date, income: int = 1_000_000, **kw):
    return calculate_month(segment="BPU", month=month, income=income, **kw)


@pytest.mark.parametrize(
    ("month", "funder", "occupation", "total", "payer"),
    [
        # 16,800 × 50 % = 8,400 (JKK 10,000 → 5,000; JKM 6,800 → 3,400)
        (D(2026, 1, 1), None, "ojol", 8_400, "worker"),
        (D(2026, 1, 1), "self", "courier_logistics", 8_400, "worker"),
        (D(2027, 3, 1), None, "driver", 8_400, "worker"),
        (D(2026, 1, 1), "csr", "ojol", 8_400, "funder"),  # only APBN/APBD excluded
        (D(2026, 1, 1), "apbd", "ojol", 16_800, "funder"),
        (D(2026, 1, 1), "apbn", "ojol", 16_800, "funder"),
        (D(2025, 12, 1), None, "ojol", 16_800, "worker"),
        (D(2027, 4, 1), None, "ojol", 16_800, "worker"),
        (D(2026, 1, 1), None, "petani", 16_800, "worker"),  # not a transport worker
    ],
)
def test_pp50_2025_transport_worker_discount(rates, month, funder, occupation, total, payer):
    calc = bpu(month, funder=funder, occupation=occupation)
    assert calc.total == total
    assert {line.party for line in calc.lines} == {payer}


# --- BPU (domain.md §2.5) ---------------------------------------------------------------------


def test_bpu_minimum_package(rates) -> None:
    calc = bpu(D(2024, 3, 1))
    assert (calc.amount("JKK"), calc.amount("JKM")) == (10_000, 6_800)  # 1 % of 1,000,000
    assert calc.total == 16_800
    assert calc.due_date == D(2024, 3, 15)  # the 15th of the contribution month itself


def test_bpu_with_optional_jht(rates) -> None:
    calc = bpu(D(2024, 3, 1), programmes=["JKK", "JKM", "JHT"])
    assert calc.amount("JHT") == 20_000  # 2 % of 1,000,000
    assert calc.total == 36_800  # 16,800 + 20,000 (domain.md: Rp 36,800)


@pytest.mark.parametrize(
    ("income", "jkk", "unconfirmed"),
    [
        (500_000, 10_000, True),  # below the minimum: declared at 1,000,000 (bracket ✖)
        (2_000_000, 20_000, True),  # no bracket row: 1 % of the income itself, flagged
        (30_000_000, 207_000, True),  # above the maximum: nominal 20,700,000 → 207,000
    ],
)
def test_bpu_income_brackets(rates, income, jkk, unconfirmed) -> None:
    line = next(line for line in bpu(D(2024, 3, 1), income).lines if line.programme == "JKK")
    assert (line.amount, line.unconfirmed) == (jkk, unconfirmed)


# --- Jakon (domain.md §2.6) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "jkk", "jkm"),
    [
        # 80 M: 0.21 % = 168,000; 0.03 % = 24,000 → 192,000 [26]
        (80_000_000, 168_000, 24_000),
        # exactly 100 M: 210,000 and 30,000 (the slice is inclusive at its top)
        (100_000_000, 210_000, 30_000),
        # 850 M: JKK 210,000 + 680,000 + 455,000; JKM 30,000 + 80,000 + 70,000
        (850_000_000, 1_345_000, 180_000),
        # 6 B: JKK 210,000 + 680,000 + 650,000 + 4,400,000 + 900,000 = 6,840,000;
        #      JKM 30,000 + 80,000 + 100,000 + 400,000 + 100,000 = 710,000
        (6_000_000_000, 6_840_000, 710_000),
    ],
)
def test_jakon_contract_value(rates, value, jkk, jkm) -> None:
    calc = calculate_month(segment="JAKON", month=D(2024, 3, 1), contract_value=value)
    assert (calc.amount("JKK"), calc.amount("JKM"), calc.total) == (jkk, jkm, jkk + jkm)
    assert {line.party for line in calc.lines} == {"employer"}


def test_jakon_with_known_wage(rates) -> None:
    calc = calculate_month(segment="JAKON", month=D(2024, 3, 1), wage=4_000_000)
    assert (calc.amount("JKK"), calc.amount("JKM")) == (69_600, 12_000)  # 1.74 %, 0.30 %


# --- PMI (domain.md §2.7) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("months", "amount", "unconfirmed"),
    [
        (None, 37_500, False),
        (6, 108_000, False),
        (12, 189_000, False),
        (24, 332_500, False),
        (26, 332_500 + 2 * 13_500, True),
    ],  # 24-month package + 2 × 13,500 (derived ✖)
)
def test_pmi_packages(rates, months, amount, unconfirmed) -> None:
    calc = calculate_month(segment="PMI", month=D(2024, 3, 1), contract_months=months)
    assert calc.total == amount
    assert calc.lines[0].unconfirmed is unconfirmed


def test_pmi_jht_option_and_errors(rates) -> None:
    month = D(2024, 3, 1)
    calc = calculate_month(
        segment="PMI", month=month, programmes=["JHT"], jht_amount=100_000, funder="apbd"
    )
    assert (calc.total, calc.lines[0].party) == (100_000, "funder")
    with pytest.raises(CalculationError, match="50,000"):
        calculate_month(segment="PMI", month=month, programmes=["JHT"], jht_amount=75_000)
    with pytest.raises(CalculationError, match="6, 12, 24"):
        calculate_month(segment="PMI", month=month, contract_months=9)
    with pytest.raises(CalculationError, match="2023-02"):  # Permenaker 4/2023 from 22 Feb 2023
        calculate_month(segment="PMI", month=D(2023, 2, 1))


# --- Rounding and errors ----------------------------------------------------------------------


def test_rounding_is_half_up_per_line(rates) -> None:
    # wage 1,025: JHT worker 2 % = 20.5 → 21 (half-up; half-even would give 20)
    assert pu(D(2024, 3, 1), 1_025, programmes=["JHT"]).amount("JHT", "worker") == 21
    # wage 3,333,333: JKK 0.24 % = 7,999.99992 → 8,000; JP worker 1 % = 33,333.33 → 33,333
    calc = pu(D(2024, 3, 1), 3_333_333, programmes=["JKK", "JP"])
    assert (calc.amount("JKK"), calc.amount("JP", "worker")) == (8_000, 33_333)
    assert "half-up" in calc.rounding_rule and "✖" in calc.rounding_rule


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"segment": "PU", "month": D(2024, 3, 15), "wage": 1}, "first-of-month"),
        ({"segment": "XX", "month": D(2024, 3, 1)}, "unknown segment"),
        ({"segment": "PU", "month": D(2024, 3, 1)}, "wage is required"),
        ({"segment": "PU", "month": D(2024, 3, 1), "wage": -1}, "must be >= 0"),
        ({"segment": "PU", "month": D(2024, 3, 1), "wage": 1}, "risk class"),
        ({"segment": "BPU", "month": D(2024, 3, 1), "income": 1, "programmes": ["JXX"]}, "JXX"),
        ({"segment": "JAKON", "month": D(2024, 3, 1)}, "contract_value"),
    ],
)
def test_bad_input_is_a_bilingual_error(rates, kwargs, message) -> None:
    with pytest.raises(CalculationError, match=message) as info:
        calculate_month(**kwargs)
    assert " / " in str(info.value)


# --- Properties -------------------------------------------------------------------------------

MONTHS = st.sampled_from([D(2015, 7, 1), D(2020, 8, 1), D(2022, 2, 1), D(2024, 3, 1),
                          D(2025, 4, 1), D(2026, 3, 1)])  # fmt: skip


@HYPOTHESIS
@given(
    month=MONTHS,
    wage=st.integers(0, 60_000_000),
    extra=st.integers(0, 5_000_000),
    risk_class=st.integers(1, 5),
)
def test_pu_amounts_monotone_capped_and_summing(rates, month, wage, extra, risk_class) -> None:
    low = pu(month, wage, risk_class, **TEXTILE)
    high = pu(month, wage + extra, risk_class, **TEXTILE)
    for party in ("employer", "worker"):
        assert low.total_for(party) <= high.total_for(party)
    for programme in ("JKK", "JKM", "JHT", "JP"):
        assert low.amount(programme) <= high.amount(programme)
    assert high.total == high.total_for("employer") + high.total_for("worker")
    assert high.total == sum(line.amount for line in high.lines)
    for line in high.lines:
        assert isinstance(line.amount, int) and 0 <= line.amount <= line.gross
        if line.programme == "JP":
            cap = line.rules[1].cap
            assert line.base == min(wage + extra, cap)
            assert line.amount <= round_rupiah(cap * line.rate_percent / 100)


@HYPOTHESIS
@given(month=MONTHS, income=st.integers(0, 40_000_000), extra=st.integers(0, 5_000_000))
def test_bpu_monotone_in_income(rates, month, income, extra) -> None:
    low, high = bpu(month, income), bpu(month, income + extra)
    assert 0 < low.total <= high.total
    assert high.total == sum(line.amount for line in high.lines)


@HYPOTHESIS
@given(value=st.integers(0, 8_000_000_000), extra=st.integers(0, 2_000_000_000))
def test_jakon_monotone_and_between_the_flat_extremes(rates, value, extra) -> None:
    month = D(2024, 3, 1)
    low = calculate_month(segment="JAKON", month=month, contract_value=value)
    high = calculate_month(segment="JAKON", month=month, contract_value=value + extra)
    assert low.total <= high.total
    # marginal rates fall from 0.24 % to 0.10 %, so the total lies between the two flat rates
    assert value * 10 // 10_000 - 2 <= low.total <= value * 24 // 10_000 + 2


@pytest.mark.parametrize(
    ("segment", "month", "due"),
    [
        ("PU", D(2020, 6, 1), D(2020, 7, 15)),  # 15th of the next month (§2.9), a Wednesday
        # Saturday 15 Aug 2020, Sunday, then Monday 17 August (Independence Day): Tuesday.
        ("PU", D(2020, 7, 1), D(2020, 8, 18)),
        ("PU", D(2020, 8, 1), D(2020, 9, 30)),  # PP 49/2020: 30th of the next month
        # 30th clipped to the month's last day; PP 49/2020 says nothing of holidays, so the
        # Sunday stays.
        ("PU", D(2021, 1, 1), D(2021, 2, 28)),
        ("PU", D(2021, 2, 1), D(2021, 3, 15)),  # back to the 15th
        ("PU", D(2024, 12, 1), D(2025, 1, 15)),  # across the year end
        ("PU", D(2025, 2, 1), D(2025, 3, 17)),  # Saturday 15 March 2025 → Monday
        ("BPU", D(2024, 12, 1), D(2024, 12, 15)),  # BPU: the 15th itself, a Sunday ◐
        ("JAKON", D(2024, 3, 1), None),  # paid before the certificate, no day of month
    ],
)
def test_due_dates(rates, segment, month, due) -> None:
    assert due_date(segment, month) == due


def test_a_holiday_added_as_data_moves_the_due_date(rates) -> None:
    assert due_date("PU", D(2024, 3, 1)) == D(2024, 4, 15)  # a Monday
    Holiday.objects.create(
        rule_id="HOL-TEST", name="Cuti bersama", effective_from=D(2024, 4, 15),
        effective_to=D(2024, 4, 15), legal_basis="test", source="test",
    )  # fmt: skip
    assert due_date("PU", D(2024, 3, 1)) == D(2024, 4, 16)


def test_pmi_rules_start_with_permenaker_4_2023(rates) -> None:
    # promulgated 22 Feb 2023: the first whole contribution month is March 2023
    assert calculate_month(segment="PMI", month=D(2023, 3, 1)).total == 37_500
