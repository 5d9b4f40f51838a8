"""The employer portal: only an employer user, for its own firms; the firm's active workers
(masked, paginated), its requests with status, warnings and monthly contribution; one worker
registered by form (refusals shown with the values kept, warnings on the created request); wage
changes and exits reported and audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from lindung.core.models import AuditLog
from lindung.regions.models import MinimumWage
from lindung.registrations import changes, rules, services
from lindung.registrations.models import (
    ChangeKind,
    ChangeStatus,
    Channel,
    Payer,
    Registration,
    Status,
    WorkerChange,
)
from lindung.registry.masking import mask_name
from lindung.registry.models import Segment
from tests.registrations.factories import FIRST_MONTH, bpu_draft
from tests.registry.factories import (
    OWN_VILLAGE,
    EmployerFactory,
    MembershipFactory,
    PersonFactory,
    nik_for,
)

PORTAL = reverse("registrations:employer")


@pytest.fixture
def village(region_tree):
    return region_tree[OWN_VILLAGE]


@pytest.fixture
def boss(make_user):
    return make_user("employer")


@pytest.fixture
def firm(boss, village):
    return EmployerFactory(
        npp="NPP0000100", name="PT Kopi Kedaton", village=village, owner=boss.organisation
    )


@pytest.fixture
def other_firm(village, make_user):
    return EmployerFactory(
        npp="NPP0000200",
        name="PT Tetangga Lain",
        village=village,
        owner=make_user("employer").organisation,
    )


@pytest.fixture
def umk(region_tree):
    """UMK 2025 of Kota Bandar Lampung: Rp 3,000,000."""
    wage = MinimumWage(
        region=region_tree["18.71"],
        kind="UMK",
        year=2025,
        amount=3_000_000,
        effective_from=dt.date(2025, 1, 1),
        source="test",
    )
    wage.assign_region_codes("18.71")
    wage.save()
    return wage


@pytest.fixture
def portal(client, boss):
    client.force_login(boss)
    return client


def worker(firm, village, n: int, **overrides):
    """An active PU worker of ``firm`` since 2024."""
    person = PersonFactory(nik=nik_for(OWN_VILLAGE, n), name=f"Buruh Kopi {n}", domicile=village)
    values = {
        "person": person,
        "employer": firm,
        "kpj": f"KPJ7{n:07d}",
        "work_region": village,
        "start_date": dt.date(2024, 1, 1),
        "wage": 3_250_000,
    }
    values.update(overrides)
    return MembershipFactory(**values)


def form_data(n: int, **overrides) -> dict:
    data = {
        "nik": nik_for(OWN_VILLAGE, n, dt.date(1992, 4, 9)),
        "name": f"Calon Pekerja {n}",
        "sex": "M",
        "birth_date": "1992-04-09",
        "village": OWN_VILLAGE,
        "occupation": "Barista",
        "wage": "3.500.000",
        "programmes": ["JKK", "JKM", "JHT"],
        "first_month": "2025-03",
    }
    data.update(overrides)
    return data


# --- Who may use it -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", ["admin", "province_officer", "regency_officer", "village_operator", "bpjs_branch"]
)
def test_other_roles_are_refused_even_with_the_capability(client, make_user, firm, role):
    client.force_login(make_user(role))
    assert client.get(PORTAL).status_code == 403
    url = reverse("registrations:employer-register", args=[firm.npp])
    assert client.post(url, form_data(1)).status_code == 403
    assert not Registration.objects.exists()


def test_another_employers_firm_and_workers_are_not_found(portal, firm, other_firm, village):
    theirs = worker(other_firm, village, 1)
    mine = worker(firm, village, 2)
    assert portal.get(PORTAL, {"npp": other_firm.npp}).status_code == 404
    for name in ("registrations:employer-register", "registrations:employer-upload"):
        assert portal.get(reverse(name, args=[other_firm.npp])).status_code == 404
    # Another firm's worker, whether through that firm or through one's own.
    for npp in (other_firm.npp, firm.npp):
        url = reverse("registrations:employer-wage", args=[npp, theirs.pk])
        assert (
            portal.post(url, {"new_wage": "4000000", "effective_month": "2026-01"}).status_code
            == 404
        )
    assert (
        portal.get(reverse("registrations:employer-exit", args=[firm.npp, mine.pk])).status_code
        == 200
    )
    response = portal.post(
        reverse("registrations:employer-register", args=[other_firm.npp]), form_data(3)
    )
    assert response.status_code == 404
    assert not Registration.objects.exists() and not WorkerChange.objects.exists()


def test_a_user_without_a_firm_sees_an_empty_state(client, make_user):
    client.force_login(make_user("employer"))
    response = client.get(PORTAL)
    assert response.status_code == 200 and b'id="no-firms"' in response.content


# --- The firm's page ----------------------------------------------------------------------------


def test_portal_shows_masked_active_workers_and_priced_requests(portal, boss, firm, village):
    active = worker(firm, village, 11)
    worker(firm, village, 12, start_date=dt.date(2020, 1, 1), end_date=dt.date(2023, 1, 1))
    request = services.submit(
        actor=boss,
        channel=Channel.EMPLOYER,
        draft=bpu_draft(
            village, 13, segment=Segment.PU, employer=firm, wage=3_500_000,
            programmes=["JKK", "JKM", "JHT"], name="Calon Terdaftar",
        ),
        payer=Payer.EMPLOYER,
    )  # fmt: skip
    body = portal.get(PORTAL).content.decode()
    assert 'id="worker-count">1<' in body
    assert mask_name("Buruh Kopi 11") in body and "Buruh Kopi 11" not in body
    assert active.person.nik not in body and "Buruh Kopi 12" not in body
    assert f'data-membership="{active.pk}"' in body
    assert request.nik not in body and "Calon Terdaftar" not in body
    assert f'data-reference="{request.reference}"' in body
    # The monthly contribution, Indonesian style, and the status in words.
    assert request.monthly_contribution > 0
    amount = f"{request.monthly_contribution:,}".replace(",", ".")
    assert f"Rp {amount}" in body
    assert str(Status(request.status).label) in body or request.get_status_display() in body


def test_empty_states_in_words(portal, firm):
    body = portal.get(PORTAL).content.decode()
    for marker in ("no-workers", "no-requests", "no-changes", "no-files"):
        assert f'id="{marker}"' in body


def test_workers_are_paginated(portal, firm, village):
    for n in range(55):
        worker(firm, village, 100 + n)
    first = portal.get(PORTAL).content.decode()
    assert first.count("data-membership=") == 50 and "workers-pager-next" in first
    last_pk = max(int(p.split('"')[1]) for p in first.split("data-membership=")[1:])
    second = portal.get(PORTAL, {"npp": firm.npp, "after": last_pk}).content.decode()
    assert second.count("data-membership=") == 5


# --- One worker by form -------------------------------------------------------------------------


def test_register_one_worker(portal, boss, firm, umk):
    url = reverse("registrations:employer-register", args=[firm.npp])
    form = portal.get(url).content.decode()
    assert 'value="JHT" id="id_programmes_2" checked' in form
    assert 'value="JP" id="id_programmes_3" checked' not in form  # a small firm
    response = portal.post(url, form_data(21))
    assert response.status_code == 302
    request = Registration.objects.get()
    assert (request.channel, request.employer, request.payer) == (
        Channel.EMPLOYER, firm, Payer.EMPLOYER,
    )  # fmt: skip
    assert (request.requested_by, request.status, request.warnings) == (boss, Status.CHECKED, [])
    assert (request.wage, request.programmes, request.first_month) == (
        3_500_000, "JKK JKM JHT", FIRST_MONTH,
    )  # fmt: skip
    assert request.monthly_contribution == rules.price(
        rules.Draft(
            segment="PU", nik=request.nik, name="", birth_date=request.birth_date, sex="M",
            village=request.village, occupation="", wage=3_500_000,
            programmes=["JKK", "JKM", "JHT"], first_month=FIRST_MONTH, employer=firm,
        )
    )  # fmt: skip
    assert AuditLog.objects.filter(action="registrations.submit").count() == 1
    page = portal.get(response.url).content.decode()
    assert request.reference in page


def test_a_medium_firm_defaults_to_jp(portal, firm):
    firm.size_class = "medium"
    firm.save()
    form = portal.get(reverse("registrations:employer-register", args=[firm.npp])).content
    assert b'value="JP" id="id_programmes_3" checked' in form


@pytest.mark.parametrize("case", ["active", "open", "bad-nik", "bad-wage"])
def test_refusals_are_shown_with_the_values_kept(portal, firm, village, case):
    data = form_data(31)
    if case == "active":
        person = PersonFactory(nik=data["nik"], domicile=village)
        MembershipFactory(person=person, employer=None, work_region=village)
    elif case == "open":
        assert portal.post(
            reverse("registrations:employer-register", args=[firm.npp]), data
        ).status_code == 302  # fmt: skip
    elif case == "bad-nik":
        data["nik"] = "1871010000000000"
    elif case == "bad-wage":
        data["wage"] = "tiga juta"
    before = Registration.objects.count()
    response = portal.post(reverse("registrations:employer-register", args=[firm.npp]), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert f'value="{data["name"]}"' in body and f'value="{data["wage"]}"' in body
    if case in ("active", "open"):
        assert 'class="alert alert-danger"' in body
        assert ("aktif" if case == "active" else "sedang diproses") in body
    else:
        assert "field-error" in body
    assert Registration.objects.count() == before


def test_warnings_go_with_the_created_request(portal, firm, umk):
    firm.size_class = "medium"
    firm.save()
    data = form_data(41, wage="2.500.000", programmes=["JKK", "JKM"])
    response = portal.post(reverse("registrations:employer-register", args=[firm.npp]), data)
    request = Registration.objects.get()
    assert request.status == Status.SUBMITTED  # waits for an officer's check
    assert any("UMK" in w for w in request.warnings)
    assert any("JHT" in w and "JP" in w for w in request.warnings)
    page = portal.get(response.url).content.decode()
    assert page.count("⚠") >= 2 and "request-warnings" in page


# --- Wage changes and exits ---------------------------------------------------------------------


def test_wage_change_and_exit_are_recorded_and_audited(portal, boss, firm, village):
    membership = worker(firm, village, 51)
    wage_url = reverse("registrations:employer-wage", args=[firm.npp, membership.pk])
    response = portal.post(wage_url, {"new_wage": "3.900.000", "effective_month": "2026-01"})
    assert response.status_code == 302
    change = WorkerChange.objects.get(kind=ChangeKind.WAGE)
    assert (change.employer, change.membership, change.status) == (
        firm, membership, ChangeStatus.SUBMITTED,
    )  # fmt: skip
    assert (change.previous_wage, change.new_wage, change.effective_month) == (
        3_250_000, 3_900_000, dt.date(2026, 1, 1),
    )  # fmt: skip
    assert (change.requested_by, change.village_code) == (boss, OWN_VILLAGE)
    (audit,) = AuditLog.objects.filter(action="registrations.change.wage")
    assert audit.after["kpj"] != membership.kpj and membership.person.nik not in str(audit.after)
    assert audit.object_id == str(change.pk) and audit.region_code == OWN_VILLAGE
    # A second wage change while the first is open is refused, with a message.
    again = portal.post(wage_url, {"new_wage": "4.000.000", "effective_month": "2026-02"})
    assert again.status_code == 400 and b"alert-danger" in again.content
    exit_url = reverse("registrations:employer-exit", args=[firm.npp, membership.pk])
    response = portal.post(exit_url, {"exit_date": "2026-06-30", "reason": "kontrak berakhir"})
    assert response.status_code == 302
    exit_change = WorkerChange.objects.get(kind=ChangeKind.EXIT)
    assert (exit_change.exit_date, exit_change.reason) == (dt.date(2026, 6, 30), "kontrak berakhir")
    assert AuditLog.objects.filter(action="registrations.change.exit").count() == 1
    page = portal.get(PORTAL).content.decode()
    assert 'data-kind="wage"' in page and 'data-kind="exit"' in page
    assert "report-wage" not in page and "report-exit" not in page  # both pending


@pytest.mark.parametrize(
    ("kind", "data", "error"),
    [
        ("wage", {"new_wage": "3.250.000", "effective_month": "2026-01"}, "sama"),
        ("wage", {"new_wage": "0", "effective_month": "2026-01"}, "field-error"),
        ("wage", {"new_wage": "3.900.000", "effective_month": "2019-01"}, "awal kepesertaan"),
        ("exit", {"exit_date": "2023-12-31", "reason": "pensiun"}, "awal kepesertaan"),
        ("exit", {"exit_date": "2026-06-30", "reason": "bosan"}, "field-error"),
    ],
)
def test_changes_that_cannot_be(portal, firm, village, kind, data, error):
    membership = worker(firm, village, 61)
    url = reverse(f"registrations:employer-{kind}", args=[firm.npp, membership.pk])
    response = portal.post(url, data)
    assert response.status_code == 400 and error in response.content.decode()
    assert not WorkerChange.objects.exists()
    assert not AuditLog.objects.filter(action__startswith="registrations.").exists()


def test_only_active_workers_of_the_own_firm_change(boss, firm, other_firm, village, make_user):
    ended = worker(firm, village, 71, start_date=dt.date(2020, 1, 1), end_date=dt.date(2023, 1, 1))
    with pytest.raises(changes.ChangeError):
        changes.report_change(
            actor=boss, membership=ended, kind="exit", exit_date=dt.date(2024, 1, 1), reason="x"
        )
    theirs = worker(other_firm, village, 72)
    for actor in (boss, make_user("village_operator"), make_user("auditor")):
        with pytest.raises(PermissionDenied):
            changes.report_change(
                actor=actor, membership=theirs, kind="wage", new_wage=4_000_000,
                effective_month=dt.date(2026, 1, 1),
            )  # fmt: skip
    assert not WorkerChange.objects.exists()
