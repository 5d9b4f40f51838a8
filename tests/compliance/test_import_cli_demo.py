"""Business-registry import (idempotent by NIB, rejects with reasons), the CLI, the API lists
and the demo data."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from lindung.compliance.models import BusinessEntry, Case, Letter, Step
from lindung.core.imports.kinds import capability_for, importer_for
from lindung.core.imports.pipeline import run_import
from lindung.core.models import ImportRejection
from lindung.core.scope import SYSTEM
from lindung.demo.compliance import ensure_demo_compliance
from tests.compliance.conftest import AS_OF
from tests.registry.factories import OWN_VILLAGE, EmployerFactory, MembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.engine]
HEADER = "nib;nama_usaha;kbli;kode_desa;jumlah_tenaga_kerja;rata_rata_upah;sumber;tahun\n"


def write(tmp_path: Path, body: str, name: str = "usaha.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_import_is_idempotent_by_nib_and_rejects_bad_rows(region_tree, tmp_path):
    assert capability_for("business_registry") == "manage_compliance"
    body = (
        f"1234567890123;PT Satu;10790;{OWN_VILLAGE};25;3.500.000;oss;2025\n"
        f"1234567890124;CV Dua;;{OWN_VILLAGE};4;;WLKP;2024\n"
        f"123;CV Pendek;;{OWN_VILLAGE};4;;OSS;2024\n"
        f"1234567890125;CV Tiga;;99.99.99.9999;4;;OSS;2024\n"
        f"1234567890126;CV Empat;;{OWN_VILLAGE};banyak;;OSS;2024\n"
        f"1234567890123;PT Satu lagi;;{OWN_VILLAGE};5;;OSS;2024\n"
    )
    job = run_import(importer_for("business_registry"), write(tmp_path, body))
    assert (job.rows_imported, job.rows_rejected) == (2, 4)
    one = BusinessEntry.objects.get(nib="1234567890123")
    assert (one.reported_workers, one.reported_avg_wage, one.source) == (25, 3_500_000, "OSS")
    assert one.regency_code == "18.71"
    reasons = list(ImportRejection.objects.order_by("line").values_list("line", "reason"))
    assert [line for line, _r in reasons] == [4, 5, 6, 7]
    assert all(" / " in r for _l, r in reasons)
    again = run_import(importer_for("business_registry"), write(tmp_path, body, "lagi.csv"))
    assert (again.rows_imported, again.rows_unchanged) == (0, 2)
    changed = body.replace(";25;", ";30;")
    third = run_import(importer_for("business_registry"), write(tmp_path, changed, "baru.csv"))
    assert third.rows_imported == 1
    assert BusinessEntry.objects.get(nib="1234567890123").reported_workers == 30


def test_cli_run_prints_counts_per_check(region_tree, wages, tmp_path):
    emp = EmployerFactory(village=region_tree[OWN_VILLAGE])
    MembershipFactory(employer=emp, work_region=region_tree[OWN_VILLAGE], wage=1_000_000)
    out = io.StringIO()
    call_command("compliance", "run", "--region", "18.71", "--as-of", "2025-06-30",
                 "--format", "json", stdout=out)  # fmt: skip
    data = json.loads(out.getvalue())
    assert data["region"] == "18.71" and data["as_of"] == "2025-06-30"
    assert data["counts"]["pds_wage"] == 1 and data["counts"]["unregistered"] == 0
    table = io.StringIO()
    call_command("compliance", "run", stdout=table)
    assert "pds_wage" in table.getvalue()
    with pytest.raises(Exception, match="unknown region"):
        call_command("compliance", "run", "--region", "77", stdout=io.StringIO())


def test_api_lists_are_scoped_and_paginated(client, make_user, region_tree, wages):
    from lindung.compliance import services
    from tests.registry.factories import FOREIGN_VILLAGE

    for village in (OWN_VILLAGE, FOREIGN_VILLAGE):
        emp = EmployerFactory(village=region_tree[village])
        MembershipFactory(employer=emp, work_region=region_tree[village], wage=1_000_000)
    services.run_checks(actor=SYSTEM, as_of=AS_OF)
    client.force_login(make_user("regency_officer"))
    risks = client.get(reverse("compliance_api:risk-list")).json()
    assert [r["regency_code"] for r in risks["results"]] == ["18.71"] and "next" in risks
    findings = client.get(reverse("compliance_api:finding-list") + "?check=pds_wage").json()
    assert findings["results"][0]["evidence"]["members_below_minimum"] == 1
    schema = client.get(reverse("api:schema")).content.decode()
    assert "/api/v1/compliance/cases/{id}/move/" in schema


@pytest.fixture
def rates(db):
    call_command("contributions", "load-rates", "--format", "json", stdout=io.StringIO())


def test_demo_compliance_fills_every_step(region_tree, wages, rates):
    for i in range(30):
        emp = EmployerFactory(village=region_tree[OWN_VILLAGE], nib=f"{5000000000000 + i}",
                              size_class="medium" if i % 3 else "small")  # fmt: skip
        for _ in range(1 + i % 4):
            MembershipFactory(employer=emp, work_region=region_tree[OWN_VILLAGE],
                              wage=3_400_000, jht=i % 5 != 0, jp=i % 2 == 0)  # fmt: skip
    summary = ensure_demo_compliance(actor=SYSTEM, as_of=dt.date(2025, 9, 20))
    findings = summary["findings"]
    assert findings["unregistered"] >= 3 and findings["pds_workers"] >= 1
    assert findings["arrears"] >= 1 and summary["bills"] > 0
    steps = set(Case.objects.values_list("step", flat=True))
    assert steps == set(Step.values)
    assert Letter.objects.exists()
    again = ensure_demo_compliance(actor=SYSTEM, as_of=dt.date(2025, 9, 20))
    assert again["cases"] == 0 and again["import"]["rows_imported"] == 0
