"""Concurrent runs and approvals on PostgreSQL: no person is funded twice for a month even when
two programmes approve the same people at once, and runs of one programme queue up."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection, connections

from lindung.core.scope import SYSTEM
from lindung.programmes.models import FundedMonth, ProgrammeStatus, RunStatus, SelectionRun
from lindung.programmes.services.plans import ProgrammeError, move
from lindung.programmes.services.selection import approve_run, run_selection
from tests.programmes.factories import CandidateFactory, make_programme

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks and concurrent writers: PostgreSQL"
    ),
    pytest.mark.engine,
]


def in_threads(*calls):
    """Run the calls at the same moment, each on its own connection; results or exceptions."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def work(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # the test inspects what each thread got
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def approved_programme(region, **fields):
    programme = make_programme(region, **fields)
    return move(actor=SYSTEM, programme=programme, to=ProgrammeStatus.APPROVED)


@pytest.mark.parametrize("attempt", range(3))
def test_two_programmes_approving_the_same_people_at_once_fund_each_month_once(
    region_tree, rates, attempt
):
    CandidateFactory.create_batch(20)
    province = approved_programme(region_tree["18"], target_count=20)
    city = approved_programme(
        region_tree["18.71"], kind="apbd_regency", funder_name="Pemkot", target_count=20
    )
    runs = [run_selection(actor=SYSTEM, programme=p) for p in (province, city)]
    assert [r.selected for r in runs] == [20, 20]  # both drafts want the same 20 people

    results = in_threads(*(lambda r=r: approve_run(actor=SYSTEM, run=r) for r in runs))

    won = [r for r in results if isinstance(r, SelectionRun)]
    lost = [r for r in results if isinstance(r, ProgrammeError)]
    assert (len(won), len(lost)) == (1, 1), results
    assert "run the selection again" in str(lost[0])
    pairs = Counter(FundedMonth.objects.values_list("nik", "month"))
    assert len(pairs) == 20 * 5 and max(pairs.values()) == 1
    statuses = sorted(SelectionRun.objects.values_list("status", flat=True))
    assert statuses == [RunStatus.APPROVED, RunStatus.DRAFT]


def test_runs_of_one_programme_started_at_once_get_distinct_versions(region_tree, rates):
    CandidateFactory.create_batch(5)
    programme = approved_programme(region_tree["18"], target_count=5)
    results = in_threads(*(lambda: run_selection(actor=SYSTEM, programme=programme),) * 3)
    assert all(isinstance(r, SelectionRun) for r in results), results
    assert sorted(r.version for r in results) == [1, 2, 3]
    assert {r.selected for r in results} == {5}
