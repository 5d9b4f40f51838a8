"""NIK parsing, validation, masking and building (domain.md §8.1)."""

from __future__ import annotations

import dataclasses
import pickle
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lindung.core.nik import (
    WELL_FORMED_PATTERN,
    NikError,
    NikInfo,
    build_nik,
    check_stated,
    is_well_formed,
    mask_nik,
    parse_nik,
)

REF = date(2025, 6, 30)


@pytest.mark.parametrize(
    ("text", "nik", "district", "born", "sex", "serial"),
    [
        ("1871010101900001", "1871010101900001", "18.71.01", date(1990, 1, 1), "M", 1),
        ("1871015701900003", "1871015701900003", "18.71.01", date(1990, 1, 17), "F", 3),  # 57
        ("3174094112859999", "3174094112859999", "31.74.09", date(1985, 12, 1), "F", 9999),
        ("1871017112990002", "1871017112990002", "18.71.01", date(1999, 12, 31), "F", 2),
        ("1871013112990002", "1871013112990002", "18.71.01", date(1999, 12, 31), "M", 2),
        ("1804022902000010", "1804022902000010", "18.04.02", date(2000, 2, 29), "M", 10),
        ("1804026902000010", "1804026902000010", "18.04.02", date(2000, 2, 29), "F", 10),
        ("1813051507100100", "1813051507100100", "18.13.05", date(2010, 7, 15), "M", 100),
        (" 1871 0101 0190 0001 ", "1871010101900001", "18.71.01", date(1990, 1, 1), "M", 1),
        ("1871\u00a0010101900001\t", "1871010101900001", "18.71.01", date(1990, 1, 1), "M", 1),
    ],
)
def test_valid_niks_are_decoded(
    text: str, nik: str, district: str, born: date, sex: str, serial: int
) -> None:
    info = parse_nik(text, reference=REF)
    assert info == NikInfo(nik, district[:2], district[:5], district, born, sex, serial, ())
    assert (info.province_code, info.regency_code, info.district_code) == (
        district[:2],
        district[:5],
        district,
    )
    assert (info.birth_date, info.sex, info.serial, info.warnings) == (born, sex, serial, ())


@pytest.mark.parametrize(
    ("ddmmyy", "reference", "born"),
    [
        ("300625", date(2025, 6, 30), date(2025, 6, 30)),  # on the reference day: 20YY
        ("010725", date(2025, 6, 30), date(1925, 7, 1)),  # one day later would be future: 19YY
        ("300625", date(2025, 6, 29), date(1925, 6, 30)),  # same NIK, earlier reference
        ("150710", date(2025, 6, 30), date(2010, 7, 15)),
        ("010126", date(2025, 6, 30), date(1926, 1, 1)),
        ("311299", date(2025, 6, 30), date(1999, 12, 31)),
        ("290200", date(2000, 2, 29), date(2000, 2, 29)),
        ("690200", date(2024, 1, 1), date(2000, 2, 29)),  # woman, 29 Feb 2000
    ],
)
def test_century_is_the_latest_not_after_the_reference(
    ddmmyy: str, reference: date, born: date
) -> None:
    assert parse_nik(f"187101{ddmmyy}0001", reference=reference).birth_date == born


def test_29_february_2000_before_it_happened_has_no_valid_century() -> None:
    with pytest.raises(NikError) as excinfo:
        parse_nik("1871012902000001", reference=date(2000, 2, 28))  # 1900 was not a leap year
    assert excinfo.value.code == "birth_date"


def test_default_reference_is_today() -> None:
    today = date.today()
    assert parse_nik(f"187101{today:%d%m%y}0001").birth_date == today
    tomorrow = today + timedelta(days=1)
    assert parse_nik(f"187101{tomorrow:%d%m%y}0001").birth_date.year == tomorrow.year - 100


def test_reference_may_be_a_datetime() -> None:
    noon = datetime(2025, 6, 30, 12, 0, tzinfo=UTC)
    assert parse_nik("1871013006250001", reference=noon).birth_date == date(2025, 6, 30)
    assert parse_nik("1871010107250001", reference=noon).birth_date == date(1925, 7, 1)


