"""The bills page and the bills API share ``BillFilter``: the same parameters give the same rows,
and a bad value is a message on the page and a 400 from the API, never a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from lindung.contributions.models import Bill, BillStatus
from tests.registry.factories import FOREIGN_VILLAGE, OWN_VILLAGE, EmployerFactory

JAN, FEB = dt.date(2025, 1, 1), dt.date(2025, 2, 1)


def bill(region_tree, village: str, month: dt.date, status: str, name: str) -> Bill:
    employer = EmployerFactory(village=region_tree[village], name=name)
    row = Bill(
        employer=employer,
        month=month,
        due_date=month + dt.timedelta(days=45),
        total=1_000,
        members=1,
        status=status,
        generated_at=timezone.now(),
    )
    row.assign_region_codes(village)
    row.save()
    return row


@pytest.fixture
def bills(region_tree):
    rows = [
        bill(region_tree, village, month, status, f"PT {village[-4:]} {month:%m} {status}")
        for village in (OWN_VILLAGE, FOREIGN_VILLAGE)
        for month in (JAN, FEB)
        for status in (BillStatus.OPEN, BillStatus.PAID)
    ]
    return rows


def page_ids(client, params: dict) -> set[int]:
    response = client.get(reverse("bills:list"), params)
    assert response.status_code == 200
    return {row.pk for row in response.context["page"]}


def api_ids(client, params: dict) -> set[int]:
    response = client.get(reverse("api:bill-list"), params)
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    "params",
    [
        {"month": "2025-01"},
        {"month": "2025-02", "status": "paid"},
        {"month": "2025-01", "region": "18.72"},
        {"month": "2025-02", "q": "PT 1003"},
        {"month": "2025-01", "q": "pt 1001 01 OPEN"},
    ],
)
def test_page_and_api_return_the_same_bills(client, bills, make_user, params):
    client.force_login(make_user("admin"))
    expected = api_ids(client, params)
    assert expected  # each case selects something
    assert page_ids(client, params) == expected


def test_search_by_npp(client, bills, make_user):
    client.force_login(make_user("admin"))
    target = bills[0]
    params = {"month": "2025-01", "q": target.employer.npp}
    assert page_ids(client, params) == api_ids(client, params) == {target.pk}


@pytest.mark.parametrize(
    "params",
    [{"month": "2025-13"}, {"status": "unknown"}, {"region": "18.7x"}, {"q": "x" * 101}],
)
def test_bad_values_are_a_message_and_a_400(client, bills, make_user, params):
    client.force_login(make_user("admin"))
    page = client.get(reverse("bills:list"), params)
    assert page.status_code == 400 and 'id="filter-errors"' in page.content.decode()
    assert list(page.context["page"]) == []
    assert client.get(reverse("api:bill-list"), params).status_code == 400
