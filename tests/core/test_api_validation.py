"""Bad API input is a 400 with a message, never a 500 or a silently ignored filter (issue 17,
items 2 and 8): the server errors the fuzzer found, unknown query parameters, malformed cursors
and page sizes, a NIK in a URL (the person search is a POST), and a schema that documents what
the API answers. scripts/fuzz-api.sh fuzzes the running demo with schemathesis."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from lindung.core.models import AuditLog
from lindung.core.roles import Role
from lindung.registry.masking import mask_nik
from tests.conftest import build_region_tree, new_user
from tests.registry.factories import (
    FOREIGN_VILLAGE,
    OWN_VILLAGE,
    MembershipFactory,
    PersonFactory,
    nik_for,
)

pytestmark = pytest.mark.django_db

NIK = nik_for(OWN_VILLAGE, 3)
FOREIGN_NIK = nik_for(FOREIGN_VILLAGE, 7)
NIK_IN_URL = ("NIK tidak boleh dikirim dalam URL", "A NIK must not be sent in a URL")


@pytest.fixture(scope="module")
def world(module_db):
    regions = build_region_tree()
    person = PersonFactory(nik=NIK, name="Siti Aminah", birth_date=dt.date(1990, 1, 1))
    MembershipFactory(person=person, wage=3_250_000)
    foreign = PersonFactory(nik=FOREIGN_NIK, name="Siti Asing", domicile=regions[FOREIGN_VILLAGE])
    return {
        "person": person,
        "foreign": foreign,
        "admin": new_user(Role.ADMIN),
        "province": new_user(Role.PROVINCE_OFFICER),
        "regency": new_user(Role.REGENCY_OFFICER),
    }


def client_of(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def json_of(response) -> dict:
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert isinstance(body, dict)  # every error body is an object
    return body


# --- the server errors the fuzzer found --------------------------------------------------------

FUZZER_FINDINGS = [
    # (who, URL, status): each answered 500 before.
    (None, "/api/v1/coverage/public/18.71/?date=0001-01-01", 400),
    ("admin", "/api/v1/coverage/18.71/?date=0065-05-23", 400),
    ("admin", "/api/v1/memberships/?person=-3.7e%2B142", 400),
    ("admin", "/api/v1/memberships/?person=99999999999999999999", 400),
    ("admin", "/api/v1/programmes/null%2Cnull/runs/0/", 404),
    ("admin", "/api/v1/programmes/1/runs/%C2%84/", 404),
    ("admin", "/api/v1/worker-populations/?year=0.0", 400),
    ("admin", "/api/v1/award/entries/?edition=99999999999999999999", 400),
]


@pytest.mark.parametrize(
    ("who", "url", "status"), FUZZER_FINDINGS, ids=[f[1] for f in FUZZER_FINDINGS]
)
def test_fuzzer_findings_are_client_errors_with_a_message(world, who, url, status):
    response = client_of(world.get(who) if who else None).get(url)
    assert response.status_code == status, response.content
    body = json_of(response)
    assert body  # says what is wrong


def test_an_unmatched_api_url_answers_json(world):
    response = client_of(world["admin"]).get("/api/v1/bills/-5.6e-125/")
    assert response.status_code == 404
    assert "detail" in json_of(response)
    page = client_of(world["admin"]).get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


# --- unknown parameters are a 400, not the whole list ------------------------------------------

UNKNOWN = [
    ("/api/v1/bills/", {"employer": ""}),
    ("/api/v1/bills/", {"month": "2024-03", "npp": "AA0000001"}),
    ("/api/v1/persons/", {"nmae": "Siti"}),
    ("/api/v1/memberships/", {"person_id": "1"}),
    ("/api/v1/employers/", {"npp": "AA0000001"}),
    ("/api/v1/regions/", {"levle": "regency"}),
    ("/api/v1/worker-populations/", {"region_code": "18"}),
    ("/api/v1/programmes/", {"year": "2024"}),
    ("/api/v1/award/entries/", {"editon": "1"}),
    ("/api/v1/compliance/cases/", {"stepp": "open"}),
    ("/api/v1/compliance/risks/", {"wilayah": "18.71"}),
    ("/api/v1/compliance/sla/", {"step": "open"}),
    ("/api/v1/coverage/18.71/", {"tanggal": "2024-01-31"}),
    ("/api/v1/coverage/18.71/trend/", {"penyebut": "x"}),
]


@pytest.mark.parametrize(("url", "params"), UNKNOWN, ids=[f"{u}{p}" for u, p in UNKNOWN])
def test_unknown_query_parameters_are_a_bad_request(world, url, params):
    response = client_of(world["admin"]).get(url, params)
    assert response.status_code == 400, response.content
    body = json_of(response)
    assert set(body["unknown"]) <= set(params) and body["unknown"]
    assert (
        "Parameter tidak dikenal" in body["detail"] and "Unknown query parameter" in body["detail"]
    )


def test_the_public_calculator_rejects_unknown_parameters_in_its_error_shape(world):
    response = client_of().get(
        "/api/v1/contributions/calculate/", {"segment": "PU", "wage": "5000000", "wgae": "1"}
    )
    assert response.status_code == 400
    body = json_of(response)
    assert "wgae" in body["errors"] and "Unknown query parameter" in body["detail"]


def test_declared_parameters_still_filter(world):
    client = client_of(world["admin"])
    assert client.get("/api/v1/bills/", {"month": "2024-03", "status": "open"}).status_code == 200
    assert client.get("/api/v1/bills/", {"month": "2024-13"}).status_code == 400
    assert client.get("/api/v1/memberships/", {"person": world["person"].pk}).status_code == 200
    assert client.get("/api/v1/persons/", {"format": "json", "page_size": 5}).status_code == 200


BAD_VALUES = [
    ("/api/v1/persons/", {"cursor": "not-a-cursor"}, "cursor"),
    ("/api/v1/persons/", {"cursor": "cD1hYmM="}, "cursor"),  # p=abc: not an id
    ("/api/v1/persons/", {"page_size": "0"}, "page_size"),
    ("/api/v1/persons/", {"page_size": "-3"}, "page_size"),
    ("/api/v1/persons/", {"page_size": "1001"}, "page_size"),
    ("/api/v1/persons/", {"within": "18.1"}, "within"),
    ("/api/v1/regions/", {"parent": "18.7"}, "parent"),
    ("/api/v1/memberships/", {"active_on": "0001-01-01"}, "active_on"),
    ("/api/v1/coverage/18.71/", {"denominator": "no-such-kind"}, "denominator"),
    ("/api/v1/compliance/cases/", {"mine": "yes"}, "mine"),
]


@pytest.mark.parametrize(
    ("url", "params", "key"), BAD_VALUES, ids=[f"{u}{p}" for u, p, _ in BAD_VALUES]
)
def test_bad_values_are_a_bad_request_naming_the_parameter(world, url, params, key):
    response = client_of(world["admin"]).get(url, params)
    assert response.status_code == 400, response.content
    body = json_of(response)
    assert key in body or body.get("parameter") == key


# --- a NIK never travels in a URL: the person search is a POST ---------------------------------


def search(client: Client, **body):
    return client.post(reverse("api:person-search"), body, content_type="application/json")


@pytest.mark.parametrize(
    "params",
    [{"nik": NIK}, {"q": NIK}, {"name": NIK}, {"nik": "1871"}, {"within": f"x{NIK}"}],
    ids=["nik", "q", "name", "partial-nik", "embedded"],
)
def test_a_nik_in_the_query_string_is_refused_with_the_way_to_the_post_search(world, params):
    response = client_of(world["regency"]).get(reverse("api:person-list"), params)
    assert response.status_code == 400
    detail = json_of(response)["detail"]
    assert all(text in detail for text in NIK_IN_URL)
    assert "POST /api/v1/persons/search/" in detail
    assert not AuditLog.objects.filter(action="registry.person.lookup").exists()


def test_the_post_search_finds_by_nik_within_the_scope_masked_and_audited(world):
    client = client_of(world["regency"])
    response = search(client, nik=NIK)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    rows = response.json()["results"]
    assert [r["id"] for r in rows] == [world["person"].pk]
    assert rows[0]["nik"] == mask_nik(NIK) and rows[0]["masked"] is True
    assert NIK not in response.content.decode() and "Siti Aminah" not in response.content.decode()
    # Outside the scope: nothing, and the lookup is audited all the same.
    assert search(client, nik=FOREIGN_NIK).json()["results"] == []
    assert search(client, q=FOREIGN_NIK).json()["results"] == []
    lookups = AuditLog.objects.filter(action="registry.person.lookup").order_by("pk")
    assert [e.after["found"] for e in lookups] == [True, False, False]
    assert {e.after["channel"] for e in lookups} == {"api"}


def test_the_post_search_matches_the_list_for_names_and_region_filters(world):
    client = client_of(world["province"])
    listed = client.get(reverse("api:person-list"), {"q": "siti"}).json()["results"]
    searched = search(client, q="siti").json()["results"]
    assert searched == listed and {r["id"] for r in searched} == {
        world["person"].pk,
        world["foreign"].pk,
    }
    assert search(client, name="siti", within="18.72").json()["results"] == [
        r for r in listed if r["id"] == world["foreign"].pk
    ]
    regency = client_of(world["regency"])
    assert [r["id"] for r in search(regency, q="siti").json()["results"]] == [world["person"].pk]


def test_the_post_search_paginates_with_the_cursor_in_the_url(world):
    client = client_of(world["province"])
    first = client.post(
        reverse("api:person-search") + "?page_size=1",
        {"q": "siti"},
        content_type="application/json",
    ).json()
    assert len(first["results"]) == 1 and "cursor=" in first["next"]
    second = client.post(first["next"], {"q": "siti"}, content_type="application/json").json()
    assert len(second["results"]) == 1 and second["results"] != first["results"]


@pytest.mark.parametrize(
    "body",
    [{"nik": "1871"}, {"q": "ab"}, {"name": "ab"}, {"within": "18.1"}, {"sex": "X"}, {"nick": NIK}],
    ids=["partial-nik", "short-q", "short-name", "bad-region", "bad-sex", "unknown-key"],
)
def test_the_post_search_validates_its_body(world, body):
    response = search(client_of(world["regency"]), **body)
    assert response.status_code == 400
    assert NIK not in response.content.decode()
    assert not AuditLog.objects.filter(action="registry.person.lookup").exists()


def test_the_post_search_takes_no_nik_in_its_url(world):
    client = client_of(world["regency"])
    url = reverse("api:person-search") + f"?nik={NIK}"
    response = client.post(url, {}, content_type="application/json")
    assert response.status_code == 400 and NIK_IN_URL[1] in response.json()["detail"]


def test_the_post_search_needs_the_right_to_see_persons(world):
    assert search(client_of(), q="siti").status_code == 401
    other = new_user(Role.AWARD_JURY)
    assert search(client_of(other), q="siti").status_code == 403


# --- the schema documents what the API answers -------------------------------------------------

SCHEMA_SETTINGS = {
    **settings.REST_FRAMEWORK,
    "DEFAULT_SCHEMA_CLASS": "lindung.core.schema.AutoSchema",
}


@pytest.fixture
def schema(world) -> dict:
    with override_settings(REST_FRAMEWORK=SCHEMA_SETTINGS):
        response = client_of().get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_the_schema_documents_error_answers(schema):
    paths = schema["paths"]
    persons = paths["/api/v1/persons/"]["get"]["responses"]
    assert {"200", "400", "401", "403", "414", "429"} <= set(persons) and "404" not in persons
    assert {"400", "401", "403", "404", "429"} <= set(
        paths["/api/v1/persons/{id}/"]["get"]["responses"]
    )
    public = paths["/api/v1/coverage/public/{code}/"]["get"]["responses"]
    assert {"200", "400", "404", "429"} <= set(public) and "401" not in public
    assert "400" in paths["/api/v1/compliance/sla/"]["get"]["responses"]


def test_the_schema_lists_every_parameter_the_api_takes(schema):
    paths = schema["paths"]

    def names(path: str, method: str = "get") -> set[str]:
        return {p["name"] for p in paths[path][method].get("parameters", [])}

    assert {"month", "status"} <= names("/api/v1/bills/")
    assert "nik" not in names("/api/v1/persons/")
    assert {"region", "check"} <= names("/api/v1/compliance/risks/")
    assert {"step", "mine", "overdue"} <= names("/api/v1/compliance/cases/")
    assert "edition" in names("/api/v1/award/entries/")
    assert "denominator" in names("/api/v1/coverage/public/{code}/trend/")
    assert {"year", "within"} <= names("/api/v1/worker-populations/")
    page_size = next(
        p for p in paths["/api/v1/persons/"]["get"]["parameters"] if p["name"] == "page_size"
    )
    assert page_size["schema"] == {"type": "integer", "minimum": 1, "maximum": 1000}
    search_op = paths["/api/v1/persons/search/"]["post"]
    body = search_op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body == "#/components/schemas/PersonSearch"
    assert {"nik", "q", "name", "sex", "within"} == set(
        schema["components"]["schemas"]["PersonSearch"]["properties"]
    )
    assert "PaginatedPersonList" in str(search_op["responses"]["200"])


def test_the_schema_declares_nullable_fields_and_the_revealed_wage(schema):
    components = schema["components"]["schemas"]
    assert components["Membership"]["properties"]["wage"] == {
        "oneOf": [{"type": "integer"}, {"type": "string"}],
        "readOnly": True,
    }
    assert components["PersonDetail"]["properties"]["birth_date"]["nullable"] is True
    for name in ("RiskScore", "Finding", "Case"):
        for field in ("npp", "nib"):
            assert components[name]["properties"][field]["nullable"] is True
    assert components["Case"]["properties"]["assignee"]["nullable"] is True
    assert components["EmployerDetail"]["properties"]["active_workers"]["nullable"] is True
