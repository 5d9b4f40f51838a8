"""The BPJS branch imports its extracts in the browser and downloads the reject report."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from lindung.core.roles import Role
from lindung.registry.models import Employer, Membership, Person
from tests.browser.conftest import PASSWORD, MakeOfficer, nav_click

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
pytestmark = pytest.mark.browser


def upload(page: Page, kind: str, path: Path) -> None:
    page.goto("/impor/")
    page.select_option("#id_kind", kind)
    page.set_input_files("#id_file", str(path))
    page.click("#upload-button")
    expect(page).to_have_url(re.compile(r"/impor/\d+/$"))
    expect(page.locator("#job")).to_have_attribute("data-state", "done")


def test_branch_imports_extracts_and_reads_the_reject_report(
    page: Page, live_server: Any, make_officer: MakeOfficer, settings: Any, screenshot: Any
) -> None:
    settings.LINDUNG_JOBS_INLINE = True  # the live server's test database is not shared
    make_officer("cabang", Role.BPJS_BRANCH, ["18"])
    page.goto("/masuk/")
    page.fill("#id_username", "cabang")
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")
    nav_click(page, "#nav-imports")
    expect(page).to_have_url(re.compile(r"/impor/$"))

    upload(page, "employers", SAMPLES / "employers.csv")
    expect(page.locator("#rows-imported")).to_have_text("2")
    assert Employer.objects.count() == 2

    upload(page, "participants", SAMPLES / "participants_bad.csv")
    expect(page.locator("#rows-read")).to_have_text("10")
    expect(page.locator("#rows-rejected")).to_have_text("8")
    expect(page.locator("#rows-imported")).to_have_text("2")
    assert Person.objects.count() == 2 and Membership.objects.count() == 2
    screenshot(page, "import-job")

    with page.expect_download() as download:
        page.click("#reject-report")
    report = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text("utf-8-sig"))))
    assert [int(r["line"]) for r in report] == [3, 5, 7, 8, 9, 10, 11, 12]
    assert all(" / " in r["reason"] for r in report)
    # Personal data in the report is masked: no full NIK of the file appears.
    nik_line = next(r for r in report if r["line"] == "3")
    assert nik_line["value"] != "187101150490001" and "*" in nik_line["value"]

    # The same file again: nothing changes, and the job list shows both runs.
    upload(page, "participants", SAMPLES / "participants_bad.csv")
    expect(page.locator("#rows-unchanged")).to_have_text("2")
    expect(page.locator("#rows-imported")).to_have_text("0")
    page.goto("/impor/")
    expect(page.locator("#jobs tbody tr")).to_have_count(3)
    assert Membership.objects.count() == 2


def test_regency_officer_may_upload_candidate_lists_and_registers_only(
    page: Page, live_server: Any, regency_officer: Any, make_officer: MakeOfficer
) -> None:
    page.goto("/masuk/")
    page.fill("#id_username", regency_officer.username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")
    nav_click(page, "#nav-imports")
    # BPJS extracts are the branch's; a regency imports social-registry lists and the register
    # of the people its bodies pay.
    options = page.locator("#id_kind option").evaluate_all("els => els.map(e => e.value)")
    assert options == ["candidates", "public_workers"]

    make_officer("pemeriksa", Role.AUDITOR, ["18.71"])
    page.context.clear_cookies()
    page.goto("/masuk/")
    page.fill("#id_username", "pemeriksa")
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")
    expect(page.locator("#nav-imports")).to_have_count(0)
    response = page.goto("/impor/")
    assert response is not None and response.status == 403
