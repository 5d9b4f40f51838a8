"""What a programme bought (docs/domain.md §3.5): who is still protected after the subsidy, who
continues on their own, and the benefits paid against the premiums. Selectors: each takes the
acting user, starts from the programmes the user may see, and aggregates in the database.

Beneficiaries are a programme's accepted enrolments with their membership; the funded period is
that membership's interval. On a day D a beneficiary is

* ``active``: inside the funded period, or holding another membership active on D (THE
  definition, ``registry.selectors.active_on``);
* ``grace``: the funded period ended less than 3 months before D and no other membership is
  active (BPU contributions unpaid for 3 months end the participation, docs/domain.md §2.5);
* ``non_active``: the funded period ended 3 months or more before D, no other membership;
* ``not_started``: the funded period starts after D, no other membership.

The continuation rate is the share of beneficiaries whose funded period ended at least 3 months
before D that hold another membership active on D (self-paid, another funder or an employer).
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import Http404

from lindung.core.months import month_index
from lindung.core.permissions import require_capability
from lindung.core.roles import Capability
from lindung.core.scope import region_q
from lindung.programmes.models import (
    Claim,
    ClaimType,
    Enrolment,
    EnrolmentStatus,
    Funder,
    Programme,
    ProgrammeInvoice,
    ProgrammePayment,
)
from lindung.programmes.selectors import programme_for
from lindung.registry.models import Membership
from lindung.registry.selectors import active_on

GRACE_MONTHS = 3  # docs/domain.md §2.5: non-active after 3 unpaid months


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` earlier, clamped to the month's last day (31 May → 28 Feb)."""
    year, month = divmod(month_index(day) - months, 12)
    return dt.date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def _beneficiaries(programmes: QuerySet[Programme], on: dt.date) -> QuerySet[Enrolment]:
    """Accepted enrolments of ``programmes``, each annotated with ``other``: whether the person
    holds another membership active on ``on``."""
    other = Membership.objects.filter(active_on(on), person_id=OuterRef("membership__person_id"))
    return (
        Enrolment.objects.filter(
            programme__in=programmes, status=EnrolmentStatus.ACCEPTED, membership__isnull=False
        )
        .annotate(other=Exists(other.exclude(pk=OuterRef("membership_id"))))
        .order_by()
    )


@dataclass(frozen=True)
class LapseCounts:
    on: dt.date
    total: int
    active: int
    grace: int
    non_active: int
    not_started: int


def lapse_counts(user: Any, programme: Programme, on: dt.date) -> LapseCounts:
    """The programme's beneficiaries by state on ``on`` (module docstring); one query."""
    programme = programme_for(user, programme.pk)
    cutoff = months_before(on, GRACE_MONTHS)
    funded = active_on(on, "membership__")
    alone = Q(other=False)
    counts = _beneficiaries(Programme.objects.filter(pk=programme.pk), on).aggregate(
        total=Count("pk"),
        active=Count("pk", filter=funded | Q(other=True)),
        grace=Count(
            "pk",
            filter=alone & Q(membership__end_date__lte=on, membership__end_date__gt=cutoff),
        ),
        non_active=Count("pk", filter=alone & Q(membership__end_date__lte=cutoff)),
        not_started=Count("pk", filter=alone & Q(membership__start_date__gt=on)),
    )
    return LapseCounts(on=on, **counts)


@dataclass(frozen=True)
class Continuation:
    ended: int  # beneficiaries whose funded period ended ≥ 3 months before ``on``
    continuing: int  # of those, holding another membership active on ``on``

    @property
    def rate(self) -> Decimal | None:
        """Share continuing, 4 decimals (None when nobody's period has ended long enough)."""
        if not self.ended:
            return None
        return (Decimal(self.continuing) / self.ended).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def _continuation(programmes: QuerySet[Programme], on: dt.date) -> Continuation:
    cutoff = months_before(on, GRACE_MONTHS)
    ended = Q(membership__end_date__lte=cutoff)
    # Distinct persons: someone funded twice by one funder is one beneficiary.
    counts = _beneficiaries(programmes, on).aggregate(
        ended=Count("nik", filter=ended, distinct=True),
        continuing=Count("nik", filter=ended & Q(other=True), distinct=True),
    )
    return Continuation(**counts)


def continuation_rate(user: Any, programme: Programme, on: dt.date) -> Continuation:
    """Continuation after the subsidy (module docstring); ``.rate`` is the share."""
    programme = programme_for(user, programme.pk)
    return _continuation(Programme.objects.filter(pk=programme.pk), on)


