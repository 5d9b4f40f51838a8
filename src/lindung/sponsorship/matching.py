"""Matching runs: open pledges of a region × eligible candidates → assignments (issue 7 item 2).

Eligibility uses the notions of ``programmes.selection_sql``: a candidate is out for a pledge
when a BPJS membership overlaps the pledge's months (already an active participant), when the
``FundedMonth`` ledger holds any of those months (funded elsewhere), when its welfare decile is
above the pledge's limit or unknown, or its occupation is not one the pledge targets; the area
is the pledge's radius around its site and/or its list of regions. Exclusions are computed
set-based, once per distinct pledge period. The optimum comes from ``solver`` (min-cost flow).

Accepting a run (from the match page, a job of the worker: ``start_accept``) approves, for every
matched pledge, a selection run of the pledge's programme holding exactly its assigned workers,
through ``programmes.selection.approve_run``: the same unique (NIK, month) index refuses double
funding with government programmes, and a lost race rolls the whole acceptance back.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from lindung.core.audit import acting_user, record_audit
from lindung.core.i18n import bilingual
from lindung.core.jobs import services as jobs
from lindung.core.models import Job
from lindung.core.months import add_months
from lindung.core.permissions import acting, require_capability
from lindung.core.roles import Capability
from lindung.core.scope import region_q
from lindung.programmes.models import (
    Candidate,
    Decision,
    FundedMonth,
    Reason,
    SelectionRun,
)
from lindung.programmes.selection_sql import Rules
from lindung.programmes.services.plans import ProgrammeError, move_unchecked
from lindung.programmes.services.selection import approve_run_unchecked
from lindung.regions.models import Region, RegionBoundary
from lindung.registry.models import Membership
from lindung.sponsorship.audit import SponsorshipAudit
from lindung.sponsorship.models import (
    Assignment,
    MatchRun,
    MatchStatus,
    Pledge,
    PledgeStatus,
)
from lindung.sponsorship.selectors import scope_root
from lindung.sponsorship.services import SponsorshipError, site_point
from lindung.sponsorship.solver import (
    CandidateRow,
    Network,
    PledgeSpec,
    Solution,
    build_network,
    solve_greedy,
    solve_optimal,
)

Period = tuple[dt.date, dt.date]  # first and last funded month


def pledge_period(pledge: Pledge) -> Period:
    return pledge.start_month, add_months(pledge.start_month, pledge.months - 1)


def centroids(region_code: str) -> dict[str, tuple[float, float]]:
    """Village code → (lat, lng) of its centroid, for the villages under ``region_code``."""
    rows = RegionBoundary.objects.filter(
        region_q("region__", (region_code,)), region__level="village"
    ).values_list("region_id", "centroid_lat", "centroid_lng")
    return {code: (lat, lng) for code, lat, lng in rows}


def excluded_ids(candidates: Any, period: Period) -> set[int]:
    """Candidates covered by a BPJS membership or funded by any programme in ``period``."""
    first, last = period
    end = add_months(last, 1)
    active = Membership.objects.filter(person__nik=OuterRef("nik"), start_date__lt=end).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=first)
    )
    funded = FundedMonth.objects.filter(nik=OuterRef("nik"), month__gte=first, month__lte=last)
    rows = candidates.filter(Exists(active) | Exists(funded)).values_list("id", flat=True)
    return set(rows)


def build_inputs(
    pledges: list[Pledge], region_code: str
) -> tuple[list[PledgeSpec], list[CandidateRow], dict[str, tuple[float, float]]]:
    """Solver inputs from the database: pledge specs, candidates with their per-period
    exclusions, village centroids."""
    points = centroids(region_code)
    periods = sorted({pledge_period(p) for p in pledges})
    period_index = {p: i for i, p in enumerate(periods)}
    specs = []
    for p in pledges:
        point = site_point(p.site)
        if point is None:
            continue
        specs.append(
            PledgeSpec(
                id=p.pk,
                capacity=p.worker_count,
                lat=point[0],
                lng=point[1],
                radius_km=p.radius_km,
                area_codes=tuple(c.strip() for c in p.area_codes.split(",") if c.strip()),
                occupations=frozenset(
                    o.strip().lower() for o in p.occupations.split(",") if o.strip()
                ),
                women_first=p.women_first,
                max_decile=p.max_welfare_decile,
                period=period_index[pledge_period(p)],
            )
        )
    scoped = Candidate.objects.filter(region_q("", (region_code,)))
    excluded: dict[int, set[int]] = {}
    for period, i in period_index.items():
        for cid in excluded_ids(scoped, period):
            excluded.setdefault(cid, set()).add(i)
    rows = scoped.values_list("id", "nik", "village_id", "sex", "welfare_decile", "occupation")
    candidates = [
        CandidateRow(
            cid, nik, village, sex, decile, occupation or "", frozenset(excluded.get(cid, ()))
        )
        for cid, nik, village, sex, decile, occupation in rows.iterator(chunk_size=20_000)
    ]
    return specs, candidates, points


def solve(pledges: list[Pledge], region_code: str) -> tuple[Network, Solution, Solution]:
    specs, candidates, points = build_inputs(pledges, region_code)
    net = build_network(specs, candidates, points)
    return net, solve_optimal(net), solve_greedy(net)


class UnknownRegion(SponsorshipError):
    """The region asked for is not one the actor may match in."""


def match_region(*, actor: Any, code: str = "") -> MatchRun:
    """A draft run for the region ``code`` of the actor's scope (default: its scope's root)."""
    require_capability(actor, Capability.MATCH_PLEDGES)
    user = acting(actor)
    region = Region.objects.for_actor(user).filter(code=code or scope_root(user)).first()
    if region is None:
        raise UnknownRegion(bilingual("wilayah tidak dikenal", "unknown region"))
    return run_matching(actor=actor, region=region)


def start_matching(*, actor: Any, code: str = "", request_id: str = "") -> Job:
    """Queue ``match_region`` for the worker (a province takes half a minute): the page answers
    at once and the job's page shows its progress. One matching per region at a time."""
    require_capability(actor, Capability.MATCH_PLEDGES)
    user = acting(actor)
    region = Region.objects.for_actor(user).filter(code=code or scope_root(user)).first()
    if region is None:
        raise UnknownRegion(bilingual("wilayah tidak dikenal", "unknown region"))
    try:
        return jobs.submit(
            actor=actor,
            kind="sponsorship.match",
            target=region.code,
            label=bilingual(f"Pencocokan CSR {region.name}", f"CSR matching {region.name}"),
            work="lindung.sponsorship.jobs.match",
            arguments={"code": region.code},
            region_code=region.code,
            request_id=request_id,
        )
    except jobs.JobBusy as exc:
        raise SponsorshipError(str(exc)) from exc


