"""The selection rules of a programme as one SQL statement (issue 6 item 4).

One pass over the candidates considered: each eligibility check becomes a 0/1 flag, the
eligible are ranked by the priority rules, capped per village and by the capacity the target
and budget allow, and every candidate gets a decision with its first failing reason and the
full list. The same text runs on SQLite, PostgreSQL and DuckDB (the benchmark's reference), so
it sticks to CASE, EXISTS, window functions, ``||`` and ``rtrim``.
"""

# ruff: noqa: S608 - SQL built from fixed fragments; every value is a parameter

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

from lindung.core import regioncodes
from lindung.programmes.models import PriorityRule, Programme, Reason

# A quota this large never binds: stands in for "no village quota" as a plain parameter.
NO_QUOTA = 2**31 - 1


@lru_cache(maxsize=4)
def occupation_risk(path: str) -> dict[str, int]:
    """Occupation (lower case) → risk 1–5, from the deployment's table (a setting)."""
    with open(path, encoding="utf-8") as fh:
        return {row["occupation"].strip().lower(): int(row["risk"]) for row in csv.DictReader(fh)}


def risk_table() -> dict[str, int]:
    return occupation_risk(str(Path(settings.PROGRAMME_OCCUPATION_RISK_FILE)))


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` earlier (29 Feb → 28 Feb)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Rules:
    """What a run applies, frozen on the run row (``SelectionRun.rules``)."""

    programme_id: int
    considered_region: str  # the funder's region: whose candidates are looked at
    area: str
    domicile_in_area: bool
    first_month: dt.date
    last_month: dt.date
    min_age: int | None
    max_age: int | None
    occupations: tuple[str, ...]
    max_welfare_decile: int | None
    exclude_active_participants: bool
    exclude_other_programmes: bool
    priority: tuple[str, ...]
    village_quota: int | None
    capacity: int

    @classmethod
    def of(cls, programme: Programme) -> Rules:
        per_person = programme.funded_months * programme.monthly_premium
        by_budget = programme.budget // per_person if per_person else programme.target_count
        return cls(
            programme_id=programme.pk,
            considered_region=programme.funder.region_id,
            area=programme.area_id,
            domicile_in_area=programme.domicile_in_area,
            first_month=programme.start_month,
            last_month=add_months(programme.start_month, programme.funded_months - 1),
            min_age=programme.min_age,
            max_age=programme.max_age,
            occupations=tuple(
                o.strip().lower() for o in programme.occupations.split(",") if o.strip()
            ),
            max_welfare_decile=programme.max_welfare_decile,
            exclude_active_participants=programme.exclude_active_participants,
            exclude_other_programmes=programme.exclude_other_programmes,
            priority=tuple(p for p in programme.priority_rules.split(",") if p),
            village_quota=programme.village_quota,
            capacity=min(programme.target_count, by_budget),
        )

    def as_json(self) -> dict[str, Any]:
        return {
            **self.__dict__,
            "first_month": self.first_month.isoformat(),
            "last_month": self.last_month.isoformat(),
            "occupations": list(self.occupations),
            "priority": list(self.priority),
        }


def _region_filter(alias: str, code: str) -> tuple[str, list[Any]]:
    """Equalities on the denormalised level columns down to ``code``'s level."""
    pairs = [(c, v) for c, v in regioncodes.level_codes(code).items() if v]
    return " AND ".join(f"{alias}.{c} = %s" for c, _ in pairs), [v for _, v in pairs]


def _order_by(rules: Rules, risks: dict[str, int]) -> tuple[str, list[Any]]:
    """Priority rules in precedence; ties broken by NIK so a rerun gives the same list."""
    terms: list[str] = []
    params: list[Any] = []
    for rule in rules.priority:
        if rule == PriorityRule.POOREST_FIRST:
            terms.append("CASE WHEN welfare_decile IS NULL THEN 11 ELSE welfare_decile END")
        elif rule == PriorityRule.OCCUPATIONAL_RISK:
            terms.append("risk DESC")
        # PriorityRule.VILLAGE_QUOTA caps rather than orders: see the village_quota column.
    terms.append("nik")
    return ", ".join(terms), params


def _risk_case(risks: dict[str, int]) -> tuple[str, list[Any]]:
    if not risks:
        return "0", []
    whens = " ".join("WHEN %s THEN %s" for _ in risks)
    params: list[Any] = []
    for occupation, risk in sorted(risks.items()):
        params += [occupation, risk]
    return f"CASE lower(c.occupation) {whens} ELSE 0 END", params


def selection_select(rules: Rules, run_id: int) -> tuple[str, list[Any]]:
    """``SELECT run_id, candidate_id, selected, rank, reason, reasons`` for every candidate
    of the considered region, with ``%s`` parameters."""
    params: list[Any] = []
    flags: list[tuple[str, str]] = []  # (reason, SQL condition), in the order of Reason

    area_sql, area_params = _region_filter("c", rules.area)
    if rules.domicile_in_area:
        flags.append((Reason.OUTSIDE_AREA, f"NOT ({area_sql})"))
        params += area_params
    if rules.min_age is not None:
        flags.append((Reason.TOO_YOUNG, "c.birth_date > %s"))
        params.append(years_before(rules.first_month, rules.min_age))
    if rules.max_age is not None:
        flags.append((Reason.TOO_OLD, "c.birth_date <= %s"))
        params.append(years_before(rules.first_month, rules.max_age + 1))
    if rules.occupations:
        marks = ", ".join("%s" for _ in rules.occupations)
        flags.append((Reason.OCCUPATION, f"lower(c.occupation) NOT IN ({marks})"))
        params += list(rules.occupations)
    if rules.max_welfare_decile is not None:
        flags.append(
            (Reason.NOT_POOR_ENOUGH, "(c.welfare_decile IS NULL OR c.welfare_decile > %s)")
        )
        params.append(rules.max_welfare_decile)
    period_end = add_months(rules.last_month, 1)
    if rules.exclude_active_participants:
        # Any membership overlapping the funded period: paying twice for one person.
        flags.append(
            (
                Reason.ACTIVE_PARTICIPANT,
                "EXISTS (SELECT 1 FROM registry_person p JOIN registry_membership m"
                " ON m.person_id = p.id WHERE p.nik = c.nik AND m.start_date < %s"
                " AND (m.end_date IS NULL OR m.end_date > %s))",
            )
        )
        params += [period_end, rules.first_month]
    if rules.exclude_other_programmes:
        flags.append(
            (
                Reason.FUNDED_ELSEWHERE,
                "EXISTS (SELECT 1 FROM programmes_fundedmonth f WHERE f.nik = c.nik"
                " AND f.month >= %s AND f.month <= %s AND f.programme_id <> %s)",
            )
        )
        params += [rules.first_month, rules.last_month, rules.programme_id]

    risks = risk_table() if PriorityRule.OCCUPATIONAL_RISK in rules.priority else {}
    risk_sql, risk_params = _risk_case(risks)
    considered_sql, considered_params = _region_filter("c", rules.considered_region)
    flag_columns = "".join(
        f", CASE WHEN {cond} THEN 1 ELSE 0 END AS f{i}" for i, (_, cond) in enumerate(flags)
    )
    failing = " + ".join(f"f{i}" for i in range(len(flags))) or "0"
    order, order_params = _order_by(rules, risks)
    quota = rules.village_quota if rules.village_quota is not None else NO_QUOTA

    first_reason = " ".join(f"WHEN x.f{i} = 1 THEN '{r}'" for i, (r, _) in enumerate(flags))
    all_reasons = " || ".join(
        f"CASE WHEN x.f{i} = 1 THEN '{r},' ELSE '' END" for i, (r, _) in enumerate(flags)
    )
    over_quota = "r.in_village > %s"
    over_capacity = "r.rnk > %s"
    sql = f"""
WITH flagged AS (
  SELECT c.id, c.nik, c.village_id, c.welfare_decile, {risk_sql} AS risk{flag_columns}
  FROM programmes_candidate c
  WHERE {considered_sql}
),
eligible AS (
  SELECT id, nik, welfare_decile, risk,
         ROW_NUMBER() OVER (PARTITION BY village_id ORDER BY {order}) AS in_village
  FROM flagged WHERE {failing} = 0
),
ranked AS (
  SELECT id, in_village,
         ROW_NUMBER() OVER (
           ORDER BY CASE WHEN in_village <= %s THEN 0 ELSE 1 END, {order}) AS rnk
  FROM eligible
)
SELECT %s AS run_id, x.id AS candidate_id,
  CASE WHEN r.rnk IS NOT NULL AND r.in_village <= %s AND r.rnk <= %s
       THEN TRUE ELSE FALSE END AS selected,
  r.rnk AS rank,
  CASE {first_reason} WHEN {over_quota} THEN '{Reason.VILLAGE_QUOTA}'
       WHEN {over_capacity} THEN '{Reason.NO_CAPACITY}' ELSE '{Reason.SELECTED}' END AS reason,
  rtrim({all_reasons or "''"}
        || CASE WHEN {over_quota} THEN '{Reason.VILLAGE_QUOTA},' ELSE '' END
        || CASE WHEN {over_capacity} THEN '{Reason.NO_CAPACITY},' ELSE '' END, ',') AS reasons
FROM flagged x LEFT JOIN ranked r ON r.id = x.id
"""
    all_params = [
        *risk_params,
        *params,
        *considered_params,
        *order_params,
        quota,
        *order_params,
        run_id,
        quota,
        rules.capacity,
        quota,
        rules.capacity,
        quota,
        rules.capacity,
    ]
    return sql, all_params


DECISION_COLUMNS = "run_id, candidate_id, selected, rank, reason, reasons"
