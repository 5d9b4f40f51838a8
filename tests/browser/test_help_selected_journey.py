"""A worker who cannot pay asks for help on the public page (on a phone); the province's
subsidy programme for their regency then runs its selection in the browser and picks them, the
self-registrant being a candidate of their village (issue 20, done-when (c))."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from lindung.core.nik import mask_nik
from lindung.core.roles import Role
from lindung.core.scope import SYSTEM
from lindung.programmes.models import Candidate, ProgrammeStatus
from lindung.programmes.services.plans import move
from lindung.regions.models import Region
from lindung.registrations.models import Payer, Registration
from tests.browser.conftest import MakeOfficer, login
from tests.programmes.factories import make_programme
from tests.registry.factories import nik_for

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
BIRTH = dt.date(1984, 2, 9)


def test_a_self_registrant_who_asked_for_help_is_selected(
    page: Page, live_server: Any, make_officer: MakeOfficer, settings: Any, screenshot: Any
) -> None:
    settings.LINDUNG_JOBS_INLINE = True  # the live server's test database is not shared
    call_command("contributions", "load-rates", "--format", "json", stdout=io.StringIO())
    make_officer("provinsi", Role.PROVINCE_OFFICER, ["18"])
    village = Region.objects.filter(level="village", regency_code="18.71").order_by("code")[0]
    nik = nik_for(village.code, 9301, BIRTH)

    # 1. On a phone, a farmer registers and asks for help with the contribution.
    page.set_viewport_size(PHONE)
    page.goto("/pendaftaran/")
    page.fill("#id_nik", nik)
    page.fill("#id_name", "Made Butuh Bantuan")
    page.check("#id_sex_0")
    page.fill("#id_birth_date", BIRTH.isoformat())
    page.fill("#id_village_code", village.code)
    page.fill("#id_occupation", "Petani")
    page.fill("#id_income", "900.000")
    page.check(f"input[name=payer][value={Payer.HELP}]")
    page.check("#id_consent")
    page.click("#register-button")
    expect(page).to_have_url(re.compile(r"/pendaftaran/terdaftar/$"))
    expect(page.locator("#asked-help")).to_be_visible()
    screenshot(page, "self-registration-asked-help")
    request = Registration.objects.get(nik=nik)
    assert request.payer == Payer.HELP
    candidate = Candidate.objects.get(nik=nik)
    assert candidate.source == "self-registration" and candidate.village_id == village.code

    # 2. The province's programme for Bandar Lampung's farmers, approved.
    programme = make_programme(
        Region.objects.get(code="18"),
        area=Region.objects.get(code="18.71"),
        name="Perlindungan petani kota",
        min_age=18,
        max_age=60,
        occupations="Petani",
        target_count=5,
    )
    move(actor=SYSTEM, programme=programme, to=ProgrammeStatus.APPROVED)

    # 3. The officer runs the selection in the browser: the self-registrant is selected.
    page.set_viewport_size(DESKTOP)
    login(page, "provinsi")
    page.goto(f"/program/{programme.pk}/")
    page.click("#run-selection")
    expect(page.locator("#job-state")).to_have_text("Selesai")
    page.click("#job-result")
    reasons = page.locator("#reasons")
    expect(reasons.locator("tr[data-reason=selected] td").nth(1)).to_have_text("1")
    chosen = page.locator("#decisions tbody tr", has_text="✓")
    expect(chosen).to_have_count(1)
    expect(chosen).to_contain_text(mask_nik(nik))
    expect(page.locator("#decisions")).not_to_contain_text(nik)
    screenshot(page, "self-registrant-selected")
