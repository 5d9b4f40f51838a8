"""Every check fires on its case and stays quiet on its counter-case; the set-based run equals
the naive employer-by-employer reference; the fine equals contributions' late_fine."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from lindung.compliance import checks, reference, services
from lindung.compliance.models import Check, Finding, RiskScore
from lindung.contributions.fines import late_fine
from lindung.contributions.models import Bill, BillLine, Payment
from lindung.core.scope import SYSTEM
from tests.compliance.conftest import AS_OF
from tests.compliance.factories import business
from tests.registry.factories import (
    FOREIGN_VILLAGE,
    OWN_VILLAGE,
    EmployerFactory,
    MembershipFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.engine]


def employer(region_tree, village=OWN_VILLAGE, **kw):
    return EmployerFactory(village=region_tree[village], **kw)


def members(region_tree, emp, n, village=OWN_VILLAGE, **kw):
    return [
        MembershipFactory(employer=emp, work_region=region_tree[village], **kw) for _ in range(n)
    ]


def found(kind, **subject):
    return [f for f in checks.run_all(AS_OF).findings if f.kind == kind and all(
        getattr(f, k) == v for k, v in subject.items())]  # fmt: skip


# --- unregistered --------------------------------------------------------------------------------


def test_business_without_employer_is_unregistered(region_tree, wages):
    entry = business("1111111111111", "CV Belum Daftar", OWN_VILLAGE, workers=12)
    [f] = found(Check.UNREGISTERED)
    assert f.business_id == entry.pk and f.amount == 12 and f.severity == 1.0
    assert f.evidence["reported_workers"] == 12 and f.evidence["source"] == "OSS"


def test_business_with_employer_of_that_nib_is_registered(region_tree, wages):
    employer(region_tree, nib="2222222222222")
    business("2222222222222", "PT Terdaftar", OWN_VILLAGE)
    business("3333333333333", "CV Tanpa Pekerja", OWN_VILLAGE, workers=0)
    assert found(Check.UNREGISTERED) == []


def test_a_closed_employer_does_not_register_the_business(region_tree, wages):
    employer(region_tree, nib="2222222222222", status="closed")
    business("2222222222222", "PT Tutup", OWN_VILLAGE)
    assert len(found(Check.UNREGISTERED)) == 1


# --- PDS workers ---------------------------------------------------------------------------------


def test_reported_workforce_above_registered_is_pds_workers(region_tree, wages):
    emp = employer(region_tree, nib="4444444444444")
    members(region_tree, emp, 3, wage=3_500_000, jht=True)
    business("4444444444444", "PT Sebagian", OWN_VILLAGE, workers=10)
    [f] = found(Check.PDS_WORKERS)
    assert f.employer_id == emp.pk
    assert f.evidence["reported_workers"] == 10 and f.evidence["registered_workers"] == 3
    assert f.amount == 7 and f.severity == 0.7


def test_ended_memberships_do_not_count_as_registered(region_tree, wages):
    emp = employer(region_tree, nib="4444444444444")
    members(region_tree, emp, 2, wage=3_500_000, jht=True)
    members(region_tree, emp, 2, wage=3_500_000, jht=True, end_date=AS_OF)  # ends that day
    business("4444444444444", "PT Sebagian", OWN_VILLAGE, workers=4)
    [f] = found(Check.PDS_WORKERS)
    assert f.evidence["registered_workers"] == 2


def test_all_workers_registered_is_not_pds_workers(region_tree, wages):
    emp = employer(region_tree, nib="5555555555555")
    members(region_tree, emp, 4, wage=3_500_000, jht=True)
    business("5555555555555", "PT Lengkap", OWN_VILLAGE, workers=4)
    assert found(Check.PDS_WORKERS) == []


# --- PDS wages -----------------------------------------------------------------------------------


def test_wage_below_the_umk_is_pds_wage(region_tree, wages):
    emp = employer(region_tree)
    members(region_tree, emp, 1, wage=3_000_000, jht=True)  # below UMK 3.3 M, above UMP
    members(region_tree, emp, 3, wage=3_400_000, jht=True)
    [f] = found(Check.PDS_WAGE)
    assert f.evidence["members_below_minimum"] == 1
    assert f.evidence["monthly_shortfall"] == 300_000
    assert f.evidence["minimum_wage"] == {
        "region": "18.71", "kind": "UMK", "year": 2025, "amount": 3_300_000}  # fmt: skip
    assert f.severity == 0.25


def test_regency_without_umk_uses_the_ump(region_tree, wages):
    emp = employer(region_tree, village=FOREIGN_VILLAGE)  # Kota Metro: no UMK in the test
    members(region_tree, emp, 2, village=FOREIGN_VILLAGE, wage=3_000_000, jht=True)
    assert found(Check.PDS_WAGE) == []
    members(region_tree, emp, 1, village=FOREIGN_VILLAGE, wage=2_800_000, jht=True)
    [f] = found(Check.PDS_WAGE)
    assert f.evidence["members_below_minimum"] == 1
    assert f.evidence["minimum_wage"]["kind"] == "UMP"


def test_registered_average_far_below_the_declared_one_is_pds_wage(region_tree, wages):
    emp = employer(region_tree, nib="6666666666666")
    members(region_tree, emp, 2, wage=3_400_000, jht=True)
    business("6666666666666", "PT Upah", OWN_VILLAGE, workers=2, avg_wage=4_000_000)
    [f] = found(Check.PDS_WAGE)
    assert f.evidence["members_below_minimum"] == 0
    assert f.evidence["declared_avg_wage"] == 4_000_000
    assert f.severity == 0.15


def test_wages_at_the_minimum_and_near_the_declared_average_pass(region_tree, wages):
    emp = employer(region_tree, nib="7777777777777")
    members(region_tree, emp, 2, wage=3_300_000, jht=True)  # exactly the UMK
    business("7777777777777", "PT Patuh", OWN_VILLAGE, workers=2, avg_wage=3_600_000)  # −8 %
    assert found(Check.PDS_WAGE) == []


# --- PDS programmes ------------------------------------------------------------------------------


def test_missing_jht_is_pds_programme(region_tree, wages):
    emp = employer(region_tree, size_class="small")
    members(region_tree, emp, 2, wage=3_500_000, jht=False)
    members(region_tree, emp, 2, wage=3_500_000, jht=True)
    [f] = found(Check.PDS_PROGRAMME)
    assert f.evidence["missing"] == {"JKK": 0, "JKM": 0, "JHT": 2, "JP": None}
    assert f.severity == 0.5 and f.evidence["jp_required"] is False


def test_jp_is_required_from_medium_employers_only(region_tree, wages):
    small = employer(region_tree, size_class="small")
    medium = employer(region_tree, size_class="medium")
    for emp in (small, medium):
        members(region_tree, emp, 2, wage=3_500_000, jht=True, jp=False)
    [f] = found(Check.PDS_PROGRAMME)
    assert f.employer_id == medium.pk and f.evidence["missing"]["JP"] == 2


def test_all_programmes_is_not_pds_programme(region_tree, wages):
    emp = employer(region_tree, size_class="large")
    members(region_tree, emp, 3, wage=3_500_000, jht=True, jp=True)
    assert found(Check.PDS_PROGRAMME) == []


# --- arrears -------------------------------------------------------------------------------------


@pytest.fixture
def rates(db):
    call_command("contributions", "load-rates", "--format", "json", stdout=io.StringIO())


def bill(emp, month, due, total, lines):
    b = Bill(employer=emp, month=month, due_date=due, total=total, members=2,
             status="overdue", generated_at=timezone.now())  # fmt: skip
    b.assign_region_codes(emp.village_id)
    b.save()
    for programme, amount in lines.items():
        BillLine.objects.create(bill=b, programme=programme, party="employer", amount=amount)
    return b


def test_unpaid_bills_are_arrears_with_ageing_and_the_fine_of_late_fine(region_tree, rates):
    emp = employer(region_tree)
    old = bill(emp, dt.date(2025, 1, 1), dt.date(2025, 2, 17), 1_000_000,
               {"JKK": 100_000, "JKM": 100_000, "JHT": 500_000, "JP": 300_000})  # fmt: skip
    new = bill(emp, dt.date(2025, 4, 1), dt.date(2025, 5, 15), 800_000, {"JHT": 800_000})
    Payment.objects.create(bill=new, paid_on=dt.date(2025, 5, 20), amount=300_000)
    paid = bill(emp, dt.date(2025, 3, 1), dt.date(2025, 4, 15), 500_000, {"JHT": 500_000})
    Payment.objects.create(bill=paid, paid_on=dt.date(2025, 4, 15), amount=500_000)
    [f] = found(Check.ARREARS)
    e = f.evidence
    assert e["unpaid"] == 1_500_000 and f.amount == 1_500_000 and e["bills"] == 2
    assert e["ageing"] == {"d0_30": 0, "d31_60": 500_000, "d61_90": 0, "over_90": 1_000_000}
    assert e["fine"] == late_fine(old, AS_OF).total + late_fine(new, AS_OF).total > 0
    assert e["fine_unconfirmed"] is True  # the JP fine rate is unconfirmed (domain.md §2.9)
    assert e["oldest_due"] == "2025-02-17" and e["months_late"] == 5


def test_paid_or_not_yet_due_bills_are_not_arrears(region_tree, rates):
    emp = employer(region_tree)
    paid = bill(emp, dt.date(2025, 3, 1), dt.date(2025, 4, 15), 500_000, {"JHT": 500_000})
    Payment.objects.create(bill=paid, paid_on=dt.date(2025, 4, 10), amount=500_000)
    bill(emp, dt.date(2025, 6, 1), dt.date(2025, 7, 15), 500_000, {"JHT": 500_000})
    assert found(Check.ARREARS) == []


# --- whole run -----------------------------------------------------------------------------------


def mixed_world(region_tree):
    a = employer(region_tree, nib="1000000000001", size_class="medium")
    members(region_tree, a, 3, wage=3_000_000, jht=True)
    members(region_tree, a, 1, wage=3_500_000, jht=False, jp=True)
    b = employer(region_tree, village=FOREIGN_VILLAGE, nib="1000000000002")
    members(region_tree, b, 2, village=FOREIGN_VILLAGE, wage=3_100_000, jht=True)
    business("1000000000001", "PT A", OWN_VILLAGE, workers=9, avg_wage=5_000_000)
    business("1000000000002", "PT B", FOREIGN_VILLAGE, workers=2)
    business("1000000000003", "CV C", FOREIGN_VILLAGE, workers=30, source="WLKP")
    bill(a, dt.date(2025, 1, 1), dt.date(2025, 2, 17), 400_000, {"JHT": 400_000})
    return a, b


def _keys(result):
    return sorted(
        (f.kind, f.employer_id or 0, f.business_id or 0, f.severity, f.amount, repr(f.evidence))
        for f in result.findings
    )


@pytest.mark.parametrize("region", ["", "18.71", "18.72", "31"])
def test_set_based_equals_the_naive_reference(region_tree, wages, rates, region):
    mixed_world(region_tree)
    fast, slow = checks.run_all(AS_OF, region), reference.run_naive(AS_OF, region)
    assert _keys(fast) == _keys(slow)
    assert sorted((s.employer_id or 0, s.business_id or 0, s.score) for s in fast.scores) == (
        sorted((s.employer_id or 0, s.business_id or 0, s.score) for s in slow.scores)
    )


def test_run_queries_do_not_grow_with_employers(region_tree, wages, rates,
                                                django_assert_max_num_queries):  # fmt: skip
    mixed_world(region_tree)
    for _ in range(6):
        members(region_tree, employer(region_tree), 2)
    with django_assert_max_num_queries(8):
        checks.run_all(AS_OF)


def test_risk_score_formula(region_tree, wages, rates, settings):
    settings.COMPLIANCE_WEIGHTS = {"pds_workers": 10.0, "pds_wage": 0.0, "pds_programme": 0.0,
                                   "arrears": 0.0}  # fmt: skip
    a, _b = mixed_world(region_tree)
    result = checks.run_all(AS_OF)
    score = next(s for s in result.scores if s.employer_id == a.pk)
    # 9 reported, 4 registered: severity 5/9; workforce 9 → size factor 1.25
    assert score.score == round(10.0 * round(5 / 9, 4) * 1.25, 2)
    unregistered = next(s for s in result.scores if s.business_id and not s.employer_id)
    assert unregistered.score == 40.0 * 1.5  # weight 40, 30 workers → factor 1.5


def test_run_stores_findings_and_replaces_the_current_ones(region_tree, wages, rates):
    mixed_world(region_tree)
    first = services.run_checks(actor=SYSTEM, as_of=AS_OF)
    local = services.run_checks(actor=SYSTEM, as_of=AS_OF, region="18.71")
    assert Finding.objects.filter(current=True, run=first).exclude(regency_code="18.71").exists()
    assert not Finding.objects.filter(current=True, run=first, regency_code="18.71").exists()
    assert Finding.objects.filter(current=True, run=local).count() == sum(
        local.counts[k] for k in Check.values
    )
    assert RiskScore.objects.filter(current=True).count() == first.counts["subjects"]
    assert first.counts["unregistered"] == 1 and first.parameters["weights"]["arrears"] == 35.0
