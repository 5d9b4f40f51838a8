"""Import pipeline and the BPJS employer/participant importers (docs/ARCHITECTURE.md "Imports")."""

from __future__ import annotations

import csv
import datetime as dt
from functools import reduce
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import Workbook, load_workbook

from lindung.core.imports.pipeline import run_import
from lindung.core.loading import LoadError
from lindung.core.models import ImportJob, ImportState
from lindung.regions.services import load_regions
from lindung.registry.importers.employers import EmployerImporter
from lindung.registry.importers.participants import ParticipantImporter
from lindung.registry.models import Employer, Membership, Person

pytestmark = pytest.mark.engine

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
EMPLOYERS = SAMPLES / "employers.csv"
PARTICIPANTS = SAMPLES / "participants.csv"
BAD = SAMPLES / "participants_bad.csv"
REGIONS = Path(settings.LINDUNG_REFERENCE_DATA) / "regions_lampung.csv"
COUNTERS = ("rows_read", "rows_imported", "rows_unchanged", "rows_rejected")
D = dt.date

# participants_bad.csv: line as a spreadsheet shows it (line 4 is blank), column, masked value,
# and a piece of the English half of the reason.
BAD_REJECTS = [
    (3, "nik", "18*************", "must be 16 digits"),
    (5, "start_date", "2023-02-30", "impossible date"),
    (7, "domicile", "18.71.01.9999", "unknown region code"),
    (8, "", "23000000002|2023-02-01", "duplicate of line 6"),
    (9, "work_region", "18.1", "mangled by a spreadsheet (probably 18.10)"),
    (10, "nik", "1.*********", "NIK 1.********* was mangled by a spreadsheet"),
    (11, "wage", "1E+06", "scientific notation"),
    (12, "end_date", "2023-01-01", "ends before it starts"),
]


def data_rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def imp(chunk_size: int) -> ParticipantImporter:
    importer = ParticipantImporter()
    importer.chunk_size = chunk_size
    return importer


def counters(job: ImportJob) -> tuple[int, ...]:
    job.refresh_from_db()
    return tuple(getattr(job, c) for c in COUNTERS)


def rejections(job: ImportJob) -> list[tuple]:
    return list(job.rejections.values_list("line", "column", "value", "reason"))


def raw_tables() -> list[list[dict]]:
    """Every column of every row, ids and ``updated_at`` included."""
    return [list(m.objects.order_by("pk").values()) for m in (Employer, Person, Membership)]


def _fields(model, *skip: str) -> list[str]:
    skip = {"id", "updated_at", *skip}
    return [f.attname for f in model._meta.concrete_fields if f.attname not in skip]


def content() -> tuple[list, list]:
    """Persons and memberships without ids or timestamps (memberships name their NIK and NPP)."""
    persons = Person.objects.order_by("nik").values_list(*_fields(Person))
    memberships = Membership.objects.order_by("kpj", "start_date").values_list(
        "person__nik", "employer__npp", *_fields(Membership, "person_id", "employer_id")
    )
    return list(persons), list(memberships)


def import_fresh(path: Path) -> tuple:
    """Import into empty participant tables; the resulting (content, rejections, counters)."""
    Membership.objects.all().delete()
    Person.objects.all().delete()
    ImportJob.objects.filter(kind="participants").delete()
    job = run_import(ParticipantImporter(), path)
    return content(), rejections(job), counters(job)


LEVELS = ("province_code", "regency_code", "district_code", "village_code")
EMPLOYER_FIELDS = ("name", "nib", "kbli", "size_class", "risk_class", "latitude", "longitude",
                   "status", "registered_on", "village_id", *LEVELS)  # fmt: skip
PERSON_FIELDS = ("name", "sex", "birth_date", "domicile_id", "occupation", "phone",
                 "nik_warnings", *LEVELS)  # fmt: skip
MEMBERSHIP_FIELDS = ("person.nik", "employer.npp", "segment", "jkk", "jkm", "jht", "jp", "jkp",
                     "wage", "work_region_id", "start_date", "end_date", "end_reason", "funding",
                     *LEVELS)  # fmt: skip


