"""Late fines on overdue PU bills (domain.md §2.9) and the bill pages/API that show them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from lindung.contributions.arrears import record_payment
from lindung.contributions.fines import late_fine, months_late
from lindung.contributions.models import Bill, BillLine
from tests.registry.factories import OWN_VILLAGE, EmployerFactory

pytestmark = pytest.mark.engine

D = dt.date


@pytest.mark.parametrize(
    ("as_of", "months"),
    [
        (D(2025, 2, 14), 0),
        (D(2025, 2, 15), 0),  # the due date itself is on time
        (D(2025, 2, 16), 1),  # one day late is a month of delay
        (D(2025, 3, 15), 1),
        (D(2025, 3, 16), 2),
        (D(2026, 2, 15), 12),
        (D(2026, 2, 16), 13),
    ],
)
def test_every_month_or_part_of_a_month_counts(as_of, months):
    assert months_late(D(2025, 2, 15), as_of) == months


def make_bill(region_tree, month: dt.date, due: dt.date, lines: dict[str, int]) -> Bill:
    employer = EmployerFactory(village=region_tree[OWN_VILLAGE])
    bill = Bill(
        employer=employer,
        month=month,
        due_date=due,
        total=sum(lines.values()),
        members=2,
        generated_at=timezone.now(),
    )
    bill.assign_region_codes(OWN_VILLAGE)
    bill.save()
    for programme, amount in lines.items():
        BillLine.objects.create(bill=bill, programme=programme, party="employer", amount=amount)
    return bill


LINES = {"JHT": 1_000_000, "JKK": 100_000, "JP": 300_000, "JKP": 50_000}


def test_fine_per_programme_on_the_unpaid_amount(region_tree, rates):
    bill = make_bill(region_tree, D(2025, 1, 1), D(2025, 2, 15), LINES)
    fine = late_fine(bill, D(2025, 3, 20))  # two months late
    assert fine.months == 2 and fine.unpaid == 1_450_000
    by_programme = {line.programme: line for line in fine.lines}
    # 2 % a month for JKK/JKM/JHT, 0.5 % for JP (flagged: not confirmed), nothing for JKP.
    assert {p: line.amount for p, line in by_programme.items()} == {
        "JHT": 40_000,
        "JKK": 4_000,
        "JP": 3_000,
    }
    assert by_programme["JP"].unconfirmed and not by_programme["JHT"].unconfirmed
    assert by_programme["JHT"].percent_per_month == Decimal("2")
    assert fine.total == 47_000 and fine.unconfirmed

    # Half paid before the day: the fine runs on the half still unpaid.
    record_payment(bill=bill, paid_on=D(2025, 3, 1), amount=725_000)
    half = late_fine(bill, D(2025, 3, 20))
    assert {line.programme: line.amount for line in half.lines} == {
        "JHT": 20_000,
        "JKK": 2_000,
        "JP": 1_500,
    }
    # A payment after the day does not change that day's fine; paid in full, no fine after.
    record_payment(bill=bill, paid_on=D(2025, 4, 2), amount=725_000)
    assert late_fine(bill, D(2025, 3, 20)).total == 23_500
    assert late_fine(bill, D(2025, 6, 1)).lines == []
    assert late_fine(bill, D(2025, 2, 15)).total == 0  # not yet late


def test_rate_in_force_on_the_due_date(region_tree, rates):
    # PP 49/2020 lowered the fine to 0.5 % for due dates from August 2020 to January 2021.
    bill = make_bill(region_tree, D(2020, 9, 1), D(2020, 10, 30), {"JHT": 1_000_000})
    fine = late_fine(bill, D(2020, 11, 5))
    assert [(line.rule_id, line.amount) for line in fine.lines] == [("PU-FINE-PP49", 5_000)]


def test_bill_page_and_api_show_the_fine_to_its_readers(client, region_tree, rates, make_user):
    bill = make_bill(region_tree, D(2025, 1, 1), D(2025, 2, 15), {"JHT": 1_000_000})
    expected = late_fine(bill, timezone.localdate()).total
    assert expected > 0  # years after the due date

    client.force_login(make_user("regency_officer"))
    page = client.get(reverse("bills:detail", kwargs={"pk": bill.pk}))
    assert f'id="fine-total">{expected:,}<'.replace(",", ".") in page.content.decode()
    listing = client.get(reverse("bills:list"), {"month": "2025-01"})
    assert bill.employer.name in listing.content.decode()
    data = client.get(reverse("api:bill-detail", kwargs={"pk": bill.pk})).json()
    assert data["fine"]["total"] == expected and data["lines"][0]["amount"] == 1_000_000

    client.force_login(make_user("sponsor"))
    assert client.get(reverse("bills:detail", kwargs={"pk": bill.pk})).status_code == 403
