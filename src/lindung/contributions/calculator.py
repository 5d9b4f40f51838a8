"""Monthly contribution calculator over the rule tables (docs/domain.md §2).

Every rule is looked up by the contribution month (the first day of the month must fall inside
``effective_from``..``effective_to``). Amounts are integer Rupiah.

Rounding rule (docs/domain.md §2.9 "Rounding" and §12.7 — **unconfirmed ✖**): each line
(programme × party; for Jakon, programme summed over the contract-value slices) is computed exactly
in Decimal, the discount is applied to the exact value, then rounded once half-up to a whole
Rupiah (``results.round_rupiah``, full note in ``lindung.contributions.results``).
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from lindung.contributions.models import (
    BpuIncomeBracket,
    Discount,
    DiscountKind,
    FlatAmount,
    FlatAmountKind,
    Holiday,
    JakonBracket,
    JpWageCap,
    Party,
    PaymentRule,
    PaymentRuleKind,
    Programme,
    ProgrammeRate,
    RateSegment,
)
from lindung.contributions.results import (
    UNCONFIRMED_BASE,
    Calculation,
    CalculationError,
    Derived,
    Line,
    percent_text,
    round_rupiah,
)
from lindung.core.i18n import bilingual

HUNDRED = Decimal(100)
DEFAULT_PROGRAMMES = {
    RateSegment.PU: ("JKK", "JKM", "JHT", "JP", "JKP"),
    RateSegment.BPU: ("JKK", "JKM"),
    RateSegment.JAKON: ("JKK", "JKM"),
    RateSegment.PMI: ("JKK", "JKM"),
}
SELF_FUNDERS = {"", "self", "sendiri", "worker"}


def in_force(queryset: QuerySet, month: dt.date) -> QuerySet:
    """Rules whose interval contains the contribution month (its first day)."""
    return queryset.filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=month), effective_from__lte=month
    ).order_by("-effective_from", "rule_id")


LOAD_RATES_HINT = (
    bilingual("tabel tarif belum dimuat", "the rate tables are not loaded")
    + "; jalankan / run: lindung contributions load-rates"
)


def _missing(what: str, month: dt.date) -> CalculationError:
    """No rule for the month; on a database where no rate table was ever loaded (a fresh
    install), the message says what to run next."""
    message = bilingual(
        f"tidak ada aturan {what} untuk bulan iuran {month:%Y-%m}",
        f"no {what} rule in force for contribution month {month:%Y-%m}",
    )
    if not ProgrammeRate.objects.exists():
        message += f" ({LOAD_RATES_HINT})"
    return CalculationError(message)


def _required(value: Any, name: str, segment: str) -> Any:
    if value is None:
        raise CalculationError(
            bilingual(f"{name} wajib untuk segmen {segment}", f"{name} is required for {segment}")
        )
    if isinstance(value, int) and value < 0:
        raise CalculationError(bilingual(f"{name} tidak boleh negatif", f"{name} must be >= 0"))
    return value


def _split(text: str) -> set[str]:
    return {item for item in text.split(",") if item}


@dataclass(frozen=True)
class Context:
    segment: str
    month: dt.date
    industry: str | None
    workers: int | None
    funder: str | None
    occupation: str | None
    # Rate-table look-ups by key, shared by the calls that pass the same dict (``cache``).
    lookups: dict[tuple, Any] = field(default_factory=dict, compare=False, hash=False)

    def once(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """``compute()``, or what it gave for ``key`` earlier in this context's cache."""
        if key not in self.lookups:
            self.lookups[key] = compute()
        return self.lookups[key]

    @property
    def funded(self) -> bool:
        return (self.funder or "").lower() not in SELF_FUNDERS

    def payer(self) -> str:
        """BPU/PMI contributions are paid by the worker, or by the funder when there is one."""
        return Party.FUNDER if self.funded else Party.WORKER


def find_discount(ctx: Context, programme: str) -> Discount | None:
    """The largest discount whose eligibility (stored as data) matches; None when none does."""
    candidates = ctx.once(
        ("discounts", ctx.month),
        lambda: list(in_force(Discount.objects.filter(kind=DiscountKind.DISCOUNT), ctx.month)),
    )
    best = None
    for d in candidates:
        if ctx.segment not in _split(d.segments) or programme not in _split(d.programmes):
            continue
        if d.industries and (ctx.industry or "") not in _split(d.industries):
            continue
        if d.occupations and (ctx.occupation or "") not in _split(d.occupations):
            continue
        if d.min_workers is not None and (ctx.workers or 0) < d.min_workers:
            continue
        if ctx.funded and (ctx.funder or "").lower() in _split(d.excluded_funders):
            continue
        if best is None or d.percent_off > best.percent_off:
            best = d
    return best


