"""The award portal through its pages: the entrant fills in and submits its own entry with
evidence, the assigned verifier gives verdicts, the assigned jurors score or declare a conflict;
everyone else gets 404 (not visible) or 403 (no capability), and every refusal of the services
comes back as a message on the entry page."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lindung.award import services
from lindung.award.models import (
    Answer,
    Assignment,
    AssignmentKind,
    CriterionKind,
    Entry,
    EntryStatus,
    JuryScore,
    StageKind,
    Verdict,
)
from lindung.core.roles import Role
from lindung.core.scope import SYSTEM
from tests.award.factories import award_world, move_to
from tests.registry.factories import registry_world

# A real (tiny) one-page PDF.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture
def world(region_tree, users_by_role):
    world: dict[str, Any] = {"users": users_by_role}
    world.update(registry_world(region_tree, users_by_role))
    world.update(award_world(region_tree, world))
    return world


def url(name: str, pk: int) -> str:
    return reverse(f"award:{name}", kwargs={"pk": pk})


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def items(entry: Entry, kind: str = CriterionKind.QUESTIONNAIRE):
    return list(entry.category.criteria.filter(kind=kind))


@pytest.fixture
def fresh_entry(world, region_tree):
    """The own regency entry before anything was answered (award_world answers it)."""
    entry = world["own_entry"]
    entry.answers.all().delete()
    return entry


def test_entrant_answers_uploads_evidence_and_submits(client, world, fresh_entry):
    entry, officer = fresh_entry, world["users"]["regency_officer"]
    client.force_login(officer)
    page = client.get(url("entry", entry.pk))
    assert page.status_code == 200
    n = len(items(entry))
    assert n >= 3
    assert page.content.decode().count('class="row g-2 align-items-end answer-form"') == n
    assert b'id="submit-button" disabled' in page.content

    for criterion in items(entry):
        response = client.post(
            url("answer", entry.pk), {"criterion": criterion.pk, "value": 3, "text": "Perda 2"}
        )
        assert response.status_code == 302 and response.url == url("entry", entry.pk)
    assert sorted(entry.answers.values_list("value", flat=True)) == [3] * n

    first = entry.answers.order_by("pk").first()
    upload = SimpleUploadedFile("perda-2024.pdf", PDF, content_type="application/pdf")
    response = client.post(url("evidence", first.pk), {"file": upload})
    assert response.status_code == 302
    evidence = first.evidence.get()
    assert evidence.name == "perda-2024.pdf" and evidence.size == len(PDF)
    download = client.get(url("evidence-file", evidence.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "perda-2024.pdf" in download["Content-Disposition"]

    page = client.get(url("entry", entry.pk))
    assert b"perda-2024.pdf" in page.content and b'id="submit-button" disabled' not in page.content
    response = client.post(url("submit", entry.pk))
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED and entry.submitted_at is not None

    # Submitted: no more changes, and the page offers no forms.
    response = client.post(
        url("answer", entry.pk), {"criterion": items(entry)[0].pk, "value": 0, "text": ""}
    )
    assert any("sudah dikirim" in t for t in texts(response))
    assert first.__class__.objects.get(pk=first.pk).value == 3
    again = SimpleUploadedFile("lagi.pdf", PDF, content_type="application/pdf")
    response = client.post(url("evidence", first.pk), {"file": again})
    assert any("sudah dikirim" in t for t in texts(response))
    assert first.evidence.count() == 1
    page = client.get(url("entry", entry.pk))
    assert b"answer-form" not in page.content and b"submit-form" not in page.content


def test_answer_outside_the_items_range_and_unknown_items_are_refused(client, world, fresh_entry):
    entry = fresh_entry
    client.force_login(world["users"]["regency_officer"])
    item = items(entry)[0]
    response = client.post(url("answer", entry.pk), {"criterion": item.pk, "value": 9})
    assert any(f"0–{item.max_points}" in t for t in texts(response))
    jury = items(entry, CriterionKind.JURY)[0]
    client.post(url("answer", entry.pk), {"criterion": jury.pk, "value": 1})
    response = client.post(url("answer", entry.pk), {"criterion": item.pk, "value": "tiga"})
    assert texts(response)
    assert not entry.answers.exists()
    # Submitting with items unanswered is refused.
    response = client.post(url("submit", entry.pk))
    assert any("jawab semua" in t for t in texts(response))
    entry.refresh_from_db()
    assert entry.status == EntryStatus.DRAFT


def test_an_exe_is_not_evidence(client, world):
    client.force_login(world["users"]["regency_officer"])
    answer = world["own_answer"]
    bad = SimpleUploadedFile("virus.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = client.post(url("evidence", answer.pk), {"file": bad})
    assert any("jenis berkas" in t for t in texts(response))
    assert not answer.evidence.exists()


def test_another_regency_sees_nothing_of_the_entry(client, world, make_user):
    entry, answer = world["own_entry"], world["own_answer"]
    evidence = services.add_evidence(
        actor=world["users"]["regency_officer"],
        answer=answer,
        upload=SimpleUploadedFile("perda.pdf", PDF),
    )
    client.force_login(make_user(Role.REGENCY_OFFICER, scope=["18.72"]))
    assert client.get(url("entry", entry.pk)).status_code == 404
    assert client.post(url("answer", entry.pk), {"criterion": 1, "value": 1}).status_code == 404
    assert client.post(url("submit", entry.pk)).status_code == 404
    assert client.get(url("evidence-file", evidence.pk)).status_code == 404
    up = SimpleUploadedFile("x.pdf", PDF)
    assert client.post(url("evidence", answer.pk), {"file": up}).status_code == 404
    # ... while its own entry is open to it.
    assert client.get(url("entry", world["foreign_entry"].pk)).status_code == 200
    # Reading is not entering: the province officer reads the entry but may not answer it.
    client.force_login(world["users"]["province_officer"])
    assert client.get(url("entry", entry.pk)).status_code == 200
    assert client.get(url("evidence-file", evidence.pk)).status_code == 200
    assert client.post(url("answer", entry.pk), {"criterion": 1, "value": 1}).status_code == 403


@pytest.fixture
def submitted(world):
    """The own entry answered (3 of 4 on each item), submitted, in the verification stage."""
    entry = world["own_entry"]
    services.submit_entry(actor=world["users"]["regency_officer"], entry=entry)
    move_to(entry.edition, StageKind.VERIFICATION)
    return entry


def test_verifier_adjusts_with_reason_rejects_and_accepts(client, world, submitted):
    entry = submitted
    client.force_login(world["users"]["award_verifier"])
    page = client.get(url("entry", entry.pk)).content.decode()
    answers = list(entry.answers.order_by("criterion__position"))
    assert page.count("verify-form") == len(answers) >= 3
    first, second, third, *rest = answers

    response = client.post(url("verify", first.pk), {"verdict": "adjusted", "value": 1})
    assert response.url == url("entry", entry.pk)
    assert any("alasan wajib" in t for t in texts(response))
    first.refresh_from_db()
    assert first.verdict == Verdict.PENDING
    client.post(url("verify", first.pk), {"verdict": "adjusted", "value": 9, "reason": "x"})
    first.refresh_from_db()
    assert first.verdict == Verdict.PENDING

    client.post(
        url("verify", first.pk),
        {"verdict": "adjusted", "value": 1, "reason": "Perda belum diundangkan"},
    )
    first.refresh_from_db()
    assert (first.verdict, first.verified_value, first.value) == (Verdict.ADJUSTED, 1, 3)
    assert first.verdict_reason == "Perda belum diundangkan"

    response = client.post(url("verify", second.pk), {"verdict": "rejected"})
    assert any("alasan wajib" in t for t in texts(response))
    client.post(url("verify", second.pk), {"verdict": "rejected", "reason": "Tanpa bukti"})
    second.refresh_from_db()
    assert (second.verdict, second.verified_value) == (Verdict.REJECTED, 0)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED  # one answer still pending

    for other in rest:
        client.post(url("verify", other.pk), {"verdict": "accepted"})
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED  # the third still pending
    client.post(url("verify", third.pk), {"verdict": "accepted"})
    third.refresh_from_db()
    entry.refresh_from_db()
    assert (third.verdict, third.verified_value) == (Verdict.ACCEPTED, 3)
    assert entry.status == EntryStatus.VERIFIED

    # The entrant reads the verdicts and reasons on its page.
    client.force_login(world["users"]["regency_officer"])
    page = client.get(url("entry", entry.pk)).content.decode()
    assert "Perda belum diundangkan" in page and "Tanpa bukti" in page
    assert "verify-form" not in page and "answer-form" not in page


def test_unassigned_verifier_gets_404_and_verdicts_wait_for_their_stage(client, world, make_user):
    entry, answer = world["own_entry"], world["own_answer"]
    client.force_login(make_user(Role.AWARD_VERIFIER))
    assert client.get(url("entry", entry.pk)).status_code == 404
    assert client.post(url("verify", answer.pk), {"verdict": "accepted"}).status_code == 404

    # The assigned verifier during self-assessment: no forms, and a posted verdict is refused.
    client.force_login(world["users"]["award_verifier"])
    assert b"verify-form" not in client.get(url("entry", entry.pk)).content
    response = client.post(url("verify", answer.pk), {"verdict": "accepted"})
    assert any("tahap" in t for t in texts(response))
    answer.refresh_from_db()
    assert answer.verdict == Verdict.PENDING
    # A juror may not give verdicts at all.
    client.force_login(world["users"]["award_jury"])
    assert client.post(url("verify", answer.pk), {"verdict": "accepted"}).status_code == 403


@pytest.fixture
def interview(world, submitted, make_user):
    """The own entry in the interview stage with a second juror assigned."""
    other = make_user(Role.AWARD_JURY)
    services.assign(actor=SYSTEM, entry=submitted, user=other, kind=AssignmentKind.JUROR)
    move_to(submitted.edition, StageKind.INTERVIEW)
    return {"entry": submitted, "other": other, "jury": items(submitted, CriterionKind.JURY)[0]}


def test_juror_scores_0_to_100_and_a_conflict_withdraws_the_scores(client, world, interview):
    entry, criterion = interview["entry"], interview["jury"]
    juror = world["users"]["award_jury"]
    client.force_login(juror)
    assert b"score-form" in client.get(url("entry", entry.pk)).content
    client.post(url("score", entry.pk), {"criterion": criterion.pk, "score": "82.5"})
    mine = JuryScore.objects.get(assignment__user=juror)
    assert str(mine.score) == "82.50"

    response = client.post(url("score", entry.pk), {"criterion": criterion.pk, "score": "101"})
    assert any("0–100" in t for t in texts(response))
    mine.refresh_from_db()
    assert str(mine.score) == "82.50"
    client.post(url("score", entry.pk), {"criterion": criterion.pk, "score": "-1"})
    mine.refresh_from_db()
    assert str(mine.score) == "82.50"

    assignment = Assignment.objects.get(entry=entry, user=juror, kind=AssignmentKind.JUROR)
    response = client.post(url("conflict", assignment.pk), {"reason": ""})
    assert texts(response) and not Assignment.objects.get(pk=assignment.pk).conflict
    response = client.post(url("conflict", assignment.pk), {"reason": "Kakak ipar bupati"})
    assert response.url == url("entry", entry.pk)
    assignment.refresh_from_db()
    assert assignment.conflict and assignment.conflict_reason == "Kakak ipar bupati"
    assert not JuryScore.objects.filter(assignment=assignment).exists()

    response = client.post(url("score", entry.pk), {"criterion": criterion.pk, "score": "70"})
    assert any("konflik kepentingan" in t for t in texts(response))
    assert not JuryScore.objects.filter(assignment=assignment).exists()
    page = client.get(url("entry", entry.pk)).content
    assert b'id="conflict-notice"' in page and b"score-form" not in page
    assert b"conflict-form" not in page


def test_a_juror_never_sees_another_jurors_scores(client, world, interview, make_user):
    entry, criterion, other = interview["entry"], interview["jury"], interview["other"]
    services.score(
        actor=other, entry=entry, criterion=criterion, value="37.25", comment="Paparan lemah"
    )
    services.score(actor=world["users"]["award_jury"], entry=entry, criterion=criterion, value="64")
    for role in ("award_jury", "regency_officer", "award_verifier"):
        client.force_login(world["users"][role])
        page = client.get(url("entry", entry.pk)).content.decode()
        assert "37.25" not in page and "37,25" not in page, role
        assert "Paparan lemah" not in page and other.username not in page, role
    # The organiser reads every juror's score.
    client.force_login(world["users"]["province_officer"])
    page = client.get(url("entry", entry.pk)).content.decode()
    assert ("37,25" in page or "37.25" in page) and "Paparan lemah" in page
    assert "64,00" in page or "64.00" in page


def test_conflict_on_someone_elses_assignment_is_404(client, world, interview):
    theirs = Assignment.objects.get(user=interview["other"], kind=AssignmentKind.JUROR)
    client.force_login(world["users"]["award_jury"])
    assert client.post(url("conflict", theirs.pk), {"reason": "x"}).status_code == 404
    verifier = Assignment.objects.get(entry=interview["entry"], kind=AssignmentKind.VERIFIER)
    client.force_login(world["users"]["award_verifier"])
    assert client.post(url("conflict", verifier.pk), {"reason": "x"}).status_code == 403
    assert not Assignment.objects.filter(conflict=True).exists()


def test_wrong_stage_is_refused_with_a_message(client, world, fresh_entry):
    entry = fresh_entry
    jury = items(entry, CriterionKind.JURY)[0]
    client.force_login(world["users"]["award_jury"])
    page = client.get(url("entry", entry.pk)).content
    assert b'id="scoring-closed"' in page and b"score-form" not in page
    response = client.post(url("score", entry.pk), {"criterion": jury.pk, "score": "50"})
    assert any("tahap" in t for t in texts(response))
    assert not JuryScore.objects.exists()
    # The entrant, once the edition moved on to verification, can no longer answer.
    move_to(entry.edition, StageKind.VERIFICATION)
    client.force_login(world["users"]["regency_officer"])
    item = items(entry)[0]
    response = client.post(url("answer", entry.pk), {"criterion": item.pk, "value": 1})
    assert any("tahap" in t for t in texts(response))
    assert not Answer.objects.filter(entry=entry).exists()


def test_worklists_count_pending_answers_scores_and_conflicts(client, world, interview):
    entry = interview["entry"]
    company = world["own_company_entry"]
    for criterion in items(company):
        Answer.objects.create(entry=company, criterion=criterion, value=2)
    first = entry.answers.order_by("pk").first()
    Answer.objects.filter(pk=first.pk).update(verdict=Verdict.ACCEPTED, verified_value=3)
    client.force_login(world["users"]["award_verifier"])
    page = client.get(reverse("award:verifications"))
    rows = {a.entry_id: a for a in page.context["rows"]}
    assert set(rows) == {entry.pk, world["own_company_entry"].pk}
    n = len(items(entry))
    assert (rows[entry.pk].answers_total, rows[entry.pk].answers_pending) == (n, n - 1)
    assert rows[company.pk].answers_pending == len(items(company)) == 2
    assert world["foreign_entry"].name not in page.content.decode()

    juror = world["users"]["award_jury"]
    services.score(actor=juror, entry=entry, criterion=interview["jury"], value=50)
    assignment = Assignment.objects.get(
        entry=world["own_company_entry"], user=juror, kind=AssignmentKind.JUROR
    )
    services.declare_conflict(actor=juror, assignment=assignment, reason="Pemegang saham")
    client.force_login(juror)
    page = client.get(reverse("award:jury"))
    rows = {a.entry_id: a for a in page.context["rows"]}
    assert (rows[entry.pk].scored, rows[entry.pk].jury_criteria, rows[entry.pk].conflict) == (
        1,
        1,
        False,
    )
    assert rows[world["own_company_entry"].pk].conflict
    assert client.get(reverse("award:verifications")).status_code == 403


def test_worklists_and_entry_page_take_a_bounded_number_of_queries(
    client, world, interview, django_assert_max_num_queries
):
    """Counts come from subqueries and evidence is prefetched: no query per row."""
    client.force_login(world["users"]["award_verifier"])
    with django_assert_max_num_queries(4):
        assert client.get(reverse("award:verifications")).status_code == 200
    client.force_login(world["users"]["award_jury"])
    with django_assert_max_num_queries(4):
        assert client.get(reverse("award:jury")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(url("entry", interview["entry"].pk)).status_code == 200
