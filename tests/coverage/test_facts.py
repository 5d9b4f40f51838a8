"""Month-end facts against a plain-Python oracle (issue 4 §2): the set-based refresh, the per-day
live count and the consistency check must all agree with the rules, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from contextlib import contextmanager

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lindung.core.ages import age_band_of
from lindung.core.months import month_ends
from lindung.coverage import dimensions
from lindung.coverage.check import check_month
from lindung.coverage.dimensions import COUNT_COLUMNS
from lindung.coverage.facts import live_counts, refresh_months
from lindung.coverage.models import CoverageFact, CoverageMonth
from tests.conftest import TREE
from tests.coverage.factories import (
    age_band,
    covered_persons,
    fact_table,
    make_employer,
    make_membership,
    make_person,
    oracle,
    random_world,
    snapshot,
)

pytestmark = pytest.mark.engine

D = dt.date
FIRST, LAST = D(2023, 12, 31), D(2025, 3, 31)  # includes 29 Feb 2024 and 28 Feb 2025
MONTHS = month_ends(FIRST, LAST)
# Days for the live count: month-ends, firsts, the day before a leap day, and after a 29 Feb.
LIVE_DAYS = (D(2024, 1, 1), D(2024, 2, 28), D(2024, 2, 29), D(2024, 7, 15), D(2024, 12, 31),
             D(2025, 2, 27), D(2025, 2, 28), D(2025, 3, 1), D(2025, 3, 31))  # fmt: skip


# Twenty random worlds a property; each builds its rows in a rolled-back transaction.
RANDOM_WORLDS = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class _Rollback(Exception):
    pass


@contextmanager
def rolled_back():
    """One hypothesis example's rows live in a transaction that is always undone."""
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


def full(counts: Counter) -> dict[str, int]:
    return {c: counts.get(c, 0) for c in ("covered", *COUNT_COLUMNS)}


def assert_facts_match_oracle(world, months) -> None:
    for day in months:
        expected = {code: c for code, c in oracle(world, day).items() if c["covered"]}
        assert fact_table(day) == expected, day
        state = CoverageMonth.objects.get(month=day)
        assert not state.stale and state.fact_rows == len(expected), day
        assert state.covered == covered_persons(world, day), day
        assert check_month(day) == [], day


@pytest.mark.django_db
@RANDOM_WORLDS
@given(seed=st.integers(0, 2**32 - 1))
def test_facts_live_counts_and_check_agree_with_the_oracle(region_tree, seed: int) -> None:
    rng = random.Random(seed)
    with rolled_back():
        random_world(rng, region_tree, FIRST, LAST)
        world = snapshot()
        done = refresh_months(MONTHS)
        assert [s.month for s in done] == MONTHS
        assert_facts_match_oracle(world, MONTHS)
        for day in rng.sample(LIVE_DAYS, 4):
            expected = oracle(world, day)
            for code in rng.sample(sorted(TREE), 4):
                assert live_counts(day, code) == full(expected.get(code, Counter())), (day, code)


# --- The rules, one by one ---------------------------------------------------------------------


@pytest.fixture
def village(region_tree):
    return region_tree["18.71.01.1003"]


def facts_of(day: dt.date, code: str) -> dict[str, int]:
    fact = CoverageFact.objects.get(month=day, region_id=code)
    return {"covered": fact.covered, **{k: v for k, v in fact.counts().items() if v}}


def test_a_person_counts_once_under_the_primary_membership(region_tree, village) -> None:
    farm, shop = make_employer(village, "01111"), make_employer(village, "47111")
    # BPU started first, PU later: PU is primary while both run.
    a = make_person(village, "F", D(1990, 5, 5))
    make_membership(a, D(2023, 1, 1), segment="BPU", funding="self")
    make_membership(a, D(2024, 2, 1), D(2024, 4, 1), segment="PU", employer=shop)
    # Two PU memberships: the earlier start is primary, same start → the lower id.
    b = make_person(village, "M", D(1990, 5, 5))
    make_membership(b, D(2024, 1, 10), segment="PU", employer=shop, funding="employer")
    make_membership(b, D(2023, 6, 1), segment="PU", employer=farm, funding="programme")
    c = make_person(village, "M", D(1990, 5, 5))
    make_membership(c, D(2024, 1, 1), segment="JAKON", employer=farm, funding="employer")
    make_membership(c, D(2024, 1, 1), segment="JAKON", employer=None, funding="self")
    make_membership(c, D(2023, 1, 1), segment="PMI", funding="self")
    refresh_months(month_ends(D(2024, 1, 1), D(2024, 4, 1)))

    base = {"covered": 3, "sex_f": 1, "sex_m": 2, "age_25_34": 3}
    assert facts_of(D(2024, 1, 31), village.code) == {
        **base, "segment_bpu": 1, "segment_pu": 1, "segment_jakon": 1,
        "sector_a": 2, "sector_none": 1, "funding_self": 1, "funding_programme": 1,
        "funding_employer": 1,
    }  # fmt: skip
    assert facts_of(D(2024, 3, 31), village.code) == {
        **base, "segment_pu": 2, "segment_jakon": 1, "sector_g": 1, "sector_a": 2,
        "funding_employer": 2, "funding_programme": 1,
    }  # fmt: skip
    assert facts_of(D(2024, 4, 30), "18") == facts_of(D(2024, 1, 31), "18")  # PU ended on 1 Apr