def _line(
    ctx: Context,
    programme: str,
    party: str,
    exact: Decimal,
    rules: list[Any],
    *,
    base: int | None,
    rate: Decimal | None,
    note: str = "",
) -> Line:
    """Apply the discount to the exact amount, then round once (module docstring)."""
    discount = find_discount(ctx, programme) if exact else None
    gross = round_rupiah(exact)
    if discount is not None:
        exact = exact * (HUNDRED - discount.percent_off) / HUNDRED
        rules = [*rules, discount]
    return Line(
        programme=programme,
        party=party,
        base=base,
        rate_percent=rate,
        amount=round_rupiah(exact),
        rules=tuple(rules),
        gross=gross,
        discount=discount.rule_id if discount else "",
        note=note,
    )


def _rate_rules(ctx: Context, programme: str, risk_class: int | None) -> list[ProgrammeRate]:
    jkk_class = risk_class if programme == Programme.JKK else None
    key = ("rates", ctx.segment, programme, jkk_class, ctx.month)
    return ctx.once(key, lambda: _read_rate_rules(ctx, programme, risk_class))


def _read_rate_rules(ctx: Context, programme: str, risk_class: int | None) -> list[ProgrammeRate]:
    rows = []
    for party in Party.values:
        rc = risk_class if (programme == Programme.JKK and party == Party.EMPLOYER) else None
        qs = ProgrammeRate.objects.filter(
            segment=ctx.segment, programme=programme, party=party, risk_class=rc
        )
        row = in_force(qs, ctx.month).first()
        if row is not None:
            rows.append(row)
    return rows


def _percent_lines(
    ctx: Context, programme: str, wage: int, risk_class: int | None, *, optional: bool
) -> list[Line]:
    pu_jkk = programme == Programme.JKK and ctx.segment == RateSegment.PU
    if pu_jkk and (risk_class is None or not 1 <= risk_class <= 5):
        raise CalculationError(
            bilingual("JKK PU perlu kelas risiko 1–5", "PU JKK needs a risk class 1–5")
        )
    rows = _rate_rules(ctx, programme, risk_class)
    if not rows:
        if optional:
            return []
        raise _missing(programme, ctx.month)
    base, extra, note = wage, [], ""
    if programme == Programme.JP:
        cap = ctx.once(
            ("jp_cap", ctx.month), lambda: in_force(JpWageCap.objects.all(), ctx.month).first()
        )
        if cap is None:
            raise _missing("batas upah JP / JP wage cap", ctx.month)
        base, extra = min(wage, cap.cap), [cap]
        note = f"upah dibatasi / wage capped at Rp {cap.cap:,}" if wage > cap.cap else ""
    lines = [
        _line(
            ctx,
            programme,
            r.party,
            base * r.rate_percent / HUNDRED,
            [r, *extra],
            base=base,
            rate=r.rate_percent,
            note=note,
        )
        for r in rows
        if r.rate_percent > 0
    ]
    if not lines:  # JKP: shown once as a zero line so the 0 % rule is visible
        r = rows[0]
        lines = [_line(ctx, programme, r.party, Decimal(0), [r], base=base, rate=r.rate_percent)]
    return lines


def _calc_pu(
    ctx: Context, programmes: list[str], wage: int, risk_class: int | None, explicit: bool
) -> list[Line]:
    lines = []
    for programme in programmes:
        optional = not explicit and programme == Programme.JKP
        lines += _percent_lines(ctx, programme, wage, risk_class, optional=optional)
    return lines


def _bpu_nominal(ctx: Context, income: int) -> tuple[int, list[Any], str]:
    qs = BpuIncomeBracket.objects.filter(
        Q(income_to__isnull=True) | Q(income_to__gt=income), income_from__lte=income
    )
    bracket = in_force(qs, ctx.month).first()
    if bracket is not None:
        return bracket.nominal_income, [bracket], f"nominal Rp {bracket.nominal_income:,}"
    note = bilingual(
        "tabel penghasilan BPU tidak lengkap: 1 % dari penghasilan yang dilaporkan",
        "BPU income table unknown: 1 % of the declared income itself (✖)",
    )
    return income, [], note


