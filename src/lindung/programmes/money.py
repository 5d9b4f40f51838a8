"""The money side of a programme (domain.md §5.4): the branch invoices the funder for the accepted
beneficiaries, the funder pays in advance for the funded period, and the budget is watched.

Invoice amount = persons × funded months × monthly premium, the premium priced again by the
contribution engine (``services.price_package``) when the invoice is issued. Every accepted
enrolment is billed exactly once: issuing an invoice stamps it on the enrolments not yet billed.

Due date (domain.md §2.5, §2.9: a BPU contribution is due on the 15th of the contribution month
itself, paid in advance; no late fine, non-active after 3 unpaid months): the 15th of the first
funded month, or 15 days after issue when the invoice is issued later than that.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce

from lindung.core.audit import record_audit
from lindung.core.i18n import bilingual
from lindung.core.months import month_end, month_index
from lindung.programmes.models import (
    Enrolment,
    EnrolmentStatus,
    Programme,
    ProgrammeInvoice,
    ProgrammePayment,
    ProgrammeStatus,
)
from lindung.programmes.selectors import programme_for
from lindung.programmes.services import ProgrammeError, move, price_package

PAYMENT_DAYS = 15  # days to pay an invoice issued after the first funded month's due date
BPU_DUE_DAY = 15  # domain.md §2.9: BPU contributions are due on the 15th of the month itself
INVOICEABLE = frozenset({ProgrammeStatus.ENROLLED, ProgrammeStatus.PAYING})


def due_date(programme: Programme, issued_on: dt.date) -> dt.date:
    """The later of the first funded month's BPU due date and ``issued_on`` + 15 days."""
    first_due = programme.start_month.replace(day=BPU_DUE_DAY)
    return max(first_due, issued_on + dt.timedelta(days=PAYMENT_DAYS))


def _invoiced_total(programme: Programme) -> int:
    return programme.invoices.aggregate(total=Coalesce(Sum("amount"), 0))["total"]


def issue_invoice(*, actor: Any, programme: Programme, issued_on: dt.date) -> ProgrammeInvoice:
    """One invoice for the accepted enrolments not yet invoiced; moves enrolled → paying.

    Refused (bilingual ``ProgrammeError``) when nobody is left to bill, when the programme is not
    enrolled or paying, or when the invoices together would exceed the budget."""
    with transaction.atomic():
        # The programme row is the lock: two invoices issued at once cannot bill a person twice
        # nor take the same sequence number.
        programme = (
            Programme.objects.select_for_update().select_related("funder").get(pk=programme.pk)
        )
        if programme.status not in INVOICEABLE:
            raise ProgrammeError(
                bilingual(
                    "tagihan hanya untuk program berstatus enrolled/paying "
                    f"(kini {programme.status})",
                    f"invoices are issued only for enrolled or paying programmes "
                    f"(now {programme.status})",
                )
            )
        priced = Programme(
            funder=programme.funder,
            **{f: getattr(programme, f) for f in ("declared_income", "jkk", "jkm", "jht")},
            start_month=programme.start_month,
            occupations=programme.occupations,
        )
        price_package(priced)
        sequence = programme.invoices.count() + 1
        invoice = ProgrammeInvoice.objects.create(
            programme=programme,
            number=f"INV/{programme.pk}/{sequence:03d}",
            issued_on=issued_on,
            due_on=due_date(programme, issued_on),
            persons=0,
            months=programme.funded_months,
            monthly_premium=priced.monthly_premium,
            amount=0,
            premium_rules=priced.premium_rules,
        )
        # Stamp first, count after: the persons billed are exactly the rows stamped.
        persons = Enrolment.objects.filter(
            programme=programme, status=EnrolmentStatus.ACCEPTED, invoice__isnull=True
        ).update(invoice=invoice)
        if not persons:
            raise ProgrammeError(
                bilingual(
                    "tidak ada peserta diterima yang belum ditagih",
                    "no accepted beneficiaries are left to invoice",
                )
            )
        invoice.persons = persons
        invoice.amount = persons * invoice.months * invoice.monthly_premium
        total = _invoiced_total(programme) + invoice.amount  # the new invoice still counts 0
        if total > programme.budget:
            raise ProgrammeError(
                bilingual(
                    f"tagihan Rp {invoice.amount:,} membuat total tagihan Rp {total:,} melebihi "
                    f"anggaran Rp {programme.budget:,}",
                    f"invoice of Rp {invoice.amount:,} would bring the invoices to Rp {total:,}, "
                    f"over the budget of Rp {programme.budget:,}",
                )
            )
        invoice.save(update_fields=["persons", "amount"])
        record_audit(
            actor=actor, action="programmes.invoice.issue", target=invoice,
            region_code=programme.area_id,
            after={"number": invoice.number, "persons": persons, "months": invoice.months,
                   "monthly_premium": invoice.monthly_premium, "amount": invoice.amount,
                   "due_on": invoice.due_on},
        )  # fmt: skip
        if programme.status == ProgrammeStatus.ENROLLED:
            move(actor=actor, programme=programme, to=ProgrammeStatus.PAYING)
    return invoice


