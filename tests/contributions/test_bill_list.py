"""The bills list: search by NPP or employer name (one FilterSet for page and API), totals of the
filtered set equal a recount, words instead of codes, an empty state."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from lindung.contributions import selectors
from lindung.contributions.models import Bill, BillStatus, Payment
from lindung.core.roles import Role
from tests.registry.factories import FOREIGN_VILLAGE, OWN_VILLAGE, EmployerFactory

MONTH = dt.date(2025, 9, 1)


def make_bill(employer, total: int, *, month: dt.date = MONTH, paid: list[int] = ()) -> Bill:
    bill = Bill(employer=employer, month=month, due_date=month.replace(day=15), total=total,
                members=3, generated_at=timezone.now())  # fmt: skip
    bill.assign_region_codes(employer.village_id)
    bill.save()
    for amount in paid:
        Payment.objects.create(bill=bill, paid_on=month, amount=amount)
    return bill


@pytest.fixture
def bills(region_tree):
    own, foreign = region_tree[OWN_VILLAGE], region_tree[FOREIGN_VILLAGE]
    kopi = EmployerFactory(npp="NPP7700001", name="PT Kopi Tanjung Karang", village=own)
    lada = EmployerFactory(npp="NPP7700002", name="CV Lada Hitam", village=own)
    sawit = EmployerFactory(npp="NPP8800001", name="PT Sawit Kopi Raya", village=own)
    far = EmployerFactory(npp="NPP7700003", name="PT Kopi Metro", village=foreign)
    return {
        "kopi": make_bill(kopi, 1_234_567, paid=[1_000_000]),
        "lada": make_bill(lada, 500_000, paid=[500_000, 20_000]),  # overpaid by 20.000
        "sawit": make_bill(sawit, 2_000_000),
        "older": make_bill(kopi, 999_999, month=dt.date(2025, 8, 1)),
        "far": make_bill(far, 7_000_000),
    }


def _text(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</', html, re.S)
    assert match, element_id
    return match.group(1).strip()


def _rupiah(n: int) -> str:
    return "Rp " + f"{n:,}".replace(",", ".")


def recount(bills: list[Bill]) -> dict[str, int]:
    """The totals recomputed bill by bill in Python."""
    due = paid = outstanding = 0
    for bill in bills:
        payments = sum(p.amount for p in bill.payments.all())
        due += bill.total
        paid += payments
        outstanding += max(bill.total - payments, 0)
    return {"count": len(bills), "due": due, "paid": paid, "outstanding": outstanding}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("NPP77", {"kopi", "lada"}),  # NPP prefix; the other regency's NPP7700003 is not seen
        ("npp8800001", {"sawit"}),  # whole NPP, any case
        ("kopi", {"kopi", "sawit"}),  # part of the employer's name
        ("", {"kopi", "lada", "sawit"}),
    ],
)
def test_search_by_npp_or_name_and_totals_equal_a_recount(client, make_user, bills, q, expected):
    user = make_user(Role.REGENCY_OFFICER)
    client.force_login(user)
    params = {"month": "2025-09", "q": q}
    response = client.get(reverse("bills:list"), params)
    assert response.status_code == 200
    html = response.content.decode()
    shown = {n for n, bill in bills.items() if n != "older" and bill.employer.npp in html}
    assert shown == expected
    # The API applies the same FilterSet: the same rows.
    api = client.get("/api/v1/bills/", params).json()["results"]
    assert {row["npp"] for row in api} == {bills[n].employer.npp for n in expected}
    # Totals of the filtered set (all pages), Rupiah as "Rp 1.234.567".
    want = recount([bills[n] for n in expected])
    assert _text(html, "total-count") == str(want["count"])
    assert _text(html, "total-due") == _rupiah(want["due"])
    assert _text(html, "total-paid") == _rupiah(want["paid"])
    assert _text(html, "total-outstanding") == _rupiah(want["outstanding"])
    totals = selectors.bill_totals(user, selectors.bills_filtered(user, params).qs, MONTH)
    assert totals.__dict__ == want


def test_totals_follow_status_and_scope(client, make_user, bills):
    user = make_user(Role.PROVINCE_OFFICER)
    filterset = selectors.bills_filtered(user, {"month": "2025-09", "status": BillStatus.OPEN})
    totals = selectors.bill_totals(user, filterset.qs, MONTH)
    assert totals.count == 4 and totals.due == 1_234_567 + 500_000 + 2_000_000 + 7_000_000
    regency = make_user(Role.REGENCY_OFFICER)
    # A queryset built for the province is narrowed again to the acting user's scope.
    assert selectors.bill_totals(regency, filterset.qs, MONTH).count == 3


def test_no_match_is_said_in_words(client, make_user, bills):
    client.force_login(make_user(Role.REGENCY_OFFICER))
    html = client.get(reverse("bills:list"), {"month": "2025-09", "q": "Tidak Ada"}).content
    html = html.decode()
    assert 'id="no-bills"' in html and _text(html, "total-count") == "0"
