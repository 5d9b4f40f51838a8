"""The demo's worker-population rows: BPJS potential workers (2023-12-31) for the province and
every regency, and BPS employed persons (2023-08-31) for the regencies the labour file lacks.

Rows that lampung_labour.csv already holds (the province's BPS figure, Kota Bandar Lampung's) are
never written here, so reloading the labour file and building the demo do not fight.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from lindung.core import regioncodes
from lindung.core.loading import LoadResult
from lindung.demo.plan import (
    ACTIVE_PERSONS,
    BERDIKARI,
    EMPLOYED_REFERENCE,
    POTENTIAL_WORKERS,
    REFERENCE_DAY,
    Plan,
)
from lindung.regions.services import save_worker_populations

POTENTIAL_KIND = "bpjs_potential_workers"
EMPLOYED_KIND = "bps_employed_persons"
SOURCE_PREFIX = "Lindung demo"


def _potential_source(plan: Plan, regency: bool) -> str:
    total = (
        f"{POTENTIAL_WORKERS:,} BPJS potential workers = {ACTIVE_PERSONS:,} active ÷ 0.2679 "
        f"({BERDIKARI})"
    )
    text = (
        f"{SOURCE_PREFIX} (synthetic split of {total} by Dukcapil population Dec 2024, "
        "largest remainder)"
        if regency
        else f"{SOURCE_PREFIX} ({total})"
    )
    if plan.percent != 100:
        text += f"; scaled to {plan.percent} % for the {plan.scale} demo"
    return text


def population_rows(plan: Plan) -> dict[tuple, dict[str, Any]]:
    """Rows for ``sync_rows`` keyed by (region, kind, reference date)."""
    rows: dict[tuple, dict[str, Any]] = {}

    def add(code: str, kind: str, day, value: int, source: str, indicator: str) -> None:
        rows[(code, kind, day)] = {
            "value": value,
            "source": source,
            "indicator": indicator,
            **regioncodes.level_codes(code),
        }

    add(
        "18",
        POTENTIAL_KIND,
        REFERENCE_DAY,
        plan.potential_total,
        _potential_source(plan, regency=False),
        "demo:bpjstk_potential_workers_dec",
    )
    employed_source = (
        f"{SOURCE_PREFIX} (synthetic split of the {plan.employed_total:,} BPS employed persons, "
        "Sakernas Aug 2023, lampung_labour.csv, by Dukcapil population Dec 2024 after the "
        "regencies the file publishes, largest remainder; unscaled)"
    )
    for regency in plan.regencies:
        add(
            regency.code,
            POTENTIAL_KIND,
            REFERENCE_DAY,
            regency.potential,
            _potential_source(plan, regency=True),
            "demo:bpjstk_potential_workers_dec",
        )
        if not regency.employed_published:
            add(
                regency.code,
                EMPLOYED_KIND,
                EMPLOYED_REFERENCE,
                regency.employed,
                employed_source,
                "demo:employed_persons_aug",
            )
    return rows


def write_populations(plan: Plan) -> LoadResult:
    """Create or update the demo's rows; a second run with the same plan changes nothing."""
    result = LoadResult(source=f"demo populations ({plan.scale})", sha256="")
    rows = population_rows(plan)
    result.rows_read = len(rows)
    with transaction.atomic():
        result.add(save_worker_populations(rows, {"bpjstk_potential_workers", "employed_persons"}))
    return result
