"""Contribution rules in words: what a rule id (``BPU-JKK``, ``BPU-INCOME-MIN``) means to a
person — "Work accident (JKK): 1,00 % of the wage or declared income" — with its legal basis.

Pages that show which rules priced something (a programme's premium, a bill's lines) call
:func:`describe_rules` instead of printing the ids; the id stays available (``rule_id``) for a
tooltip or an export. One query per rule table that holds one of the ids.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Model
from django.utils.translation import gettext as _

from lindung.contributions.models import (
    BpuIncomeBracket,
    Discount,
    FlatAmount,
    Holiday,
    JakonBracket,
    JpWageCap,
    PaymentRule,
    Programme,
    ProgrammeRate,
)
from lindung.core.numbers import percent_label, rupiah_text
from lindung.regions.models import Confidence

RULE_TABLES: tuple[type[Model], ...] = (
    ProgrammeRate,
    BpuIncomeBracket,
    FlatAmount,
    JpWageCap,
    JakonBracket,
    Discount,
    PaymentRule,
    Holiday,
)


@dataclass(frozen=True)
class RuleText:
    rule_id: str
    text: str  # the rule in words, in the active language
    legal_basis: str
    unconfirmed: bool


def _programmes(codes: str) -> str:
    labels = dict(Programme.choices)
    parts = [p.strip() for p in codes.replace("+", ",").split(",") if p.strip()]
    return ", ".join(str(labels.get(p, p)) for p in parts)


def _text(rule: Model) -> str:
    if isinstance(rule, ProgrammeRate):
        return _("%(programme)s: %(rate)s of the wage or declared income") % {
            "programme": rule.get_programme_display(),
            "rate": percent_label(rule.rate_percent),
        }
    if isinstance(rule, BpuIncomeBracket):
        return _("Declared income %(amount)s a month") % {
            "amount": rupiah_text(rule.nominal_income)
        }
    if isinstance(rule, FlatAmount):
        return _("%(programmes)s: %(amount)s a month") % {
            "programmes": _programmes(rule.programmes),
            "amount": rupiah_text(rule.amount),
        }
    if isinstance(rule, JpWageCap):
        return _("Pension (JP) wage cap %(amount)s") % {"amount": rupiah_text(rule.cap)}
    if isinstance(rule, JakonBracket):
        return _("%(programme)s for construction: %(rate)s of the contract value") % {
            "programme": rule.get_programme_display(),
            "rate": percent_label(rule.rate_percent),
        }
    if isinstance(rule, Discount):
        return _("%(kind)s %(percent)s (%(regulation)s)") % {
            "kind": rule.get_kind_display(),
            "percent": percent_label(rule.percent_off),
            "regulation": rule.regulation,
        }
    if isinstance(rule, PaymentRule):
        return str(rule.get_kind_display())
    if isinstance(rule, Holiday):
        return rule.name
    return str(rule)


def describe_rules(rule_ids: Iterable[str] | str) -> list[RuleText]:
    """The rules named by ``rule_ids`` (a list or comma-separated text) in words, in the order
    given; an id found in no table is kept as it is (never dropped silently)."""
    if isinstance(rule_ids, str):
        rule_ids = rule_ids.split(",")
    wanted = list(dict.fromkeys(r.strip() for r in rule_ids if r and r.strip()))
    found: dict[str, RuleText] = {}
    missing = set(wanted)
    for table in RULE_TABLES:
        if not missing:
            break
        for rule in table.objects.filter(rule_id__in=missing):  # type: ignore[attr-defined]
            found[rule.rule_id] = RuleText(
                rule_id=rule.rule_id,
                text=_text(rule),
                legal_basis=rule.legal_basis,
                unconfirmed=rule.confidence != Confidence.CONFIRMED,
            )
        missing -= set(found)
    return [found.get(r) or RuleText(r, r, "", True) for r in wanted]
