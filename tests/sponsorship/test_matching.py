"""Matching: no double funding with government programmes, budgets and radii respected,
the optimum at least as good as greedy, acceptance reserves months like approve_run."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from lindung.programmes.models import Enrolment, FundedMonth
from lindung.programmes.services.plans import move
from lindung.programmes.services.selection import approve_run, run_selection
from lindung.sponsorship.matching import accept_run, run_matching
from lindung.sponsorship.models import Assignment, MatchStatus, PledgeStatus
from lindung.sponsorship.services import SponsorshipError
from lindung.sponsorship.solver import (
    CandidateRow,
    PledgeSpec,
    build_network,
    lp_lower_bound,
    solve_greedy,
    solve_optimal,
)
from tests.programmes.factories import make_programme
from tests.sponsorship.factories import candidates, make_pledge, make_sponsor, place

pytestmark = [pytest.mark.usefixtures("rates"), pytest.mark.engine]

NEAR, FAR = "18.71.01.1003", "18.71.01.1004"


@pytest.fixture
def map_(region_tree):
    place(NEAR, -5.40, 105.25)
    place(FAR, -5.40, 105.52)  # about 30 km east
    return region_tree


def test_radius_and_worker_count_respected(map_):
    regions = map_
    candidates(regions[NEAR], 3, welfare_decile=3)
    candidates(regions[FAR], 5, start=7100, welfare_decile=1)
    _s, site = make_sponsor(regions["18.71"], regions[NEAR], lat=-5.40, lng=105.25)
    pledge = make_pledge(site, worker_count=4, radius_km=10.0)
    run = run_matching(actor=None, region=regions["18.71"])
    rows = list(Assignment.objects.filter(run=run))
    assert len(rows) == 3  # only the 3 within 10 km, though the 5 far ones are poorer
    assert all(r.distance_km <= 10 for r in rows)
    assert run.unfilled == 1
    assert {r.pledge_id for r in rows} == {pledge.pk}


def test_budget_caps_workers_and_poorest_first(map_):
    regions = map_
    candidates(regions[NEAR], 4, welfare_decile=5)
    candidates(regions[NEAR], 2, start=7100, welfare_decile=1)
    _s, site = make_sponsor(regions["18.71"], regions[NEAR])
    pledge = make_pledge(site, worker_count=None, budget=2 * 6 * 16_800 + 100)
    assert pledge.worker_count == 2
    run = run_matching(actor=None, region=regions["18.71"])
    rows = Assignment.objects.filter(run=run)
    assert sorted(r.welfare_decile for r in rows) == [1, 1]
    assert rows.count() * pledge.months * pledge.programme.monthly_premium <= pledge.budget


def test_no_double_funding_with_government_programme(map_):
    regions = map_
    funded = candidates(regions[NEAR], 2, welfare_decile=1)
    candidates(regions[NEAR], 2, start=7100, welfare_decile=2)
    gov = make_programme(regions["18.71"], target_count=2, area=regions[NEAR])
    gov = move(actor=None, programme=gov, to="approved")
    approve_run(actor=None, run=run_selection(actor=None, programme=gov))
    assert set(FundedMonth.objects.values_list("nik", flat=True)) == {c.nik for c in funded}
    _s, site = make_sponsor(regions["18.71"], regions[NEAR])
    pledge = make_pledge(site, worker_count=4)
    run = run_matching(actor=None, region=regions["18.71"])
    picked = set(Assignment.objects.filter(run=run).values_list("candidate__nik", flat=True))
    assert picked.isdisjoint({c.nik for c in funded})
    assert len(picked) == 2
    accept_run(actor=None, run=run)
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.MATCHED
    assert FundedMonth.objects.filter(programme=pledge.programme).count() == 2 * 6
    assert Enrolment.objects.filter(programme=pledge.programme).count() == 2


def test_acceptance_loses_race_to_government_programme(map_):
    regions = map_
    [worker] = candidates(regions[NEAR], 1, welfare_decile=1)
    _s, site = make_sponsor(regions["18.71"], regions[NEAR])
    pledge = make_pledge(site, worker_count=1)
    run = run_matching(actor=None, region=regions["18.71"])
    gov = make_programme(regions["18.71"], target_count=1, area=regions[NEAR])
    gov = move(actor=None, programme=gov, to="approved")
    approve_run(actor=None, run=run_selection(actor=None, programme=gov))
    with pytest.raises(SponsorshipError):
        accept_run(actor=None, run=run)
    run.refresh_from_db()
    pledge.refresh_from_db()
    assert run.status == MatchStatus.DRAFT and pledge.status == PledgeStatus.OPEN
    assert not FundedMonth.objects.filter(programme=pledge.programme).exists()
    assert FundedMonth.objects.filter(nik=worker.nik).count() == gov.funded_months


def test_each_worker_one_pledge_and_women_first(map_):
    regions = map_
    candidates(regions[NEAR], 2, sex="M", welfare_decile=1)
    candidates(regions[NEAR], 2, start=7100, sex="F", welfare_decile=1)
    _s, site = make_sponsor(regions["18.71"], regions[NEAR])
    women = make_pledge(site, title="Perempuan", worker_count=2, women_first=True)
    make_pledge(site, title="Umum", worker_count=3)
    run = run_matching(actor=None, region=regions["18.71"])
    rows = Assignment.objects.filter(run=run).select_related("candidate")
    assert rows.count() == 4
    assert len({r.candidate_id for r in rows}) == 4
    assert {r.candidate.sex for r in rows if r.pledge_id == women.pk} == {"F"}


def _random_instance(seed: int) -> tuple[list[PledgeSpec], list[CandidateRow], dict]:
    rng = random.Random(seed)
    villages = [f"18.71.01.{2000 + i}" for i in range(40)]
    cents = {v: (-5.4 + rng.uniform(-0.3, 0.3), 105.3 + rng.uniform(-0.3, 0.3)) for v in villages}
    cands = [
        CandidateRow(i, f"{10**15 + i}", rng.choice(villages), rng.choice("FM"),
                     rng.randint(1, 10), rng.choice(["petani", "nelayan"]),
                     frozenset({0}) if rng.random() < 0.1 else frozenset())
        for i in range(600)
    ]  # fmt: skip
    pledges = []
    for j in range(12):
        lat, lng = cents[rng.choice(villages)]
        pledges.append(
            PledgeSpec(j, rng.randint(10, 80), lat, lng, rng.choice([5.0, 10.0, 20.0]),
                       occupations=frozenset({"petani"}) if j % 4 == 0 else frozenset(),
                       women_first=j % 3 == 0, max_decile=rng.choice([None, 5]),
                       period=j % 2)
        )  # fmt: skip
    return pledges, cands, cents


@pytest.mark.parametrize("seed", range(5))
def test_optimal_at_least_greedy_and_equals_lp_bound(seed):
    pledges, cands, cents = _random_instance(seed)
    net = build_network(pledges, cands, cents)
    best, greedy = solve_optimal(net), solve_greedy(net)
    assert best.objective <= greedy.objective
    assert best.assigned >= greedy.assigned
    assert lp_lower_bound(net) == pytest.approx(best.objective, rel=1e-9)
    by_id = {c.id: c for c in cands}
    spec = {p.id: p for p in pledges}
    seen = set()
    for pick in best.picks:
        p, c = spec[pick.pledge_id], by_id[pick.candidate_id]
        assert pick.candidate_id not in seen
        seen.add(pick.candidate_id)
        assert pick.distance_km <= p.radius_km
        assert p.period not in c.excluded_periods
        assert p.max_decile is None or c.decile <= p.max_decile
        assert not p.occupations or c.occupation in p.occupations
    for p in pledges:
        assert sum(1 for k in best.picks if k.pledge_id == p.id) <= p.capacity


def test_matching_run_needs_open_pledges(map_):
    with pytest.raises(SponsorshipError):
        run_matching(actor=None, region=map_["18.71"])


def test_pledge_start_month_is_first_day(map_):
    _s, site = make_sponsor(map_["18.71"], map_[NEAR])
    pledge = make_pledge(site, start_month=dt.date(2025, 8, 17))
    assert pledge.start_month == dt.date(2025, 8, 1)
    assert pledge.programme.funder.kind == "csr"


def test_demo_sponsorship_is_idempotent(map_):
    from lindung.demo.sponsorship import ensure_demo_sponsorship
    from lindung.sponsorship.models import Sponsor

    candidates(map_[NEAR], 5, welfare_decile=1)
    assert ensure_demo_sponsorship() == 5
    assert Sponsor.objects.count() == 5
    assert accepted_runs() == 1
    assert ensure_demo_sponsorship() == 0
    assert accepted_runs() == 1


def accepted_runs() -> int:
    from lindung.sponsorship.models import MatchRun

    return MatchRun.objects.filter(status=MatchStatus.ACCEPTED).count()


def test_area_list_without_radius_and_donor(map_):
    regions = map_
    candidates(regions[NEAR], 2, welfare_decile=1)
    candidates(regions[FAR], 2, start=7100, welfare_decile=1)
    _s, site = make_sponsor(regions["18.71"], regions[NEAR], name="Ibu Donatur", kind="donor")
    pledge = make_pledge(site, worker_count=4, radius_km=None, area_codes=FAR)
    assert pledge.programme.funder.kind == "individual"
    run = run_matching(actor=None, region=regions["18.71"])
    villages = set(
        Assignment.objects.filter(run=run).values_list("candidate__village_id", flat=True)
    )
    assert villages == {FAR}
    with pytest.raises(SponsorshipError):
        make_pledge(site, radius_km=None, area_codes="")
    with pytest.raises(SponsorshipError):
        make_pledge(site, worker_count=None, budget=1_000)