def _calc_bpu(ctx: Context, programmes: list[str], income: int) -> list[Line]:
    lines = []
    nominal, bracket_rules, note = _bpu_nominal(ctx, income)
    for programme in programmes:
        if programme == Programme.JKM:
            flat = ctx.once(
                ("bpu_jkm", ctx.month),
                lambda: in_force(
                    FlatAmount.objects.filter(
                        segment=RateSegment.BPU, programmes="JKM", kind=FlatAmountKind.MONTHLY
                    ),
                    ctx.month,
                ).first(),
            )
            if flat is None:
                raise _missing("JKM BPU", ctx.month)
            lines.append(
                _line(
                    ctx, programme, ctx.payer(), Decimal(flat.amount), [flat], base=None, rate=None
                )
            )
            continue
        rate = ctx.once(
            ("bpu_rate", programme, ctx.month),
            lambda programme=programme: in_force(
                ProgrammeRate.objects.filter(segment=RateSegment.BPU, programme=programme),
                ctx.month,
            ).first(),
        )
        if rate is None:
            raise _missing(f"{programme} BPU", ctx.month)
        # no bracket row: the base is derived by us and the line is flagged unconfirmed
        rules: list[Any] = [rate, *(bracket_rules or [UNCONFIRMED_BASE])]
        line = _line(
            ctx,
            programme,
            ctx.payer(),
            nominal * rate.rate_percent / HUNDRED,
            rules,
            base=nominal,
            rate=rate.rate_percent,
            note=note,
        )
        lines.append(line)
    return lines


def _calc_jakon(
    ctx: Context, programmes: list[str], wage: int | None, contract_value: int | None
) -> list[Line]:
    if wage is not None:
        _required(wage, "wage", ctx.segment)
        return [
            line for p in programmes for line in _percent_lines(ctx, p, wage, None, optional=False)
        ]
    value = _required(contract_value, "contract_value / wage", ctx.segment)
    lines = []
    for programme in programmes:
        brackets = list(
            in_force(JakonBracket.objects.filter(programme=programme), ctx.month).order_by(
                "value_from"
            )
        )
        if not brackets:
            raise _missing(f"Jakon {programme}", ctx.month)
        exact, used, parts = Decimal(0), [], []
        for b in brackets:  # marginal slices: value_from < value <= value_to
            top = value if b.value_to is None else min(value, b.value_to)
            if top <= b.value_from:
                continue
            part = (top - b.value_from) * b.rate_percent / HUNDRED
            exact += part
            used.append(b)
            parts.append(f"{percent_text(b.rate_percent)}% × {top - b.value_from:,} = {part:,.0f}")
        lines.append(
            _line(
                ctx,
                programme,
                Party.EMPLOYER,
                exact,
                used or brackets[:1],
                base=value,
                rate=None,
                note=" + ".join(parts),
            )
        )
    return lines


def _calc_pmi(
    ctx: Context, programmes: list[str], contract_months: int | None, jht_amount: int | None
) -> list[Line]:
    flats = in_force(FlatAmount.objects.filter(segment=RateSegment.PMI), ctx.month)
    lines = []
    if {"JKK", "JKM"} & set(programmes):
        if contract_months is None:
            pre = flats.filter(kind=FlatAmountKind.PRE_PLACEMENT).first()
            if pre is None:
                raise _missing("PMI", ctx.month)
            lines.append(
                _line(
                    ctx,
                    "JKK+JKM",
                    ctx.payer(),
                    Decimal(pre.amount),
                    [pre],
                    base=None,
                    rate=None,
                    note="sebelum penempatan / pre-placement",
                )
            )
        else:
            packages = {f.contract_months: f for f in flats.filter(kind=FlatAmountKind.PLACEMENT)}
            if not packages:
                raise _missing("PMI", ctx.month)
            longest = max(packages)
            if contract_months in packages:
                pkg = packages[contract_months]
                lines.append(
                    _line(
                        ctx,
                        "JKK+JKM",
                        ctx.payer(),
                        Decimal(pkg.amount),
                        [pkg],
                        base=None,
                        rate=None,
                    )
                )
            elif contract_months > longest:
                extra = flats.filter(kind=FlatAmountKind.EXTRA_MONTH).first()
                if extra is None:
                    raise _missing("PMI extra month", ctx.month)
                months = contract_months - longest
                amount = Decimal(packages[longest].amount + months * extra.amount)
                derived = Derived("DERIVED-PMI-EXTENSION", "Permenaker 4/2023", "domain.md §2.7")
                lines.append(
                    _line(
                        ctx,
                        "JKK+JKM",
                        ctx.payer(),
                        amount,
                        [packages[longest], extra, derived],
                        base=None,
                        rate=None,
                        note=f"{longest} + {months} × Rp {extra.amount:,}",
                    )
                )
            else:
                valid = ", ".join(str(m) for m in sorted(packages))
                raise CalculationError(
                    bilingual(
                        f"lama kontrak harus {valid} atau lebih dari {longest} bulan",
                        f"contract months must be {valid} or more than {longest}",
                    )
                )
    if Programme.JHT in programmes:
        option = flats.filter(kind=FlatAmountKind.JHT_OPTION, amount=jht_amount).first()
        if option is None:
            valid = ", ".join(
                f"{a:,}"
                for a in flats.filter(kind=FlatAmountKind.JHT_OPTION)
                .order_by("amount")
                .values_list("amount", flat=True)
            )
            raise CalculationError(
                bilingual(
                    f"iuran JHT PMI harus salah satu dari {valid}",
                    f"PMI JHT amount must be one of {valid}",
                )
            )
        lines.append(
            _line(ctx, "JHT", ctx.payer(), Decimal(option.amount), [option], base=None, rate=None)
        )
    return lines


