"""Registry pages, API and exports: masking by default, audited reveal and exports, search,
workers by segment, keyset pagination and query counts. Role × route statuses are in the matrix."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from lindung.core.models import AuditLog
from lindung.registry import selectors
from lindung.registry.masking import (
    age_band,
    mask_kpj,
    mask_name,
    mask_nik,
    mask_phone,
    wage_band,
)
from lindung.registry.models import Segment
from tests.registry.factories import (
    FOREIGN_VILLAGE,
    OWN_VILLAGE,
    EmployerFactory,
    MembershipFactory,
    PersonFactory,
    nik_for,
)

NIK = nik_for(OWN_VILLAGE, 3)  # 1871010101900003
NAME = "Siti Aminah"
PHONE = "081234567890"
KPJ = "KPJ10000001"
REASON = "Verifikasi pengaduan peserta"


@pytest.fixture
def world(region_tree, make_user):
    employer = EmployerFactory(npp="AA0000001", name="PT Sinar Bahari", kbli="10790")
    person = PersonFactory(nik=NIK, name=NAME, phone=PHONE, birth_date=dt.date(1990, 1, 1))
    membership = MembershipFactory(person=person, employer=employer, kpj=KPJ, wage=3_250_000)
    foreign_person = PersonFactory(
        nik=nik_for(FOREIGN_VILLAGE, 7), name="Bambang Asing", domicile=region_tree[FOREIGN_VILLAGE]
    )
    foreign_employer = EmployerFactory(
        npp="ZZ0000002", name="PT Metro Asing", village=region_tree[FOREIGN_VILLAGE]
    )
    return {
        "regions": region_tree,
        "employer": employer,
        "person": person,
        "membership": membership,
        "foreign_person": foreign_person,
        "foreign_employer": foreign_employer,
        "regency": make_user("regency_officer"),
        "auditor": make_user("auditor"),
    }


def body_of(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8-sig")


def xlsx_rows(response) -> list[tuple]:
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [row for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body_of(response))))


# --- masks ----------------------------------------------------------------------------------------


def test_masks_hide_all_but_a_little():
    assert mask_nik("1871010101900003") == "18**************"
    assert mask_name("Siti  Aminah binti Ali") == "S*** A*** b*** A***"
    assert mask_phone(PHONE) == "0812******90"
    assert mask_phone("12345") == "*****"
    assert mask_kpj(KPJ) == "********001"
    assert mask_name("") == mask_phone("") == mask_kpj("") == ""
    with translation.override("en"):
        assert wage_band(3_250_000) == "3–4 million"
        assert wage_band(999_999) == "0–1 million"
    with translation.override("id"):
        assert wage_band(2_000_000) == "2–3 juta"


# --- masked by default everywhere -----------------------------------------------------------------

MASKED_VIEWS = {
    "person-list": lambda c, w: c.get(reverse("registry:person-list")),
    "person-search-name": lambda c, w: c.post(reverse("registry:person-list"), {"q": "amin"}),
    "person-search-nik": lambda c, w: c.post(reverse("registry:person-list"), {"q": NIK}),
    "person-detail": lambda c, w: c.get(reverse("registry:person-detail", args=[w["person"].pk])),
    "employer-detail": lambda c, w: c.get(reverse("registry:employer-detail", args=["AA0000001"])),
    "membership-list": lambda c, w: c.get(reverse("registry:membership-list")),
    "api-person-list": lambda c, w: c.get(reverse("api:person-list")),
    "api-person-nik": lambda c, w: c.post(
        reverse("api:person-search"), {"nik": NIK}, content_type="application/json"
    ),
    "api-person-search-name": lambda c, w: c.post(
        reverse("api:person-search"), {"q": "amin"}, content_type="application/json"
    ),
    "api-person-detail": lambda c, w: c.get(reverse("api:person-detail", args=[w["person"].pk])),
    "api-membership-list": lambda c, w: c.get(reverse("api:membership-list")),
    "api-membership-detail": lambda c, w: c.get(
        reverse("api:membership-detail", args=[w["membership"].pk])
    ),
    "export-persons-csv": lambda c, w: c.post(
        reverse("registry:person-export", args=["csv"]), {"reason": REASON}
    ),
    "export-memberships-csv": lambda c, w: c.post(
        reverse("registry:membership-export", args=["csv"]), {"reason": REASON}
    ),
}


@pytest.mark.parametrize("view", MASKED_VIEWS, ids=str)
def test_personal_data_is_masked_by_default(client, world, view):
    client.force_login(world["regency"])
    response = MASKED_VIEWS[view](client, world)
    assert response.status_code == 200
    body = body_of(response)
    assert mask_nik(NIK) in body
    for secret in (NIK, NAME, "Aminah", PHONE, "1990-01-01", KPJ, "3250000", "3.250.000"):
        assert secret not in body, (view, secret)


@pytest.mark.parametrize("kind", ["persons", "memberships"])
def test_xlsx_exports_are_masked(client, world, kind):
    client.force_login(world["regency"])
    response = client.post(
        reverse(f"registry:{kind[:-1]}-export", args=["xlsx"]), {"reason": REASON}
    )
    assert response.status_code == 200
    cells = [str(c) for row in xlsx_rows(response) for c in row if c is not None]
    assert mask_nik(NIK) in cells
    assert not {NIK, NAME, PHONE, KPJ, "3250000"} & set(cells)


# --- reveal ---------------------------------------------------------------------------------------


def reveals() -> int:
    return AuditLog.objects.filter(action="registry.person.reveal").count()


@pytest.mark.parametrize("reason", ["", "   "])
def test_reveal_needs_a_reason(client, world, reason):
    client.force_login(world["regency"])
    url = reverse("registry:person-detail", args=[world["person"].pk])
    response = client.post(url, {"reason": reason})
    assert response.status_code == 400
    assert NIK not in body_of(response) and reveals() == 0


def test_reveal_shows_this_record_once_and_is_audited(client, world, caplog):
    client.force_login(world["regency"])
    url = reverse("registry:person-detail", args=[world["person"].pk])
    with caplog.at_level(logging.DEBUG):
        response = client.post(url, {"reason": REASON})
    body = body_of(response)
    assert response.status_code == 200
    for secret in (NIK, NAME, PHONE, "1990-01-01", KPJ, "3.250.000"):
        assert secret in body, secret
    assert "no-store" in response["Cache-Control"]
    entry = AuditLog.objects.get(action="registry.person.reveal")
    assert entry.actor == world["regency"] and entry.reason == REASON
    assert entry.region_code == OWN_VILLAGE and entry.regency_code == "18.71"
    assert entry.object_type == "registry.person" and entry.object_id == str(world["person"].pk)
    stored = f"{entry.object_repr} {entry.before} {entry.after}"
    assert NIK not in stored and NAME not in stored
    for secret in (NIK, NAME, PHONE):
        assert secret not in caplog.text
    # The next view of the page is masked again.
    assert NIK not in body_of(client.get(url))


def test_reveal_needs_the_capability_and_the_scope(client, world):
    client.force_login(world["auditor"])
    url = reverse("registry:person-detail", args=[world["person"].pk])
    assert client.get(url).status_code == 200  # auditors read masked
    assert client.post(url, {"reason": REASON}).status_code == 403
    client.force_login(world["regency"])
    foreign = reverse("registry:person-detail", args=[world["foreign_person"].pk])
    assert client.post(foreign, {"reason": REASON}).status_code == 404
    assert reveals() == 0


def test_api_reveal(client, world):
    client.force_login(world["regency"])
    url = reverse("api:person-reveal", args=[world["person"].pk])
    assert client.post(url, {"reason": " "}).status_code == 400
    assert reveals() == 0
    data = client.post(url, {"reason": REASON}).json()
    assert data["nik"] == NIK and data["name"] == NAME and data["birth_date"] == "1990-01-01"
    assert data["masked"] is False and data["memberships"][0]["kpj"] == KPJ
    assert data["memberships"][0]["wage"] == 3_250_000
    assert AuditLog.objects.get(action="registry.person.reveal").reason == REASON
    masked = client.get(reverse("api:person-detail", args=[world["person"].pk])).json()
    assert masked["nik"] == mask_nik(NIK) and masked["birth_date"] is None
    assert masked["age_band"] == age_band(dt.date(1990, 1, 1)) and masked["masked"] is True
    client.force_login(world["auditor"])
    assert client.post(url, {"reason": REASON}).status_code == 403


# --- search ---------------------------------------------------------------------------------------


def search(client, **body):
    """The API's person search: a POST, so a NIK never lands in a URL."""
    return client.post(reverse("api:person-search"), body, content_type="application/json")


