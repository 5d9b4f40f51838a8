"""The public status page: the reference and the birth date (by POST) give the status in words
and nothing else about the person; every miss gets the very same page; look-ups are throttled
per client address."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from lindung.registrations import services
from lindung.registrations.models import Status
from lindung.registrations.views.public import StatusLookupThrottle
from tests.registrations.factories import submitted
from tests.registry.factories import OWN_VILLAGE

URL = "/pendaftaran/status/"
BIRTH = dt.date(1988, 5, 17)  # the birth date of the factories' drafts
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()  # the throttle counts in the default cache
    yield
    cache.clear()


@pytest.fixture
def village(region_tree):
    return region_tree[OWN_VILLAGE]


@pytest.fixture
def branch(make_user):
    return make_user("bpjs_branch")


def look_up(client, reference, birth_date=BIRTH, **extra):
    data = {"reference": reference, "birth_date": str(birth_date)}
    return client.post(URL, data, **extra)


def answer_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_the_url_and_the_empty_form(client, village):
    assert reverse("registrations:status") == URL
    body = answer_of(client.get(URL))
    assert 'id="status-form"' in body and 'method="post"' in body
    assert 'id="status-answer"' not in body and 'id="status-not-found"' not in body


def in_status(village, branch, n: int, status: str):
    """A self-registration moved to ``status`` through the services, as the branch."""
    if status == Status.SUBMITTED:
        # A sex that disagrees with the NIK is a warning: the request waits for an officer.
        return submitted(village, n, sex="F")
    request = submitted(village, n)
    if status == Status.WITHDRAWN:
        return services.withdraw(actor=branch, request=request)
    if status == Status.CHECKED:
        return request
    services.send(actor=branch, requests=[request])
    request.refresh_from_db()
    if status == Status.CONFIRMED:
        return services.confirm(actor=branch, request=request, kpj="KPJ90001234")
    if status == Status.REJECTED:
        return services.reject(actor=branch, request=request, reason="Data KTP tidak terbaca")
    return request


@pytest.mark.parametrize("status", Status.values)
def test_each_status_in_words_and_nothing_about_the_person(client, village, branch, status):
    request = in_status(village, branch, 40 + Status.values.index(status), status)
    assert request.status == status
    body = answer_of(look_up(client, request.reference))
    assert f'data-status="{status}"' in body
    assert 'id="status-word"' in body and 'id="status-not-found"' not in body
    for private in (request.nik, request.name, village.name, OWN_VILLAGE, "1988"):
        assert private not in body
    assert ('id="status-kpj">********234<' in body) == (status == Status.CONFIRMED)
    assert "KPJ90001234" not in body
    assert ("Data KTP tidak terbaca" in body) == (status == Status.REJECTED)


def test_a_reference_typed_loosely_still_matches(client, village):
    request = submitted(village, 50)
    body = answer_of(look_up(client, f"  {request.reference.lower()} "))
    assert 'data-status="checked"' in body
    # The typed values are not echoed into the form.
    assert request.reference.lower() not in body


def test_every_miss_answers_the_same_page(client, village):
    request = submitted(village, 51)
    pages = [
        look_up(client, request.reference, BIRTH + dt.timedelta(days=1)),  # wrong birth date
        look_up(client, "LDG-ZZZZ-ZZZZ"),  # unknown reference
        look_up(client, request.nik),  # a NIK is no reference
        look_up(client, request.nik, BIRTH + dt.timedelta(days=1)),
    ]
    bodies = {CSRF.sub("", answer_of(page)) for page in pages}
    assert len(bodies) == 1
    (body,) = bodies
    assert 'id="status-not-found"' in body and 'id="status-answer"' not in body
    assert request.reference not in body and request.nik not in body


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"reference": "LDG-ZZZZ-ZZZZ"},
        {"reference": "LDG-ZZZZ-ZZZZ", "birth_date": "bukan tanggal"},
        {"reference": "x" * 200, "birth_date": "1988-05-17"},
        {"reference": "LDG-ZZZZ-ZZZZ", "birth_date": "1850-01-01"},
    ],
)
def test_bad_input_gets_the_form_errors_never_a_500(client, village, data):
    response = client.post(URL, data)
    assert response.status_code == 400
    assert response.context["form"].errors


def test_a_look_up_never_travels_in_the_url(client, village):
    request = submitted(village, 52)
    response = client.get(URL, {"reference": request.reference, "birth_date": str(BIRTH)})
    assert response.status_code == 200
    assert 'id="status-answer"' not in response.content.decode()


def test_look_ups_are_throttled_per_client_address(client, village):
    request = submitted(village, 53)
    limit = StatusLookupThrottle().num_requests
    assert limit == 10  # the default rate: 10 a minute
    for _ in range(limit):
        assert look_up(client, "LDG-ZZZZ-ZZZZ").status_code == 200
    refused = look_up(client, request.reference)  # even the right answer now waits
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    body = refused.content.decode()
    assert "terlalu banyak permintaan" in body and "too many requests" in body
    assert 'id="status-answer"' not in body
    # Another address is not slowed down by this one.
    other = look_up(client, request.reference, REMOTE_ADDR="203.0.113.7")
    assert 'data-status="checked"' in answer_of(other)
    # Nor does a forged X-Forwarded-For make a new client (no proxy is configured).
    forged = look_up(client, request.reference, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert forged.status_code == 429


def test_invalid_forms_are_not_counted_but_are_refused_over_the_limit(client, village, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "registration_status": "2/minute",
        },
    }
    assert StatusLookupThrottle().num_requests == 2
    for _ in range(5):
        assert client.post(URL, {}).status_code == 400
    assert look_up(client, "LDG-ZZZZ-ZZZZ").status_code == 200
    assert look_up(client, "LDG-ZZZZ-ZZZZ").status_code == 200
    assert look_up(client, "LDG-ZZZZ-ZZZZ").status_code == 429
    assert client.post(URL, {}).status_code == 429
    assert client.get(URL).status_code == 200  # the empty form is never throttled
