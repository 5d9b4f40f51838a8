from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from lindung.regions.models import MinimumWage

AS_OF = dt.date(2025, 6, 30)


def minimum_wage(region: Any, kind: str, amount: int, year: int = 2025) -> MinimumWage:
    wage = MinimumWage(
        region=region,
        kind=kind,
        year=year,
        amount=amount,
        effective_from=dt.date(year, 1, 1),
        source="test",
    )
    wage.assign_region_codes(region.code)
    wage.save()
    return wage


@pytest.fixture
def wages(region_tree: dict[str, Any]) -> dict[str, MinimumWage]:
    """UMP Lampung 2,900,000 and UMK Bandar Lampung 3,300,000 (Metro has no UMK: UMP)."""
    return {
        "ump": minimum_wage(region_tree["18"], "UMP", 2_900_000),
        "umk": minimum_wage(region_tree["18.71"], "UMK", 3_300_000),
    }
