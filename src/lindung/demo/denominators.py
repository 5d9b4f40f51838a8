"""The demo's denominators below the regency: a synthetic population file by district and
village, written and imported through the ``region_populations`` import kind (issue 22).

Each Lampung regency's own figures (the default denominator kinds, the latest of each, as the
reference data and the demo populations left them) are the totals: they are split over the
regency's districts and each district's figure over its villages, with seeded weights and
largest-remainder rounding, so districts add up exactly to their regency and villages to their
district. The file says "SINTETIS" in every source and marks every row ``sintetis``, so the
dashboard labels it as demo data. The same plan and seed write the same file, and importing it
again changes nothing.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path
from typing import Any

from django.conf import settings

from lindung.core.imports.pipeline import run_import
from lindung.core.loading import LoadResult, file_sha256
from lindung.demo.plan import LAMPUNG, largest_remainder
from lindung.regions.importers import RegionPopulationImporter
from lindung.regions.models import Region, WorkerPopulation

PROVINCE = LAMPUNG
HEADER = ("kode_wilayah", "tanggal_acuan", "jenis", "jumlah", "sumber", "jenis_sumber")
WEIGHT_RANGE = (600, 1400)  # a village's weight: ± 40 % around the mean


def _source(kind_name: str, regency: str, day: str, seed: int) -> str:
    return (
        f"Data SINTETIS demo Lindung: {kind_name} {regency} ({day}) dibagi acak ke kecamatan "
        f"dan desa/kelurahan (seed {seed}); bukan data Dukcapil atau BPS"
    )


def denominator_rows(*, seed: int) -> list[tuple[str, ...]]:
    """The file's rows: every district and village of every Lampung regency that has a figure
    of a default denominator kind, for each such kind."""
    rng = random.Random(f"lindung-demo-denominators:{seed}")
    regions = list(
        Region.objects.filter(province_code=PROVINCE, is_active=True)
        .order_by("code")
        .values_list("code", "name", "level", "parent_id")
    )
    villages: dict[str, list[str]] = {}
    districts: dict[str, list[str]] = {}
    weight: dict[str, int] = {}
    for code, _name, level, parent in regions:
        if level == "village":
            villages.setdefault(parent, []).append(code)
            weight[code] = rng.randint(*WEIGHT_RANGE)
        elif level == "district":
            districts.setdefault(parent, []).append(code)
    for district_codes in districts.values():
        for district in district_codes:
            weight[district] = sum(weight[v] for v in villages.get(district, ())) or 1000
    names = {code: name for code, name, _level, _parent in regions}
    kinds = tuple(settings.COVERAGE_DEFAULT_DENOMINATORS)
    latest: dict[tuple[str, str], WorkerPopulation] = {}
    for figure in (
        WorkerPopulation.objects.filter(region_id__in=districts, kind_id__in=kinds)
        .select_related("kind")
        .order_by("reference_date")
    ):
        latest[(figure.region_id, figure.kind_id)] = figure
    rows: list[tuple[str, ...]] = []
    for (regency, _kind), figure in sorted(latest.items()):
        day = figure.reference_date.isoformat()
        source = _source(figure.kind.name_id, names[regency], day, seed)
        parts = districts[regency]
        shares = largest_remainder(figure.value, [weight[d] for d in parts])
        for district, share in zip(parts, shares, strict=True):
            rows.append((district, day, figure.kind_id, str(share), source, "sintetis"))
            below = villages.get(district, [])
            if below:
                split = largest_remainder(share, [weight[v] for v in below])
                for village, value in zip(below, split, strict=True):
                    rows.append((village, day, figure.kind_id, str(value), source, "sintetis"))
    return rows


def write_file(path: Path, rows: list[tuple[str, ...]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def ensure_demo_denominators(*, scale: str, seed: int, actor: Any) -> LoadResult:
    """Write the synthetic file (``VAR_DIR/demo/``) and import it; a second run imports the same
    file and changes nothing. Call it after the regency figures exist (the reference data and
    ``write_populations``)."""
    rows = denominator_rows(seed=seed)
    path = write_file(Path(settings.VAR_DIR) / "demo" / f"penyebut-{scale}-{seed}.csv", rows)
    result = LoadResult(source=f"demo denominators ({scale})", sha256=file_sha256(path))
    result.rows_read = len(rows)
    if not rows:
        return result
    job = run_import(RegionPopulationImporter(), path, actor=actor)
    result.created = job.rows_imported
    result.unchanged = job.rows_unchanged
    result.extra = {"import_job": job.pk, "rejected": job.rows_rejected, "file": str(path)}
    return result