@dataclass(frozen=True)
class ClaimTotal:
    count: int
    amount: int  # Rupiah


@dataclass(frozen=True)
class Outcome:
    """Figures of one programme or all of a funder's programmes, as of ``on`` (Rupiah)."""

    on: dt.date
    persons_protected: int  # distinct beneficiaries whose funded period has started
    person_months_paid: int  # persons × months of fully paid invoices
    premium_spent: int  # payments made
    claims: dict[str, ClaimTotal]  # by type, events inside the funded period
    claims_count: int
    claims_amount: int
    benefit_premium_ratio: Decimal | None  # claims / premium, 2 decimals; None if nothing spent
    continuation: Continuation

    @property
    def claims_by_label(self) -> list[tuple[str, ClaimTotal]]:
        """The claims by type, each under its label, in the order of ``ClaimType``."""
        return [(str(label), self.claims[value]) for value, label in ClaimType.choices]


def persons_protected(programmes: QuerySet[Programme], on: dt.date, region: str = "") -> int:
    """Distinct beneficiaries of ``programmes`` whose funded period has started by ``on``; with
    ``region``, only those whose candidate row (their village) lies inside it."""
    persons = Enrolment.objects.filter(
        programme__in=programmes,
        status=EnrolmentStatus.ACCEPTED,
        membership__isnull=False,
        membership__start_date__lte=on,
    )
    if region:
        persons = persons.filter(region_q("candidate__", [region]))
    return persons.order_by().aggregate(n=Count("nik", distinct=True))["n"]


def outcome_of(programmes: QuerySet[Programme], on: dt.date) -> Outcome:
    """The outcome of ``programmes`` together; the caller has already scoped them to its actor
    (the functions below for officers, the sponsor portal for a sponsor's own pledges)."""
    protected = persons_protected(programmes, on)
    paid_invoices = (
        ProgrammeInvoice.objects.filter(programme__in=programmes)
        .annotate(paid=Coalesce(Sum("payments__amount", filter=Q(payments__paid_on__lte=on)), 0))
        .filter(paid__gte=F("amount"))
        .order_by()
    )
    months = paid_invoices.aggregate(n=Coalesce(Sum(F("persons") * F("months")), 0))["n"]
    spent = ProgrammePayment.objects.filter(
        invoice__programme__in=programmes, paid_on__lte=on
    ).aggregate(total=Coalesce(Sum("amount"), 0))["total"]
    # A claim counts when its event falls inside one of the person's funded periods.
    covered = Enrolment.objects.filter(
        programme__in=programmes,
        status=EnrolmentStatus.ACCEPTED,
        nik=OuterRef("nik"),
        membership__start_date__lte=OuterRef("event_date"),
    ).filter(
        Q(membership__end_date__isnull=True) | Q(membership__end_date__gt=OuterRef("event_date"))
    )
    rows = (
        Claim.objects.filter(Exists(covered), paid_on__lte=on)
        .values("claim_type")
        .annotate(n=Count("pk"), total=Sum("amount"))
        .order_by()
    )
    by_type = {t: ClaimTotal(0, 0) for t in ClaimType.values}
    for row in rows:
        by_type[row["claim_type"]] = ClaimTotal(row["n"], row["total"])
    amount = sum(c.amount for c in by_type.values())
    ratio = None
    if spent:
        ratio = (Decimal(amount) / spent).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return Outcome(
        on=on,
        persons_protected=protected,
        person_months_paid=months,
        premium_spent=spent,
        claims=by_type,
        claims_count=sum(c.count for c in by_type.values()),
        claims_amount=amount,
        benefit_premium_ratio=ratio,
        continuation=_continuation(programmes, on),
    )


def programme_outcome(user: Any, programme: Programme, on: dt.date) -> Outcome:
    programme = programme_for(user, programme.pk)
    return outcome_of(Programme.objects.filter(pk=programme.pk), on)


def funder_outcome(user: Any, funder: Funder, on: dt.date) -> Outcome:
    """The funder's programmes the user may see, together; persons counted once."""
    require_capability(user, Capability.VIEW_PROGRAMMES)
    if not Funder.objects.for_actor(user).filter(pk=funder.pk).exists():
        raise Http404("funder")
    return outcome_of(Programme.objects.for_actor(user).filter(funder=funder), on)