def test_search_by_nik_finds_one_person_and_is_audited(client, world):
    client.force_login(world["regency"])
    response = client.post(reverse("registry:person-list"), {"q": NIK})
    assert response.context["persons"][0]["id"] == world["person"].pk
    assert len(response.context["persons"]) == 1
    assert NIK not in body_of(response)  # not even echoed into the search box
    lookup = AuditLog.objects.get(action="registry.person.lookup")
    assert lookup.after == {"found": True, "channel": "page"}
    assert lookup.object_repr == mask_nik(NIK) and lookup.region_code == OWN_VILLAGE


def test_search_cannot_find_a_person_outside_the_scope(client, world):
    client.force_login(world["regency"])
    foreign_nik = world["foreign_person"].nik
    response = client.post(reverse("registry:person-list"), {"q": foreign_nik})
    assert response.context["persons"] == []
    lookup = AuditLog.objects.get(action="registry.person.lookup")
    assert lookup.after["found"] is False and lookup.region_code == "18.71"
    data = search(client, nik=foreign_nik).json()
    assert data["results"] == []
    assert client.post(reverse("registry:person-list"), {"q": "Asing"}).context["persons"] == []


def test_search_by_name_substring(client, world):
    PersonFactory(name="Aminudin")
    client.force_login(world["regency"])
    found = client.post(reverse("registry:person-list"), {"q": "AMIN"}).context["persons"]
    assert {p["name"] for p in found} == {mask_name(NAME), "A***"}
    data = client.get(reverse("api:person-list"), {"name": "aminah"}).json()
    assert [p["id"] for p in data["results"]] == [world["person"].pk]
    data = search(client, q=NIK).json()
    assert [p["id"] for p in data["results"]] == [world["person"].pk]
    assert AuditLog.objects.filter(action="registry.person.lookup").count() == 1