def record_payment(
    *, actor: Any, invoice: ProgrammeInvoice, paid_on: dt.date, amount: int, reference: str = ""
) -> ProgrammePayment:
    """A payment against an invoice; refused when not positive or when it would overpay."""
    with transaction.atomic():
        invoice = ProgrammeInvoice.objects.select_for_update().get(pk=invoice.pk)
        if amount <= 0:
            raise ProgrammeError(
                bilingual("jumlah bayar harus lebih dari 0", "the amount paid must be positive")
            )
        paid = invoice.payments.aggregate(total=Coalesce(Sum("amount"), 0))["total"]
        if paid + amount > invoice.amount:
            raise ProgrammeError(
                bilingual(
                    f"pembayaran Rp {amount:,} melebihi sisa tagihan {invoice.number} "
                    f"(Rp {invoice.amount - paid:,})",
                    f"payment of Rp {amount:,} exceeds what is left of invoice {invoice.number} "
                    f"(Rp {invoice.amount - paid:,})",
                )
            )
        payment = ProgrammePayment.objects.create(
            invoice=invoice, paid_on=paid_on, amount=amount, reference=reference[:80]
        )
        record_audit(
            actor=actor, action="programmes.invoice.payment", target=payment,
            region_code=invoice.programme.area_id,
            after={"invoice": invoice.number, "paid_on": paid_on, "amount": amount,
                   "reference": reference[:80], "paid_total": paid + amount},
        )  # fmt: skip
    return payment


# --- Reads -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ForecastMonth:
    month: dt.date  # first day
    cumulative: int  # Rupiah paid by the month's end (actual up to ``on``, expected after)
    projected: bool  # the month ends after ``on``: part of the figure is expected, not paid


@dataclass(frozen=True)
class BudgetStatus:
    """A programme's budget on a day, in Rupiah. ``left`` = budget − paid − invoiced_unpaid −
    committed_not_invoiced; the forecast runs to 31 December of the fiscal year."""

    on: dt.date
    budget: int
    paid: int
    invoiced_unpaid: int
    committed_not_invoiced: int
    committed_persons: int
    left: int
    forecast: list[ForecastMonth]


def budget_status(user: Any, programme: Programme, on: dt.date) -> BudgetStatus:
    """Where the budget stands on ``on``: what is paid, invoiced and unpaid, and committed by the
    approved list but not yet invoiced (pending or accepted persons × months × premium), with a
    month-by-month forecast of cumulative spend. Expected dates: an unpaid invoice is paid on
    its due date (or the day after ``on`` when overdue); the committed rest is invoiced the day
    after ``on`` and paid on that invoice's due date."""
    programme = programme_for(user, programme.pk)
    invoices = list(
        ProgrammeInvoice.objects.for_actor(user)
        .filter(programme=programme, issued_on__lte=on)
        .annotate(paid=Coalesce(Sum("payments__amount", filter=Q(payments__paid_on__lte=on)), 0))
        .values_list("amount", "paid", "due_on")
    )
    payments = list(
        ProgrammePayment.objects.for_actor(user)
        .filter(invoice__programme=programme, paid_on__lte=on)
        .values_list("paid_on")
        .annotate(total=Sum("amount"))
        .order_by("paid_on")
    )
    paid = sum(total for _day, total in payments)
    invoiced_unpaid = sum(amount - done for amount, done, _due in invoices)
    # Counted over the whole programme the user may see, not only the beneficiaries inside the
    # user's own region: the budget is the programme's, and a count reveals no person.
    committed_persons = (
        Enrolment.objects.filter(programme=programme)
        .exclude(status=EnrolmentStatus.REJECTED)
        .filter(Q(invoice__isnull=True) | Q(invoice__issued_on__gt=on))
        .count()
    )
    committed = committed_persons * programme.funded_months * programme.monthly_premium
    # Expected payments after ``on``: (day, Rupiah).
    tomorrow = on + dt.timedelta(days=1)
    expected = [(max(due, tomorrow), amount - done) for amount, done, due in invoices]
    if committed:
        expected.append((due_date(programme, tomorrow), committed))
    return BudgetStatus(
        on=on,
        budget=programme.budget,
        paid=paid,
        invoiced_unpaid=invoiced_unpaid,
        committed_not_invoiced=committed,
        committed_persons=committed_persons,
        left=programme.budget - paid - invoiced_unpaid - committed,
        forecast=_forecast(programme, on, payments, expected),
    )


def _forecast(
    programme: Programme,
    on: dt.date,
    payments: list[tuple[dt.date, int]],
    expected: list[tuple[dt.date, int]],
) -> list[ForecastMonth]:
    """Cumulative spend at each month end from January (or the first funded month, if earlier)
    to December of the fiscal year; payments before the first month count in its figure."""
    first = min(dt.date(programme.fiscal_year, 1, 1), programme.start_month)
    months = []
    for index in range(month_index(first), programme.fiscal_year * 12 + 12):
        year, month = divmod(index, 12)
        start = dt.date(year, month + 1, 1)
        end = month_end(start)
        cutoff = min(end, on)
        total = sum(amount for day, amount in payments if day <= cutoff)
        total += sum(amount for day, amount in expected if day <= end)
        months.append(ForecastMonth(start, total, end > on))
    return months
