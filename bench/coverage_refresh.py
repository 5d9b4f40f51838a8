"""Coverage facts for 2021–2025 (``coverage.services.refresh``) versus DuckDB, and the dashboard.

    python bench/coverage_refresh.py --scale small   # 1 % demo registry, as CI runs it
    python bench/coverage_refresh.py --scale full    # the full demo registry (~1.09 M persons)

Set DATABASE_URL to measure on PostgreSQL; by default a scratch SQLite file is used. The demo
registry, boundaries and published figures are loaded first (not timed). Timed:

* ``refresh(months=<60 month-ends>, force=True)``: the spells statements and every fact row;
* the reference, in the same run: the columns the statements read are exported from the
  database to CSV and loaded into an in-memory DuckDB (not timed); DuckDB then runs the same
  ``spells.statements`` and the four level aggregations of ``facts._level_insert`` for all months
  at once. Its facts must equal the database's ``CoverageFact`` rows exactly;
* the naive way: ``facts.grouped_sql`` (one scan of memberships per month) for a few months,
  extrapolated to all of them (finest regions only, nothing written);
* the public dashboard served by a real HTTP server (wsgiref, Django's WSGI handler) and fetched
  with a real HTTP client: p50/p95 per page, and the XLSX report once.

Issue targets: refresh at most 10× DuckDB's time; dashboard p95 under 200 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import (
    django_on_scratch_database,
    duckdb_from,
    export_tables,
    load_lampung_reference,
    report,
    timer,
)

FIRST, LAST = dt.date(2021, 1, 1), dt.date(2025, 12, 31)
DAY = "2023-12-31"

# The columns spells.statements reads, with the types DuckDB gets.
EXPORT = {
    "registry_membership": (
        ("id", "BIGINT"),
        ("person_id", "BIGINT"),
        ("segment", "VARCHAR"),
        ("funding", "VARCHAR"),
        ("employer_id", "BIGINT"),
        ("start_date", "DATE"),
        ("end_date", "DATE"),
    ),
    "registry_person": (
        ("id", "BIGINT"),
        ("province_code", "VARCHAR"),
        ("regency_code", "VARCHAR"),
        ("district_code", "VARCHAR"),
        ("village_code", "VARCHAR"),
        ("sex", "VARCHAR"),
        ("birth_date", "DATE"),
    ),
    "registry_employer": (("id", "BIGINT"), ("kbli", "VARCHAR")),
}


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        return None


def _duckdb_level(level: str) -> str:
    """``facts._level_insert`` for every month at once (``idx`` instead of a fixed month)."""
    from lindung.coverage.dimensions import COUNT_COLUMNS
    from lindung.coverage.facts import LEVELS
    from lindung.coverage.spells import BASE_TABLE, CODE_COLUMNS

    depth = LEVELS.index(level) + 1
    kept = CODE_COLUMNS[:depth]
    sums = ", ".join(f"SUM({c}) AS {c}" for c in ("covered", *COUNT_COLUMNS))
    return (
        f"CREATE TABLE fact_{level} AS SELECT idx, {kept[-1]} AS region_id, {sums} "
        f"FROM {BASE_TABLE} WHERE {kept[-1]} <> '' GROUP BY idx, {', '.join(kept)} "
        "HAVING SUM(covered) > 0"
    )


def _progress(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]  # nearest rank


def _serve() -> tuple[WSGIServer, threading.Thread, str]:
    """Django's WSGI application on a free local port, served from a background thread."""
    from django.core.wsgi import get_wsgi_application
    from django.db import connections

    server = make_server(
        "127.0.0.1", 0, get_wsgi_application(), server_class=WSGIServer, handler_class=_Quiet
    )

    def serve() -> None:
        try:
            server.serve_forever()
        finally:  # the thread's own connection, or the scratch database cannot be dropped
            connections.close_all()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return server, thread, f"http://127.0.0.1:{server.server_port}"


