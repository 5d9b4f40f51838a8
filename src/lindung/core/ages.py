"""Age bands: the coverage facts count by them, and masked personal rows show a band instead of
a birth date or year, so a row cannot be narrowed down to a few possible NIKs (docs/privacy.md)."""

from __future__ import annotations

import datetime as dt

from lindung.core.months import month_end

# (code, youngest age in the band); the last band is open-ended.
AGE_BANDS: tuple[tuple[str, int], ...] = (
    ("under_25", 0),
    ("25_34", 25),
    ("35_44", 35),
    ("45_54", 45),
    ("55_64", 55),
    ("65_plus", 65),
)
AGE_LABELS = {
    "under_25": "< 25",
    "25_34": "25–34",
    "35_44": "35–44",
    "45_54": "45–54",
    "55_64": "55–64",
    "65_plus": "≥ 65",
}


def age_cutoff(day: dt.date, years: int) -> dt.date:
    """The latest birth date of someone aged at least ``years`` on ``day``.

    On a month's last day everyone born in that month ``years`` ago has had their birthday, so
    someone born on 29 February turns a year older on 28 February in common years; facts count
    ages at month-ends by months since birth (``spells._band``), and this keeps both equal."""
    if month_end(day) == day:
        return month_end(dt.date(day.year - years, day.month, 1))
    return day.replace(year=day.year - years)  # 29 February is a month-end, handled above


def age_band_of(birth_date: dt.date, day: dt.date) -> str:
    band = AGE_BANDS[0][0]
    for code, youngest in AGE_BANDS[1:]:
        if birth_date <= age_cutoff(day, youngest):
            band = code
    return band


def age_band_label(birth_date: dt.date | None, day: dt.date) -> str:
    """The band's label on ``day`` ("25–34"), or "" without a birth date."""
    return AGE_LABELS[age_band_of(birth_date, day)] if birth_date else ""