def describe(obj, fields: tuple[str, ...]) -> str:
    """``a|b|c``: the named attributes; ``x.y`` follows a relation (a missing one is None)."""
    return "|".join(
        str(reduce(lambda o, a: getattr(o, a, None), f.split("."), obj)) for f in fields
    )


@pytest.fixture
def regions(db) -> None:
    load_regions(REGIONS)


@pytest.fixture
def employers_job(regions) -> ImportJob:
    return run_import(EmployerImporter(), EMPLOYERS)


def test_good_files_import_fully_and_a_reimport_rewrites_nothing(employers_job) -> None:
    n_emp, n_part = len(data_rows(EMPLOYERS)), len(data_rows(PARTICIPANTS))
    assert counters(employers_job) == (n_emp, n_emp, 0, 0) and employers_job.state == "done"
    job = run_import(ParticipantImporter(), PARTICIPANTS)
    assert counters(job) == (n_part, n_part, 0, 0) and job.state == ImportState.DONE

    assert {e.npp: describe(e, EMPLOYER_FIELDS) for e in Employer.objects.all()} == {
        "10000001": "PT Contoh Kopi Lampung|9120001234567|10761|medium|2|-5.3789|105.2497|active"
        "|2019-03-01|18.71.01.1003|18|18.71|18.71.01|18.71.01.1003",
        "10000002": "CV Contoh Bangun Sejahtera||41011|small|4|-5.1131|105.3067|active"
        "|2021-07-15|18.72.01.1001|18|18.72|18.72.01|18.72.01.1001",
    }
    assert {p.nik: describe(p, PERSON_FIELDS) for p in Person.objects.all()} == {
        "1871011504900001": "Budi Contoh|M|1990-04-15|18.71.01.1003|Operator mesin||"
        "|18|18.71|18.71.01|18.71.01.1003",
        "1871015504920002": "Siti Contoh|F|1992-04-15|18.71.01.1004|Pedagang||"
        "|18|18.71|18.71.01|18.71.01.1004",
    }
    # Siti (…0002) is one person with a BPU and a PU membership.
    assert {m.kpj: describe(m, MEMBERSHIP_FIELDS) for m in Membership.objects.all()} == {
        "23000000001": "1871011504900001|10000001|PU|True|True|True|True|False|3500000"
        "|18.71.01.1003|2022-01-01|None||employer|18|18.71|18.71.01|18.71.01.1003",
        "23000000002": "1871015504920002|None|BPU|True|True|False|False|False|1000000"
        "|18.71.01.1004|2023-02-01|None||self|18|18.71|18.71.01|18.71.01.1004",
        "23000000003": "1871015504920002|10000001|PU|True|True|True|False|False|3000000"
        "|18.71.01.1003|2023-06-01|2024-06-01|Berhenti bekerja|employer"
        "|18|18.71|18.71.01|18.71.01.1003",
    }

    before = raw_tables()
    again = run_import(ParticipantImporter(), PARTICIPANTS)
    assert again.pk != job.pk and counters(again) == (n_part, 0, n_part, 0)
    assert counters(run_import(EmployerImporter(), EMPLOYERS)) == (n_emp, 0, n_emp, 0)
    assert raw_tables() == before  # updated_at included: unchanged rows are not rewritten


def test_an_edited_row_rewrites_only_that_row(employers_job, tmp_path: Path) -> None:
    run_import(ParticipantImporter(), PARTICIPANTS)
    before = raw_tables()
    text = PARTICIPANTS.read_text(encoding="utf-8")
    assert text.count(",3000000,") == 1
    edited = tmp_path / "edited.csv"
    edited.write_text(text.replace(",3000000,", ",3100000,"), encoding="utf-8")
    job = run_import(ParticipantImporter(), edited)
    assert counters(job) == (3, 1, 2, 0)
    after = raw_tables()
    assert after[:2] == before[:2]  # employers and persons untouched
    changed = [(b, a) for b, a in zip(before[2], after[2], strict=True) if a != b]
    assert len(changed) == 1
    old, new = changed[0]
    assert new["kpj"] == "23000000003" and (old["wage"], new["wage"]) == (3_000_000, 3_100_000)
    assert {k for k in new if new[k] != old[k]} == {"wage", "updated_at"}


