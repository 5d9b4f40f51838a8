"""A second, small Lampung edition that is published (final run chosen, results out), for the
access matrix's results, certificate and run routes. Its entries are all on the foreign side
(18.72), so besides the province and the admin nobody of the matrix sees it as an organiser:
it is the "foreign" edition and run of the organiser routes. It also computes one run of the
main matrix edition (``award_run``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from lindung.award import runs, services
from lindung.award.models import CategoryKind, StageKind
from lindung.core.scope import SYSTEM
from tests.award.factories import category, make_edition, move_to


def published_world(regions: dict[str, Any], world: dict[str, Any]) -> dict[str, Any]:
    edition = make_edition(
        regions["18"],
        name="Paritrana Award Provinsi 2024",
        year=2024,
        cutoff=dt.date(2024, 6, 30),
        kinds=(CategoryKind.REGENCY, CategoryKind.VILLAGE),
    )
    regency = services.add_entry(
        actor=SYSTEM, category=category(edition, CategoryKind.REGENCY), region=regions["18.72"]
    )
    services.add_entry(
        actor=SYSTEM,
        category=category(edition, CategoryKind.VILLAGE),
        region=regions["18.72.01.1001"],
    )
    move_to(edition, StageKind.JURY_DECISION)
    run = runs.compute_run(actor=SYSTEM, edition=edition)
    runs.finalise(actor=SYSTEM, run=run)
    services.advance_stage(actor=SYSTEM, edition=edition)
    return {
        "published_edition": edition,
        "published_run": run,
        "published_result": run.results.get(entry=regency),
        "award_run": runs.compute_run(actor=SYSTEM, edition=world["award_edition"]),
    }
