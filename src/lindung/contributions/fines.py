"""Late fines on PU bills (docs/domain.md §2.9; rules in ``data/payment_rules.csv``).

The written rule (the regulation gives the rate, not the arithmetic, so it is flagged where the
fine is shown): every month *or part of a month* after the due date counts as one month of delay;
each programme's fine is its rate × months × its share of the amount still unpaid on the day, the
share being the programme's lines over the bill total; each programme's fine is rounded half-up
to whole Rupiah. The rate is the rule in force on the due date. The fine is borne by the employer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, Sum

from lindung.contributions.models import Bill, PaymentRule, PaymentRuleKind, RateSegment
from lindung.regions.models import Confidence

FINE_ROUNDING = "each programme's fine rounded half-up to whole Rupiah (unconfirmed)"


def months_late(due_date: dt.date, as_of: dt.date) -> int:
    """15 Jan due: 16 Jan–15 Feb is 1 month, 16 Feb–15 Mar is 2, …; not late → 0."""
    if as_of <= due_date:
        return 0
    months = (as_of.year - due_date.year) * 12 + as_of.month - due_date.month
    return months + (1 if as_of.day > due_date.day else 0)


@dataclass(frozen=True)
class FineLine:
    programme: str
    unpaid_base: int
    percent_per_month: Decimal
    months: int
    amount: int
    rule_id: str
    unconfirmed: bool


@dataclass
class Fine:
    as_of: dt.date
    months: int
    unpaid: int
    lines: list[FineLine] = field(default_factory=list)
    rounding: str = FINE_ROUNDING

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def unconfirmed(self) -> bool:
        return any(line.unconfirmed for line in self.lines)


def _rules_on(day: dt.date) -> list[PaymentRule]:
    return list(
        PaymentRule.objects.filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=day),
            segment=RateSegment.PU,
            kind=PaymentRuleKind.LATE_FINE,
            effective_from__lte=day,
        )
    )


def late_fine(bill: Bill, as_of: dt.date) -> Fine:
    """The fine a bill has accrued on ``as_of`` (zero when paid, not yet due or without rules)."""
    paid = bill.payments.filter(paid_on__lte=as_of).aggregate(s=Sum("amount"))["s"] or 0
    unpaid = max(bill.total - paid, 0)
    months = months_late(bill.due_date, as_of) if bill.due_date else 0
    fine = Fine(as_of=as_of, months=months, unpaid=unpaid)
    if not (unpaid and months and bill.total):
        return fine
    by_programme = dict(
        bill.lines.values("programme").annotate(s=Sum("amount")).values_list("programme", "s")
    )
    for rule in _rules_on(bill.due_date):
        percent = rule.fine_percent_per_month or Decimal(0)
        for programme in rule.programmes.split(","):
            amount = by_programme.get(programme.strip(), 0)
            if not amount or not percent:
                continue
            base = Decimal(amount) * unpaid / bill.total
            value = (base * percent / 100 * months).quantize(Decimal(1), ROUND_HALF_UP)
            fine.lines.append(
                FineLine(
                    programme=programme.strip(),
                    unpaid_base=int(base.quantize(Decimal(1), ROUND_HALF_UP)),
                    percent_per_month=percent,
                    months=months,
                    amount=int(value),
                    rule_id=rule.rule_id,
                    unconfirmed=rule.confidence == Confidence.UNCONFIRMED,
                )
            )
    fine.lines.sort(key=lambda line: line.programme)
    return fine
