"""The 403, 404 and 500 pages: what happened in the user's language, a way back home and to the
previous page, their status codes kept; a refusal logged as one line, a 500 with its traceback;
/registri/ leads to the registry's first list the user may see."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import path, reverse

from lindung.config import urls as project_urls
from lindung.core import errors
from lindung.core.roles import Role


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("the view failed")


# This module doubles as a URLconf (pytest.mark.urls): the project's URLs and handlers and a view
# that raises.
urlpatterns = [path("rusak/", boom), *project_urls.urlpatterns]
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500

HOME_ID = '<a class="btn btn-success" href="/" id="error-home">Kembali ke beranda</a>'
HOME_EN = '<a class="btn btn-success" href="/" id="error-home">Back to the home page</a>'


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def request_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """django.request's records in caplog, also if caplog listens only at the root (the
    "django" logger does not propagate)."""
    logger = logging.getLogger("django.request")
    attach = caplog.handler not in logging.getLogger("django").handlers
    if attach:
        logger.addHandler(caplog.handler)
    try:
        yield caplog
    finally:
        if attach:
            logger.removeHandler(caplog.handler)


@pytest.fixture
def refused(make_user) -> Client:
    """An employer, who may not open the audit log."""
    client = Client()
    client.force_login(make_user(Role.EMPLOYER))
    return client


def test_403_page_is_indonesian_with_a_way_home(refused) -> None:
    response = refused.get(reverse("core:audit"))
    body = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="id">' in body and 'data-status="403"' in body
    assert "Akses ditolak" in body and HOME_ID in body
    assert 'id="nav-user"' in body  # the site's page, with its menu
    assert 'id="error-back"' not in body  # no previous page to go back to


def test_403_page_in_english(refused) -> None:
    response = english(refused).get(reverse("core:audit"))
    body = response.content.decode()
    assert response.status_code == 403 and '<html lang="en">' in body
    assert "Access refused" in body and HOME_EN in body


def test_back_link_only_to_a_page_of_this_site(refused) -> None:
    url = reverse("core:audit")
    ours = "http://testserver/wilayah/"
    body = refused.get(url, HTTP_REFERER=ours).content.decode()
    assert f'href="{ours}" id="error-back">Kembali ke halaman sebelumnya</a>' in body
    for elsewhere in ("https://evil.example/", "javascript:alert(1)", f"http://testserver{url}"):
        assert 'id="error-back"' not in refused.get(url, HTTP_REFERER=elsewhere).content.decode()


@pytest.mark.django_db
def test_404_page_in_both_languages(client) -> None:
    response = client.get("/registri/tidak-ada/", HTTP_REFERER="http://testserver/")
    body = response.content.decode()
    assert response.status_code == 404 and 'data-status="404"' in body
    assert "Halaman tidak ditemukan" in body and HOME_ID in body
    assert 'href="http://testserver/" id="error-back"' in body
    response = english(client).get("/registri/tidak-ada/")
    body = response.content.decode()
    assert response.status_code == 404 and "Page not found" in body and HOME_EN in body


@pytest.mark.django_db
def test_the_api_keeps_its_json_404(client) -> None:
    response = client.get("/api/v1/tidak-ada/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Tidak ditemukan. / Not found."}


def test_a_refusal_is_logged_as_one_line_without_a_traceback(refused, request_log) -> None:
    assert refused.get(reverse("core:audit")).status_code == 403
    (record,) = [r for r in request_log.records if r.name == "django.request"]
    assert record.getMessage() == "Forbidden (Permission denied): /audit/"
    assert record.exc_info is None and record.levelno == logging.WARNING
    assert "Traceback" not in request_log.text
    assert "\n" not in request_log.handler.format(record)


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_500_page_keeps_its_status_and_traceback(client, request_log) -> None:
    client.raise_request_exception = False
    response = client.get("/rusak/", HTTP_REFERER="http://testserver/wilayah/")
    body = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="id">' in body and 'data-status="500"' in body
    assert "Kesalahan server" in body
    assert 'href="/" id="error-home">Kembali ke beranda</a>' in body
    assert 'href="http://testserver/wilayah/" id="error-back"' in body
    assert "the view failed" not in body
    (record,) = [r for r in request_log.records if r.name == "django.request"]
    assert record.levelno == logging.ERROR and record.exc_info is not None
    assert "Traceback" in request_log.text and "RuntimeError: the view failed" in request_log.text


@pytest.mark.urls(__name__)
def test_500_page_in_english(client) -> None:
    client.raise_request_exception = False
    response = english(client).get("/rusak/")
    body = response.content.decode()
    assert response.status_code == 500 and '<html lang="en">' in body
    assert "Server error" in body and "Back to the home page" in body


def test_500_page_needs_neither_the_database_nor_the_request_context() -> None:
    """No django_db mark: any query would fail the test."""
    request = RequestFactory().get("/rusak/")
    response = errors.server_error(request)
    body = response.content.decode()
    assert response.status_code == 500 and 'href="/" id="error-home"' in body


@pytest.mark.parametrize(
    ("role", "target"),
    [
        (Role.BPJS_BRANCH, "registry:employer-list"),
        (Role.EMPLOYER, "registry:employer-list"),
        (Role.AUDITOR, "registry:employer-list"),
    ],
)
def test_registry_index_leads_to_the_first_list_the_user_may_see(make_user, role, target) -> None:
    client = Client()
    client.force_login(make_user(role))
    response = client.get("/registri/")
    assert response.status_code == 302 and response["Location"] == reverse(target)
    assert client.get(response["Location"]).status_code == 200


def test_registry_index_refuses_others_with_the_403_page(make_user) -> None:
    client = Client()
    client.force_login(make_user(Role.SPONSOR))
    response = client.get("/registri/")
    assert response.status_code == 403 and "Akses ditolak" in response.content.decode()


@pytest.mark.django_db
def test_registry_index_asks_a_visitor_to_log_in(client) -> None:
    response = client.get("/registri/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
