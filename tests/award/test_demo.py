"""The demo's Paritrana Award round (``demo.award``) on a small synthetic Lampung: the 15
regencies/cities, villages and businesses entered, answers with evidence, verification, the jury
with one conflict, a final run that recomputes to the same ranking, published results, and a
second call that changes nothing. One build per module, rolled back at its end."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from lindung.award import runs, selectors
from lindung.award.models import (
    Answer,
    Assignment,
    AssignmentKind,
    CategoryKind,
    Entry,
    EntryOrigin,
    EntryStatus,
    Evidence,
    JuryScore,
    Result,
    StageKind,
    Verdict,
)
from lindung.core.models import AuditLog
from lindung.demo.award import (
    APPLIED_VILLAGES,
    CUTOFF,
    FINALISTS,
    JURORS,
    demo_edition,
    ensure_demo_award,
    shortlist,
    tiny_pdf,
)

pytestmark = [pytest.mark.django_db, pytest.mark.engine]
DATA = Path(settings.LINDUNG_REFERENCE_DATA)
SEED = 7


def _small_world() -> None:
    """What the award reads, without the demo's slower steps: Lampung's regions, the small
    registry, the rates, the demo accounts and the coverage facts of the two months the award
    reads (cut-off and a year before)."""
    from lindung.contributions.services import load_rate_tables
    from lindung.coverage.services import refresh
    from lindung.demo.plan import make_plan
    from lindung.demo.populations import write_populations
    from lindung.demo.services import ensure_demo_accounts, link_demo_employer
    from lindung.demo.synthetic import build_registry
    from lindung.regions.services import load_minimum_wages, load_regions, load_worker_populations

    load_regions(DATA / "regions_lampung.csv")
    load_worker_populations(DATA / "lampung_labour.csv")
    load_minimum_wages(DATA / "lampung_minimum_wages.csv")
    plan = make_plan("small", DATA / "lampung_labour.csv")
    write_populations(plan)
    build_registry(plan, seed=SEED)
    load_rate_tables()
    ensure_demo_accounts()
    link_demo_employer()
    refresh(months=[dt.date(2022, 12, 31), CUTOFF])


@pytest.fixture(scope="module")
def built(module_db, tmp_path_factory):
    """The small demo registry and the award round, once for the module (about 6 s)."""
    files = tmp_path_factory.mktemp("award-files")
    with override_settings(AWARD_FILES_DIR=files):
        _small_world()
        created = ensure_demo_award()
        yield {"created": created, "edition": demo_edition(), "files": files}


def test_round_has_every_regency_villages_and_businesses(built) -> None:
    edition = built["edition"]
    assert edition.name == "Paritrana Award Provinsi Lampung 2023"
    assert (edition.assessment_year, edition.ceremony_year, edition.cutoff_date) == (
        2023, 2024, CUTOFF,
    )  # fmt: skip
    assert edition.stage == StageKind.PUBLISHED
    assert edition.categories.count() == 8
    entries = Entry.objects.filter(edition=edition)
    assert built["created"] == entries.count()
    regencies = entries.filter(category__kind=CategoryKind.REGENCY)
    assert regencies.count() == 15
    assert {e.subject_region.level for e in regencies} == {"regency"}
    villages = entries.filter(category__kind=CategoryKind.VILLAGE)
    assert 30 <= villages.count() <= 32
    assert {e.subject_region_id[:5] for e in villages} >= {e.subject_region_id for e in regencies}
    applied = set(villages.filter(origin=EntryOrigin.APPLIED).values_list("subject_region_id",
                                                                            flat=True))  # fmt: skip
    assert set(APPLIED_VILLAGES) <= applied | set(villages.values_list("subject_region_id",
                                                                          flat=True))  # fmt: skip
    for category in edition.categories.exclude(kind__in=[CategoryKind.REGENCY,
                                                         CategoryKind.VILLAGE]):  # fmt: skip
        assert category.entries.exists(), category.name
        assert not category.entries.filter(employer__isnull=True).exists()
    owned = entries.filter(employer__owner__isnull=False)
    assert owned.count() == 1 and owned.get().entrant_id == owned.get().employer.owner_id
    assert not entries.exclude(status=EntryStatus.VERIFIED).exists()


def test_answers_evidence_and_verification(built, settings) -> None:
    settings.AWARD_FILES_DIR = built["files"]  # the module's build, not this test's folder
    edition = built["edition"]
    answers = Answer.objects.filter(entry__edition=edition)
    verdicts = Counter(answers.values_list("verdict", flat=True))
    assert verdicts[Verdict.REJECTED] == 1
    assert 1 <= verdicts[Verdict.ADJUSTED] <= verdicts[Verdict.ACCEPTED] // 10
    assert verdicts[Verdict.PENDING] == 0
    for a in answers.exclude(verdict=Verdict.ACCEPTED):
        assert a.verdict_reason and a.verified_value < a.value
    assert not answers.filter(verified_by__isnull=True).exists()
    # Each entry has one verifier, the one who verified its answers.
    verifiers = Assignment.objects.filter(entry__edition=edition, kind=AssignmentKind.VERIFIER)
    assert verifiers.count() == edition.entries.count()
    for a in answers.select_related("entry")[:20]:
        assert verifiers.get(entry=a.entry).user_id == a.verified_by_id
    # Every answer above 0 has a one-page PDF whose hash is stored.
    evidence = Evidence.objects.filter(answer__entry__edition=edition)
    assert evidence.count() == answers.filter(value__gt=0).count()
    sample = evidence.first()
    with sample.file.open("rb") as handle:
        content = handle.read()
    assert content.startswith(b"%PDF-1.4") and content.rstrip().endswith(b"%%EOF")
    assert hashlib.sha256(content).hexdigest() == sample.sha256
    assert Path(sample.file.path).is_relative_to(built["files"])


def test_tiny_pdf_is_well_formed() -> None:
    pdf = tiny_pdf(["Bukti (contoh)", "Perbup No. 12\\2023 – ringkasan"])
    xref = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert pdf[xref:].startswith(b"xref\n0 6\n")
    offsets = [int(line[:10]) for line in pdf[xref:].split(b"\n")[3:8]]
    for number, offset in enumerate(offsets, start=1):
        assert pdf[offset:].startswith(f"{number} 0 obj".encode())
    assert b"\\(contoh\\)" in pdf and b"12\\\\2023" in pdf


def test_three_jurors_per_finalist_and_one_conflict(built) -> None:
    edition = built["edition"]
    first = edition.runs.get(number=1)
    finalists = shortlist(first)
    assert len(finalists) == 8
    interviewed = {e.pk for entries in finalists.values() for e in entries}
    assert all(len(v) == min(FINALISTS, Result.objects.filter(run=first, category_id=c).count())
               for c, v in finalists.items())  # fmt: skip
    jurors = Assignment.objects.filter(entry__edition=edition, kind=AssignmentKind.JUROR)
    assert set(jurors.values_list("entry_id", flat=True)) == interviewed
    assert Counter(jurors.values_list("entry_id", flat=True)) == dict.fromkeys(interviewed, 3)
    assert set(jurors.values_list("user__username", flat=True)) == set(JURORS)
    conflict = jurors.get(conflict=True)
    assert conflict.conflict_reason and not conflict.scores.exists()
    assert JuryScore.objects.filter(assignment__entry__edition=edition).count() == (
        3 * len(interviewed) - 1
    )


def test_final_run_recomputes_and_results_are_published(built) -> None:
    edition = built["edition"]
    assert list(edition.runs.order_by("number").values_list("number", "final")) == [
        (1, False), (2, True),
    ]  # fmt: skip
    final = edition.runs.get(final=True)
    assert runs.verify_run(final) and runs.verify_run(edition.runs.get(number=1))
    assert selectors.published_editions().filter(pk=edition.pk).exists()
    results = selectors.final_results(edition)
    assert results.count() == edition.entries.count()
    for category in edition.categories.all():
        ranks = sorted(results.filter(category=category).values_list("rank", flat=True))
        assert ranks[0] == 1, category.name
    # Only interviewed finalists have jury points; the winners come from the data.
    interviewed = set(
        Assignment.objects.filter(entry__edition=edition, kind=AssignmentKind.JUROR)
        .values_list("entry_id", flat=True)
    )  # fmt: skip
    assert set(results.filter(jury_score__gt=0).values_list("entry_id", flat=True)) == interviewed
    assert final.sensitivity and final.inputs["cutoff_date"] == CUTOFF.isoformat()


def test_second_call_changes_nothing(built) -> None:
    edition = built["edition"]
    before = (
        AuditLog.objects.count(),
        Entry.objects.count(),
        Answer.objects.count(),
        Evidence.objects.count(),
        edition.runs.count(),
    )
    assert ensure_demo_award() == 0
    after = (
        AuditLog.objects.count(),
        Entry.objects.count(),
        Answer.objects.count(),
        Evidence.objects.count(),
        edition.runs.count(),
    )
    assert after == before
