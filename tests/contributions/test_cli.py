"""`lindung contributions load-rates` and `lindung contributions calc` (domain.md §2)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from lindung.contributions.services import DEFAULT_DATA_DIR
from tests.cli import copy_db
from tests.cli import lindung as run_lindung


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("contributions", *args, stdout=out)
    return out.getvalue()


def calc_json(*args: str) -> dict:
    return json.loads(run("calc", *args, "--format", "json"))


def test_pu_json_for_12_million_in_march_2024(rates) -> None:
    data = calc_json("--segment", "PU", "--month", "2024-03", "--wage", "12000000",
                     "--risk-class", "1")  # fmt: skip
    got = {(line["programme"], line["party"]): line["amount"] for line in data["lines"]}
    # JKK 0.24 % = 28,800; JKM 0.30 % = 36,000; JHT 3.7 % = 444,000 and 2 % = 240,000;
    # JP on the cap 10,042,300: 2 % = 200,846 and 1 % = 100,423; JKP 0
    assert got == {
        ("JKK", "employer"): 28_800,
        ("JKM", "employer"): 36_000,
        ("JHT", "employer"): 444_000,
        ("JHT", "worker"): 240_000,
        ("JP", "employer"): 200_846,
        ("JP", "worker"): 100_423,
        ("JKP", "employer"): 0,
    }
    assert data["total"] == 28_800 + 36_000 + 444_000 + 240_000 + 200_846 + 100_423  # 1,050,069
    assert all(isinstance(line["amount"], int) and line["rule"] for line in data["lines"])
    jp = next(line for line in data["lines"] if line["programme"] == "JP")
    assert jp["rules"] == ["PU-JP-EMPLOYER", "JP-CAP-2024"] and jp["base"] == 10_042_300
    assert data["due_date"] == "2024-04-15"


@pytest.mark.parametrize(("funder", "total"), [("self", 8_400), ("apbd", 16_800)])
def test_bpu_transport_worker_json(rates, funder: str, total: int) -> None:
    data = calc_json("--segment", "BPU", "--month", "2026-01", "--income", "1000000",
                     "--occupation", "ojol", "--funder", funder)  # fmt: skip
    assert data["total"] == total  # 16,800 × 50 % = 8,400 unless APBN/APBD pays (PP 50/2025)


def test_jakon_and_programme_selection(rates) -> None:
    data = calc_json("--segment", "JAKON", "--month", "2024-03", "--contract-value", "850000000")
    assert data["total"] == 1_345_000 + 180_000
    data = calc_json("--segment", "PU", "--month", "2024-03", "--wage", "5000000",
                     "--programmes", "jht,jp")  # fmt: skip
    assert {line["programme"] for line in data["lines"]} == {"JHT", "JP"}
    assert data["total"] == 185_000 + 100_000 + 100_000 + 50_000


def test_pp7_industry_flags(rates) -> None:
    data = calc_json("--segment", "PU", "--month", "2025-03", "--wage", "4000000",
                     "--risk-class", "3", "--programmes", "JKK", "--industry", "footwear",
                     "--workers", "50")  # fmt: skip
    assert data["total"] == 17_800  # 0.89 % × 4,000,000 = 35,600, −50 %
    assert data["lines"][0]["discount"] == "PP7-2025-JKK"


def test_pmi_flags(rates) -> None:
    data = calc_json("--segment", "PMI", "--month", "2024-03", "--contract-months", "12",
                     "--programmes", "JKK,JKM,JHT", "--jht-amount", "50000")  # fmt: skip
    assert data["total"] == 189_000 + 50_000


def test_table_output(rates) -> None:
    out = run("calc", "--segment", "BPU", "--month", "2024-03", "--income", "1000000")
    assert "16.800" in out and "total" in out and "rounding" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--segment", "PU", "--month", "2024-13", "--wage", "1"], "YYYY-MM"),
        (["--segment", "PU", "--month", "2024-03"], "wage"),
        (["--segment", "BPU", "--month", "2014-01", "--income", "1"], "2014-01"),
    ],
)
def test_calc_errors_are_bilingual(rates, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message) as info:
        run("calc", *args)
    assert " / " in str(info.value)


def test_calc_on_a_fresh_database_says_to_load_the_rates(db) -> None:
    with pytest.raises(CommandError, match="no JKK rule") as info:
        run("calc", "--segment", "PU", "--month", "2024-03", "--wage", "5000000",
            "--risk-class", "1")  # fmt: skip
    assert "jalankan / run: lindung contributions load-rates" in str(info.value)


def test_a_month_before_the_rules_does_not_say_to_load_them(rates) -> None:
    with pytest.raises(CommandError, match="2014-01") as info:
        run("calc", "--segment", "BPU", "--month", "2014-01", "--income", "1")
    assert "load-rates" not in str(info.value)  # loaded already: the month is the problem


def test_load_rates_json_and_reject_report(db, tmp_path: Path) -> None:
    counts = json.loads(run("load-rates", "--format", "json"))
    assert counts["jpwagecap"]["created"] == 12
    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, data)
    with open(data / "jakon_brackets.csv", "a", encoding="utf-8") as fh:
        fh.write("JAKON-JKK-6,JKK,9000000000,8000000000,0.05,2015-07-01,,PP,domain.md §2.6,✔,\n")
    report = tmp_path / "rejects.csv"
    counts = json.loads(run("load-rates", "--data-dir", str(data), "--format", "json",
                            "--reject-report", str(report)))  # fmt: skip
    assert counts["jakonbracket"]["rejected"] == 1 and counts["jpwagecap"]["unchanged"] == 12
    with open(report, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["file"], r["line"], r["column"]) for r in rows] == [
        ("jakon_brackets.csv", "12", "effective_from")  # value_to below value_from
    ]


def test_missing_data_dir_is_a_command_error(db, tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        run("load-rates", "--data-dir", str(tmp_path / "nowhere"))


def test_console_script_end_to_end(tmp_path: Path, migrated_sqlite: Path) -> None:
    var_dir = copy_db(migrated_sqlite, tmp_path)

    def lindung(*args: str) -> subprocess.CompletedProcess[str]:
        return run_lindung(var_dir, *args)

    assert lindung("contributions", "load-rates").returncode == 0
    done = lindung("contributions", "calc", "--segment", "BPU", "--month", "2024-03",
                   "--income", "1000000", "--format", "json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["total"] == 16_800