def run_matching(*, actor: Any, region: Region) -> MatchRun:
    """A draft run over the open pledges whose site lies in ``region``."""
    require_capability(actor, Capability.MATCH_PLEDGES)
    started = time.perf_counter()
    pledges = list(
        Pledge.objects.filter(region_q("", (region.code,)), status=PledgeStatus.OPEN)
        .select_related("site", "sponsor")
        .order_by("pk")
    )
    if not pledges:
        raise SponsorshipError(
            bilingual("tidak ada janji terbuka di wilayah ini", "no open pledge in this region")
        )
    net, best, greedy = solve(pledges, region.code)
    with transaction.atomic(durable=True):
        run = MatchRun(
            region=region,
            method=best.method,
            considered=sum(len(m) for m in net.class_members),
            assigned=best.assigned,
            unfilled=best.unfilled,
            cost=best.cost,
            greedy_assigned=greedy.assigned,
            greedy_cost=greedy.cost,
            created_by=acting_user(actor),
        )
        run.assign_region_codes(region.code)
        run.save()
        rows = []
        for pick in best.picks:
            row = Assignment(
                run=run,
                pledge_id=pick.pledge_id,
                candidate_id=pick.candidate_id,
                distance_km=round(pick.distance_km, 2),
                welfare_decile=pick.decile,
                cost=pick.cost,
            )
            row.assign_region_codes(pick.village)
            rows.append(row)
        Assignment.objects.bulk_create(rows, batch_size=5_000)
        run.seconds = time.perf_counter() - started
        run.save(update_fields=["seconds"])
        record_audit(
            actor=actor,
            action=SponsorshipAudit.MATCH_RUN,
            target=run,
            region_code=region.code,
            after={
                "pledges": len(pledges),
                "assigned": best.assigned,
                "cost": best.cost,
                "greedy_assigned": greedy.assigned,
                "greedy_cost": greedy.cost,
            },
        )
    return run


