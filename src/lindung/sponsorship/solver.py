"""Matching of candidates to CSR pledges as a min-cost flow (issue 7 item 2). Pure Python +
numpy + OR-Tools, no database: ``matching`` feeds it and writes its answer.

Candidates who look the same to every pledge (same village — so same distance —, welfare
decile, sex, occupation and the same pledge periods in which they are already funded or
covered) are pooled into one *class*; a pledge–class arc carries as many persons as the class
holds. The network is then source → pledge (capacity = persons the pledge pays for) → class
(cost of the pair) → sink (class size), plus an overflow arc pledge → sink of cost ``UNFILLED``
for each place left empty. ``UNFILLED`` exceeds any augmenting path's cost, so the optimum first
fills as many places as possible, then minimises distance and need. The class network is
exactly the person network (every person of a class is interchangeable), so the flow is the
optimum of the person-level problem; persons of a class are handed out in NIK order.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

EARTH_KM = 6371.0088
# Cost units: a tenth of a kilometre. One welfare decile weighs 5 km; a man in a pledge that
# puts women first weighs 10 km; an unknown decile counts as decile 11.
KM_UNIT = 10
DECILE_WEIGHT = 50
WOMEN_FIRST_WEIGHT = 100
UNKNOWN_DECILE = 11
UNFILLED = 10**9
WOMEN = frozenset({"F", "P"})


@dataclass(frozen=True)
class PledgeSpec:
    id: int
    capacity: int  # persons: min(worker count, budget ÷ (months × premium))
    lat: float
    lng: float
    radius_km: float | None
    area_codes: tuple[str, ...] = ()
    occupations: frozenset[str] = frozenset()  # lower case; empty = any
    women_first: bool = False
    max_decile: int | None = None
    period: int = 0  # index of the pledge's funded period (for exclusions)


@dataclass(frozen=True)
class CandidateRow:
    id: int
    nik: str
    village: str
    sex: str
    decile: int | None
    occupation: str
    excluded_periods: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Pick:
    pledge_id: int
    candidate_id: int
    distance_km: float
    decile: int | None
    cost: int  # the pair's cost term, in tenths of a km
    village: str = ""


@dataclass
class Solution:
    method: str
    picks: list[Pick]
    assigned: int
    unfilled: int
    cost: int
    seconds: float
    arcs: int = 0
    classes: int = 0
    lower_bound: float | None = None
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def objective(self) -> int:
        return self.cost + UNFILLED * self.unfilled


def haversine_km(lat1: np.ndarray, lng1: np.ndarray, lat2: float, lng2: float) -> np.ndarray:
    p1, p2 = np.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, np.radians(lng2 - lng1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * math.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


def pair_cost(distance_km: float, decile: int | None, sex: str, women_first: bool) -> int:
    need = (decile if decile is not None else UNKNOWN_DECILE) - 1
    penalty = WOMEN_FIRST_WEIGHT if women_first and sex not in WOMEN else 0
    return round(distance_km * KM_UNIT) + DECILE_WEIGHT * need + penalty


def _within(code: str, areas: tuple[str, ...]) -> bool:
    return any(code == a or code.startswith(a + ".") for a in areas)


@dataclass
class Network:
    """Pledge–class arcs with their costs and distances; classes with their members."""

    pledges: list[PledgeSpec]
    class_members: list[list[CandidateRow]]
    class_keys: list[tuple]
    tails: np.ndarray  # pledge index per arc
    heads: np.ndarray  # class index per arc
    costs: np.ndarray
    distances: np.ndarray
    seconds: float


def build_network(
    pledges: list[PledgeSpec],
    candidates: list[CandidateRow],
    centroids: dict[str, tuple[float, float]],
) -> Network:
    """Classes and arcs. Spatial prefilter: a pledge looks only at villages inside its radius's
    latitude/longitude box before computing exact haversine distances."""
    started = time.perf_counter()
    occupation_matters = any(p.occupations for p in pledges)
    groups: dict[tuple, list[CandidateRow]] = defaultdict(list)
    for c in candidates:
        if c.village not in centroids:
            continue
        occ = c.occupation.strip().lower() if occupation_matters else ""
        groups[(c.village, c.decile, c.sex, occ, c.excluded_periods)].append(c)
    keys = sorted(groups, key=lambda k: (k[0], k[1] or 0, k[2], k[3], sorted(k[4])))
    members = [sorted(groups[k], key=lambda c: c.nik) for k in keys]
    villages = sorted({k[0] for k in keys})
    v_index = {v: i for i, v in enumerate(villages)}
    v_lat = np.array([centroids[v][0] for v in villages])
    v_lng = np.array([centroids[v][1] for v in villages])
    by_village: list[list[int]] = [[] for _ in villages]
    for ci, k in enumerate(keys):
        by_village[v_index[k[0]]].append(ci)
    tails: list[np.ndarray] = []
    heads: list[np.ndarray] = []
    costs: list[np.ndarray] = []
    dists: list[np.ndarray] = []
    deciles = np.array([k[1] if k[1] is not None else UNKNOWN_DECILE for k in keys])
    men = np.array([k[2] not in WOMEN for k in keys])
    for pi, p in enumerate(pledges):
        mask = np.ones(len(villages), dtype=bool)
        if p.radius_km is not None:
            dlat = p.radius_km / 111.0
            dlng = p.radius_km / (111.0 * max(math.cos(math.radians(p.lat)), 0.01))
            mask &= (np.abs(v_lat - p.lat) <= dlat) & (np.abs(v_lng - p.lng) <= dlng)
        if p.area_codes:
            mask &= np.array([_within(v, p.area_codes) for v in villages])
        idx = np.nonzero(mask)[0]
        if not len(idx):
            continue
        d = haversine_km(v_lat[idx], v_lng[idx], p.lat, p.lng)
        if p.radius_km is not None:
            keep = d <= p.radius_km
            idx, d = idx[keep], d[keep]
        cls: list[int] = []
        cdist: list[float] = []
        for vi, dv in zip(idx.tolist(), d.tolist(), strict=True):
            for ci in by_village[vi]:
                k = keys[ci]
                if p.period in k[4]:
                    continue
                if p.max_decile is not None and (k[1] is None or k[1] > p.max_decile):
                    continue
                if p.occupations and k[3] not in p.occupations:
                    continue
                cls.append(ci)
                cdist.append(dv)
        if not cls:
            continue
        ca, da = np.array(cls), np.array(cdist)
        cost = np.rint(da * KM_UNIT).astype(np.int64) + DECILE_WEIGHT * (deciles[ca] - 1)
        if p.women_first:
            cost = cost + WOMEN_FIRST_WEIGHT * men[ca]
        tails.append(np.full(len(ca), pi))
        heads.append(ca)
        costs.append(cost.astype(np.int64))
        dists.append(da)

    def cat(parts: list[np.ndarray], dtype) -> np.ndarray:
        return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)

    return Network(
        pledges=pledges,
        class_members=members,
        class_keys=keys,
        tails=cat(tails, np.int64),
        heads=cat(heads, np.int64),
        costs=cat(costs, np.int64),
        distances=cat(dists, np.float64),
        seconds=time.perf_counter() - started,
    )


def _picks(net: Network, flows: np.ndarray) -> list[Pick]:
    """Hand out each class's persons in NIK order to the pledges that took it."""
    taken = [0] * len(net.class_members)
    picks: list[Pick] = []
    order = np.lexsort((net.tails, net.heads))
    for a in order.tolist():
        n = int(flows[a])
        if n <= 0:
            continue
        ci = int(net.heads[a])
        pledge = net.pledges[int(net.tails[a])]
        start = taken[ci]
        for c in net.class_members[ci][start : start + n]:
            picks.append(
                Pick(
                    pledge.id, c.id, float(net.distances[a]), c.decile, int(net.costs[a]), c.village
                )
            )
        taken[ci] += n
    return picks


