"""Region list load: `lindung regions load` versus a bare bulk insert and a naive ORM loop.

    python bench/regions_load.py --scale small   # Lampung subset (2,896 codes), as CI runs it
    python bench/regions_load.py --scale full    # all 91,599 Kemendagri codes (target < 20 s)

Set DATABASE_URL to measure on PostgreSQL; by default a scratch SQLite file is used.
References, computed in the same run: a bare insert of the same rows into a plain table (COPY
on PostgreSQL, executemany on SQLite: the floor) and per-row ``update_or_create`` (the naive way)
on a sample, extrapolated.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import django_on_scratch_database, report, timer


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=["small", "full"], default="small")
    parser.add_argument("--naive-sample", type=int, default=1000)
    args = parser.parse_args()
    vendor = django_on_scratch_database()

    from django.conf import settings
    from django.db import connection, transaction

    from lindung.core import regioncodes
    from lindung.regions.models import Region
    from lindung.regions.services import load_regions, region_kind

    data = settings.LINDUNG_REFERENCE_DATA
    path = data / ("regions.csv" if args.scale == "full" else "regions_lampung.csv")
    with open(path, newline="", encoding="utf-8") as fh:
        rows = [
            (r["code"], r["name"], r["level"], r["parent_code"] or None) for r in csv.DictReader(fh)
        ]
    n = len(rows)
    t: dict[str, float] = {}

    with timer(t, "first"):
        first = load_regions(path)
    with timer(t, "again"):
        again = load_regions(path)
    assert first.created == n and again.unchanged == n, (first.counts(), again.counts())

    with connection.cursor() as cur, timer(t, "bare"):
        cur.execute(
            "CREATE TEMPORARY TABLE bench_regions (code varchar(13), name varchar(120), "
            "level varchar(10), parent varchar(13))"
        )
        if vendor == "postgresql":
            with cur.cursor.copy("COPY bench_regions FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cur.executemany("INSERT INTO bench_regions VALUES (%s, %s, %s, %s)", rows)

    sample = sorted(rows, key=lambda r: (r[0].count("."), r[0]))[: args.naive_sample]
    with timer(t, "naive"), transaction.atomic():
        for code, name, level, parent in sample:
            Region.objects.update_or_create(
                code=code,
                defaults={
                    "name": name,
                    "level": level,
                    "kind": region_kind(code, level),
                    "parent_id": parent,
                    **regioncodes.level_codes(code),
                },
            )
    naive_full = t["naive"] / len(sample) * n

    report(
        f"regions load on {vendor}, {n:,} codes ({path.name})",
        [
            ("lindung load (empty db)", f"{t['first']:.2f} s  ({n / t['first']:,.0f} rows/s)"),
            ("lindung re-load (no change)", f"{t['again']:.2f} s  ({n / t['again']:,.0f} rows/s)"),
            (
                "bare insert (floor)",
                f"{t['bare']:.2f} s  → lindung is {t['first'] / t['bare']:.1f}× the floor",
            ),
            (
                f"naive update_or_create ({len(sample):,} rows, extrapolated)",
                f"{naive_full:.2f} s  → lindung re-load is {naive_full / t['again']:.1f}× faster",
            ),
            (
                "target (all 91,599 codes)",
                "< 20 s"
                + (f": {'met' if t['first'] < 20 else 'MISSED'}" if args.scale == "full" else ""),
            ),
        ],
    )


if __name__ == "__main__":
    main()
