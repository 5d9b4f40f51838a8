"""Invoices, payments and the budget of a programme: persons × months × the engine's premium,
each accepted person billed once, nothing over the budget, no overpayment, and a budget status
whose parts add up and whose forecast reaches 31 December."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from lindung.core.models import AuditLog
from lindung.core.scope import SYSTEM
from lindung.programmes.budget import budget_status
from lindung.programmes.models import (
    Enrolment,
    EnrolmentStatus,
    ProgrammeInvoice,
    ProgrammePayment,
    ProgrammeStatus,
)
from lindung.programmes.services.money import due_date, issue_invoice, record_payment
from lindung.programmes.services.plans import ProgrammeError, move
from tests.programmes.factories import CandidateFactory
from tests.programmes.test_enrolment import VILLAGE, enrol, selecting_programme

pytestmark = pytest.mark.engine

S = ProgrammeStatus


def accept(enrolments: list[Enrolment]) -> None:
    Enrolment.objects.filter(pk__in=[e.pk for e in enrolments]).update(
        status=EnrolmentStatus.ACCEPTED
    )


def enrolled_programme(regions: dict, persons: int, accepted: int, **fields):
    programme, enrolments = selecting_programme(regions, persons=persons, **fields)
    accept(enrolments[:accepted])
    programme = move(actor=SYSTEM, programme=programme, to=S.ENROLLED)
    return programme, enrolments


def test_invoice_bills_each_accepted_person_once(region_tree, rates, make_user):
    officer = make_user("bpjs_branch")
    programme, enrolments = enrolled_programme(region_tree, persons=5, accepted=3)
    invoice = issue_invoice(actor=officer, programme=programme, issued_on=dt.date(2025, 7, 20))
    assert (invoice.persons, invoice.months, invoice.monthly_premium) == (3, 5, 16_800)
    assert invoice.amount == 3 * 5 * 16_800 == 252_000
    assert invoice.number == f"INV/{programme.pk}/001" and invoice.premium_rules
    assert invoice.due_on == dt.date(2025, 8, 15)  # the first funded month's BPU due date
    assert set(Enrolment.objects.filter(invoice=invoice).values_list("pk", flat=True)) == {
        e.pk for e in enrolments[:3]
    }
    programme.refresh_from_db()
    assert programme.status == S.PAYING
    assert AuditLog.objects.filter(action="programmes.invoice.issue", actor=officer).exists()

    with pytest.raises(ProgrammeError, match="no accepted beneficiaries are left"):
        issue_invoice(actor=officer, programme=programme, issued_on=dt.date(2025, 8, 1))
    assert ProgrammeInvoice.objects.count() == 1

    accept(enrolments[3:])  # the branch accepted the last two later
    late = issue_invoice(actor=officer, programme=programme, issued_on=dt.date(2025, 8, 10))
    assert (late.number, late.persons, late.amount) == (f"INV/{programme.pk}/002", 2, 168_000)
    assert late.due_on == dt.date(2025, 8, 25)  # issued after the 15th-of-month rule: 15 days


def test_due_date_rule(region_tree, rates):
    programme, _ = selecting_programme(region_tree, persons=1)
    assert due_date(programme, dt.date(2025, 6, 1)) == dt.date(2025, 8, 15)
    assert due_date(programme, dt.date(2025, 7, 31)) == dt.date(2025, 8, 15)
    assert due_date(programme, dt.date(2025, 8, 1)) == dt.date(2025, 8, 16)


def test_an_invoice_over_the_budget_is_refused(region_tree, rates):
    # Budget for 2 persons, but the branch accepted 3.
    programme, _ = enrolled_programme(
        region_tree, persons=3, accepted=3, target_count=2, budget=2 * 5 * 16_800
    )
    with pytest.raises(ProgrammeError, match="over the budget"):
        issue_invoice(actor=SYSTEM, programme=programme, issued_on=dt.date(2025, 7, 20))
    assert not ProgrammeInvoice.objects.exists()
    assert not Enrolment.objects.filter(invoice__isnull=False).exists()  # nothing stamped
    programme.refresh_from_db()
    assert programme.status == S.ENROLLED


def test_no_invoice_before_enrolment(region_tree, rates):
    programme, enrolments = selecting_programme(region_tree, persons=1)
    accept(enrolments)
    with pytest.raises(ProgrammeError, match="enrolled or paying"):
        issue_invoice(actor=SYSTEM, programme=programme, issued_on=dt.date(2025, 7, 20))


def test_overpayment_is_refused(region_tree, rates, make_user):
    officer = make_user("province_officer")
    programme, _ = enrolled_programme(region_tree, persons=3, accepted=3)
    invoice = issue_invoice(actor=SYSTEM, programme=programme, issued_on=dt.date(2025, 7, 20))
    record_payment(
        actor=officer, invoice=invoice, paid_on=dt.date(2025, 8, 1), amount=200_000,
        reference="SP2D 001",
    )  # fmt: skip
    with pytest.raises(ProgrammeError, match="exceeds what is left"):
        record_payment(actor=officer, invoice=invoice, paid_on=dt.date(2025, 8, 2), amount=52_001)
    with pytest.raises(ProgrammeError, match="positive"):
        record_payment(actor=officer, invoice=invoice, paid_on=dt.date(2025, 8, 2), amount=0)
    record_payment(actor=officer, invoice=invoice, paid_on=dt.date(2025, 8, 3), amount=52_000)
    assert sum(ProgrammePayment.objects.values_list("amount", flat=True)) == 252_000
    assert AuditLog.objects.filter(action="programmes.invoice.payment", actor=officer).count() == 2


def test_budget_status_adds_up_and_forecasts_to_december(region_tree, rates, make_user):
    user = make_user("province_officer")
    programme, enrolments = enrolled_programme(region_tree, persons=5, accepted=3)
    Enrolment.objects.filter(pk=enrolments[4].pk).update(status=EnrolmentStatus.REJECTED)
    invoice = issue_invoice(actor=SYSTEM, programme=programme, issued_on=dt.date(2025, 7, 20))
    record_payment(actor=SYSTEM, invoice=invoice, paid_on=dt.date(2025, 7, 25), amount=100_000)

    status = budget_status(user, programme, dt.date(2025, 7, 31))
    assert status.budget == 100 * 5 * 16_800 == 8_400_000
    assert (status.paid, status.invoiced_unpaid) == (100_000, 152_000)
    # One person still pending (the rejected one is not committed): 1 × 5 × 16,800.
    assert (status.committed_persons, status.committed_not_invoiced) == (1, 84_000)
    assert status.left == 8_400_000 - 100_000 - 152_000 - 84_000 == 8_064_000
    forecast = {f.month: f for f in status.forecast}
    assert list(forecast) == [dt.date(2025, m, 1) for m in range(1, 13)]
    assert forecast[dt.date(2025, 6, 1)].cumulative == 0
    july = forecast[dt.date(2025, 7, 1)]
    assert (july.cumulative, july.projected) == (100_000, False)
    # August: the invoice's balance falls due on 15 August, the pending person's on 16 August.
    august = forecast[dt.date(2025, 8, 1)]
    assert (august.cumulative, august.projected) == (336_000, True)
    assert forecast[dt.date(2025, 12, 1)].cumulative == status.budget - status.left

    # Before the invoice existed, all four non-rejected persons were merely committed.
    earlier = budget_status(user, programme, dt.date(2025, 7, 10))
    assert (earlier.paid, earlier.invoiced_unpaid, earlier.committed_not_invoiced) == (
        0, 0, 4 * 5 * 16_800,
    )  # fmt: skip


def test_budget_status_is_scoped(region_tree, rates, make_user):
    programme, _ = enrolled_programme(region_tree, persons=1, accepted=1)
    outsider = make_user("regency_officer", scope=["18.72"])
    with pytest.raises(Http404):
        budget_status(outsider, programme, dt.date(2025, 8, 1))


def test_second_list_adds_to_the_same_programme(region_tree, rates):
    """Persons added to the list later are billed by the next invoice, the earlier ones not
    again."""
    programme, _ = enrolled_programme(region_tree, persons=2, accepted=2)
    issue_invoice(actor=SYSTEM, programme=programme, issued_on=dt.date(2025, 7, 1))
    extra = enrol(programme, [CandidateFactory(village=region_tree[VILLAGE])])
    accept(extra)
    second = issue_invoice(actor=SYSTEM, programme=programme, issued_on=dt.date(2025, 7, 2))
    assert second.persons == 1
