"""Award editions, entries and assignments for tests, and the records the access matrix needs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from lindung.award import services
from lindung.award.models import (
    AssignmentKind,
    Category,
    CategoryKind,
    CriterionKind,
    Edition,
    Entry,
    StageKind,
)
from lindung.core.scope import SYSTEM
from lindung.regions.models import Region

CUTOFF = dt.date(2025, 6, 30)


def make_edition(
    region: Region,
    *,
    name: str = "Paritrana Award Lampung 2025",
    year: int = 2025,
    cutoff: dt.date = CUTOFF,
    kinds: tuple[str, ...] = (
        CategoryKind.REGENCY,
        CategoryKind.VILLAGE,
        CategoryKind.BUSINESS_LARGE,
    ),
) -> Edition:
    return services.create_edition(
        actor=SYSTEM,
        name=name,
        region=region,
        assessment_year=year,
        ceremony_year=year + 1,
        cutoff_date=cutoff,
        categories=[(k, "") for k in kinds],
        stages={
            StageKind.SELF_ASSESSMENT: (cutoff, cutoff + dt.timedelta(days=30)),
            StageKind.VERIFICATION: (
                cutoff + dt.timedelta(days=31),
                cutoff + dt.timedelta(days=60),
            ),
            StageKind.INTERVIEW: (cutoff + dt.timedelta(days=61), cutoff + dt.timedelta(days=75)),
            StageKind.JURY_DECISION: (
                cutoff + dt.timedelta(days=76),
                cutoff + dt.timedelta(days=90),
            ),
        },
    )


def category(edition: Edition, kind: str) -> Category:
    return edition.categories.get(kind=kind)


def move_to(edition: Edition, stage: str) -> Edition:
    """Advance the edition stage by stage up to ``stage`` (the service never skips)."""
    order = [s for s in StageKind.values]
    while order.index(edition.stage) < order.index(stage):
        if order[order.index(edition.stage) + 1] == StageKind.PUBLISHED:
            break
        services.advance_stage(actor=SYSTEM, edition=edition)
    return edition


def answer_all(entry: Entry, user: Any, value: int = 3, submit: bool = True) -> None:
    for criterion in entry.category.criteria.filter(kind=CriterionKind.QUESTIONNAIRE):
        services.answer(actor=user, entry=entry, criterion=criterion, value=value, text="Perda")
    if submit:
        services.submit_entry(actor=user, entry=entry)


def play_round(world: dict[str, Any]) -> None:
    """Both regencies answer; the own one is verified, then scored by the jury (60)."""
    users, edition = world["users"], world["award_edition"]
    own, foreign = world["own_entry"], world["foreign_entry"]
    services.submit_entry(actor=users["regency_officer"], entry=own)
    answer_all(foreign, users["admin"], value=1)
    move_to(edition, StageKind.VERIFICATION)
    for answer in own.answers.all():
        services.verify_answer(actor=users["award_verifier"], answer=answer, verdict="accepted")
    move_to(edition, StageKind.INTERVIEW)
    interview = own.category.criteria.get(kind=CriterionKind.JURY)
    services.score(actor=users["award_jury"], entry=own, criterion=interview, value=60)


def award_world(regions: dict[str, Any], world: dict[str, Any]) -> dict[str, Any]:
    """For the access matrix: an edition of Lampung with, on each side of the regency officer's
    border, a regency entry, a village entry and a company entry. The own regency entry and the
    own company are assigned to the verifier and the juror; nothing foreign is."""
    users = world["users"]
    edition = make_edition(regions["18"])
    out: dict[str, Any] = {"award_edition": edition}
    regency, village, company = (
        category(edition, CategoryKind.REGENCY),
        category(edition, CategoryKind.VILLAGE),
        category(edition, CategoryKind.BUSINESS_LARGE),
    )
    out["own_entry"] = services.add_entry(actor=SYSTEM, category=regency, region=regions["18.71"])
    out["foreign_entry"] = services.add_entry(
        actor=SYSTEM, category=regency, region=regions["18.72"]
    )
    out["own_village_entry"] = services.add_entry(
        actor=SYSTEM, category=village, region=regions["18.71.01.1003"]
    )
    out["foreign_village_entry"] = services.add_entry(
        actor=SYSTEM, category=village, region=regions["18.72.01.1001"]
    )
    out["own_company_entry"] = services.add_entry(
        actor=SYSTEM, category=company, employer=world["own_employer"]
    )
    out["foreign_company_entry"] = services.add_entry(
        actor=SYSTEM, category=company, employer=world["foreign_employer"]
    )
    for entry in (out["own_entry"], out["own_company_entry"]):
        services.assign(
            actor=SYSTEM, entry=entry, user=users["award_verifier"], kind=AssignmentKind.VERIFIER
        )
        services.assign(
            actor=SYSTEM, entry=entry, user=users["award_jury"], kind=AssignmentKind.JUROR
        )
    answer_all(out["own_entry"], users["regency_officer"], submit=False)
    out["own_answer"] = out["own_entry"].answers.first()
    out["foreign_answer"] = None
    return out
