"""An anonymous visitor estimates contributions with the public simulator."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from lindung.contributions.calculator import calculate_month

pytestmark = pytest.mark.browser


@pytest.fixture
def live_rates(transactional_db: None) -> None:
    call_command("contributions", "load-rates", "--format", "json", stdout=io.StringIO())


def rupiah(amount: int) -> str:
    return f"Rp {amount:,}".replace(",", ".")


def test_visitor_computes_bpu_and_pu_then_reads_it_in_english(
    page: Page, live_server: Any, live_rates: None, seen_requests: list[str], screenshot: Any
) -> None:
    page.goto("/")
    page.click("#nav-simulator")
    expect(page).to_have_url(re.compile(r"/simulasi-iuran/$"))
    expect(page.locator("h1")).to_have_text("Simulasi iuran")

    # BPU minimum package: JKK Rp 10.000 + JKM Rp 6.800.
    page.select_option("#id_segment", "BPU")
    expect(page.locator("#id_wage")).to_be_hidden()
    page.fill("#id_month", "2025-03")
    page.fill("#id_income", "1000000")
    page.click("#calculate-button")
    expect(page).to_have_url(re.compile(r"segment=BPU"))
    expect(page.locator("#lines tbody tr")).to_have_count(2)
    expect(page.locator("#total")).to_have_text("Rp 16.800")
    expect(page.locator("#due-date")).to_contain_text("Jatuh tempo")

    # PU, Rp 12.000.000 in March 2025: the JP lines use the capped wage.
    page.select_option("#id_segment", "PU")
    page.fill("#id_wage", "12000000")
    page.click("#calculate-button")
    expected = calculate_month(
        segment="PU", month=dt.date(2025, 3, 1), wage=12_000_000, risk_class=1
    )
    rows = page.locator("#lines tbody tr")
    expect(rows).to_have_count(len(expected.lines))
    jp = page.locator('#lines tbody tr[data-programme="JP"]')
    expect(jp).to_have_count(2)
    for i in range(2):
        expect(jp.nth(i)).to_contain_text("Rp 10.547.400")
    expect(page.locator('tr[data-programme="JP"][data-party="employer"] .amount')).to_have_text(
        "Rp 210.948"
    )
    expect(page.locator("#total")).to_have_text(rupiah(expected.total))
    expect(page.locator(".party-total")).to_have_count(2)  # employer and worker
    screenshot(page, "simulator-pu")

    # English: the same result, English labels.
    page.select_option("#language-select", "en")
    expect(page.locator("h1")).to_have_text("Contribution simulator")
    expect(page.locator("#lines thead")).to_contain_text("Programme")
    expect(page.locator("#due-date")).to_contain_text("Due date")
    expect(page.locator("#total")).to_have_text(rupiah(expected.total))
    expect(page.locator("#lines")).to_contain_text("Pension (JP)")

    assert seen_requests and all(url.startswith(live_server.url) for url in seen_requests)
