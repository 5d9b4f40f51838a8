"""Reconciliation of the register with the registry, person by person (issue 21 §3): on a day,
each listed person is an active participant of the segment their category is registered in
(with their KPJ and, for PU, the month the body's bills are paid through), registered under
another employer, lapsed, or never registered.

Set-based: one query per chunk of NIKs for their memberships and one for the paid bills of the
chunk's employers not yet looked up, then the classification in memory —
``bench/public_workers.py`` measures it against a per-person loop. ``classify`` is the one
definition; the tests recount it plainly."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import islice
from typing import Any

from django.db.models import Max, Q, QuerySet
from django.utils.translation import get_language

from lindung.contributions.models import Bill, BillStatus
from lindung.publicworkers.models import Category, PublicWorker, ReconciliationStatus
from lindung.publicworkers.rules import RuleBook, months_left
from lindung.registry.models import Membership, Segment

CHUNK = 5_000
# NIKs one membership query asks for. On PostgreSQL (full demo, 1.1 M persons) a list of 5,000
# made the planner scan every person (~170 ms a query); up to ~3,000 are looked up by the NIK
# index (2,000: ~30 ms). bench/public_workers.py: reconcile 2–2.5× faster.
NIK_CHUNK = 2_000
Status = ReconciliationStatus


@dataclass(frozen=True)
class Subject:
    """One listed person as the reconciliation needs them."""

    id: int
    nik: str
    segment: str  # the segment the person's category is registered in
    employer_id: int | None  # the paying body's registry employer (PU)


@dataclass(frozen=True)
class Held:
    """One registry membership of a NIK."""

    segment: str
    employer_id: int | None
    kpj: str
    start_date: dt.date
    end_date: dt.date | None

    def active_on(self, day: dt.date) -> bool:
        # The registry's one definition (registry.selectors.active_on), in memory.
        return self.start_date <= day and (self.end_date is None or self.end_date > day)


@dataclass(frozen=True)
class Outcome:
    status: str
    kpj: str = ""
    paid_through: dt.date | None = None


NEVER = Outcome(Status.NEVER)


def classify(
    subject: Subject, held: Sequence[Held], on: dt.date, paid: dict[int, dt.date]
) -> Outcome:
    """The one definition of a listed person's state on ``on``."""
    held = sorted((h for h in held if h.start_date <= on), key=lambda h: (h.start_date, h.kpj))
    active = [h for h in held if h.active_on(on)]
    if subject.segment == Segment.PU:
        own = [
            h
            for h in active
            if h.segment == Segment.PU
            and subject.employer_id is not None
            and h.employer_id == subject.employer_id
        ]
    else:
        own = [h for h in active if h.segment == Segment.BPU]
    if own:
        through = paid.get(subject.employer_id) if subject.segment == Segment.PU else None
        return Outcome(Status.ACTIVE, own[-1].kpj, through)
    if active:
        return Outcome(Status.OTHER_EMPLOYER, active[-1].kpj)
    if held:
        return Outcome(Status.LAPSED, held[-1].kpj)
    return NEVER


def _chunks(items: Iterable[Subject], size: int) -> Iterator[list[Subject]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def reconcile(
    subjects: Iterable[Subject], on: dt.date, *, chunk: int = NIK_CHUNK
) -> dict[int, Outcome]:
    """Every subject's outcome on ``on``, by subject id."""
    outcomes: dict[int, Outcome] = {}
    paid: dict[int, dt.date] = {}
    asked: set[int] = set()  # employers whose paid-through month was looked up already
    for part in _chunks(subjects, chunk):
        held: dict[str, list[Held]] = defaultdict(list)
        rows = Membership.objects.filter(
            person__nik__in={s.nik for s in part}, start_date__lte=on
        ).values_list("person__nik", "segment", "employer_id", "kpj", "start_date", "end_date")
        for nik, *fields in rows:
            held[nik].append(Held(*fields))
        employers = {s.employer_id for s in part if s.employer_id is not None} - asked
        if employers:
            paid.update(
                Bill.objects.filter(
                    employer_id__in=employers, status=BillStatus.PAID, month__lte=on
                )
                .values("employer_id")
                .annotate(through=Max("month"))
                .values_list("employer_id", "through")
            )
            asked |= employers
        for s in part:
            outcomes[s.id] = classify(s, held.get(s.nik, ()), on, paid)
    return outcomes


def listed_on(workers: QuerySet[PublicWorker], on: dt.date) -> QuerySet[PublicWorker]:
    """The register of ``on``: listed from that day or earlier, not yet removed."""
    return workers.filter(
        Q(listed_until__isnull=True) | Q(listed_until__gt=on), listed_from__lte=on
    )


SUBJECT_FIELDS = (
    "id",
    "nik",
    "category_id",
    "body__employer_id",
    "body__regency_code",
    "honorarium",
)


def subjects_of(workers: QuerySet[PublicWorker], book: RuleBook) -> Iterator[tuple[Subject, dict]]:
    """Each worker as a ``Subject`` (its segment by its regency's rule) with its values row."""
    for row in workers.values(*SUBJECT_FIELDS).order_by("id").iterator(chunk_size=CHUNK):
        rule = book.rule(row["category_id"], row["body__regency_code"])
        segment = rule.segment if rule else Segment.BPU
        yield Subject(row["id"], row["nik"], segment, row["body__employer_id"]), row


# --- Coverage per category, from outcomes (live) or from the stored reconciliation ------------


@dataclass(frozen=True)
class CategoryCoverage:
    category: str
    label: str
    total: int
    covered: int
    statuses: dict[str, int]
    budget_needed: int  # not covered × monthly contribution × months left in the fiscal year

    @property
    def coverage_pct(self) -> Decimal:
        if not self.total:
            return Decimal("0.00")
        return (Decimal(self.covered) * 100 / self.total).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )

    @property
    def not_covered(self) -> int:
        return self.total - self.covered

    def as_json(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "label": self.label,
            "total": self.total,
            "covered": self.covered,
            "coverage_pct": float(self.coverage_pct),
            "not_covered": self.not_covered,
            "budget_needed": self.budget_needed,
            "statuses": self.statuses,
        }


TOTAL = "total"


def tally(
    counts: Iterable[tuple[str, str, int, int]], on: dt.date
) -> tuple[list[CategoryCoverage], CategoryCoverage]:
    """Rows per category and the total from (category, status, persons, monthly contribution
    of those persons) groups; every category appears, an empty one with zeros."""
    persons: dict[str, Counter[str]] = defaultdict(Counter)
    monthly_uncovered: Counter[str] = Counter()
    for category, status, n, contribution in counts:
        persons[category][status] += n
        if status != Status.ACTIVE:
            monthly_uncovered[category] += contribution
    months = months_left(on)
    rows = []
    for category in Category.objects.all():
        by_status = {s: persons[category.code][s] for s in Status.values}
        rows.append(
            CategoryCoverage(
                category=category.code,
                label=category.label,
                total=sum(by_status.values()),
                covered=by_status[Status.ACTIVE],
                statuses=by_status,
                budget_needed=monthly_uncovered[category.code] * months,
            )
        )
    total_status = {s: sum(r.statuses[s] for r in rows) for s in Status.values}
    total = CategoryCoverage(
        category=TOTAL,
        label="Total" if (get_language() or "").startswith("en") else "Jumlah",
        total=sum(r.total for r in rows),
        covered=sum(r.covered for r in rows),
        statuses=total_status,
        budget_needed=sum(r.budget_needed for r in rows),
    )
    return rows, total
