"""Participant extract import: rows/s and the ratio to a bare load of the same file.

    python bench/import_participants.py --rows 20000          # CI size
    DATABASE_URL=postgres://… python bench/import_participants.py --rows 1000000

The reference, measured in the same run, is a bare ``COPY … FROM STDIN (FORMAT csv)`` of the same
file into an unindexed table of text columns on PostgreSQL (csv.reader + executemany on SQLite).
Issue target on PostgreSQL: at least 50,000 rows/s and at most 6× the bare COPY.
"""

from __future__ import annotations

import argparse
import atexit
import csv
import datetime as dt
import random
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import django_on_scratch_database, load_lampung_reference, report, timer

HEADER = [
    "nik",
    "nama",
    "jenis_kelamin",
    "tanggal_lahir",
    "kode_desa",
    "no_kpj",
    "npp",
    "segmen",
    "program",
    "upah",
    "kode_wilayah_kerja",
    "tgl_kepesertaan",
    "tgl_berakhir",
    "sumber_iuran",
]


def write_files(folder: Path, rows: int, villages: list[str], seed: int = 7) -> tuple[Path, Path]:
    from lindung.core.nik import build_nik

    rnd = random.Random(seed)
    employers = folder / "employers.csv"
    npps = [f"{20000000 + i}" for i in range(max(10, rows // 100))]
    with open(employers, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["npp", "nama", "kode_desa", "kelas_risiko", "skala_usaha"])
        for npp in npps:
            w.writerow([npp, f"PT Bench {npp}", rnd.choice(villages), rnd.randint(1, 5), "kecil"])
    participants = folder / "participants.csv"
    serials: dict[tuple[str, dt.date, str], int] = {}
    with open(participants, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for i in range(rows):
            village = rnd.choice(villages)
            sex = "M" if rnd.random() < 0.73 else "F"
            birth = dt.date(1960, 1, 1) + dt.timedelta(days=rnd.randrange(16000))
            key = (village[:8], birth, sex)
            serials[key] = serials.get(key, 0) + 1
            nik = build_nik(village[:8], birth, sex, serials[key])
            pu = rnd.random() < 0.7
            start = dt.date(2021, 1, 1) + dt.timedelta(days=rnd.randrange(1000))
            end = start + dt.timedelta(days=rnd.randrange(60, 900)) if rnd.random() < 0.3 else ""
            w.writerow(
                [
                    nik,
                    f"Peserta {i}",
                    "L" if sex == "M" else "P",
                    birth.isoformat(),
                    village,
                    f"{30000000000 + i}",
                    rnd.choice(npps) if pu else "",
                    "PU" if pu else "BPU",
                    "JKK,JKM,JHT" if pu else "JKK,JKM",
                    3_000_000 if pu else 1_000_000,
                    "",
                    start.isoformat(),
                    end and end.isoformat(),
                    "",
                ]
            )
    return employers, participants


def bare_load(path: Path, vendor: str) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cols = ", ".join(f"c{i} text" for i in range(len(HEADER)))
        cur.execute(f"CREATE TEMPORARY TABLE bench_bare ({cols})")
        if vendor == "postgresql":
            with (
                open(path, "rb") as fh,
                cur.cursor.copy(
                    "COPY bench_bare FROM STDIN WITH (FORMAT csv, HEADER true)"
                ) as copy,
            ):
                while block := fh.read(1 << 20):
                    copy.write(block)
        else:
            with open(path, newline="") as fh:
                reader = csv.reader(fh)
                next(reader)
                marks = ", ".join(["%s"] * len(HEADER))
                cur.executemany(f"INSERT INTO bench_bare VALUES ({marks})", list(reader))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument(
        "--scale", choices=["small", "full"], help="small = 20,000; full = 1,000,000"
    )
    parser.add_argument("--chunk-size", type=int, default=50_000)
    args = parser.parse_args()
    rows = {"small": 20_000, "full": 1_000_000}.get(args.scale or "", args.rows)
    vendor = django_on_scratch_database()

    from django.db import connections

    from lindung.core.imports.pipeline import run_import
    from lindung.regions.models import Region
    from lindung.registry.importers import EmployerImporter, ParticipantImporter
    from lindung.registry.models import Membership

    load_lampung_reference(labour=False)
    villages = list(Region.objects.filter(level="village").values_list("code", flat=True))
    folder = Path(tempfile.mkdtemp(prefix="lindung-bench-files-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)  # 120 MB at 1 M rows
    t: dict[str, float] = {}
    with timer(t, "generate"):
        employers, participants = write_files(folder, rows, villages)
    run_import(EmployerImporter(), employers)
    importer = ParticipantImporter()
    importer.chunk_size = args.chunk_size
    # Each CLI import (a process) or worker job (a thread) has its own database session;
    # so does each run here, so session settings such as temp_buffers apply as they do there.
    connections.close_all()
    with timer(t, "import"):
        job = run_import(importer, participants)
    assert job.rows_imported == rows and job.rows_rejected == 0, job.counts()
    steps = getattr(importer, "bulk_timings", {})
    assert Membership.objects.count() == rows
    again = ParticipantImporter()
    again.chunk_size = args.chunk_size
    connections.close_all()
    with timer(t, "reimport"):
        job2 = run_import(again, participants)
    assert job2.rows_unchanged == rows, job2.counts()
    with timer(t, "bare"):
        bare_load(participants, vendor)
    size = participants.stat().st_size / 1e6
    # What PostgreSQL spends writing the rows into the two tables and rebuilding their indexes
    # and keys, with nothing left to read or check: no import of this schema goes below it.
    floor = sum(v for k, v in steps.items() if k.startswith("load: "))
    report(
        f"participant import on {vendor}, {rows:,} rows ({size:.0f} MB CSV)",
        [
            (
                "lindung import (new rows)",
                f"{t['import']:.2f} s  ({rows / t['import']:,.0f} rows/s)",
            ),
            (
                "lindung re-import (unchanged)",
                f"{t['reimport']:.2f} s  ({rows / t['reimport']:,.0f} rows/s)",
            ),
            (
                "bare load of the same file",
                f"{t['bare']:.2f} s  ({'COPY' if vendor == 'postgresql' else 'executemany'})",
            ),
            (
                "ratio import / bare load",
                f"{t['import'] / t['bare']:.1f}×  (target on PostgreSQL ≤ 6)",
            ),
            ("target rows/s on PostgreSQL", "≥ 50,000"),
            (
                "floor: the two tables written and indexed alone",
                f"{floor:.2f} s = {floor / t['bare']:.1f}× the bare load" if floor else "n/a",
            ),
            *((f"  import step: {k}", f"{v:.2f} s") for k, v in steps.items()),
            *(
                (f"  re-import step: {k}", f"{v:.2f} s")
                for k, v in getattr(again, "bulk_timings", {}).items()
            ),
        ],
    )


if __name__ == "__main__":
    main()
