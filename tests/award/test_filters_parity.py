"""The award entries list: the edition page and the entries API filter through one FilterSet
(``award.filters.EntryFilter``) with the same parameter names, so they return the same rows;
a bad value is a message on the page and a 400 in the API, never a 500."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from lindung.award.models import CategoryKind
from tests.award.factories import award_world
from tests.registry.factories import registry_world


@pytest.fixture
def world(region_tree, users_by_role):
    world = {"users": users_by_role, "regions": region_tree}
    world.update(registry_world(region_tree, users_by_role))
    world.update(award_world(region_tree, world))
    return world


def _page_ids(client, edition, params) -> set[int]:
    response = client.get(reverse("award:edition", kwargs={"pk": edition.pk}), params)
    assert response.status_code == 200
    return {e.pk for e in response.context["entries"]}


def _api_ids(client, edition, params) -> set[int]:
    response = client.get(reverse("api:award-entries"), {"edition": edition.pk, **params})
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("role", ["province_officer", "bpjs_branch"])
def test_page_and_api_return_the_same_entries(client, world, role):
    edition = world["award_edition"]
    regency = edition.categories.get(kind=CategoryKind.REGENCY)
    client.force_login(world["users"][role])
    cases = [
        {},
        {"category": regency.pk},
        {"status": "draft"},
        {"status": "submitted"},
        {"origin": "nominated"},
        {"region": "18.71"},
        {"region": "18.72"},
        {"category": regency.pk, "region": "18.71", "status": "draft"},
    ]
    seen = set()
    for params in cases:
        page = _page_ids(client, edition, params)
        assert page == _api_ids(client, edition, params), params
        seen.add(frozenset(page))
    assert len(seen) > 2  # the filters do narrow the list


@pytest.mark.parametrize(
    "params", [{"status": "nope"}, {"category": "1.5"}, {"region": "18.7"}, {"origin": "x"}]
)
def test_bad_parameters_are_a_message_and_a_400(client, world, params):
    edition = world["award_edition"]
    client.force_login(world["users"]["province_officer"])
    response = client.get(reverse("award:edition", kwargs={"pk": edition.pk}), params)
    assert response.status_code == 200
    assert not list(response.context["entries"])
    text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "Saringan tidak sah / Invalid filter" in text
    api = client.get(reverse("api:award-entries"), {"edition": edition.pk, **params})
    assert api.status_code == 400
