"""Coverage dashboard in Chromium: headline, month choice, map drill-down, table drill-down,
suppression of small cells, the internal view and the PDF report."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from lindung.core.months import month_ends
from lindung.core.scope import SYSTEM
from lindung.coverage.selectors import figure_on
from lindung.coverage.services import load_coverage_reference, refresh
from lindung.regions.models import Region
from lindung.registry.models import Funding, Segment
from tests.browser.test_journeys import log_in, url_of
from tests.registry.factories import EmployerFactory, MembershipFactory, PersonFactory, nik_for

pytestmark = pytest.mark.browser

KEDATON = "18.71.01.1003"  # Kota Bandar Lampung › Kedaton
SURABAYA = "18.71.01.1004"
HAJIMENA = "18.01.04.2001"  # Kabupaten Lampung Selatan › Natar
DAY = dt.date(2023, 12, 31)


@pytest.fixture
def coverage_world(lampung: None, settings: Any) -> dict[str, int]:
    """45 workers in Bandar Lampung (one BPU village under 10), 12 in Lampung Selatan, facts
    for 2023 and the published figures and targets."""
    settings.COVERAGE_FIRST_MONTH = "2023-01"
    regions = {c: Region.objects.get(code=c) for c in (KEDATON, SURABAYA, HAJIMENA)}
    employer = EmployerFactory(village=regions[KEDATON], kbli="10790")
    serial = 0

    def worker(village: str, segment: str, start: dt.date, end: dt.date | None = None) -> None:
        nonlocal serial
        serial += 1
        person = PersonFactory(
            nik=nik_for(village, serial), domicile=regions[village], sex="MF"[serial % 2]
        )
        MembershipFactory(
            person=person,
            employer=employer if segment == Segment.PU else None,
            segment=segment,
            funding=Funding.EMPLOYER if segment == Segment.PU else Funding.SELF,
            work_region=regions[village],
            start_date=start,
            end_date=end,
        )

    for i in range(40):
        worker(KEDATON, Segment.PU, dt.date(2023, 1 + i % 12, 1))
    for _ in range(5):
        worker(SURABAYA, Segment.BPU, dt.date(2023, 3, 1))
    for _ in range(12):
        worker(HAJIMENA, Segment.BPU, dt.date(2023, 6, 15))
    worker(HAJIMENA, Segment.BPU, dt.date(2023, 2, 1), end=dt.date(2023, 5, 1))  # lapsed
    refresh(months=month_ends(dt.date(2023, 1, 1), DAY))
    load_coverage_reference(Path(settings.LINDUNG_REFERENCE_DATA) / "lampung_labour.csv")
    return {
        code: figure_on(SYSTEM, code, DAY).covered for code in ("18", "18.71", "18.71.01", "18.01")
    }


def test_dashboard_drill_down_and_pdf(
    page: Page,
    live_server: Any,
    coverage_world: dict[str, int],
    province_officer: Any,
    screenshot: Callable[[Page, str], None],
    settings: Any,
) -> None:
    settings.LINDUNG_JOBS_INLINE = True  # the live server's test database is not a worker's
    assert coverage_world == {"18": 57, "18.71": 45, "18.71.01": 45, "18.01": 12}
    population = figure_on(SYSTEM, "18", DAY).population
    assert population  # the labour file's province figure

    page.goto("/cakupan/")
    expect(page).to_have_url(url_of(live_server, "/cakupan/18/"))
    page.select_option("#tanggal", DAY.isoformat())
    expect(page).to_have_url(re.compile(r"/cakupan/18/\?tanggal=2023-12-31"))
    expected = f"57 dari {population:,} pekerja terlindungi".replace(",", ".")
    expect(page.locator("#headline")).to_contain_text(expected)
    expect(page.locator("#view-kind")).to_contain_text("10")
    # The choropleth: one shape per regency/city with boundaries, each a link.
    expect(page.locator("#coverage-map svg path")).to_have_count(15)
    expect(page.locator("#coverage-trend svg polyline")).to_have_count(1)
    expect(page.locator("#targets tbody tr")).not_to_have_count(0)
    screenshot(page, "coverage-province")

    # Drill down on the map: Kota Bandar Lampung.
    page.locator('#coverage-map a[aria-label="Kota Bandar Lampung"]').click()
    expect(page).to_have_url(re.compile(r"/cakupan/18\.71/\?tanggal=2023-12-31"))
    expect(page.locator("#headline")).to_contain_text("45 ")
    expect(page.locator("#breadcrumbs")).to_contain_text("Lampung")
    # … then in the ranking table: Kedaton, whose villages are the next level.
    page.locator("#children a", has_text="Kedaton").click()
    expect(page).to_have_url(re.compile(r"/cakupan/18\.71\.01/\?tanggal=2023-12-31"))
    # Surabaya's five BPU workers are a small cell: hidden in the public view.
    surabaya = page.locator("#children tr", has_text="Surabaya")
    expect(surabaya).to_contain_text("×")
    # … and Kedaton with it, or 45 − 40 would give it away; the segment table hides both too.
    expect(page.locator("#children tr", has_text="Kedaton")).to_contain_text("×")
    expect(page.locator("#breakdown-segment")).to_contain_text("×")
    expect(page.locator("#headline")).to_contain_text("45 ")

    with page.expect_download() as download:
        page.click("#download-pdf")
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 5_000
    assert download.value.suggested_filename == "cakupan-18.71.01-2023-12-31-publik.pdf"

    # The provincial officer's internal view shows the small cell.
    log_in(page, live_server, province_officer.username)
    page.goto("/cakupan/rinci/18.71.01/?tanggal=2023-12-31")
    expect(page.locator("#view-kind")).to_contain_text(re.compile("internal", re.IGNORECASE))
    expect(page.locator("#children tr", has_text="Surabaya")).to_contain_text("5")
    expect(page.locator("#children tr", has_text="Kedaton")).to_contain_text("40")
    expect(page.locator("#children")).not_to_contain_text("×")
    screenshot(page, "coverage-internal-district")

    # The internal report is made by the worker (inline here): the button leads to the job's
    # page, which offers the file to the one who asked for it.
    page.click("#download-xlsx")
    expect(page).to_have_url(re.compile(r"/tugas/\d+/$"))
    with page.expect_download() as download:
        page.click("#job-result")
    assert download.value.suggested_filename == "cakupan-18.71.01-2023-12-31-rinci.xlsx"
    assert Path(download.value.path()).read_bytes().startswith(b"PK")
