"""A compliance case shows its employer's registration requests as the employer's answer, and
its effect counts the ones the branch confirmed since the case opened (issue 20, item 2)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from lindung.compliance import selectors, services
from lindung.core.scope import SYSTEM
from lindung.registrations import services as registrations
from lindung.registrations.models import Channel, Payer
from lindung.registry.models import Segment
from tests.compliance.conftest import AS_OF
from tests.compliance.factories import business
from tests.registrations.conftest import rates  # noqa: F401 (autouse: requests are priced)
from tests.registrations.factories import bpu_draft
from tests.registry.factories import OWN_VILLAGE, EmployerFactory, MembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.engine]
D = dt.date


@pytest.fixture
def firm_case(region_tree, wages, make_user):
    employer_user = make_user("employer")
    firm = EmployerFactory(village=region_tree[OWN_VILLAGE], nib="1000000000019",
                           name="PT Menjawab Kasus", size_class="small",
                           owner=employer_user.organisation)  # fmt: skip
    MembershipFactory(employer=firm, work_region=region_tree[OWN_VILLAGE], wage=3_000_000,
                      start_date=D(2024, 1, 1))  # fmt: skip
    business("1000000000019", "PT Menjawab Kasus", OWN_VILLAGE, workers=6)
    services.run_checks(actor=SYSTEM, as_of=AS_OF)
    case = services.open_case(actor=SYSTEM, employer=firm, on=D(2025, 7, 1))
    requests = [
        registrations.submit(
            actor=employer_user, channel=Channel.EMPLOYER, payer=Payer.EMPLOYER,
            draft=bpu_draft(region_tree[OWN_VILLAGE], 70 + n, segment=Segment.PU, employer=firm,
                            wage=3_500_000, programmes=["JKK", "JKM", "JHT"],
                            first_month=D(2025, 8, 1), name=f"Pekerja Rahasia {n}"),
        )
        for n in range(3)
    ]  # fmt: skip
    return case, requests


def test_the_case_counts_open_confirmed_and_rejected_requests(firm_case, make_user):
    case, (confirmed, rejected, still_open) = firm_case
    branch = make_user("bpjs_branch")
    registrations.send(actor=branch, requests=[confirmed, rejected])
    for request in (confirmed, rejected):
        request.refresh_from_db()
    registrations.confirm(actor=branch, request=confirmed, kpj="KPJ88000001")
    registrations.reject(actor=branch, request=rejected, reason="NIK ganda")

    response = selectors.employer_response(make_user("regency_officer"), case)
    assert (response.open_count, response.confirmed_since_opened,
            response.rejected_since_opened) == (1, 1, 1)  # fmt: skip
    assert [r.reference for r in response.open_rows] == [still_open.reference]
    effect = selectors.effect(case, today=D(2025, 9, 1))
    assert effect.workers_added == 1  # the confirmed worker is an active member now


def test_the_case_page_lists_references_never_names(firm_case, client, make_user):
    case, requests = firm_case
    client.force_login(make_user("regency_officer"))
    page = client.get(reverse("compliance:case", args=[case.pk])).content.decode()
    assert all(r.reference in page for r in requests)
    assert "Pekerja Rahasia" not in page and requests[0].nik not in page


def test_an_officer_of_another_regency_counts_nothing(firm_case, make_user):
    case, _requests = firm_case
    stranger = make_user("regency_officer", scope=["18.72"])
    assert selectors.employer_response(stranger, case).open_count == 0
