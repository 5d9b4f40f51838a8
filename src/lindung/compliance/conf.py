"""Tunable numbers of the compliance module: risk weights, thresholds and the case cadence.

Each can be overridden in Django settings (``COMPLIANCE_…``); the defaults are placeholders
that docs/compliance.md explains. docs/domain.md §4 marks the warning cadence *unconfirmed* (✖), so
step durations are data, never constants in the code.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

# Weight of each check in the risk score (score = size factor × Σ weight × severity).
DEFAULT_WEIGHTS = {
    "unregistered": 40.0,
    "arrears": 35.0,
    "pds_workers": 30.0,
    "pds_wage": 20.0,
    "pds_programme": 15.0,
}
# Size factor by workforce (reported, else registered): the size-class floors of the registry.
DEFAULT_SIZE_FACTORS = ((100, 2.0), (20, 1.5), (5, 1.25), (0, 1.0))
# Days allowed in each open step before the case is overdue (unconfirmed cadence, docs/domain.md
# §4).
DEFAULT_STEP_DAYS = {
    "identified": 14,
    "reminder": 14,
    "warning_1": 10,
    "warning_2": 10,
    "referred": 30,
}
# PDS wages: the registered average below the declared average by more than this share.
DEFAULT_WAGE_TOLERANCE = 0.10
# PDS workers: the reported workforce must exceed the registered workers by at least this many.
DEFAULT_WORKER_MARGIN = 1
# Arrears: severity reaches 1 at this many months overdue (arrears > 6 months go to inspectors).
DEFAULT_ARREARS_FULL_MONTHS = 6


def weights() -> dict[str, float]:
    return {**DEFAULT_WEIGHTS, **getattr(settings, "COMPLIANCE_WEIGHTS", {})}


def size_factors() -> tuple[tuple[int, float], ...]:
    return tuple(getattr(settings, "COMPLIANCE_SIZE_FACTORS", DEFAULT_SIZE_FACTORS))


def step_days() -> dict[str, int]:
    return {**DEFAULT_STEP_DAYS, **getattr(settings, "COMPLIANCE_STEP_DAYS", {})}


def wage_tolerance() -> float:
    return float(getattr(settings, "COMPLIANCE_WAGE_TOLERANCE", DEFAULT_WAGE_TOLERANCE))


def worker_margin() -> int:
    return int(getattr(settings, "COMPLIANCE_WORKER_MARGIN", DEFAULT_WORKER_MARGIN))


def arrears_full_months() -> int:
    return int(getattr(settings, "COMPLIANCE_ARREARS_FULL_MONTHS", DEFAULT_ARREARS_FULL_MONTHS))


def size_factor(workers: int) -> float:
    for floor, factor in size_factors():
        if workers >= floor:
            return factor
    return 1.0


def parameters() -> dict[str, Any]:
    """Everything a run used, stored on the run so a score can be explained later."""
    return {
        "weights": weights(),
        "size_factors": [list(p) for p in size_factors()],
        "wage_tolerance": wage_tolerance(),
        "worker_margin": worker_margin(),
        "arrears_full_months": arrears_full_months(),
    }
