"""NIK (Nomor Induk Kependudukan) parsing, validation, masking and building — docs/domain.md §8.1.

``PP RR SS DD MM YY XXXX``: province, regency/city, district (kecamatan) **where the NIK was
issued** (not the current domicile), birth date DDMMYY with DD + 40 for women, serial 0001–9999.
There is no check digit.

* Century: the NIK holds only YY. We take 20YY when that date is on or before the reference date
  (default: today), else 19YY. (python-stdnum tries 19YY first; we prefer the most recent
  non-future date, which is right for today's workforce.) A 100-year-old born on 1 Jan 1926 reads
  as 2026 — ``check_stated`` therefore compares only DD, MM and YY.
* Rejected (``NikError``): not 16 ASCII digits (spreadsheet-mangled numbers get their own message),
  impossible birth date after removing the +40, serial 0000, province 00.
* Flagged, not rejected: a ``PP.RR`` prefix missing from ``known_regencies`` (legacy numbering,
  §8.1) → warning ``unknown_region_prefix``.

Speed: imports parse up to a million rows, so the happy path raises nothing and is a few string
checks plus dictionary look-ups (region codes, birth dates and serials are memoised).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from time import monotonic

from lindung.core.i18n import bilingual

# Structure of a plausible NIK (calendar validity such as 30 Feb is checked by parse_nik only).
# Usable wherever a regex engine has lookahead, e.g. ``Series.str.fullmatch(WELL_FORMED_PATTERN)``.
WELL_FORMED_PATTERN = (
    r"(?!00)[0-9]{6}"  # province 01–99, regency, district
    r"(?:0[1-9]|[12][0-9]|3[01]|4[1-9]|[56][0-9]|7[01])"  # day 01–31, women 41–71
    r"(?:0[1-9]|1[0-2])[0-9]{2}"  # month, year
    r"(?!0000)[0-9]{4}"  # serial 0001–9999
)
_WELL_FORMED = re.compile(WELL_FORMED_PATTERN).fullmatch
_WHITESPACE = re.compile(r"\s+")
# What spreadsheets make of a 16-digit number: 1.87101E+15, 1,87101E+15, 1871010101900001.0,
# 1,871,010,101,900,001 / 1.871.010.101.900.001 (thousands separators, any locale).
_SPREADSHEET = re.compile(
    r"[0-9][.,]?[0-9]*[eE]\+?[0-9]+|[0-9]{16}[.,]0+|[0-9]{1,3}(?:[.,][0-9]{3}){5}(?:[.,]0+)?"
).fullmatch
_DISTRICT_CODE = re.compile(r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}").fullmatch
_DAYS_IN_MONTH = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_CACHE_LIMIT = 200_000
_SEX_ALIASES = {"L": "M", "P": "F"}  # laki-laki / perempuan

UNKNOWN_REGION_PREFIX = "unknown_region_prefix"
BIRTH_DATE_AFTER_REFERENCE = "birth_date_after_reference"
SEX_MISMATCH = "sex_mismatch"
BIRTH_DATE_MISMATCH = "birth_date_mismatch"


class NikError(ValueError):
    """An unusable NIK. ``code`` is machine-readable; the message never holds the full NIK."""

    def __init__(self, code: str, indonesian: str, english: str) -> None:
        super().__init__(bilingual(indonesian, english))
        self.code = code


@dataclass(frozen=True, repr=False)
class NikInfo:
    nik: str
    province_code: str  # "18"
    regency_code: str  # "18.71"
    district_code: str  # "18.71.01" — where the NIK was issued, not the domicile
    birth_date: date
    sex: str  # "M" / "F"
    serial: int
    warnings: tuple[str, ...] = ()

    def __repr__(self) -> str:  # personal data: never the full NIK or birth date in logs
        return f"NikInfo(nik={mask_nik(self.nik)!r}, warnings={self.warnings!r})"


def mask_nik(nik: str) -> str:
    """``18**************``: only the province's two digits stay visible.

    The district, birth date, sex and serial digits are hidden, so a masked row read with its
    other columns (sex, an age band, the village) still fits millions of NIKs (docs/privacy.md:
    the old mask ``1871********0003`` with a birth year left under 366). Never raises; strings
    shorter than 8 characters are masked whole.
    """
    text = "" if nik is None else str(nik).strip()
    keep = 2 if len(text) >= 8 else 0
    return text[:keep] + "*" * (len(text) - keep)


def is_well_formed(text: str) -> bool:
    """Fast structural check of exact text (no stripping): digits, day/month ranges, 00/0000.

    Necessary for ``parse_nik`` to accept; calendar checks (31 Apr, 29 Feb) need ``parse_nik``."""
    return type(text) is str and _WELL_FORMED(text) is not None


_REGIONS: dict[str, tuple[str, str, str]] = {}  # "187101" → ("18", "18.71", "18.71.01")
_BIRTHS: dict[date, dict[str, tuple[date, str, tuple[str, ...]]]] = {}  # reference → DDMMYY → …
_SERIALS = {f"{n:04d}": n for n in range(1, 10000)}  # a dict look-up is 3x faster than int()
_new = object.__new__
_set = object.__setattr__
_today_cache: list = [0.0, date.min]


def _today() -> date:
    """``date.today()`` re-read at most once a second (it costs more than a whole parse)."""
    now = monotonic()
    if now >= _today_cache[0]:
        _today_cache[:] = [now + 1.0, date.today()]
    return _today_cache[1]


def parse_nik(
    text: str,
    *,
    known_regencies: Collection[str] | None = None,
    reference: date | None = None,
) -> NikInfo:
    """Parse and validate a NIK (docs/domain.md §8.1); raise ``NikError`` if it cannot be one.

    Whitespace anywhere is removed ("1871 0101 0190 0001"). ``known_regencies`` is a set of
    ``"PP.RR"`` codes; an unknown prefix adds the warning ``unknown_region_prefix``.
    """
    if type(text) is not str or len(text) != 16 or not (text.isascii() and text.isdigit()):
        text = _clean_or_raise(text)
    regions = _REGIONS.get(text[:6]) or _regions(text)
    ref = _today() if reference is None else reference
    if type(ref) is not date:  # a datetime compares badly and would key the memo per microsecond
        ref = date(ref.year, ref.month, ref.day)
    births = _BIRTHS.get(ref) or _BIRTHS.setdefault(ref, {})
    birth = births.get(text[6:12]) or _birth(text, births, ref)
    serial = _SERIALS.get(text[12:])
    if serial is None:
        raise _invalid("serial", text)
    born, sex, warnings = birth
    if known_regencies is not None and regions[1] not in known_regencies:
        warnings += (UNKNOWN_REGION_PREFIX,)
    # Same object the frozen dataclass __init__ would build, at a third of the cost.
    info = _new(NikInfo)
    _set(
        info,
        "__dict__",
        {
            "nik": text,
            "province_code": regions[0],
            "regency_code": regions[1],
            "district_code": regions[2],
            "birth_date": born,
            "sex": sex,
            "serial": serial,
            "warnings": warnings,
        },
    )
    return info


def _regions(text: str) -> tuple[str, str, str]:
    if text.startswith("00"):
        raise _invalid("province", text)
    if len(_REGIONS) > _CACHE_LIMIT:
        _REGIONS.clear()
    pp, rr, ss = text[:2], text[2:4], text[4:6]
    regions = _REGIONS[text[:6]] = (pp, f"{pp}.{rr}", f"{pp}.{rr}.{ss}")
    return regions


def _invalid(code: str, text: str) -> NikError:
    masked = mask_nik(text)
    dd, mm, yy = text[6:8], text[8:10], text[10:12]
    indonesian, english = {
        "province": ("kode provinsi 00 tidak ada", "province code 00 does not exist"),
        "birth_date": (
            f"tanggal lahir tidak mungkin (tanggal {dd}, bulan {mm}, tahun {yy}; "
            "perempuan: tanggal + 40)",
            f"impossible birth date (day {dd}, month {mm}, year {yy}; women: day + 40)",
        ),
        "serial": (
            "nomor urut 0000 tidak sah (spreadsheet yang menyimpan NIK sebagai angka bisa "
            "mengubah angka terakhir menjadi 0)",
            "serial 0000 is invalid (a spreadsheet that stored the NIK as a number may have "
            "zeroed its last digit)",
        ),
    }[code]
    return NikError(code, f"NIK {masked}: {indonesian}", f"NIK {masked}: {english}")


def _birth(
    text: str, births: dict[str, tuple[date, str, tuple[str, ...]]], ref: date
) -> tuple[date, str, tuple[str, ...]]:
    """(birth date, sex, warnings) from DDMMYY, memoised; raise NikError if no such day exists."""
    day, month, yy = int(text[6:8]), int(text[8:10]), int(text[10:12])
    sex = "F" if day > 40 else "M"
    if day > 40:
        day -= 40
    if 1 <= month <= 12 and 1 <= day <= _DAYS_IN_MONTH[month]:
        for year in (2000 + yy, 1900 + yy):
            if day == 29 and month == 2 and (year % 4 or (year % 100 == 0 and year % 400)):
                continue  # 29 Feb of a non-leap year (only 1900 in this range)
            born = date(year, month, day)
            if born <= ref or year < 2000:
                if len(births) > _CACHE_LIMIT:
                    births.clear()
                if len(_BIRTHS) > 64:  # e.g. one reference date per row
                    _BIRTHS.clear()
                warnings = (BIRTH_DATE_AFTER_REFERENCE,) if born > ref else ()
                births[text[6:12]] = result = (born, sex, warnings)
                return result
    raise _invalid("birth_date", text)


def _clean_or_raise(text: object) -> str:
    """Slow path: remove whitespace, then return a well-formed NIK or raise a precise NikError."""
    if not isinstance(text, str):
        raise NikError(
            "not_text",
            f"NIK harus berupa teks, bukan {type(text).__name__}; format kolom NIK sebagai Teks",
            f"NIK must be text, not {type(text).__name__}; format the NIK column as Text",
        )
    cleaned = _WHITESPACE.sub("", text)
    if len(cleaned) == 16 and cleaned.isascii() and cleaned.isdigit():
        return cleaned
    masked = mask_nik(cleaned)
    if _SPREADSHEET(cleaned):
        raise NikError(
            "spreadsheet",
            f"NIK {masked} dirusak spreadsheet (disimpan sebagai angka: notasi ilmiah, desimal "
            "atau pemisah ribuan); format kolom NIK sebagai Teks dan ekspor ulang dari sumber",
            f"NIK {masked} was mangled by a spreadsheet (stored as a number: scientific notation, "
            "decimals or thousands separators); format the NIK column as Text and re-export it "
            "from the source",
        )
    raise NikError(
        "format",
        f"NIK {masked} harus 16 angka 0–9 (ada {len(cleaned)} karakter)",
        f"NIK {masked} must be 16 digits 0–9 (got {len(cleaned)} characters)",
    )


def check_stated(info: NikInfo, *, sex: str | None, birth_date: date | None) -> tuple[str, ...]:
    """Warnings where stated sex / birth date disagree with the NIK; ``None`` or "" skips a check.

    Sex accepts M/F and Indonesian L/P (any case). Birth dates are compared on day, month and
    two-digit year only, because the NIK does not carry the century.
    """
    warnings: list[str] = []
    stated = sex.strip().upper() if sex else ""
    if stated and _SEX_ALIASES.get(stated, stated) != info.sex:
        warnings.append(SEX_MISMATCH)
    nik_birth = info.birth_date
    if birth_date is not None and (
        birth_date.day != nik_birth.day
        or birth_date.month != nik_birth.month
        or birth_date.year % 100 != nik_birth.year % 100
    ):
        warnings.append(BIRTH_DATE_MISMATCH)
    return tuple(warnings)


def build_nik(district_code: str, birth_date: date, sex: str, serial: int) -> str:
    """The NIK for a district ("18.71.01"), birth date, sex ("M"/"F") and serial — parse's inverse.

    For synthetic data; raises ValueError on inputs no NIK can encode.
    """
    if not isinstance(district_code, str) or not _DISTRICT_CODE(district_code):
        raise ValueError(f"district code must look like 18.71.01: {district_code!r}")
    if district_code.startswith("00"):
        raise ValueError("province 00 does not exist")
    if sex not in ("M", "F"):
        raise ValueError(f"sex must be 'M' or 'F': {sex!r}")
    if not 1 <= serial <= 9999:
        raise ValueError(f"serial must be 1–9999: {serial!r}")
    day = birth_date.day + (40 if sex == "F" else 0)
    return (
        f"{district_code.replace('.', '')}{day:02d}{birth_date.month:02d}"
        f"{birth_date.year % 100:02d}{serial:04d}"
    )