@pytest.mark.parametrize("query", ["am", "187101", "18710101019000031"])
def test_search_rejects_short_names_and_partial_niks(client, world, query):
    client.force_login(world["regency"])
    response = client.post(reverse("registry:person-list"), {"q": query})
    assert response.status_code == 400 and response.context["persons"] == []
    assert client.get(reverse("api:person-list"), {"q": query}).status_code == 400
    assert search(client, q=query).status_code == 400
    assert not AuditLog.objects.filter(action="registry.person.lookup").exists()


def test_api_name_and_nik_parameters_are_validated(client, world):
    client.force_login(world["regency"])
    assert client.get(reverse("api:person-list"), {"name": "ab"}).status_code == 400
    assert client.get(reverse("api:person-list"), {"nik": "1871"}).status_code == 400
    assert search(client, nik="1871").status_code == 400
    assert search(client, name="ab").status_code == 400


# --- employers ------------------------------------------------------------------------------------


def test_workers_by_segment_count_distinct_persons(client, world):
    today = timezone.localdate()
    employer = world["employer"]  # already has one PU member since 2020
    both = PersonFactory()
    MembershipFactory(person=both, employer=employer, segment=Segment.PU, start_date=today)
    MembershipFactory(person=both, employer=employer, segment=Segment.BPU)
    ended = today - dt.timedelta(days=30)
    MembershipFactory(employer=employer, start_date=ended, end_date=today)  # ends today: inactive
    MembershipFactory(employer=employer, start_date=today + dt.timedelta(days=1))  # not yet
    MembershipFactory(segment=Segment.JAKON)  # another employer
    counts = selectors.active_workers(world["regency"], employer, today)
    assert counts.by_segment == {"PU": 2, "BPU": 1, "JAKON": 0, "PMI": 0}
    assert counts.total == 2
    client.force_login(world["regency"])
    data = client.get(reverse("api:employer-detail", args=[employer.npp])).json()
    assert data["active_workers"]["total"] == 2
    assert data["active_workers"]["by_segment"]["BPU"] == 1
    page = client.get(reverse("registry:employer-detail", args=[employer.npp]))
    assert page.context["counts"].total == 2
    assert ("PU", 2) in [(v, n) for v, _label, n in page.context["segments"]]


