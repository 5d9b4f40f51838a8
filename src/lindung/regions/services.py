"""Writes for the regions app: loading the reference files (regions, boundaries, crosswalk,
worker populations, minimum wages). Each load is one transaction with one audit row, and a second
run of the same file changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from calendar import monthrange
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import transaction

from lindung.core import regioncodes
from lindung.core.audit import AuditAction, record_audit
from lindung.core.i18n import bilingual
from lindung.core.loading import LoadResult, SyncCounts, file_sha256, read_csv, sync_rows
from lindung.regions.audit import RegionsAudit
from lindung.regions.models import (
    BpsCode,
    Confidence,
    Kind,
    MinimumWage,
    PopulationKind,
    Region,
    RegionBoundary,
    SourceKind,
    WageKind,
    WorkerPopulation,
)

Progress = Callable[[int], None] | None
REGION_FIELDS = (
    "name",
    "level",
    "kind",
    "parent_id",
    "is_active",
    "province_code",
    "regency_code",
    "district_code",
    "village_code",
)


def region_kind(code: str, level: str) -> str:
    """Administrative kind from the code alone (docs/domain.md §8.3)."""
    if level == "province":
        return Kind.PROVINSI
    if level == "regency":
        return Kind.KOTA if int(code[3:5]) >= 71 else Kind.KABUPATEN
    if level == "district":
        return Kind.KECAMATAN
    return {"1": Kind.KELURAHAN, "2": Kind.DESA}.get(code[9], Kind.LAINNYA)


def finish_load(result: LoadResult, *, actor: Any, action: AuditAction) -> LoadResult:
    record_audit(
        actor=actor,
        action=action,
        object_type="file",
        object_id=result.sha256[:16],
        object_repr=result.source,
        after=result.counts(),
    )
    return result


def reject_unknown_region(
    result: LoadResult, line: int, column: str, code: str, known: set[str]
) -> bool:
    """Reject the row when ``code`` is not a loaded region; True when rejected."""
    if code in known:
        return False
    result.reject(line, column, code, bilingual("wilayah tidak dikenal", "unknown region code"))
    return True


def _is_digits(text: str) -> bool:
    """Plain ASCII digits: "²" or Arabic-Indic digits pass ``str.isdigit`` but are not numbers."""
    return text.isascii() and text.isdigit()


def parse_year(text: str) -> int | None:
    return int(text) if _is_digits(text) and 1900 <= int(text) <= 2200 else None


def parse_count(text: str) -> int | None:
    """A head count, possibly written with a decimal point; None for anything else."""
    try:
        value = float(text)
    except ValueError:
        return None
    return round(value) if math.isfinite(value) else None


def _parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def load_regions(
    path: Path, *, actor: Any = None, deactivate_missing: bool = False, progress: Progress = None
) -> LoadResult:
    """Load a ``code,name,level,parent_code`` list (all 91,599 Kemendagri codes or a subset).

    Rows are checked for a well-formed code, a level and parent that agree with the code, and a
    parent that exists in the file or the database; every bad row is reported with its line.
    ``deactivate_missing`` marks codes absent from a full national list as inactive.
    """
    result = LoadResult(source=path.name, sha256=file_sha256(path))
    parsed: dict[str, tuple[int, str, str, str | None]] = {}
    for line, row in read_csv(path, ("code", "name", "level", "parent_code")):
        result.rows_read += 1
        code, name, level, parent = row["code"], row["name"], row["level"], row["parent_code"]
        if not regioncodes.is_valid_code(code):
            result.reject(line, "code", code, bilingual("kode wilayah tidak valid", "invalid code"))
            continue
        if level != regioncodes.level_of(code):
            result.reject(
                line,
                "level",
                level,
                bilingual(
                    f"tingkat tidak sesuai kode (harus {regioncodes.level_of(code)})",
                    f"level does not match the code (expected {regioncodes.level_of(code)})",
                ),
            )
            continue
        if (parent or None) != regioncodes.parent_of(code):
            result.reject(
                line,
                "parent_code",
                parent,
                bilingual("induk tidak sesuai kode", "parent does not match the code"),
            )
            continue
        if not name:
            result.reject(line, "name", name, bilingual("nama kosong", "name is empty"))
            continue
        if code in parsed:
            result.reject(
                line,
                "code",
                code,
                bilingual(
                    f"kode ganda (baris {parsed[code][0]})",
                    f"duplicate code (line {parsed[code][0]})",
                ),
            )
            continue
        parsed[code] = (line, name, level, parent or None)

    existing_codes = set(Region.objects.values_list("code", flat=True))
    accepted: dict[tuple, dict[str, Any]] = {}
    # Parents before children, so a rejected parent also rejects its subtree.
    for code in sorted(parsed, key=lambda c: (c.count("."), c)):
        line, name, level, parent = parsed[code]
        if parent and (parent,) not in accepted and parent not in existing_codes:
            result.reject(
                line,
                "parent_code",
                parent,
                bilingual("induk tidak dikenal", "parent region is unknown"),
            )
            continue
        accepted[(code,)] = {
            "name": name,
            "level": level,
            "kind": region_kind(code, level),
            "parent_id": parent,
            "is_active": True,
            **regioncodes.level_codes(code),
        }

    with transaction.atomic():
        result.add(
            sync_rows(
                Region,
                accepted,
                key_fields=("code",),
                value_fields=REGION_FIELDS,
                progress=progress,
            )
        )
        if deactivate_missing:
            missing = existing_codes - {key[0] for key in accepted}
            result.extra["deactivated"] = sum(
                Region.objects.filter(is_active=True, code__in=chunk).update(is_active=False)
                for chunk in _chunks(sorted(missing), 5000)
            )
        finish_load(result, actor=actor, action=RegionsAudit.LOAD)
    return result


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def load_boundaries(path: Path, *, actor: Any = None, progress: Progress = None) -> LoadResult:
    """Load a GeoJSON FeatureCollection whose features carry ``code`` and centroid properties."""
    result = LoadResult(source=path.name, sha256=file_sha256(path))
    with open(path, encoding="utf-8") as fh:
        collection = json.load(fh)
    known = set(Region.objects.values_list("code", flat=True))
    rows: dict[tuple, dict[str, Any]] = {}
    for index, feature in enumerate(collection.get("features", []), start=1):
        result.rows_read += 1
        props = feature.get("properties") or {}
        code = str(props.get("code") or "")
        if reject_unknown_region(result, index, "code", code, known):
            continue
        geometry = feature.get("geometry")
        if not geometry or geometry.get("type") not in {"Polygon", "MultiPolygon"}:
            result.reject(
                index, "geometry", code, bilingual("bukan poligon", "geometry is not a polygon")
            )
            continue
        area = props.get("area_km2_big") or props.get("area_km2_geom")
        rows[(code,)] = {
            "geometry": json.dumps(geometry, separators=(",", ":")),
            "centroid_lat": float(props["centroid_lat"]),
            "centroid_lng": float(props["centroid_lng"]),
            "area_km2": float(area) if area is not None else None,
            "source": f"{path.name} (cahyadsn/wilayah_boundaries, MIT)",
        }
    with transaction.atomic():
        result.add(
            sync_rows(
                RegionBoundary,
                rows,
                key_fields=("region_id",),
                value_fields=("geometry", "centroid_lat", "centroid_lng", "area_km2", "source"),
                batch_size=500,
                progress=progress,
            )
        )
        finish_load(result, actor=actor, action=RegionsAudit.LOAD_BOUNDARIES)
    return result


def load_crosswalk(path: Path, *, actor: Any = None) -> LoadResult:
    """Load the BPS↔Kemendagri crosswalk (``kemendagri_code,bps_code,…,match``)."""
    result = LoadResult(source=path.name, sha256=file_sha256(path))
    known = set(Region.objects.values_list("code", flat=True))
    rows: dict[tuple, dict[str, Any]] = {}
    for line, row in read_csv(path, ("kemendagri_code", "bps_code", "name_bps", "match")):
        result.rows_read += 1
        code = row["kemendagri_code"]
        if reject_unknown_region(result, line, "kemendagri_code", code, known):
            continue
        if not row["bps_code"] and row["match"].startswith("no_bps_code"):
            # A known gap of the source (e.g. a district created after the BPS list), not an error.
            result.extra.setdefault("without_bps_code", []).append(code)
            continue
        if not _is_digits(row["bps_code"]):
            result.reject(
                line, "bps_code", row["bps_code"], bilingual("kode BPS tidak valid", "bad BPS code")
            )
            continue
        rows[(code,)] = {
            "bps_code": row["bps_code"],
            "name_bps": row["name_bps"],
            "match": row["match"],
        }
    with transaction.atomic():
        result.add(
            sync_rows(
                BpsCode,
                rows,
                key_fields=("region_id",),
                value_fields=("bps_code", "name_bps", "match"),
            )
        )
        finish_load(result, actor=actor, action=RegionsAudit.LOAD_CROSSWALK)
    return result


# Indicators of lampung_labour.csv that are head counts of a worker population, by kind. Rates,
# shares, participant counts and targets are not populations: the coverage app reads those.
POPULATION_KINDS: dict[str, tuple[str, str, str]] = {
    # indicator stem: (kind code, Indonesian label, English label)
    "employed_persons": (
        "bps_employed_persons",
        "Penduduk bekerja (BPS Sakernas)",
        "Employed persons (BPS Sakernas)",
    ),
    "labour_force": ("bps_labour_force", "Angkatan kerja (BPS)", "Labour force (BPS)"),
    "working_age_population": (
        "bps_working_age_population",
        "Penduduk usia kerja (BPS)",
        "Working-age population (BPS)",
    ),
    "informal_persons": (
        "bps_informal_workers",
        "Pekerja informal (BPS)",
        "Informal workers (BPS)",
    ),
    "formal_persons": ("bps_formal_workers", "Pekerja formal (BPS)", "Formal workers (BPS)"),
    "population_dukcapil": (
        "dukcapil_population",
        "Jumlah penduduk (Dukcapil)",
        "Population (Dukcapil)",
    ),
    "bpjstk_potential_workers": (
        "bpjs_potential_workers",
        "Potensi pekerja (BPJS Ketenagakerjaan)",
        "Potential workers (BPJS Ketenagakerjaan)",
    ),
}
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
INDICATOR_PATTERN = re.compile(r"^(?P<stem>[a-z_]+?)_(?P<month>" + "|".join(MONTHS) + r")$")


def save_worker_populations(rows: dict[tuple, dict[str, Any]], stems: set[str]) -> SyncCounts:
    """Upsert figures keyed by (region, kind, reference date), creating their kinds first.

    ``rows`` values hold value, source, indicator and the level columns, and optionally
    ``source_kind`` (a published figure when absent: the demo passes ``synthetic``); call inside
    a transaction that also writes the caller's audit row.
    """
    for values in rows.values():
        values.setdefault("source_kind", SourceKind.PUBLISHED)
    for stem in sorted(stems):
        code, label_id, label_en = POPULATION_KINDS[stem]
        PopulationKind.objects.get_or_create(
            code=code, defaults={"name_id": label_id, "name_en": label_en}
        )
    return sync_rows(
        WorkerPopulation,
        rows,
        key_fields=("region_id", "kind_id", "reference_date"),
        value_fields=(
            "value",
            "source",
            "indicator",
            "source_kind",
            *regioncodes.LEVEL_COLUMNS.values(),
        ),
    )


def load_worker_populations(path: Path, *, actor: Any = None) -> LoadResult:
    """Load head counts from a ``region_code,year,indicator,value,source`` file.

    The reference date is the last day of the month named by the indicator's suffix
    (``employed_persons_aug`` of 2023 → 2023-08-31). Indicators that are not populations are
    counted in ``extra["skipped"]``, not rejected: they are valid data for other apps.
    """
    result = LoadResult(source=path.name, sha256=file_sha256(path))
    known = set(Region.objects.values_list("code", flat=True))
    rows: dict[tuple, dict[str, Any]] = {}
    skipped: dict[str, int] = {}
    kinds_used: set[str] = set()
    for line, row in read_csv(path, ("region_code", "year", "indicator", "value", "source")):
        result.rows_read += 1
        match = INDICATOR_PATTERN.match(row["indicator"])
        if not match or match["stem"] not in POPULATION_KINDS:
            skipped[row["indicator"]] = skipped.get(row["indicator"], 0) + 1
            continue
        code = row["region_code"]
        if reject_unknown_region(result, line, "region_code", code, known):
            continue
        year = parse_year(row["year"])
        if year is None:
            result.reject(line, "year", row["year"], bilingual("tahun tidak valid", "invalid year"))
            continue
        value = parse_count(row["value"])
        if value is None:
            result.reject(line, "value", row["value"], bilingual("bukan angka", "not a number"))
            continue
        if value < 0:
            result.reject(line, "value", row["value"], bilingual("nilai negatif", "negative value"))
            continue
        month = MONTHS.index(match["month"]) + 1
        reference = dt.date(year, month, monthrange(year, month)[1])
        kind = POPULATION_KINDS[match["stem"]][0]
        kinds_used.add(match["stem"])
        rows[(code, kind, reference)] = {
            "value": value,
            "source": row["source"],
            "indicator": row["indicator"],
            **regioncodes.level_codes(code),
        }
    result.extra["skipped"] = dict(sorted(skipped.items()))
    with transaction.atomic():
        result.add(save_worker_populations(rows, kinds_used))
        finish_load(result, actor=actor, action=RegionsAudit.LOAD_WORKER_POPULATIONS)
    return result


def load_minimum_wages(path: Path, *, actor: Any = None) -> LoadResult:
    """Load UMP/UMK rows: ``region_code,kind,year,amount,effective_from,source`` (+ optional
    ``effective_to,legal_basis,confidence``). Amounts are whole Rupiah written as plain digits."""
    result = LoadResult(source=path.name, sha256=file_sha256(path))
    known = set(Region.objects.values_list("code", flat=True))
    rows: dict[tuple, dict[str, Any]] = {}
    required = ("region_code", "kind", "year", "amount", "effective_from", "source")
    for line, row in read_csv(path, required):
        result.rows_read += 1
        code, kind = row["region_code"], row["kind"].upper()
        if reject_unknown_region(result, line, "region_code", code, known):
            continue
        if kind not in WageKind.values:
            result.reject(
                line,
                "kind",
                row["kind"],
                bilingual("jenis harus UMP atau UMK", "kind must be UMP or UMK"),
            )
            continue
        if not _is_digits(row["amount"]) or int(row["amount"]) <= 0:
            result.reject(
                line,
                "amount",
                row["amount"],
                bilingual(
                    "jumlah harus rupiah bulat positif", "amount must be whole positive Rupiah"
                ),
            )
            continue
        year = parse_year(row["year"])
        if year is None:
            result.reject(line, "year", row["year"], bilingual("tahun tidak valid", "invalid year"))
            continue
        start = _parse_date(row["effective_from"])
        end_text = row.get("effective_to", "")
        end = _parse_date(end_text) if end_text else None
        bad_date = "effective_from" if start is None else ""
        if end_text and end is None:
            bad_date = bad_date or "effective_to"
        if bad_date:
            result.reject(
                line,
                bad_date,
                row.get(bad_date, ""),
                bilingual("tanggal tidak valid (YYYY-MM-DD)", "invalid date (YYYY-MM-DD)"),
            )
            continue
        if end is not None and end < start:
            result.reject(
                line,
                "effective_to",
                row["effective_to"],
                bilingual("berakhir sebelum mulai berlaku", "ends before it starts"),
            )
            continue
        confidence = row.get("confidence") or Confidence.UNCONFIRMED
        if confidence not in Confidence.values:
            result.reject(
                line,
                "confidence",
                confidence,
                bilingual("tingkat keyakinan tidak dikenal", "unknown confidence"),
            )
            continue
        rows[(code, kind, year)] = {
            "amount": int(row["amount"]),
            "effective_from": start,
            "effective_to": end,
            "legal_basis": row.get("legal_basis", ""),
            "source": row["source"],
            "confidence": confidence,
            **regioncodes.level_codes(code),
        }
    with transaction.atomic():
        result.add(
            sync_rows(
                MinimumWage,
                rows,
                key_fields=("region_id", "kind", "year"),
                value_fields=(
                    "amount",
                    "effective_from",
                    "effective_to",
                    "legal_basis",
                    "source",
                    "confidence",
                    *regioncodes.LEVEL_COLUMNS.values(),
                ),
            )
        )
        finish_load(result, actor=actor, action=RegionsAudit.LOAD_MINIMUM_WAGES)
    return result


def reference_files(data_dir: Path) -> dict[str, Path]:
    """The reference files shipped with Lindung (a copy of shared/data with its licence)."""
    return {
        "regions": data_dir / "regions.csv",
        "regency_boundaries": data_dir / "lampung_regencies.geojson",
        "district_boundaries": data_dir / "lampung_districts.geojson",
        "village_boundaries": data_dir / "lampung_villages.geojson",
        "crosswalk": data_dir / "lampung_bps_crosswalk.csv",
        "labour": data_dir / "lampung_labour.csv",
        "minimum_wages": data_dir / "lampung_minimum_wages.csv",
    }


def load_reference_data(
    data_dir: Path,
    *,
    actor: Any = None,
    regions_file: Path | None = None,
    villages: bool = True,
    deactivate_missing: bool = False,
) -> dict[str, LoadResult]:
    """Everything a fresh installation needs, in dependency order."""
    files = reference_files(data_dir)
    results = {
        "regions": load_regions(
            regions_file or files["regions"], actor=actor, deactivate_missing=deactivate_missing
        )
    }
    keys = ["regency_boundaries", "district_boundaries"] + (
        ["village_boundaries"] if villages else []
    )
    for key in keys:
        if files[key].exists():
            results[key] = load_boundaries(files[key], actor=actor)
    results["crosswalk"] = load_crosswalk(files["crosswalk"], actor=actor)
    results["labour"] = load_worker_populations(files["labour"], actor=actor)
    if files["minimum_wages"].exists():
        results["minimum_wages"] = load_minimum_wages(files["minimum_wages"], actor=actor)
    return results
