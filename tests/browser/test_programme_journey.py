"""A subsidy programme end to end in the browser: the province plans it, imports a social
registry list, runs and approves the selection and downloads the enrolment file; the BPJS branch
imports its confirmation and issues the invoice; the province pays it; the outcome page shows
who is protected and what was spent."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from lindung.core.roles import Role
from lindung.programmes.models import Enrolment, Funder, FunderKind
from lindung.regions.models import Region
from lindung.registry.models import Membership
from tests.browser.conftest import MakeOfficer, login, nav_click
from tests.browser.test_import_journey import upload
from tests.registry.factories import nik_for

pytestmark = pytest.mark.browser


def social_registry(path: Path, village: str) -> list[str]:
    """Five people of one village: three eligible, one too young, one not poor enough."""
    people = [
        (dt.date(1980, 1, 1), "M", "Nelayan", 1),
        (dt.date(1985, 2, 2), "F", "Petani", 2),
        (dt.date(1990, 3, 3), "M", "Petani", 3),
        (dt.date(2010, 4, 4), "F", "Petani", 1),  # too young in August 2025
        (dt.date(1975, 5, 5), "M", "Pedagang", 8),  # decile above the limit
    ]
    niks = []
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(["nik", "nama", "jenis_kelamin", "tanggal_lahir", "kode_desa",
                         "pekerjaan", "desil"])  # fmt: skip
        for n, (birth, sex, occupation, decile) in enumerate(people, start=1):
            nik = nik_for(village, n, birth)
            if sex == "F":  # women: day of birth + 40 (domain.md §8.1)
                nik = nik[:6] + f"{birth.day + 40:02d}" + nik[8:]
            niks.append(nik)
            writer.writerow([nik, f"Warga {n}", "L" if sex == "M" else "P",
                             birth.strftime("%d-%m-%Y"), village, occupation, decile])  # fmt: skip
    return niks


def test_programme_from_plan_to_outcome(
    page: Page, live_server: Any, make_officer: MakeOfficer, settings: Any, screenshot: Any,
    tmp_path: Path,
) -> None:  # fmt: skip
    settings.LINDUNG_JOBS_INLINE = True  # the live server's test database is not shared
    call_command("contributions", "load-rates", "--format", "json", stdout=io.StringIO())
    make_officer("provinsi", Role.PROVINCE_OFFICER, ["18"])
    make_officer("cabang", Role.BPJS_BRANCH, ["18"])
    lampung = Region.objects.get(code="18")
    Funder.objects.create(
        name="Pemprov Lampung", kind=FunderKind.APBD_PROVINCE, region=lampung, province_code="18"
    )
    village = Region.objects.filter(level="village", regency_code="18.71").order_by("code")[0]

    # 1. The province plans a programme for three workers of Bandar Lampung and approves it.
    login(page, "provinsi")
    nav_click(page, "#nav-programmes")
    page.click("#new-programme")
    page.select_option("#id_funder", label="Pemprov Lampung")
    page.fill("#id_name", "Perlindungan nelayan dan petani")
    page.fill("#id_fiscal_year", "2025")
    page.fill("#id_budget", str(3 * 5 * 16_800))
    page.fill("#id_start_month", "2025-08-01")
    page.fill("#id_funded_months", "5")
    page.fill("#id_target_count", "3")
    page.fill("#id_area_code", "18.71")
    page.fill("#id_min_age", "18")
    page.fill("#id_max_age", "60")
    page.fill("#id_max_welfare_decile", "4")
    page.check("input[name=priority][value=poorest_first]")
    page.click("#save-programme")
    expect(page).to_have_url(re.compile(r"/program/\d+/$"))
    programme_url = page.url
    expect(page.locator("#plan")).to_contain_text("16.800")
    page.click("#move-approved")
    expect(page.locator("#programme-status")).to_have_text(re.compile("Disetujui|Approved"))

    # 2. The social-registry list goes through the import pipeline.
    niks = social_registry(tmp_path / "dtsen.csv", village.code)
    upload(page, "candidates", tmp_path / "dtsen.csv")
    expect(page.locator("#rows-imported")).to_have_text("5")

    # 3. Selection: every candidate in or out with a reason; the officer approves the list.
    page.goto(programme_url)
    page.click("#run-selection")
    # The selection is a background job: its page shows it done, with a link to the run.
    expect(page.locator("#job-state")).to_have_text("Selesai")
    page.click("#job-result")
    expect(page).to_have_url(re.compile(r"/seleksi/1/$"))
    reasons = page.locator("#reasons")
    expect(reasons.locator("tr[data-reason=selected] td").nth(1)).to_have_text("3")
    expect(reasons.locator("tr[data-reason=too_young] td").nth(1)).to_have_text("1")
    expect(reasons.locator("tr[data-reason=welfare_decile] td").nth(1)).to_have_text("1")
    expect(page.locator("#decisions")).not_to_contain_text(niks[0])  # NIKs masked
    screenshot(page, "programme-selection")
    page.click("#approve-run")
    expect(page.locator("#run-status")).to_have_text(re.compile("Disetujui|Approved"))

    # 4. The enrolment file for the branch: by name, by NIK.
    page.goto(programme_url)
    with page.expect_download() as download:
        page.click("#enrolment-csv")
    text = Path(download.value.path()).read_text("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(r["nik"] for r in rows) == sorted(niks[:3])

    # 5. The branch answers: two registered, one rejected; then bills the funder.
    answer = tmp_path / "konfirmasi.csv"
    with open(answer, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["kode_program", "nik", "no_kpj", "status", "alasan"])
        for i, row in enumerate(rows):
            rejected = i == 2
            writer.writerow([row["kode_program"], row["nik"], "" if rejected else f"25{i:09d}",
                             "ditolak" if rejected else "diterima",
                             "NIK tidak padan Dukcapil" if rejected else ""])  # fmt: skip
    login(page, "cabang")
    upload(page, "enrolment_confirmations", answer)
    expect(page.locator("#rows-imported")).to_have_text("3")
    assert Membership.objects.filter(funding="programme").count() == 2
    assert Enrolment.objects.filter(status="rejected").count() == 1
    page.goto(programme_url)
    expect(page.locator("#enrolment-counts")).to_contain_text("2")
    page.click("#issue-invoice")
    expect(page.locator("#message")).to_contain_text("168.000")  # 2 × 5 × Rp 16,800
    expect(page.locator("#invoices")).to_contain_text("168.000")

    # 6. The province pays the invoice; the outcome page as of September 2025.
    login(page, "provinsi")
    page.goto(programme_url)
    page.fill(".pay-form input[name=paid_on]", "2025-08-10")
    page.click(".pay-form button")
    expect(page.locator("#budget-paid")).to_contain_text("168.000")
    expect(page.locator("#budget-left")).to_contain_text("84.000")  # the rejected one's share
    page.click("#outcome-link")
    page.fill("#tanggal", "2025-09-30")
    page.click("#outcome-date button")
    expect(page.locator("#persons-protected")).to_have_text("2")
    expect(page.locator("#months-paid")).to_have_text("10")
    expect(page.locator("#premium-spent")).to_contain_text("168.000")
    expect(page.locator("#lapse-active")).to_have_text("2")
    screenshot(page, "programme-outcome")
