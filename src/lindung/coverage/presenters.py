"""One shape of a coverage figure for the CLI's JSON, the API, XLSX and the headline text."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lindung.core.numbers import number_text, percent, percent_text
from lindung.coverage.selectors import Denominator, Figure, breakdown


def headline(figure: Figure) -> tuple[str, str]:
    """Indonesian and English headline, e.g. "731.991 dari 2.732.329 pekerja terlindungi —
    26,79 %"."""

    def count(value: int | None, english: bool) -> str:
        return "< 10" if value is None else number_text(value, english=english)

    if figure.population is None:
        return (
            f"{count(figure.covered, False)} pekerja terlindungi",
            f"{count(figure.covered, True)} workers covered",
        )
    return (
        f"{count(figure.covered, False)} dari {number_text(figure.population)} pekerja "
        f"terlindungi — {percent_text(figure.coverage_pct)} %",
        f"{count(figure.covered, True)} of {number_text(figure.population, english=True)} "
        f"workers covered — {percent_text(figure.coverage_pct, english=True)} %",
    )


def denominator_dict(d: Denominator | None) -> dict[str, Any] | None:
    if d is None:
        return None
    return {
        "kind": d.kind,
        "name": d.name,
        "value": d.value,
        "reference_date": d.reference_date.isoformat(),
        "source": d.source,
        "source_kind": d.source_kind,
        "url": d.url,
    }


def figure_dict(figure: Figure, *, by: str | None = None) -> dict[str, Any]:
    pct = figure.coverage_pct
    data: dict[str, Any] = {
        "region": figure.region.code,
        "region_name": figure.region.name,
        "level": figure.region.level,
        "date": figure.day.isoformat(),
        "covered": figure.covered,
        "population": figure.population,
        "coverage_pct": None if pct is None else float(pct),
        "uncovered": figure.uncovered,
        "denominator": figure.denominator.kind if figure.denominator else None,
        "denominator_detail": denominator_dict(figure.denominator),
        "other_denominators": [
            {**denominator_dict(d), "coverage_pct": _float(_pct(figure, d))}  # type: ignore[dict-item]
            for d in figure.others
        ],
        "computed_from": "facts" if figure.from_facts else "memberships",
        "provisional": figure.provisional,
    }
    if by and by != "region":
        data["by"] = by
        data["breakdown"] = [
            {
                "code": r.code,
                "label": r.label,
                "covered": r.covered,
                "share_pct": _float(r.share_pct),
            }
            for r in breakdown(figure, by)
        ]
    return data


def child_dict(figure: Figure) -> dict[str, Any]:
    pct = figure.coverage_pct
    return {
        "region": figure.region.code,
        "region_name": figure.region.name,
        "covered": figure.covered,
        "population": figure.population,
        "coverage_pct": _float(pct),
        "uncovered": figure.uncovered,
        "denominator": figure.denominator.kind if figure.denominator else None,
    }


def _pct(figure: Figure, d: Denominator) -> Decimal | None:
    return percent(figure.covered, d.value)


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