def test_interval_edges_regions_of_the_person_and_empty_rows(region_tree, village) -> None:
    metro = region_tree["18.72.01.1001"]
    p = make_person(village)
    make_membership(p, D(2024, 1, 31), D(2024, 2, 29), work_region=metro)  # Jan only
    q = make_person(region_tree["18.71"])  # a regency code only
    make_membership(q, D(2024, 3, 1), D(2024, 4, 1))  # March only (ends on the 1st)
    r = make_person(village)
    make_membership(r, D(2024, 5, 2), D(2024, 5, 31))  # inside May, never at a month-end
    refresh_months(month_ends(D(2024, 1, 1), D(2024, 6, 1)))

    rows = set(CoverageFact.objects.values_list("month", "region_id", "covered"))
    jan, mar = D(2024, 1, 31), D(2024, 3, 31)
    assert rows == {
        *((jan, code, 1) for code in ("18", "18.71", "18.71.01", "18.71.01.1003")),
        (mar, "18", 1),
        (mar, "18.71", 1),
    }  # the work region (Metro) never counts; February, May and June store nothing
    assert CoverageMonth.objects.filter(stale=False).count() == 6
    assert live_counts(D(2024, 2, 28), "18.71")["covered"] == 1  # ends 29 Feb: active on 28th
    assert live_counts(D(2024, 2, 29), "18.71")["covered"] == 0
    assert live_counts(D(2024, 5, 2), "18.71.01.1003")["covered"] == 1


def test_leap_day_births_change_band_on_28_february(region_tree, village) -> None:
    p = make_person(village, birth=D(2000, 2, 29))
    make_membership(p, D(2024, 1, 1))
    refresh_months(month_ends(D(2025, 1, 1), D(2025, 3, 1)))
    assert facts_of(D(2025, 1, 31), "18")["age_under_25"] == 1
    assert facts_of(D(2025, 2, 28), "18")["age_25_34"] == 1  # month-end: birthday month passed
    assert live_counts(D(2025, 2, 27), "18")["age_under_25"] == 1
    assert live_counts(D(2025, 3, 1), "18")["age_25_34"] == 1
    assert age_band_of(D(2000, 2, 29), D(2025, 2, 28)) == "25_34"
    assert age_band(D(2000, 2, 29), D(2025, 2, 28)) == "25_34"  # the oracle agrees


@pytest.mark.parametrize("kbli", ["3", "5", "7", "1A234"])
def test_short_kbli_codes_have_no_sector(region_tree, village, kbli: str) -> None:
    assert dimensions.sector_of(kbli) == "none"
    p = make_person(village)
    make_membership(p, D(2024, 1, 1), employer=make_employer(village, kbli))
    refresh_months([D(2024, 1, 31)])
    assert CoverageFact.objects.get(month=D(2024, 1, 31), region_id="18").sector_none == 1
    assert live_counts(D(2024, 1, 15), "18")["sector_none"] == 1


@pytest.mark.django_db
@RANDOM_WORLDS
@given(seed=st.integers(0, 2**32 - 1))
def test_a_few_months_stepped_from_the_month_before_equal_the_oracle(
    region_tree, seed: int
) -> None:
    """After a full refresh, memberships that start or end from month k on (new persons, new
    memberships of known persons, open ones ended) change only months k…; refreshing those
    (at most 12) steps from month k - 1 (coverage.steps) and must give the oracle's counts."""
    from lindung.coverage import steps
    from lindung.coverage.facts import mark_stale
    from lindung.registry.models import Membership, Person

    rng = random.Random(seed)
    with rolled_back():
        random_world(rng, region_tree, FIRST, LAST)
        refresh_months(MONTHS)
        counted = Membership.objects.order_by("-id").values_list("id", flat=True).first() or 0
        k = rng.randint(len(MONTHS) - steps.MAX_STEP_MONTHS, len(MONTHS) - 1)
        cutoff = MONTHS[k - 1] + dt.timedelta(days=1)  # the first day of month k
        # New persons from month k on (random_world draws from two months before its start).
        random_world(rng, region_tree, cutoff + dt.timedelta(days=75), LAST)
        assert not Membership.objects.filter(start_date__lt=cutoff, id__gt=counted)
        known = list(Person.objects.order_by("id")[:3])
        for person in known:  # new memberships of persons counted before
            make_membership(person, cutoff + dt.timedelta(days=rng.randint(0, 40)))
        for m in Membership.objects.filter(end_date=None, start_date__lt=cutoff)[:3]:
            m.end_date = cutoff + dt.timedelta(days=rng.randint(0, 60))
            m.save()
        world = snapshot()
        mark_stale(MONTHS[k:])
        assert refresh_months(MONTHS[k:])
        assert_facts_match_oracle(world, MONTHS)


@pytest.mark.django_db
def test_a_forced_refresh_recounts_instead_of_stepping(region_tree, village) -> None:
    """The month close (``refresh(force=True)``) recounts the month from the registry, so a
    previous month's facts that drifted from it (a change outside an import) do not carry on;
    a refresh after an import steps from them."""
    from lindung.coverage.facts import mark_stale
    from lindung.coverage.services import refresh

    make_membership(make_person(village), D(2024, 1, 10))
    refresh_months(MONTHS)
    day, before = MONTHS[5], MONTHS[4]
    CoverageFact.objects.filter(month=before, region_id=village.code).update(covered=7)
    refresh(months=[day], force=True)
    assert facts_of(day, village.code)["covered"] == 1
    mark_stale([day])
    refresh(months=[day])  # steps from the drifted month
    assert facts_of(day, village.code)["covered"] == 7
