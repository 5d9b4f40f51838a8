"""Fixtures for the real-browser journeys: Debian's Chromium driven by Playwright (sync API)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from lindung.accounts.models import User

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "lindung-browser-test"  # throwaway password of throwaway test users
# Wait for conditions, never sleep: generous enough for a loaded CI machine.
TIMEOUT_MS = 15_000

MakeOfficer = Callable[[str, str, list[str]], User]


def login(page: Page, username: str, password: str = PASSWORD) -> None:
    """Log in through the login form as ``username`` (a test user with ``PASSWORD``)."""
    page.context.clear_cookies()
    page.goto("/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#login-form button[type=submit]")
    expect(page.locator("#nav-user")).to_have_text(username)


def nav_click(page: Page, selector: str) -> None:
    """Clicks an entry of the main menu (``#nav-imports``), as a person would: opens the
    collapsed menu (narrow screens) and the entry's dropdown group first when it is in one."""
    item = page.locator(f"#mainnav {selector}")
    if not item.is_visible():
        toggler = page.locator(".navbar-toggler")
        if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
            toggler.click()
            expect(page.locator("#mainnav")).to_be_visible()
        group = page.locator("#mainnav .dropdown", has=page.locator(selector))
        if group.count():
            group.locator(".dropdown-toggle").click()
    item.click()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(
            f"{CHROMIUM} is missing: install Debian's chromium package to run browser tests"
        )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def seen_requests() -> list[str]:
    """URL of every request the browser made during one test (pages, assets, fetch/XHR)."""
    return []


@pytest.fixture
def page(browser: Browser, live_server: Any, seen_requests: list[str]) -> Iterator[Page]:
    # A browser set up in English (Accept-Language: en-US): the app must still answer in
    # Indonesian until the user picks another language with the switch.
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.on("request", lambda request: seen_requests.append(request.url))
    page = context.new_page()
    yield page
    context.close()


def restore_migration_rows() -> None:
    """Rows that data migrations load (public-worker categories, default letter templates):
    a live-server test flushes every table after it, so a later one must load them again."""
    from django.apps import apps

    from lindung.publicworkers.rules import load_categories

    load_categories()
    importlib.import_module("lindung.compliance.migrations.0002_letter_templates").seed(apps, None)


@pytest.fixture
def lampung(transactional_db: None, settings: Any) -> None:
    """The real Lampung subset: 15 regencies/cities, their districts and villages, with
    boundaries and the labour figures; and the public-worker categories, which a migration
    loads but a live-server test's flush removes."""
    from lindung.regions.services import load_boundaries, load_regions, load_worker_populations

    restore_migration_rows()

    data = Path(settings.LINDUNG_REFERENCE_DATA)
    load_regions(data / "regions_lampung.csv")
    for name in ("regencies", "districts", "villages"):
        load_boundaries(data / f"lampung_{name}.geojson")
    load_worker_populations(data / "lampung_labour.csv")


@pytest.fixture
def make_officer(lampung: None) -> MakeOfficer:
    from lindung.accounts.services import create_user

    def make(username: str, role: str, scope_codes: list[str]) -> User:
        return create_user(
            actor=None, username=username, password=PASSWORD, role=role, scope_codes=scope_codes
        )

    return make


@pytest.fixture
def province_officer(make_officer: MakeOfficer) -> User:
    from lindung.core.roles import Role

    return make_officer("provinsi", Role.PROVINCE_OFFICER, ["18"])


@pytest.fixture
def regency_officer(make_officer: MakeOfficer) -> User:
    from lindung.core.roles import Role

    return make_officer("bandarlampung", Role.REGENCY_OFFICER, ["18.71"])


@pytest.fixture
def screenshot() -> Callable[[Page, str], None]:
    """Saves a full-page screenshot for humans to look at; never asserted."""

    def take(page: Page, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return take
