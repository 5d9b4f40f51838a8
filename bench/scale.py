"""National scale: every heavy path at 1×, 4×, 8× … Lampung, in one run (issue 23).

    DATABASE_URL=postgres://… python bench/scale.py --scales 1,4,8          # the issue's run
    DATABASE_URL=postgres://… python bench/scale.py --base small --scales 1,2  # CI (tiny)

Scale N is N Lampung-sized provinces (``lindung demo build --scale N``, demo.provinces): the
full demo's Lampung plus N - 1 copies in the largest other provinces. The scales are built in
increasing order on one database, each growing the last (1 → 4 → 8 copies every province once).

At each scale, on the same database and machine:

- participant import of an extract of N × ``--extract-rows`` new rows over all N provinces: the
  first import and the same file again (all unchanged);
- coverage refresh of every month (forced);
- the monthly case: the same file with 5 % of its rows replaced by memberships starting last
  month (95 % unchanged), and the refresh of the months it touched;
- over real HTTP (gunicorn, ``lindung serve``): the internal coverage dashboard and the coverage
  API for a province, a regency and a village, and the registry's person list and name search,
  p50 and p95 of ``--requests`` requests each;
- the selection of one programme per province over its social registry (N selections);
- employer bills of a month for every employer (2024-01 at the first scale, 2024-02 …);
  compliance checks over the whole area;
- the award's indicators for every regency holding data (one round per province).

For each path: the time per scale, the ratio to the first scale and the growth exponent
``log(t_N / t_1) / log(N)`` (1.0 = cost grows as the work; a province-scoped page should stay
near 0). ``--json PATH`` also writes the figures for docs/benchmarks.md and docs/SCALING.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import http.client
import json
import math
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import django_on_scratch_database, report
from import_participants import HEADER

# Bills: a month the demo has not billed, a new one at each scale (no bills to find unchanged).
FIRST_BILL_MONTH = dt.date(2024, 1, 1)
COMPLIANCE_DAY = dt.date(2023, 12, 31)
MONTHLY_CHANGED = 0.05  # share of the monthly extract that is new
# Requests not counted: every gunicorn worker's first requests of a page (templates, caches).
WARM = 25
Figures = dict[str, float]


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def timed(into: Figures, key: str, function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    into[key] = time.perf_counter() - start
    log(f"{key}: {into[key]:.2f} s")
    return result


# --- the extract -------------------------------------------------------------------------------


def extract_rows(scale: int, per_province: int, villages: list[str], seed: int):
    """``scale × per_province`` participant rows of new persons in villages of every province.
    NIK serials from 5000 + 100 × scale and KPJs starting 99 + the scale never meet the demo's
    nor an earlier scale's extract."""
    from lindung.core.nik import build_nik

    rnd = random.Random(seed + scale)
    serials: dict[tuple[str, dt.date, str], int] = {}
    rows = []
    for i in range(scale * per_province):
        village = villages[i % len(villages)]
        sex = "M" if rnd.random() < 0.73 else "F"
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=rnd.randrange(16000))
        key = (village[:8], birth, sex)
        serials[key] = serials.get(key, 4999 + 100 * scale) + 1
        pu = rnd.random() < 0.7
        start = dt.date(2021, 1, 1) + dt.timedelta(days=rnd.randrange(1700))
        rows.append(
            [
                build_nik(village[:8], birth, sex, serials[key]),
                f"Peserta Skala {i}",
                "L" if sex == "M" else "P",
                birth.isoformat(),
                village,
                f"99{scale:02d}{i:08d}",
                f"98{i % 997:08d}" if pu else "",
                "PU" if pu else "BPU",
                "JKK,JKM,JHT" if pu else "JKK,JKM",
                3_000_000 if pu else 1_000_000,
                "",
                start.isoformat(),
                "",
                "",
            ]
        )
    return rows


def monthly(rows: list[list], seed: int, month: dt.date) -> list[list]:
    """The same extract a month later: 5 % of its rows replaced by new memberships that start
    in ``month``, of new persons (NIK serials from 9900)."""
    rnd = random.Random(seed + 1)
    changed = set(rnd.sample(range(len(rows)), int(len(rows) * MONTHLY_CHANGED)))
    serials: dict[str, int] = {}
    out = []
    for i, row in enumerate(rows):
        if i in changed:
            row = list(row)
            serials[row[0][:12]] = serial = serials.get(row[0][:12], 9899) + 1
            row[0] = row[0][:12] + str(serial)
            row[1] = f"Peserta Baru {i}"
            row[5] = "97" + row[5][2:]
            row[11] = month.isoformat()
        out.append(row)
    return out