def check_bad_rejections(found: list[tuple]) -> None:
    assert [r[:3] for r in found] == [r[:3] for r in BAD_REJECTS]
    for (line, _, _, reason), expected in zip(found, BAD_REJECTS, strict=True):
        assert " / " in reason and expected[3] in reason.split(" / ", 1)[1], (line, reason)
    niks = [line.split(";")[0] for line in BAD.read_text("utf-8-sig").splitlines()[1:] if line]
    assert len(niks) == 10
    for nik in niks:  # personal data: never a full NIK in the reject report
        assert not any(nik in value or nik in reason for _, _, value, reason in found), nik


def test_bad_file_keeps_every_good_row_and_reports_every_bad_one(employers_job) -> None:
    job = run_import(ParticipantImporter(), BAD)
    assert counters(job) == (10, 2, 0, 8)
    assert sorted(Membership.objects.values_list("kpj", "start_date", "wage")) == [
        ("23000000001", D(2022, 1, 1), 3_500_000),  # 01/01/2022 and 3.500.000
        ("23000000002", D(2023, 2, 1), 1_000_000),
    ]
    assert dict(Person.objects.values_list("nik", "birth_date")) == {
        "1871011504900001": D(1990, 4, 15),  # 15/04/1990
        "1871015504920002": D(1992, 4, 15),
    }
    found = rejections(job)
    check_bad_rejections(found)

    before = raw_tables()
    again = run_import(ParticipantImporter(), BAD)
    assert again.pk != job.pk and counters(again) == (10, 0, 2, 8)
    assert rejections(again) == found
    assert raw_tables() == before


def write_text(path: Path, *lines: str) -> Path:
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def test_employer_and_participant_rows_with_bad_cells(regions, tmp_path: Path) -> None:
    path = write_text(
        tmp_path / "employers.csv",
        "npp,nama_perusahaan,kelas_risiko,kode_desa,lintang,bujur",
        "10000003,PT Baik,3,18.71.01.1003,-5.4,105.2",
        "10000004,PT Risiko,7,18.71.01.1003,,",
        "10000005,PT Lintang,2,18.71.01.1003,95,105.2",
        "10000006,PT Bujur,2,18.71.01.1003,-5.4,timur",
        "10000007,PT Desa,2,18.71.01.9999,,",
        "1.0E+7,PT Ilmiah,2,18.71.01.1003,,",
    )
    job = run_import(EmployerImporter(), path)
    assert counters(job) == (6, 1, 0, 5)
    assert list(Employer.objects.values_list("npp", "village_id")) == [
        ("10000003", "18.71.01.1003")
    ]
    expected = {
        (3, "risk_class"): "risk class must be 1–5",
        (4, "latitude"): "invalid coordinate",
        (5, "longitude"): "invalid coordinate",
        (6, "village"): "unknown region code: 18.71.01.9999",
        (7, "npp"): "number in scientific notation (1.0E+7)",
    }
    found = {(line, column): reason for line, column, _, reason in rejections(job)}
    assert list(found) == list(expected)
    assert all(" / " in found[k] and v in found[k].split(" / ")[1] for k, v in expected.items())

    path = write_text(
        tmp_path / "participants.csv",
        "nik,nama,kode_desa,no_kpj,npp,segmen,upah,tgl_kepesertaan",
        "1871011504900011,A,18.71.01.1003,23000000021,10000003,PU,3000000,2023-01-01",
        "1871011504900012,B,18.71.01.1003,23000000022,99999999,PU,3000000,2023-01-01",
        "1871011504900013,C,18.71.01.1003,23000000023,,PU,3000000,2023-01-01",
    )
    job = run_import(ParticipantImporter(), path)
    assert counters(job) == (3, 1, 0, 2)
    assert list(Membership.objects.values_list("employer__npp", flat=True)) == ["10000003"]
    (l3, c3, v3, r3), (l4, c4, _, r4) = rejections(job)
    assert (l3, c3, v3, l4, c4) == (3, "npp", "99999999", 4, "npp")
    assert "impor data pemberi kerja dulu / " in r3 and "import the employer extract first" in r3
    assert " / " in r4 and "a PU member needs an NPP" in r4


