"""Plans: funders, funding sources per year, programmes and their workflow (draft → approved →
selecting → enrolled → paying → closed), candidates registered by hand.

Each public write checks the actor's capability and is one durable transaction with its audit
row. The ``*_unchecked`` steps are for other services (sponsorship, the demo builder, the
programmes' own selection, money and importers): they write and audit the same way, inside the
caller's transaction, and leave the capability check to the caller."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction

from lindung.contributions.calculator import calculate_month
from lindung.contributions.results import CalculationError
from lindung.core.audit import record_audit
from lindung.core.i18n import bilingual
from lindung.core.permissions import require_capability
from lindung.core.roles import Capability
from lindung.programmes.audit import ProgrammesAudit
from lindung.programmes.models import (
    ENGINE_FUNDER,
    Candidate,
    Funder,
    FundingSourceYear,
    PriorityRule,
    Programme,
    ProgrammeStatus,
)
from lindung.regions.models import Region

S = ProgrammeStatus
# Where a programme may go next. Going back from approved to draft reopens the plan; a
# selection that is abandoned returns to approved. Paying ends only by closing.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.APPROVED, S.CLOSED}),
    S.APPROVED: frozenset({S.DRAFT, S.SELECTING, S.CLOSED}),
    S.SELECTING: frozenset({S.APPROVED, S.ENROLLED}),
    S.ENROLLED: frozenset({S.PAYING}),
    S.PAYING: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
}
PACKAGE_FIELDS = ("declared_income", "jkk", "jkm", "jht", "start_month")


class ProgrammeError(ValueError):
    """A programme that cannot be saved or moved; the message is bilingual."""


def create_funder(
    *, actor: Any, name: str, kind: str, region: Region, organisation: Any = None
) -> Funder:
    require_capability(actor, Capability.MANAGE_PROGRAMMES)
    with transaction.atomic(durable=True):
        return create_funder_unchecked(
            actor=actor, name=name, kind=kind, region=region, organisation=organisation
        )


def create_funder_unchecked(
    *, actor: Any, name: str, kind: str, region: Region, organisation: Any = None
) -> Funder:
    """``create_funder`` inside the caller's transaction (a sponsor's own funder, the demo)."""
    with transaction.atomic():
        funder = Funder(name=name, kind=kind, region=region, organisation=organisation)
        funder.assign_region_codes(region.code)
        funder.save()
        record_audit(
            actor=actor,
            action=ProgrammesAudit.FUNDER_CREATE,
            target=funder,
            region_code=region.code,
            after={"name": name, "kind": kind},
        )
    return funder


def set_funding_source_year(
    *, actor: Any, kind: str, year: int, enabled: bool, legal_basis: str = "", note: str = ""
) -> FundingSourceYear:
    """A legal reviewer's decision whether a contested source may pay in ``year``."""
    require_capability(actor, Capability.MANAGE_PROGRAMMES)
    with transaction.atomic(durable=True):
        row, _created = FundingSourceYear.objects.update_or_create(
            kind=kind,
            year=year,
            defaults={"enabled": enabled, "legal_basis": legal_basis, "note": note},
        )
        record_audit(
            actor=actor, action=ProgrammesAudit.FUNDING_SOURCE_YEAR, target=row,
            after={"kind": kind, "year": year, "enabled": enabled, "legal_basis": legal_basis},
        )  # fmt: skip
    return row


def _check_source_allowed(kind: str, year: int) -> None:
    if kind not in settings.PROGRAMME_SOURCES_NEEDING_APPROVAL:
        return
    if not FundingSourceYear.objects.filter(kind=kind, year=year, enabled=True).exists():
        raise ProgrammeError(
            bilingual(
                f"sumber dana {kind} belum diizinkan untuk tahun {year}",
                f"funding source {kind} is not enabled for {year}",
            )
        )


def price_package(programme: Programme) -> None:
    """Monthly premium per person from the contribution engine, for the first funded month
    and the funder as payer (so payer-dependent discounts apply or not, docs/domain.md §5.4). An
    occupation-dependent discount counts only when the programme targets one occupation;
    otherwise the undiscounted price keeps the plan on the safe side of the budget."""
    names = [p.upper() for p in ("jkk", "jkm", "jht") if getattr(programme, p)]
    occupations = [o.strip() for o in programme.occupations.split(",") if o.strip()]
    try:
        calc = calculate_month(
            segment="BPU",
            month=programme.start_month,
            income=programme.declared_income,
            programmes=names,
            funder=ENGINE_FUNDER[programme.funder.kind],
            occupation=occupations[0] if len(occupations) == 1 else None,
        )
    except CalculationError as exc:
        raise ProgrammeError(str(exc)) from exc
    programme.monthly_premium = calc.total
    programme.premium_rules = ",".join(sorted({r for line in calc.lines for r in line.rule_ids}))


