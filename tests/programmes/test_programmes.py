"""Funders and programmes: the package priced by the contribution engine, the plan held to the
budget, contested funding sources, and the workflow (issue 6 items 1–2)."""

from __future__ import annotations

import datetime as dt

import pytest

from lindung.core.models import AuditLog
from lindung.core.scope import SYSTEM
from lindung.programmes.models import FunderKind, Programme, ProgrammeStatus
from lindung.programmes.services.plans import (
    ProgrammeError,
    create_funder,
    create_programme,
    move,
    set_funding_source_year,
)

pytestmark = pytest.mark.engine

S = ProgrammeStatus
LAMPUNG_2023 = {
    "name": "Perlindungan pekerja rentan",
    "fiscal_year": 2023,
    "budget": 2_469_600_000,
    "start_month": dt.date(2023, 3, 1),
    "funded_months": 10,
    "target_count": 14_700,
}


@pytest.fixture
def province(region_tree, rates, make_user):
    funder = create_funder(
        actor=SYSTEM,
        name="Pemprov Lampung",
        kind=FunderKind.APBD_PROVINCE,
        region=region_tree["18"],
    )
    return funder, region_tree["18"], make_user("province_officer")


def test_lampung_2023_costs_exactly_its_budget(province):
    funder, area, officer = province
    programme = create_programme(actor=officer, funder=funder, area=area, **LAMPUNG_2023)
    # BPU JKK+JKM on Rp 1,000,000 = Rp 16,800 a month (domain.md §2.5), priced by the engine.
    assert programme.monthly_premium == 16_800
    assert programme.planned_cost == 14_700 * 10 * 16_800 == 2_469_600_000
    assert programme.premium_rules  # the rule ids the price came from
    assert (programme.status, programme.province_code) == (S.DRAFT, "18")
    assert AuditLog.objects.filter(action="programmes.programme.create", actor=officer).exists()


def test_a_plan_over_budget_is_refused(province):
    funder, area, officer = province
    with pytest.raises(ProgrammeError, match="exceeds the budget"):
        create_programme(
            actor=officer, funder=funder, area=area, **{**LAMPUNG_2023, "target_count": 14_701}
        )
    assert not Programme.objects.exists()


def test_jht_adds_to_the_package(province):
    funder, area, officer = province
    programme = create_programme(
        actor=officer, funder=funder, area=area,
        **{**LAMPUNG_2023, "jht": True, "budget": 10**12, "name": "Dengan JHT"},
    )  # fmt: skip
    assert programme.monthly_premium == 16_800 + 20_000  # JHT 2 % of Rp 1,000,000


def test_pp50_discount_for_transport_workers_only_when_no_budget_pays(province, region_tree):
    # PP 50/2025 halves BPU JKK+JKM for transport workers from 2026, not when APBD pays.
    funder, area, officer = province
    plan = {**LAMPUNG_2023, "fiscal_year": 2026, "start_month": dt.date(2026, 3, 1),
            "occupations": "ojol"}  # fmt: skip
    apbd = create_programme(actor=officer, funder=funder, area=area, **plan)
    assert apbd.monthly_premium == 16_800
    company = create_funder(actor=SYSTEM, name="PT Peduli", kind=FunderKind.CSR, region=area)
    csr = create_programme(actor=SYSTEM, funder=company, area=area, **plan)
    assert csr.monthly_premium == 8_400 and "PP50" in csr.premium_rules
    # Several occupations: the undiscounted price, so the plan never undershoots the budget.
    mixed = create_programme(
        actor=SYSTEM, funder=company, area=area, **{**plan, "name": "Campuran",
                                                  "occupations": "ojol,petani"},
    )  # fmt: skip
    assert mixed.monthly_premium == 16_800


def test_dana_desa_needs_a_legal_reviewers_decision_for_the_year(region_tree, rates):
    village = region_tree["18.71.01.1003"]
    funder = create_funder(
        actor=SYSTEM, name="Desa Kedaton", kind=FunderKind.DANA_DESA, region=village
    )
    plan = {**LAMPUNG_2023, "budget": 100 * 10 * 16_800, "target_count": 100}
    with pytest.raises(ProgrammeError, match="not enabled for 2023"):
        create_programme(actor=SYSTEM, funder=funder, area=village, **plan)
    set_funding_source_year(actor=SYSTEM, kind=FunderKind.DANA_DESA, year=2023, enabled=True,
                            legal_basis="Permendes PDT 16/2025")  # fmt: skip
    programme = create_programme(actor=SYSTEM, funder=funder, area=village, **plan)
    assert programme.planned_cost == programme.budget
    # Withdrawn again before approval: the programme cannot be approved.
    set_funding_source_year(actor=SYSTEM, kind=FunderKind.DANA_DESA, year=2023, enabled=False)
    with pytest.raises(ProgrammeError, match="not enabled"):
        move(actor=SYSTEM, programme=programme, to=S.APPROVED)


def test_workflow_moves_only_forward_along_its_edges(province):
    funder, area, officer = province
    programme = create_programme(actor=officer, funder=funder, area=area, **LAMPUNG_2023)
    with pytest.raises(ProgrammeError, match="cannot move from draft to paying"):
        move(actor=officer, programme=programme, to=S.PAYING)
    for step in (S.APPROVED, S.SELECTING, S.ENROLLED, S.PAYING, S.CLOSED):
        programme = move(actor=officer, programme=programme, to=step, reason="test")
    assert programme.status == S.CLOSED
    with pytest.raises(ProgrammeError):
        move(actor=officer, programme=programme, to=S.DRAFT)
    moves = AuditLog.objects.filter(action="programmes.programme.move").order_by("id")
    assert [m.after["status"] for m in moves] == ["approved", "selecting", "enrolled", "paying",
                                                   "closed"]  # fmt: skip


def test_approval_rechecks_the_budget(province):
    funder, area, officer = province
    programme = create_programme(actor=officer, funder=funder, area=area, **LAMPUNG_2023)
    Programme.objects.filter(pk=programme.pk).update(budget=2_000_000_000)  # budget cut
    with pytest.raises(ProgrammeError, match="exceeds the budget"):
        move(actor=officer, programme=programme, to=S.APPROVED)
    assert Programme.objects.get(pk=programme.pk).status == S.DRAFT


def test_unknown_priority_rules_are_refused(province):
    funder, area, officer = province
    with pytest.raises(ProgrammeError, match="unknown priority rules: richest_first"):
        create_programme(
            actor=officer, funder=funder, area=area,
            **{**LAMPUNG_2023, "priority_rules": "poorest_first,richest_first"},
        )  # fmt: skip
