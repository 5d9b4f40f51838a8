"""Enrolment at the BPJS branch: the by-name-by-NIK file to the branch (CSV and XLSX), and the
branch's answer through the import pipeline — accepted rows become BPU memberships funded by the
programme for exactly the funded period, rejected rows keep the reason, bad rows are reported
with line and reason (NIKs masked), and a repeated answer changes nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest

from lindung.core.imports.pipeline import run_import
from lindung.core.models import AuditLog, ImportJob, ImportRejection
from lindung.core.nik import mask_nik
from lindung.core.scope import SYSTEM
from lindung.programmes.importers.confirmations import ConfirmationImporter
from lindung.programmes.models import (
    Enrolment,
    EnrolmentStatus,
    Programme,
    ProgrammeStatus,
    RunStatus,
    SelectionRun,
)
from lindung.programmes.services.enrolment import (
    ENROLMENT_COLUMNS,
    enrolment_rows,
    write_enrolment_file,
)
from lindung.programmes.services.plans import move
from lindung.registry.models import Funding, Membership, Person, Segment
from tests.programmes.factories import CandidateFactory, make_programme
from tests.registry.factories import MembershipFactory, PersonFactory

pytestmark = pytest.mark.engine

VILLAGE = "18.71.01.1003"
HEADER = ["kode_program", "nik", "kpj", "status", "alasan", "tanggal_kepesertaan"]


def enrol(programme: Programme, candidates: list) -> list[Enrolment]:
    """What approving a selection run leaves behind: one pending enrolment per beneficiary."""
    run = SelectionRun.objects.filter(programme=programme, status=RunStatus.APPROVED).first()
    if run is None:
        run = SelectionRun.objects.create(
            programme=programme, version=1, status=RunStatus.APPROVED,
            capacity=programme.target_count, selected=len(candidates),
        )  # fmt: skip
    Enrolment.objects.bulk_create(
        Enrolment(programme=programme, run=run, candidate=c, nik=c.nik) for c in candidates
    )
    by_nik = {e.nik: e for e in Enrolment.objects.filter(programme=programme)}
    return [by_nik[c.nik] for c in candidates]


def selecting_programme(regions: dict, persons: int = 3, **fields) -> tuple[Programme, list]:
    """A provincial programme (Aug–Dec 2025, Rp 16,800 a month) whose list was approved."""
    programme = make_programme(regions["18"], **fields)
    move(actor=SYSTEM, programme=programme, to=ProgrammeStatus.APPROVED)
    move(actor=SYSTEM, programme=programme, to=ProgrammeStatus.SELECTING)
    programme.refresh_from_db()
    candidates = [CandidateFactory(village=regions[VILLAGE]) for _ in range(persons)]
    return programme, enrol(programme, candidates)


def kpj_for(enrolment: Enrolment) -> str:
    return f"7{enrolment.pk:010d}"


def write_answer(path: Path, rows: list[list], header: list[str] = HEADER) -> Path:
    lines = [";".join(header), *(";".join(str(v) for v in row) for row in rows)]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def import_answer(path: Path, chunk_size: int | None = None) -> ImportJob:
    importer = ConfirmationImporter()
    if chunk_size:
        importer.chunk_size = chunk_size
    return run_import(importer, path)


def accept_all(programme: Programme, path: Path, start: str = "") -> ImportJob:
    """The branch accepts every pending beneficiary of ``programme``."""
    rows = [
        [programme.pk, e.nik, kpj_for(e), "diterima", "", start]
        for e in Enrolment.objects.filter(programme=programme, status=EnrolmentStatus.PENDING)
    ]
    return import_answer(write_answer(path, rows))


# --- The file to the branch --------------------------------------------------------------------


@pytest.fixture
def programme_list(region_tree, rates):
    return selecting_programme(region_tree, persons=3)


def expected_row(programme: Programme, enrolment: Enrolment) -> dict:
    c = enrolment.candidate
    return {
        "kode_program": programme.pk, "nik": c.nik, "nama": c.name, "jenis_kelamin": "P",
        "tanggal_lahir": "1985-06-01", "kode_desa": VILLAGE, "pekerjaan": "Petani",
        "program": "JKK+JKM", "penghasilan": 1_000_000, "iuran_bulanan": 16_800,
        "bulan_mulai": "2025-08", "jumlah_bulan": 5,
    }  # fmt: skip


def test_enrolment_rows_carry_the_person_and_the_package(programme_list):
    programme, enrolments = programme_list
    rows = list(enrolment_rows(programme))
    assert rows == [expected_row(programme, e) for e in sorted(enrolments, key=lambda e: e.nik)]
    assert list(rows[0]) == list(ENROLMENT_COLUMNS)
    Enrolment.objects.filter(pk=enrolments[0].pk).update(status=EnrolmentStatus.ACCEPTED)
    assert len(list(enrolment_rows(programme, statuses=[EnrolmentStatus.PENDING]))) == 2


def test_enrolment_file_as_csv(programme_list):
    programme, enrolments = programme_list
    stream = io.BytesIO()
    assert write_enrolment_file(programme, "csv", stream) == 3
    text = stream.getvalue().decode("utf-8")
    assert text.startswith("\ufeffkode_program,nik,nama,")
    records = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    first = sorted(enrolments, key=lambda e: e.nik)[0]
    assert records[0] == {k: str(v) for k, v in expected_row(programme, first).items()}
    assert [r["nik"] for r in records] == sorted(e.nik for e in enrolments)  # full NIKs


def test_enrolment_file_as_xlsx_keeps_identifiers_as_text(programme_list):
    programme, enrolments = programme_list
    stream = io.BytesIO()
    assert write_enrolment_file(programme, "xlsx", stream) == 3
    sheet = openpyxl.load_workbook(io.BytesIO(stream.getvalue())).active
    values = list(sheet.values)
    assert values[0] == ENROLMENT_COLUMNS
    first = sorted(enrolments, key=lambda e: e.nik)[0]
    assert values[1] == tuple(expected_row(programme, first).values())
    assert isinstance(values[1][1], str) and isinstance(values[1][5], str)  # NIK, village code


# --- The branch's answer -----------------------------------------------------------------------


@pytest.mark.parametrize("chunk_size", [None, 2])
def test_confirmations_create_persons_and_memberships_and_report_bad_rows(
    region_tree, rates, tmp_path, chunk_size
):
    programme, e = selecting_programme(region_tree, persons=6)
    outsider = CandidateFactory(village=region_tree[VILLAGE])  # a candidate not selected
    pid = programme.pk
    path = write_answer(
        tmp_path / "jawaban.csv",
        [
            [pid, e[0].nik, kpj_for(e[0]), "diterima", "", ""],  # start: the first funded month
            [pid, e[1].nik, kpj_for(e[1]), "Accepted", "", "12/08/2025"],
            [pid, e[2].nik, "", "ditolak", "NIK tidak ditemukan di Dukcapil", ""],
            [pid, outsider.nik, "70000000009", "diterima", "", ""],  # 5: not on the list
            [9999, e[0].nik, kpj_for(e[0]), "diterima", "", ""],  # 6: unknown programme
            [pid, e[3].nik, "", "diterima", "", ""],  # 7: accepted without a KPJ
            [pid, e[4].nik, "", "rejected", "", ""],  # 8: rejected without a reason
            [pid, e[0].nik, kpj_for(e[0]), "diterima", "", ""],  # 9: the same person again
            [pid, e[5].nik, kpj_for(e[5]), "diterima", "", "2026-01-05"],  # 10: after the period
            [pid, e[5].nik[:15], kpj_for(e[5]), "diterima", "", ""],  # 11: NIK too short
            [pid, e[3].nik, kpj_for(e[3]), "mungkin", "", ""],  # 12: unknown status
        ],
    )
    job = import_answer(path, chunk_size)
    assert (job.rows_read, job.rows_imported, job.rows_rejected) == (11, 3, 8)

    first = Person.objects.get(nik=e[0].nik)
    candidate = e[0].candidate
    assert (first.name, first.sex, first.birth_date) == (candidate.name, "F", dt.date(1985, 6, 1))
    assert (first.domicile_id, first.village_code, first.occupation) == (VILLAGE, VILLAGE, "Petani")
    membership = Membership.objects.get(person=first)
    assert (membership.segment, membership.funding) == (Segment.BPU, Funding.PROGRAMME)
    assert (membership.jkk, membership.jkm, membership.jht) == (True, True, False)
    assert (membership.wage, membership.kpj) == (1_000_000, kpj_for(e[0]))
    assert (membership.start_date, membership.end_date) == (
        dt.date(2025, 8, 1),
        dt.date(2026, 1, 1),
    )
    assert (membership.end_reason, membership.work_region_id) == ("subsidi berakhir", VILLAGE)
    assert membership.regency_code == "18.71" and membership.employer_id is None

    accepted = Enrolment.objects.get(pk=e[0].pk)
    assert (accepted.status, accepted.membership_id, accepted.kpj) == (
        EnrolmentStatus.ACCEPTED, membership.pk, kpj_for(e[0]),
    )  # fmt: skip
    assert accepted.start_date == dt.date(2025, 8, 1) and accepted.confirmed_at is not None
    late = Enrolment.objects.get(pk=e[1].pk)
    assert late.membership.start_date == dt.date(2025, 8, 12)
    assert late.membership.end_date == dt.date(2026, 1, 1)  # the period ends for everyone alike
    refused = Enrolment.objects.get(pk=e[2].pk)
    assert (refused.status, refused.reason) == (
        EnrolmentStatus.REJECTED,
        "NIK tidak ditemukan di Dukcapil",
    )
    assert refused.membership_id is None and not Person.objects.filter(nik=e[2].nik).exists()
    assert Enrolment.objects.filter(status=EnrolmentStatus.PENDING).count() == 3

    rejected = {r.line: r for r in ImportRejection.objects.filter(job=job)}
    assert {line: r.column for line, r in rejected.items()} == {
        5: "nik", 6: "programme", 7: "kpj", 8: "reason", 9: "", 10: "start_date", 11: "nik",
        12: "status",
    }  # fmt: skip
    assert "not on the approved list" in rejected[5].reason
    assert "unknown programme" in rejected[6].reason
    assert "KPJ number is required" in rejected[7].reason
    assert "reason is required" in rejected[8].reason
    assert "line 2" in rejected[9].reason and rejected[9].value == f"{pid}|{mask_nik(e[0].nik)}"
    assert "funded period" in rejected[10].reason
    assert all(" / " in r.reason for r in rejected.values())  # Indonesian / English
    assert rejected[5].value == mask_nik(outsider.nik)
    assert not any(
        n in r.value + r.reason for r in rejected.values() for n in (outsider.nik, e[0].nik)
    )

    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.ENROLLED  # the first confirmations landed
    assert AuditLog.objects.filter(
        action="programmes.programme.move", object_id=str(pid), after={"status": "enrolled"}
    ).exists()


def test_the_same_answer_again_changes_nothing(region_tree, rates, tmp_path):
    programme, e = selecting_programme(region_tree, persons=2)
    rows = [
        [programme.pk, e[0].nik, kpj_for(e[0]), "diterima", "", ""],
        [programme.pk, e[1].nik, "", "ditolak", "meninggal dunia", ""],
    ]
    write_answer(tmp_path / "a.csv", rows)
    import_answer(tmp_path / "a.csv")
    before = list(Membership.objects.values_list("pk", "updated_at"))
    confirmed = Enrolment.objects.get(pk=e[0].pk).confirmed_at

    again = import_answer(write_answer(tmp_path / "b.csv", rows))  # another file, same answer
    assert (again.rows_imported, again.rows_unchanged, again.rows_rejected) == (0, 2, 0)
    assert list(Membership.objects.values_list("pk", "updated_at")) == before
    assert Enrolment.objects.get(pk=e[0].pk).confirmed_at == confirmed
    assert Person.objects.count() == 1
    assert (
        AuditLog.objects.filter(
            action="programmes.programme.move", after={"status": "enrolled"}
        ).count()
        == 1
    )


def test_a_changed_answer_updates_enrolments_and_memberships(region_tree, rates, tmp_path):
    programme, e = selecting_programme(region_tree, persons=3)
    pid = programme.pk
    import_answer(
        write_answer(
            tmp_path / "a.csv",
            [
                [pid, e[0].nik, kpj_for(e[0]), "diterima", "", ""],
                [pid, e[1].nik, kpj_for(e[1]), "diterima", "", ""],
                [pid, e[2].nik, "", "ditolak", "data tidak lengkap", ""],
            ],
        )
    )
    job = import_answer(
        write_answer(
            tmp_path / "b.csv",
            [
                [pid, e[0].nik, kpj_for(e[0]), "diterima", "", "2025-09-01"],  # later start
                [pid, e[1].nik, "", "ditolak", "terdaftar ganda", ""],  # withdrawn
                [pid, e[2].nik, kpj_for(e[2]), "diterima", "", ""],  # completed data
            ],
        )
    )
    assert (job.rows_imported, job.rows_unchanged) == (3, 0)
    moved = Enrolment.objects.get(pk=e[0].pk)
    assert moved.start_date == moved.membership.start_date == dt.date(2025, 9, 1)
    assert Membership.objects.filter(person__nik=e[0].nik).count() == 1
    withdrawn = Enrolment.objects.get(pk=e[1].pk)
    assert (withdrawn.status, withdrawn.reason, withdrawn.membership_id) == (
        EnrolmentStatus.REJECTED, "terdaftar ganda", None,
    )  # fmt: skip
    assert not Membership.objects.filter(person__nik=e[1].nik).exists()
    completed = Enrolment.objects.get(pk=e[2].pk)
    assert completed.status == EnrolmentStatus.ACCEPTED and completed.membership.kpj == kpj_for(
        e[2]
    )


def test_a_known_person_is_linked_not_overwritten(region_tree, rates, tmp_path):
    programme, e = selecting_programme(region_tree, persons=2)
    known = PersonFactory(nik=e[0].nik, name="Nama Dari BPJS", domicile=region_tree[VILLAGE])
    # The participant extract already brought this person's programme membership.
    extract = MembershipFactory(
        person=known, employer=None, segment=Segment.BPU, kpj=kpj_for(e[0]),
        start_date=dt.date(2025, 8, 1), work_region=region_tree[VILLAGE], wage=1_000_000,
    )  # fmt: skip
    # Someone else's KPJ cannot be given to a beneficiary.
    other = MembershipFactory(kpj="70000000777", work_region=region_tree[VILLAGE])
    job = import_answer(
        write_answer(
            tmp_path / "a.csv",
            [
                [programme.pk, e[0].nik, kpj_for(e[0]), "diterima", "", ""],
                [programme.pk, e[1].nik, other.kpj, "diterima", "", ""],
            ],
        )
    )
    assert (job.rows_imported, job.rows_rejected) == (1, 1)
    rejection = ImportRejection.objects.get(job=job)
    assert (rejection.line, rejection.column) == (3, "kpj") and "another person" in rejection.reason
    assert rejection.value != other.kpj  # masked
    known.refresh_from_db()
    assert known.name == "Nama Dari BPJS"
    assert Enrolment.objects.get(pk=e[0].pk).membership_id == extract.pk
    assert Membership.objects.filter(person=known).count() == 1


def test_the_enrolment_file_comes_back_as_the_answer(programme_list, tmp_path):
    """The branch may fill KPJ and status into the file it received."""
    programme, enrolments = programme_list
    stream = io.BytesIO()
    write_enrolment_file(programme, "csv", stream)
    records = list(csv.reader(io.StringIO(stream.getvalue().decode("utf-8-sig"))))
    kpjs = {e.nik: kpj_for(e) for e in enrolments}
    rows = [[*r, kpjs[r[1]], "diterima"] for r in records[1:]]
    job = import_answer(
        write_answer(tmp_path / "kembali.csv", rows, [*records[0], "no_kpj", "status"])
    )
    assert (job.rows_imported, job.rows_rejected) == (3, 0)
    assert Membership.objects.filter(funding=Funding.PROGRAMME).count() == 3
