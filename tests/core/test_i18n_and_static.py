"""Indonesian first, English on request; every asset served locally."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

TEMPLATES = Path(settings.PACKAGE_DIR).glob("*/templates/**/*.html")


@pytest.mark.django_db
def test_indonesian_is_the_default_even_for_an_english_browser(client):
    response = client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    body = response.content.decode()
    assert response.headers["Content-Language"] == "id"
    assert "Masuk" in body and "Perlindungan untuk setiap pekerja" in body
    assert '<html lang="id">' in body


@pytest.mark.django_db
def test_language_switch_turns_the_site_english_and_back(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    body = client.get("/").content.decode()
    assert "Protection for every worker" in body and "Log in" in body
    client.post(reverse("set_language"), {"language": "id", "next": "/"})
    assert "Perlindungan untuk setiap pekerja" in client.get("/").content.decode()


@pytest.mark.django_db
def test_unknown_language_cookie_falls_back_to_indonesian(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert "Masuk" in client.get("/").content.decode()


def test_every_msgid_has_an_indonesian_translation():
    po = (Path(settings.PACKAGE_DIR) / "locale/id/LC_MESSAGES/django.po").read_text("utf-8")
    # An entry whose msgstr is empty (and not a multi-line one) is untranslated.
    untranslated = re.findall(r'\nmsgid "(.+)"\nmsgstr ""\n(?!")', po)
    assert untranslated == []
    assert '#, fuzzy\nmsgid ""' not in po.split("\n\n", 2)[1]


@pytest.mark.parametrize("template", sorted(TEMPLATES), ids=lambda p: p.name)
def test_templates_load_nothing_from_the_internet(template):
    text = template.read_text("utf-8")
    assert not re.search(r'(src|href)="(https?:)?//', text), template


@pytest.mark.parametrize(
    "asset",
    [
        "vendor/bootstrap/css/bootstrap.min.css",
        "vendor/bootstrap/js/bootstrap.bundle.min.js",
        "vendor/leaflet/leaflet.js",
        "vendor/leaflet/leaflet.css",
        "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
    ],
)
def test_front_end_assets_come_from_installed_packages(asset):
    assert finders.find(asset), asset


@pytest.mark.django_db
def test_static_files_are_served_without_collectstatic(client):
    response = client.get(settings.STATIC_URL + "vendor/leaflet/leaflet.js")
    assert response.status_code == 200
    assert b"Leaflet" in b"".join(response.streaming_content)
