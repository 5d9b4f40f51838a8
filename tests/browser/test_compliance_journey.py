"""A BPJS inspector works the compliance worklist in the browser: opens a case on the riskiest
employer, moves it to the reminder, issues and downloads the letter, and resolves the case."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from playwright.sync_api import Page, expect

from lindung.compliance import services
from lindung.compliance.models import Case, Letter, Step
from lindung.core import regioncodes
from lindung.core.roles import Role
from lindung.core.scope import SYSTEM
from lindung.regions.models import Region
from lindung.registry.models import Employer, Membership, Person
from tests.browser.conftest import PASSWORD, MakeOfficer

pytestmark = pytest.mark.browser


def _employer_with_findings() -> Employer:
    village = Region.objects.filter(level="village", code__startswith="18.71.").order_by("code")[0]
    employer = Employer(npp="77000001", name="PT Teluk Betung Sejahtera", nib="7700000000001",
                        size_class="medium", village=village)  # fmt: skip
    employer.assign_region_codes(village.code)
    employer.save()
    for i in range(3):
        person = Person(nik=f"187101010190{i:04d}", name=f"Pekerja {i}", sex="M",
                        birth_date="1990-01-01", domicile=village)  # fmt: skip
        person.assign_region_codes(village.code)
        person.save()
        m = Membership(person=person, employer=employer, segment="PU", kpj=f"KPJ7700{i}",
                       wage=4_000_000, work_region=village, start_date="2024-01-01",
                       jkk=True, jkm=True, jht=False, jp=False)  # fmt: skip
        m.assign_region_codes(village.code)
        m.save()
    services.run_checks(actor=SYSTEM)
    return employer


def test_inspector_goes_from_worklist_to_a_resolved_case(
    page: Page, live_server: Any, make_officer: MakeOfficer, screenshot: Any, settings: Any,
    tmp_path: Path,
) -> None:  # fmt: skip
    settings.COMPLIANCE_FILES_DIR = tmp_path
    # A live-server test flushes every table afterwards, rows of data migrations included: when
    # another browser test ran first, the default letter templates must be seeded again.
    importlib.import_module("lindung.compliance.migrations.0002_letter_templates").seed(apps, None)
    assert regioncodes.is_valid_code("18.71")
    employer = _employer_with_findings()
    make_officer("wasrik", Role.BPJS_BRANCH, ["18"])
    page.goto("/masuk/")
    page.fill("#id_username", "wasrik")
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")

    page.click("#nav-compliance")
    expect(page).to_have_url(re.compile(r"/kepatuhan/$"))
    expect(page.locator("#worklist tbody tr")).to_have_count(1)
    expect(page.locator("#total-pds_programme")).to_have_text("1")
    screenshot(page, "compliance-worklist")
    page.click("#worklist .subject-link")
    expect(page.locator("#subject-name")).to_contain_text(employer.name)
    expect(page.locator("#finding-pds_programme")).to_contain_text("JHT")

    page.click("#open-case")
    expect(page).to_have_url(re.compile(r"/kepatuhan/kasus/\d+/$"))
    expect(page.locator("#case-step")).to_have_attribute("data-step", "identified")
    # The form offers only the next step or an ending: no skipping.
    options = page.locator("#to option").evaluate_all("els => els.map(e => e.value)")
    assert options == ["reminder", "resolved", "closed"]
    page.select_option("#to", "reminder")
    page.click("#move-button")
    expect(page.locator("#case-step")).to_have_attribute("data-step", "reminder")

    page.click("#issue-letter")
    expect(page.locator("#letters .letter-link")).to_have_count(1)
    with page.expect_download() as download:
        page.click("#letters .letter-link")
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    screenshot(page, "compliance-case")

    page.fill("#note-text", "Perusahaan berjanji mendaftarkan JHT")
    page.click("#add-note")
    expect(page.locator("#timeline")).to_contain_text("berjanji")
    page.select_option("#to", "resolved")
    page.fill("#move-note", "JHT sudah didaftarkan")
    page.click("#move-button")
    expect(page.locator("#case-step")).to_have_attribute("data-step", "resolved")
    expect(page.locator("#move-form")).to_have_count(0)

    case = Case.objects.get(employer=employer)
    assert case.step == Step.RESOLVED and Letter.objects.filter(case=case).count() == 1
