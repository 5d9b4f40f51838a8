"""The programmes list, the candidates list and a programme's runs: the page and the API share
one FilterSet, so the same parameters give the same rows; a bad value empties the page with a
message and is a 400 in the API, never a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from lindung.core.scope import SYSTEM
from lindung.programmes.models import FunderKind
from lindung.programmes.services.plans import move
from lindung.programmes.services.selection import discard_run, run_selection
from tests.programmes.factories import CandidateFactory, make_programme
from tests.registry.factories import OWN_VILLAGE, nik_for

pytestmark = pytest.mark.django_db


def page_ids(client: Client, url: str, params: dict[str, str]) -> list[int]:
    response = client.get(url, params)
    assert response.status_code == 200
    return sorted(row.pk for row in response.context["page"])


def page_run_ids(client: Client, url: str, params: dict[str, str]) -> list[int]:
    response = client.get(url, params)
    assert response.status_code == 200
    return sorted(row.pk for row in response.context["runs"])


def api_rows(client: Client, url: str, params: dict[str, str]) -> list[dict]:
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    body = response.json()
    rows = list(body["results"])
    while body["next"]:
        body = client.get(body["next"]).json()
        rows.extend(body["results"])
    return rows


def client_for(make_user, role: str) -> Client:
    client = Client()
    client.force_login(make_user(role))
    return client


@pytest.fixture
def programmes(region_tree, rates):
    first = make_programme(region_tree["18"], name="Perlindungan nelayan")
    second = make_programme(region_tree["18"], name="Perlindungan petani", fiscal_year=2025)
    move(actor=SYSTEM, programme=second, to="approved")
    third = make_programme(
        region_tree["18.71"], kind=FunderKind.APBD_REGENCY, funder_name="Pemkab Bandar Lampung",
        name="Pekerja rentan kota", area=region_tree["18.71"],
    )  # fmt: skip
    return first, second, third


PROGRAMME_PARAMS = [
    {},
    {"status": "approved"},
    {"status": "draft", "q": "nelayan"},
    {"fiscal_year": "2025"},
    {"funder_kind": "apbd_regency"},
    {"within": "18.71"},
    {"q": "Perlindungan"},
]


@pytest.mark.parametrize("params", PROGRAMME_PARAMS)
def test_programmes_page_and_api_list_the_same_rows(programmes, make_user, params):
    client = client_for(make_user, "province_officer")
    on_page = page_ids(client, reverse("programmes:list"), params)
    in_api = sorted(r["id"] for r in api_rows(client, reverse("api:programme-list"), params))
    assert on_page == in_api
    assert on_page or params  # the unfiltered list is not trivially empty


@pytest.fixture
def candidates(region_tree):
    rows = [
        CandidateFactory(name="Siti Rahmah", welfare_decile=1),
        CandidateFactory(name="Ani Lestari", welfare_decile=4),
        CandidateFactory(name="Siti Aminah", welfare_decile=7),
        CandidateFactory(
            nik=nik_for("18.72.01.1001", 7001, dt.date(1985, 6, 1)),
            village=region_tree["18.72.01.1001"], name="Budi Santoso", welfare_decile=2,
        ),
    ]  # fmt: skip
    return rows


CANDIDATE_PARAMS = [
    {},
    {"q": "siti"},
    {"q": "si"},  # too short: ignored, as before
    {"max_decile": "4"},
    {"within": OWN_VILLAGE},
    {"within": "18.72", "max_decile": "3"},
]


@pytest.mark.parametrize("params", CANDIDATE_PARAMS)
def test_candidates_page_and_api_list_the_same_rows(candidates, make_user, params):
    client = client_for(make_user, "province_officer")
    on_page = page_ids(client, reverse("programmes:candidates"), params)
    rows = api_rows(client, reverse("api:programme-candidates"), params)
    assert on_page == sorted(r["id"] for r in rows)
    assert on_page or params
    assert all("*" in r["nik"] for r in rows)  # masked, as on the page


@pytest.fixture
def runs(region_tree, rates):
    CandidateFactory()
    programme = make_programme(region_tree["18"], target_count=10)
    programme = move(actor=SYSTEM, programme=programme, to="approved")
    first = run_selection(actor=SYSTEM, programme=programme)
    discard_run(actor=SYSTEM, run=first)
    run_selection(actor=SYSTEM, programme=programme)
    return programme


@pytest.mark.parametrize("params", [{}, {"status": "draft"}, {"status": "discarded"}])
def test_runs_page_and_api_list_the_same_rows(runs, make_user, params):
    client = client_for(make_user, "province_officer")
    on_page = page_run_ids(client, reverse("programmes:detail", args=[runs.pk]), params)
    url = reverse("api:programme-runs", args=[runs.pk])
    in_api = sorted(runs.runs.get(version=r["version"]).pk for r in api_rows(client, url, params))
    assert on_page == in_api
    assert len(on_page) == (2 if not params else 1)


BAD = [
    ("programmes:list", "api:programme-list", {"fiscal_year": "20x5"}, None),
    ("programmes:list", "api:programme-list", {"status": "nope"}, None),
    ("programmes:list", "api:programme-list", {"within": "18.7"}, None),
    ("programmes:candidates", "api:programme-candidates", {"max_decile": "11"}, None),
    # A NIK (or part of one) never travels in a URL: refused, not searched.
    ("programmes:candidates", "api:programme-candidates", {"q": "1871014106850001"}, None),
    ("programmes:detail", "api:programme-runs", {"status": "nope"}, "pk"),
]


@pytest.mark.parametrize(("page", "api", "params", "arg"), BAD)
def test_a_bad_parameter_empties_the_page_and_is_a_400_in_the_api(
    runs, candidates, make_user, page, api, params, arg
):
    client = client_for(make_user, "province_officer")
    args = [runs.pk] if arg else []
    response = client.get(reverse(page, args=args), params)
    # The list pages answer 400; the programme page stays 200 around its empty runs table.
    assert response.status_code == (200 if arg else 400)
    assert "Saringan tidak sah" in response.content.decode()
    assert "Invalid filter" in response.content.decode()
    listing = response.context["runs" if arg else "page"]
    assert list(listing) == []
    assert client.get(reverse(api, args=args), params).status_code == 400