def _check_plan(programme: Programme) -> None:
    if programme.planned_cost > programme.budget:
        raise ProgrammeError(
            bilingual(
                f"rencana Rp {programme.planned_cost:,} melebihi anggaran Rp {programme.budget:,}",
                f"the plan (Rp {programme.planned_cost:,}) exceeds the budget "
                f"(Rp {programme.budget:,})",
            )
        )
    unknown = set(filter(None, programme.priority_rules.split(","))) - set(PriorityRule.values)
    if unknown:
        raise ProgrammeError(
            bilingual(
                f"aturan prioritas tidak dikenal: {', '.join(sorted(unknown))}",
                f"unknown priority rules: {', '.join(sorted(unknown))}",
            )
        )


def create_programme(*, actor: Any, funder: Funder, area: Region, **fields: Any) -> Programme:
    """A draft programme, its package priced and its plan checked against the budget."""
    require_capability(actor, Capability.MANAGE_PROGRAMMES)
    with transaction.atomic(durable=True):
        return create_programme_unchecked(actor=actor, funder=funder, area=area, **fields)


def create_programme_unchecked(
    *, actor: Any, funder: Funder, area: Region, **fields: Any
) -> Programme:
    """``create_programme`` inside the caller's transaction (a sponsor's pledge, the demo)."""
    start = fields.get("start_month")
    if isinstance(start, dt.date) and start.day != 1:
        fields["start_month"] = start.replace(day=1)
    programme = Programme(funder=funder, area=area, monthly_premium=0, **fields)
    programme.assign_region_codes(area.code)
    _check_source_allowed(funder.kind, programme.fiscal_year)
    price_package(programme)
    _check_plan(programme)
    with transaction.atomic():
        programme.save()
        record_audit(
            actor=actor, action=ProgrammesAudit.PROGRAMME_CREATE, target=programme,
            region_code=area.code,
            after={"budget": programme.budget, "planned_cost": programme.planned_cost,
                   "monthly_premium": programme.monthly_premium},
        )  # fmt: skip
    return programme


def move(*, actor: Any, programme: Programme, to: str, reason: str = "") -> Programme:
    """Move along the workflow; approving re-checks the plan against the budget."""
    require_capability(actor, Capability.MANAGE_PROGRAMMES)
    with transaction.atomic(durable=True):
        return move_unchecked(actor=actor, programme=programme, to=to, reason=reason)


def move_unchecked(*, actor: Any, programme: Programme, to: str, reason: str = "") -> Programme:
    """``move`` inside the caller's transaction: a selection starting, the branch's first
    confirmations, the first invoice, a sponsor's matching."""
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        before = programme.status
        if to not in TRANSITIONS[before]:
            raise ProgrammeError(
                bilingual(
                    f"tidak dapat berpindah dari {before} ke {to}",
                    f"cannot move from {before} to {to}",
                )
            )
        if to == S.APPROVED:
            _check_source_allowed(programme.funder.kind, programme.fiscal_year)
            _check_plan(programme)
        programme.status = to
        programme.save(update_fields=["status", "updated_at"])
        record_audit(
            actor=actor, action=ProgrammesAudit.PROGRAMME_MOVE, target=programme,
            region_code=programme.area_id, before={"status": before},
            after={"status": to}, reason=reason,
        )  # fmt: skip
    return programme


def candidate_unchecked(
    *, nik: str, name: str, sex: str, birth_date: Any, village: Any, occupation: str, source: str
) -> tuple[Candidate, bool]:
    """The candidate with ``nik``, made when there is none (a worker who asked for help when
    registering): inside the caller's transaction, which checked and audits. Returns
    (candidate, created); an existing candidate keeps its own data and source."""
    found = Candidate.objects.filter(nik=nik).first()
    if found is not None:
        return found, False
    candidate = Candidate(
        nik=nik,
        name=name,
        sex=sex,
        birth_date=birth_date,
        village=village,
        occupation=occupation[:100],
        source=source[:40],
    )
    candidate.assign_region_codes(village.code)
    candidate.save()
    return candidate, True


def register_candidate(*, actor: Any, row: dict[str, Any]) -> Candidate:
    """A candidate entered by hand (a village operator for its own village). ``row`` is parsed
    by the candidate importer's rules (``CandidateForm``), so a NIK is judged the same way
    everywhere."""
    require_capability(actor, Capability.REGISTER_CANDIDATES)
    with transaction.atomic(durable=True):
        if Candidate.objects.filter(nik=row["nik"]).exists():
            raise ProgrammeError(
                bilingual("NIK ini sudah terdaftar", "this NIK is already registered")
            )
        candidate = Candidate.objects.create(**row)
        record_audit(
            actor=actor, action=ProgrammesAudit.CANDIDATE_REGISTER, target=candidate,
            region_code=candidate.village_id,
        )  # fmt: skip
    return candidate
