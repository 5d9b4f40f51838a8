"""Import kind ``region_populations``: denominators below the regency from a file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.urls import reverse

from lindung.core.imports.pipeline import run_import
from lindung.core.models import ImportRejection
from lindung.regions.importers import RegionPopulationImporter, age_band, reference_date
from lindung.regions.models import PopulationBand, SourceKind, WorkerPopulation

HEADER = "kode_wilayah,tahun,jenis,kelompok_umur,jenis_kelamin,jumlah,sumber,jenis_sumber,tautan"
GOOD = [
    # lines 2-3: totals; lines 4-7: a village given by age band and sex only
    "18.71.01,2024,usia_kerja,,,12.345,Dukcapil DKB Semester II 2024,,https://dukcapil.example/dkb",
    "18.71.01.1004,2024-S1,pekerja,,,800,Dukcapil,resmi,",
    "18.71.01.1003,2024,usia_kerja,15-19,L,100,Dukcapil,,",
    "18.71.01.1003,2024,usia_kerja,15-19,P,90,Dukcapil,,",
    "18.71.01.1003,2024,usia_kerja,65+,L,40,Dukcapil,,",
    "18.71.01.1003,2024,usia_kerja,65 ke atas,P,50,Dukcapil,,",
]
BAD = [
    "18.71.09,2024,usia_kerja,,,10,Dukcapil,,",  # 8: unknown region
    "18.71.01,2024,orang,,,10,Dukcapil,,",  # 9: unknown kind
    "18.71.01,2024,usia_kerja,,,1.5,Dukcapil,,",  # 10: not a whole number
    "18.71.01,2024,usia_kerja,5-9,,10,Dukcapil,,",  # 11: under working age
    "18.71.01,2024,usia_kerja,,,-3,Dukcapil,,",  # 12: negative
    "18.71.01,20245,usia_kerja,,,10,Dukcapil,,",  # 13: bad date
    "18.71.01,2024,usia_kerja,,,10,,,",  # 14: no source
    "18.71.01,2024,usia_kerja,,,10,Demo,sintetis,",  # 15: synthetic without saying so
    "18.71.01,2024,usia_kerja,,,10,Dukcapil,,ftp://x",  # 16: not a web link
    "18.71.01,2024,usia_kerja,,,99,Dukcapil,,",  # 17: duplicate of line 2
]


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def test_good_rows_are_kept_bad_rows_reported_and_a_second_run_changes_nothing(
    region_tree, tmp_path
):
    job = run_import(RegionPopulationImporter(), write(tmp_path / "p.csv", GOOD + BAD))
    assert (job.rows_imported, job.rows_rejected) == (6, 10)
    rejected = dict(ImportRejection.objects.filter(job=job).values_list("line", "column"))
    assert rejected == {
        8: "region",
        9: "population_kind",
        10: "value",
        11: "age_band",
        12: "value",
        13: "reference",
        14: "source",
        15: "source",
        16: "url",
        17: "",
    }
    reasons = dict(ImportRejection.objects.filter(job=job).values_list("line", "reason"))
    assert "baris 2" in reasons[17] and "line 2" in reasons[17]

    district = WorkerPopulation.objects.get(region_id="18.71.01")
    assert (district.kind_id, district.reference_date, district.value) == (
        "dukcapil_working_age",
        dt.date(2024, 12, 31),
        12_345,
    )
    assert district.url == "https://dukcapil.example/dkb"
    assert district.source_kind == SourceKind.PUBLISHED
    assert (district.province_code, district.district_code) == ("18", "18.71.01")
    village = WorkerPopulation.objects.get(region_id="18.71.01.1004")
    assert (village.kind_id, village.reference_date) == ("dukcapil_workers", dt.date(2024, 6, 30))
    # Given by age band and sex only: the total is their sum.
    summed = WorkerPopulation.objects.get(region_id="18.71.01.1003")
    assert summed.value == 100 + 90 + 40 + 50
    assert set(PopulationBand.objects.values_list("age_band", "sex")) == {
        ("15-19", "M"),
        ("15-19", "F"),
        ("65+", "M"),
        ("65+", "F"),
    }

    before = list(WorkerPopulation.objects.order_by("pk").values())
    again = run_import(RegionPopulationImporter(), write(tmp_path / "q.csv", GOOD + BAD))
    assert (again.rows_imported, again.rows_unchanged, again.rows_rejected) == (0, 6, 10)
    assert list(WorkerPopulation.objects.order_by("pk").values()) == before


def test_a_changed_figure_is_updated_and_a_synthetic_row_keeps_its_label(region_tree, tmp_path):
    run_import(RegionPopulationImporter(), write(tmp_path / "a.csv", GOOD[:1]))
    changed = GOOD[0].replace("12.345", "12.400")
    synthetic = "18.71.01.1004,2024,usia_kerja,,,70,Data SINTETIS demo Lindung,sintetis,"
    job = run_import(RegionPopulationImporter(), write(tmp_path / "b.csv", [changed, synthetic]))
    assert (job.rows_imported, job.rows_rejected) == (2, 0)
    assert WorkerPopulation.objects.get(region_id="18.71.01").value == 12_400
    row = WorkerPopulation.objects.get(region_id="18.71.01.1004")
    assert row.source_kind == SourceKind.SYNTHETIC


def test_cells_read_the_indonesian_way():
    assert age_band("15–19") == "15-19"
    assert age_band("65 ke atas") == "65+"
    assert reference_date("31/12/2024") == dt.date(2024, 12, 31)
    assert reference_date("2025-S1") == dt.date(2025, 6, 30)


def test_the_region_page_shows_sources_as_short_titles_with_links(region_tree, client, make_user):
    figure = WorkerPopulation.objects.get(region_id="18.71")
    figure.source = (
        "https://github.com/cahyadsn/wilayah db/wilayah_penduduk.sql (MIT; cites Ditjen "
        "Dukcapil Kemendagri, Data Kependudukan Semester II Desember 2024) [12]"
    )
    figure.source_kind = SourceKind.SYNTHETIC
    figure.save()
    client.force_login(make_user("province_officer"))
    body = client.get(reverse("regions:detail", kwargs={"code": "18.71"})).content.decode()
    note = body[body.index('class="small text-muted source-note"') :].split("</div>")[0]
    assert '<a href="https://github.com/cahyadsn/wilayah"' in note
    assert ">Ditjen Dukcapil Kemendagri, Data Kependudukan" in note
    assert "[12]" not in note and ">https://" not in note
    assert "synthetic" in body or "sintetis" in body
