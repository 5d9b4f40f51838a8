"""The pledges page (the portal's home) and the pledge API share ``PledgeFilter``: the same
parameters give the same rows, and a bad value is a message on the page and a 400 from the API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lindung.sponsorship.models import Pledge, PledgeStatus
from tests.sponsorship.factories import make_pledge, make_sponsor

pytestmark = [pytest.mark.usefixtures("rates"), pytest.mark.engine]


@pytest.fixture
def pledges(region_tree):
    rows = {}
    for region, village in (("18.71", "18.71.01.1003"), ("18.72", "18.72.01.1001")):
        _sponsor, site = make_sponsor(
            region_tree[region], region_tree[village], name=f"PT Mitra {region}"
        )
        rows[region] = [
            make_pledge(site, title=f"Janji {region} {i}", worker_count=1) for i in range(2)
        ]
    matched = rows["18.71"][0]
    Pledge.objects.filter(pk=matched.pk).update(status=PledgeStatus.MATCHED)
    return rows


def page_ids(client, params: dict) -> set[int]:
    response = client.get(reverse("sponsorship:home"), params)
    assert response.status_code == 200
    return {row.pk for row in response.context["page"]}


def api_ids(client, params: dict) -> set[int]:
    response = client.get(reverse("sponsorship:api-pledges"), params)
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"status": "open"},
        {"status": "matched"},
        {"region": "18.72"},
        {"sponsor": "own"},
        {"q": "janji 18.72 1"},
    ],
)
def test_page_and_api_return_the_same_pledges(client, pledges, make_user, params):
    if params.get("sponsor") == "own":
        params = {"sponsor": str(pledges["18.71"][0].sponsor_id), "status": "open"}
    client.force_login(make_user("admin"))
    expected = api_ids(client, params)
    assert expected
    assert page_ids(client, params) == expected


@pytest.mark.parametrize(
    "params", [{"status": "nope"}, {"sponsor": "1.5"}, {"region": "x"}, {"sponsor": "-1"}]
)
def test_bad_values_are_a_message_and_a_400(client, pledges, make_user, params):
    client.force_login(make_user("admin"))
    page = client.get(reverse("sponsorship:home"), params)
    assert page.status_code == 400 and 'id="filter-errors"' in page.content.decode()
    assert list(page.context["page"]) == []
    assert client.get(reverse("sponsorship:api-pledges"), params).status_code == 400
