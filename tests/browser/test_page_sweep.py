"""Every HTML page of the access matrix, as every role that may open it, in a real Chromium:
no WCAG 2.1 A/AA violation that axe-core finds, and no sideways scroll at 360, 768, 1366 and
1920 px.

One test, one world (the access matrix's, built after the live server's flush), one browser
context per role (logged in once through a session cookie), each page loaded once: axe runs once
at desktop width, then the viewport is resized in place for the overflow check. Every problem is
collected and reported together (page, role, rule, element). axe-core comes from npm
(package.json at the repository root: `npm ci`).
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser, Error, Page, expect

import tests.test_access_matrix as matrix
from tests.access import ANONYMOUS, ROLES, Route, collect_routes
from tests.browser.conftest import nav_click, restore_migration_rows

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = (360, 768, 1366, 1920)
# Where the main menu stops collapsing (Bootstrap's xl): the tightest width for the open menu.
MENU_WIDTH = 1200
HEIGHT = 900
AXE_WIDTH = 1366
# Not pages of ours or not HTML: the API (JSON), the schema viewer, Django's admin.
SKIP_PREFIXES = ("api:", "compliance_api:", "sponsorship:api-", "admin:", "swagger-ui")
SKIP_NAMES = {"healthz"}

# Known problems in pages whose templates another part of the work owns: (URL name, axe rule or
# "overflow") -> what to change. An entry that no longer happens fails the test too: remove it.
KNOWN: dict[tuple[str, str], str] = {}

RUN_AXE = """async ([tags, exclude]) => {
  const result = await axe.run({exclude: exclude}, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
    iframes: false,
    elementRef: false,
    performanceTimer: false,
  });
  return result.violations.map((v) => ({
    id: v.id,
    targets: v.nodes.map((n) => n.target.join(" ") + " :: " + n.failureSummary.split("\\n")[1]),
  }));
}"""

# Every dropdown of the main menu shown at once, so axe sees the items too.
OPEN_MENUS = """() => document.querySelectorAll("#mainnav .dropdown-menu")
  .forEach((menu) => menu.classList.add("show"))"""

OVERFLOW = """() => {
  const doc = document.documentElement;
  if (doc.scrollWidth <= window.innerWidth) return null;
  // Name the elements that stick out of the page (not out of a scrolling box inside it), to
  // say where the overflow comes from.
  const clipped = (el) => {
    // An absolutely placed element escapes a scrolling box that is not its containing block.
    if (["absolute", "fixed"].includes(getComputedStyle(el).position)) return false;
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== "visible") return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.right > window.innerWidth + 1 && r.width > 0 && !clipped(el)) {
      const id = el.id ? "#" + el.id : "";
      const cls = el.className && typeof el.className === "string"
        ? "." + el.className.trim().split(/\\s+/).join(".") : "";
      out.push(el.tagName.toLowerCase() + id + cls + " (right " + Math.round(r.right) + ")");
    }
  }
  return {scrollWidth: doc.scrollWidth, innerWidth: window.innerWidth, culprits: out.slice(0, 4)};
}"""

Problem = tuple[str, str, str]  # URL name, axe rule or "overflow", description


def html_routes() -> list[Route]:
    return [
        r
        for r in collect_routes()
        if r.method == "get" and not r.name.startswith(SKIP_PREFIXES) and r.name not in SKIP_NAMES
    ]


def url_of(route: Route, world: dict[str, Any]) -> str:
    url = reverse(route.name, kwargs=route.kwargs(world))
    return f"{url}?{urlencode(route.query)}" if route.query else url


def session_cookie(user: Any, base_url: str) -> list[dict[str, Any]]:
    """The session cookie of ``user`` logged in without the form (the journeys test the form)."""
    client = Client()
    client.force_login(user)
    return [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]


class Sweep:
    """Checks pages in one browser tab; counts time per step to say where a slow run goes."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.spent = {"load": 0.0, "axe": 0.0, "widths": 0.0}

    def check(
        self,
        page: Page,
        name: str,
        url: str,
        where: str,
        widths: tuple[int, ...] = WIDTHS,
        exclude: list[list[str]] | None = None,
    ) -> bool:
        """Loads ``url`` once; axe at desktop width, then the overflow at each width. False
        when the answer is no HTML page (a file, JSON)."""
        page.set_viewport_size({"width": AXE_WIDTH, "height": HEIGHT})
        started = time.monotonic()
        try:
            response = page.goto(url)
        except Error as error:  # a download: no page to check
            if "Download is starting" in str(error):
                return False
            raise
        assert response is not None, where
        if "text/html" not in response.headers.get("content-type", ""):
            return False
        if response.status != 200:
            self.problems.append((name, "status", f"{response.status} | {where}"))
            return True
        loaded = time.monotonic()
        self.axe(page, name, where, exclude or [])
        checked = time.monotonic()
        for width in widths:
            page.set_viewport_size({"width": width, "height": HEIGHT})
            overflow = page.evaluate(OVERFLOW)
            if overflow:
                self.problems.append(
                    (
                        name,
                        "overflow",
                        f"{width}px | {where} | scrollWidth {overflow['scrollWidth']} > "
                        f"{overflow['innerWidth']} | {'; '.join(overflow['culprits'])}",
                    )
                )
        self.spent["load"] += loaded - started
        self.spent["axe"] += checked - loaded
        self.spent["widths"] += time.monotonic() - checked
        return True

    def axe(self, page: Page, name: str, where: str, exclude: list[list[str]]) -> None:
        for violation in page.evaluate(RUN_AXE, [AXE_TAGS, exclude]):
            for target in violation["targets"]:
                self.problems.append((name, violation["id"], f"{where} | {target}"))


