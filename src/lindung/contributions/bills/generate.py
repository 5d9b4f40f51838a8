"""Monthly employer bills, computed set-based (issue "Contribution engine" item 3;
docs/ARCHITECTURE.md "Bills").

``generate_bills(month=...)`` sums, per employer × programme × party, the contributions of every PU
membership active on the month's last day (``registry.selectors.active_on``, the one definition)
in **one aggregate query**, then writes the bills with bulk inserts.

Rates are looked up once in Python with the calculator's own lookups (``calculator._rate_rules``,
``find_discount``, ``in_force``), so a bill is what ``calculate_month`` gives for each membership,
summed. Rounding (docs/domain.md §2.9 and §12.7, unconfirmed ✖; ``results.ROUNDING_RULE``): each
membership's line is rounded **once, half-up to whole Rupiah, before summing**. A rate ``r`` percent
(discount applied) is the exact fraction ``n / d`` of the base, and the SQL is the integer
expression ``(2 * base * n + d) / (2 * d)`` — integer division of non-negative integers on both
SQLite and PostgreSQL, so it is exactly half-up with no floating point or ``ROUND`` differences.

Discounts are applied as the calculator applies them without an industry or headcount (employers
carry a KBLI code, not the PP 7/2025 industry categories): discounts open to every PU employer
(PP 49/2020) apply; industry-restricted ones (PP 7/2025, PP 36/2025) do not — see the report.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils import timezone

from lindung.contributions.audit import ContributionsAudit
from lindung.contributions.calculator import (
    Context,
    _rate_rules,
    calculate_month,
    due_date,
    find_discount,
    in_force,
)
from lindung.contributions.models import (
    Bill,
    BillLine,
    BillStatus,
    JpWageCap,
    Party,
    Payment,
    Programme,
    RateSegment,
)
from lindung.contributions.results import CalculationError
from lindung.core.audit import record_audit
from lindung.core.i18n import bilingual
from lindung.core.months import month_end
from lindung.core.permissions import require_admin
from lindung.registry.models import Membership, Segment
from lindung.registry.selectors import active_on

RISK_CLASSES = (1, 2, 3, 4, 5)
FLAGS = {p: p.lower() for p in Programme.values}  # programme → Membership boolean column
REGION_COLUMNS = ("province_code", "regency_code", "district_code", "village_code")
CHUNK = 2000


def _big(value: int) -> Value:
    return Value(value, output_field=BigIntegerField())


@dataclass(frozen=True)
class Rate:
    """``amount = round_half_up(base * numerator / denominator)`` and the rules behind it."""

    numerator: int
    denominator: int
    rule_ids: tuple[str, ...]

    def sql(self, base: Any) -> ExpressionWrapper:
        n, d = self.numerator, self.denominator
        return ExpressionWrapper(
            (base * _big(2 * n) + _big(d)) / _big(2 * d), output_field=BigIntegerField()
        )

    def amount(self, base: int) -> int:
        return (2 * base * self.numerator + self.denominator) // (2 * self.denominator)


@dataclass(frozen=True)
class Term:
    """One bill line kind: programme × party; ``by_risk`` keyed by JKK risk class, else None."""

    programme: str
    party: str
    by_risk: dict[int | None, Rate]
    cap: int | None = None  # JP wage cap: base is LEAST(wage, cap)
    zero: bool = False  # a 0 % programme (JKP): shown with its member count, amount 0

    @property
    def key(self) -> str:
        return f"a_{self.programme}_{self.party}"


@dataclass
class RateSheet:
    month: dt.date
    terms: list[Term]
    warnings: list[str] = field(default_factory=list)


def rate_sheet(month: dt.date) -> RateSheet:
    """The PU rates in force for ``month``, looked up once (as ``calculate_month`` does)."""
    ctx = Context(RateSegment.PU, month, None, None, None, None)
    sheet = RateSheet(month, [])
    cap_row = in_force(JpWageCap.objects.all(), month).first()
    for programme in Programme.values:
        per_party: dict[str, dict[int | None, Any]] = defaultdict(dict)
        for rc in RISK_CLASSES if programme == Programme.JKK else (None,):
            for row in _rate_rules(ctx, programme, rc):
                key = rc if (programme == Programme.JKK and row.party == Party.EMPLOYER) else None
                per_party[row.party][key] = row
        if not per_party:
            sheet.warnings.append(f"no {programme} PU rate in force for {month:%Y-%m}")
            continue
        cap = None
        extra: tuple[str, ...] = ()
        if programme == Programme.JP:
            if cap_row is None:
                raise CalculationError(
                    bilingual(
                        f"tidak ada batas upah JP untuk bulan iuran {month:%Y-%m}",
                        f"no JP wage cap in force for contribution month {month:%Y-%m}",
                    )
                )
            cap, extra = cap_row.cap, (cap_row.rule_id,)
        discount = find_discount(ctx, programme)
        positive = False
        for party, rows in per_party.items():
            by_risk = {}
            for rc, row in rows.items():
                if row.rate_percent <= 0:
                    continue
                exact = Fraction(row.rate_percent) / 100
                ids = (row.rule_id, *extra)
                if discount is not None:
                    exact = exact * (100 - Fraction(discount.percent_off)) / 100
                    ids = (*ids, discount.rule_id)
                by_risk[rc] = Rate(exact.numerator, exact.denominator, ids)
            if by_risk:
                positive = True
                sheet.terms.append(Term(programme, party, by_risk, cap))
        if not positive:  # JKP: one zero line, like the calculator's visible 0 % line
            first = per_party.get(Party.EMPLOYER) or next(iter(per_party.values()))
            party = Party.EMPLOYER if Party.EMPLOYER in per_party else next(iter(per_party))
            row = next(iter(first.values()))
            sheet.terms.append(
                Term(programme, party, {None: Rate(0, 1, (row.rule_id,))}, zero=True)
            )
    return sheet


def _term_sql(term: Term) -> Any:
    base: Any = F("wage")
    if term.cap is not None:
        base = Case(
            When(wage__gt=term.cap, then=_big(term.cap)),
            default=F("wage"),
            output_field=BigIntegerField(),
        )
    if None in term.by_risk:
        expr: Any = term.by_risk[None].sql(base)
    else:
        expr = Case(
            *(When(employer__risk_class=rc, then=r.sql(base)) for rc, r in term.by_risk.items()),
            default=None,
            output_field=BigIntegerField(),
        )
    return Sum(expr, filter=Q(**{FLAGS[term.programme]: True}))


def active_pu_memberships(month: dt.date) -> QuerySet[Membership]:
    """PU memberships with an employer, active on the month's last day
    (``registry.selectors.active_on``)."""
    return Membership.objects.filter(
        active_on(month_end(month)), segment=Segment.PU, employer__isnull=False
    )


def compute_bills(month: dt.date, sheet: RateSheet | None = None) -> dict[int, dict[str, Any]]:
    """Per employer: region codes, member count and lines ``(programme, party) → (amount,
    members, rule_ids)``, from one GROUP BY query over the active memberships."""
    sheet = sheet or rate_sheet(month)
    annotations: dict[str, Any] = {"n_all": Count("id")}
    for programme in Programme.values:
        annotations[f"n_{programme}"] = Count("id", filter=Q(**{FLAGS[programme]: True}))
    for term in sheet.terms:
        if not term.zero:
            annotations[term.key] = _term_sql(term)
    rows = (
        active_pu_memberships(month)
        .values("employer_id", "employer__risk_class", *(f"employer__{c}" for c in REGION_COLUMNS))
        .annotate(**annotations)
        .order_by()
    )
    bills: dict[int, dict[str, Any]] = {}
    for row in rows.iterator(chunk_size=CHUNK):
        risk = row["employer__risk_class"]
        lines: dict[tuple[str, str], tuple[int, int, str]] = {}
        missing_risk = 0
        for term in sheet.terms:
            members = row[f"n_{term.programme}"]
            if not members:
                continue
            rate = term.by_risk.get(None) or term.by_risk.get(risk)
            if rate is None:  # JKK without a (valid) risk class: the calculator refuses it too
                missing_risk += members
                continue
            amount = 0 if term.zero else int(row[term.key] or 0)
            lines[(term.programme, term.party)] = (amount, members, ",".join(rate.rule_ids))
        bills[row["employer_id"]] = {
            "codes": tuple(row[f"employer__{c}"] for c in REGION_COLUMNS),
            "members": row["n_all"],
            "lines": lines,
            "missing_risk": missing_risk,
        }
    return bills


@dataclass
class BillRun:
    month: dt.date
    employers: int = 0
    memberships: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    kept_paid: int = 0
    lines: int = 0
    total: int = 0
    missing_risk_class: int = 0
    warnings: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in {"month"}}


def _existing(month: dt.date) -> tuple[dict[int, Bill], dict[int, dict]]:
    bills = {
        b.employer_id: b
        for b in Bill.objects.filter(month=month).only(
            "id", "employer_id", "total", "members", "status", "due_date", *REGION_COLUMNS
        )
    }
    lines: dict[int, dict] = defaultdict(dict)
    for bill_id, programme, party, amount, members, rule_ids in BillLine.objects.filter(
        bill__month=month
    ).values_list("bill_id", "programme", "party", "amount", "members", "rule_ids"):
        lines[bill_id][(programme, party)] = (amount, members, rule_ids)
    return bills, lines


def _new_lines(bill_id: int, lines: dict) -> list[BillLine]:
    return [
        BillLine(
            bill_id=bill_id,
            programme=p,
            party=party,
            amount=amount,
            members=members,
            rule_ids=rule_ids,
        )
        for (p, party), (amount, members, rule_ids) in sorted(lines.items())
    ]


def generate_bills(*, month: dt.date, actor: Any = None) -> BillRun:
    """Compute and write the PU bills of ``month`` (a first-of-month date).

    Idempotent: an unpaid bill whose lines, total, due date and region are unchanged is left
    untouched (``generated_at`` included); a changed one has its lines replaced in place (its
    payments stay attached); an unpaid bill of an employer with no active PU membership any more is
    deleted unless it has payments. Paid bills are never touched. One audit row per run.
    An operator's job (``actor=None`` is the trusted server-side caller).
    """
    require_admin(actor)
    if month.day != 1:
        raise CalculationError(
            bilingual("bulan iuran harus tanggal 1", "the contribution month must be a first day")
        )
    sheet = rate_sheet(month)
    run = BillRun(month, warnings=list(sheet.warnings))
    now = timezone.now()
    due = due_date(RateSegment.PU, month)
    with transaction.atomic(durable=True):
        computed = compute_bills(month, sheet)
        old_bills, old_lines = _existing(month)
        paid_ids = set(
            Payment.objects.filter(bill__month=month).values_list("bill_id", flat=True).distinct()
        )
        to_create: list[Bill] = []
        to_update: list[Bill] = []
        replace_ids: list[int] = []
        lines_for: dict[int, dict] = {}
        for employer_id, data in computed.items():
            run.employers += 1
            run.memberships += data["members"]
            run.missing_risk_class += data["missing_risk"]
            total = sum(amount for amount, _m, _r in data["lines"].values())
            run.total += total
            run.lines += len(data["lines"])
            bill = old_bills.pop(employer_id, None)
            if bill is not None and bill.status == BillStatus.PAID:
                run.kept_paid += 1
                continue
            if bill is None:
                bill = Bill(employer_id=employer_id, month=month, status=BillStatus.OPEN)
                to_create.append(bill)
            else:
                same = (
                    old_lines.get(bill.pk, {}) == data["lines"]
                    and bill.total == total
                    and bill.members == data["members"]
                    and bill.due_date == due
                    and tuple(getattr(bill, c) for c in REGION_COLUMNS) == data["codes"]
                )
                if same:
                    run.unchanged += 1
                    continue
                replace_ids.append(bill.pk)
                to_update.append(bill)
            bill.total, bill.members, bill.due_date, bill.generated_at = (
                total,
                data["members"],
                due,
                now,
            )
            for column, value in zip(REGION_COLUMNS, data["codes"], strict=True):
                setattr(bill, column, value)
            lines_for[id(bill)] = data["lines"]
        # Employers without active PU memberships any more: their unpaid bills go.
        gone = [b for b in old_bills.values() if b.status != BillStatus.PAID]
        run.kept_paid += len(old_bills) - len(gone)
        delete_ids = []
        for bill in gone:
            if bill.pk in paid_ids:  # partly paid: keep the row and its payments, no lines
                bill.total, bill.members, bill.generated_at = 0, 0, now
                replace_ids.append(bill.pk)
                to_update.append(bill)
                lines_for[id(bill)] = {}
            else:
                delete_ids.append(bill.pk)
        for start in range(0, len(replace_ids), CHUNK):
            BillLine.objects.filter(bill_id__in=replace_ids[start : start + CHUNK]).delete()
        for start in range(0, len(delete_ids), CHUNK):
            Bill.objects.filter(pk__in=delete_ids[start : start + CHUNK]).delete()
        Bill.objects.bulk_create(to_create, batch_size=CHUNK)
        Bill.objects.bulk_update(
            to_update,
            ["total", "members", "due_date", "generated_at", *REGION_COLUMNS],
            batch_size=CHUNK,
        )
        new_lines = [
            line
            for bill in to_create + to_update
            for line in _new_lines(bill.pk, lines_for[id(bill)])
        ]
        BillLine.objects.bulk_create(new_lines, batch_size=CHUNK)
        run.created, run.updated, run.deleted = len(to_create), len(to_update), len(delete_ids)
        record_audit(
            actor=actor,
            action=ContributionsAudit.GENERATE_BILLS,
            object_type="bill_month",
            object_id=month.isoformat(),
            object_repr=f"PU bills {month:%Y-%m}",
            after=run.counts(),
        )
    return run


def reference_bill_lines(month: dt.date, memberships: Any) -> dict[int, dict]:
    """The naive reference: ``calculate_month`` per membership, summed per employer × programme ×
    party (amounts only). Used by the tests and the benchmark; slow by design."""
    out: dict[int, dict] = defaultdict(lambda: defaultdict(int))
    for m in memberships:
        chosen = [p for p in Programme.values if getattr(m, FLAGS[p])]
        calc = calculate_month(
            segment=RateSegment.PU,
            month=month,
            wage=m.wage,
            risk_class=m.employer.risk_class,
            programmes=chosen,
        )
        for line in calc.lines:
            out[m.employer_id][(line.programme, line.party)] += line.amount
    return {k: dict(v) for k, v in out.items()}
