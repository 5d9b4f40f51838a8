"""The home page ("Beranda") of every demo account in the browser: each lands on a home with at
least three cards showing real figures, and every card opens the page that acts on it in one
click; a visitor sees the public coverage and the link to the award's public results."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from lindung.accounts.models import User
from lindung.demo.accounts import DEMO_PASSWORD, demo_accounts, ensure_demo_accounts
from tests.browser.conftest import login
from tests.conftest import build_region_tree
from tests.core.test_home import build_home_world

pytestmark = pytest.mark.browser

# The heading (h1) of the page each card opens, by the card's key (the app's own pages, in
# Indonesian, the default language).
HEADINGS: dict[str, str] = {
    "coverage": r"^Cakupan Jamsostek · ",
    "coverage-target": r"^Cakupan Jamsostek · ",
    "coverage-gaps": r"^Cakupan Jamsostek · ",
    "coverage-public": r"^Cakupan Jamsostek · Lampung",
    "compliance-overdue": r"^Kepatuhan pemberi kerja",
    "programmes-budget": r"^Program bantuan iuran",
    "programmes-enrolments": r"^Program bantuan iuran",
    "programmes-candidates": r"^Calon penerima",
    "registrations-area": r"^Daftarkan pekerja",
    "registrations-branch": r"^Permohonan pendaftaran untuk kantor cabang",
    "handoffs": r"^Lanjutan saat pendanaan berakhir",
    "public-workers": r"^(Pekerja sektor publik dan desa|Pemerintah (Desa|Kelurahan) )",
    "pledges": r"^Sponsor CSR",
    "pledges-workers": r"^Sponsor CSR",
    "pledges-open": r"^Pencocokan janji dengan pekerja",
    "award-entries": r"^Paritrana Award$",
    "award-editions": r"^Paritrana Award$",
    "award-results": r"^Paritrana \S+",  # the published edition's name
    "award-verify": r"^Entri untuk diverifikasi",
    "award-jury": r"^Entri untuk dinilai",
    "audit-reveals": r"^Log audit",
    "audit-exports": r"^Log audit",
    "jobs-done": r"^Tugas",
    "jobs-failed": r"^Tugas",
    "worker": r"^Tugas",
    "imports": r"^Impor ekstrak BPJS",
    "notifications": r"^Notifikasi",
    "bills-due": r"^Tagihan iuran",
    "employer-workers": r"^Portal pemberi kerja",
    "employer-requests": r"^Portal pemberi kerja",
}


# Cards that open a public page, the same for everyone: clicked once in the test.
PUBLIC_CARDS = {"award-results", "coverage-public"}


@pytest.fixture
def world(transactional_db: None) -> dict[str, Any]:
    """The demo's accounts (made by the demo's own code) over the small two-sided world of the
    home's unit tests: every app's records in Kota Bandar Lampung and Kota Metro. The small
    demo itself would give the same cards but takes ~90 s to build under a live server."""
    regions = build_region_tree()
    ensure_demo_accounts()
    users = {}
    for account in demo_accounts():
        users.setdefault(account.role, User.objects.get(username=account.username))
    return build_home_world(regions, users)


def check_cards(page: Page, who: str, opened: set[Any], minimum: int = 3) -> int:
    """On the home: at least ``minimum`` cards with a figure; each card's link, clicked, opens its
    page (status 2xx, the right heading). A link this role (``who``) already opened from another
    card, or a public page any role opened, is not clicked again (``opened``). Returns the
    number of cards."""
    page.goto("/")
    cards = page.locator(".home-item")
    keys = [key.removeprefix("home-") for key in cards.evaluate_all("cs => cs.map(c => c.id)")]
    figures = page.locator(".home-item .home-figure").all_inner_texts()
    with_digits = [f for f in figures if re.search(r"\d", f)]
    assert len(with_digits) >= minimum, (who, keys, figures)
    hrefs = page.locator(".home-item a.stretched-link").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    for key, href in zip(keys, hrefs, strict=True):
        assert key in HEADINGS, f"{who}: no heading known for card {key}"
        seen = href if key in PUBLIC_CARDS else (who, href)
        if seen in opened:
            continue
        opened.add(seen)
        with page.expect_navigation() as navigation:
            page.locator(f"#home-{key} a.stretched-link").click()
        response = navigation.value
        assert response is not None and response.ok, (who, key, page.url, response.status)
        expect(page.locator("h1").first).to_have_text(re.compile(HEADINGS[key]))
        page.go_back()  # the home again (from the browser's cache when it can)
        expect(page.locator("#home-figures")).to_be_visible()
    return len(keys)


def test_every_demo_account_lands_on_its_home(page: Page, world: dict[str, Any]) -> None:
    """One test for every account, because they share one world (a live-server test starts
    from an empty database). It takes about 20 s on an idle machine (a minute on a loaded one):
    each of the 10 roles opens its home and clicks each of its cards (some 55 distinct pages),
    the other 4 demo accounts only open their home."""
    page.goto("/")
    expect(page.locator("#home-coverage-public")).to_be_visible()
    expect(page.locator("#home-award-results a")).to_have_attribute(
        "href", re.compile(r"^/penghargaan/\d+/hasil/$")
    )
    opened: set[Any] = set()
    assert check_cards(page, "visitor", opened, minimum=2) == 2
    seen_roles: set[str] = set()
    for account in demo_accounts():
        login(page, account.username, DEMO_PASSWORD)
        if account.role in seen_roles:  # a second account of a role: its home, not each card
            page.goto("/")
            figures = page.locator(".home-item .home-figure").all_inner_texts()
            assert sum(bool(re.search(r"\d", f)) for f in figures) >= 3, account.username
            continue
        seen_roles.add(account.role)
        assert check_cards(page, account.role, opened) >= 3
