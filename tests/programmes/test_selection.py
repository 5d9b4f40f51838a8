"""Selection runs: every rule excludes with its reason, priority and quota order the list, the
capacity (target and budget) caps it, approval freezes it and reserves the months, and a
second funder for the same person and month is refused (issue 6 item 4)."""

from __future__ import annotations

import datetime as dt

import pytest

from lindung.core.scope import SYSTEM
from lindung.programmes.models import (
    Decision,
    Enrolment,
    FundedMonth,
    ProgrammeStatus,
    Reason,
    RunStatus,
)
from lindung.programmes.services.plans import ProgrammeError, move
from lindung.programmes.services.selection import approve_run, discard_run, run_selection
from tests.programmes.factories import CandidateFactory, make_programme
from tests.registry.factories import MembershipFactory, PersonFactory, nik_for

pytestmark = pytest.mark.engine

OWN = "18.71.01.1003"
OTHER = "18.72.01.1001"
RULES = {
    "min_age": 18,
    "max_age": 60,
    "occupations": "Petani, Nelayan",
    "max_welfare_decile": 4,
    "priority_rules": "poorest_first,occupational_risk",
    "target_count": 3,
}


def candidate(n: int, **fields):
    birth = fields.pop("birth_date", dt.date(1980, 5, 5))
    return CandidateFactory(nik=nik_for(fields.get("village_id", OWN), n, birth), birth_date=birth,
                            **fields)  # fmt: skip


def approved(programme, actor=SYSTEM):
    return move(actor=actor, programme=programme, to=ProgrammeStatus.APPROVED)


@pytest.fixture
def world(region_tree, rates, make_user):
    officer = make_user("province_officer")
    c = {
        "outside": candidate(1, village=region_tree[OTHER], village_id=OTHER),
        "young": candidate(2, birth_date=dt.date(2010, 1, 1), welfare_decile=9),
        "old": candidate(3, birth_date=dt.date(1960, 1, 1)),
        "trader": candidate(4, occupation="Pedagang"),
        "rich": candidate(5, welfare_decile=7),
        "unknown_decile": candidate(6, welfare_decile=None),
        "active": candidate(7, welfare_decile=4),
        "fisher_1": candidate(10, occupation="Nelayan", welfare_decile=1),
        "farmer_1": candidate(11, welfare_decile=1),
        "farmer_2": candidate(12, welfare_decile=2),
        "fisher_3": candidate(13, occupation="nelayan", welfare_decile=3),
        "farmer_4": candidate(14, welfare_decile=4),
    }
    person = PersonFactory(nik=c["active"].nik)
    MembershipFactory(person=person, start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 9, 1))
    programme = approved(make_programme(region_tree["18"], area=region_tree["18.71"], **RULES))
    return {"officer": officer, "c": c, "programme": programme, "regions": region_tree}


def decisions(run) -> dict[int, Decision]:
    return {d.candidate_id: d for d in Decision.objects.filter(run=run)}


def test_every_rule_excludes_with_its_reason_and_the_poorest_riskiest_come_first(world):
    run = run_selection(actor=world["officer"], programme=world["programme"])
    by_id, c = decisions(run), world["c"]
    reason = {name: by_id[cand.pk].reason for name, cand in c.items()}
    assert reason == {
        "outside": Reason.OUTSIDE_AREA,
        "young": Reason.TOO_YOUNG,
        "old": Reason.TOO_OLD,
        "trader": Reason.OCCUPATION,
        "rich": Reason.NOT_POOR_ENOUGH,
        "unknown_decile": Reason.NOT_POOR_ENOUGH,
        "active": Reason.ACTIVE_PARTICIPANT,
        "fisher_1": Reason.SELECTED,
        "farmer_1": Reason.SELECTED,
        "farmer_2": Reason.SELECTED,
        "fisher_3": Reason.NO_CAPACITY,
        "farmer_4": Reason.NO_CAPACITY,
    }
    # Poorest first, then the riskier occupation (fisher 5 > farmer 3), case-insensitively.
    ranks = {name: by_id[c[name].pk].rank for name in ("fisher_1", "farmer_1", "farmer_2")}
    assert ranks == {"fisher_1": 1, "farmer_1": 2, "farmer_2": 3}
    # Every failing check is listed, the first one is the reason.
    assert by_id[c["young"].pk].reasons == "too_young,welfare_decile"
    assert by_id[c["old"].pk].rank is None
    assert (run.version, run.considered, run.selected, run.capacity) == (1, 12, 3, 3)
    assert run.cost == 3 * 5 * 16_800
    world["programme"].refresh_from_db()
    assert world["programme"].status == ProgrammeStatus.SELECTING


def test_a_priority_too_wide_for_one_integer_key_orders_the_same(world, monkeypatch):
    """Risks a million times larger order alike but do not fit the packed BIGINT key: the run
    falls back to sorting the terms and reaches the same decisions."""
    from lindung.programmes import selection_sql

    packed = decisions(run_selection(actor=SYSTEM, programme=world["programme"]))
    risks = selection_sql.risk_table()
    wide = {occupation: risk * 10**6 for occupation, risk in risks.items()}
    rules = selection_sql.Rules.of(world["programme"])
    assert selection_sql._priority_key(rules, risks) is not None
    assert selection_sql._priority_key(rules, wide) is None
    monkeypatch.setattr(selection_sql, "risk_table", lambda: wide)
    unpacked = decisions(run_selection(actor=SYSTEM, programme=world["programme"]))
    assert {k: (d.selected, d.rank, d.reason) for k, d in unpacked.items()} == {
        k: (d.selected, d.rank, d.reason) for k, d in packed.items()
    }


