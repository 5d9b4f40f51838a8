"""Candidates linked to registry persons by NIK (``services.links``): new rows on either side
are linked on the next call, nothing is skipped, and a deleted person unlinks."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction

from lindung.core.imports.pipeline import run_import
from lindung.programmes.importers.candidates import CandidateImporter
from lindung.programmes.models import Candidate, CandidateLinks
from lindung.programmes.services.links import link_candidates
from tests.programmes.factories import CandidateFactory
from tests.registry.factories import PersonFactory

pytestmark = pytest.mark.engine

OWN = "18.71.01.1003"


def person_of(candidate: Candidate) -> int | None:
    return Candidate.objects.values_list("person_id", flat=True).get(pk=candidate.pk)


@pytest.mark.django_db
def test_candidates_and_persons_with_the_same_nik_are_linked_whichever_came_first(region_tree):
    registered_first = PersonFactory()
    early, late = CandidateFactory(nik=registered_first.nik), CandidateFactory()
    stranger = CandidateFactory()

    assert link_candidates() == 1
    assert person_of(early) == registered_first.pk
    assert person_of(late) is None and person_of(stranger) is None

    registered_later = PersonFactory(nik=late.nik)
    assert link_candidates() == 1
    assert person_of(late) == registered_later.pk
    assert person_of(stranger) is None
    assert link_candidates() == 0  # nothing new on either side


@pytest.mark.django_db
def test_the_marks_move_to_the_last_rows_seen(region_tree):
    CandidateFactory.create_batch(3)
    last = PersonFactory()
    link_candidates()
    mark = CandidateLinks.objects.get()
    assert mark.persons_through == last.pk
    assert mark.candidates_through == Candidate.objects.order_by("-pk").first().pk
    assert mark.linked_at is not None


@pytest.mark.django_db
def test_a_deleted_person_unlinks_and_its_successor_is_linked(region_tree):
    candidate = CandidateFactory()
    PersonFactory(nik=candidate.nik).delete()
    link_candidates()
    assert person_of(candidate) is None  # deleted before the link: nothing to link to

    again = PersonFactory(nik=candidate.nik)
    link_candidates()
    assert person_of(candidate) == again.pk
    again.delete()
    assert person_of(candidate) is None
    third = PersonFactory(nik=candidate.nik)
    link_candidates()
    assert person_of(candidate) == third.pk


@pytest.mark.django_db
def test_marks_beyond_the_tables_mean_they_were_emptied_and_everything_is_looked_up(region_tree):
    candidate = CandidateFactory()
    person = PersonFactory(nik=candidate.nik)
    CandidateLinks.objects.create(pk=1, persons_through=10**12, candidates_through=10**12)
    assert link_candidates() == 1
    assert person_of(candidate) == person.pk


@pytest.mark.django_db
def test_a_candidate_import_links_its_rows_when_it_ends(region_tree, tmp_path):
    person = PersonFactory()
    other_nik = CandidateFactory.build().nik
    path = tmp_path / "dtsen.csv"
    path.write_text(
        "nik;nama;kode_desa;desil\n"
        f"{person.nik};Warga Terdaftar;{OWN};2\n"
        f"{other_nik};Warga Baru;{OWN};3\n",
        encoding="utf-8",
    )
    job = run_import(CandidateImporter(), path)
    assert job.rows_imported == 2
    assert Candidate.objects.get(nik=person.nik).person_id == person.pk
    assert Candidate.objects.get(nik=other_nik).person_id is None


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers: PostgreSQL")
def test_a_person_being_written_while_linking_is_waited_for_not_skipped(region_tree):
    """Identity values are not handed out in commit order: a person committed after a later
    id must still be linked, so linking waits for writers that are still running."""
    candidate = CandidateFactory()
    written, release = threading.Event(), threading.Event()
    finished: list[float] = []

    def slow_writer():
        try:
            with transaction.atomic():
                PersonFactory(nik=candidate.nik)
                written.set()
                release.wait(10)
        finally:
            connections.close_all()

    def linker():
        try:
            written.wait(10)
            link_candidates()
            finished.append(time.monotonic())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=slow_writer), threading.Thread(target=linker)]
    for t in threads:
        t.start()
    written.wait(10)
    time.sleep(0.5)
    assert not finished  # the linker waits for the open transaction
    released = time.monotonic()
    release.set()
    for t in threads:
        t.join(30)
    assert finished and finished[0] >= released
    assert person_of(candidate) is not None
