"""The registry's lists read one FilterSet each on the page and in the API: the same parameters
give the same rows (the fixture stays under one page of either)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from lindung.core.roles import Role
from lindung.registry.models import Segment
from tests.registry.factories import (
    FOREIGN_VILLAGE,
    OWN_VILLAGE,
    EmployerFactory,
    MembershipFactory,
    PersonFactory,
    nik_for,
)


@pytest.fixture
def registry(region_tree):
    own, foreign = region_tree[OWN_VILLAGE], region_tree[FOREIGN_VILLAGE]
    employers = [
        EmployerFactory(npp="AA0000001", name="PT Sinar Bahari", village=own),
        EmployerFactory(npp="AA0000002", name="CV Laut Biru", village=own, size_class="medium"),
        EmployerFactory(npp="ZZ0000009", name="PT Metro Asing", village=foreign),
    ]
    for n in range(9):
        village = own if n % 3 else foreign
        person = PersonFactory(
            nik=nik_for(village.code, n + 1),
            name=f"Siti Warga {n}" if n % 2 else f"Budi Warga {n}",
            sex="F" if n % 2 else "M",
            domicile=village,
        )
        MembershipFactory(
            person=person,
            employer=employers[n % 3],
            work_region=village,
            segment=Segment.PU if n % 4 else Segment.BPU,
        )


def _both(make_user, page_name: str, api_name: str, params: dict) -> tuple[list, list]:
    officer = make_user(Role.PROVINCE_OFFICER, scope=["18"])
    api = APIClient()
    api.force_authenticate(officer)
    answer = api.get(reverse(api_name), params)
    assert answer.status_code == 200, answer.content
    api.force_login(officer)
    page = api.get(reverse(page_name), params)
    assert page.status_code == 200
    return page.context["page"].rows, answer.json()["results"]


@pytest.mark.parametrize(
    "params", [{}, {"q": "Sinar"}, {"size_class": "medium"}, {"within": "18.71"}]
)
def test_employers_page_and_api_return_the_same_rows(db, registry, make_user, params):
    rows, results = _both(make_user, "registry:employer-list", "api:employer-list", params)
    assert {e.npp for e in rows} == {r["npp"] for r in results} != set()


@pytest.mark.parametrize(
    "params", [{}, {"sex": "F"}, {"within": "18.72"}, {"q": "Warga"}, {"name": "Siti"}]
)
def test_persons_page_and_api_return_the_same_rows(db, registry, make_user, params):
    rows, results = _both(make_user, "registry:person-list", "api:person-list", params)
    assert {p.pk for p in rows} == {r["id"] for r in results} != set()


@pytest.mark.parametrize(
    "params", [{}, {"segment": "BPU"}, {"employer": "AA0000002"}, {"within": "18.71.01"}]
)
def test_memberships_page_and_api_return_the_same_rows(db, registry, make_user, params):
    rows, results = _both(make_user, "registry:membership-list", "api:membership-list", params)
    assert {m.pk for m in rows} == {r["id"] for r in results} != set()