def write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def employers_csv(folder: Path, villages: list[str]) -> Path:
    rows = [
        [f"98{i:08d}", f"PT Skala {i}", villages[i % len(villages)], 1 + i % 5, "kecil"]
        for i in range(997)
    ]
    return write_csv(
        folder / "employers.csv", ["npp", "nama", "kode_desa", "kelas_risiko", "skala_usaha"], rows
    )


def _import(path: Path):
    from django.db import connections

    from lindung.core.imports.pipeline import run_import
    from lindung.registry.importers import ParticipantImporter

    connections.close_all()  # its own session, as a CLI import or worker job has
    job = run_import(ParticipantImporter(), path)
    assert job.rows_rejected == 0, job.counts()
    return job


def bench_import(t: Figures, scale: int, per_province: int, folder: Path, seed: int) -> Path:
    """The first import of the scale's extract and the same file again; returns the monthly
    file (the same extract a month later) for ``bench_monthly``."""
    from lindung.core.imports.pipeline import run_import
    from lindung.regions.models import Region
    from lindung.registry.importers import EmployerImporter

    villages = sorted(Region.objects.filter(level="village").values_list("code", flat=True))
    built = {v[:2] for v in villages} & set(provinces_built())
    villages = [v for v in villages if v[:2] in built]
    run_import(EmployerImporter(), employers_csv(folder, villages))
    rows = extract_rows(scale, per_province, villages, seed)
    first = write_csv(folder / "participants.csv", HEADER, rows)
    last_month = dt.date.today().replace(day=1) - dt.timedelta(days=1)
    t["import rows"] = len(rows)
    job = timed(t, "import: first", _import, first)
    assert job.rows_imported == len(rows), job.counts()
    job = timed(t, "import: same file again", _import, first)
    assert job.rows_unchanged == len(rows), job.counts()
    return write_csv(folder / "monthly.csv", HEADER, monthly(rows, seed, last_month))


def bench_monthly(t: Figures, path: Path) -> None:
    """The monthly extract (95 % unchanged, 5 % new memberships starting last month), then
    the refresh of the months it touched, as the import's job does (coverage.signals)."""
    from django.utils import timezone

    from lindung.coverage.services import refresh_after_import

    since = timezone.now()
    job = timed(t, "import: monthly (95 % unchanged)", _import, path)
    assert job.rows_imported == int(t["import rows"] * MONTHLY_CHANGED), job.counts()
    months = timed(t, "coverage refresh: after the monthly import", refresh_after_import, since)
    t["incremental months"] = months


def provinces_built() -> list[str]:
    from lindung.demo.provinces import built_provinces

    return ["18", *built_provinces()]


# --- pages over HTTP ---------------------------------------------------------------------------


