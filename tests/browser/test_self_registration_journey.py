"""A worker registers alone on a phone: opens /pendaftaran/, calculates the contribution,
consents, registers and keeps the reference; checks the status (checked, ready for the branch);
the branch registers them and the status page then shows the KPJ, masked. The page never
scrolls sideways at 360 px."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from lindung.core.roles import Role
from lindung.regions.models import Region
from lindung.registrations import services
from lindung.registrations.models import Registration, Status
from tests.browser.conftest import MakeOfficer
from tests.registry.factories import nik_for

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
BIRTH = dt.date(1990, 8, 12)
KPJ = "25012345678"


def assert_no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


def check_status(page: Page, reference: str) -> None:
    page.goto("/pendaftaran/status/")
    page.fill("#id_reference", reference)
    page.fill("#id_birth_date", BIRTH.isoformat())
    page.click("#status-button")


def test_a_worker_registers_alone_on_a_phone(
    page: Page, live_server: Any, make_officer: MakeOfficer, screenshot: Any
) -> None:
    call_command("contributions", "load-rates", "--format", "json", stdout=io.StringIO())
    branch = make_officer("cabang", Role.BPJS_BRANCH, ["18.71"])
    village = Region.objects.filter(level="village", regency_code="18.71").order_by("code")[0]
    nik = nik_for(village.code, 9001, BIRTH)
    page.set_viewport_size(PHONE)

    # 1. The form, then "Hitung iuran" on Rp 1.000.000: JKK + JKM, nothing stored.
    page.goto("/pendaftaran/")
    assert_no_sideways_scroll(page)
    page.fill("#id_nik", nik)
    page.fill("#id_name", "Wayan Mandiri")
    page.check("#id_sex_0")  # male, as the NIK says
    page.fill("#id_birth_date", BIRTH.isoformat())
    page.fill("#id_village_code", village.code)
    page.fill("#id_occupation", "Nelayan")
    page.fill("#id_income", "1.000.000")
    page.fill("#id_phone", "0812 3456 7890")
    page.click("#simulate-button")
    expect(page.locator("#simulation-total")).to_have_text("Rp 16.800")
    expect(page.locator("#id_name")).to_have_value("Wayan Mandiri")  # the form is kept
    assert Registration.objects.count() == 0
    assert_no_sideways_scroll(page)
    screenshot(page, "self-registration-simulated")

    # 2. Consent and register: the reference page, without the NIK.
    expect(page.locator("#consent-version")).to_contain_text("2026-12")
    page.check("#id_consent")
    page.click("#register-button")
    expect(page).to_have_url(re.compile(r"/pendaftaran/terdaftar/$"))
    reference = page.locator("#reference").inner_text().strip()
    assert re.fullmatch(r"LDG-[0-9A-Z]{4}-[0-9A-Z]{4}", reference)
    expect(page.locator("body")).not_to_contain_text(nik)
    assert_no_sideways_scroll(page)
    screenshot(page, "self-registration-reference")
    request = Registration.objects.get(reference=reference)
    assert request.nik == nik and request.status == Status.CHECKED

    # 3. The status: checked, ready for the branch.
    check_status(page, reference)
    expect(page.locator("#status-answer")).to_have_attribute("data-status", "checked")
    expect(page.locator("body")).not_to_contain_text("Wayan")
    assert_no_sideways_scroll(page)

    # 4. The branch takes the request over and registers the worker.
    assert services.send(actor=branch, requests=[request]) == 1
    request.refresh_from_db()
    services.confirm(actor=branch, request=request, kpj=KPJ)

    # 5. The status: registered, the KPJ masked as everywhere (its last three digits).
    check_status(page, reference)
    expect(page.locator("#status-answer")).to_have_attribute("data-status", "confirmed")
    expect(page.locator("#status-kpj")).to_have_text("*" * (len(KPJ) - 3) + KPJ[-3:])
    expect(page.locator("body")).not_to_contain_text(KPJ)
    assert_no_sideways_scroll(page)
    screenshot(page, "self-registration-confirmed")
