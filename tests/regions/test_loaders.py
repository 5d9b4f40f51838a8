"""Reference-data loaders: regions, boundaries, BPS crosswalk, worker populations, wages."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from calendar import monthrange
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lindung.core.loading import LoadError, LoadResult
from lindung.core.models import AuditLog
from lindung.regions import services
from lindung.regions.models import BpsCode, MinimumWage, Region, RegionBoundary, WorkerPopulation
from tests.regions.factories import RegionFactory

DATA = Path(settings.LINDUNG_REFERENCE_DATA)
REGION_HEADER = "code,name,level,parent_code"
LABOUR_HEADER = "region_code,region_name,year,indicator,value,source"
WAGE_HEADER = (
    "region_code,kind,year,amount,effective_from,source,effective_to,legal_basis,confidence"
)
BOUNDARY_FILES = [f"lampung_{name}.geojson" for name in ("regencies", "districts", "villages")]

pytestmark = [pytest.mark.django_db, pytest.mark.engine]
END_2025 = dt.date(2025, 12, 31)


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def write_lines(path: Path, header: str, lines: list[str], *, crlf_bom: bool = False) -> Path:
    """Write CSV text (the header is line 1), LF and no BOM unless ``crlf_bom``."""
    newline = "\r\n" if crlf_bom else "\n"
    text = newline.join([header, *lines]) + newline
    path.write_bytes((b"\xef\xbb\xbf" if crlf_bom else b"") + text.encode())
    return path


def cud(result: LoadResult) -> tuple[int, int, int]:
    return result.created, result.updated, result.unchanged


def rejected_by_line(result: LoadResult) -> dict[int, str]:
    return {r.line: r.column for r in result.rejected}


def region_table() -> list[tuple]:
    return list(Region.objects.order_by("code").values_list())


def assert_bilingual(result: LoadResult) -> None:
    for rejection in result.rejected:
        indonesian, english = rejection.reason.split(" / ")
        assert indonesian and english


def audit_rows(action: str) -> list[AuditLog]:
    return list(AuditLog.objects.filter(action=action).order_by("id"))


@pytest.fixture
def lampung() -> LoadResult:
    return services.load_regions(DATA / "regions_lampung.csv")


@pytest.mark.slow
def test_full_national_list_loads_once_and_reloads_as_unchanged() -> None:
    """All 91,599 Kemendagri codes loaded, then loaded again as unchanged: about 9 s, because
    the point is the real national list's size (the loader's set-based upsert at that size)."""
    path = DATA / "regions.csv"
    rows = read_rows(path)
    levels = Counter(r["level"] for r in rows)
    villages = [r["code"] for r in rows if r["level"] == "village"]
    regencies = [r for r in rows if r["level"] == "regency"]
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    assert len(rows) == 91_599
    assert (levels["province"], levels["regency"], levels["district"]) == (38, 514, 7_285)
    assert levels["village"] == 83_762  # the brief's 83,760 is off by two; the file says 83,762

    first = services.load_regions(path)
    assert (first.rows_read, *cud(first), first.rejected) == (len(rows), len(rows), 0, 0, [])
    assert Counter(Region.objects.values_list("level", flat=True)) == levels
    kinds = Counter(Region.objects.values_list("kind", flat=True))
    suffix = Counter(code.split(".")[3][0] for code in villages)
    assert kinds["kelurahan"] == suffix["1"] and kinds["desa"] == suffix["2"]
    assert kinds["lainnya"] == len(villages) - suffix["1"] - suffix["2"]
    # Kota vs kabupaten: the names in the file say which, independently of the code rule.
    assert kinds["kota"] == sum(r["name"].startswith("Kota ") for r in regencies)
    assert kinds["kabupaten"] == sum(r["name"].startswith("Kabupaten ") for r in regencies)
    assert kinds["kota"] + kinds["kabupaten"] == len(regencies)
    village = Region.objects.get(code="18.71.01.1003")
    assert (village.parent_id, village.regency_code) == ("18.71.01", "18.71")
    assert village.is_active and village.kind == "kelurahan"

    before = region_table()
    with CaptureQueriesContext(connection) as queries:
        second = services.load_regions(path)
    assert cud(second) == (0, 0, len(rows))
    statements = [q["sql"] for q in queries.captured_queries if "regions_region" in q["sql"]]
    assert [q for q in statements if q.split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}] == []
    assert region_table() == before

    audits = audit_rows("regions.load")
    assert len(audits) == 2  # one per load
    for audit, result in zip(audits, (first, second), strict=True):
        assert audit.after["sha256"] == sha and audit.object_id == sha[:16]
        assert (audit.after["created"], audit.after["unchanged"]) == cud(result)[::2]
        assert audit.object_repr == "regions.csv" and audit.actor_label == "system"


def test_every_bad_region_row_is_reported_with_its_line(tmp_path: Path) -> None:
    RegionFactory(code="31", name="DKI Jakarta")  # a parent that exists only in the database
    lines = [
        "18,Lampung,province,",  # 2
        "18.71,Kota Bandar Lampung,regency,18",  # 3
        "18.1,Spreadsheet damage,regency,18",  # 4 bad code
        "18.72,Kota Metro,district,18",  # 5 level does not match the code
        "18.71.01,Kedaton,district,18.72",  # 6 parent does not match the code
        "18.71.02,,district,18.71",  # 7 empty name
        "18.71,Duplikat,regency,18",  # 8 duplicate of line 3
        "19.01,Kabupaten Tanpa Induk,regency,19",  # 9 unknown parent
        "18.71.02.1001,Anak Ditolak,village,18.71.02",  # 10 child of a rejected parent
        "18.71.03,Way Halim,district,18.71",  # 11
        "18.71.03.1001,Way Halim Permai,village,18.71.03",  # 12
        "18.71.03.2001,Desa Uji,village,18.71.03",  # 13
        "31.71,Kota Adm. Jakarta Selatan,regency,31",  # 14 parent only in the database
    ]
    result = services.load_regions(write_lines(tmp_path / "r.csv", REGION_HEADER, lines))
    assert rejected_by_line(result) == {
        **{4: "code", 5: "level", 6: "parent_code", 7: "name"},
        **{8: "code", 9: "parent_code", 10: "parent_code"},
    }
    assert_bilingual(result)
    reasons = {r.line: r.reason for r in result.rejected}
    assert "line 3" in reasons[8] and "expected regency" in reasons[5]
    assert "unknown" in reasons[9] and "unknown" in reasons[10]
    good = {"18", "18.71", "18.71.03", "18.71.03.1001", "18.71.03.2001", "31.71"}
    assert set(Region.objects.values_list("code", flat=True)) == good | {"31"}
    assert (result.rows_read, result.created) == (len(lines), len(good))
    assert Region.objects.get(code="18.71").name == "Kota Bandar Lampung"
    kinds = dict(Region.objects.values_list("code", "kind"))
    assert (kinds["18.71.03.1001"], kinds["18.71.03.2001"]) == ("kelurahan", "desa")
    assert AuditLog.objects.get(action="regions.load").after["rejected"] == 7


def test_crlf_and_bom_input(tmp_path: Path) -> None:
    lines = [
        "18,Lampung,province,",
        "18.71,Kota Bandar Lampung,regency,18",
        "18.7,Rusak,regency,18",
    ]
    path = write_lines(tmp_path / "windows.csv", REGION_HEADER, lines, crlf_bom=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbfcode,") and b"\r\n" in path.read_bytes()
    result = services.load_regions(path)
    names = dict(Region.objects.values_list("code", "name"))
    assert names == {"18": "Lampung", "18.71": "Kota Bandar Lampung"}
    assert rejected_by_line(result) == {4: "code"}


def test_missing_column_is_a_load_error(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "no_parent.csv", "code,name,level", ["18,Lampung,province"])
    with pytest.raises(LoadError) as caught:
        services.load_regions(path)
    message = str(caught.value)
    assert "parent_code" in message and "no_parent.csv" in message and " / " in message
    assert not Region.objects.exists() and not AuditLog.objects.exists()


def test_deactivate_missing_keeps_dropped_codes_as_inactive(tmp_path: Path) -> None:
    full = [
        "18,Lampung,province,",
        "18.71,Kota Bandar Lampung,regency,18",
        "18.72,Kota Metro,regency,18",
        "18.72.01,Metro Pusat,district,18.72",
    ]
    services.load_regions(write_lines(tmp_path / "v1.csv", REGION_HEADER, full))
    reduced = write_lines(tmp_path / "v2.csv", REGION_HEADER, full[:2])

    kept = services.load_regions(reduced)  # without the flag nothing is deactivated
    assert "deactivated" not in kept.extra
    assert not Region.objects.filter(is_active=False).exists()

    result = services.load_regions(reduced, deactivate_missing=True)
    assert result.extra["deactivated"] == 2
    active = dict(Region.objects.values_list("code", "is_active"))
    assert active == {"18": True, "18.71": True, "18.72": False, "18.72.01": False}
    assert services.load_regions(reduced, deactivate_missing=True).extra["deactivated"] == 0

    back = services.load_regions(write_lines(tmp_path / "v3.csv", REGION_HEADER, full))
    assert back.updated == 2 and not Region.objects.filter(is_active=False).exists()


def test_lampung_boundaries_load_and_reload_unchanged(lampung: LoadResult) -> None:
    features = {}
    for name in BOUNDARY_FILES:
        collection = json.loads((DATA / name).read_text(encoding="utf-8"))
        features[name] = {f["properties"]["code"]: f for f in collection["features"]}
    assert [len(features[n]) for n in BOUNDARY_FILES] == [15, 229, 2_640]

    for name in BOUNDARY_FILES:
        result = services.load_boundaries(DATA / name)
        n = len(features[name])
        assert (result.rows_read, result.created, result.rejected) == (n, n, [])
    assert RegionBoundary.objects.count() == sum(len(f) for f in features.values())

    city = RegionBoundary.objects.get(region_id="18.71")
    source = features["lampung_regencies.geojson"]["18.71"]
    props = source["properties"]
    assert json.loads(city.geometry) == source["geometry"]
    assert (city.centroid_lat, city.centroid_lng) == (props["centroid_lat"], props["centroid_lng"])
    assert city.area_km2 == props["area_km2_big"]
    district = features["lampung_districts.geojson"]["18.71.01"]["properties"]
    assert RegionBoundary.objects.get(region_id="18.71.01").area_km2 == district["area_km2_geom"]

    before = list(RegionBoundary.objects.order_by("region_id").values_list())
    for name in BOUNDARY_FILES:
        assert cud(services.load_boundaries(DATA / name)) == (0, 0, len(features[name]))
    assert list(RegionBoundary.objects.order_by("region_id").values_list()) == before
    assert len(audit_rows("regions.load_boundaries")) == 6


def test_bad_boundary_features_are_rejected(lampung: LoadResult, tmp_path: Path) -> None:
    ring = [[105, -5], [105.1, -5], [105.1, -5.1], [105, -5]]
    polygon = {"type": "Polygon", "coordinates": [ring]}

    def feature(code: str, geometry: dict | None) -> dict:
        props = {"code": code, "centroid_lat": -5.05, "centroid_lng": 105.05}
        return {"type": "Feature", "properties": props, "geometry": geometry}

    collection = {
        "type": "FeatureCollection",
        "features": [
            feature("18.71", polygon),
            feature("18.99", polygon),  # unknown code
            feature("18.72", {"type": "Point", "coordinates": [105, -5]}),
            feature("18.72.01", None),
            feature("18.72.02", {"type": "LineString", "coordinates": ring}),
        ],
    }
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(collection), encoding="utf-8")
    result = services.load_boundaries(path)
    assert rejected_by_line(result) == {2: "code", 3: "geometry", 4: "geometry", 5: "geometry"}
    assert_bilingual(result)
    assert list(RegionBoundary.objects.values_list("region_id", flat=True)) == ["18.71"]


def test_crosswalk_loads_bps_codes(lampung: LoadResult) -> None:
    path = DATA / "lampung_bps_crosswalk.csv"
    rows = read_rows(path)
    with_code = [r for r in rows if r["bps_code"]]
    result = services.load_crosswalk(path)
    assert (result.rows_read, result.created, result.rejected) == (len(rows), len(with_code), [])
    assert len(with_code) == 244
    assert result.extra["without_bps_code"] == ["18.08.15"]
    assert not BpsCode.objects.filter(region_id="18.08.15").exists()
    for kemendagri, bps in [("18.71", "1871"), ("18.04", "1801")]:
        assert BpsCode.objects.get(region_id=kemendagri).bps_code == bps
        assert BpsCode.objects.get(bps_code=bps).region_id == kemendagri
    stored = {b.region_id: (b.bps_code, b.name_bps, b.match) for b in BpsCode.objects.all()}
    expected = {r["kemendagri_code"]: (r["bps_code"], r["name_bps"], r["match"]) for r in with_code}
    assert stored == expected
    assert cud(services.load_crosswalk(path)) == (0, 0, len(with_code))


def test_crosswalk_match_values_fit_the_model() -> None:
    longest = max(len(r["match"]) for r in read_rows(DATA / "lampung_bps_crosswalk.csv"))
    assert longest <= BpsCode._meta.get_field("match").max_length


# The head-count indicators of lampung_labour.csv (domain.md §7.1), by indicator stem.
POPULATION_STEMS = {
    "employed_persons": "bps_employed_persons",
    "labour_force": "bps_labour_force",
    "working_age_population": "bps_working_age_population",
    "informal_persons": "bps_informal_workers",
    "formal_persons": "bps_formal_workers",
    "population_dukcapil": "dukcapil_population",
    "bpjstk_potential_workers": "bpjs_potential_workers",
}
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
Figures = dict[tuple[str, str, dt.date], int]


def expected_populations(rows: list[dict[str, str]]) -> Figures:
    expected = {}
    for row in rows:
        stem, _, month = row["indicator"].rpartition("_")
        if stem in POPULATION_STEMS and month in MONTHS:
            year, number = int(row["year"]), MONTHS.index(month) + 1
            day = dt.date(year, number, monthrange(year, number)[1])
            expected[(row["region_code"], POPULATION_STEMS[stem], day)] = round(float(row["value"]))
    return expected


def population_table() -> Figures:
    figures = WorkerPopulation.objects.all()
    return {(p.region_id, p.kind_id, p.reference_date): p.value for p in figures}


def test_worker_populations_from_the_labour_file(lampung: LoadResult) -> None:
    path = DATA / "lampung_labour.csv"
    rows = read_rows(path)
    expected = expected_populations(rows)
    result = services.load_worker_populations(path)
    assert population_table() == expected
    assert (result.rows_read, result.created, result.rejected) == (len(rows), len(expected), [])
    assert expected[("18", "bps_employed_persons", dt.date(2024, 8, 31))] == 4_787_590
    assert expected[("18.71", "bps_employed_persons", dt.date(2023, 8, 31))] == 563_040
    assert expected[("18", "bpjs_potential_workers", dt.date(2024, 9, 30))] == 3_058_943

    skipped = result.extra["skipped"]
    indicators = Counter(r["indicator"] for r in rows)
    for indicator in ("open_unemployment_rate_pct_aug", "bpjstk_coverage_pct_sep"):
        assert skipped[indicator] == indicators[indicator]
    assert "employed_persons_aug" not in skipped and "population_dukcapil_dec" not in skipped
    assert sum(skipped.values()) == len(rows) - len(expected)

    city = WorkerPopulation.objects.get(
        region_id="18.71", reference_date=dt.date(2023, 8, 31), kind_id="bps_employed_persons"
    )
    assert (city.province_code, city.regency_code, city.district_code) == ("18", "18.71", "")
    assert city.indicator == "employed_persons_aug" and "http" in city.source
    assert city.kind.name_en == "Employed persons (BPS Sakernas)"

    assert cud(services.load_worker_populations(path)) == (0, 0, len(expected))
    assert population_table() == expected
    assert len(audit_rows("regions.load_worker_populations")) == 2


def test_bad_worker_population_rows_are_rejected(lampung: LoadResult, tmp_path: Path) -> None:
    lines = [
        "18.71,Bandar Lampung,2024,labour_force_aug,612345.4,uji",  # 2 good, rounded
        "18.99,Tidak ada,2024,labour_force_aug,1000,uji",  # 3 unknown region
        "18.72,Metro,2024,labour_force_aug,banyak,uji",  # 4 not a number
        "18.72,Metro,2023,labour_force_aug,-5,uji",  # 5 negative
        "18.72,Metro,2024,open_unemployment_rate_pct_aug,3.7,uji",  # 6 not a population
    ]
    result = services.load_worker_populations(write_lines(tmp_path / "l.csv", LABOUR_HEADER, lines))
    assert rejected_by_line(result) == {3: "region_code", 4: "value", 5: "value"}
    assert_bilingual(result)
    assert result.extra["skipped"] == {"open_unemployment_rate_pct_aug": 1}
    assert population_table() == {("18.71", "bps_labour_force", dt.date(2024, 8, 31)): 612_345}


@pytest.fixture
def wage_regions() -> None:
    for code in ("18", "18.71", "18.72"):
        RegionFactory(code=code)


def test_minimum_wages_loaded_and_bad_rows_rejected(wage_regions: None, tmp_path: Path) -> None:
    # Amounts are made up for the test.
    lines = [
        "18,UMP,2025,1234567,2025-01-01,uji (fiktif),,,",  # 2
        "18.71,umk,2025,2345678,2025-01-01,uji,2025-12-31,Kep Uji 1,confirmed",  # 3
        '18.72,UMK,2025,"2.716.497,38",2025-01-01,uji,,,',  # 4 Indonesian number format
        "18.72,UMR,2025,1111111,2025-01-01,uji,,,",  # 5 unknown kind
        "18.72,UMK,2025,1111111,01/01/2025,uji,,,",  # 6 bad date
        "18.99,UMK,2025,1111111,2025-01-01,uji,,,",  # 7 unknown region
        "18.72,UMK,2025,0,2025-01-01,uji,,,",  # 8 not positive
        "18.72,UMK,2025,1111111,2025-01-01,uji,,,pasti",  # 9 unknown confidence
    ]
    path = write_lines(tmp_path / "wages.csv", WAGE_HEADER, lines)
    result = services.load_minimum_wages(path)
    assert rejected_by_line(result) == {
        **{4: "amount", 5: "kind", 6: "effective_from"},
        **{7: "region_code", 8: "amount", 9: "confidence"},
    }
    assert_bilingual(result)
    assert result.rejected[0].value == "2.716.497,38"
    wages = {(w.region_id, w.kind, w.year): w for w in MinimumWage.objects.all()}
    assert set(wages) == {("18", "UMP", 2025), ("18.71", "UMK", 2025)}
    ump, umk = wages[("18", "UMP", 2025)], wages[("18.71", "UMK", 2025)]
    assert (ump.amount, ump.confidence, ump.effective_to) == (1_234_567, "unconfirmed", None)
    assert (umk.amount, umk.confidence, umk.effective_to) == (2_345_678, "confirmed", END_2025)
    assert (umk.province_code, umk.regency_code, umk.legal_basis) == ("18", "18.71", "Kep Uji 1")
    assert cud(services.load_minimum_wages(path)) == (0, 0, 2)


def test_minimum_wage_optional_columns_may_be_absent(wage_regions: None, tmp_path: Path) -> None:
    header = ",".join(WAGE_HEADER.split(",")[:6])
    path = write_lines(tmp_path / "w.csv", header, ["18.72,UMK,2026,7654321,2026-01-01,uji"])
    result = services.load_minimum_wages(path)
    assert (result.created, result.rejected) == (1, [])
    wage = MinimumWage.objects.get()
    assert (wage.confidence, wage.legal_basis, wage.effective_to) == ("unconfirmed", "", None)


def test_a_bad_end_date_is_reported_on_its_own_column(wage_regions: None, tmp_path: Path) -> None:
    line = "18.72,UMK,2025,1111111,2025-01-01,uji,31-12-2025,,"
    result = services.load_minimum_wages(write_lines(tmp_path / "w.csv", WAGE_HEADER, [line]))
    rejected = [(r.line, r.column, r.value) for r in result.rejected]
    assert rejected == [(2, "effective_to", "31-12-2025")]


def test_an_infinite_population_is_rejected_not_fatal(wage_regions: None, tmp_path: Path) -> None:
    path = write_lines(tmp_path / "l.csv", LABOUR_HEADER, ["18.72,M,2024,labour_force_aug,1e400,x"])
    assert rejected_by_line(services.load_worker_populations(path)) == {2: "value"}


def test_a_non_ascii_digit_amount_is_rejected_not_fatal(wage_regions: None, tmp_path: Path) -> None:
    path = write_lines(tmp_path / "w.csv", WAGE_HEADER, ["18.72,UMK,2025,²,2025-01-01,uji,,,"])
    assert rejected_by_line(services.load_minimum_wages(path)) == {2: "amount"}
