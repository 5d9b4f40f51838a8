"""User journeys in a real Chromium against the live server, with the real Lampung data."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from lindung.accounts.models import User
from lindung.regions.models import Region, RegionBoundary
from tests.browser.conftest import PASSWORD, nav_click

pytestmark = pytest.mark.browser

Screenshot = Callable[[Page, str], None]

# Messages for the asserts that need the compiled Indonesian catalogue (locale/id/.../django.mo):
# they fail, not skip, while the catalogue is missing or incomplete.
NEEDS_ID_CATALOGUE = "Indonesian translation missing: compile locale/id/LC_MESSAGES/django.mo"


def url_of(live_server: Any, path: str) -> re.Pattern[str]:
    """The exact URL of ``path`` on the live server (query string included)."""
    return re.compile(re.escape(live_server.url + path) + "$")


def log_in(page: Page, live_server: Any, username: str) -> None:
    page.goto("/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form [type=submit]")
    expect(page).to_have_url(url_of(live_server, "/"))
    expect(page.locator("#nav-user")).to_have_text(username)


def expect_map(page: Page, features: int) -> None:
    """Waits until region-map.js has drawn ``features`` polygons."""
    drawn = f"map of {page.url} did not draw {features} polygons (boundary fetch failed?)"
    expect(page.locator(f'#region-map[data-features="{features}"]'), drawn).to_be_attached()
    expect(page.locator("#region-map path.leaflet-interactive"), drawn).to_have_count(features)
    expect(page.locator("#map-empty")).to_be_hidden()


def codes_below(code: str) -> list[str]:
    return sorted(Region.objects.filter(parent__code=code).values_list("code", flat=True))


def with_boundary_codes(codes: list[str]) -> list[str]:
    boundaries = RegionBoundary.objects.filter(region__code__in=codes)
    return sorted(boundaries.values_list("region__code", flat=True))


def with_boundary(codes: list[str]) -> int:
    return len(with_boundary_codes(codes))


def first_with_boundary(codes: list[str]) -> str:
    found = with_boundary_codes(codes)
    assert found, f"none of {codes} has a boundary"
    return found[0]


def map_codes(page: Page) -> list[str]:
    """The data-code of every drawn polygon ("" where region-map.js set none)."""
    paths = page.locator("#region-map path.leaflet-interactive")
    return paths.evaluate_all("paths => paths.map(p => p.getAttribute('data-code') ?? '')")


def child_codes(page: Page) -> list[str]:
    return page.locator("#children tbody tr").evaluate_all("rows => rows.map(r => r.dataset.code)")


def assert_stayed_local(seen_requests: list[str], live_server: Any) -> None:
    assert seen_requests, "no request was recorded"
    outside = [url for url in seen_requests if not url.startswith(live_server.url + "/")]
    assert not outside, f"requests left the live server: {outside}"


def test_anonymous_visitor_language_and_login_wall(
    page: Page, live_server: Any, lampung: None, seen_requests: list[str], screenshot: Screenshot
) -> None:
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.locator("#language-select")).to_have_value("id")
    login_link = page.locator("#login-link")
    assert login_link.inner_text().strip() == "Masuk", NEEDS_ID_CATALOGUE
    # Anonymous visitors are not offered the region browser.
    expect(page.locator('#mainnav a[href="/wilayah/"]')).to_have_count(0)

    # Choosing English posts to set_language and comes back to the same page.
    page.select_option("#language-select", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(url_of(live_server, "/"))
    expect(page.locator("#language-select")).to_have_value("en")
    expect(login_link).to_have_text("Log in")
    page.reload()  # the choice is remembered in the language cookie
    expect(page.locator("html")).to_have_attribute("lang", "en")
    screenshot(page, "journey-1-anonymous")

    # Back to Indonesian through the same dropdown.
    page.select_option("#language-select", "id")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    assert login_link.inner_text().strip() == "Masuk", NEEDS_ID_CATALOGUE

    # A region page needs an account: the login form, then back to the page.
    response = page.goto("/wilayah/18/")
    assert response is not None and response.ok
    expect(page).to_have_url(url_of(live_server, "/masuk/?next=/wilayah/18/"))
    expect(page.locator("#login-form")).to_be_visible()
    expect(page.locator("#region-map")).to_have_count(0)
    assert_stayed_local(seen_requests, live_server)


def test_province_officer_drills_down_from_province_to_village(
    page: Page,
    live_server: Any,
    province_officer: User,
    seen_requests: list[str],
    screenshot: Screenshot,
) -> None:
    log_in(page, live_server, province_officer.username)
    regions_link = page.locator("#nav-regions")
    assert (regions_link.text_content() or "").strip() == "Wilayah", NEEDS_ID_CATALOGUE
    assert page.locator("#logout-button").inner_text().strip() == "Keluar", NEEDS_ID_CATALOGUE

    # One region in scope: the index goes straight to the province.
    nav_click(page, "#nav-regions")
    expect(page).to_have_url(url_of(live_server, "/wilayah/18/"))
    expect(page.locator("#region-name")).to_have_text("Lampung")
    expect(page.locator("#children tbody tr")).to_have_count(15)
    assert sorted(child_codes(page)) == codes_below("18")
    expect_map(page, 15)
    expect(page.locator("#populations")).to_be_visible()

    # Into a city through the table.
    page.click('#children tr[data-code="18.71"] a')
    expect(page).to_have_url(url_of(live_server, "/wilayah/18.71/"))
    expect(page.locator("#region-name")).to_have_text("Kota Bandar Lampung")
    expect(page.locator("#breadcrumbs a", has_text="Lampung")).to_have_attribute(
        "href", "/wilayah/18/"
    )
    expect(page.locator("#breadcrumbs .active")).to_have_text("Kota Bandar Lampung")
    districts = codes_below("18.71")
    assert len(districts) == 20
    expect(page.locator("#children tbody tr")).to_have_count(len(districts))
    expect_map(page, with_boundary(districts))

    # Into a district, then one of its villages.
    page.click('#children tr[data-code="18.71.01"] a')
    expect(page).to_have_url(url_of(live_server, "/wilayah/18.71.01/"))
    expect(page.locator("#breadcrumbs a")).to_have_text(
        ["Wilayah", "Lampung", "Kota Bandar Lampung"]
    )
    villages = codes_below("18.71.01")
    expect(page.locator("#children tbody tr")).to_have_count(len(villages))
    expect_map(page, with_boundary(villages))

    village = Region.objects.get(code=first_with_boundary(villages))
    page.click(f'#children tr[data-code="{village.code}"] a')
    expect(page).to_have_url(url_of(live_server, f"/wilayah/{village.code}/"))
    expect(page.locator("#region-name")).to_have_text(village.name)
    expect(page.locator("#children")).to_have_count(0)
    # No children with polygons: the map shows the village's own outline (its tooltip says so).
    expect_map(page, 1)
    page.locator("#region-map path.leaflet-interactive").hover()
    expect(page.locator(".leaflet-tooltip")).to_have_text(f"{village.name} ({village.code})")
    screenshot(page, "journey-2-province-officer")
    assert_stayed_local(seen_requests, live_server)


def test_province_officer_opens_regions_from_the_map(
    page: Page,
    live_server: Any,
    province_officer: User,
    seen_requests: list[str],
    screenshot: Screenshot,
) -> None:
    log_in(page, live_server, province_officer.username)
    page.goto("/wilayah/18/")
    expect_map(page, 15)
    # region-map.js tags every polygon with its region code.
    assert sorted(map_codes(page)) == codes_below("18"), "polygons lack data-code"

    page.locator('#region-map path[data-code="18.71"]').click()
    expect(page).to_have_url(url_of(live_server, "/wilayah/18.71/"))
    expect(page.locator("#region-name")).to_have_text("Kota Bandar Lampung")
    districts = codes_below("18.71")
    expect_map(page, with_boundary(districts))
    assert sorted(map_codes(page)) == with_boundary_codes(districts)

    page.locator('#region-map path[data-code="18.71.01"]').click()
    expect(page).to_have_url(url_of(live_server, "/wilayah/18.71.01/"))
    village = first_with_boundary(codes_below("18.71.01"))
    page.locator(f'#region-map path[data-code="{village}"]').click()
    expect(page).to_have_url(url_of(live_server, f"/wilayah/{village}/"))
    expect_map(page, 1)
    assert map_codes(page) == [village]
    screenshot(page, "journey-2-map-navigation")
    assert_stayed_local(seen_requests, live_server)


def test_regency_officer_stays_inside_own_city(
    page: Page,
    live_server: Any,
    regency_officer: User,
    seen_requests: list[str],
    screenshot: Screenshot,
) -> None:
    log_in(page, live_server, regency_officer.username)
    page.goto("/wilayah/")
    expect(page).to_have_url(url_of(live_server, "/wilayah/18.71/"))
    expect(page.locator("#region-name")).to_have_text("Kota Bandar Lampung")

    # The province is outside the scope: named in the breadcrumbs, but not a link.
    crumbs = page.locator("#breadcrumbs li")
    expect(crumbs).to_have_count(3)
    expect(crumbs.nth(1)).to_have_text("Lampung")
    expect(crumbs.nth(1).locator("a")).to_have_count(0)
    expect(page.locator('#breadcrumbs a[href="/wilayah/18/"]')).to_have_count(0)
    expect(page.locator("#children tbody tr")).to_have_count(20)
    expect_map(page, with_boundary(codes_below("18.71")))
    screenshot(page, "journey-3-regency-officer")

    # A neighbouring city and the province answer "not found", not "forbidden".
    for path in ("/wilayah/18.72/", "/wilayah/18/"):
        response = page.goto(path)
        assert response is not None and response.status == 404, path

    # The API in the same browser session (session cookie) sees only the officer's city.
    response = page.request.get("/api/v1/regions/?level=regency")
    assert response.status == 200
    codes = [row["code"] for row in response.json()["results"]]
    assert codes == ["18.71"]
    boundaries = page.request.get("/api/v1/regions/18.72/boundaries/")
    assert boundaries.status == 404

    # Logging out returns home; the region pages are behind the login again.
    page.goto("/wilayah/18.71/")
    page.click("#logout-button")
    expect(page).to_have_url(url_of(live_server, "/"))
    expect(page.locator("#login-link")).to_be_visible()
    expect(page.locator("#nav-user")).to_have_count(0)
    page.goto("/wilayah/18.71/")
    expect(page).to_have_url(url_of(live_server, "/masuk/?next=/wilayah/18.71/"))
    assert page.request.get("/api/v1/regions/").status in (401, 403)
    assert_stayed_local(seen_requests, live_server)


def test_api_docs_render_offline(
    page: Page, live_server: Any, lampung: None, seen_requests: list[str], screenshot: Screenshot
) -> None:
    page.goto("/")
    page.click('#mainnav a.nav-link[href="/api/v1/docs/"]')
    expect(page).to_have_url(url_of(live_server, "/api/v1/docs/"))
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Lindung API")
    # The operations come from the schema the page fetched from this server.
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    expect(
        page.locator(".swagger-ui .opblock-summary-path", has_text="/api/v1/regions/").first
    ).to_be_visible()
    screenshot(page, "journey-4-api-docs")
    assert any("/api/v1/schema/" in url for url in seen_requests)
    assert any("/static/drf_spectacular_sidecar/" in url for url in seen_requests)
    assert_stayed_local(seen_requests, live_server)
