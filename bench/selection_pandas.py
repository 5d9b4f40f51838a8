"""The selection rules of ``programmes.selection_sql`` written again in pandas, for
bench/selection.py: a second reference engine, which the issue names next to DuckDB.

It reads the same exported tables and must reach the same decision for every candidate.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from lindung.core import regioncodes
from lindung.core.months import add_months
from lindung.programmes.models import PriorityRule, Reason
from lindung.programmes.selection_sql import NO_QUOTA, Rules, years_before

Spec = dict[str, tuple[tuple[str, str], ...]]
DTYPES = {"BIGINT": "Int64", "INTEGER": "Int64", "VARCHAR": "string", "DATE": "string"}


def load(folder: Path, spec: Spec) -> dict[str, pd.DataFrame]:
    """The exported CSV files as data frames (dates as numpy datetimes)."""
    frames = {}
    for table, columns in spec.items():
        frame = pd.read_csv(
            folder / f"{table}.csv", header=None, names=[c for c, _ in columns],
            dtype={c: DTYPES[t] for c, t in columns}, na_values=[r"\N"], keep_default_na=False,
        )  # fmt: skip
        for column, kind in columns:
            if kind == "DATE":
                frame[column] = pd.to_datetime(frame[column])
        frames[table] = frame
    return frames


def _day(value: dt.date) -> np.datetime64:
    return np.datetime64(value.isoformat())


def _in_region(frame: pd.DataFrame, code: str) -> pd.Series:
    inside = pd.Series(True, index=frame.index)
    for column, value in regioncodes.level_codes(code).items():
        if value:
            inside &= frame[column] == value
    return inside


def select(frames: dict[str, pd.DataFrame], rules: Rules, risks: dict[str, int]) -> pd.DataFrame:
    """Candidate id, selected, rank, reason and reasons of every candidate considered."""
    c = frames["programmes_candidate"]
    c = c[_in_region(c, rules.considered_region)]
    flags: list[tuple[str, pd.Series]] = []
    if rules.domicile_in_area:
        flags.append((Reason.OUTSIDE_AREA, ~_in_region(c, rules.area)))
    if rules.min_age is not None:
        flags.append(
            (Reason.TOO_YOUNG, c.birth_date > _day(years_before(rules.first_month, rules.min_age)))
        )
    if rules.max_age is not None:
        oldest = _day(years_before(rules.first_month, rules.max_age + 1))
        flags.append((Reason.TOO_OLD, c.birth_date <= oldest))
    occupation = c.occupation.fillna("").str.lower()
    if rules.occupations:
        flags.append((Reason.OCCUPATION, ~occupation.isin(rules.occupations)))
    if rules.max_welfare_decile is not None:
        decile = c.welfare_decile
        flags.append((Reason.NOT_POOR_ENOUGH, (decile.isna() | (decile > rules.max_welfare_decile))
                      .fillna(True).astype(bool)))  # fmt: skip
    if rules.exclude_active_participants:
        m = frames["registry_membership"]
        end = _day(add_months(rules.last_month, 1))
        overlapping = m[(m.start_date < end) & (m.end_date.isna() | (m.end_date > _day(
            rules.first_month)))]  # fmt: skip
        active = c.person_id.isin(overlapping.person_id.unique())
        flags.append((Reason.ACTIVE_PARTICIPANT, active.fillna(False).astype(bool)))
    if rules.exclude_other_programmes:
        f = frames["programmes_fundedmonth"]
        f = f[(f.month >= _day(rules.first_month)) & (f.month <= _day(rules.last_month))
              & (f.programme_id != rules.programme_id)]  # fmt: skip
        flags.append((Reason.FUNDED_ELSEWHERE, c.nik.isin(f.nik.unique())))

    failing = pd.Series(False, index=c.index)
    reasons = pd.Series("", index=c.index, dtype="object")
    first = pd.Series("", index=c.index, dtype="object")
    for reason, flag in flags:
        flag = flag.to_numpy(dtype=bool)
        first = first.where(failing | ~flag, str(reason))
        reasons = reasons.where(~flag, reasons + f"{reason},")
        failing |= flag
    out = pd.DataFrame({"id": c.id, "selected": False, "rank": pd.NA,
                        "reason": first, "reasons": reasons.str.rstrip(",")})  # fmt: skip

    eligible = c[~failing.to_numpy()].copy()
    keys: list[str] = []
    for rule in rules.priority:
        if rule == PriorityRule.POOREST_FIRST:
            eligible["k_decile"] = eligible.welfare_decile.fillna(11)
            keys.append("k_decile")
        elif rule == PriorityRule.OCCUPATIONAL_RISK:
            lowered = eligible.occupation.fillna("").str.lower()
            eligible["k_risk"] = -lowered.map(risks).fillna(0)
            keys.append("k_risk")
    eligible["k_nik"] = eligible.nik.astype("int64")
    keys.append("k_nik")
    eligible = eligible.sort_values(keys, kind="stable")
    eligible["in_village"] = eligible.groupby("village_id", sort=False).cumcount() + 1
    quota = rules.village_quota if rules.village_quota is not None else NO_QUOTA
    eligible["over"] = eligible.in_village > quota
    eligible = eligible.sort_values(["over", *keys], kind="stable")
    eligible["rank"] = np.arange(1, len(eligible) + 1)
    capacity = eligible["rank"] > rules.capacity
    reason = np.where(
        eligible.over,
        str(Reason.VILLAGE_QUOTA),
        np.where(capacity, str(Reason.NO_CAPACITY), str(Reason.SELECTED)),
    )
    ranked = pd.DataFrame(
        {
            "id": eligible.id,
            "selected": ~eligible.over & ~capacity,
            "rank": eligible["rank"],
            "reason": reason,
            "reasons": np.where(reason == str(Reason.SELECTED), "", reason),
        }
    )
    return pd.concat([ranked, out[failing.to_numpy()]], ignore_index=True)


def rows_of(decisions: pd.DataFrame) -> set[tuple]:
    """The decisions as the benchmark compares them with the database's."""
    return {
        (int(cid), bool(sel), None if pd.isna(rank) else int(rank), why, all_)
        for cid, sel, rank, why, all_ in decisions.itertuples(index=False)
    }
