"""The selection rules of a programme as one SQL statement (issue 6 item 4).

One pass over the candidates considered: each eligibility check becomes a 0/1 flag, the
eligible are ranked by the priority rules, capped per village and by the capacity the target
and budget allow, and every candidate gets a decision with its first failing reason and the
full list. The same text runs on SQLite, PostgreSQL and DuckDB (the benchmark's reference), so
it sticks to CASE, IN (subquery), window functions, ``||`` and ``rtrim``.
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
from lindung.core.months import add_months
from lindung.programmes.models import PriorityRule, Programme, Reason
from lindung.registry.models import Membership

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


def _binary(column: str, vendor: str) -> str:
    """Compare a code column byte by byte: PostgreSQL's linguistic collations are several times
    slower to sort and group, and NIKs and region codes have no language. The order is the
    same (digits and dots); SQLite and DuckDB compare bytes already."""
    return f'{column} COLLATE "C"' if vendor == "postgresql" else column


# NIKs have 16 digits and no leading zero: as integers they sort as the text does.
NIK_SPAN = 10**16
BIGINT_MAX = 2**63 - 1


def _priority_terms(rules: Rules, risks: dict[str, int]) -> list[tuple[str, int]]:
    """Each priority rule as (SQL term ascending, number of values it takes from 0)."""
    terms: list[tuple[str, int]] = []
    for rule in rules.priority:
        if rule == PriorityRule.POOREST_FIRST:  # deciles 1–10, unknown last (11)
            terms.append(("CASE WHEN welfare_decile IS NULL THEN 11 ELSE welfare_decile END", 12))
        elif rule == PriorityRule.OCCUPATIONAL_RISK:  # highest risk first
            top = max((*risks.values(), 0))
            terms.append((f"{top} - risk", top - min((*risks.values(), 0)) + 1))
        # PriorityRule.VILLAGE_QUOTA caps rather than orders: see the village_quota column.
    return terms


def _priority_key(rules: Rules, risks: dict[str, int]) -> tuple[str, int] | None:
    """The whole priority order as one BIGINT (mixed radix, the NIK last), and its span.

    Sorting one integer is several times cheaper in PostgreSQL than sorting CASE expressions
    and a cast per comparison; the order is exactly that of the terms in turn. None when the
    terms would not fit 63 bits with room for the quota flag (then see ``_order_by``)."""
    key, span = "0", 1
    for term, radix in _priority_terms(rules, risks):
        key, span = f"({key}) * {radix} + ({term})", span * radix
    if span * NIK_SPAN * 2 > BIGINT_MAX:
        return None
    return f"({key}) * {NIK_SPAN} + CAST(nik AS BIGINT)", span * NIK_SPAN


def _order_by(rules: Rules, risks: dict[str, int]) -> str:
    """Priority rules in precedence; ties broken by NIK so a rerun gives the same list."""
    terms = [term for term, _ in _priority_terms(rules, risks)]
    return ", ".join([*terms, "CAST(nik AS BIGINT)"])


def _risk_rows(risks: dict[str, int]) -> tuple[str, list[Any]]:
    """The risk table as rows of a CTE (``risks``), joined on the lower-cased occupation: one
    hash probe per eligible candidate where a CASE would compare up to every occupation."""
    rows = sorted(risks.items()) or [("", 0)]
    params: list[Any] = [v for row in rows for v in row]
    return ", ".join("(%s, %s)" for _ in rows), params


def selection_select(rules: Rules, run_id: int, vendor: str) -> tuple[str, list[Any]]:
    """``SELECT run_id, candidate_id, selected, rank, reason, reasons`` for every candidate
    of the considered region, with ``%s`` parameters, for ``vendor`` ("sqlite",
    "postgresql" or "duckdb"). ``flagged`` is materialised so that each check is evaluated
    once per candidate, not again wherever a later step reads it."""
    params: list[Any] = []
    flags: list[tuple[str, str]] = []  # (reason, SQL condition), in the order of Reason
    # Set lookups as LEFT JOINs on a distinct NIK list: each list is built once and hashed,
    # where IN or EXISTS in the select list may be re-evaluated or looked up row by row.
    joins: list[str] = []
    join_params: list[Any] = []

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
        # Any membership overlapping the funded period: paying twice for one person. Only
        # candidates linked to a registry person (programmes.services.links; about one in seven in
        # the demo) have memberships to look at.
        # Only the considered region's linked candidates: a national registry holds 38
        # provinces' candidates, and their memberships are not this selection's to read.
        flags.append((Reason.ACTIVE_PARTICIPANT, "act.person_id IS NOT NULL"))
        linked_sql, linked_params = _region_filter("k", rules.considered_region)
        joins.append(
            f"LEFT JOIN (SELECT DISTINCT m.person_id FROM {Membership._meta.db_table} m"
            " WHERE m.start_date < %s AND (m.end_date IS NULL OR m.end_date > %s)"
            " AND m.person_id IN (SELECT k.person_id FROM programmes_candidate k"
            f" WHERE k.person_id IS NOT NULL AND {linked_sql})) act"
            " ON act.person_id = c.person_id"
        )
        join_params += [period_end, rules.first_month, *linked_params]
    if rules.exclude_other_programmes:
        flags.append((Reason.FUNDED_ELSEWHERE, "fun.nik IS NOT NULL"))
        joins.append(
            "LEFT JOIN (SELECT DISTINCT f.nik FROM programmes_fundedmonth f"
            " WHERE f.month >= %s AND f.month <= %s AND f.programme_id <> %s) fun"
            " ON fun.nik = c.nik"
        )
        join_params += [rules.first_month, rules.last_month, rules.programme_id]

    risks = risk_table() if PriorityRule.OCCUPATIONAL_RISK in rules.priority else {}
    risk_rows, risk_params = _risk_rows(risks)
    considered_sql, considered_params = _region_filter("c", rules.considered_region)
    flag_columns = "".join(
        f", CASE WHEN {cond} THEN 1 ELSE 0 END AS f{i}" for i, (_, cond) in enumerate(flags)
    )
    failing = " + ".join(f"f{i}" for i in range(len(flags))) or "0"
    packed = _priority_key(rules, risks)
    if packed is not None:
        key, span = packed
        prio, in_village_order = key, "prio"
        rank_order = f"CASE WHEN in_village <= %s THEN prio ELSE prio + {span} END"
    else:
        prio, in_village_order = "0", _order_by(rules, risks)
        rank_order = f"CASE WHEN in_village <= %s THEN 0 ELSE 1 END, {in_village_order}"
    quota = rules.village_quota if rules.village_quota is not None else NO_QUOTA

    first_reason = " ".join(f"WHEN f{i} = 1 THEN '{r}'" for i, (r, _) in enumerate(flags))
    all_reasons = " || ".join(
        f"CASE WHEN f{i} = 1 THEN '{r},' ELSE '' END" for i, (r, _) in enumerate(flags)
    )
    # The eligible are ranked (two window functions over them alone); the ineligible are
    # appended with their reasons: no self-join, and no sorting of rows that need no rank.
    sql = f"""
