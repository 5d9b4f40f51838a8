"""Refreshing facts: a killed refresh resumes, an import refreshes only the months it touched, and
the ``lindung coverage`` command's contract (figures, breakdowns, refresh, check)."""

from __future__ import annotations

import datetime as dt
import io
import json
import random
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from lindung.core.imports.pipeline import run_import
from lindung.core.months import month_ends
from lindung.core.nik import build_nik
from lindung.coverage import facts, services
from lindung.coverage.dimensions import COUNT_COLUMNS, dimensions
from lindung.coverage.facts import mark_stale
from lindung.coverage.models import CoverageFact, CoverageMonth
from lindung.coverage.selectors import percent
from lindung.registry.importers.participants import ParticipantImporter
from tests.coverage.factories import (
    fact_table,
    make_membership,
    make_person,
    oracle,
    random_world,
    snapshot,
)

pytestmark = pytest.mark.engine

D = dt.date


def all_facts() -> list[tuple]:
    fields = ("month", "level", "region_id", "province_code", "regency_code", "district_code",
              "village_code", "covered", *COUNT_COLUMNS)  # fmt: skip
    return list(CoverageFact.objects.order_by("month", "region_id").values_list(*fields))


def refreshed_at() -> dict[dt.date, dt.datetime]:
    return dict(CoverageMonth.objects.values_list("month", "refreshed_at"))


@pytest.fixture
def world(region_tree, settings) -> dict:
    settings.COVERAGE_FIRST_MONTH = "2024-01"
    random_world(random.Random(20240229), region_tree, D(2024, 1, 1), D(2024, 12, 31))
    village = region_tree["18.71.01.1003"]
    for sex, segment in (("F", "PU"), ("M", "BPU"), ("F", "JAKON")):  # never empty
        make_membership(make_person(village, sex), D(2023, 5, 1), segment=segment)
    return snapshot()


# --- A killed refresh -------------------------------------------------------------------------


def test_a_refresh_killed_in_the_third_month_resumes_there(world, monkeypatch) -> None:
    months = services.fact_months()
    assert len(months) > 6
    mark_stale(months)  # as an import leaves them
    real_insert = facts._level_insert

    def dies_in_third_month(level: str, index: int) -> str:
        if index == facts.month_index(months[2]) and level == "village":
            raise RuntimeError("killed")  # after three of the four levels were inserted
        return real_insert(level, index)

    monkeypatch.setattr(facts, "_level_insert", dies_in_third_month)
    with pytest.raises(RuntimeError, match="killed"):
        services.refresh()
    monkeypatch.undo()

    fresh = list(CoverageMonth.objects.filter(stale=False).values_list("month", flat=True))
    assert fresh == months[:2]
    assert set(CoverageMonth.objects.filter(stale=True).values_list("month", flat=True)) == set(
        months[2:]
    )
    assert set(CoverageFact.objects.values_list("month", flat=True)) == set(months[:2])
    for day in months[:2]:  # complete: every region of the oracle
        expected = {k: v for k, v in oracle(world, day).items() if v["covered"]}
        assert fact_table(day) == expected
    first_run = refreshed_at()

    computed: list[list[dt.date]] = []
    real_refresh = services.refresh_months
    monkeypatch.setattr(
        services,
        "refresh_months",
        lambda todo, progress=None, **kw: (
            computed.append(list(todo)) or real_refresh(todo, progress, **kw)
        ),
    )
    done = services.refresh()
    assert computed == [months[2:]] and [s.month for s in done] == months[2:]
    assert {m: t for m, t in refreshed_at().items() if m in months[:2]} == {
        m: first_run[m] for m in months[:2]
    }
    assert services.refresh() == [] and computed[-1] == []  # nothing stale is left
    resumed = all_facts()

    services.refresh(force=True)  # one clean run
    assert computed[-1] == months
    assert all_facts() == resumed
    assert not CoverageMonth.objects.filter(stale=True).exists()


# --- Refresh after an import ------------------------------------------------------------------

HEADER = (
    "nik,nama,jenis_kelamin,tanggal_lahir,kode_desa,pekerjaan,no_hp,no_kpj,npp,segmen,program,"
    "upah,kode_wilayah_kerja,tgl_kepesertaan,tgl_berakhir,alasan_berakhir,sumber_iuran"
)


