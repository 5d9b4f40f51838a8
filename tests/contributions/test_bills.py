"""Monthly employer bills (set-based) against the per-membership calculator, idempotency, ageing."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from lindung.contributions.arrears import arrears_ageing, mark_overdue, record_payment
from lindung.contributions.bills.generate import Rate, generate_bills, reference_bill_lines
from lindung.contributions.models import Bill, BillLine, BillStatus
from lindung.core.models import AuditLog
from lindung.registry.models import Membership, Segment
from tests.registry.factories import (
    FOREIGN_VILLAGE,
    OWN_VILLAGE,
    EmployerFactory,
    MembershipFactory,
)

pytestmark = pytest.mark.engine

DEC = dt.date(2023, 12, 1)
ALL = {"jkk": True, "jkm": True, "jht": True, "jp": True, "jkp": True}


def bill_lines(month: dt.date) -> dict[int, dict]:
    out: dict[int, dict] = {}
    for line in BillLine.objects.filter(bill__month=month).select_related("bill"):
        if line.amount:
            out.setdefault(line.bill.employer_id, {})[(line.programme, line.party)] = line.amount
    return out


def reference(month: dt.date, memberships: list[Membership]) -> dict[int, dict]:
    ref = reference_bill_lines(month, memberships)
    return {e: {k: v for k, v in lines.items() if v} for e, lines in ref.items()}


@pytest.fixture
def world(region_tree, rates):
    a = EmployerFactory(risk_class=2, village=region_tree[OWN_VILLAGE])
    b = EmployerFactory(risk_class=5, village=region_tree[FOREIGN_VILLAGE])
    wr = region_tree[OWN_VILLAGE]

    def member(employer, wage, start=dt.date(2020, 1, 1), end=None, segment=Segment.PU, **flags):
        return MembershipFactory(
            employer=employer,
            wage=wage,
            start_date=start,
            end_date=end,
            segment=segment,
            work_region=wr,
            **(flags or ALL),
        )

    active = [
        member(a, 3_250_000),
        member(a, 12_000_000),  # above the 2023 JP cap (9,559,600)
        member(a, 1_000_025),  # JHT worker 2 % = 20,000.5 → 20,001 (half-up)
        member(a, 4_000_001, start=dt.date(2023, 12, 31)),  # starts on the last day
        member(a, 5_100_000, end=dt.date(2024, 1, 1)),  # ends the day after
        member(b, 2_345_678, jkk=True, jkm=True, jht=True, jp=False, jkp=False),
        member(b, 9_559_601),
    ]
    inactive = [
        member(a, 7_000_000, end=dt.date(2023, 12, 31)),  # ended on the last day: not active
        member(a, 7_000_000, start=dt.date(2024, 1, 1)),
        member(a, 1_000_000, segment=Segment.BPU, jkk=True, jkm=True),  # never on an employer bill
    ]
    return {"a": a, "b": b, "active": active, "inactive": inactive}


def test_bills_equal_the_calculator_summed(world):
    run = generate_bills(month=DEC)
    assert bill_lines(DEC) == reference(DEC, world["active"])
    assert run.employers == 2 and run.memberships == 7 and run.created == 2
    a = Bill.objects.get(employer=world["a"], month=DEC)
    assert a.members == 5
    assert a.due_date == dt.date(2024, 1, 15)
    assert a.village_code == OWN_VILLAGE and a.regency_code == "18.71"
    assert a.total == sum(line.amount for line in a.lines.all())
    jp = a.lines.get(programme="JP", party="employer")
    assert jp.members == 5
    # 2 % of min(wage, cap) per member, rounded per member
    wages = [3_250_000, 9_559_600, 1_000_025, 4_000_001, 5_100_000]
    assert jp.amount == sum((w * 2 + 50) // 100 for w in wages)
    assert "PU-JP-EMPLOYER" in jp.rule_ids
    assert a.lines.get(programme="JKK").rule_ids == "PU-JKK-R2"
    assert a.lines.get(programme="JKP").amount == 0
    assert run.total == sum(Bill.objects.values_list("total", flat=True))
    audit = AuditLog.objects.get(action="contributions.generate_bills")
    assert audit.after["created"] == 2


def test_rounding_is_half_up_per_member():
    rate = Rate(1, 50, ("x",))  # 2 %
    assert rate.amount(1_000_025) == 20_001
    assert rate.amount(1_000_024) == 20_000
    assert Rate(3, 1000, ("x",)).amount(1_500_500) == 4_502  # 0.3 % of 1,500,500 = 4,501.5


@pytest.mark.parametrize(
    "month",
    [
        dt.date(2023, 12, 1),
        dt.date(2024, 2, 1),  # last month of the 2023 JP cap
        dt.date(2024, 3, 1),  # first month of the 2024 cap
        dt.date(2020, 10, 1),  # PP 49/2020: JKK and JKM −99 %, before JKP
    ],
)
def test_random_memberships_match_the_calculator(region_tree, rates, month):
    rng = random.Random(month.toordinal())
    employers = [
        EmployerFactory(risk_class=rc, village=region_tree[OWN_VILLAGE]) for rc in range(1, 6)
    ]
    members = []
    for _ in range(60):
        wage = rng.choice(
            [
                rng.randrange(500_000, 20_000_000),
                rng.randrange(1, 200) * 25 + 1_000_000,  # many exact halves
                9_559_600,
                10_042_300,
                rng.randrange(10**9, 10**10),
            ]
        )
        flags = {p: rng.random() < 0.7 for p in ("jht", "jp", "jkp")}
        if month < dt.date(2021, 2, 1):
            flags["jkp"] = False  # JKP has no rule before Feb 2021
        members.append(
            MembershipFactory(
                employer=rng.choice(employers),
                wage=wage,
                start_date=dt.date(2019, 1, 1),
                work_region=region_tree[OWN_VILLAGE],
                jkk=True,
                jkm=rng.random() < 0.9,
                **flags,
            )
        )
    generate_bills(month=month)
    assert bill_lines(month) == reference(month, members)


def test_regenerating_is_idempotent(world):
    generate_bills(month=DEC)
    before = list(Bill.objects.values_list("pk", "total", "generated_at").order_by("pk"))
    lines = list(BillLine.objects.values_list("pk", flat=True).order_by("pk"))
    run = generate_bills(month=DEC)
    assert (run.created, run.updated, run.deleted, run.unchanged) == (0, 0, 0, 2)
    assert list(Bill.objects.values_list("pk", "total", "generated_at").order_by("pk")) == before
    assert list(BillLine.objects.values_list("pk", flat=True).order_by("pk")) == lines
    assert AuditLog.objects.filter(action="contributions.generate_bills").count() == 2

    # A wage change replaces that employer's unpaid bill in place.
    m = world["active"][0]
    Membership.objects.filter(pk=m.pk).update(wage=m.wage + 1_000_000)
    run = generate_bills(month=DEC)
    assert (run.created, run.updated, run.unchanged) == (0, 1, 1)
    world["active"][0].refresh_from_db()
    assert bill_lines(DEC) == reference(DEC, world["active"])

    # A paid bill is never touched; an employer with no active member loses its unpaid bill.
    bill_a = Bill.objects.get(employer=world["a"], month=DEC)
    paid_total = bill_a.total
    record_payment(bill=bill_a, paid_on=dt.date(2024, 1, 10), amount=paid_total)
    Membership.objects.filter(employer=world["a"]).update(wage=1_000_000)
    Membership.objects.filter(employer=world["b"]).update(end_date=dt.date(2023, 12, 2))
    run = generate_bills(month=DEC)
    assert (run.kept_paid, run.deleted, run.created) == (1, 1, 0)
    bill_a.refresh_from_db()
    assert bill_a.status == BillStatus.PAID and bill_a.total == paid_total
    assert not Bill.objects.filter(employer=world["b"]).exists()


def test_employer_without_risk_class_gets_no_jkk_line(region_tree, rates):
    e = EmployerFactory(risk_class=None, village=region_tree[OWN_VILLAGE])
    MembershipFactory(employer=e, wage=5_000_000, work_region=region_tree[OWN_VILLAGE])
    run = generate_bills(month=DEC)
    assert run.missing_risk_class == 1
    bill = Bill.objects.get(employer=e)
    assert not bill.lines.filter(programme="JKK").exists()
    assert bill.lines.get(programme="JKM").amount == 15_000


def test_arrears_ageing_buckets(world):
    for month in [dt.date(2023, m, 1) for m in (8, 9, 10, 11, 12)]:
        generate_bills(month=month)
    a, b = world["a"], world["b"]
    bills = {(x.employer_id, x.month.month): x for x in Bill.objects.all()}
    # as of 2024-01-20: Dec due 01-15 (5 days), Nov 12-15 (36), Oct 11-15 (66), Sep 10-15 (97),
    # Aug 09-15 (127).
    record_payment(
        bill=bills[(a.pk, 8)], paid_on=dt.date(2023, 9, 10), amount=bills[(a.pk, 8)].total
    )
    record_payment(bill=bills[(a.pk, 11)], paid_on=dt.date(2024, 1, 2), amount=1_000)
    record_payment(bill=bills[(a.pk, 12)], paid_on=dt.date(2024, 1, 25), amount=1_000)  # later
    as_of = dt.date(2024, 1, 20)
    rows = {r.employer_id: r for r in arrears_ageing(as_of=as_of)}
    t = {k: v.total for k, v in bills.items()}
    ra = rows[a.pk]
    assert ra.d0_30 == t[(a.pk, 12)]
    assert ra.d31_60 == t[(a.pk, 11)] - 1_000
    assert ra.d61_90 == t[(a.pk, 10)]
    assert ra.over_90 == t[(a.pk, 9)]  # August is paid
    assert ra.total == ra.d0_30 + ra.d31_60 + ra.d61_90 + ra.over_90
    rb = rows[b.pk]
    assert rb.over_90 == t[(b.pk, 9)] + t[(b.pk, 8)]
    # The day a bill falls due it is not yet in arrears; one day later it is.
    assert arrears_ageing(as_of=dt.date(2024, 1, 15))[0].d0_30 == 0
    assert arrears_ageing(as_of=dt.date(2024, 1, 16))[0].d0_30 == t[(a.pk, 12)]
    # Scoped input: only the bills passed in.
    only_b = arrears_ageing(as_of=as_of, bills=Bill.objects.filter(employer=b))
    assert [r.employer_id for r in only_b] == [b.pk]
    assert mark_overdue(as_of=as_of) == 9  # 10 bills, all due before the 20th; one is paid
