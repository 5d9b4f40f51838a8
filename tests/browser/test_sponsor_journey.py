"""A CSR pledge end to end in the browser: the sponsor pledges for two workers near its site,
the province matches the open pledges and accepts, and the sponsor sees its workers (masked),
the impact report and its certificate of participation."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from lindung.accounts.services import create_user
from lindung.core.nik import mask_nik
from lindung.core.roles import Role
from lindung.regions.models import Region
from lindung.sponsorship.models import Pledge
from lindung.sponsorship.services import add_site, create_sponsor
from tests.browser.conftest import PASSWORD, MakeOfficer, login, nav_click
from tests.programmes.factories import CandidateFactory
from tests.registry.factories import nik_for
from tests.sponsorship.factories import sponsor_org

pytestmark = pytest.mark.browser


def test_pledge_to_matching_to_impact(
    page: Page, live_server: Any, make_officer: MakeOfficer, screenshot: Any, settings: Any
) -> None:
    settings.LINDUNG_JOBS_INLINE = True  # the live server's test database is not a worker's
    call_command("contributions", "load-rates", "--format", "json", stdout=io.StringIO())
    make_officer("provinsi", Role.PROVINCE_OFFICER, ["18"])
    regency = Region.objects.get(code="18.71")
    village = Region.objects.filter(level="village", regency_code="18.71").order_by("code")[0]
    org = sponsor_org("PT Kopi Tanjung", regency)
    sponsor = create_sponsor(actor=None, name="PT Kopi Tanjung", kind="company",
                             organisation=org, region=regency)  # fmt: skip
    add_site(actor=None, sponsor=sponsor, name="Gudang Kopi", village=village)
    create_user(actor=None, username="kopi", password=PASSWORD, role=Role.SPONSOR,
                organisation=org)  # fmt: skip
    niks = [nik_for(village.code, 7000 + i, dt.date(1979, 3, 3)) for i in range(3)]
    for i, nik in enumerate(niks):
        CandidateFactory(nik=nik, village=village, welfare_decile=1 + i)

    # 1. The sponsor pledges two workers for six months within 10 km of its warehouse.
    login(page, "kopi")
    nav_click(page, "#nav-sponsorship")
    page.click("#new-pledge")
    page.select_option("#id_site", label="Gudang Kopi")
    page.fill("#id_title", "Pekerja sekitar gudang")
    page.fill("#id_start_month", "2025-08-01")
    page.fill("#id_months", "6")
    page.fill("#id_worker_count", "2")
    page.fill("#id_radius_km", "10")
    page.click("#save-pledge")
    expect(page.locator("#pledge-title")).to_have_text("Pekerja sekitar gudang")
    expect(page.locator("#no-workers")).to_be_visible()
    pledge = Pledge.objects.get()

    # 2. The province matches the open pledges of Bandar Lampung and accepts the result.
    login(page, "provinsi")
    nav_click(page, "#nav-sponsorship")
    page.click("#matches-link")
    page.fill("#match-form input[name=region]", "18.71")
    page.click("#run-matching")
    # The matching is a background job: its page shows it done, with a link to the result.
    expect(page.locator("#job-state")).to_have_text("Selesai")
    page.click("#job-result")
    expect(page.locator("#assigned")).to_have_text("2")
    page.click("#accept-run")
    # Accepting is a background job as well; its result is the matching, now accepted.
    expect(page.locator("#job-state")).to_have_text("Selesai")
    page.click("#job-result")
    expect(page.locator("#run-status")).not_to_have_text("Draf")
    expect(page.locator("#accept-run")).to_have_count(0)
    pledge.refresh_from_db()
    assert pledge.status == "matched"
    screenshot(page, "sponsor-matching")

    # 3. The sponsor sees its two poorest neighbours, masked, the impact and the certificate.
    login(page, "kopi")
    page.goto(f"/csr/janji/{pledge.pk}/")
    rows = page.locator("#workers tbody tr")
    expect(rows).to_have_count(2)
    body = page.content()
    assert niks[0] not in body and mask_nik(niks[0]) in body
    page.click("#impact-link")
    expect(page.locator("#workers-matched")).to_have_text("2")
    screenshot(page, "sponsor-impact")
    pdf = page.request.get(f"/csr/janji/{pledge.pk}/sertifikat.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
