"""Loading the contribution rule tables from CSV (one file per table, docs/domain.md §2).

``load_rate_tables(data_dir)`` reads every file, rejects bad rows with their line numbers, checks
that rules of the same group do not overlap in time, and upserts by ``rule_id`` with
``sync_rows`` in one transaction with one audit row. A second run changes nothing. Rows present in
the database but absent from a file are kept (they may have been edited by an administrator).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import models, transaction

from lindung.contributions.audit import ContributionsAudit
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
from lindung.core.audit import record_audit
from lindung.core.i18n import bilingual
from lindung.core.loading import LoadResult, file_sha256, read_csv, sync_rows
from lindung.core.permissions import require_admin
from lindung.regions.models import Confidence

DEFAULT_DATA_DIR = Path(__file__).resolve().parent / "data"

CONFIDENCE_MARKS = {
    "✔": Confidence.CONFIRMED,
    "◐": Confidence.SINGLE_SOURCE,
    "✖": Confidence.UNCONFIRMED,
    **{c.value: c.value for c in Confidence},
}


class BadValue(ValueError):
    """A cell that cannot be parsed; the message is bilingual."""


Parser = Callable[[str], Any]


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BadValue(
            bilingual("tanggal tidak valid (YYYY-MM-DD)", "invalid date (YYYY-MM-DD)")
        ) from None


def _optional(parser: Parser) -> Parser:
    return lambda text: parser(text) if text else None


def _integer(text: str) -> int:
    if not (text.isascii() and text.lstrip("-").isdigit()):
        raise BadValue(bilingual("bukan bilangan bulat", "not a whole number"))
    return int(text)


def _non_negative(text: str) -> int:
    value = _integer(text)
    if value < 0:
        raise BadValue(bilingual("tidak boleh negatif", "must not be negative"))
    return value


def _rate(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise BadValue(bilingual("bukan angka desimal", "not a decimal number")) from None
    if not value.is_finite() or value < 0 or value > 100:
        raise BadValue(bilingual("persen harus 0–100", "percent must be 0–100"))
    if value.as_tuple().exponent < -5:  # type: ignore[operator]
        raise BadValue(bilingual("lebih dari 5 desimal", "more than 5 decimal places"))
    return value


def _text(text: str) -> str:
    if not text:
        raise BadValue(bilingual("wajib diisi", "required"))
    return text


def _blank(text: str) -> str:
    return text


def _choice(choices: type[models.TextChoices]) -> Parser:
    def parse(text: str) -> str:
        if text not in choices.values:
            allowed = ", ".join(choices.values)
            raise BadValue(
                bilingual(f"harus salah satu dari {allowed}", f"must be one of {allowed}")
            )
        return text

    return parse


def _choice_list(choices: type[models.TextChoices], *, sep: str = ",") -> Parser:
    def parse(text: str) -> str:
        items = [item.strip() for item in text.split(sep)]
        bad = [item for item in items if item not in choices.values]
        if not text or bad:
            raise BadValue(bilingual(f"nilai tidak dikenal: {text}", f"unknown value(s): {text}"))
        return sep.join(items)

    return parse


def _code_list(text: str) -> str:
    return ",".join(item.strip() for item in text.split(",") if item.strip())


def _confidence(text: str) -> str:
    if text not in CONFIDENCE_MARKS:
        raise BadValue(
            bilingual(
                "keyakinan harus ✔ / ◐ / ✖ atau confirmed / single_source / unconfirmed",
                "confidence must be ✔ / ◐ / ✖ or confirmed / single_source / unconfirmed",
            )
        )
    return CONFIDENCE_MARKS[text]


def _risk_class(text: str) -> int | None:
    if not text:
        return None
    value = _integer(text)
    if not 1 <= value <= 5:
        raise BadValue(bilingual("kelas risiko harus 1–5", "risk class must be 1–5"))
    return value


COMMON: dict[str, Parser] = {
    "effective_from": _date,
    "effective_to": _optional(_date),
    "legal_basis": _text,
    "source": _text,
    "confidence": _confidence,
    "note": _blank,
}


@dataclass(frozen=True)
class TableSpec:
    model: type[models.Model]
    filename: str
    columns: dict[str, Parser]
    group: tuple[str, ...]  # rules sharing these values must not overlap in time
    check: Callable[[dict[str, Any]], str | None] | None = None


def _check_jp_cap(values: dict[str, Any]) -> str | None:
    if values["effective_from"].day != 1:
        return bilingual(
            "batas upah JP berlaku dari tanggal 1 bulan iuran",
            "a JP wage cap starts on the first day of a contribution month",
        )
    return None


def _check_range(low: str, high: str) -> Callable[[dict[str, Any]], str | None]:
    def check(values: dict[str, Any]) -> str | None:
        if values[high] is not None and values[high] <= values[low]:
            return bilingual(f"{high} harus lebih besar dari {low}", f"{high} must exceed {low}")
        return None

    return check


def _check_one_day(values: dict[str, Any]) -> str | None:
    if values["effective_to"] != values["effective_from"]:
        return bilingual(
            "hari libur: effective_to harus sama dengan effective_from",
            "a holiday is one day: effective_to must equal effective_from",
        )
    return None


def _yes_no(text: str) -> bool:
    if text not in {"yes", "no", "ya", "tidak"}:
        raise BadValue(bilingual("harus yes atau no", "must be yes or no"))
    return text in {"yes", "ya"}


def _check_flat(values: dict[str, Any]) -> str | None:
    if values["kind"] == FlatAmountKind.PLACEMENT and not values["contract_months"]:
        return bilingual(
            "paket penempatan perlu contract_months", "a placement package needs contract_months"
        )
    return None


TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        ProgrammeRate,
        "programme_rates.csv",
        {
            "segment": _choice(RateSegment),
            "programme": _choice(Programme),
            "party": _choice(Party),
            "risk_class": _risk_class,
            "rate_percent": _rate,
        },
        ("segment", "programme", "party", "risk_class"),
    ),
    TableSpec(
        JpWageCap,
        "jp_wage_caps.csv",
        {"cap": _non_negative, "letter_refs": _blank},
        (),
        _check_jp_cap,
    ),
    TableSpec(
        BpuIncomeBracket,
        "bpu_income_brackets.csv",
        {
            "income_from": _non_negative,
            "income_to": _optional(_non_negative),
            "nominal_income": _non_negative,
        },
        ("income_from",),
        _check_range("income_from", "income_to"),
    ),
    TableSpec(
        FlatAmount,
        "flat_amounts.csv",
        {
            "segment": _choice(RateSegment),
            "programmes": _choice_list(Programme, sep="+"),
            "kind": _choice(FlatAmountKind),
            "contract_months": _optional(_non_negative),
            "amount": _non_negative,
        },
        ("segment", "programmes", "kind", "contract_months", "amount"),
        _check_flat,
    ),
    TableSpec(
        JakonBracket,
        "jakon_brackets.csv",
        {
            "programme": _choice(Programme),
            "value_from": _non_negative,
            "value_to": _optional(_non_negative),
            "rate_percent": _rate,
        },
        ("programme", "value_from"),
        _check_range("value_from", "value_to"),
    ),
    TableSpec(
        Discount,
        "discounts.csv",
        {
            "regulation": _text,
            "kind": _choice(DiscountKind),
            "segments": _choice_list(RateSegment),
            "programmes": _choice_list(Programme),
            "percent_off": _rate,
            "industries": _code_list,
            "occupations": _code_list,
            "min_workers": _optional(_non_negative),
            "excluded_funders": _code_list,
        },
        ("rule_id",),
    ),
    TableSpec(
        PaymentRule,
        "payment_rules.csv",
        {
            "segment": _choice(RateSegment),
            "kind": _choice(PaymentRuleKind),
            "programmes": _choice_list(Programme),
            "due_day": _optional(_non_negative),
            "due_month_offset": _optional(_non_negative),
            "fine_percent_per_month": _optional(_rate),
            "next_working_day": _yes_no,
        },
        ("segment", "kind", "programmes"),
    ),
    TableSpec(Holiday, "holidays.csv", {"name": _text}, (), check=_check_one_day),
)


def _parse_table(spec: TableSpec, path: Path, result: LoadResult) -> dict[tuple, dict[str, Any]]:
    columns = {**spec.columns, **COMMON}
    accepted: dict[tuple, dict[str, Any]] = {}
    lines: dict[tuple, int] = {}
    intervals: dict[tuple, list[tuple[dt.date, dt.date | None, int]]] = {}
    for line, row in read_csv(path, ("rule_id", *columns)):
        result.rows_read += 1
        rule_id = row["rule_id"]
        if not rule_id:
            result.reject(line, "rule_id", rule_id, bilingual("wajib diisi", "required"))
            continue
        values: dict[str, Any] = {}
        failed = False
        for column, parse in columns.items():
            try:
                values[column] = parse(row[column])
            except BadValue as exc:
                result.reject(line, column, row[column], str(exc))
                failed = True
                break
        if failed:
            continue
        start, end = values["effective_from"], values["effective_to"]
        problem = None
        if end is not None and end < start:
            problem = (
                "effective_to",
                end,
                bilingual("berakhir sebelum mulai", "ends before it starts"),
            )
        elif spec.check and (message := spec.check(values)):
            problem = ("effective_from", start, message)
        elif (rule_id,) in accepted:
            problem = (
                "rule_id",
                rule_id,
                bilingual(
                    f"rule_id ganda (baris {lines[(rule_id,)]})",
                    f"duplicate rule_id (line {lines[(rule_id,)]})",
                ),
            )
        else:
            group = tuple(rule_id if g == "rule_id" else values[g] for g in spec.group)
            for other_start, other_end, other_line in intervals.get(group, []):
                if start <= (other_end or dt.date.max) and other_start <= (end or dt.date.max):
                    problem = (
                        "effective_from",
                        start,
                        bilingual(
                            f"tumpang tindih dengan aturan baris {other_line}",
                            f"overlaps the rule on line {other_line}",
                        ),
                    )
                    break
        if problem:
            result.reject(line, *problem)
            continue
        intervals.setdefault(group, []).append((start, end, line))
        accepted[(rule_id,)] = values
        lines[(rule_id,)] = line
    return accepted


def load_rate_tables(
    data_dir: Path = DEFAULT_DATA_DIR, *, actor: Any = None
) -> dict[str, LoadResult]:
    """Load every rule table from ``data_dir``; one transaction, one audit row for all files.
    Reference data: the operator's write (``actor=None`` is the trusted server-side caller)."""
    require_admin(actor)
    results: dict[str, LoadResult] = {}
    parsed: dict[str, tuple[TableSpec, dict[tuple, dict[str, Any]]]] = {}
    for spec in TABLES:
        path = Path(data_dir) / spec.filename
        result = LoadResult(source=spec.filename, sha256=file_sha256(path))
        parsed[spec.filename] = (spec, _parse_table(spec, path, result))
        results[spec.model._meta.model_name] = result
    with transaction.atomic(durable=True):
        for spec, rows in parsed.values():
            value_fields = tuple(next(iter(rows.values()), {}).keys()) if rows else ()
            if rows:
                counts = sync_rows(
                    spec.model, rows, key_fields=("rule_id",), value_fields=value_fields
                )
                results[spec.model._meta.model_name].add(counts)
        combined = hashlib.sha256("".join(r.sha256 for r in results.values()).encode())
        record_audit(
            actor=actor,
            action=ContributionsAudit.LOAD_RATES,
            object_type="file",
            object_id=combined.hexdigest()[:16],
            object_repr=str(data_dir),
            after={name: r.counts() for name, r in results.items()},
        )
    return results