def due_date(segment: str, month: dt.date) -> dt.date | None:
    """Due date from the payment-rule table; the day is clipped to the month's length, and
    where the rule says so (PU, docs/domain.md §2.9) a weekend or holiday moves it to the next
    working day."""
    rule = in_force(
        PaymentRule.objects.filter(segment=segment, kind=PaymentRuleKind.DUE_DATE), month
    ).first()
    if rule is None or rule.due_day is None:
        return None
    index = month.year * 12 + month.month - 1 + (rule.due_month_offset or 0)
    year, mon = divmod(index, 12)
    day = dt.date(year, mon + 1, min(rule.due_day, monthrange(year, mon + 1)[1]))
    return next_working_day(day) if rule.next_working_day else day


def next_working_day(day: dt.date) -> dt.date:
    """``day`` itself when it is a working day, else the first working day after it."""
    holidays = set(
        Holiday.objects.filter(
            effective_from__gte=day, effective_from__lte=day + dt.timedelta(days=31)
        ).values_list("effective_from", flat=True)
    )
    while day.weekday() >= 5 or day in holidays:  # Saturday, Sunday
        day += dt.timedelta(days=1)
    return day


def calculate_month(
    *,
    segment: str,
    month: dt.date,
    wage: int | None = None,
    risk_class: int | None = None,
    income: int | None = None,
    contract_value: int | None = None,
    programmes: Iterable[str] | None = None,
    industry: str | None = None,
    workers: int | None = None,
    funder: str | None = None,
    occupation: str | None = None,
    contract_months: int | None = None,
    jht_amount: int | None = None,
    cache: dict[tuple, Any] | None = None,
) -> Calculation:
    """Contributions owed for one contribution month of one worker (PU/BPU/PMI) or contract (Jakon).

    ``wage`` is the PU monthly wage (upah pokok + tunjangan tetap) or a Jakon worker's wage;
    ``income`` the BPU declared income; ``contract_value`` the Jakon contract value excl. VAT;
    ``contract_months``/``jht_amount`` the PMI package and chosen JHT amount. Rounding: see the
    module docstring (unconfirmed ✖). ``cache``: a dict shared by calls that price against the
    same rate tables (one request or job), so each rate row is read once, not once per call.
    """
    if segment not in RateSegment.values:
        raise CalculationError(
            bilingual(f"segmen tidak dikenal: {segment}", f"unknown segment: {segment}")
        )
    if not isinstance(month, dt.date) or month.day != 1:
        raise CalculationError(
            bilingual(
                "bulan iuran harus tanggal 1",
                "the contribution month must be a first-of-month date",
            )
        )
    explicit = programmes is not None
    chosen = [p.strip().upper() for p in (programmes or DEFAULT_PROGRAMMES[segment]) if p.strip()]
    unknown = [p for p in chosen if p not in Programme.values]
    if unknown:
        raise CalculationError(
            bilingual(
                f"program tidak dikenal: {', '.join(unknown)}",
                f"unknown programme(s): {', '.join(unknown)}",
            )
        )
    ctx = Context(
        segment, month, industry, workers, funder, occupation, {} if cache is None else cache
    )
    if segment == RateSegment.PU:
        lines = _calc_pu(ctx, chosen, _required(wage, "wage", segment), risk_class, explicit)
    elif segment == RateSegment.BPU:
        lines = _calc_bpu(ctx, chosen, _required(income, "income", segment))
    elif segment == RateSegment.JAKON:
        lines = _calc_jakon(ctx, chosen, wage, contract_value)
    else:
        lines = _calc_pmi(ctx, chosen, contract_months, jht_amount)
    due = ctx.once(("due", segment, month), lambda: due_date(segment, month))
    calc = Calculation(segment=segment, month=month, lines=lines, due_date=due)
    deferrals = ctx.once(
        ("deferrals", month),
        lambda: list(in_force(Discount.objects.filter(kind=DiscountKind.DEFERRAL), month)),
    )
    for d in deferrals:
        if segment in _split(d.segments) and _split(d.programmes) & set(chosen):
            calc.warnings.append(
                bilingual(
                    f"{d.regulation}: penundaan {d.percent_off}% {d.programmes} mungkin berlaku",
                    f"{d.regulation}: a {d.percent_off}% {d.programmes} deferral may apply "
                    f"({d.rule_id})",
                )
            )
    return calc