def _require_draft(run: MatchRun) -> None:
    if run.status != MatchStatus.DRAFT:
        raise SponsorshipError(
            bilingual(
                f"hasil pencocokan tidak dapat diterima (status: {run.status})",
                f"the matching cannot be accepted (status: {run.status})",
            )
        )


def start_accept(*, actor: Any, run: MatchRun, request_id: str = "") -> Job:
    """Queue ``accept_run`` for the worker (a province's pledges each approve a selection run):
    the page answers at once and the job's page shows its progress. Checked here first, before
    any job exists: the capability and that the run is a draft. One acceptance per region at a
    time (two acceptances in a region would compete for the same workers' months)."""
    require_capability(actor, Capability.MATCH_PLEDGES)
    _require_draft(run)
    try:
        return jobs.submit(
            actor=actor,
            kind="sponsorship.accept",
            target=run.region_id,
            label=bilingual(
                f"Penerimaan pencocokan CSR #{run.pk} {run.region.name}",
                f"CSR matching acceptance #{run.pk} {run.region.name}",
            ),
            work="lindung.sponsorship.jobs.accept",
            arguments={"run": run.pk},
            region_code=run.region_id,
            request_id=request_id,
        )
    except jobs.JobBusy as exc:
        raise SponsorshipError(str(exc)) from exc


def accept_run(*, actor: Any, run: MatchRun) -> MatchRun:
    """Reserve the run's workers: per pledge, an approved selection run of its programme."""
    require_capability(actor, Capability.MATCH_PLEDGES)
    with transaction.atomic(durable=True):
        run = MatchRun.objects.select_for_update().get(pk=run.pk)
        _require_draft(run)
        pledge_ids = run.assignments.values_list("pledge_id", flat=True).distinct()
        pledges = Pledge.objects.select_for_update().filter(pk__in=list(pledge_ids))
        try:
            for pledge in pledges.select_related("programme__funder").order_by("pk"):
                if pledge.status != PledgeStatus.OPEN:
                    raise SponsorshipError(
                        bilingual(
                            f"janji {pledge.title} sudah dicocokkan",
                            f"pledge {pledge.title} is already matched",
                        )
                    )
                _approve_pledge(actor, run, pledge)
        except ProgrammeError as exc:
            raise SponsorshipError(str(exc)) from exc
        run.status, run.accepted_at = MatchStatus.ACCEPTED, timezone.now()
        run.save(update_fields=["status", "accepted_at"])
        record_audit(
            actor=actor,
            action=SponsorshipAudit.MATCH_ACCEPT,
            target=run,
            region_code=run.region_id,
            after={"assigned": run.assigned},
        )
    return run


def _approve_pledge(actor: Any, run: MatchRun, pledge: Pledge) -> None:
    programme = move_unchecked(actor=actor, programme=pledge.programme, to="approved")
    programme = move_unchecked(actor=actor, programme=programme, to="selecting")
    rules = Rules.of(programme)
    version = (programme.runs.aggregate(v=Max("version"))["v"] or 0) + 1
    ids = list(
        run.assignments.filter(pledge=pledge)
        .order_by("cost", "candidate_id")
        .values_list("candidate_id", flat=True)
    )
    selection = SelectionRun.objects.create(
        programme=programme,
        version=version,
        rules={**rules.as_json(), "sponsorship_match_run": run.pk},
        capacity=rules.capacity,
        considered=len(ids),
        selected=len(ids),
        cost=len(ids) * programme.funded_months * programme.monthly_premium,
    )
    Decision.objects.bulk_create(
        Decision(
            run=selection,
            candidate_id=cid,
            selected=True,
            rank=i + 1,
            reason=Reason.SELECTED,
            reasons="",
        )
        for i, cid in enumerate(ids)
    )
    approve_run_unchecked(actor=actor, run=selection)
    pledge.status = PledgeStatus.MATCHED
    pledge.save(update_fields=["status"])


def discard_run(*, actor: Any, run: MatchRun) -> MatchRun:
    require_capability(actor, Capability.MATCH_PLEDGES)
    with transaction.atomic(durable=True):
        run = MatchRun.objects.select_for_update().get(pk=run.pk)
        if run.status != MatchStatus.DRAFT:
            raise SponsorshipError(
                bilingual("hanya draf yang dapat dibuang", "only a draft can be discarded")
            )
        run.status = MatchStatus.DISCARDED
        run.save(update_fields=["status"])
        record_audit(
            actor=actor,
            action=SponsorshipAudit.MATCH_DISCARD,
            target=run,
            region_code=run.region_id,
        )
    return run
