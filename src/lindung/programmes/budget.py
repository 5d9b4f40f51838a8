"""A programme's budget on a day (docs/domain.md §5.4): paid, invoiced and unpaid, committed by the
approved list but not yet invoiced, and a month-by-month forecast. Reads only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce

from lindung.core.months import month_end, month_index
from lindung.programmes.models import (
    Enrolment,
    EnrolmentStatus,
    Programme,
    ProgrammeInvoice,
    ProgrammePayment,
)
from lindung.programmes.selectors import programme_for
from lindung.programmes.services.money import due_date


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
