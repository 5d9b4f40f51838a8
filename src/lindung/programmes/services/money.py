"""The money side of a programme (docs/domain.md §5.4): the branch invoices the funder for the
accepted
beneficiaries, the funder pays in advance for the funded period, and the budget is watched.

Invoice amount = persons × funded months × monthly premium, the premium priced again by the
contribution engine (``services.plans.price_package``) when the invoice is issued. Every accepted
enrolment is billed exactly once: issuing an invoice stamps it on the enrolments not yet billed.

Due date (docs/domain.md §2.5, §2.9: a BPU contribution is due on the 15th of the contribution month
itself, paid in advance; no late fine, non-active after 3 unpaid months): the 15th of the first
funded month, or 15 days after issue when the invoice is issued later than that.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce

from lindung.accounts.selectors import staff_of
from lindung.core.audit import record_audit
from lindung.core.i18n import bilingual
from lindung.core.permissions import require_capability
from lindung.core.roles import Capability
from lindung.notifications.events import NotificationEvent
from lindung.notifications.services import notify
from lindung.programmes.audit import ProgrammesAudit
from lindung.programmes.models import (
    Enrolment,
    EnrolmentStatus,
    Programme,
    ProgrammeInvoice,
    ProgrammePayment,
    ProgrammeStatus,
)
from lindung.programmes.services.plans import ProgrammeError, move_unchecked, price_package

PAYMENT_DAYS = 15  # days to pay an invoice issued after the first funded month's due date
BPU_DUE_DAY = 15  # docs/domain.md §2.9: BPU contributions are due on the 15th of the month itself
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
    require_capability(actor, Capability.ENROL_BENEFICIARIES)
    with transaction.atomic(durable=True):
        return issue_invoice_unchecked(actor=actor, programme=programme, issued_on=issued_on)


def issue_invoice_unchecked(
    *, actor: Any, programme: Programme, issued_on: dt.date
) -> ProgrammeInvoice:
    """``issue_invoice`` inside the caller's transaction (the demo builder)."""
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
            actor=actor, action=ProgrammesAudit.INVOICE_ISSUE, target=invoice,
            region_code=programme.area_id,
            after={"number": invoice.number, "persons": persons, "months": invoice.months,
                   "monthly_premium": invoice.monthly_premium, "amount": invoice.amount,
                   "due_on": invoice.due_on},
        )  # fmt: skip
        if programme.funder.organisation_id is not None:
            # The funder's staff learn what they owe and by when.
            notify(
                event=NotificationEvent.INVOICE_ISSUED,
                recipients=staff_of(programme.funder.organisation_id),
                context={
                    "programme": programme.name,
                    "invoice_number": invoice.number,
                    "amount": invoice.amount,
                    "due_date": invoice.due_on,
                },
                target=invoice,
                region_code=programme.area_id,
                dedupe_key=f"invoice:{invoice.pk}",
            )
        if programme.status == ProgrammeStatus.ENROLLED:
            move_unchecked(actor=actor, programme=programme, to=ProgrammeStatus.PAYING)
    return invoice


def record_payment(
    *, actor: Any, invoice: ProgrammeInvoice, paid_on: dt.date, amount: int, reference: str = ""
) -> ProgrammePayment:
    """A payment against an invoice; refused when not positive or when it would overpay."""
    require_capability(actor, Capability.MANAGE_PROGRAMMES)
    with transaction.atomic(durable=True):
        return record_payment_unchecked(
            actor=actor, invoice=invoice, paid_on=paid_on, amount=amount, reference=reference
        )


def record_payment_unchecked(
    *, actor: Any, invoice: ProgrammeInvoice, paid_on: dt.date, amount: int, reference: str = ""
) -> ProgrammePayment:
    """``record_payment`` inside the caller's transaction (the demo builder)."""
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
            actor=actor, action=ProgrammesAudit.INVOICE_PAYMENT, target=payment,
            region_code=invoice.programme.area_id,
            after={"invoice": invoice.number, "paid_on": paid_on, "amount": amount,
                   "reference": reference[:80], "paid_total": paid + amount},
        )  # fmt: skip
    return payment
