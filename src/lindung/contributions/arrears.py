"""Payments against bills and the arrears ageing (docs/domain.md §2.9 due dates).

Days overdue on day ``as_of`` = ``as_of - due_date``; a bill is in arrears when that is at least
1 day and ``total`` minus the payments made up to ``as_of`` is positive. Buckets: 1–30 days
(``d0_30``), 31–60, 61–90, more than 90. Bills not yet due are not arrears.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import BigIntegerField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from lindung.contributions.audit import ContributionsAudit
from lindung.contributions.models import Bill, BillStatus, Payment
from lindung.core.audit import record_audit
from lindung.core.permissions import require_admin

BUCKETS = (("d0_30", 1, 30), ("d31_60", 31, 60), ("d61_90", 61, 90), ("over_90", 91, None))


def record_payment(*, bill: Bill, paid_on: dt.date, amount: int, actor: Any = None) -> Payment:
    """Record a payment; the bill becomes ``paid`` once its payments cover the total. An
    operator's write (``actor=None`` is the trusted server-side caller)."""
    require_admin(actor)
    with transaction.atomic(durable=True):
        bill = Bill.objects.select_for_update().get(pk=bill.pk)
        payment = Payment.objects.create(bill=bill, paid_on=paid_on, amount=amount)
        paid = bill.payments.aggregate(s=Sum("amount"))["s"] or 0
        if paid >= bill.total and bill.status != BillStatus.PAID:
            bill.status = BillStatus.PAID
            bill.save(update_fields=["status"])
        record_audit(
            actor=actor,
            action=ContributionsAudit.RECORD_PAYMENT,
            target=bill,
            region_code=bill.village_code,
            after={"paid_on": paid_on, "amount": amount, "paid_total": paid, "status": bill.status},
        )
    return payment


def mark_overdue(*, as_of: dt.date) -> int:
    """Open bills past their due date become ``overdue`` (one UPDATE); returns the count.
    An inner step: its caller's transaction records the audit event."""
    return Bill.objects.filter(status=BillStatus.OPEN, due_date__lt=as_of).update(
        status=BillStatus.OVERDUE
    )


@dataclass(frozen=True)
class AgeingRow:
    employer_id: int
    d0_30: int
    d31_60: int
    d61_90: int
    over_90: int
    total: int


def with_unpaid(bills: QuerySet[Bill], as_of: dt.date) -> QuerySet[Bill]:
    """Bills annotated with ``unpaid`` = total − payments made up to ``as_of``."""
    paid = (
        Payment.objects.filter(bill=OuterRef("pk"), paid_on__lte=as_of)
        .order_by()
        .values("bill")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    return bills.annotate(
        unpaid=F("total") - Coalesce(Subquery(paid, output_field=BigIntegerField()), Value(0))
    )


def arrears_ageing(*, as_of: dt.date, bills: QuerySet[Bill] | None = None) -> list[AgeingRow]:
    """Per employer, unpaid amounts by days overdue on ``as_of`` — one grouped query.

    ``bills`` narrows the rows (pages pass ``Bill.objects.for_actor(user)``); default all bills.
    """
    base = with_unpaid(bills if bills is not None else Bill.objects.all(), as_of)
    base = base.filter(due_date__lt=as_of, unpaid__gt=0)
    sums = {}
    for name, low, high in BUCKETS:
        q = Q(due_date__lte=as_of - dt.timedelta(days=low))
        if high is not None:
            q &= Q(due_date__gte=as_of - dt.timedelta(days=high))
        sums[name] = Coalesce(Sum("unpaid", filter=q), Value(0))
    rows = (
        base.order_by()
        .values("employer_id")
        .annotate(**sums, total_unpaid=Sum("unpaid"))
        .order_by("employer_id")
    )
    return [
        AgeingRow(
            employer_id=r["employer_id"],
            d0_30=r["d0_30"],
            d31_60=r["d31_60"],
            d61_90=r["d61_90"],
            over_90=r["over_90"],
            total=r["total_unpaid"],
        )
        for r in rows
    ]