def test_reference_before_the_19yy_date_keeps_19yy_with_a_warning() -> None:
    info = parse_nik("1871010101600001", reference=date(1950, 1, 1))
    assert info.birth_date == date(1960, 1, 1)
    assert info.warnings == ("birth_date_after_reference",)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "format"),
        ("187101010190001", "format"),  # 15 digits
        ("18710101019000012", "format"),  # 17 digits
        ("18710101019000O1", "format"),  # letter O
        ("1871-0101-0190-0001", "format"),
        ("\uff11\uff18\uff17\uff11010101900001", "format"),  # full-width digits
        ("\u0661\u0668\u0667\u0661010101900001", "format"),  # Arabic-Indic digits
        ("1.87101E+15", "spreadsheet"),
        ("1,87101E+15", "spreadsheet"),  # Indonesian-locale decimal comma
        ("1.871010101900001e+15", "spreadsheet"),
        ("1871010101900001.0", "spreadsheet"),
        ("1871010101900001,00", "spreadsheet"),
        ("1,871,010,101,900,001", "spreadsheet"),
        ("1.871.010.101.900.001", "spreadsheet"),
        (1871010101900001, "not_text"),
        (1.871010101900001e15, "not_text"),
        (None, "not_text"),
        ("0071010101900001", "province"),
        ("1871010101900000", "serial"),
        ("1871010001900001", "birth_date"),  # day 00
        ("1871013201900001", "birth_date"),  # day 32
        ("1871014001900001", "birth_date"),  # day 40 (women start at 41)
        ("1871017201900001", "birth_date"),  # day 72 = 32 for a woman
        ("1871019901900001", "birth_date"),
        ("1871010100900001", "birth_date"),  # month 00
        ("1871010113900001", "birth_date"),  # month 13
        ("1871013002900001", "birth_date"),  # 30 Feb
        ("1871017002900001", "birth_date"),  # 30 Feb, woman
        ("1871013104900001", "birth_date"),  # 31 Apr
        ("1871012902010001", "birth_date"),  # 29 Feb 2001 / 1901
    ],
)
def test_invalid_niks_are_rejected(text: object, code: str) -> None:
    with pytest.raises(NikError) as excinfo:
        parse_nik(text, reference=REF)  # type: ignore[arg-type]
    error = excinfo.value
    assert isinstance(error, ValueError)
    assert error.code == code
    message = str(error)
    assert " / " in message  # Indonesian / English
    assert "1871010101900001" not in message  # never the full NIK
    if code == "spreadsheet":
        assert "spreadsheet" in message and "Teks" in message and "Text" in message


def test_error_messages_mask_the_nik() -> None:
    with pytest.raises(NikError, match=r"18\*{14}.*serial 0000"):
        parse_nik("1871010101900000")
    with pytest.raises(NikError, match=r"tanggal lahir tidak mungkin .* impossible birth date"):
        parse_nik("1871013202900001")


def test_unknown_regency_prefix_is_flagged_not_rejected() -> None:
    known = {"18.71", "18.72"}
    assert parse_nik("1871010101900001", known_regencies=known).warnings == ()
    info = parse_nik("1899010101900001", known_regencies=known)  # legacy numbering
    assert info.warnings == ("unknown_region_prefix",)
    assert (info.regency_code, info.district_code, info.serial) == ("18.99", "18.99.01", 1)
    assert parse_nik("1899010101900001", known_regencies=["18.71"]).warnings
    assert parse_nik("1899010101900001", known_regencies=set()).warnings
    assert parse_nik("1899010101900001").warnings == ()  # no list: nothing to compare with


def test_both_warnings_together() -> None:
    info = parse_nik("1899010101600001", known_regencies={"18.71"}, reference=date(1950, 1, 1))
    assert set(info.warnings) == {"unknown_region_prefix", "birth_date_after_reference"}


def test_a_warning_does_not_stick_to_later_parses() -> None:
    parse_nik("1899010101900001", known_regencies={"18.71"})
    assert parse_nik("1899010101900002").warnings == ()


@pytest.mark.parametrize(
    ("sex", "born", "expected"),
    [
        ("F", date(1990, 1, 17), ()),
        ("f", date(1990, 1, 17), ()),
        ("P", date(1990, 1, 17), ()),  # perempuan
        (" F ", None, ()),
        (None, None, ()),
        ("", None, ()),
        ("M", date(1990, 1, 17), ("sex_mismatch",)),
        ("L", None, ("sex_mismatch",)),  # laki-laki
        ("X", None, ("sex_mismatch",)),
        (None, date(1990, 1, 18), ("birth_date_mismatch",)),
        (None, date(1991, 1, 17), ("birth_date_mismatch",)),
        (None, date(1990, 2, 17), ("birth_date_mismatch",)),
        (None, date(1890, 1, 17), ()),  # same DDMMYY: the NIK has no century
        ("M", date(1990, 1, 1), ("sex_mismatch", "birth_date_mismatch")),
    ],
)
def test_check_stated(sex: str | None, born: date | None, expected: tuple[str, ...]) -> None:
    info = parse_nik("1871015701900003")  # woman, 17 Jan 1990
    assert check_stated(info, sex=sex, birth_date=born) == expected


def test_check_stated_accepts_the_other_century_of_the_same_ddmmyy() -> None:
    info = parse_nik("1871010101250001", reference=REF)  # read as 2025
    assert info.birth_date == date(2025, 1, 1)
    assert check_stated(info, sex="M", birth_date=date(1925, 1, 1)) == ()


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("1871010101900003", "18**************"),
        (" 1871010101900003 ", "18**************"),
        ("1234567890123456789", "12*****************"),
        ("187101010190003", "18*************"),
        ("123456789012", "12**********"),
        ("12345678", "12******"),
        ("1234567", "*******"),
        ("1234", "****"),
        ("1", "*"),
        ("", ""),
        ("1.87101E+15", "1.*********"),
        (None, ""),
        (1871010101900003, "18**************"),
    ],
)
def test_mask_nik(text: object, masked: str) -> None:
    assert mask_nik(text) == masked  # type: ignore[arg-type]


