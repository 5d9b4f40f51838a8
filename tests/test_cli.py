"""The ``lindung`` console entry point, run as a real process against a throwaway SQLite file."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.cli import copy_db, lindung

DATA = Path(settings.LINDUNG_REFERENCE_DATA)
WAGES = DATA / "lampung_minimum_wages.csv"  # optional: loaded when shipped
STEPS = {"regions", "regency_boundaries", "district_boundaries", "crosswalk", "labour"} | (
    {"minimum_wages"} if WAGES.exists() else set()
)


def data_rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def features(name: str) -> int:
    return len(json.loads((DATA / name).read_text(encoding="utf-8"))["features"])


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory: pytest.TempPathFactory, migrated_sqlite: Path) -> Path:
    return copy_db(migrated_sqlite, tmp_path_factory.mktemp("var"))


@pytest.fixture(scope="module")
def first_load(var_dir: Path) -> dict:
    regions_file = DATA / "regions_lampung.csv"
    done = lindung(
        var_dir,
        "regions",
        "load",
        "--format",
        "json",
        "--regions-file",
        str(regions_file),
        "--no-villages",
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1, done.stdout  # one JSON object, progress goes to stderr
    return json.loads(lines[0])


def test_load_prints_one_json_object_with_per_step_counts(first_load: dict) -> None:
    assert set(first_load) == STEPS  # --no-villages: no village_boundaries step
    regions_file = DATA / "regions_lampung.csv"
    n_regions = len(data_rows(regions_file))
    regions = first_load["regions"]
    assert (regions["rows_read"], regions["created"], regions["rejected"]) == (
        n_regions,
        n_regions,
        0,
    )
    assert regions["source"] == "regions_lampung.csv"
    assert regions["sha256"] == hashlib.sha256(regions_file.read_bytes()).hexdigest()
    regency, district = first_load["regency_boundaries"], first_load["district_boundaries"]
    assert regency["created"] == features("lampung_regencies.geojson") == 15
    assert district["created"] == features("lampung_districts.geojson") == 229
    crosswalk = data_rows(DATA / "lampung_bps_crosswalk.csv")
    assert first_load["crosswalk"]["rows_read"] == len(crosswalk)
    assert first_load["crosswalk"]["created"] == sum(1 for r in crosswalk if r["bps_code"])
    assert first_load["crosswalk"]["extra"]["without_bps_code"] == ["18.08.15"]
    labour = first_load["labour"]
    assert labour["rows_read"] == len(data_rows(DATA / "lampung_labour.csv"))
    assert labour["created"] > 0 and labour["rejected"] == 0
    assert labour["created"] + sum(labour["extra"]["skipped"].values()) == labour["rows_read"]
    if WAGES.exists():
        wages = first_load["minimum_wages"]
        assert (wages["rows_read"], wages["rejected"]) == (len(data_rows(WAGES)), 0)
        assert wages["created"] == wages["rows_read"]


def test_table_output_writes_numbers_the_indonesian_way(first_load: dict, var_dir: Path) -> None:
    """Without --format json the counts are a table in Indonesian style (1.234, not 1,234),
    through the one formatter; the run's seconds have a decimal comma."""
    done = lindung(
        var_dir, "regions", "load", "--regions-file", str(DATA / "regions_lampung.csv"),
        "--no-villages",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    n_regions = len(data_rows(DATA / "regions_lampung.csv"))
    assert n_regions >= 1000  # a grouped number
    grouped = f"{n_regions:,}"
    assert grouped.replace(",", ".") in done.stdout
    assert grouped not in done.stdout
    assert re.search(r"done in \d+,\d s", done.stderr), done.stderr


def test_reload_with_bad_rows_writes_a_reject_report(
    first_load: dict, var_dir: Path, tmp_path: Path
) -> None:
    source = (DATA / "regions_lampung.csv").read_text(encoding="utf-8")
    n_lines = len(source.splitlines())
    regions_file = tmp_path / "regions_plus.csv"
    regions_file.write_text(
        source + "18.1,Rusak,regency,18\n18.71.01.9001,,village,18.71.01\n", encoding="utf-8"
    )
    report = tmp_path / "rejects.csv"
    done = lindung(
        var_dir,
        "regions", "load", "--format", "json", "--regions-file", str(regions_file),
        "--no-villages", "--reject-report", str(report),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    counts = json.loads(done.stdout)
    unchanged = first_load["regions"]["created"]
    assert (counts["regions"]["unchanged"], counts["regions"]["created"]) == (unchanged, 0)
    assert counts["regions"]["rejected"] == 2
    for step in STEPS - {"regions"}:
        assert (counts[step]["created"], counts[step]["updated"]) == (0, 0), step

    rows = data_rows(report)
    assert [(r["file"], r["line"], r["column"], r["value"]) for r in rows] == [
        ("regions_plus.csv", str(n_lines + 1), "code", "18.1"),
        ("regions_plus.csv", str(n_lines + 2), "name", ""),
    ]
    assert all(" / " in r["reason"] for r in rows)
    assert "2 rejected rows" in done.stderr


def test_deactivate_missing_needs_the_national_list(var_dir: Path) -> None:
    done = lindung(
        var_dir,
        "regions",
        "load",
        "--regions-file",
        str(DATA / "regions_lampung.csv"),
        "--deactivate-missing",
    )
    assert done.returncode != 0
    assert "--deactivate-missing needs the full national list" in done.stderr


def test_a_missing_wage_file_is_a_clean_error(var_dir: Path, tmp_path: Path) -> None:
    done = lindung(var_dir, "regions", "load-wages", str(tmp_path / "absent.csv"))
    assert done.returncode != 0
    assert "absent.csv" in done.stderr and "Traceback" not in done.stderr


LINDUNG_COMMANDS = ("demo", "import", "coverage", "public-workers", "registrations")


@pytest.mark.parametrize("args", [(), ("--help",), ("-h",), ("help",)])
def test_overview_lists_lindung_commands_first(tmp_path: Path, args: tuple[str, ...]) -> None:
    done = lindung(tmp_path, *args, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    firsts = {line.split()[0]: i for i, line in reversed(list(enumerate(lines))) if line.strip()}
    for name in LINDUNG_COMMANDS:
        line = lines[firsts[name]]
        assert len(line.split()) > 1, f"{name} has no help text"  # name, then its one line
    assert "migrate" not in firsts  # Django's commands are one hint away …
    assert "lindung help --all" in done.stdout
    assert done.stdout.index("demo ") < done.stdout.index("migrate")  # … named after ours


def test_help_all_and_command_help_are_djangos(tmp_path: Path) -> None:
    everything = lindung(tmp_path, "help", "--all", timeout=120)
    assert everything.returncode == 0, everything.stderr
    names = {line.strip() for line in everything.stdout.splitlines()}
    assert {"migrate", "demo", "public-workers"} <= names
    one = lindung(tmp_path, "contributions", "--help", timeout=120)
    assert one.returncode == 0 and "load-rates" in one.stdout
