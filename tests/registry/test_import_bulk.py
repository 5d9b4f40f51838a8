"""The participant import's set-based path (PostgreSQL) against the row-by-row reference path.

Both must give identical rejections (line, column, masked value, reason), identical rows and
identical counters, for the messy sample and for random messy files; the initial-load mode must
leave the tables' indexes and foreign keys exactly as they were.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
from pathlib import Path

import pytest
from django.db import connection

from lindung.core.imports.pipeline import run_import
from lindung.core.models import ImportJob, ImportState
from lindung.core.nik import build_nik
from lindung.registry.importers.bulk import ParticipantBulk
from lindung.registry.importers.participants import ParticipantImporter
from lindung.registry.models import Membership, Person

from .test_import import BAD, PARTICIPANTS, REGIONS, content, counters, data_rows, rejections

# More random files on demand: LINDUNG_PARITY_SEEDS=200 pytest tests/registry/test_import_bulk.py
SEEDS = int(os.environ.get("LINDUNG_PARITY_SEEDS", "6"))
pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the set-based path runs on PostgreSQL only"
    ),
    pytest.mark.engine,
]


class RowByRow(ParticipantImporter):
    """The reference: Python parse of every row, whatever the database."""

    def bulk_enabled(self) -> bool:
        return False


def importer(cls: type[ParticipantImporter], chunk_size: int, initial: bool = False):
    imp = cls()
    imp.chunk_size = chunk_size
    imp.initial_load_min_rows = 0 if initial else 10**9
    return imp


def fresh(imp: ParticipantImporter, path: Path) -> tuple:
    Membership.objects.all().delete()
    Person.objects.all().delete()
    ImportJob.objects.filter(kind="participants").delete()
    job = run_import(imp, path)
    return content(), rejections(job), counters(job)


def both(path: Path, chunk_size: int = 20_000, initial: bool = False) -> tuple[tuple, tuple]:
    reference = fresh(importer(RowByRow, chunk_size), path)
    bulk = importer(ParticipantImporter, chunk_size, initial)
    result = fresh(bulk, path)
    # Most good rows were vouched for by the SQL, not handed to the Python parser.
    assert bulk.bulk_python_rows <= reference[2][3] + reference[2][0] // 5
    return reference, result


@pytest.fixture
def employers_job(db):
    from lindung.regions.services import load_regions
    from lindung.registry.importers.employers import EmployerImporter

    from .test_import import EMPLOYERS

    load_regions(REGIONS)
    return run_import(EmployerImporter(), EMPLOYERS)


@pytest.mark.parametrize("initial", [False, True])
@pytest.mark.parametrize("path", [BAD, PARTICIPANTS])
def test_samples_give_identical_results(employers_job, path: Path, initial: bool) -> None:
    reference, bulk = both(path, initial=initial)
    assert bulk == reference
    assert reference[1] or path != BAD  # the messy sample does reject rows


# Random messy files -----------------------------------------------------------------------

HEADERS = (
    ["nik", "nama", "jenis_kelamin", "tanggal_lahir", "kode_desa", "pekerjaan", "no_hp", "no_kpj",
     "npp", "segmen", "program", "upah", "kode_wilayah_kerja", "tgl_kepesertaan", "tgl_berakhir",
     "alasan_berakhir", "sumber_iuran"],
    ["NIK", "Nama Peserta", "Tgl Lahir", "Kode Desa", "No KPJ", "NPP", "Segmen", "Upah",
     "Tgl Kepesertaan"],
)  # fmt: skip


def _pick(rnd: random.Random, good: str, *bad: str) -> str:
    return good if rnd.random() < 0.96 else rnd.choice(bad)


def messy_row(rnd: random.Random, i: int, villages: list[str], regencies: list[str]) -> dict:
    village = rnd.choice(villages)
    sex = rnd.choice("MF")
    born = dt.date(1940, 1, 1) + dt.timedelta(days=rnd.randrange(30_000))
    if rnd.random() < 0.05:
        born = dt.date(rnd.choice([1996, 2000, 2004]), 2, 29)  # the century rule's edge
    district = village[:8] if rnd.random() < 0.9 else "19.99.01"  # unknown regency prefix
    nik = build_nik(district, born, sex, rnd.randrange(1, 30))
    nik = _pick(rnd, nik, nik[:15], f"{nik[:4]} {nik[4:]}", "1.87101E+15", nik[:12] + "0000",
                "00" + nik[2:], nik + ".0", nik[:6] + "320199" + nik[12:], "")  # fmt: skip
    start = dt.date(2015, 1, 1) + dt.timedelta(days=rnd.randrange(4500))
    pu = rnd.random() < 0.5
    end = start + dt.timedelta(days=rnd.randrange(-30, 900)) if rnd.random() < 0.3 else None
    return {
        "nik": nik,
        "nama": _pick(rnd, f"Peserta {i}", "", "  Nama  Spasi ", "Ñame ünïcode"),
        "jenis_kelamin": _pick(
            rnd, rnd.choice(["L", "P", "l", "Perempuan", "", "m", "F"]), "X", "laki", "WANITA", "ｌ"
        ),
        "tanggal_lahir": _pick(
            rnd,
            rnd.choice(
                [born.isoformat(), born.strftime("%d/%m/%Y"), "", str(born.replace(day=1))]
            ),  # the last one mostly disagrees with the NIK: a warning, not a reject
            "1990-13-01",
            "31/04/1990",
            "1990/01/01",
            "2090-01-01",
            f"{born.day}.{born.month}.{born.year}",
        ),
        "kode_desa": _pick(
            rnd,
            rnd.choice([village, ""]),
            "18.71.01.9999",
            "18.71.1",
            rnd.choice(regencies),
            "18.71.01.1003 ",
        ),
        "pekerjaan": rnd.choice(["", "Petani", "x" * 120]),
        "no_hp": rnd.choice(["", "08123456789", "+62 812-3456-7890-1234567"]),
        "no_kpj": _pick(
            rnd, str(23_000_000_000 + rnd.randrange(400)), "2.3E+10", "", "12a", "23000000001.0"
        ),
        "npp": _pick(
            rnd,
            "10000001" if pu else rnd.choice(["", "10000002"]),
            "99999999",
            "1.0E+7",
            "10000001.0",
        ),
        "segmen": _pick(
            rnd,
            "PU" if pu else rnd.choice(["BPU", "bpu", "Jakon", "PMI"]),
            "",
            "XYZ",
            "penerima  upah",
        ),
        "program": _pick(
            rnd,
            rnd.choice(["", "JKK,JKM", "jkk + jp", "JKK;JKM;JHT", "jkk/jkp"]),
            "JKK,ABC",
            ",",
            "jkk jkm",
            "JKK,,JKM",
        ),
        "upah": _pick(
            rnd,
            rnd.choice(["3500000", "3.500.000", "Rp 2,500,000", "0"]),
            "1E+06",
            "12.5",
            "-5",
            "Rp",
            "3.500.00",
        ),
        "kode_wilayah_kerja": _pick(
            rnd, rnd.choice(["", village, village[:5]]), "18.1", "99.99", "18.71.01.99"
        ),
        "tgl_kepesertaan": _pick(
            rnd,
            rnd.choice([start.isoformat(), start.strftime("%d-%m-%Y")]),
            "",
            "2099-01-01",
            "2023-02-30",
            born.isoformat(),
        ),
        "tgl_berakhir": end.isoformat() if end else rnd.choice(["", "", "", "kemarin"]),
        "alasan_berakhir": rnd.choice(["", "PHK"]),
        "sumber_iuran": _pick(
            rnd, rnd.choice(["", "mandiri", "Pemberi Kerja", "PEMDA"]), "bank", "self "
        ),
    }


def messy_file(path: Path, seed: int, n: int = 300) -> Path:
    rnd = random.Random(seed)
    regions = data_rows(REGIONS)
    villages = [r["code"] for r in regions if r["level"] == "village"]
    regencies = [r["code"] for r in regions if r["level"] == "regency"]
    rows = [messy_row(rnd, i, villages, regencies) for i in range(n)]
    for _ in range(n // 10):  # the same person or membership again, maybe stated differently
        row = dict(rnd.choice(rows))
        row["pekerjaan"] = rnd.choice(["Buruh", row["pekerjaan"]])
        row["no_kpj"] = rnd.choice([row["no_kpj"], str(24_000_000_000 + rnd.randrange(10**6))])
        rows.insert(rnd.randrange(len(rows)), row)
    header = HEADERS[seed % 2] if seed % 3 else HEADERS[0]
    short = {"NIK": "nik", "Nama Peserta": "nama", "Tgl Lahir": "tanggal_lahir",
             "Kode Desa": "kode_desa", "No KPJ": "no_kpj", "NPP": "npp", "Segmen": "segmen",
             "Upah": "upah", "Tgl Kepesertaan": "tgl_kepesertaan"}  # fmt: skip
    delimiter = rnd.choice([",", ";", "\t", "|"])
    with open(path, "w", newline="", encoding="utf-8-sig" if seed % 2 else "utf-8") as fh:
        writer = csv.writer(fh, delimiter=delimiter, lineterminator=rnd.choice(["\n", "\r\n"]))
        writer.writerow(header)
        for row in rows:
            writer.writerow([row[short.get(h, h)] for h in header])
            if rnd.random() < 0.02:
                writer.writerow([])  # a blank line keeps the line numbers honest
    return path


@pytest.mark.parametrize("seed", range(SEEDS))
def test_random_messy_files_give_identical_results(employers_job, tmp_path, seed) -> None:
    path = messy_file(tmp_path / f"messy{seed}.csv", seed)
    chunk = [20_000, 37][seed % 2]
    reference, bulk = both(path, chunk_size=chunk, initial=seed % 3 == 0)
    assert bulk[2] == reference[2]
    assert bulk[1] == reference[1]
    assert bulk[0] == reference[0]
    assert reference[2][1] > 50 and reference[2][3] > 30  # both good and bad rows were there


@pytest.mark.parametrize("seed", [11, 12])
def test_incremental_import_over_existing_rows(employers_job, tmp_path, seed) -> None:
    """A second, overlapping messy file onto the first: same writes and counters either way."""
    first = messy_file(tmp_path / "first.csv", seed)
    second = messy_file(tmp_path / "second.csv", seed + 100)
    results = []
    for cls in (RowByRow, ParticipantImporter):
        fresh(importer(cls, 50), first)
        again = run_import(importer(cls, 50), first)
        job = run_import(importer(cls, 50), second)
        results.append((counters(again), content(), rejections(job), counters(job)))
    assert results[1] == results[0]
    assert results[0][0][1] == 0  # the re-import changed nothing


# Initial-load mode ------------------------------------------------------------------------

SCHEMA_SQL = (
    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN "
    "('registry_person', 'registry_membership') ORDER BY indexname",
    # Their own constraints and other tables' foreign keys to them (candidates, enrolments).
    "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), convalidated, "
    "condeferrable, condeferred FROM pg_constraint WHERE conrelid IN ('registry_person'::"
    "regclass, 'registry_membership'::regclass) OR confrelid IN ('registry_person'::regclass, "
    "'registry_membership'::regclass) ORDER BY conname",
)


def schema() -> list[list[tuple]]:
    with connection.cursor() as cur:
        found = []
        for sql in SCHEMA_SQL:
            cur.execute(sql)
            found.append(cur.fetchall())
    return found


def test_initial_load_rebuilds_indexes_and_foreign_keys(employers_job, tmp_path) -> None:
    before = schema()
    assert len(before[0]) >= 9 and any("FOREIGN KEY" in c[2] for c in before[1])
    assert any(c[0] == "programmes_candidate" for c in before[1])  # a key to the persons
    path = messy_file(tmp_path / "messy.csv", 5)
    reference, bulk = both(path, chunk_size=40, initial=True)
    assert bulk == reference
    assert schema() == before
    job = ImportJob.objects.get(kind="participants")
    assert job.last_chunk == -(-reference[2][0] // 40) - 1  # every chunk done
    again = run_import(importer(ParticipantImporter, 40, initial=True), path)
    assert counters(again) == (reference[2][0], 0, reference[2][1], reference[2][3])


def test_initial_load_gives_each_person_its_own_id_and_moves_the_sequence_past_them(
    employers_job, tmp_path
) -> None:
    path = messy_file(tmp_path / "messy.csv", 6)
    fresh(importer(ParticipantImporter, 40, initial=True), path)
    ids = list(Person.objects.values_list("id", flat=True))
    assert len(ids) == len(set(ids)) and ids
    # (Which person each membership points at is checked against the row path by content().)
    later = Person.objects.create(
        nik=build_nik("18.71.01", dt.date(1990, 1, 1), "M", 9999), name="Baru", sex="M",
        birth_date=dt.date(1990, 1, 1),
    )  # fmt: skip
    assert later.pk > max(ids)


def test_a_crash_in_the_initial_load_leaves_nothing_and_a_rerun_equals_a_clean_run(
    employers_job, tmp_path, monkeypatch
) -> None:
    path = messy_file(tmp_path / "messy.csv", 3)
    clean = fresh(importer(ParticipantImporter, 40, initial=True), path)
    Membership.objects.all().delete()
    Person.objects.all().delete()
    ImportJob.objects.filter(kind="participants").delete()
    before = schema()
    real = ParticipantBulk._rejections

    def crash(self, where):  # after the rows are inserted and the indexes rebuilt
        real(self, where)
        raise RuntimeError("killed")

    monkeypatch.setattr(ParticipantBulk, "_rejections", crash)
    with pytest.raises(RuntimeError, match="killed"):
        run_import(importer(ParticipantImporter, 40, initial=True), path)
    monkeypatch.undo()
    job = ImportJob.objects.get(kind="participants")
    assert job.state != ImportState.DONE and job.last_chunk == -1 and counters(job) == (0,) * 4
    assert not Person.objects.exists() and not Membership.objects.exists()
    assert not job.rejections.exists() and schema() == before
    resumed = run_import(importer(ParticipantImporter, 40, initial=True), path)
    assert resumed.pk == job.pk and resumed.state == ImportState.DONE
    assert (content(), rejections(resumed), counters(resumed)) == clean


def test_initial_load_is_not_used_on_tables_with_rows(employers_job, tmp_path) -> None:
    path = messy_file(tmp_path / "messy.csv", 4)
    results = []
    for cls in (RowByRow, ParticipantImporter):
        fresh(importer(cls, 20_000), PARTICIPANTS)
        job = run_import(importer(cls, 40, initial=True), path)
        results.append((content(), rejections(job), counters(job), job.last_chunk))
    assert results[1] == results[0]
