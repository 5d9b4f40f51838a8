"""Outcomes of a programme (domain.md §3.5): beneficiaries active, in grace or non-active around
the funded period (Aug–Dec 2025, ending 1 January 2026), the continuation rate when a self-paid
membership follows, and benefits against premiums with a JKM claim of Rp 42,000,000."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from lindung.core.scope import SYSTEM
from lindung.programmes.models import Claim, Enrolment, ProgrammeStatus
from lindung.programmes.outcomes import (
    continuation_rate,
    funder_outcome,
    lapse_counts,
    months_before,
    programme_outcome,
)
from lindung.programmes.services.money import issue_invoice, record_payment
from lindung.registry.models import Funding, Person, Segment
from tests.programmes.test_enrolment import VILLAGE, accept_all, enrol, selecting_programme
from tests.registry.factories import MembershipFactory, PersonFactory

pytestmark = pytest.mark.engine

D = dt.date


@pytest.fixture
def world(region_tree, rates, make_user, tmp_path):
    """Four beneficiaries accepted for Aug–Dec 2025; the first pays for herself from January."""
    programme, enrolments = selecting_programme(region_tree, persons=4)
    accept_all(programme, tmp_path / "jawaban.csv")
    persons = [Person.objects.get(nik=e.nik) for e in enrolments]
    MembershipFactory(
        person=persons[0], employer=None, segment=Segment.BPU, funding=Funding.SELF,
        kpj="80000000001", start_date=D(2026, 1, 1), wage=1_000_000,
        work_region=region_tree[VILLAGE],
    )  # fmt: skip
    return {
        "programme": programme,
        "enrolments": enrolments,
        "persons": persons,
        "user": make_user("province_officer"),
    }


def counts(world, day):
    c = lapse_counts(world["user"], world["programme"], day)
    return (c.active, c.grace, c.non_active, c.not_started, c.total)


def test_lapse_states_around_the_funded_period(world):
    assert counts(world, D(2025, 7, 31)) == (0, 0, 0, 4, 4)  # not yet started
    assert counts(world, D(2025, 8, 1)) == (4, 0, 0, 0, 4)
    assert counts(world, D(2025, 12, 31)) == (4, 0, 0, 0, 4)
    # From 1 January the subsidy is over: the self-payer stays active, the others are in grace…
    assert counts(world, D(2026, 1, 1)) == (1, 3, 0, 0, 4)
    assert counts(world, D(2026, 3, 31)) == (1, 3, 0, 0, 4)
    # …until three months have gone unpaid (domain.md §2.5).
    assert counts(world, D(2026, 4, 1)) == (1, 0, 3, 0, 4)


def test_a_membership_active_before_the_period_counts_as_active(world, region_tree):
    worker = world["persons"][1]
    MembershipFactory(person=worker, kpj="80000000002", start_date=D(2024, 1, 1),
                      work_region=region_tree[VILLAGE])  # fmt: skip
    assert counts(world, D(2025, 7, 31)) == (1, 0, 0, 3, 4)
    assert counts(world, D(2026, 4, 1)) == (2, 0, 2, 0, 4)


def test_continuation_rate(world):
    user, programme = world["user"], world["programme"]
    # Nobody's period ended three months before: no rate yet.
    early = continuation_rate(user, programme, D(2026, 2, 15))
    assert (early.ended, early.continuing, early.rate) == (0, 0, None)
    later = continuation_rate(user, programme, D(2026, 4, 1))
    assert (later.ended, later.continuing, later.rate) == (4, 1, Decimal("0.25"))


def test_months_before_clamps_to_month_end():
    assert months_before(D(2026, 5, 31), 3) == D(2026, 2, 28)
    assert months_before(D(2026, 1, 15), 3) == D(2025, 10, 15)


def claim(nik: str, number: str, kind: str, event: dt.date, amount: int, paid_on=None) -> Claim:
    return Claim.objects.create(
        claim_number=number, nik=nik, claim_type=kind, event_date=event,
        paid_on=paid_on or event + dt.timedelta(days=14), amount=amount,
    )  # fmt: skip


def test_programme_outcome(world):
    user, programme = world["user"], world["programme"]
    persons = world["persons"]
    before = programme_outcome(user, programme, D(2025, 9, 1))
    assert (before.persons_protected, before.premium_spent, before.benefit_premium_ratio) == (
        4, 0, None,
    )  # fmt: skip

    invoice = issue_invoice(actor=SYSTEM, programme=programme, issued_on=D(2025, 8, 5))
    assert invoice.amount == 4 * 5 * 16_800 == 336_000
    record_payment(actor=SYSTEM, invoice=invoice, paid_on=D(2025, 8, 10), amount=168_000)
    claim(persons[2].nik, "JKM-1", "JKM", D(2025, 11, 3), 42_000_000)  # inside the period
    claim(persons[3].nik, "JKK-1", "JKK", D(2026, 2, 1), 5_000_000)  # after the period
    claim(PersonFactory().nik, "JKM-2", "JKM", D(2025, 11, 3), 42_000_000)  # not a beneficiary

    half = programme_outcome(user, programme, D(2025, 12, 1))
    assert (half.premium_spent, half.person_months_paid) == (168_000, 0)  # not fully paid yet
    assert (half.claims_count, half.claims_amount) == (1, 42_000_000)
    assert half.benefit_premium_ratio == Decimal("250.00")

    record_payment(actor=SYSTEM, invoice=invoice, paid_on=D(2025, 8, 20), amount=168_000)
    out = programme_outcome(user, programme, D(2026, 4, 1))
    assert (out.persons_protected, out.person_months_paid, out.premium_spent) == (4, 20, 336_000)
    assert (out.claims["JKM"].count, out.claims["JKM"].amount) == (1, 42_000_000)
    assert (out.claims["JKK"].count, out.claims["JHT"].count) == (0, 0)
    assert out.benefit_premium_ratio == Decimal("125.00")  # 42,000,000 / 336,000
    assert out.continuation.rate == Decimal("0.25")
    # A claim paid after the day asked about is not counted yet.
    assert programme_outcome(user, programme, D(2025, 11, 10)).claims_count == 0


def test_funder_outcome_counts_a_person_once(world, region_tree, tmp_path, make_user):
    user, first = world["user"], world["programme"]
    # The same funder's 2026 programme takes two of the persons again (Feb–Apr 2026).
    second, _ = selecting_programme(
        region_tree, persons=0, name="Lanjutan 2026", fiscal_year=2026,
        start_month=D(2026, 2, 1), funded_months=3,
    )  # fmt: skip
    enrol(second, [e.candidate for e in world["enrolments"][2:]])
    accept_all(second, tmp_path / "jawaban-2026.csv")
    second.refresh_from_db()
    assert second.status == ProgrammeStatus.ENROLLED
    for programme, paid_on in ((first, D(2025, 8, 10)), (second, D(2026, 2, 10))):
        invoice = issue_invoice(actor=SYSTEM, programme=programme, issued_on=paid_on)
        record_payment(actor=SYSTEM, invoice=invoice, paid_on=paid_on, amount=invoice.amount)
    claim(world["persons"][2].nik, "JKM-1", "JKM", D(2025, 11, 3), 42_000_000)

    out = funder_outcome(user, first.funder, D(2026, 8, 1))
    assert out.persons_protected == 4
    assert out.premium_spent == 336_000 + 2 * 3 * 16_800
    assert out.person_months_paid == 4 * 5 + 2 * 3
    assert out.claims_count == 1
    # Ended ≥ 3 months before 1 Aug 2026: all four; continuing: the self-payer only (the 2026
    # programme ended on 1 May, so it no longer counts as protection on 1 August).
    assert (out.continuation.ended, out.continuation.continuing) == (4, 1)
    # The 2025 programme alone sees the 2026 programme as continued protection in March.
    mid = continuation_rate(user, first, D(2026, 4, 1))
    assert (mid.ended, mid.continuing) == (4, 3)
    assert lapse_counts(user, first, D(2026, 4, 1)).active == 3

    with pytest.raises(PermissionDenied):
        funder_outcome(make_user("sponsor"), first.funder, D(2026, 8, 1))
    with pytest.raises(Http404):
        programme_outcome(make_user("regency_officer", scope=["18.72"]), first, D(2026, 8, 1))


def test_outcome_of_a_programme_without_beneficiaries(region_tree, rates, make_user):
    programme, _ = selecting_programme(region_tree, persons=0)
    out = programme_outcome(make_user("admin"), programme, D(2026, 1, 1))
    assert (out.persons_protected, out.claims_count, out.benefit_premium_ratio) == (0, 0, None)
    assert out.continuation.rate is None
    assert not Enrolment.objects.exists()