def test_employer_list_filters(client, world):
    EmployerFactory(
        npp="AB0000009",
        name="CV Kopi Tepi",
        kbli="56101",
        size_class="micro",
        risk_class=1,
        status="inactive",
    )
    client.force_login(world["regency"])
    url = reverse("registry:employer-list")

    def npps(**params):
        return [e.npp for e in client.get(url, params).context["employers"]]

    assert npps() == ["AA0000001", "AB0000009"]  # never the foreign one
    assert npps(q="kopi") == npps(q="ab0") == npps(kbli="56") == ["AB0000009"]
    assert npps(size_class="micro") == npps(risk_class="1") == npps(status="inactive")
    assert npps(within="18.71.01") == ["AA0000001", "AB0000009"]
    assert npps(within="18.72") == npps(within="nonsense") == []
    api = client.get(reverse("api:employer-list"), {"kbli": "107"}).json()
    assert [e["npp"] for e in api["results"]] == ["AA0000001"]


def test_employer_staff_see_only_their_own_employer(client, world, make_user):
    user = make_user("employer")
    world["employer"].owner = user.organisation
    world["employer"].save()
    EmployerFactory(npp="AB0000010")
    client.force_login(user)
    assert [e.npp for e in client.get(reverse("registry:employer-list")).context["employers"]] == [
        "AA0000001"
    ]
    detail = client.get(reverse("api:employer-detail", args=["AA0000001"])).json()
    assert detail["active_workers"] is None  # no right to see persons
    assert client.get(reverse("registry:employer-detail", args=["AB0000010"])).status_code == 404
    assert client.get(reverse("api:person-list")).status_code == 403


# --- person detail --------------------------------------------------------------------------------


def test_membership_history_is_ordered_and_scoped_by_work_region(client, world):
    person = world["person"]
    MembershipFactory(person=person, start_date=dt.date(2015, 3, 1), end_date=dt.date(2019, 1, 1))
    MembershipFactory(
        person=person,
        start_date=dt.date(2012, 1, 1),
        end_date=dt.date(2013, 1, 1),
        work_region=world["regions"][FOREIGN_VILLAGE],
    )
    client.force_login(world["regency"])
    rows = client.get(reverse("registry:person-detail", args=[person.pk])).context["memberships"]
    assert [m["start_date"] for m in rows] == [dt.date(2015, 3, 1), dt.date(2020, 1, 1)]
    data = client.get(reverse("api:person-detail", args=[person.pk])).json()
    assert [m["start_date"] for m in data["memberships"]] == ["2015-03-01", "2020-01-01"]


# --- exports --------------------------------------------------------------------------------------


def exports_audited() -> list[AuditLog]:
    return list(AuditLog.objects.filter(action__endswith=".export").order_by("id"))


def test_employer_csv_export_is_scoped_filtered_and_audited(client, world):
    EmployerFactory(npp="AB0000011", kbli="56101")
    client.force_login(world["regency"])
    url = reverse("registry:employer-export", args=["csv"])
    response = client.post(url, {"kbli": "107", "reason": REASON})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0][0] == "NPP" and [r[0] for r in rows[1:]] == ["AA0000001"]
    (entry,) = exports_audited()
    assert entry.action == "registry.employers.export" and entry.reason == REASON
    assert entry.after == {"format": "csv", "filters": {"kbli": "107"}, "rows": 1, "masked": True}
    assert entry.region_code == "18.71"


