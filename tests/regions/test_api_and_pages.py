"""Region API (filters, cursor pagination, detail, GeoJSON) and the region pages."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from django.test import Client

from lindung.core.regioncodes import is_within, level_of
from lindung.core.roles import Role
from lindung.regions.models import BpsCode, RegionBoundary
from lindung.regions.services import region_kind
from tests.conftest import TREE
from tests.regions.factories import RegionFactory

LIST_URL = "/api/v1/regions/"


def codes_of(client: Client, url: str, **params: str) -> list[str]:
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


def walk(client: Client, url: str, **params: str) -> list[list[str]]:
    """Follow ``next`` links from the first page; the codes of each page."""
    pages = []
    response = client.get(url, params)
    while True:
        assert response.status_code == 200
        body = response.json()
        pages.append([row["code"] for row in body["results"]])
        if not body["next"]:
            return pages
        parts = urlsplit(body["next"])
        response = client.get(f"{parts.path}?{parts.query}")


def section(html: str, element_id: str, closing: str) -> str:
    match = re.search(rf'id="{element_id}"(.*?)</{closing}>', html, re.S)
    assert match, f"#{element_id} not in page"
    return match.group(1)


@pytest.fixture
def api(region_tree, make_user) -> Callable[..., Client]:
    def login(role: str = Role.ADMIN, scope: list[str] | None = None) -> Client:
        client = Client()
        client.force_login(make_user(role, scope=scope))
        return client

    return login


Oracle = Callable[[str, str], bool]
FILTERS: list[tuple[dict[str, str], Oracle]] = [
    ({"level": "regency"}, lambda code, name: level_of(code) == "regency"),
    ({"level": "village"}, lambda code, name: level_of(code) == "village"),
    ({"parent": "18.71"}, lambda code, name: code.rpartition(".")[0] == "18.71"),
    ({"parent": "18"}, lambda code, name: code.rpartition(".")[0] == "18"),
    ({"within": "18.71"}, lambda code, name: is_within(code, "18.71")),
    ({"within": "18.72.01"}, lambda code, name: is_within(code, "18.72.01")),
    ({"q": "metro"}, lambda code, name: "metro" in name.lower()),
    ({"q": "KEDATON"}, lambda code, name: "kedaton" in name.lower()),
    ({"kind": "kota"}, lambda code, name: region_kind(code, level_of(code)) == "kota"),
    ({"kind": "kelurahan"}, lambda code, name: code.count(".") == 3 and code[9] == "1"),
    (
        {"level": "district", "within": "18"},
        lambda code, name: code.count(".") == 2 and is_within(code, "18"),
    ),
]


@pytest.mark.parametrize(("params", "oracle"), FILTERS, ids=[str(p) for p, _ in FILTERS])
def test_region_list_filters(api, params, oracle) -> None:
    expected = sorted(code for code, name in TREE.items() if oracle(code, name))
    assert codes_of(api(), LIST_URL, **params) == expected


def test_filters_never_widen_the_scope(api) -> None:
    officer = api(Role.REGENCY_OFFICER, ["18.71"])
    assert codes_of(officer, LIST_URL, within="18") == sorted(
        c for c in TREE if is_within(c, "18.71")
    )
    assert codes_of(officer, LIST_URL, parent="18") == ["18.71"]
    assert codes_of(officer, LIST_URL, q="metro") == []


def test_an_unknown_choice_is_a_bad_request(api) -> None:
    assert api().get(LIST_URL, {"level": "planet"}).status_code == 400


@pytest.mark.parametrize("params", [{"within": "18.1"}, {"parent": "18.7"}, {"levle": "regency"}])
def test_a_malformed_code_or_unknown_parameter_is_a_bad_request(api, params) -> None:
    """Neither nothing nor everything: the answer says which parameter is wrong."""
    response = api().get(LIST_URL, params)
    assert response.status_code == 400
    assert next(iter(params)) in response.content.decode()


@pytest.mark.parametrize(("role", "scope"), [(Role.ADMIN, None), (Role.PROVINCE_OFFICER, ["18"])])
def test_cursor_pagination_walks_every_region_once(api, role, scope) -> None:
    client = api(role, scope)
    pages = walk(client, LIST_URL, page_size="2")
    seen = [code for page in pages for code in page]
    expected = sorted(c for c in TREE if scope is None or any(is_within(c, s) for s in scope))
    assert seen == expected  # in code order, no duplicates, nothing missing
    assert all(len(page) == 2 for page in pages[:-1]) and 1 <= len(pages[-1]) <= 2
    assert len(pages) == -(-len(expected) // 2)


def test_pagination_with_a_filter(api) -> None:
    pages = walk(api(), LIST_URL, page_size="1", level="regency")
    assert [p[0] for p in pages] == sorted(c for c in TREE if c.count(".") == 1)


def test_region_list_query_count_does_not_grow_with_rows(
    api, django_assert_max_num_queries
) -> None:
    client = api(Role.PROVINCE_OFFICER, ["18"])
    for n in range(2, 30):  # many more regions than queries allowed
        RegionFactory(code=f"18.72.01.{2000 + n}")
    with django_assert_max_num_queries(4):  # session, user, scope codes, regions
        response = client.get(LIST_URL, {"page_size": "1000"})
    rows = response.json()["results"]
    assert len(rows) > 30
    assert all(
        row["parent_code"] == row["code"].rpartition(".")[0] for row in rows if "." in row["code"]
    )


def test_region_detail_includes_the_bps_code(api, region_tree) -> None:
    BpsCode.objects.create(
        region=region_tree["18.71"], bps_code="1871", name_bps="KOTA BANDAR LAMPUNG", match="exact"
    )
    client = api()
    body = client.get(f"{LIST_URL}18.71/").json()
    assert body == {
        "code": "18.71",
        "name": TREE["18.71"],
        "level": "regency",
        "kind": "kota",
        "parent_code": "18",
        "is_active": True,
        "bps_code": "1871",
    }
    assert client.get(f"{LIST_URL}18.72/").json()["bps_code"] is None
    assert client.get(f"{LIST_URL}18/").json()["parent_code"] is None


def test_region_detail_outside_the_scope_is_not_found(api) -> None:
    officer = api(Role.REGENCY_OFFICER, ["18.71"])
    assert officer.get(f"{LIST_URL}18.71.01.1003/").status_code == 200
    assert officer.get(f"{LIST_URL}18.72/").status_code == 404
    assert officer.get(f"{LIST_URL}18/").status_code == 404


def features_of(client: Client, code: str) -> list[dict]:
    response = client.get(f"{LIST_URL}{code}/boundaries/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    body = json.loads(response.content)
    assert body["type"] == "FeatureCollection"
    return body["features"]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("18", ["18.71", "18.72"]),  # children with boundaries
        ("18.71", ["18.71.01"]),
        ("18.71.01", ["18.71.01.1003"]),  # 18.71.01.1004 has no boundary
        ("18.71.01.1003", ["18.71.01.1003"]),  # a village: itself
        ("31", []),  # no polygon anywhere below or at 31
    ],
)
def test_boundaries_are_a_feature_collection_of_the_children(api, code, expected) -> None:
    features = features_of(api(), code)
    assert [f["properties"]["code"] for f in features] == expected
    for feature in features:
        stored = RegionBoundary.objects.get(region_id=feature["properties"]["code"])
        assert feature["type"] == "Feature"
        assert feature["geometry"] == json.loads(stored.geometry)
        assert feature["properties"]["name"] == TREE[feature["properties"]["code"]]
        assert feature["properties"]["centroid"] == [stored.centroid_lat, stored.centroid_lng]


def test_boundaries_respect_the_scope(api) -> None:
    officer = api(Role.REGENCY_OFFICER, ["18.71"])
    assert [f["properties"]["code"] for f in features_of(officer, "18.71")] == ["18.71.01"]
    assert officer.get(f"{LIST_URL}18/boundaries/").status_code == 404
    assert officer.get(f"{LIST_URL}18.72/boundaries/").status_code == 404
    village = api(Role.VILLAGE_OPERATOR, ["18.71.01.1003"])
    assert [f["properties"]["code"] for f in features_of(village, "18.71.01.1003")] == [
        "18.71.01.1003"
    ]


def test_region_page_for_a_province_officer(api, region_tree) -> None:
    page = api(Role.PROVINCE_OFFICER, ["18"]).get("/wilayah/18.71/")
    assert page.status_code == 200
    html = page.content.decode()
    crumbs = section(html, "breadcrumbs", "ol")
    assert 'href="/wilayah/18/"' in crumbs and TREE["18"] in crumbs
    assert re.search(rf'aria-current="page">{TREE["18.71"]}<', crumbs)

    children = section(html, "children", "table")
    assert re.findall(r'data-code="([\d.]+)"', children) == ["18.71.01"]
    assert 'href="/wilayah/18.71.01/"' in children and TREE["18.71.01"] in children

    figures = section(html, "populations", "table")
    population = region_tree["18.71"].populations.get()
    digits = re.findall(r'<td class="text-end">([\d.,\s]+)</td>', figures)
    assert [re.sub(r"\D", "", d) for d in digits] == [str(population.value)]
    assert population.kind.name_id in figures


def test_region_page_counts_subregions_and_hides_foreign_ancestors(api) -> None:
    province = api(Role.PROVINCE_OFFICER, ["18"]).get("/wilayah/18/").content.decode()
    rows = re.findall(
        r'<tr data-code="([\d.]+)">.*?text-end">(\d+)</td>',
        section(province, "children", "table"),
        re.S,
    )
    assert rows == [("18.71", "1"), ("18.72", "1")]

    officer = api(Role.REGENCY_OFFICER, ["18.71"]).get("/wilayah/18.71.01/").content.decode()
    crumbs = section(officer, "breadcrumbs", "ol")
    assert TREE["18"] in crumbs and 'href="/wilayah/18/"' not in crumbs  # text only
    assert 'href="/wilayah/18.71/"' in crumbs
    assert TREE["18.72"] not in officer


def test_region_index_lists_roots_or_redirects(api) -> None:
    response = api(Role.REGENCY_OFFICER, ["18.71"]).get("/wilayah/")
    assert response.status_code == 302 and response["Location"] == "/wilayah/18.71/"
    html = api(Role.REGENCY_OFFICER, ["18.71", "18.72"]).get("/wilayah/").content.decode()
    assert re.findall(r'href="/wilayah/([\d.]+)/"', section(html, "region-roots", "table")) == [
        "18.71",
        "18.72",
    ]
