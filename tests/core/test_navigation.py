"""The grouped main menu shows a role only pages it may open."""

from __future__ import annotations

import re

import pytest

from lindung.core.roles import Role

pytestmark = pytest.mark.django_db

MENU = re.compile(r"<nav[^>]*navbar-lindung.*?</nav>", re.S)
LINK = re.compile(r'<a class="[^"]*(?:nav-link|dropdown-item)[^"]*" href="(/[^"]*)"')


@pytest.mark.parametrize("role", Role.values)
def test_every_menu_entry_opens_for_the_role_that_sees_it(role, users_by_role, client) -> None:
    client.force_login(users_by_role[role])
    home = client.get("/")
    assert home.status_code == 200
    links = LINK.findall(MENU.search(home.content.decode()).group(0))
    assert len(links) >= 3, links
    for href in sorted(set(links)):
        response = client.get(href)
        assert response.status_code in (200, 302), f"{role}: {href} answered {response.status_code}"