def test_an_import_refreshes_only_the_months_from_its_earliest_start(
    world, tmp_path: Path, django_capture_on_commit_callbacks, settings
) -> None:
    settings.LINDUNG_JOBS_INLINE = True  # the refresh job runs at the import's commit
    months = services.fact_months()
    services.refresh()
    before_facts, before = all_facts(), refreshed_at()
    nik = build_nik("18.71.01", D(1992, 4, 15), "F", 77)
    path = tmp_path / "participants.csv"
    path.write_text(
        f"{HEADER}\n{nik},Siti Baru,P,1992-04-15,18.71.01.1004,Pedagang,,23000009999,,BPU,"
        '"JKK,JKM",1000000,18.71.01.1004,2024-07-15,,,mandiri\n',
        encoding="utf-8",
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = run_import(ParticipantImporter(), path)
    assert job.rows_imported == 1 and callbacks

    july = D(2024, 7, 31)
    after = refreshed_at()
    assert set(after) == set(months)
    assert [m for m in months if after[m] != before[m]] == [m for m in months if m >= july]
    assert not CoverageMonth.objects.filter(stale=True).exists()
    assert [f for f in all_facts() if f[0] < july] == [f for f in before_facts if f[0] < july]
    new = snapshot()
    for day in (D(2024, 6, 30), july, months[-1]):
        expected = {k: v for k, v in oracle(new, day).items() if v["covered"]}
        assert fact_table(day) == expected
    village = CoverageFact.objects.get(month=july, region_id="18.71.01.1004")
    old = oracle(world, july).get("18.71.01.1004", {})
    assert (village.covered, village.segment_bpu, village.sex_f, village.funding_self) == (
        old.get("covered", 0) + 1,
        old.get("segment_bpu", 0) + 1,
        old.get("sex_f", 0) + 1,
        old.get("funding_self", 0) + 1,
    )

    with django_capture_on_commit_callbacks(execute=True):
        again = run_import(ParticipantImporter(), path)
    assert again.rows_imported == 0
    assert refreshed_at() == after  # an import that changed nothing refreshes nothing


# --- The command ------------------------------------------------------------------------------


def coverage(*args: str) -> str:
    out = io.StringIO()
    call_command("coverage", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def show(*args: str) -> dict:
    text = coverage(*args, "--format", "json")
    assert text.count("\n") == 1  # one JSON object on one line
    return json.loads(text)


@pytest.fixture
def computed(world) -> dict:
    months = month_ends(D(2024, 1, 1), D(2024, 4, 1))
    result = json.loads(coverage("refresh", "--from", "2024-01", "--to", "2024-04", "--format",
                                 "json"))  # fmt: skip
    assert result["months"] == 4 and result["fact_rows"] == CoverageFact.objects.count() > 0
    assert set(CoverageMonth.objects.values_list("month", flat=True)) == set(months)
    return world


@pytest.mark.parametrize("day", ["2024-03-31", "2024-03-15"])
def test_show_region_as_json(computed, day: str) -> None:
    data = show("--region", "18", "--date", day)
    covered = oracle(computed, D.fromisoformat(day))["18"]["covered"]
    assert covered > 0
    assert (data["region"], data["date"], data["covered"]) == ("18", day, covered)
    assert (data["population"], data["denominator"]) == (100_002, "bps_employed_persons")
    assert data["coverage_pct"] == float(percent(covered, 100_002))
    assert data["computed_from"] == ("facts" if day.endswith("31") else "memberships")


@pytest.mark.parametrize("by", ["segment", "sex", "age", "sector", "funding"])
def test_show_breakdowns_sum_to_covered(computed, by: str) -> None:
    expected = oracle(computed, D(2024, 2, 29))["18.71"]
    data = show("--region", "18.71", "--date", "2024-02-29", "--by", by)
    rows = {row["code"]: row["covered"] for row in data["breakdown"]}
    assert list(rows) == [v.code for v in dimensions()[by].values]
    assert sum(rows.values()) == data["covered"] == expected["covered"]
    assert rows == {v.code: expected.get(v.column, 0) for v in dimensions()[by].values}


def test_show_by_region_lists_the_children(computed) -> None:
    expected = oracle(computed, D(2024, 1, 31))
    data = show("--region", "18", "--date", "2024-01-31", "--by", "region")
    assert data["by"] == "region"
    assert [(r["region"], r["covered"]) for r in data["regions"]] == [
        (code, expected.get(code, {}).get("covered", 0)) for code in ("18.71", "18.72")
    ]
    assert {r["region"]: r["population"] for r in data["regions"]} == {
        "18.71": 100_005,
        "18.72": 100_005,
    }
    with pytest.raises(CommandError, match="unknown region"):
        coverage("--region", "19", "--date", "2024-01-31")


def test_refresh_refreshes_only_stale_months_unless_forced(computed) -> None:
    args = ("refresh", "--from", "2024-01", "--to", "2024-04", "--format", "json")
    assert json.loads(coverage(*args))["months"] == 0
    mark_stale([D(2024, 2, 29)])
    assert json.loads(coverage(*args)) == {
        "months": 1,
        "fact_rows": CoverageFact.objects.filter(month=D(2024, 2, 29)).count(),
        "seconds": pytest.approx(0, abs=30),
    }
    assert json.loads(coverage(*args, "--force"))["months"] == 4


def test_check_passes_and_fails_on_a_tampered_fact(computed) -> None:
    args = ("check", "--from", "2024-01", "--to", "2024-04")
    assert "4 bulan diperiksa / months checked, 0 selisih / mismatches" in coverage(*args)
    fact = CoverageFact.objects.filter(month=D(2024, 3, 31), level="regency").first()
    CoverageFact.objects.filter(pk=fact.pk).update(segment_pu=F("segment_pu") + 1)
    with pytest.raises(CommandError, match="facts differ"):
        coverage(*args)
    CoverageFact.objects.filter(pk=fact.pk).update(
        segment_pu=F("segment_pu") - 1, covered=F("covered") + 1
    )
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("coverage", *args, "--format", "json", stdout=out)
    mismatches = json.loads(out.getvalue())["mismatches"]
    assert f"2024-03-31 {fact.region_id} covered: facts {fact.covered + 1}" in mismatches[0]


def test_check_notices_a_missing_village_row(computed) -> None:
    CoverageFact.objects.filter(month=D(2024, 1, 31), level="village").first().delete()
    with pytest.raises(CommandError, match="facts differ"):
        coverage("check", "--from", "2024-01", "--to", "2024-01")


def test_an_empty_month_range_refreshes_nothing(world) -> None:
    args = ("refresh", "--from", "2024-05", "--to", "2024-04", "--format", "json")
    assert json.loads(coverage(*args))["months"] == 0
    assert not CoverageMonth.objects.exists()
