"""Membership histories 2021–2025 for one synthetic person (active on a date: docs/domain.md §7.1).

Dates are day ordinals (``date.toordinal()``) while generating: cheap to compare and add. Every
interval has ``start < end``; a person's intervals start on strictly increasing days, so one KPJ
per person keeps ``(kpj, start_date)`` unique.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from dataclasses import dataclass
from functools import cache

from lindung.demo.plan import REFERENCE_DAY


def day_number(year: int, month: int, day: int) -> int:
    """The date as a day ordinal."""
    return dt.date(year, month, day).toordinal()


R = REFERENCE_DAY.toordinal()
JAN_2021, JAN_2022, JAN_2023, JAN_2024 = (day_number(y, 1, 1) for y in (2021, 2022, 2023, 2024))
LAST_DAY = day_number(2025, 12, 31)  # the data's "today": no end date after it is known yet
PU_REASONS = (
    "mengundurkan diri / resigned",
    "kontrak selesai / contract ended",
    "PHK / laid off",
    "pindah kerja / changed job",
)
RETIRED = "pensiun / retired"
LAPSED = "menunggak 3 bulan / 3 months unpaid"
PROJECT_DONE = "proyek selesai / project finished"
# What a person is on 2023-12-31 (or was / will be): DUAL = PU and BPU at once.
PU, DUAL, BPU, JAKON = 0, 1, 2, 3
SEGMENTS = {PU: "PU", DUAL: "PU", BPU: "BPU", JAKON: "JAKON"}


@cache
def first_of_month(index: int) -> int:
    """Ordinal of the first day of month ``index`` (year × 12 + month − 1)."""
    return day_number(index // 12, index % 12 + 1, 1)


def month_of(ordinal: int) -> int:
    day = dt.date.fromordinal(ordinal)
    return day.year * 12 + day.month - 1


@dataclass
class EmployerDraft:
    id: int
    section: str  # KBLI section letter
    village: str
    registered: int  # ordinal
    weight: float  # relative size: bigger employers get more workers


class Pool:
    """Employers to draw from, in proportion to their weight."""

    def __init__(self, items: list[EmployerDraft]) -> None:
        self.items = items
        self.cum = list(itertools.accumulate(e.weight for e in items))

    def pick(self, rng: random.Random) -> EmployerDraft:
        i = bisect.bisect_right(self.cum, rng.random() * self.cum[-1])
        return self.items[min(i, len(self.items) - 1)]


@dataclass
class Interval:
    segment: str
    employer: EmployerDraft | None
    start: int
    end: int | None
    reason: str = ""

    def covers(self, day: int) -> bool:
        """Active on ``day``: the same rule as ``registry.selectors.active_on``."""
        return self.start <= day and (self.end is None or day < self.end)


class Histories:
    """Draws intervals with the builder's random generator, from its employer pools
    (per regency: ``pu`` active non-construction, ``jakon`` active construction, and of any
    status ``construction`` and ``any``)."""

    def __init__(
        self, rng: random.Random, pools: dict[str, dict[str, Pool]], regencies: list[str]
    ) -> None:
        self.rng, self.pools, self.regencies = rng, pools, regencies

    def uniform(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi) if hi > lo else lo

    def past_employer(self, regency: str, pool: str = "any") -> EmployerDraft:
        """An earlier job (any status): mostly in the same regency, sometimes in another one."""
        if self.rng.random() < 0.05:
            regency = self.rng.choice(self.regencies)
        return self.pools[regency][pool].pick(self.rng)

    def pu_reason(self, age: int) -> str:
        return RETIRED if age >= 56 and self.rng.random() < 0.5 else self.rng.choice(PU_REASONS[:3])

    def bpu_lapse(self, start: int, not_before: int, extra_months: int) -> int | None:
        """End of a BPU interval that lapsed: paid months, then 3 unpaid months, then it ends on
        the first of the next month. None when that falls after the data's last day (still open).
        """
        first = month_of(start)
        target = month_of(not_before) + (first_of_month(month_of(not_before)) < not_before)
        paid = max(1, target - first - 3) + self.rng.randint(0, extra_months)
        end = first_of_month(first + paid + 3)
        return end if end <= LAST_DAY else None

    def active_intervals(self, regency: str, label: int, b15: int, age: int, edge: int) -> list:
        """Intervals of a person active on 2023-12-31 (label PU, DUAL, BPU or JAKON).

        ``edge`` 1 starts the current interval on the day itself, 2 ends it the day after: both
        are active on 2023-12-31 and pin the boundaries of the definition.
        """
        rng, out = self.rng, []
        if label in (PU, DUAL):
            employer = self.pools[regency]["pu"].pick(rng)
            start = (
                R if edge == 1 else max(R - int(rng.expovariate(1 / 900)), day_number(2010, 1, 1))
            )
            if edge != 1 and rng.random() < 0.3:  # changed jobs since 2021
                prev = self.past_employer(regency)
                p_start = self.uniform(max(JAN_2021, b15, prev.registered), day_number(2023, 6, 30))
                if p_start + 90 <= R - 30:
                    p_end = self.uniform(p_start + 90, min(p_start + 900, R - 30))
                    out.append(Interval("PU", prev, p_start, p_end, PU_REASONS[3]))
                    start = p_end + rng.randint(0, min(60, R - p_end))
            start = max(start, b15, employer.registered, out[-1].end if out else 0)
            end, reason = None, ""
            if edge == 2:
                end, reason = R + 1, PU_REASONS[0]
            elif rng.random() < 0.12:
                end, reason = self.uniform(JAN_2024, day_number(2025, 11, 30)), self.pu_reason(age)
            out.append(Interval("PU", employer, start, end, reason))
            if label == DUAL:  # self-paid BPU at the same time: the person still counts once
                b_start = self.uniform(max(JAN_2022, b15), R)
                b_end = self.bpu_lapse(b_start, JAN_2024, 23) if rng.random() < 0.3 else None
                out.append(Interval("BPU", None, b_start, b_end, LAPSED if b_end else ""))
        elif label == BPU:
            start = R if edge == 1 else self.uniform(max(day_number(2019, 1, 1), b15), R)
            if edge != 1 and rng.random() < 0.2:  # lapsed before, registered again
                p_start = self.uniform(max(JAN_2021, b15), day_number(2023, 3, 1))
                p_end = self.bpu_lapse(p_start, p_start + 1, 14)
                if p_end is not None and p_start < p_end < R - 15:
                    out.append(Interval("BPU", None, p_start, p_end, LAPSED))
                    start = self.uniform(p_end, R)
            if edge == 2:
                end = R + 1
            else:
                end = self.bpu_lapse(start, JAN_2024, 23) if rng.random() < 0.3 else None
            out.append(Interval("BPU", None, start, end, LAPSED if end else ""))
        else:  # construction: one project at a time, each with its planned end
            employer = self.pools[regency]["jakon"].pick(rng)
            lo = max(R - 540, b15, employer.registered)
            start = R if edge == 1 else self.uniform(lo, R)
            if edge != 1 and rng.random() < 0.4 and start - 1 > JAN_2021 + 120:
                prev = self.past_employer(regency, "construction")
                p_end = self.uniform(JAN_2021 + 120, start - 1)
                p_start = max(p_end - rng.randint(60, 400), b15, prev.registered)
                if p_end > p_start:
                    out.append(Interval("JAKON", prev, p_start, p_end, PROJECT_DONE))
            end = R + 1 if edge == 2 else self.uniform(R + 1, R + 540)
            out.append(Interval("JAKON", employer, start, end, PROJECT_DONE))
        return out

    def ended_intervals(self, regency: str, label: int, b15: int, age: int, edge: int) -> list:
        """Intervals of a former member, all ended on or before 2023-12-31 (``edge`` 1: the
        latest ends on 2023-12-31 itself, so it is not active that day)."""
        rng, out, end = self.rng, [], R
        for n in range(2 if rng.random() < 0.25 else 1):
            employer = None
            if label == BPU and edge != 1:
                lo = b15
            elif label == JAKON:
                employer = self.past_employer(regency, "construction")
                lo = max(b15, employer.registered)
            else:
                employer = self.past_employer(regency)
                lo = max(b15, employer.registered)
            if n == 0:
                end = R if edge == 1 else self.uniform(max(JAN_2021, lo + 60), R)
            elif end < max(JAN_2021, lo + 30):
                break
            if employer is None:  # BPU: lapsed, so it ends on the first of a month
                months = rng.randint(1, 24)
                start = first_of_month(month_of(end) - 3 - months) + rng.randint(0, 27)
                end = first_of_month(month_of(end))
                start, reason = max(start, lo), LAPSED
            else:
                length = rng.randint(60, 540) if label == JAKON else rng.randint(90, 1800)
                start = max(end - length, lo)
                reason = PROJECT_DONE if label == JAKON else self.pu_reason(age)
            if start >= end:
                break
            segment = "BPU" if employer is None else ("JAKON" if label == JAKON else "PU")
            out.append(Interval(segment, employer, start, end, reason))
            end = start - rng.randint(0, 180)
        out.reverse()
        return out

    def joiner_intervals(self, regency: str, label: int, age: int, edge: int) -> list:
        """A first membership after 2023-12-31 (``edge`` 1: on 2024-01-01 itself)."""
        rng = self.rng
        start = JAN_2024 if edge == 1 else self.uniform(JAN_2024, day_number(2025, 10, 31))
        if label == BPU:
            end = self.bpu_lapse(start, start + 1, 12) if rng.random() < 0.25 else None
            return [Interval("BPU", None, start, end, LAPSED if end else "")]
        if label == JAKON:
            employer = self.pools[regency]["jakon"].pick(rng)
            return [Interval("JAKON", employer, start, start + rng.randint(60, 400), PROJECT_DONE)]
        employer = self.pools[regency]["pu"].pick(rng)
        end, reason = None, ""
        if rng.random() < 0.15 and start + 60 < LAST_DAY:
            end, reason = self.uniform(start + 60, LAST_DAY), self.pu_reason(age)
        return [Interval("PU", employer, start, end, reason)]