def test_membership_xlsx_export_parses_back(client, world):
    client.force_login(world["regency"])
    url = reverse("registry:membership-export", args=["xlsx"])
    response = client.post(url, {"segment": "PU", "within": "18.71", "reason": REASON})
    assert response.status_code == 200
    header, *rows = xlsx_rows(response)
    assert header[2] == "NIK" and len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert row["NIK"] == mask_nik(NIK) and row["KPJ"] == mask_kpj(KPJ)
    assert row["Tanggal mulai"] == dt.datetime(2020, 1, 1)
    (entry,) = exports_audited()
    assert entry.after["format"] == "xlsx" and entry.after["rows"] == 1
    assert entry.after["filters"] == {"segment": "PU", "within": "18.71"}


def test_person_export_masks_searched_names_in_the_audit_row(client, world):
    client.force_login(world["regency"])
    url = reverse("registry:person-export", args=["csv"])
    response = client.post(url, {"name": "Aminah", "reason": REASON})
    assert [r[1] for r in csv_rows(response)[1:]] == [mask_nik(NIK)]
    (entry,) = exports_audited()
    assert entry.after["filters"] == {"name": "A***"}


def test_export_without_reason_or_capability_exports_nothing(client, world):
    client.force_login(world["regency"])
    url = reverse("registry:person-export", args=["csv"])
    response = client.post(url, {"within": "18.71", "reason": ""})
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:person-list") + "?within=18.71"
    client.force_login(world["auditor"])
    assert client.post(url, {"reason": REASON}).status_code == 403
    assert client.get(url).status_code == 405
    assert exports_audited() == []


def test_csv_cells_cannot_become_formulas(client, world):
    EmployerFactory(npp="AB0000012", name='=HYPERLINK("http://x")')
    client.force_login(world["regency"])
    response = client.post(reverse("registry:employer-export", args=["csv"]), {"reason": REASON})
    names = [r[1] for r in csv_rows(response)[1:]]
    assert '\'=HYPERLINK("http://x")' in names


# --- pagination and query counts ------------------------------------------------------------------


def test_pages_paginate_by_keyset(client, world):
    PersonFactory.create_batch(55)
    client.force_login(world["regency"])
    url = reverse("registry:person-list")
    first = client.get(url)
    assert len(first.context["persons"]) == 50
    after = first.context["page"].next_after
    second = client.get(url, {"after": after})
    assert len(second.context["persons"]) == 6 and second.context["page"].next_after is None
    ids = [p["id"] for p in first.context["persons"] + second.context["persons"]]
    assert len(set(ids)) == 56


def test_api_lists_use_cursor_pagination(client, world):
    PersonFactory.create_batch(6)
    client.force_login(world["regency"])
    data = client.get(reverse("api:person-list"), {"page_size": 4}).json()
    assert set(data) == {"next", "previous", "results"} and "cursor=" in data["next"]
    ids = [p["id"] for p in data["results"]]
    ids += [p["id"] for p in client.get(data["next"]).json()["results"]]
    assert len(set(ids)) == 7


LISTS = [
    ("api:employer-list", "get", {}),
    ("api:person-list", "get", {}),
    ("api:membership-list", "get", {}),
    ("registry:employer-list", "get", {}),
    ("registry:person-list", "get", {}),
    ("registry:person-list", "post", {"q": "Warga"}),
    ("registry:membership-list", "get", {}),
]


@pytest.mark.parametrize(("name", "method", "data"), LISTS, ids=lambda v: str(v))
def test_lists_make_a_constant_number_of_queries(client, world, name, method, data):
    client.force_login(world["regency"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = getattr(client, method)(reverse(name), data)
            assert response.status_code == 200
        return len(captured)

    MembershipFactory.create_batch(2)
    few = queries()
    MembershipFactory.create_batch(12)
    assert queries() == few


def test_employer_detail_queries_do_not_grow_with_workers(client, world):
    client.force_login(world["regency"])
    url = reverse("registry:employer-detail", args=[world["employer"].npp])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    MembershipFactory.create_batch(10, employer=world["employer"])
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
