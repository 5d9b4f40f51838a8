"""Parsing of calculator inputs, shared by `lindung contributions calc`, the simulator page and
the public API, so all three accept and refuse the same things with the same bilingual messages.

Inputs arrive as text (command-line options, query strings); ``parse_inputs`` turns them into
the keyword arguments of ``calculator.calculate_month`` or raises ``InputErrors`` with one
bilingual message per field. Fields that do not belong to the chosen segment are ignored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from lindung.contributions.models import RateSegment
from lindung.contributions.results import CalculationError
from lindung.core.i18n import bilingual

# Fields each segment uses (in the order forms show them); "month"/"segment" are always used.
SEGMENT_FIELDS: dict[str, tuple[str, ...]] = {
    RateSegment.PU: ("wage", "risk_class", "programmes", "industry", "workers"),
    RateSegment.BPU: ("income", "occupation", "funder", "programmes"),
    RateSegment.JAKON: ("contract_value", "wage", "programmes"),
    RateSegment.PMI: ("contract_months", "jht_amount", "funder", "programmes"),
}
FIELDS = ("segment", "month", *dict.fromkeys(f for fs in SEGMENT_FIELDS.values() for f in fs))


class InputError(CalculationError):
    """One bad input value; the message is bilingual (Indonesian / English)."""


class InputErrors(CalculationError):
    """Bad inputs, as ``{field: bilingual message}``."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(errors.values()))


def parse_month(text: str) -> dt.date:
    """``"2025-03"`` → ``date(2025, 3, 1)``."""
    try:
        return dt.datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError:
        raise InputError(
            bilingual(f"bulan harus YYYY-MM: {text}", f"month must be YYYY-MM: {text}")
        ) from None


def parse_segment(text: str) -> str:
    segment = text.strip().upper()
    if segment not in RateSegment.values:
        valid = ", ".join(RateSegment.values)
        raise InputError(
            bilingual(
                f"segmen harus salah satu dari {valid}: {text}",
                f"segment must be one of {valid}: {text}",
            )
        )
    return segment


def parse_amount(text: str) -> int:
    """A whole, non-negative number; Indonesian thousands dots/spaces are allowed."""
    cleaned = text.strip().removeprefix("Rp").replace(".", "").replace(" ", "").replace(",", "")
    if not cleaned.isdigit():
        raise InputError(
            bilingual(
                f"harus bilangan bulat tidak negatif: {text}",
                f"must be a whole number >= 0: {text}",
            )
        )
    return int(cleaned)


def parse_risk_class(text: str) -> int:
    if text.strip() not in {"1", "2", "3", "4", "5"}:
        raise InputError(bilingual("kelas risiko harus 1–5", "risk class must be 1–5"))
    return int(text)


def parse_programmes(text: str) -> list[str] | None:
    """Comma list (``"JKK,JKM"``); empty → None (the segment's default programmes)."""
    chosen = [p.strip().upper() for p in text.split(",") if p.strip()]
    return chosen or None


def _text(text: str) -> str | None:
    return text.strip() or None


PARSERS: dict[str, Callable[[str], Any]] = {
    "wage": parse_amount,
    "risk_class": parse_risk_class,
    "income": parse_amount,
    "contract_value": parse_amount,
    "programmes": parse_programmes,
    "industry": _text,
    "workers": parse_amount,
    "funder": _text,
    "occupation": _text,
    "contract_months": parse_amount,
    "jht_amount": parse_amount,
}


def _raw(data: Mapping[str, Any], name: str) -> str:
    """Text of one field; repeated values (checkboxes) are joined with commas."""
    getlist = getattr(data, "getlist", None)
    values = getlist(name) if getlist is not None else [data.get(name)]
    return ",".join(str(v) for v in values if v not in (None, ""))


def parse_inputs(data: Mapping[str, Any], *, today: dt.date | None = None) -> dict[str, Any]:
    """Keyword arguments for ``calculate_month`` from text inputs; a blank month is the current
    one. Raises ``InputErrors`` listing every bad field."""
    errors: dict[str, str] = {}
    kwargs: dict[str, Any] = {}
    segment = _raw(data, "segment")
    try:
        kwargs["segment"] = parse_segment(segment)
    except InputError as exc:
        errors["segment"] = str(exc)
    month = _raw(data, "month")
    try:
        kwargs["month"] = parse_month(month) if month else (today or dt.date.today()).replace(day=1)
    except InputError as exc:
        errors["month"] = str(exc)
    for name in SEGMENT_FIELDS.get(kwargs.get("segment", ""), ()):
        text = _raw(data, name)
        if not text:
            continue
        try:
            kwargs[name] = PARSERS[name](text)
        except InputError as exc:
            errors[name] = str(exc)
    if errors:
        raise InputErrors(errors)
    return kwargs