def menu_opens(page: Page) -> None:
    """The grouped menu opens and leads to its pages, collapsed on a phone and open wide; a wide
    table scrolls in a box that is in the tab order only while it scrolls."""
    page.set_viewport_size({"width": 360, "height": HEIGHT})
    page.goto("/")
    nav_click(page, "#nav-audit")
    expect(page).to_have_url(re.compile(re.escape(reverse("core:audit")) + "$"))
    page.set_viewport_size({"width": AXE_WIDTH, "height": HEIGHT})
    nav_click(page, "#nav-imports")
    expect(page).to_have_url(re.compile(re.escape(reverse("imports:index")) + "$"))
    expect(page.locator("#nav-group-data")).to_have_class(re.compile(r"\bactive\b"))
    expect(page.locator("#nav-imports")).to_have_attribute("aria-current", "page")
    # A table wider than a phone scrolls in its own box, which keyboard users can reach.
    page.set_viewport_size({"width": 360, "height": HEIGHT})
    page.goto(reverse("registry:person-list"))
    box = page.locator(".table-scroll", has=page.locator("table#persons"))
    expect(box).to_have_attribute("tabindex", "0")
    expect(box).to_have_attribute("role", "region")
    page.set_viewport_size({"width": 1920, "height": HEIGHT})
    expect(box).not_to_have_attribute("tabindex", "0")


def test_every_page_is_accessible_and_fits(
    transactional_db: None, live_server: Any, browser: Browser, settings: Any
) -> None:
    assert AXE.exists(), "run `npm ci` at the repository root (axe-core for this sweep)"
    settings.LINDUNG_DEMO = True  # the log-in page also lists the demo's accounts
    started = time.monotonic()
    restore_migration_rows()
    world = matrix.access_world.__wrapped__(None)
    routes = html_routes()
    sweep = Sweep()
    skipped: set[str] = set()
    checked = 0
    for role in ROLES:
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": AXE_WIDTH, "height": HEIGHT}
        )
        context.set_default_timeout(15_000)
        context.add_init_script(path=str(AXE))
        if role != ANONYMOUS:
            context.add_cookies(session_cookie(world["users"][role], live_server.url))
        page = context.new_page()
        try:
            # The menu is the same on every page of a role and longest in English: axe checks
            # it, every dropdown open, on the home page in English, also at MENU_WIDTH.
            context.add_cookies(
                [{"name": "django_language", "value": "en", "url": live_server.url}]
            )
            where = f"core:home / in English as {role}"
            assert sweep.check(page, "core:home", "/", where, (*WIDTHS, MENU_WIDTH))
            page.evaluate(OPEN_MENUS)
            sweep.axe(page, "core:home", f"{where}, menus open", [])
            context.clear_cookies(name="django_language")
            if role == "admin":
                menu_opens(page)
            for route in routes:
                if route.expected[role] != 200:
                    continue
                url = url_of(route, world)
                where = f"{route.name} {url} as {role}"
                if sweep.check(page, route.name, url, where, exclude=[["#mainnav"]]):
                    checked += 1
                else:
                    skipped.add(route.name)
        finally:
            context.close()
    print(
        f"\nsweep: {checked} (page, role) pairs in {time.monotonic() - started:.0f} s ("
        + ", ".join(f"{k} {v:.0f} s" for k, v in sweep.spent.items())
        + f"); not HTML: {sorted(skipped)}"
    )
    assert checked > 300, checked
    seen = {(name, kind) for name, kind, _ in sweep.problems}
    new = [f"{kind} | {text}" for name, kind, text in sweep.problems if (name, kind) not in KNOWN]
    fixed = [f"{key}: {reason}" for key, reason in KNOWN.items() if key not in seen]
    assert not new, f"{len(new)} problems:\n" + "\n".join(new)
    assert not fixed, "fixed, remove from KNOWN:\n" + "\n".join(fixed)