def _solution(net: Network, method: str, flows: np.ndarray, started: float) -> Solution:
    assigned = int(flows.sum())
    capacity = sum(p.capacity for p in net.pledges)
    return Solution(
        method=method,
        picks=_picks(net, flows),
        assigned=assigned,
        unfilled=capacity - assigned,
        cost=int((flows * net.costs).sum()),
        seconds=time.perf_counter() - started,
        arcs=len(net.tails),
        classes=len(net.class_members),
    )


def solve_optimal(net: Network) -> Solution:
    """Min-cost flow (OR-Tools), exact."""
    from ortools.graph.python import min_cost_flow

    started = time.perf_counter()
    P, C = len(net.pledges), len(net.class_members)
    source, sink = P + C, P + C + 1
    caps = np.array([p.capacity for p in net.pledges], dtype=np.int64)
    sizes = np.array([len(m) for m in net.class_members], dtype=np.int64)
    pidx = np.arange(P, dtype=np.int64)
    cidx = np.arange(C, dtype=np.int64)
    arc_cap = np.minimum(caps[net.tails], sizes[net.heads]) if len(net.tails) else net.tails
    cost = np.concatenate(
        [np.zeros(P, np.int64), np.full(P, UNFILLED, np.int64), net.costs, np.zeros(C, np.int64)]
    )
    # Arcs: source → pledge, pledge → sink (a place left empty), pledge → class, class → sink.
    tails = np.concatenate([np.full(P, source), pidx, net.tails, P + cidx])
    heads = np.concatenate([pidx, np.full(P, sink), P + net.heads, np.full(C, sink)])
    capacity = np.concatenate([caps, caps, arc_cap, sizes])
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), capacity, cost
    )
    total = int(caps.sum())
    flow.set_nodes_supplies(np.array([source, sink], dtype=np.int32), np.array([total, -total]))
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed: status {status}")
    flows = flow.flows(np.arange(2 * P, 2 * P + len(net.tails), dtype=np.int32))
    return _solution(net, "min_cost_flow", np.asarray(flows, dtype=np.int64), started)