ENGLISH = (
    "nik,name,sex,birth_date,village_code,occupation,phone,kpj,npp,segment,programmes,wage,"
    "work_region,start_date,end_date,end_reason,funding"
)
SPREADSHEET_STYLE = (
    "NIK,Nama Peserta,Jenis Kelamin,Tgl Lahir,Kode Desa Domisili,Jenis Pekerjaan,Nomor HP,"
    "Nomor KPJ,NPP Perusahaan,Jenis Kepesertaan,Program Diikuti,Upah Dilaporkan,Lokasi Kerja,"
    "Tanggal Mulai,Tanggal Berakhir,Alasan Nonaktif,Pembayar Iuran"
)


def test_header_aliases_give_identical_rows(employers_job, tmp_path: Path) -> None:
    expected = import_fresh(PARTICIPANTS)
    assert expected[2] == (3, 3, 0, 0)
    body = PARTICIPANTS.read_text(encoding="utf-8").splitlines()[1:]
    for name, header in (("english", ENGLISH), ("spreadsheet", SPREADSHEET_STYLE)):
        path = tmp_path / f"{name}.csv"
        path.write_text("\n".join([header, *body]) + "\n", encoding="utf-8")
        assert import_fresh(path) == expected, name


def test_a_missing_required_column_fails_the_job(employers_job, tmp_path: Path) -> None:
    path = tmp_path / "no_kpj.csv"
    path.write_text(PARTICIPANTS.read_text("utf-8").replace("no_kpj", "kartu"), "utf-8")
    with pytest.raises(LoadError) as raised:
        run_import(ParticipantImporter(), path)
    message = str(raised.value)
    indonesian, english = message.split(" / ")
    assert indonesian.startswith("Kolom wajib tidak ditemukan: kpj")
    assert english.startswith("required columns not found: kpj")
    job = ImportJob.objects.get(kind="participants")
    assert (job.state, job.error) == (ImportState.FAILED, message)
    assert not Membership.objects.exists() and not Person.objects.exists()


def xlsx_cell(name: str, text: str) -> object:
    if not text:
        return None
    if name in ("tanggal_lahir", "tgl_kepesertaan", "tgl_berakhir"):
        return dt.date.fromisoformat(text)  # a real date cell
    return int(text) if name in ("upah", "npp") else text  # NIK and KPJ stay text cells


def write_xlsx(path: Path, rows: list[dict[str, str]], *extra: list) -> Path:
    book = Workbook()
    for cells in [list(rows[0]), *([xlsx_cell(*item) for item in r.items()] for r in rows), *extra]:
        book.active.append(cells)
    book.save(path)
    sheet = load_workbook(path).active  # NIK, KPJ: text; birth date: a date
    assert (sheet["A2"].data_type, sheet["H2"].data_type, sheet["D2"].is_date) == ("s", "s", True)
    return path


def test_xlsx_gives_the_same_rows_as_csv(employers_job, tmp_path: Path) -> None:
    expected = import_fresh(PARTICIPANTS)
    assert expected[2] == (3, 3, 0, 0)
    assert import_fresh(write_xlsx(tmp_path / "p.xlsx", data_rows(PARTICIPANTS))) == expected