def _fetch(url: str) -> tuple[float, int, bytes]:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        body = response.read()
        status = response.status
    return time.perf_counter() - start, status, body


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=["small", "full"], default="small")
    parser.add_argument("--seed", type=int, default=20231231)
    parser.add_argument("--naive-months", type=int, default=3, help="months counted one by one")
    parser.add_argument("--requests", type=int, default=30, help="timed fetches per page")
    args = parser.parse_args()
    vendor = django_on_scratch_database()

    from django.conf import settings
    from django.db import connection

    from lindung.core.months import month_ends, month_index, month_of_index
    from lindung.coverage.dimensions import COUNT_COLUMNS
    from lindung.coverage.facts import LEVELS, grouped_sql
    from lindung.coverage.models import CoverageFact, CoverageMonth
    from lindung.coverage.services import load_coverage_reference, refresh
    from lindung.coverage.spells import statements
    from lindung.demo.plan import make_plan
    from lindung.demo.populations import write_populations
    from lindung.demo.synthetic import build_registry
    from lindung.regions.models import Region
    from lindung.regions.services import load_boundaries, reference_files

    data = Path(settings.LINDUNG_REFERENCE_DATA)
    load_lampung_reference()
    files = reference_files(data)
    for key in ("regency_boundaries", "district_boundaries", "village_boundaries"):
        load_boundaries(files[key])
    plan = make_plan(args.scale, data / "lampung_labour.csv")
    write_populations(plan)
    built = build_registry(plan, seed=args.seed, rebuild=True)
    load_coverage_reference(data / "lampung_labour.csv")
    months = month_ends(FIRST, LAST)
    t: dict[str, float] = {}
    _progress(f"registry built: {built.created:,} rows; refreshing {len(months)} months")

    # 1. The refresh, with its time split by statement kind.
    spent = {"spells": 0.0, "fact INSERTs": 0.0, "other": 0.0}

    def split(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            kind = "other"
            if sql.startswith(f"INSERT INTO {CoverageFact._meta.db_table} "):
                kind = "fact INSERTs"
            elif sql.startswith(("CREATE ", "INSERT INTO cov_")):
                kind = "spells"
            spent[kind] += time.perf_counter() - start

    with timer(t, "refresh"), connection.execute_wrapper(split):
        done = refresh(months=months, force=True)
    assert len(done) == len(months), (len(done), len(months))
    fact_rows = sum(m.fact_rows for m in done)
    db_facts = {
        tuple(row)
        for row in CoverageFact.objects.filter(month__in=months)
        .order_by()
        .values_list("month", "region_id", "covered", *COUNT_COLUMNS)
    }
    assert len(db_facts) == fact_rows == CoverageFact.objects.count(), "fact rows miscounted"
    _progress(f"refresh {t['refresh']:.2f} s ({spent}), {fact_rows:,} fact rows; DuckDB next")

    # 2. DuckDB on the same rows (export and load not timed).
    import duckdb

    with tempfile.TemporaryDirectory(prefix="lindung-duck-") as tmp:
        folder = Path(tmp)
        with timer(t, "export"):
            exported = export_tables(folder, EXPORT)
        with timer(t, "load"):
            duck = duckdb_from(folder, EXPORT)
    first, last = month_index(months[0]), month_index(months[-1])
    with timer(t, "duck"):
        with timer(t, "duck spells"):
            for sql in statements(first, last, "duckdb"):
                duck.execute(sql)
        for level in LEVELS:
            duck.execute(_duckdb_level(level))
    duck_facts = set()
    for level in LEVELS:
        for idx, *rest in duck.execute(f"SELECT * FROM fact_{level}").fetchall():
            duck_facts.add((month_of_index(idx), rest[0], *(int(v) for v in rest[1:])))
    threads = duck.execute("SELECT current_setting('threads')").fetchone()[0]
    duck.close()
    _progress(f"DuckDB {t['duck']:.2f} s (export {t['export']:.2f} s, load {t['load']:.2f} s)")
    if duck_facts != db_facts:
        only_db, only_duck = sorted(db_facts - duck_facts), sorted(duck_facts - db_facts)
        raise SystemExit(
            f"FAIL: DuckDB facts differ from CoverageFact: {len(only_db)} rows only in the "
            f"database (first {only_db[:3]}), {len(only_duck)} only in DuckDB "
            f"(first {only_duck[:3]})"
        )

    # 3. Naive: one scan of memberships per month, a few months spread over the range.
    step = max(1, len(months) // args.naive_months)
    sample = months[step - 1 :: step][: args.naive_months]
    covered = dict(CoverageMonth.objects.filter(month__in=sample).values_list("month", "covered"))
    with connection.cursor() as cur, timer(t, "naive"):
        for day in sample:
            sql, params = grouped_sql(day)
            cur.execute(f"SELECT SUM(covered) FROM ({sql}) g", params)
            total = int(cur.fetchone()[0] or 0)
            assert total == covered[day], (day, total, covered[day])
    naive_full = t["naive"] / len(sample) * len(months)
    _progress(f"naive {t['naive']:.2f} s for {len(sample)} months; dashboard next")

    # 4. The public dashboard over HTTP.
    district = (
        Region.objects.filter(level="district", regency_code="18.71")
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )
    pages = {
        "province 18": f"/cakupan/18/?tanggal={DAY}",
        "regency 18.71": f"/cakupan/18.71/?tanggal={DAY}",
        f"district {district}": f"/cakupan/{district}/?tanggal={DAY}",
    }
    server, thread, base = _serve()
    timings: dict[str, list[float]] = {}
    try:
        for name, path in pages.items():
            for _ in range(3):  # warm-up: first request loads templates, connections
                _seconds, status, _body = _fetch(base + path)
                assert status == 200, (path, status)
            timings[name] = [_fetch(base + path)[0] for _ in range(args.requests)]
        xlsx_path = f"/cakupan/18/laporan.xlsx?tanggal={DAY}"
        xlsx_seconds, status, xlsx = _fetch(base + xlsx_path)
        assert status == 200 and xlsx[:2] == b"PK", (status, xlsx[:20])
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
    everything = [s for values in timings.values() for s in values]
    p95 = _percentile(everything, 95) * 1000

    ratio = t["refresh"] / t["duck"]
    counts = built.extra
    ms = "{:.0f}".format
    rows = [
        (
            "registry",
            f"{counts['persons']:,} persons, {counts['memberships']:,} memberships, "
            f"{counts['employers']:,} employers",
        ),
        (
            "refresh 2021-01…2025-12 (force)",
            f"{t['refresh']:.2f} s  for {len(done)} months, {fact_rows:,} fact rows "
            f"({fact_rows / t['refresh']:,.0f} rows/s)",
        ),
        (
            "  of which",
            ", ".join(f"{k} {v:.2f} s" for k, v in spent.items())
            + f", Python and commits {t['refresh'] - sum(spent.values()):.2f} s",
        ),
        (
            f"DuckDB {duckdb.__version__} ({threads} threads), same statements",
            f"{t['duck']:.2f} s  (spells {t['duck spells']:.2f} s, level aggregations "
            f"{t['duck'] - t['duck spells']:.2f} s); facts equal ({len(duck_facts):,} rows)",
        ),
        (
            "  export + load (not timed)",
            f"{t['export']:.2f} s + {t['load']:.2f} s for "
            + ", ".join(f"{n:,} {k.removeprefix('registry_')}" for k, n in exported.items()),
        ),
        (
            "ratio refresh / DuckDB",
            f"{ratio:.1f}  (target ≤ 10: {'met' if ratio <= 10 else 'MISSED'})",
        ),
        (
            f"naive grouped_sql per month ({len(sample)} months, extrapolated)",
            f"{naive_full:.2f} s for {len(months)} months, nothing written "
            f"→ {naive_full / spent['spells']:.1f}× the one-pass statements "
            f"({spent['spells']:.2f} s), {naive_full / t['refresh']:.1f}× the whole refresh",
        ),
    ]
    for name, values in timings.items():
        rows.append(
            (
                f"dashboard {name} ({len(values)} requests)",
                f"p50 {ms(statistics.median(values) * 1000)} ms, "
                f"p95 {ms(_percentile(values, 95) * 1000)} ms",
            )
        )
    rows += [
        (
            f"dashboard overall ({len(everything)} requests)",
            f"p50 {ms(statistics.median(everything) * 1000)} ms, p95 {ms(p95)} ms  "
            f"(target < 200 ms: {'met' if p95 < 200 else 'MISSED'})",
        ),
        ("XLSX report province 18 (once)", f"{xlsx_seconds * 1000:.0f} ms, {len(xlsx):,} bytes"),
    ]
    report(
        f"coverage facts on {vendor}, scale {args.scale} "
        f"(seed {args.seed}, {os.cpu_count()} cores)",
        rows,
    )


if __name__ == "__main__":
    main()