class Server:
    """``lindung serve`` (gunicorn) on a free port, on the benchmark's database."""

    def __init__(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        lindung = Path(sys.executable).with_name("lindung")
        env = {**os.environ, "LINDUNG_DEMO": "1"}
        self.process = subprocess.Popen(
            [str(lindung), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("lindung serve did not start")

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


def page_times(port: int, path: str, headers: dict[str, str], count: int) -> tuple[float, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    times = []
    for i in range(count + WARM):
        start = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path}: HTTP {response.status}")
        if i >= WARM:
            times.append(time.perf_counter() - start)
    conn.close()
    return percentile(times, 0.5), percentile(times, 0.95)


def bench_pages(t: Figures, count: int) -> None:
    from django.conf import settings
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from lindung.accounts.models import User

    def session(username: str) -> dict[str, str]:
        client = Client()
        client.force_login(User.objects.get(username=username))
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}", "Accept-Language": "id"}

    def token(username: str) -> dict[str, str]:
        key, _ = Token.objects.get_or_create(user=User.objects.get(username=username))
        return {"Authorization": f"Token {key.key}"}

    village = User.objects.get(username="desa").scope_region_codes()[0]
    province, regency = session("provinsi"), session("bandarlampung")
    pages = {
        "page: coverage dashboard, province": ("/cakupan/rinci/18/", province),
        "page: coverage dashboard, regency": ("/cakupan/rinci/18.71/", regency),
        "page: coverage dashboard, village": (f"/cakupan/rinci/{village}/", session("desa")),
        "api: coverage, province": ("/api/v1/coverage/18/", token("provinsi")),
        "api: coverage, regency": ("/api/v1/coverage/18.71/", token("bandarlampung")),
        "api: coverage, village": (f"/api/v1/coverage/{village}/", token("desa")),
        "page: registry persons, province": ("/registri/orang/", province),
        "page: registry name search, province": ("/registri/orang/?q=siti", province),
    }
    server = Server()
    try:
        for key, (path, headers) in pages.items():
            p50, p95 = page_times(server.port, path, headers, count)
            t[f"{key} p50"], t[f"{key} p95"] = p50, p95
            log(f"{key}: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms")
    finally:
        server.close()


# --- jobs --------------------------------------------------------------------------------------


def bench_selection(t: Figures, share: float) -> None:
    from lindung.programmes.models import FunderKind, Programme
    from lindung.programmes.services.plans import create_funder, create_programme, move
    from lindung.programmes.services.selection import run_selection
    from lindung.regions.models import Region

    programmes = []
    for code in provinces_built():
        name = f"Skala pekerja rentan {code}"
        programme = Programme.objects.filter(name=name).first()
        if programme is None:
            area = Region.objects.get(code=code)
            funder = create_funder(
                actor=None, name=f"Pemprov {code}", kind=FunderKind.APBD_PROVINCE, region=area
            )
            target = max(1, int(14_700 * share))
            programme = create_programme(
                actor=None, funder=funder, area=area, name=name, fiscal_year=2023,
                start_month=dt.date(2023, 3, 1), funded_months=10, target_count=target,
                budget=target * 10 * 16_800, min_age=18, max_age=65, max_welfare_decile=6,
                priority_rules="poorest_first,occupational_risk",
            )  # fmt: skip
            programme = move(actor=None, programme=programme, to="approved")
        programmes.append(programme)

    # New candidates are linked with registry persons when they arrive (at import); the copies
    # arrived with the scale's growth, so link them before timing the selections alone.
    from lindung.programmes.services.links import link_candidates

    link_candidates()

    def select_all() -> None:
        for programme in programmes:
            run_selection(actor=None, programme=programme)

    timed(t, "selection: one programme per province", select_all)


def bench_jobs(t: Figures, index: int) -> None:
    from lindung.compliance.services import run_checks
    from lindung.contributions.bills.generate import generate_bills
    from lindung.core.scope import SYSTEM

    month = FIRST_BILL_MONTH.replace(month=1 + index % 12)
    timed(t, "bills: every employer, one month", generate_bills, month=month)
    timed(t, "compliance: checks over the whole area", run_checks, actor=SYSTEM,
          as_of=COMPLIANCE_DAY)  # fmt: skip


def bench_award(t: Figures) -> None:
    """One award round per province with an entry for every regency holding data (Lampung's
    fifteen, mapped), like the demo's regency entries; all their indicators frozen."""
    from lindung.award import services
    from lindung.award.models import Edition
    from lindung.award.runs import freeze_indicators
    from lindung.demo.award import demo_edition
    from lindung.regions.models import Region
    from lindung.registry.models import Person

    demo = demo_edition()
    kind, group = (
        demo.entries.filter(subject_region__level="regency")
        .values_list("category__kind", "category__sector_group")
        .first()
    )
    editions = []
    for code in provinces_built():
        edition = Edition.objects.filter(name=f"Skala {code}").first()
        if edition is None:
            edition = services.create_edition(
                actor=None, name=f"Skala {code}", region=Region.objects.get(code=code),
                assessment_year=demo.assessment_year - 1, ceremony_year=demo.ceremony_year - 1,
                cutoff_date=demo.cutoff_date,
            )  # fmt: skip
            category = edition.categories.get(kind=kind, sector_group=group)
            regencies = (
                Person.objects.filter(province_code=code)
                .values_list("regency_code", flat=True)
                .distinct()
            )
            for regency in Region.objects.filter(code__in=list(regencies)).order_by("code"):
                services.add_entry(actor=None, category=category, region=regency)
        editions.append(edition)

    def freeze_all() -> None:
        for edition in editions:
            freeze_indicators(actor=None, edition=edition)

    timed(t, "award: indicators of every regency", freeze_all)


# --- the run -----------------------------------------------------------------------------------


def grow(t: Figures, scale: int, base: str, first: bool) -> None:
    from django.conf import settings

    from lindung.demo.provinces import extend_to
    from lindung.demo.services import build_demo

    if first:
        timed(t, "build: demo and provinces", build_demo, Path(settings.LINDUNG_REFERENCE_DATA),
              scale=base, provinces=scale)  # fmt: skip
    else:
        timed(t, "build: more provinces", extend_to, scale)


def measure(scale: int, args: argparse.Namespace, index: int, folder: Path) -> Figures:
    from django.db import connection

    from lindung.coverage.services import refresh
    from lindung.registry.models import Membership, Person

    t: Figures = {}
    grow(t, scale, args.base, index == 0)
    # The first extract before the full refresh, so the stored facts include it and the
    # monthly case's refresh steps from facts that agree with the registry.
    monthly_file = bench_import(t, scale, args.extract_rows, folder, args.seed)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:  # the steady state: visibility map and statistics
            timed(t, "vacuum analyze", cur.execute, "VACUUM ANALYZE")
    t["persons"] = Person.objects.count()
    t["memberships"] = Membership.objects.count()
    timed(t, "coverage refresh: every month", refresh, force=True)
    bench_pages(t, args.requests)
    bench_monthly(t, monthly_file)
    share = 1.0 if args.base == "full" else 0.01
    bench_selection(t, share)
    bench_jobs(t, index)
    bench_award(t)
    return t


def exponent(base: float, value: float, scale: float) -> float | None:
    if scale <= 1 or base <= 0 or value <= 0:
        return None
    return math.log(value / base) / math.log(scale)


def table(results: dict[int, Figures]) -> list[tuple[str, str]]:
    scales = sorted(results)
    first = scales[0]
    keys = [k for k in results[scales[-1]] if k not in ("import rows", "incremental months")]
    rows = [("scale (Lampung-sized provinces)", "  ".join(f"{s}×".rjust(22) for s in scales))]
    for key in keys:
        cells = []
        for s in scales:
            value = results[s].get(key)
            if value is None:
                cells.append("–".rjust(22))
                continue
            if key in ("persons", "memberships"):
                cells.append(f"{value:,.0f}".rjust(22))
                continue
            shown = f"{value * 1000:.0f} ms" if key.endswith(("p50", "p95")) else f"{value:.2f} s"
            base = results[first].get(key)
            growth = exponent(base, value, s / first) if base else None
            extra = f" ×{value / base:.2f} e{growth:.2f}" if growth is not None else ""
            cells.append(f"{shown}{extra}".rjust(22))
        rows.append((key, "  ".join(cells)))
    for s in scales:
        r = results[s]
        full = r["coverage refresh: every month"]
        rows.append(
            (f"import at {s}×", f"{r['import rows']:,.0f} rows: first "
             f"{r['import rows'] / r['import: first']:,.0f} rows/s; monthly case "
             f"{r['import: first'] / r['import: monthly (95 % unchanged)']:.1f}× faster than the "
             f"first; incremental refresh ({r['incremental months']:.0f} months) "
             f"{r['coverage refresh: after the monthly import'] / full:.3f} of the full")
        )  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", default="1,4,8", help="comma-separated, increasing")
    parser.add_argument("--base", choices=["full", "small"], default="full",
                        help="the Lampung each province copies (small: 1 %%, for CI)")  # fmt: skip
    parser.add_argument("--extract-rows", type=int, default=125_000,
                        help="extract rows per province (default: 1 M rows at 8×)")  # fmt: skip
    parser.add_argument("--requests", type=int, default=40, help="requests per page")
    parser.add_argument("--seed", type=int, default=20231231)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    scales = sorted({int(s) for s in args.scales.split(",")})
    vendor = django_on_scratch_database()
    folder = Path(tempfile.mkdtemp(prefix="lindung-bench-scale-"))
    results: dict[int, Figures] = {}
    try:
        for i, scale in enumerate(scales):
            log(f"scale {scale}×")
            results[scale] = measure(scale, args, i, folder)
            if args.json:
                args.json.write_text(json.dumps({"vendor": vendor, "base": args.base,
                                                 "results": results}, indent=1))  # fmt: skip
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    report(f"national scale on {vendor}, base {args.base}", table(results))


if __name__ == "__main__":
    main()
