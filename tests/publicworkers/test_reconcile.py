"""Reconciliation of the register with the registry (issue 21 §3): each listed person's state
by the one definition, equal to a plain per-person recount on random registers (a hypothesis
property, on SQLite and PostgreSQL), and coverage per category from it."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lindung.core.scope import SYSTEM
from lindung.publicworkers import selectors, services
from lindung.publicworkers.models import PublicWorker, ReconciliationStatus
from lindung.publicworkers.reconcile import Subject, reconcile
from lindung.registry.models import Membership, Segment
from lindung.registry.selectors import active_on
from tests.conftest import rolled_back
from tests.publicworkers.factories import LISTED, covered, listed, village_government
from tests.registry.factories import OWN_VILLAGE, EmployerFactory

pytestmark = pytest.mark.engine
D = dt.date
ON = D(2025, 9, 1)
S = ReconciliationStatus


def plain_status(worker: PublicWorker, segment: str, on: dt.date) -> str:
    """The recount: one query per person, straight from the definition."""
    mine = Membership.objects.filter(person__nik=worker.nik, start_date__lte=on)
    active = mine.filter(active_on(on))
    if segment == Segment.PU:
        own = active.filter(segment=Segment.PU, employer_id=worker.body.employer_id)
        if worker.body.employer_id is None:
            own = own.none()
    else:
        own = active.filter(segment=Segment.BPU)
    if own.exists():
        return S.ACTIVE
    if active.exists():
        return S.OTHER_EMPLOYER
    return S.LAPSED if mine.exists() else S.NEVER


def test_each_state_and_the_coverage_per_category(region_tree):
    body = village_government(region_tree[OWN_VILLAGE])
    head = listed(body, 1, "village_head", honorarium=3_400_000)
    official = listed(body, 2, "village_official")
    other = listed(body, 3, "village_official")
    lapsed = listed(body, 4, "rt_rw_head")
    never = listed(body, 5, "rt_rw_head")
    rt_active = listed(body, 6, "rt_rw_head")
    covered(head)
    covered(official, start=D(2025, 10, 1))  # not yet on ON
    covered(other, employer=EmployerFactory(village=region_tree[OWN_VILLAGE]))
    covered(lapsed, segment=Segment.BPU, end=D(2025, 3, 1))
    covered(rt_active, segment=Segment.BPU)
    subjects = [
        Subject(
            w.pk,
            w.nik,
            Segment.PU if w.category_id.startswith("village") else Segment.BPU,
            body.employer_id,
        )
        for w in (head, official, other, lapsed, never, rt_active)
    ]
    outcomes = reconcile(subjects, ON)
    assert [outcomes[s.id].status for s in subjects] == [
        S.ACTIVE,
        S.NEVER,
        S.OTHER_EMPLOYER,
        S.LAPSED,
        S.NEVER,
        S.ACTIVE,
    ]
    assert outcomes[head.pk].kpj.startswith("KPJ")

    rows, total = selectors.coverage(SYSTEM, body=body, on=ON)
    by = {r.category: r for r in rows}
    assert (by["village_head"].total, by["village_head"].covered) == (1, 1)
    assert (by["rt_rw_head"].total, by["rt_rw_head"].covered) == (3, 1)
    assert str(by["rt_rw_head"].coverage_pct) == "33.33"
    assert (total.total, total.covered) == (6, 2)
    # Budget: 4 uncovered × their month's contribution × Sep–Dec (4 months).
    assert by["rt_rw_head"].budget_needed == 2 * 16_800 * 4
    assert by["bpd_member"].total == 0  # every category appears, empty ones with zeros


def test_a_past_days_coverage_is_reused_until_something_it_reads_changes(region_tree, monkeypatch):
    """The live reconciliation of a past day is cached per reader and region (the province
    dashboard shows it on every visit), and recomputed once a membership changes."""
    body = village_government(region_tree[OWN_VILLAGE])
    head = listed(body, 1, "village_head", honorarium=3_400_000)
    rt = listed(body, 2, "rt_rw_head")
    covered(head)
    first = selectors.coverage(SYSTEM, body=body, on=ON)
    computed = []
    real = selectors.live_coverage
    monkeypatch.setattr(selectors, "live_coverage", lambda *a: computed.append(1) or real(*a))
    assert selectors.coverage(SYSTEM, body=body, on=ON) == first and computed == []
    covered(rt, segment=Segment.BPU)  # the registry changed: computed again, and right
    _rows, total = selectors.coverage(SYSTEM, body=body, on=ON)
    assert computed == [1] and (total.total, total.covered) == (2, 2)


def test_stored_reconciliation_equals_the_live_one(region_tree):
    body = village_government(region_tree[OWN_VILLAGE])
    workers = [listed(body, n, "village_official") for n in range(1, 6)]
    covered(workers[0], start=D(2024, 1, 1))
    services.refresh_unchecked(PublicWorker.objects.all())
    _rows, today_total = selectors.coverage(SYSTEM, body=body)
    assert (today_total.total, today_total.covered) == (5, 1)
    assert PublicWorker.objects.get(pk=workers[0].pk).status == S.ACTIVE
    # A second refresh changes nothing.
    assert services.refresh_unchecked(PublicWorker.objects.all()) == 0


MEMBERSHIP = st.tuples(
    st.sampled_from(["own", "other", "bpu"]),
    st.integers(min_value=0, max_value=20),  # start: months after Jan 2024
    st.one_of(st.none(), st.integers(min_value=1, max_value=20)),  # length in months
)
PERSON = st.tuples(
    st.sampled_from(["village_head", "rt_rw_head"]), st.lists(MEMBERSHIP, max_size=3)
)


def month(n: int) -> dt.date:
    return D(2024 + n // 12, n % 12 + 1, 1)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    register=st.lists(PERSON, min_size=1, max_size=8), day=st.integers(min_value=0, max_value=30)
)
def test_reconciliation_equals_a_plain_recount(region_tree, register, day):
    on = month(day) + dt.timedelta(days=day % 28)
    with rolled_back():
        village = region_tree[OWN_VILLAGE]
        body = village_government(village)
        stranger = EmployerFactory(village=village)
        workers = []
        for n, (category, held) in enumerate(register, start=1):
            worker = listed(body, n, category, listed_from=LISTED)
            for k, (kind, start, length) in enumerate(held):
                covered(
                    worker,
                    segment=Segment.BPU if kind == "bpu" else Segment.PU,
                    employer=stranger if kind == "other" else None,
                    start=month(start),
                    end=month(start + length) if length else None,
                    kpj=f"K{n:03d}{k}{start:02d}",
                )
            workers.append(worker)
        segment = {"village_head": Segment.PU, "rt_rw_head": Segment.BPU}
        subjects = [Subject(w.pk, w.nik, segment[w.category_id], body.employer_id) for w in workers]
        outcomes = reconcile(subjects, on, chunk=3)
        for worker in workers:
            assert outcomes[worker.pk].status == plain_status(
                worker, segment[worker.category_id], on
            )