def solve_greedy(net: Network) -> Solution:
    """For comparison only: cheapest pledge–class pair first, as much as fits."""
    started = time.perf_counter()
    left_p = [p.capacity for p in net.pledges]
    left_c = [len(m) for m in net.class_members]
    flows = np.zeros(len(net.tails), dtype=np.int64)
    for a in np.lexsort((net.heads, net.tails, net.costs)).tolist():
        pi, ci = int(net.tails[a]), int(net.heads[a])
        n = min(left_p[pi], left_c[ci])
        if n > 0:
            flows[a] = n
            left_p[pi] -= n
            left_c[ci] -= n
    return _solution(net, "greedy", flows, started)


def lp_lower_bound(net: Network, time_limit_s: float = 120.0) -> float | None:
    """The LP relaxation's optimum (GLOP), a lower bound on any assignment's objective, in two
    phases so that ``UNFILLED`` never enters a coefficient: the most places fillable, then the
    least cost with that many filled. The matrix is a network matrix, so the bound equals the
    flow optimum when both are right."""
    from ortools.linear_solver import pywraplp

    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:
        return None
    solver.SetTimeLimit(int(time_limit_s * 1000))
    x = [solver.NumVar(0, solver.infinity(), "") for _ in range(len(net.tails))]
    by_p: list[list[int]] = [[] for _ in net.pledges]
    by_c: list[list[int]] = [[] for _ in net.class_members]
    for a, (t, h) in enumerate(zip(net.tails.tolist(), net.heads.tolist(), strict=True)):
        by_p[t].append(a)
        by_c[h].append(a)
    for pi, p in enumerate(net.pledges):
        row = solver.Constraint(0, p.capacity)
        for a in by_p[pi]:
            row.SetCoefficient(x[a], 1)
    for ci, arcs in enumerate(by_c):
        if arcs:
            row = solver.Constraint(0, len(net.class_members[ci]))
            for a in arcs:
                row.SetCoefficient(x[a], 1)
    objective = solver.Objective()
    for var in x:
        objective.SetCoefficient(var, 1)
    objective.SetMaximization()
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    filled = objective.Value()
    total = solver.Constraint(filled - 1e-6, solver.infinity())
    for var in x:
        total.SetCoefficient(var, 1)
    objective.Clear()
    for a, c in enumerate(net.costs.tolist()):
        objective.SetCoefficient(x[a], c)
    objective.SetMinimization()
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    capacity = sum(p.capacity for p in net.pledges)
    return objective.Value() + UNFILLED * (capacity - round(filled))