def test_a_village_quota_caps_each_village(world, region_tree):
    programme = world["programme"]
    programme.village_quota, programme.target_count = 2, 10
    programme.save()
    run = run_selection(actor=SYSTEM, programme=programme)
    by_id = decisions(run)
    reasons = sorted(by_id[world["c"][n].pk].reason for n in ("fisher_1", "farmer_1", "farmer_2",
                                                              "fisher_3", "farmer_4"))  # fmt: skip
    assert reasons == ["selected", "selected", "village_quota", "village_quota", "village_quota"]
    assert run.selected == 2


def test_the_budget_caps_the_list_below_the_target(world):
    programme = world["programme"]
    programme.budget = 2 * 5 * 16_800 + 16_799  # not enough for a third person
    programme.save()
    run = run_selection(actor=SYSTEM, programme=programme)
    assert (run.capacity, run.selected) == (2, 2)
    assert run.cost <= programme.budget


def test_approval_freezes_the_list_and_reserves_every_funded_month(world):
    run = run_selection(actor=world["officer"], programme=world["programme"])
    approve_run(actor=world["officer"], run=run)
    run.refresh_from_db()
    assert run.status == RunStatus.APPROVED
    assert FundedMonth.objects.filter(run=run).count() == 3 * 5
    months = sorted({m.month for m in FundedMonth.objects.filter(run=run)})
    assert months == [dt.date(2025, m, 1) for m in range(8, 13)]
    assert Enrolment.objects.filter(run=run, status="pending").count() == 3

    # A new version is a new run; approving it does not silently replace the first.
    second = run_selection(actor=world["officer"], programme=world["programme"])
    assert second.version == 2
    with pytest.raises(ProgrammeError, match="already approved"):
        approve_run(actor=world["officer"], run=second)
    approve_run(actor=world["officer"], run=second, replace=True, reason="data desa diperbarui")
    run.refresh_from_db()
    assert run.status == RunStatus.SUPERSEDED
    assert FundedMonth.objects.count() == 15 and not FundedMonth.objects.filter(run=run).exists()
    assert Enrolment.objects.filter(run=second).count() == 3


def test_a_list_the_branch_has_answered_for_cannot_be_replaced(world):
    run = run_selection(actor=SYSTEM, programme=world["programme"])
    approve_run(actor=SYSTEM, run=run)
    Enrolment.objects.filter(run=run).update(status="accepted", kpj="KPJ1")
    second = run_selection(actor=SYSTEM, programme=world["programme"])
    with pytest.raises(ProgrammeError, match="already confirmed"):
        approve_run(actor=SYSTEM, run=second, replace=True, reason="ganti")


def test_a_person_funded_by_another_programme_is_excluded_for_overlapping_months(world):
    first = run_selection(actor=SYSTEM, programme=world["programme"])
    approve_run(actor=SYSTEM, run=first)
    regions = world["regions"]
    overlapping = approved(make_programme(
        regions["18.71"], kind="apbd_regency", funder_name="Pemkot", area=regions["18.71"],
        start_month=dt.date(2025, 12, 1), funded_months=3, **RULES,
    ))  # fmt: skip
    later = approved(make_programme(
        regions["18.71"], kind="apbd_regency", funder_name="Pemkot", name="Lanjutan",
        area=regions["18.71"], start_month=dt.date(2026, 1, 1), **RULES,
    ))  # fmt: skip
    funded = {world["c"][n].pk for n in ("fisher_1", "farmer_1", "farmer_2")}
    over = decisions(run_selection(actor=SYSTEM, programme=overlapping))
    assert {pk for pk, d in over.items() if d.reason == Reason.FUNDED_ELSEWHERE} == funded
    # The registry membership of "active" ends in September: free again in December.
    assert {pk for pk, d in over.items() if d.selected} == {
        world["c"][n].pk for n in ("fisher_3", "farmer_4", "active")
    }
    after = decisions(run_selection(actor=SYSTEM, programme=later))
    assert {pk for pk, d in after.items() if d.selected} == funded


def test_a_stale_run_cannot_double_fund(world):
    """Two programmes select the same people; the second approval finds them taken."""
    regions = world["regions"]
    other = approved(make_programme(
        regions["18.71"], kind="apbd_regency", funder_name="Pemkot", area=regions["18.71"], **RULES
    ))  # fmt: skip
    mine = run_selection(actor=SYSTEM, programme=world["programme"])
    theirs = run_selection(actor=SYSTEM, programme=other)
    approve_run(actor=SYSTEM, run=theirs)
    with pytest.raises(ProgrammeError, match="run the selection again"):
        approve_run(actor=SYSTEM, run=mine)
    mine.refresh_from_db()
    assert mine.status == RunStatus.DRAFT
    assert not FundedMonth.objects.filter(run=mine).exists()
    assert not Enrolment.objects.filter(run=mine).exists()
    rerun = decisions(run_selection(actor=SYSTEM, programme=world["programme"]))
    assert sum(d.reason == Reason.FUNDED_ELSEWHERE for d in rerun.values()) == 3


def test_only_drafts_are_discarded_and_a_draft_programme_cannot_select(world, region_tree):
    run = run_selection(actor=SYSTEM, programme=world["programme"])
    discard_run(actor=SYSTEM, run=run, reason="uji")
    with pytest.raises(ProgrammeError):
        approve_run(actor=SYSTEM, run=run)
    draft = make_programme(region_tree["18"], name="Draf", **RULES)
    with pytest.raises(ProgrammeError, match="approved programme"):
        run_selection(actor=SYSTEM, programme=draft)