WITH risks (occupation, risk) AS (VALUES {risk_rows}),
flagged AS MATERIALIZED (
  SELECT c.id, c.nik, c.village_id, c.welfare_decile, c.occupation{flag_columns}
  FROM programmes_candidate c {" ".join(joins)}
  WHERE {considered_sql}
),
scored AS (
  SELECT f.id, f.nik, f.village_id, f.welfare_decile, coalesce(r.risk, 0) AS risk
  FROM flagged f LEFT JOIN risks r ON r.occupation = lower(f.occupation)
  WHERE {failing} = 0
),
keyed AS (
  SELECT id, nik, village_id, welfare_decile, risk, {prio} AS prio FROM scored
),
eligible AS (
  SELECT id, nik, welfare_decile, risk, prio, ROW_NUMBER() OVER (
           PARTITION BY {_binary("village_id", vendor)} ORDER BY {in_village_order}
         ) AS in_village
  FROM keyed
),
ranked AS (
  SELECT id, in_village, ROW_NUMBER() OVER (ORDER BY {rank_order}) AS rnk
  FROM eligible
)
SELECT %s AS run_id, id AS candidate_id,
  CASE WHEN in_village <= %s AND rnk <= %s THEN TRUE ELSE FALSE END AS selected,
  rnk AS rank,
  CASE WHEN in_village > %s THEN '{Reason.VILLAGE_QUOTA}'
       WHEN rnk > %s THEN '{Reason.NO_CAPACITY}' ELSE '{Reason.SELECTED}' END AS reason,
  CASE WHEN in_village > %s THEN '{Reason.VILLAGE_QUOTA}'
       WHEN rnk > %s THEN '{Reason.NO_CAPACITY}' ELSE '' END AS reasons
FROM ranked
UNION ALL
SELECT %s, id, FALSE, NULL, CASE {first_reason or "WHEN 1 = 0 THEN ''"} END,
       rtrim({all_reasons or "''"}, ',')
FROM flagged WHERE {failing} > 0
"""
    all_params = [
        *risk_params,
        *params,
        *join_params,
        *considered_params,
        quota,
        run_id,
        quota,
        rules.capacity,
        quota,
        rules.capacity,
        quota,
        rules.capacity,
        run_id,
    ]
    return sql, all_params


DECISION_COLUMNS = "run_id, candidate_id, selected, rank, reason, reasons"
