"""Every compliance list page and its API share one FilterSet: for the same parameters they
return the same rows (ids). A bad value is shown on the page over an empty list (never a 500)
and is a 400 in the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from lindung.compliance import services
from lindung.compliance.models import Case, RiskScore, Step
from lindung.core.scope import SYSTEM
from tests.compliance.conftest import AS_OF
from tests.compliance.factories import business
from tests.registry.factories import (
    FOREIGN_VILLAGE,
    OWN_VILLAGE,
    EmployerFactory,
    MembershipFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.engine]


@pytest.fixture
def world(region_tree: dict[str, Any], wages: Any, make_user: Any) -> dict[str, Any]:
    """Employers and unregistered businesses both sides of 18.71/18.72, one run of the checks
    and cases at several steps, one assigned to the branch inspector and one overdue."""
    inspector = make_user("bpjs_branch")
    for i, village in enumerate([OWN_VILLAGE, OWN_VILLAGE, FOREIGN_VILLAGE, FOREIGN_VILLAGE]):
        emp = EmployerFactory(village=region_tree[village], nib=f"{2000000000000 + i}")
        for _ in range(1 + i % 2):
            MembershipFactory(
                employer=emp, work_region=region_tree[village], wage=1_000_000 + i,
                jht=i % 2 == 0,
            )  # fmt: skip
    business("3000000000001", "CV Belum Daftar Satu", OWN_VILLAGE, workers=8)
    business("3000000000002", "CV Belum Daftar Dua", FOREIGN_VILLAGE, workers=12)
    services.run_checks(actor=SYSTEM, as_of=AS_OF)
    scores = list(RiskScore.objects.filter(current=True).order_by("id"))
    old = dt.date.today() - dt.timedelta(days=60)
    for i, score in enumerate(scores[:4]):
        case = services.open_case(
            actor=SYSTEM, employer=score.employer,
            business=None if score.employer_id else score.business,
            on=old if i % 2 else dt.date.today(), assignee=inspector if i < 2 else None,
        )  # fmt: skip
        if i == 3:
            services.move_case(actor=SYSTEM, case=case, to=Step.REMINDER, on=old)
    return {"admin": make_user("admin"), "inspector": inspector}


def page_ids(client: Any, name: str, params: dict[str, str]) -> list[int]:
    response = client.get(reverse(f"compliance:{name}"), params)
    assert response.status_code == 200
    assert not response.context["filter"].errors, response.context["filter"].errors
    return sorted(row.pk for row in response.context["page"])


def api_ids(client: Any, name: str, params: dict[str, str]) -> list[int]:
    response = client.get(reverse(f"compliance_api:{name}"), {**params, "page_size": 1000})
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["results"])


def same_rows(client: Any, page: str, api: str, cases: list[dict[str, str]]) -> None:
    seen = set()
    for params in cases:
        ids = page_ids(client, page, params)
        assert ids == api_ids(client, api, params), params
        seen.add(tuple(ids))
    assert len(seen) > 1, "the parameters should select different rows"


@pytest.mark.parametrize("role", ["admin", "inspector"])
def test_worklist_and_risks_api_return_the_same_rows(client, world, role):
    client.force_login(world[role])
    same_rows(
        client, "worklist", "risk-list",
        [{}, {"region": "18.71"}, {"region": "18.72"}, {"check": "unregistered"},
         {"check": "pds_programme", "region": "18.71.01"}],
    )  # fmt: skip


def test_findings_page_and_api_return_the_same_rows(client, world):
    client.force_login(world["admin"])
    same_rows(
        client, "findings", "finding-list",
        [{}, {"check": "unregistered"}, {"check": "pds_programme"}, {"check": "arrears"}],
    )  # fmt: skip


def test_businesses_page_and_api_return_the_same_rows(client, world):
    client.force_login(world["admin"])
    same_rows(client, "businesses", "business-list", [{}, {"region": "18.71"}, {"region": "18.72"}])


def test_cases_page_and_api_return_the_same_rows(client, world):
    client.force_login(world["inspector"])
    same_rows(
        client, "cases", "case-list",
        [{"step": ""}, {"step": "open"}, {"step": "reminder"}, {"mine": "1"},
         {"overdue": "1"}, {"step": "identified", "mine": "1"}],
    )  # fmt: skip


def test_the_cases_page_shows_open_cases_by_default(client, world):
    client.force_login(world["admin"])
    assert page_ids(client, "cases", {}) == api_ids(client, "case-list", {"step": "open"})


@pytest.mark.parametrize(
    ("page", "api", "params"),
    [
        ("worklist", "risk-list", {"region": "18.7"}),
        ("worklist", "risk-list", {"check": "nope"}),
        ("findings", "finding-list", {"check": "nope"}),
        ("businesses", "business-list", {"region": "x"}),
        ("cases", "case-list", {"step": "nope"}),
        ("cases", "case-list", {"mine": "yes"}),
    ],
)
def test_a_bad_value_is_a_message_on_the_page_and_a_400_in_the_api(client, world, page, api,
                                                                   params):  # fmt: skip
    client.force_login(world["admin"])
    response = client.get(reverse(f"compliance:{page}"), params)
    assert response.status_code == 400
    assert list(response.context["page"]) == []
    body = response.content.decode()
    assert 'id="filter-errors"' in body and "Saringan tidak sah" in body
    assert client.get(reverse(f"compliance_api:{api}"), params).status_code == 400


def test_old_api_paths_redirect_keeping_method_and_query(client, world):
    client.force_login(world["inspector"])
    response = client.get("/kepatuhan/api/risks/?region=18.71&check=unregistered")
    assert response.status_code == 308
    assert response["Location"] == "/api/v1/compliance/risks/?region=18.71&check=unregistered"
    case = Case.objects.filter(step=Step.IDENTIFIED, village_code=OWN_VILLAGE).first()
    moved = client.post(f"/kepatuhan/api/cases/{case.pk}/move/", {"to": "reminder"})
    assert moved.status_code == 308
    assert moved["Location"] == f"/api/v1/compliance/cases/{case.pk}/move/"
    followed = client.post(f"/kepatuhan/api/cases/{case.pk}/move/", {"to": "reminder"}, follow=True)
    assert followed.status_code == 200 and followed.json()["step"] == "reminder"