@given(st.text(max_size=40))
def test_mask_never_raises_and_shows_at_most_the_province(text: str) -> None:
    masked = mask_nik(text)
    stripped = text.strip()
    assert len(masked) == len(stripped)
    assert all(m in ("*", c) for m, c in zip(masked, stripped, strict=True))
    assert masked[2:] == "*" * len(masked[2:])  # nothing past the province's two characters
    assert sum(m != "*" for m in masked) <= min(2, len(stripped) // 4)


def test_nik_info_is_frozen_and_its_repr_is_masked() -> None:
    info = parse_nik("1871015701900003")
    assert "1871015701900003" not in repr(info) and "1990" not in repr(info)
    assert "18**************" in repr(info) and "0003" not in repr(info)
    with pytest.raises(dataclasses.FrozenInstanceError):
        info.sex = "M"  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(info)) == info  # noqa: S301 (our own bytes)
    assert hash(info) == hash(dataclasses.replace(info))
    assert dataclasses.replace(info, serial=4).serial == 4


@pytest.mark.parametrize(
    ("district", "born", "sex", "serial", "nik"),
    [
        ("18.71.01", date(1990, 1, 17), "F", 3, "1871015701900003"),
        ("18.71.01", date(1990, 1, 17), "M", 3, "1871011701900003"),
        ("31.74.09", date(2005, 12, 31), "F", 9999, "3174097112059999"),
        ("18.04.02", date(1940, 2, 29), "M", 1, "1804022902400001"),
    ],
)
def test_build_nik(district: str, born: date, sex: str, serial: int, nik: str) -> None:
    assert build_nik(district, born, sex, serial) == nik


@pytest.mark.parametrize(
    ("district", "sex", "serial"),
    [
        ("18.71", "M", 1),
        ("187101", "M", 1),
        ("18.71.1", "M", 1),
        ("18.71.01.1001", "M", 1),
        ("\uff11\uff18.71.01", "M", 1),
        ("00.01.01", "M", 1),
        ("18.71.01", "L", 1),
        ("18.71.01", "f", 1),
        ("18.71.01", "M", 0),
        ("18.71.01", "M", 10000),
    ],
)
def test_build_nik_rejects_what_no_nik_can_encode(district: str, sex: str, serial: int) -> None:
    with pytest.raises(ValueError):
        build_nik(district, date(1990, 1, 1), sex, serial)


def two_digits(low: int, high: int) -> st.SearchStrategy[str]:
    return st.integers(low, high).map(lambda n: f"{n:02d}")


districts = st.tuples(two_digits(11, 99), two_digits(1, 99), two_digits(1, 99)).map(".".join)


@given(
    district=districts,
    born=st.dates(date(1940, 1, 1), date(2010, 12, 31)),
    sex=st.sampled_from(["M", "F"]),
    serial=st.integers(1, 9999),
)
def test_build_then_parse_round_trips(district: str, born: date, sex: str, serial: int) -> None:
    nik = build_nik(district, born, sex, serial)
    assert is_well_formed(nik)
    for reference in (REF, None):
        info = parse_nik(nik, reference=reference, known_regencies={district[:5]})
        assert (info.nik, info.district_code, info.birth_date, info.sex, info.serial) == (
            nik,
            district,
            born,
            sex,
            serial,
        )
        assert info.warnings == ()
        assert check_stated(info, sex=sex, birth_date=born) == ()
    assert mask_nik(nik) == nik[:2] + "*" * 14


def oracle_accepts(text: str) -> bool:
    """Independent statement of the rules for 16 ASCII digits, reference REF."""
    day, month, yy = int(text[6:8]), int(text[8:10]), int(text[10:12])
    day = day - 40 if day > 40 else day
    if text[:2] == "00" or text[12:] == "0000":
        return False
    for year in (2000 + yy, 1900 + yy):
        try:
            if date(year, month, day) <= REF:
                return True
        except ValueError:
            pass
    return False


@given(st.text(alphabet="0123456789", min_size=16, max_size=16))
def test_parse_agrees_with_the_oracle_and_well_formed_is_necessary(text: str) -> None:
    try:
        parse_nik(text, reference=REF)
        accepted = True
    except NikError:
        accepted = False
    assert accepted == oracle_accepts(text)
    if accepted:
        assert is_well_formed(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1871015701900003", True),
        ("1871013002900001", True),  # 30 Feb: only parse_nik checks the calendar
        (" 1871015701900003", False),  # exact text, nothing stripped
        ("1871015701900000", False),
        ("0071015701900003", False),
        ("1871014001900003", False),
        ("1871010113900003", False),
        ("\uff11871015701900003", False),
        ("1.87101E+15", False),
        (1871015701900003, False),
    ],
)
def test_is_well_formed(text: object, expected: bool) -> None:
    assert is_well_formed(text) is expected  # type: ignore[arg-type]
    if isinstance(text, str):  # the exported pattern, for vectorised checks, says the same
        assert (re.fullmatch(WELL_FORMED_PATTERN, text) is not None) is expected
