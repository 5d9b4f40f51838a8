"""Workers an employer registered and the branch confirmed are in the employer's next bill
(issue 20, done-when (a), at the service level)."""

from __future__ import annotations

import datetime as dt

import pytest

from lindung.contributions.bills.generate import compute_bills
from lindung.registrations import services
from lindung.registrations.models import Channel, Payer
from lindung.registry.models import Segment
from tests.registrations.factories import bpu_draft
from tests.registry.factories import OWN_VILLAGE, EmployerFactory

pytestmark = pytest.mark.engine

MONTH = dt.date(2025, 3, 1)


def test_confirmed_workers_are_in_the_next_bill(region_tree, make_user):
    village = region_tree[OWN_VILLAGE]
    employer_user = make_user("employer")
    firm = EmployerFactory(village=village, owner=employer_user.organisation, risk_class=2)
    requests = [
        services.submit(
            actor=employer_user,
            channel=Channel.EMPLOYER,
            draft=bpu_draft(
                village,
                40 + n,
                segment=Segment.PU,
                employer=firm,
                wage=3_500_000,
                programmes=["JKK", "JKM", "JHT"],
                first_month=MONTH,
            ),
            payer=Payer.EMPLOYER,
        )
        for n in range(3)
    ]
    assert firm.pk not in compute_bills(MONTH)
    branch = make_user("bpjs_branch")
    services.send(actor=branch, requests=requests)
    for n, request in enumerate(requests):
        request.refresh_from_db()
        services.confirm(actor=branch, request=request, kpj=f"KPJ7700{n:04d}")
    bill = compute_bills(MONTH)[firm.pk]
    assert bill["members"] == 3
    assert {programme for programme, _party in bill["lines"]} >= {"JKK", "JKM", "JHT"}
