"""The award's rules: editions and default criteria, who may write what in which stage,
verification, conflicts, frozen runs that recompute to the same ranking, and their audit."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from lindung.award import runs, services
from lindung.award.models import (
    AssignmentKind,
    CategoryKind,
    Criterion,
    CriterionKind,
    EntryStatus,
    JuryScore,
    Result,
    StageKind,
    Verdict,
)
from lindung.award.services import AwardError
from lindung.core.models import AuditLog
from lindung.core.scope import SYSTEM
from tests.award.factories import (
    answer_all,
    award_world,
    category,
    make_edition,
    move_to,
    play_round,
)
from tests.registry.factories import registry_world

pytestmark = pytest.mark.engine


@pytest.fixture
def world(region_tree, users_by_role):
    world = {"users": users_by_role}
    world.update(registry_world(region_tree, users_by_role))
    world.update(award_world(region_tree, world))
    return world


def test_edition_gets_the_default_criteria_with_weights_summing_to_100(region_tree):
    edition = make_edition(region_tree["18"])
    with services.DEFAULT_CRITERIA.open() as handle:
        rows = list(csv.DictReader(handle))
    for cat in edition.categories.all():
        expected = [r["code"] for r in rows if r["category_kind"] == cat.kind]
        criteria = list(cat.criteria.all())
        assert [c.code for c in criteria] == expected
        assert sum(c.weight for c in criteria) == Decimal(100)
        kinds = {c.kind for c in criteria}
        assert kinds == {CriterionKind.INDICATOR, CriterionKind.QUESTIONNAIRE, CriterionKind.JURY}
        assert all(c.indicator for c in criteria if c.kind == CriterionKind.INDICATOR)


def test_entries_fit_their_category_and_edition(world, region_tree):
    edition = world["award_edition"]
    regency = category(edition, CategoryKind.REGENCY)
    with pytest.raises(AwardError, match="does not fit"):
        services.add_entry(actor=SYSTEM, category=regency, region=region_tree["18.71.01.1003"])
    with pytest.raises(AwardError, match="does not fit"):
        services.add_entry(actor=SYSTEM, category=regency, region=region_tree["31.71"])
    with pytest.raises(AwardError, match="already entered"):
        services.add_entry(actor=SYSTEM, category=regency, region=region_tree["18.71"])
    with pytest.raises(AwardError, match="for companies"):
        services.add_entry(
            actor=SYSTEM,
            category=category(edition, CategoryKind.BUSINESS_LARGE),
            region=region_tree["18.71"],
        )
    company = world["own_company_entry"]
    assert company.entrant == world["own_employer"].owner
    assert company.village_code == world["own_employer"].village_id


def test_only_the_entrant_answers_in_self_assessment(world):
    users, entry = world["users"], world["own_entry"]
    item = entry.category.criteria.filter(kind=CriterionKind.QUESTIONNAIRE).first()
    # Entrants of other entries are refused by the rules; roles that enter nothing by the check.
    for role in ("village_operator", "employer"):
        with pytest.raises(AwardError, match="not this entry's entrant"):
            services.answer(actor=users[role], entry=entry, criterion=item, value=1)
    for role in ("award_verifier", "province_officer"):
        with pytest.raises(PermissionDenied):
            services.answer(actor=users[role], entry=entry, criterion=item, value=1)
    with pytest.raises(AwardError, match="0–4"):
        services.answer(actor=users["regency_officer"], entry=entry, criterion=item, value=5)
    jury_item = entry.category.criteria.get(kind=CriterionKind.JURY)
    with pytest.raises(AwardError, match="unknown questionnaire item"):
        services.answer(actor=users["regency_officer"], entry=entry, criterion=jury_item, value=1)
    # The company's staff answer for their own company, not for the regency.
    company = world["own_company_entry"]
    answer_all(company, users["employer"], value=2)
    assert company.answers.count() == 2 and company.status == EntryStatus.SUBMITTED


def test_submit_needs_every_answer_and_closes_the_entry(world):
    officer, entry = world["users"]["village_operator"], world["own_village_entry"]
    items = list(entry.category.criteria.filter(kind=CriterionKind.QUESTIONNAIRE))
    services.answer(actor=officer, entry=entry, criterion=items[0], value=4)
    with pytest.raises(AwardError, match="answer every questionnaire item"):
        services.submit_entry(actor=officer, entry=entry)
    for item in items[1:]:
        services.answer(actor=officer, entry=entry, criterion=item, value=1)
    services.submit_entry(actor=officer, entry=entry)
    with pytest.raises(AwardError, match="submitted already"):
        services.answer(actor=officer, entry=entry, criterion=items[0], value=0)


def test_evidence_types_and_checksum(world):
    officer, answer = world["users"]["regency_officer"], world["own_answer"]
    pdf = SimpleUploadedFile("perda.pdf", b"%PDF-1.4 bukti", "application/pdf")
    evidence = services.add_evidence(actor=officer, answer=answer, upload=pdf)
    assert evidence.size == 14 and len(evidence.sha256) == 64
    with pytest.raises(AwardError, match="file type not accepted"):
        services.add_evidence(
            actor=officer, answer=answer, upload=SimpleUploadedFile("x.exe", b"MZ", "x")
        )
    with pytest.raises(AwardError, match="content does not match"):
        services.add_evidence(
            actor=officer, answer=answer, upload=SimpleUploadedFile("x.pdf", b"MZ\x90", "x")
        )
    with pytest.raises(AwardError, match="not this entry's entrant"):
        services.add_evidence(actor=world["users"]["employer"], answer=answer, upload=pdf)
    with pytest.raises(AwardError, match="must be 0–4"):
        services.answer(actor=officer, entry=answer.entry, criterion=answer.criterion, value="x")


def test_verification_by_the_assigned_verifier_in_its_stage(world, make_user):
    users, entry = world["users"], world["own_entry"]
    services.submit_entry(actor=users["regency_officer"], entry=entry)
    answers = list(entry.answers.order_by("criterion__position"))
    verifier = users["award_verifier"]
    with pytest.raises(AwardError, match="does not allow"):
        services.verify_answer(actor=verifier, answer=answers[0], verdict=Verdict.ACCEPTED)
    move_to(world["award_edition"], StageKind.VERIFICATION)
    entry.refresh_from_db()
    stranger = make_user("award_verifier")
    with pytest.raises(AwardError, match="not assigned to you"):
        services.verify_answer(actor=stranger, answer=answers[0], verdict=Verdict.ACCEPTED)
    with pytest.raises(AwardError, match="a reason is required"):
        services.verify_answer(actor=verifier, answer=answers[0], verdict=Verdict.ADJUSTED, value=1)
    services.verify_answer(
        actor=verifier, answer=answers[0], verdict=Verdict.ADJUSTED, value=1, reason="SE only"
    )
    services.verify_answer(
        actor=verifier, answer=answers[1], verdict=Verdict.REJECTED, reason="no evidence"
    )
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED  # one answer still pending
    for answer in answers[2:]:
        services.verify_answer(actor=verifier, answer=answer, verdict=Verdict.ACCEPTED)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.VERIFIED
    counted = [a.counted_value for a in entry.answers.order_by("criterion__position")]
    assert counted == [1, 0, 3, 3]
    reasons = AuditLog.objects.filter(action__startswith="award.answer.").values_list(
        "action", "reason"
    )
    assert set(reasons) == {
        ("award.answer.adjusted", "SE only"),
        ("award.answer.rejected", "no evidence"),
        ("award.answer.accepted", ""),
    }


def test_jury_scores_and_conflicts(world):
    users, entry = world["users"], world["own_entry"]
    juror = users["award_jury"]
    interview = entry.category.criteria.get(kind=CriterionKind.JURY)
    move_to(world["award_edition"], StageKind.INTERVIEW)
    entry.refresh_from_db()
    with pytest.raises(AwardError, match="0–100"):
        services.score(actor=juror, entry=entry, criterion=interview, value=101)
    services.score(actor=juror, entry=entry, criterion=interview, value="88.5")
    with pytest.raises(AwardError, match="not assigned to you"):
        services.score(actor=juror, entry=world["foreign_entry"], criterion=interview, value=50)
    assignment = entry.assignments.get(kind=AssignmentKind.JUROR)
    with pytest.raises(PermissionDenied):  # a verifier does not judge
        services.declare_conflict(actor=users["award_verifier"], assignment=assignment, reason="x")
    with pytest.raises(AwardError, match="not your juror assignment"):
        services.declare_conflict(actor=users["admin"], assignment=assignment, reason="x")
    services.declare_conflict(actor=juror, assignment=assignment, reason="my brother is Sekda")
    assert not JuryScore.objects.filter(assignment=assignment).exists()
    with pytest.raises(AwardError, match="conflict of interest"):
        services.score(actor=juror, entry=entry, criterion=interview, value=70)


def test_assign_only_award_roles(world):
    entry = world["own_entry"]
    with pytest.raises(AwardError, match="role does not fit"):
        services.assign(
            actor=SYSTEM, entry=entry, user=world["users"]["auditor"], kind=AssignmentKind.JUROR
        )


def full_round(world) -> None:
    """A played round (tests/award/factories.play_round), then indicators frozen."""
    play_round(world)
    runs.freeze_indicators(actor=SYSTEM, edition=world["award_edition"])


def test_recomputing_from_frozen_inputs_gives_the_same_ranking(world):
    full_round(world)
    edition = world["award_edition"]
    run = runs.compute_run(actor=world["users"]["province_officer"], edition=edition)
    regency = category(edition, CategoryKind.REGENCY)
    first = [(r.entry.name, r.rank, r.total) for r in run.results.filter(category=regency)]
    # Own: verified answers (3/4 × 20) + the jury's 60 × 10 % on top of equal indicators.
    assert first[0][:2] == ("Kota Bandar Lampung", 1)
    assert first[0][2] - first[1][2] == Decimal("21")
    assert runs.verify_run(run)

    # The live data moves on: a weight changes and a new jury score arrives. The run's frozen
    # inputs still give the stored ranking; a new run sees the new data.
    interview = regency.criteria.get(kind=CriterionKind.JURY)
    services.set_weight(actor=SYSTEM, criterion=interview, weight=0, reason="jury weight contested")
    assert runs.recompute(run) == runs.stored_ranking(run)
    assert runs.verify_run(run)
    second = runs.compute_run(actor=SYSTEM, edition=edition)
    assert second.number == 2 and second.inputs_sha256 != run.inputs_sha256

    # Tampering is caught: the stored inputs no longer match their hash, or a stored rank moved.
    Result.objects.filter(run=run, entry=world["own_entry"]).update(rank=2)
    assert not runs.verify_run(run)
    run.inputs["categories"][0]["entries"][0]["name"] = "X"
    with pytest.raises(AwardError, match="altered"):
        runs.recompute(run)


def test_every_score_is_audited_with_its_source(world):
    full_round(world)
    run = runs.compute_run(actor=world["users"]["province_officer"], edition=world["award_edition"])
    result = run.results.get(entry=world["own_entry"])
    scores = {s.criterion.code: s for s in result.scores.select_related("criterion")}
    assert set(scores) == set(result.category.criteria.values_list("code", flat=True))
    regulation = scores["regulation"]
    assert regulation.raw == 3 and regulation.normalised == 75
    assert regulation.source["verdict"] == "accepted"
    assert regulation.source["verified_by"] == world["users"]["award_verifier"].pk
    assert scores["interview"].source["jurors"][0]["user"] == world["users"]["award_jury"].pk
    assert scores["coverage"].source["indicator"]["source"] == "coverage_pct"
    assert sum(s.points for s in scores.values()) == result.total
    assert run.formula_version == "1" and run.computed_by == world["users"]["province_officer"]
    audit = AuditLog.objects.get(action="award.run.compute")
    assert audit.after["inputs_sha256"] == run.inputs_sha256


def test_publishing_needs_a_final_run_and_freezes_the_edition(world):
    full_round(world)
    edition = world["award_edition"]
    run = runs.compute_run(actor=SYSTEM, edition=edition)
    with pytest.raises(AwardError, match="does not allow"):
        runs.finalise(actor=SYSTEM, run=run)
    move_to(edition, StageKind.JURY_DECISION)
    with pytest.raises(AwardError, match="final scoring run"):
        services.advance_stage(actor=SYSTEM, edition=edition)
    runs.finalise(actor=SYSTEM, run=run)
    services.advance_stage(actor=SYSTEM, edition=edition)
    assert edition.published
    criterion = Criterion.objects.filter(category__edition=edition).first()
    with pytest.raises(AwardError, match="published"):
        services.set_weight(actor=SYSTEM, criterion=criterion, weight=1, reason="late")
    with pytest.raises(AwardError, match="published"):
        runs.compute_run(actor=SYSTEM, edition=edition)
    with pytest.raises(AwardError, match="last stage"):
        services.advance_stage(actor=SYSTEM, edition=edition)
