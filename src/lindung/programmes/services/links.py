"""Candidates linked to registry persons by NIK, incrementally (issue 6: selection speed).

A selection asks of every candidate "is this a BPJS participant in the funded months?". Matching
500,000 candidate NIKs against a million registry NIKs on every run cost most of a run; a
stored ``Candidate.person`` turns the question into a key lookup. Links are made here only,
from both sides, and only for what is new since the last call (``CandidateLinks``):

* candidates added since: looked up among all persons;
* unlinked older candidates: looked up among the persons added since.

Deleting a person unlinks its candidates (SET_NULL); a person created again has a new id, so
the next call links it. On PostgreSQL the call first waits for the transactions writing either
table and keeps others from writing until its own transaction ends, so no row committed "behind"
a watermark is ever skipped (identity values are not handed out in commit order). Call it inside
the transaction whose reads must see the links (``run_selection`` does).
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from lindung.programmes.models import Candidate, CandidateLinks
from lindung.registry.models import Person

# The candidate's person by NIK, for the candidates of the WHERE clause that have one.
_PERSONS = Person._meta.db_table  # the registry's table by its model: an arrow the contract sees
_LINK = (
    f"UPDATE programmes_candidate SET person_id = (SELECT p.id FROM {_PERSONS} p "  # noqa: S608
    "WHERE p.nik = programmes_candidate.nik) "
    f"WHERE person_id IS NULL AND {{where}} AND nik IN (SELECT nik FROM {_PERSONS} {{persons}})"
)


def _since(mark: int, last: int) -> int:
    """Where to look from: the mark, or 0 when the table's ids no longer reach it (it was
    emptied and its ids started again)."""
    return mark if mark <= last else 0


def link_candidates() -> int:
    """Link the candidates and persons that are new since the last call; returns the number
    of candidates linked."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                # SHARE ROW EXCLUSIVE conflicts with itself: callers queue up here.
                cur.execute("LOCK TABLE programmes_candidate IN SHARE ROW EXCLUSIVE MODE")
                cur.execute(f"LOCK TABLE {_PERSONS} IN SHARE MODE")
        mark, _ = CandidateLinks.objects.select_for_update().get_or_create(pk=1)
        last_person = Person.objects.aggregate(m=Max("pk"))["m"] or 0
        last_candidate = Candidate.objects.aggregate(m=Max("pk"))["m"] or 0
        persons_from = _since(mark.persons_through, last_person)
        candidates_from = _since(mark.candidates_through, last_candidate)
        linked = 0
        with connection.cursor() as cur:
            if last_candidate > candidates_from:
                cur.execute(
                    _LINK.format(where="id > %s AND id <= %s", persons=""),
                    [candidates_from, last_candidate],
                )
                linked += cur.rowcount
            if last_person > persons_from and candidates_from:
                cur.execute(
                    _LINK.format(where="id <= %s", persons="WHERE id > %s AND id <= %s"),
                    [candidates_from, persons_from, last_person],
                )
                linked += cur.rowcount
        if (mark.persons_through, mark.candidates_through) != (last_person, last_candidate):
            mark.persons_through, mark.candidates_through = last_person, last_candidate
            mark.linked_at = timezone.now()
            mark.save()
    return linked