def test_xlsx_nik_in_a_number_cell_is_rejected(employers_job, tmp_path: Path) -> None:
    extra = [1871011504900007, "Angka", "L", D(1990, 4, 15), "18.71.01.1003", None, None]
    extra += ["23000000009", None, "BPU", None, 1000000, None, D(2023, 2, 1)]
    path = write_xlsx(tmp_path / "number.xlsx", data_rows(PARTICIPANTS), extra)
    job = run_import(ParticipantImporter(), path)
    assert not Person.objects.filter(nik="1871011504900007").exists()
    assert counters(job) == (4, 3, 0, 1)
    [(line, column, value, reason)] = rejections(job)
    assert (line, column) == (5, "nik") and "mangled by a spreadsheet" in reason
    assert "1871011504900007" not in value + reason  # masked


@pytest.mark.parametrize(
    "chunk_size",
    [20_000, 2],
)
def test_reimport_with_repeated_person_is_a_no_op(employers_job, tmp_path, chunk_size) -> None:
    text = PARTICIPANTS.read_text(encoding="utf-8").splitlines()
    text[3] = text[3].replace("Pedagang", "Buruh")  # Siti's 2nd row states another occupation
    path = tmp_path / "repeated.csv"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    run_import(imp(chunk_size), path)
    before = raw_tables()
    assert counters(run_import(imp(chunk_size), path)) == (3, 0, 3, 0)
    assert raw_tables() == before


class CrashOnSecondChunk(ParticipantImporter):
    chunk_size = 2
    writes = 0

    def crash_on_second(self, result):
        self.writes += 1
        if self.writes == 2:
            raise RuntimeError("simulated crash")
        return result

    def write(self, rows):  # the row-by-row path (SQLite)
        # The 2nd chunk's rows are written, then rolled back.
        return self.crash_on_second(super().write(rows))

    def write_bulk_chunk(self, bulk, lo, hi):  # the set-based path (PostgreSQL)
        return self.crash_on_second(super().write_bulk_chunk(bulk, lo, hi))


def test_a_crash_mid_file_resumes_the_same_job(employers_job) -> None:
    with pytest.raises(RuntimeError, match="simulated crash"):
        run_import(CrashOnSecondChunk(), BAD)
    job = ImportJob.objects.get(kind="participants")
    assert job.state != ImportState.DONE and job.last_chunk == 0
    assert counters(job) == (2, 1, 0, 1)  # lines 2 and 3 only
    assert list(Person.objects.values_list("nik", flat=True)) == ["1871011504900001"]
    assert list(Membership.objects.values_list("kpj", flat=True)) == ["23000000001"]
    assert [r[:2] for r in rejections(job)] == [(3, "nik")]

    resumed = run_import(imp(2), BAD)
    assert resumed.pk == job.pk and resumed.state == ImportState.DONE
    state = (content(), rejections(resumed), counters(resumed))
    assert state[2] == (10, 2, 0, 8)
    assert import_fresh(BAD) == state  # as one clean run


def test_a_resumed_job_keeps_its_chunk_size(employers_job, tmp_path: Path) -> None:
    from lindung.core.models import ImportJob

    class Crashing(ParticipantImporter):
        def write(self, rows):
            if rows and rows[0][0] > 3:  # the second chunk of two lines
                raise RuntimeError("crash")
            return super().write(rows)

        def write_bulk_chunk(self, bulk, lo, hi):
            if lo > 0:  # the second chunk
                raise RuntimeError("crash")
            return super().write_bulk_chunk(bulk, lo, hi)

    first = Crashing()
    first.chunk_size = 2
    with pytest.raises(RuntimeError):
        run_import(first, PARTICIPANTS)
    job = ImportJob.objects.get(kind="participants")
    assert (job.last_chunk, job.chunk_size) == (0, 2)
    again = ParticipantImporter()
    again.chunk_size = 1000  # asked for another size: the job keeps its own
    resumed = run_import(again, PARTICIPANTS)
    assert resumed.pk == job.pk and again.chunk_size == 2
    assert (resumed.rows_read, resumed.rows_imported, resumed.rows_rejected) == (3, 3, 0)
